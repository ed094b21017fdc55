"""`coursebuild preview`: serve the course inside a local SCORM runtime, rebuilding on change.

The package is rendered in memory and served on 127.0.0.1 beside scorm-again (the LMS side),
with a debug panel showing every SCORM call and the current CMI values. File-system events
(watchfiles) start a rebuild; the page learns of it at once by server-sent events and reloads
the course frame. When the edited file is the page shown, the page starts reloading it as soon as the
edit is seen, and the preview holds the request until the rebuild is done, so the browser's own work
of a reload overlaps the rebuild.
"""

from __future__ import annotations

import collections
import contextlib
import hashlib
import http.server
import json
import mimetypes
import os
import re
import stat
import sys
import threading
import time
import traceback
from collections.abc import Callable, Collection
from dataclasses import dataclass, field
from email.message import Message
from pathlib import Path
from typing import TypedDict
from urllib.parse import parse_qs, unquote, urlsplit

import watchfiles
from watchfiles._rust_notify import RustNotify

from builder.build import check, plan
from builder.errors import CoursebuildError
from builder.media import OnDisk, Packaged, Span, checked, whole
from builder.own_templates import Made, run
from builder.rendering import PAGES
from builder.sources import MAX_SOURCE_ENTRIES, SOURCE_FOLDERS
from builder.theme import MAX_TEMPLATE_ENTRIES, Theme, render_template

WATCHED = SOURCE_FOLDERS
PACKAGE_PREFIX = "/pkg/"
EVENTS_PATH = "/__preview/events"
SCORM_AGAIN_ENV = "COURSEBUILD_SCORM_AGAIN"
#: Milliseconds without a further change before a burst of changes (an editor's save) is rebuilt:
#: a change is seen 2–4 ms after it is made (5–10 ms at 5 ms). The watcher wakes this often while idle
#: (about 1% of a core; 0.5% at 5 ms).
DEBOUNCE_MS = 2
#: Milliseconds at most that a burst of changes (each within DEBOUNCE_MS of the last) is gathered before it is rebuilt
#: (watchfiles' default).
MAX_BURST_MS = 1600
#: Seconds between keep-alive comments on an idle event stream (they find closed connections).
KEEP_ALIVE_S = 15.0
#: Seconds the watcher waits before watching again after the watching itself failed; twice as long after each
#: failure in a row, up to MAX_RETRY_S (a watch limit of the machine reached: each try scans the folders and rebuilds).
RETRY_S = 1.0
MAX_RETRY_S = 60.0
#: The most folders watched (one inotify watch each): those of a project within `sources.MAX_SOURCE_ENTRIES` and
#: `theme.MAX_TEMPLATE_ENTRIES`, whose build the bounds refuse past them. 200,000 empty folders took every watch of
#: the user, and each change batch scanned them all again (18-verify24 J1).
MAX_WATCHED_FOLDERS = MAX_SOURCE_ENTRIES + MAX_TEMPLATE_ENTRIES
#: Seconds at most a request for a package file waits for a rebuild under way before the last build is served.
HOLD_S = 10.0
#: Seconds at most a rebuild waits for the open event streams to tell their pages it starts (they need the
#: interpreter, which the rebuild would otherwise hold, so the page would learn of it late).
TELL_S = 0.05


class PreviewUnavailable(CoursebuildError):
    """Something the preview needs is missing."""


def find_scorm_again() -> Path:
    """scorm-again's browser bundle: $COURSEBUILD_SCORM_AGAIN, or node_modules beside coursebuild."""
    candidates = [Path(os.environ[SCORM_AGAIN_ENV])] if os.environ.get(SCORM_AGAIN_ENV) else []
    candidates.append(Path(__file__).resolve().parent.parent / "node_modules/scorm-again/dist/scorm-again.min.js")
    for candidate in candidates:
        if candidate.is_file():
            return candidate
    raise PreviewUnavailable("preview needs scorm-again: run `npm ci` in the coursebuild folder, "
                             f"or set {SCORM_AGAIN_ENV} to scorm-again.min.js")


def internal_error(error: Exception) -> str:
    """The problem line shown for an exception that is a bug in coursebuild, not in the course."""
    return (f"internal error while rebuilding: {type(error).__name__}: {error} (the last good build is still "
            "served; this is a bug in coursebuild: please report it with the traceback printed by preview)")


#: The most digits a generation sent back by the page may have (a preview never makes more builds than this).
MAX_GENERATION_DIGITS = 18


def generation(text: str) -> int:
    """The build generation a page sent as text (`since=`): ASCII digits, at most MAX_GENERATION_DIGITS of them;
    0 for anything else (`str.isdigit` also takes `²`, and `int` refuses more than 4,300 digits)."""
    return int(text) if text.isascii() and text.isdigit() and len(text) <= MAX_GENERATION_DIGITS else 0


class Building(TypedDict):
    """What the preview page is told when a rebuild starts."""

    generation: int  #: the generation the rebuild will be
    pages: list[str]  #: the archive paths of the pages made from the files that changed


class Status(TypedDict):
    """What the preview page is told after each build."""

    generation: int
    problems: list[str]
    changed: list[str]
    milliseconds: int  #: how long the build took, from reading the sources to the rendered package


@dataclass
class Preview:
    """The current build of a project for one SCORM target, and how to rebuild it.

    `generation` counts builds (good or not); `problems` are the lines of the latest build's errors,
    empty when it was good; `files` is the last good build (archive path → bytes), and `versions`
    gives for each archive path the generation in which its bytes last changed (or it was removed).
    `tags` gives each file's entity tag (a hash of its bytes), so a browser re-fetches only what changed.
    `building` is the rebuild under way (`expect`), if any: a request for a package file waits for it.
    """

    project: Path
    target: str = "scorm12"
    generation: int = 0
    files: dict[str, Packaged] = field(default_factory=dict)
    problems: list[str] = field(default_factory=list)
    versions: dict[str, int] = field(default_factory=dict)
    tags: dict[str, str] = field(default_factory=dict)
    #: The traceback of the latest build's unexpected exception, if it had one, for the terminal.
    traceback: str = ""
    #: How long the latest build took (ms), from reading the sources to the rendered package.
    milliseconds: int = 0
    closed: bool = False
    changed: threading.Condition = field(default_factory=threading.Condition)
    building: Building | None = None
    #: The archive path of each page of the last good build, by its source file's project path.
    page_files: dict[str, str] = field(default_factory=dict)
    #: The event streams open, and how many of them have told their page of `building`.
    streams: int = 0
    told: int = 0
    #: The generation the preview page was last rendered in, and the page and its HTTP status then (`page`).
    rendered: tuple[int, tuple[bytes, int]] = (-1, (b"", 0))
    rendering: threading.Lock = field(default_factory=threading.Lock)

    def expect(self, sources: list[str]) -> None:
        """A rebuild starts, for these changed source files (project paths): tell the pages which pages it
        remakes (waiting up to TELL_S seconds for every event stream to do so), and hold requests for
        package files until it is published."""
        with self.changed:
            pages = sorted({self.page_files[path] for path in sources if path in self.page_files})
            self.building, self.told = Building(generation=self.generation + 1, pages=pages), 0
            self.changed.notify_all()
            self.changed.wait_for(lambda: self.closed or self.told >= self.streams, TELL_S)

    def count_stream(self, opened: int = 0, told: int = 0) -> None:
        """Count event streams `opened` (1, or -1 when closed), and those that have `told` their page of `building`."""
        with self.changed:
            self.streams += opened
            self.told += told
            self.changed.notify_all()

    def rebuild(self) -> None:
        """Build afresh. On errors, or on any unexpected exception, keep serving the last good build and
        show the problems instead; never raises an `Exception`."""
        detail, start = "", time.perf_counter()
        try:
            course = check(self.project, targets=(self.target,)).course
            (output,) = plan(course, (self.target,), self.project / "dist")
            files, problems = output.files, []
            self.page_files = {page.source.path: f"{PAGES}/{page.meta.id}.html" for page in course.pages}
        except CoursebuildError as error:  # invalid course, broken template
            files, problems = self.files, error.lines()
        except Exception as error:  # noqa: BLE001 - a bug must not stop the preview: show it instead
            files, problems, detail = self.files, [internal_error(error)], traceback.format_exc()
        self.publish(files, problems, detail, round((time.perf_counter() - start) * 1000))

    def publish(self, files: dict[str, Packaged], problems: list[str], detail: str = "", milliseconds: int = 0) -> None:
        """Start serving a new generation: these files (archive path → bytes), problems, traceback, and
        how long the build took (ms)."""
        with self.changed:
            self.generation += 1
            for name in files.keys() | self.files.keys():
                if (data := files.get(name)) != self.files.get(name):
                    self.versions[name] = self.generation
                    if data is None:
                        del self.tags[name]
                    else:
                        self.tags[name] = entity_tag(data)
            self.files, self.problems, self.traceback, self.milliseconds = files, problems, detail, milliseconds
            self.building = None
            self.changed.notify_all()

    def status(self, since: int = 0) -> Status:
        """The generation, the problems, and the archive paths changed after generation `since`."""
        with self.changed:
            return Status(generation=self.generation, problems=self.problems,
                          changed=sorted(name for name, version in self.versions.items() if version > since),
                          milliseconds=self.milliseconds)

    def served(self, name: str) -> tuple[Packaged, str] | None:
        """What archive path `name` holds in the build being served (bytes, or a file as it is on disk, read only
        when sent: `media.checked`), and its entity tag; None if there is none. While a rebuild is under way, waits
        (up to HOLD_S seconds) for it to be published."""
        with self.changed:
            self.changed.wait_for(lambda: self.closed or self.building is None, HOLD_S)
            return (self.files[name], self.tags[name]) if name in self.files else None

    def awaited(self, name: str) -> bool:
        """Wait (up to HOLD_S seconds) for the rebuild under way, if any; True if it was to remake the page at
        archive path `name` and failed (the last good build is served)."""
        with self.changed:
            building = self.building
            self.changed.wait_for(lambda: self.closed or self.building is None, HOLD_S)
            return (building is not None and name in building["pages"] and bool(self.problems)
                    and self.generation == building["generation"])

    def wait(self, generation: int, timeout: float, starts: bool = False, told: Building | None = None) -> bool:
        """Wait up to `timeout` seconds for a build after `generation` (with `starts`, also for a rebuild other
        than `told` to start); False once the preview is closed."""
        with self.changed:
            self.changed.wait_for(lambda: self.closed or self.generation != generation or
                                  (starts and self.building is not None and self.building != told), timeout)
            return not self.closed

    def close(self) -> None:
        """End every event stream."""
        with self.changed:
            self.closed = True
            self.changed.notify_all()

    def page(self) -> tuple[bytes, int]:
        """The preview's page (`preview.html`; the project's own copy rendered in the child of `own_templates.run`) and
        its HTTP status: 200, or 500 with the lines of a mistake in it. Rendered once for each generation (when first
        asked for, `rendered`) and kept: loading the page again renders nothing, so a slow page costs its time once a
        build, not once a load, and the children's time it adds to the build's total (`own_templates.run`) is one
        rendering's (18-verify24 J8)."""
        with self.rendering:  # one rendering at a time: two loads at once wait for one
            with self.changed:
                generation, problems = self.generation, self.problems
            if self.rendered[0] != generation:
                try:
                    self.rendered = generation, (self._page(generation, problems), 200)
                except CoursebuildError as error:  # the project's own preview.html is broken
                    self.rendered = generation, ("\n".join(error.lines()).encode(), 500)
            return self.rendered[1]

    def _page(self, generation: int, problems: list[str]) -> bytes:
        """`page`, rendered for this `generation` and its `problems`. Raises TemplateProblem for a mistake in it."""
        def work() -> Made:
            env = Theme.for_project(self.project).environment()
            return Made({"page": {"preview.html": render_template(
                env, "preview.html", scorm_version="1.2" if self.target == "scorm12" else "2004",
                generation=generation, problems=problems, package=PACKAGE_PREFIX + "index.html",
                package_prefix=PACKAGE_PREFIX, events=EVENTS_PATH).encode()}})

        return whole(run(self.project, work).groups["page"]["preview.html"])


def entity_tag(data: Packaged) -> str:
    """An HTTP entity tag (ETag) for these bytes: a quoted hash of them (RFC 9110, 8.8.3); of a file packaged as it is
    on disk, its sha256 named (`media.OnDisk.digest`), so it is not read for the tag."""
    return f'"{data.digest[:32] if isinstance(data, OnDisk) else hashlib.blake2b(data, digest_size=16).hexdigest()}"'


def failed_request(client_address: tuple[str, int], error: BaseException) -> str:
    """The line the terminal shows for a request from `client_address` (host, port) that failed with `error`: the
    lines of a CoursebuildError (a packaged file changed since it was built: 18-verify24 J9), the machine's error
    (`OSError`, `MemoryError`) as it is, and anything else as a bug in coursebuild."""
    if isinstance(error, CoursebuildError):
        what, why = "; ".join(error.lines()), "the preview goes on"
    else:
        what = f"{type(error).__name__}: {error}"
        why = ("the preview goes on" if isinstance(error, (OSError, MemoryError))
               else "the preview goes on; this is a bug in coursebuild: please report it")
    return f"preview: a request from {client_address[0]}:{client_address[1]} failed: {what} ({why})"


class PreviewServer(http.server.ThreadingHTTPServer):
    """The preview's HTTP server: a request that fails is one line on standard error, not a traceback."""

    def handle_error(self, request: object, client_address: tuple[str, int]) -> None:
        """Say in one line why answering the request from `client_address` (host, port) failed (`failed_request`);
        nothing when the browser dropped the connection (`ConnectionError`: reset, aborted, or a broken pipe), as it
        does when a page reloads while its media are still loading (18-verify18 C10)."""
        error = sys.exc_info()[1]
        if error is not None and not isinstance(error, ConnectionError):
            print(failed_request(client_address, error), file=sys.stderr)


#: A `Range` header the preview answers (RFC 9110, 14.1.2): one range of bytes, `first-last`, `first-` or `-suffix`,
#: of at most 18 digits each. Any other (several ranges, another unit, a malformed one) is ignored, as RFC 9110, 14.2,
#: allows: the whole file is sent.
ONE_RANGE = re.compile(r"\s*bytes\s*=\s*([0-9]{0,18})\s*-\s*([0-9]{0,18})\s*", re.IGNORECASE)


def byte_range(header: str, size: int) -> tuple[int, int] | None:
    """The bytes (start, stop: offsets, stop excluded) that a `Range` `header` asks for of a file of `size` bytes
    (RFC 9110, 14.1.2): None to send it whole (no header, or one ignored: `ONE_RANGE`), an empty span (0, 0) if the
    range is unsatisfiable (it starts at or after the end, or is a suffix of none; 416)."""
    found = ONE_RANGE.fullmatch(header)
    if found is None or not any(found.groups()):
        return None
    first, last = found.groups()
    if not first:  # the last `last` bytes
        return (max(size - int(last), 0), size) if int(last) and size else (0, 0)
    if last and int(last) < int(first):
        return None  # invalid: ignored
    start, stop = int(first), min(int(last) + 1, size) if last else size
    return (start, stop) if start < size else (0, 0)


#: What a browser's `Sec-Fetch-Site` says of a request made by a page of another origin (W3C Fetch Metadata Request
#: Headers, 2.1): `same-site` too, since every port of 127.0.0.1, or of localhost, is one site.
OTHER_ORIGINS = frozenset({"cross-site", "same-site"})


def refusal(headers: Message, own_hosts: Collection[str]) -> tuple[str, str] | None:
    """(why, what to do) if the preview must answer a request with these `headers` with 403, else None.

    Refused: a `Host` other than the server's own, `own_hosts` (lower case: host names are case-insensitive, RFC 9110,
    4.2.3), so that a web page whose host name was rebound to 127.0.0.1 (DNS rebinding) cannot read the preview; and
    a request a page of another origin made (`Sec-Fetch-Site` in OTHER_ORIGINS) other than opening a page in a tab
    or window (`Sec-Fetch-Mode: navigate`, `Sec-Fetch-Dest: document`, whose content that page cannot read): any web
    page the trainer visits could otherwise include the preview's `course-data.js` with a `<script>` tag and read the
    draft course (18-verify22 E5). A request without `Sec-Fetch-Site` (a browser before 2023, curl) is answered."""
    if headers.get("Host", "").lower() not in own_hosts:
        return "Host not allowed", f"open the preview at http://{next(iter(own_hosts))}/"
    if headers.get("Sec-Fetch-Site", "").lower() in OTHER_ORIGINS and not (
            headers.get("Sec-Fetch-Mode", "").lower() == "navigate"
            and headers.get("Sec-Fetch-Dest", "").lower() == "document"):
        return "Request from another site refused", "the preview answers only its own page"
    return None


def make_server(preview: Preview, port: int = 8000) -> PreviewServer:
    """An HTTP server on 127.0.0.1 serving the preview page, scorm-again, the package and its build events.

    Requests `refusal` refuses (another `Host`, or made by a page of another site) get 403. Every answer with a body
    tells the browser to let no page of another origin load it (`Cross-Origin-Resource-Policy: same-origin`), which
    also holds in a browser that does not say who asks (no `Sec-Fetch-Site`).
    """
    scorm_again = find_scorm_again().read_bytes()
    scorm_again_tag = entity_tag(scorm_again)
    own_hosts: list[str] = []  # 127.0.0.1:<port> and localhost:<port>, once the port is known

    class Handler(http.server.BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"  # keep-alive: a reload's requests reuse the browser's connections
        # Send each write at once (TCP_NODELAY): on a kept-alive connection the body, written after the
        # headers, otherwise waits for the browser's delayed acknowledgement of them (40 ms on Linux).
        disable_nagle_algorithm = True

        def do_GET(self) -> None:  # noqa: N802 - stdlib naming
            if refused := refusal(self.headers, own_hosts):
                self.send_error(403, *refused)
                return
            try:
                url = urlsplit(self.path)
            except ValueError:  # `http://[x/`: a malformed IPv6 host (18-verify14 D3)
                self.send_error(400, "Bad request path")
                return
            path = unquote(url.path)
            if path in ("/", "/index.html"):
                page, status = preview.page()
                self._send(page, "text/html; charset=utf-8" if status == 200 else "text/plain; charset=utf-8", status)
            elif path == "/__preview/status":
                self._send(json.dumps(preview.status()).encode(), "application/json")
            elif path == EVENTS_PATH:
                since = parse_qs(url.query).get("since", ["0"])[0]
                self._events(generation(since))
            elif path == "/__preview/scorm-again.min.js":
                self._send(scorm_again, "text/javascript", tag=scorm_again_tag)
            elif path.startswith(PACKAGE_PREFIX):
                self._package_file(path[len(PACKAGE_PREFIX):])
            else:
                self.send_error(404)

        def _package_file(self, name: str) -> None:
            """Send the package file at archive path `name`. A page the browser started reloading when told a rebuild
            would remake it is answered 204 (No Content) if the rebuild failed: the browser then keeps the page
            it shows, as it would have without the early reload."""
            if preview.awaited(name):
                self.send_response(204)
                self.send_header("Cache-Control", "no-store")
                self.end_headers()
            elif (found := preview.served(name)) is None:
                self.send_error(404)
            else:
                data, tag = found
                kind = mimetypes.guess_type(name)[0] or "application/octet-stream"
                with contextlib.ExitStack() as stack:
                    try:  # a file as it is on disk is read through and checked before anything is sent
                        span = stack.enter_context(checked(data))
                    except CoursebuildError as error:  # changed since the build served (18-verify24 J9)
                        print(failed_request(self.client_address, error), file=sys.stderr)
                        self._send("\n".join(error.lines()).encode(), "text/plain; charset=utf-8", 409)
                        return
                    self._answer(span, data.size if isinstance(data, OnDisk) else len(data),
                                 kind + ("; charset=utf-8" if kind.startswith("text/") else ""), tag=tag)

        def _send(self, body: bytes, content_type: str, status: int = 200, tag: str = "") -> None:
            """Send `body` (`_answer`)."""
            with checked(body) as span:
                self._answer(span, len(body), content_type, status, tag)

        def _answer(self, span: Span, size: int, content_type: str, status: int = 200, tag: str = "") -> None:
            """Send the `size` bytes `span` gives, a piece at a time. With an entity `tag`, the browser may keep them
            but must ask again before each use, and is answered 304 (no body) if it has these bytes already; without
            one it keeps nothing. With a tag, one range of them is sent if asked for (`Range`, `byte_range`; not if
            `If-Range` names other bytes): 206 with `Content-Range`, or 416 if it is unsatisfiable, so a video is
            sought in without being sent again whole (18-verify24 J4)."""
            if tag and tag in (t.strip().removeprefix("W/") for t in self.headers.get("If-None-Match", "").split(",")):
                self.send_response(304)
                self.send_header("ETag", tag)
                self.send_header("Cache-Control", "no-cache")
                self.end_headers()
                return
            asked = (byte_range(self.headers.get("Range", ""), size)
                     if tag and status == 200 and self.headers.get("If-Range", tag) == tag else None)
            start, stop = asked or (0, size)
            self.send_response(status if asked is None else 206 if start < stop else 416)
            self.send_header("Content-Type", content_type)
            self.send_header("Content-Length", str(stop - start))
            if tag:
                self.send_header("ETag", tag)
                self.send_header("Accept-Ranges", "bytes")
            if asked is not None:
                self.send_header("Content-Range", f"bytes {f'{start}-{stop - 1}' if start < stop else '*'}/{size}")
            self.send_header("Cache-Control", "no-cache" if tag else "no-store")
            self.send_header("Cross-Origin-Resource-Policy", "same-origin")
            self.end_headers()
            for piece in span(start, stop):
                self.wfile.write(piece)

        def _events(self, since: int) -> None:
            """Server-sent events: the status after every build later than generation `since` (the one the
            page was made in), until the page or the preview goes, and a `building` event when a rebuild
            starts. A `since` from a preview started again (later than this one's builds) counts as 0."""
            preview.count_stream(opened=1)  # before the headers: a page that has them is counted
            try:
                self.send_response(200)
                self.send_header("Content-Type", "text/event-stream")
                self.send_header("Cache-Control", "no-store")
                self.send_header("Connection", "close")  # the stream has no length: it ends when the connection does
                self.end_headers()
                seen = since if since <= preview.generation else 0
                told: Building | None = None
                while True:
                    building = None
                    if preview.generation != seen:
                        status = preview.status(seen)
                        seen = status["generation"]
                        self.wfile.write(f"data: {json.dumps(status)}\n\n".encode())
                    elif (building := preview.building) is not None and building != told:
                        self.wfile.write(f"event: building\ndata: {json.dumps(building)}\n\n".encode())
                    else:
                        self.wfile.write(b": still here\n\n")
                    self.wfile.flush()
                    if building is not None and building != told:  # the page was told of it
                        told = building
                        preview.count_stream(told=1)
                    if not preview.wait(seen, KEEP_ALIVE_S, starts=True, told=told):
                        return
            except (BrokenPipeError, ConnectionResetError):
                return  # the page was closed or reloaded
            finally:
                preview.count_stream(opened=-1)

        def log_message(self, format: str, *args: object) -> None:  # noqa: A002 - stdlib signature
            pass

    try:
        server = PreviewServer(("127.0.0.1", port), Handler)
    except OSError as error:
        raise PreviewUnavailable(f"cannot serve on 127.0.0.1:{port}: {error.strerror} "
                                 "(choose another port with --port)") from None
    own_hosts.extend(f"{name}:{server.server_port}" for name in ("127.0.0.1", "localhost"))
    return server


def source_folders(project: Path) -> frozenset[Path]:
    """The real locations (absolute paths) of the folders a build reads sources from: course/, quizzes/ and
    templates/ where each really is, if that is inside the `project` (its real location), and every folder inside
    them that is not a symbolic link.

    No link is followed. The build reads through a link to a folder only while it stays inside its top folder, so the
    folder it leads to is found there anyway; a link out of it, or out of the project, the build refuses with one line
    (`sources.project_files`, `theme.template_problems`), and watching through it would watch the machine: a link to
    `/` had the watcher fail on /proc for ever, and one to /usr held 16,000 inotify watches (18-verify18 C7).
    A folder that cannot be read is left out: the build says why. At most MAX_WATCHED_FOLDERS, breadth first (the
    top folders first, so that removing the crowd is seen): past it the build fails with the bound's line."""
    found: set[Path] = set()
    waiting = collections.deque(real for name in WATCHED
                                if (real := Path(os.path.realpath(project / name))).is_relative_to(project))
    while waiting and len(found) < MAX_WATCHED_FOLDERS:
        folder = waiting.popleft()
        if folder in found:  # two top folders that are one (`quizzes -> course`)
            continue
        try:
            with os.scandir(folder) as entries:
                waiting.extend(Path(entry.path) for entry in entries if entry.is_dir(follow_symlinks=False))
        except OSError:  # gone, not a folder, or unreadable
            continue
        found.add(folder)
    return frozenset(found)


class SourceFilter(watchfiles.DefaultFilter):
    """Changes in the source `folders` (`source_folders`), and to the entries course/, quizzes/ and templates/ of the
    project folder, less editors' temporary files."""

    def __init__(self, project: Path, folders: frozenset[Path]):
        super().__init__()
        self.folders, self.tops = folders, frozenset(str(project / folder) for folder in WATCHED)

    def __call__(self, change: watchfiles.Change, path: str) -> bool:
        return (path in self.tops or Path(path).parent in self.folders) and super().__call__(change, path)


def watch(preview: Preview, stop: threading.Event, report: Callable[[Preview], None] | None = None) -> None:
    """Rebuild whenever a source file is created, changed, renamed or deleted, until `stop` is set.

    Only the folders a build reads are watched, each on its own, and the project folder for course/, quizzes/ and
    templates/ coming and going (`source_folders`): when a change makes or removes one, the folders are watched
    again as they are now, and then rebuilt, so that nothing written in a new folder meanwhile is missed (watchfiles'
    Rust backend, `RustNotify`, documented for direct use, has its watches in place once it is made; `watchfiles.watch`
    would set them only when first asked for changes, after the rebuild).
    Changes closer together than DEBOUNCE_MS are rebuilt once. `report` is called after each
    rebuild. Nothing that goes wrong stops the watching: a failed rebuild is shown as problems,
    and if watching itself fails (say, the folder went away) it is shown too, started again, and rebuilt.
    """
    project = preview.project.resolve()
    changed: set[str] = set()  # project paths seen changed and not yet rebuilt
    stale = False  # whether changes may have been missed (the watching failed)
    retry = RETRY_S
    while not stop.is_set():
        try:
            folders = source_folders(project)
            accept = SourceFilter(project, folders)
            with RustNotify(sorted(map(str, folders | {project})), False, False, 0, False, False) as notify:
                retry = RETRY_S
                while not stop.is_set():
                    if changed or stale:
                        preview.expect(sorted(changed))
                        preview.rebuild()
                        _report(preview, report)
                        changed, stale = set(), False
                    raw = notify.watch(MAX_BURST_MS, DEBOUNCE_MS, 0, stop)
                    if isinstance(raw, str):  # "stop", or "signal" (Ctrl+C, when watching on the main thread)
                        return
                    seen = [path for change, path in raw if accept(watchfiles.Change(change), path)]
                    changed = {Path(path).relative_to(project).as_posix() for path in seen}
                    if any(_may_be_folder(path, folders, accept.tops) for path in seen) \
                            and source_folders(project) != folders:
                        break  # a folder came or went: watch the folders as they are, then rebuild
        except Exception as error:  # noqa: BLE001 - the watcher must outlive anything that goes wrong
            detail = "" if isinstance(error, OSError) else traceback.format_exc()  # the machine's (a watch limit)
            preview.publish(preview.files, [f"{project}: cannot watch for changes: {error} "
                                            f"(trying again in {retry:g} s)"], detail)
            _report(preview, report)
            stale = True
            stop.wait(retry)
            retry = min(2 * retry, MAX_RETRY_S)


def _may_be_folder(path: str, folders: frozenset[Path], tops: frozenset[str]) -> bool:
    """Whether the changed `path` is or was a folder the watcher watches, or a top folder: only then are the folders
    listed again (`source_folders`); each change batch listed them all, so an edit showed after 11 s with 60,000
    folders (18-verify24 J1)."""
    try:
        is_folder = stat.S_ISDIR(os.lstat(path).st_mode)
    except OSError:  # gone
        is_folder = False
    return is_folder or path in tops or Path(path) in folders


def _report(preview: Preview, report: Callable[[Preview], None] | None) -> None:
    """Call `report`; if it fails (say, the terminal is gone), the page still shows the build."""
    try:
        if report is not None:
            report(preview)
    except Exception:  # noqa: BLE001, S110 - reporting is a courtesy: it must not stop the watcher
        pass
