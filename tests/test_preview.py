"""`coursebuild preview`: the course in a local SCORM runtime, rebuilt when sources change.

The watcher tests make real file-system changes and wait for the preview to show them; the
waits only bound how long a broken watcher can hang a test, they time nothing.
"""

from __future__ import annotations

import http.client
import http.server
import json
import os
import re
import select
import socket
import struct
import threading
import urllib.error
import urllib.request
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import Browser, expect
from watchfiles._rust_notify import RustNotify

from builder import preview as preview_module
from builder.preview import Preview, make_server, source_folders, watch

from conftest import edit, run

#: Seconds a test waits for the preview to show a change before it fails.
PATIENCE = 15.0
EXTRA_PAGE = "---\nid: extra\ntitle: Extra\nkind: content\nminutes: 2\noutcomes: [LO1]\n---\nExtra words here.\n"


@pytest.fixture
def served(project: Path) -> Iterator[tuple[Preview, str]]:
    preview = Preview(project)
    preview.rebuild()
    server = make_server(preview, port=0)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield preview, f"http://127.0.0.1:{server.server_address[1]}"
    preview.close()
    server.shutdown()
    server.server_close()


@pytest.fixture
def watched(served: tuple[Preview, str]) -> Iterator[tuple[Preview, str]]:
    """The served preview with its file watcher running."""
    preview = served[0]
    stop = threading.Event()
    watcher = threading.Thread(target=watch, args=(preview, stop), daemon=True)
    watcher.start()
    wait_until_watching(preview)
    yield served
    stop.set()
    watcher.join(PATIENCE)
    assert not watcher.is_alive(), "the watcher stops when told to"


def wait_until_watching(preview: Preview) -> None:
    """Wait until the watcher sees changes: touch a source file until a rebuild follows."""
    welcome = preview.project / "course/pages/welcome.md"
    for _ in range(int(PATIENCE / 0.2)):
        generation = preview.generation
        welcome.touch()
        if preview.wait(generation, 0.2) and preview.generation != generation:
            return
    raise AssertionError("the watcher never started")


def until(preview: Preview, condition: Callable[[], bool], what: str) -> None:
    """Wait for builds until `condition` holds."""
    with preview.changed:
        assert preview.changed.wait_for(condition, PATIENCE), f"the preview never showed {what}: {preview.problems}"


def page_text(preview: Preview, name: str) -> str:
    return preview.files.get(f"pages/{name}.html", b"").decode()


def get(url: str) -> bytes:
    with urllib.request.urlopen(url, timeout=5) as response:
        body: bytes = response.read()
        return body


def request(base: str, path: str, host: str) -> tuple[int, bytes]:
    """GET `path` with the given Host header; the status and body."""
    connection = http.client.HTTPConnection(base.removeprefix("http://"), timeout=5)
    connection.request("GET", path, headers={"Host": host})
    response = connection.getresponse()
    result = response.status, response.read()
    connection.close()
    return result


def test_picks_up_changed_created_renamed_and_deleted_files(watched: tuple[Preview, str]) -> None:
    preview = watched[0]
    pages = preview.project / "course/pages"
    course_yaml = preview.project / "course/course.yaml"

    edit(pages / "welcome.md", "This course takes", "This short course takes")
    until(preview, lambda: "This short course takes" in page_text(preview, "welcome"), "a changed page")

    edit(course_yaml, "pages: [case-amira, final-check]", "pages: [case-amira, extra, final-check]")
    until(preview, lambda: any("`extra`" in line for line in preview.problems), "a page missing from a module")
    (pages / "extra.md").write_text(EXTRA_PAGE, encoding="utf-8")
    until(preview, lambda: "Extra words here" in page_text(preview, "extra") and not preview.problems,
          "a created page")

    # An editor's atomic save: the new text goes to a temporary file, renamed over the page.
    temporary = pages / ".extra.md.saving"
    temporary.write_text(EXTRA_PAGE.replace("Extra words", "Renamed words"), encoding="utf-8")
    os.replace(temporary, pages / "extra.md")
    until(preview, lambda: "Renamed words here" in page_text(preview, "extra"), "a page renamed into place")
    (pages / "extra.md").rename(pages / "extra.txt")
    until(preview, lambda: any("`extra`" in line for line in preview.problems), "a page renamed away")
    (pages / "extra.txt").rename(pages / "extra.md")
    until(preview, lambda: not preview.problems, "a page renamed back")

    (pages / "extra.md").unlink()
    until(preview, lambda: any("`extra`" in line for line in preview.problems), "a deleted page")
    assert "Renamed words here" in page_text(preview, "extra"), "the last good build is still served"
    edit(course_yaml, "pages: [case-amira, extra, final-check]", "pages: [case-amira, final-check]")
    until(preview, lambda: not preview.problems and "pages/extra.html" not in preview.files, "a page taken out")


@pytest.fixture
def links_to_the_machine(project: Path) -> Path:
    """The project with links out of it that the build never reads: to / beside the sources (in docs/), and to
    /proc among them, where watching through the link fails (permission denied) or takes thousands of watches."""
    (project / "docs").mkdir()
    (project / "docs/root").symlink_to("/", target_is_directory=True)
    (project / "course/proc").symlink_to("/proc", target_is_directory=True)
    return project


def test_watches_sources_beside_links_to_the_machine(links_to_the_machine: Path,
                                                     watched: tuple[Preview, str]) -> None:
    """A link to / or /proc in the project is not followed: the watcher starts, and sees a page's edit
    (18-verify18 C7: it failed on /proc for ever, and no edit was rebuilt)."""
    preview = watched[0]
    edit(preview.project / "course/pages/welcome.md", "This course takes", "This short course takes")
    until(preview, lambda: "This short course takes" in page_text(preview, "welcome"), "a changed page")
    assert not preview.problems


@pytest.fixture
def pages_linked_in(project: Path, tmp_path: Path) -> Path:
    """A folder outside the project, linked in as a folder of pages (course/pages/shared)."""
    outside = tmp_path / "outside"
    (outside / "deep").mkdir(parents=True)
    (project / "course/pages/shared").symlink_to(outside, target_is_directory=True)
    return outside


def test_a_link_out_of_the_sources_shows_its_problem_and_is_not_watched(
        pages_linked_in: Path, watched: tuple[Preview, str], monkeypatch: pytest.MonkeyPatch) -> None:
    """A folder of pages linked in from outside the project is refused by the build, shown in the preview, and
    its files are not watched through the link: a change there is no change to the course (18-verify18 C7)."""
    preview = watched[0]
    sources, expect = [], preview.expect

    def recorded(changed: list[str]) -> None:
        sources.extend(changed)
        expect(changed)

    def refused() -> bool:
        return any(line.startswith("course/pages/shared:1: the folder is a symbolic link that leads out of")
                   for line in preview.problems)

    assert refused()
    monkeypatch.setattr(preview, "expect", recorded)
    (pages_linked_in / "deep/extra.md").write_text(EXTRA_PAGE, encoding="utf-8")
    edit(preview.project / "course/pages/welcome.md", "This course takes", "This short course takes")
    until(preview, lambda: "course/pages/welcome.md" in sources, "the next edit")  # seen after the outside file
    assert not any(path.startswith("course/pages/shared/") for path in sources), sources

    link = preview.project / "course/pages/shared"
    link.unlink()
    until(preview, lambda: not preview.problems and "This short course takes" in page_text(preview, "welcome"),
          "the link taken away")
    link.symlink_to(pages_linked_in, target_is_directory=True)
    until(preview, refused, "the link made again")


def test_source_folders_are_where_the_sources_really_are_through_no_link(project: Path, tmp_path: Path) -> None:
    (tmp_path / "outside/deep").mkdir(parents=True)
    (project / "course/pages/part/one").mkdir(parents=True)
    (project / "course/pages/out").symlink_to(tmp_path / "outside", target_is_directory=True)
    (project / "course/pages/again").symlink_to("part", target_is_directory=True)  # read by the build, as part/
    (project / "templates").symlink_to("course", target_is_directory=True)  # one folder, reached twice
    real = project.resolve()
    assert source_folders(real) == {real / folder for folder in (
        "course", "course/media", "course/pages", "course/pages/part", "course/pages/part/one", "quizzes")}


def test_watches_a_folder_made_while_watching(watched: tuple[Preview, str]) -> None:
    """Folders are watched each on its own: one made in a source folder is watched from then on, and a page
    written in it at once is rebuilt."""
    preview = watched[0]
    edit(preview.project / "course/course.yaml", "pages: [case-amira, final-check]",
         "pages: [case-amira, extra, final-check]")
    until(preview, lambda: any("`extra`" in line for line in preview.problems), "a page missing from a module")
    folder = preview.project / "course/pages/more/deeper"
    folder.mkdir(parents=True)
    (folder / "extra.md").write_text(EXTRA_PAGE, encoding="utf-8")
    until(preview, lambda: "Extra words here" in page_text(preview, "extra") and not preview.problems,
          "a page in a new folder")
    edit(folder / "extra.md", "Extra words", "Edited words")
    until(preview, lambda: "Edited words here" in page_text(preview, "extra"), "a page edited in the new folder")


def test_keeps_the_last_good_build_on_an_invalid_edit_and_recovers_on_the_next(
        watched: tuple[Preview, str]) -> None:
    preview, base = watched
    good = preview.files
    edit(preview.project / "quizzes/final.yaml", "draw: 2", "draw: 9")
    until(preview, lambda: bool(preview.problems), "the problems of an invalid edit")
    assert preview.problems[0].startswith("quizzes/final.yaml:4: `draw` is 9")
    assert preview.files is good and get(base + "/pkg/pages/welcome.html") == good["pages/welcome.html"]
    status = json.loads(get(base + "/__preview/status"))
    assert status["problems"] == preview.problems, "the page is told the problems"
    assert b"quizzes/final.yaml:4: `draw` is 9" in get(base + "/"), "and shows them when it is opened"

    edit(preview.project / "quizzes/final.yaml", "draw: 9", "draw: 1")
    until(preview, lambda: not preview.problems, "the next valid edit")
    assert preview.files is not good


def test_survives_an_unexpected_exception_in_a_rebuild(watched: tuple[Preview, str],
                                                      monkeypatch: pytest.MonkeyPatch) -> None:
    preview = watched[0]
    good = preview.files

    def broken(*args: Any) -> None:
        raise KeyError("a bug")

    monkeypatch.setattr(preview_module, "plan", broken)
    edit(preview.project / "course/pages/welcome.md", "This course takes", "This short course takes")
    until(preview, lambda: bool(preview.problems), "the error")
    assert preview.problems == [preview_module.internal_error(KeyError("a bug"))]
    assert preview.problems[0].startswith("internal error while rebuilding: KeyError: 'a bug' (")
    assert "Traceback" in preview.traceback and "KeyError" in preview.traceback
    assert preview.files is good

    monkeypatch.undo()
    edit(preview.project / "course/pages/welcome.md", "This short course takes", "This brief course takes")
    until(preview, lambda: "This brief course takes" in page_text(preview, "welcome"), "the watcher still working")
    assert not preview.problems and not preview.traceback


def test_keeps_watching_when_reporting_a_build_fails(served: tuple[Preview, str]) -> None:
    preview = served[0]
    reported = threading.Semaphore(0)

    def report(built: Preview) -> None:
        reported.release()
        raise BrokenPipeError("the terminal went away")

    stop = threading.Event()
    watcher = threading.Thread(target=watch, args=(preview, stop, report), daemon=True)
    watcher.start()
    try:
        wait_until_watching(preview)
        edit(preview.project / "course/pages/welcome.md", "This course takes", "This short course takes")
        until(preview, lambda: "This short course takes" in page_text(preview, "welcome"), "the next save")
        assert reported.acquire(timeout=PATIENCE) and reported.acquire(timeout=PATIENCE), "reported twice"
        assert watcher.is_alive()
    finally:
        stop.set()
        watcher.join(PATIENCE)


def test_keeps_watching_when_watching_itself_fails(served: tuple[Preview, str],
                                                   monkeypatch: pytest.MonkeyPatch) -> None:
    preview = served[0]
    calls, real_notify = [], preview_module.RustNotify

    def flaky(*args: Any) -> RustNotify:
        calls.append(args)
        if len(calls) == 1:
            raise OSError("inotify watch limit reached")
        return real_notify(*args)

    monkeypatch.setattr(preview_module, "RETRY_S", 0.05)
    monkeypatch.setattr(preview_module, "RustNotify", flaky)
    stop = threading.Event()
    watcher = threading.Thread(target=watch, args=(preview, stop), daemon=True)
    watcher.start()
    try:
        until(preview, lambda: any("cannot watch for changes: inotify watch limit reached (trying again in 0.05 s)"
                                   in line for line in preview.problems), "the failure")
        wait_until_watching(preview)
        assert not preview.problems and len(calls) == 2
    finally:
        stop.set()
        watcher.join(PATIENCE)


def test_a_watch_limit_is_one_line_and_the_tries_back_off(served: tuple[Preview, str],
                                                         monkeypatch: pytest.MonkeyPatch) -> None:
    """18-verify24 J1: past the watch limit of the machine, the watcher printed a Python traceback and tried again
    every second for ever, each try scanning the folders and rebuilding (32 s of processor time a minute)."""
    preview, shown = served[0], []

    def limit(*args: Any) -> RustNotify:
        raise OSError("OS file watch limit reached")

    class Stop:
        """Stopped after five waits, each noted: no thread, no waiting."""
        waits: list[float] = []

        def is_set(self) -> bool:
            return len(self.waits) == 5

        def wait(self, seconds: float) -> bool:
            self.waits.append(seconds)
            return self.is_set()

    monkeypatch.setattr(preview_module, "MAX_RETRY_S", 4.0)
    monkeypatch.setattr(preview_module, "RustNotify", limit)
    watch(preview, Stop(), lambda session: shown.append((session.problems, session.traceback)))  # type: ignore[arg-type]
    assert Stop.waits == [1.0, 2.0, 4.0, 4.0, 4.0]
    assert shown[-1] == ([f"{preview.project.resolve()}: cannot watch for changes: OS file watch limit reached "
                          "(trying again in 4 s)"], "")


def test_the_folders_watched_are_bounded_top_folders_first(project: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """18-verify24 J1: 200,000 empty folders took every inotify watch of the user; the bound is lowered here to 5."""
    for number in range(30):
        (project / "course" / "media" / "crowd" / str(number)).mkdir(parents=True)
    monkeypatch.setattr(preview_module, "MAX_WATCHED_FOLDERS", 5)
    real = project.resolve()
    folders = source_folders(real)
    assert len(folders) == 5 and {real / "course", real / "quizzes"} <= folders


def test_an_edit_does_not_list_the_folders_again(served: tuple[Preview, str], monkeypatch: pytest.MonkeyPatch) -> None:
    """18-verify24 J1: each change batch listed every folder again to see whether one came or went (an edit showed
    after 11 s with 60,000 folders); only a change to a folder does now."""
    preview, listings = served[0], []
    real_folders = preview_module.source_folders

    def listed(project: Path) -> frozenset[Path]:
        listings.append(project)
        return real_folders(project)

    monkeypatch.setattr(preview_module, "source_folders", listed)
    stop = threading.Event()
    watcher = threading.Thread(target=watch, args=(preview, stop), daemon=True)
    watcher.start()
    try:
        wait_until_watching(preview)
        edit(preview.project / "course/pages/welcome.md", "This course takes", "This short course takes")
        until(preview, lambda: "This short course takes" in page_text(preview, "welcome"), "a changed page")
        assert len(listings) == 1  # a new folder is listed: test_watches_a_folder_made_while_watching
    finally:
        stop.set()
        watcher.join(PATIENCE)


def test_serves_the_preview_page_the_package_and_its_status(served: tuple[Preview, str]) -> None:
    preview, base = served
    assert b"scorm-again.min.js" in get(base + "/")
    assert get(base + "/pkg/index.html") == preview.files["index.html"]
    assert b"Scorm12API" in get(base + "/__preview/scorm-again.min.js")
    assert json.loads(get(base + "/__preview/status")) == {"generation": 1, "problems": [],
                                                           "changed": sorted(preview.files),
                                                           "milliseconds": preview.milliseconds}
    assert preview.milliseconds > 0, "how long the build took"
    with pytest.raises(urllib.error.HTTPError, match="404"):
        get(base + "/pkg/nothing-here.html")


def test_a_reload_fetches_again_only_the_files_that_changed(served: tuple[Preview, str]) -> None:
    """Package files carry an entity tag: a browser asks again before using its copy, and gets 304 (no body)
    for a file unchanged since, so reloading the course frame re-fetches only what changed."""
    preview, base = served
    connection = http.client.HTTPConnection(base.removeprefix("http://"), timeout=5)  # one kept-alive connection

    def fetch(path: str, tag: str = "") -> tuple[int, bytes, str]:
        connection.request("GET", path, headers={"If-None-Match": tag} if tag else {})
        response = connection.getresponse()
        assert response.getheader("Cache-Control") == "no-cache", path
        return response.status, response.read(), response.getheader("ETag") or ""

    status, body, welcome = fetch("/pkg/pages/welcome.html")
    assert status == 200 and body == preview.files["pages/welcome.html"] and welcome.startswith('"')
    _, _, cues = fetch("/pkg/pages/baby-cues.html")
    assert fetch("/pkg/pages/welcome.html", welcome) == (304, b"", welcome)
    assert fetch("/pkg/pages/welcome.html", f'W/"other", {welcome}')[0] == 304, "any of the tags listed"

    edit(preview.project / "course/pages/welcome.md", "This course takes", "This short course takes")
    preview.rebuild()
    status, body, changed = fetch("/pkg/pages/welcome.html", welcome)
    assert status == 200 and b"This short course takes" in body and changed not in ("", welcome)
    assert fetch("/pkg/pages/baby-cues.html", cues) == (304, b"", cues), "an unchanged page is not sent again"
    _, _, scorm_again = fetch("/__preview/scorm-again.min.js")
    assert fetch("/__preview/scorm-again.min.js", scorm_again)[0] == 304
    connection.close()
    with urllib.request.urlopen(base + "/", timeout=5) as page:
        assert page.headers["Cache-Control"] == "no-store", "the preview page (it holds the build number) is not kept"


def test_a_broken_preview_template_is_shown_as_its_problem(served: tuple[Preview, str]) -> None:
    preview, base = served
    (preview.project / "templates").mkdir()
    (preview.project / "templates/preview.html").write_text("{% if %}", encoding="utf-8")
    with pytest.raises(urllib.error.HTTPError, match="500") as raised:
        get(base + "/")
    assert "templates/preview.html:1: template error:" in raised.value.read().decode()


def test_tells_the_page_of_each_build_at_once_by_server_sent_events(served: tuple[Preview, str]) -> None:
    preview, base = served
    connection = http.client.HTTPConnection(base.removeprefix("http://"), timeout=PATIENCE)
    connection.request("GET", "/__preview/events?since=1")
    response = connection.getresponse()
    assert response.status == 200 and response.getheader("Content-Type") == "text/event-stream"
    edit(preview.project / "course/pages/welcome.md", "This course takes", "This short course takes")
    threading.Thread(target=preview.rebuild).start()
    line = response.readline()
    while not line.startswith(b"data: "):  # keep-alive comments may come first
        line = response.readline()
    status = json.loads(line.removeprefix(b"data: "))
    assert status["generation"] == 2 and status["problems"] == []
    assert "pages/welcome.html" in status["changed"] and "pages/baby-cues.html" not in status["changed"]
    connection.close()


@pytest.mark.parametrize("since", ["%C2%B2", "9" * 5000, "-1", "1e3"])
def test_a_generation_that_is_not_plain_digits_counts_as_0(served: tuple[Preview, str], since: str) -> None:
    """Any page the trainer has open may ask for the events (18-verify7 W7): `²` passes `str.isdigit` and 5,000
    digits pass it too, but `int` refuses both; the stream must answer as for `since=0`, not die in a traceback."""
    _, base = served
    connection = http.client.HTTPConnection(base.removeprefix("http://"), timeout=PATIENCE)
    connection.request("GET", f"/__preview/events?since={since}")
    response = connection.getresponse()
    assert response.status == 200
    line = response.readline()
    while not line.startswith(b"data: "):  # keep-alive comments may come first
        line = response.readline()
    assert json.loads(line.removeprefix(b"data: "))["generation"] == 1, "the status of the build there is, at once"
    connection.close()


def test_tells_the_page_a_rebuild_starts_and_holds_requests_until_it_is_done(
        served: tuple[Preview, str], monkeypatch: pytest.MonkeyPatch) -> None:
    """The page learns which pages a rebuild remakes before it starts (to reload the one shown at once); a
    request for a package file made meanwhile is answered when the rebuild is done, with what it made."""
    preview, base = served
    monkeypatch.setattr(preview_module, "TELL_S", PATIENCE)  # a loaded machine may take longer than a rebuild waits
    events = http.client.HTTPConnection(base.removeprefix("http://"), timeout=PATIENCE)
    events.request("GET", "/__preview/events?since=1")
    stream = events.getresponse()
    edit(preview.project / "course/pages/welcome.md", "This course takes", "This short course takes")
    preview.expect(["course/pages/welcome.md", "quizzes/final.yaml", "course/pages/gone.md"])
    assert (preview.streams, preview.told) == (1, 1), "the rebuild starts once the page has been told"
    line = stream.readline()
    while not line.startswith(b"event: "):  # keep-alive comments may come first
        line = stream.readline()
    assert line == b"event: building\n"
    assert json.loads(stream.readline().removeprefix(b"data: ")) == {"generation": 2, "pages": ["pages/welcome.html"]}

    held = http.client.HTTPConnection(base.removeprefix("http://"), timeout=PATIENCE)
    held.request("GET", "/pkg/pages/welcome.html")
    assert held.sock is not None
    assert select.select([held.sock], [], [], 0.5)[0] == [], "not answered while the rebuild is under way"
    preview.rebuild()
    response = held.getresponse()
    assert response.status == 200 and b"This short course takes" in response.read()
    line = stream.readline()
    while not line.startswith(b"data: "):
        line = stream.readline()
    assert json.loads(line.removeprefix(b"data: "))["generation"] == 2
    assert preview.served("pages/welcome.html") is not None, "once built, nothing is held"
    held.close()
    events.close()


class Waited(threading.Condition):
    """The preview's condition, telling the test each time a thread begins to wait on it (`begun`): it tells with
    the lock held, so what is published after the test has heard is seen by that thread."""

    def __init__(self) -> None:
        super().__init__()
        self.begun = threading.Semaphore(0)

    def wait(self, timeout: float | None = None) -> bool:
        self.begun.release()
        return super().wait(timeout)


def test_a_page_reloaded_for_a_rebuild_that_fails_is_answered_no_content(served: tuple[Preview, str]) -> None:
    """The browser keeps the page it shows (204) when the rebuild it reloaded the page for fails; other files,
    and the page once that build is over, are the last good build's."""
    preview, base = served
    preview.changed = waited = Waited()
    good = preview.files["pages/welcome.html"]
    edit(preview.project / "course/pages/welcome.md", "kind: content", "kind: nonsense")
    preview.expect(["course/pages/welcome.md"])
    held = [http.client.HTTPConnection(base.removeprefix("http://"), timeout=PATIENCE) for _ in range(2)]
    held[0].request("GET", "/pkg/pages/welcome.html")
    held[1].request("GET", "/pkg/pages/baby-cues.html")
    for _ in held:  # both requests held before the rebuild ends (on a loaded machine they may come in later)
        assert waited.begun.acquire(timeout=PATIENCE), "a request for a package file is held during a rebuild"
    preview.rebuild()
    assert preview.problems and preview.files["pages/welcome.html"] == good
    page, other = (connection.getresponse() for connection in held)
    assert (page.status, page.read()) == (204, b"")
    assert (other.status, other.read()) == (200, preview.files["pages/baby-cues.html"])
    assert get(base + "/pkg/pages/welcome.html") == good, "once the build is over"
    for connection in held:
        connection.close()


@pytest.mark.parametrize("host", ["evil.example", "evil.example:{port}", "127.0.0.1:1", "localhost", "",
                                  "127.0.0.1.evil.example:{port}"])
def test_refuses_requests_for_other_hosts(served: tuple[Preview, str], host: str) -> None:
    _, base = served
    port = base.rsplit(":", 1)[1]
    for path in ("/", "/pkg/index.html", "/__preview/status", "/__preview/events"):
        status, body = request(base, path, host.format(port=port))
        assert status == 403 and b"Host not allowed" in body, (path, host)


def test_a_request_path_that_cannot_be_split_is_answered_bad_request(served: tuple[Preview, str]) -> None:
    """`urlsplit` raises for a malformed IPv6 host; the preview answers 400, and goes on serving."""
    preview, base = served
    port = base.rsplit(":", 1)[1]
    assert request(base, "http://[x/", f"127.0.0.1:{port}")[0] == 400
    assert request(base, "/pkg/index.html", f"127.0.0.1:{port}") == (200, preview.files["index.html"])


def test_a_dropped_connection_prints_nothing_and_a_failed_request_one_line(
        served: tuple[Preview, str], monkeypatch: pytest.MonkeyPatch, capfd: pytest.CaptureFixture[str]) -> None:
    """A browser that resets a connection (a page reloaded while its media load) is no error; a request that fails
    in the preview is one line, not socketserver's traceback (18-verify18 C10)."""
    preview, base = served
    server = make_server(preview, port=0)
    handled, original = threading.Semaphore(0), server.handle_error

    def counted(request: Any, client_address: Any) -> None:
        original(request, client_address)
        handled.release()

    monkeypatch.setattr(server, "handle_error", counted)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        port = server.server_address[1]
        dropped = socket.create_connection(("127.0.0.1", port))
        dropped.sendall(b"GET /pkg/index.ht")
        dropped.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))  # close with a reset
        dropped.close()
        assert handled.acquire(timeout=PATIENCE)

        def broken(since: int = 0) -> None:
            raise KeyError("a bug")

        monkeypatch.setattr(preview, "status", broken)
        with pytest.raises(http.client.RemoteDisconnected):
            request(f"http://127.0.0.1:{port}", "/__preview/status", f"127.0.0.1:{port}")
        assert handled.acquire(timeout=PATIENCE)
    finally:
        server.shutdown()
        server.server_close()
    printed = capfd.readouterr()
    assert printed.out == "" and re.fullmatch(r"preview: a request from 127\.0\.0\.1:\d+ failed: KeyError: 'a bug' \(the "
                                              r"preview goes on; this is a bug in coursebuild: please report it\)\n",
                                              printed.err), printed.err


def test_serves_its_own_host_names(served: tuple[Preview, str]) -> None:
    preview, base = served
    port = base.rsplit(":", 1)[1]
    for host in (f"127.0.0.1:{port}", f"localhost:{port}"):
        assert request(base, "/pkg/index.html", host) == (200, preview.files["index.html"])


@pytest.mark.browser
def test_debug_panel_shows_scorm_calls_and_cmi_values(browser: Browser, served: tuple[Preview, str]) -> None:
    _, base = served
    page = browser.new_page()
    page.goto(base + "/")
    page.frame_locator("#sco").frame_locator("#course-frame").locator("main h1").wait_for()
    page.locator("#calls td", has_text='LMSSetValue("cmi.core.lesson_status", "incomplete")').wait_for()
    assert '"lesson_location": "welcome"' in page.locator("#cmi").inner_text()
    page.close()


@pytest.mark.browser
def test_a_saved_page_shows_in_the_course_frame_keeping_the_place_and_the_panel(
        browser: Browser, watched: tuple[Preview, str]) -> None:
    preview, base = watched
    page = browser.new_page()
    page.goto(base + "/")
    course = page.frame_locator("#sco").frame_locator("#course-frame")
    course.locator("a[rel=next]").click()
    course.locator("main h1", has_text="Reading a baby's cues").wait_for()
    page.locator("#cmi", has_text='"lesson_location": "baby-cues"').wait_for()
    calls = page.locator("#calls tr").count()
    pages_loaded: list[str] = []
    page.on("framenavigated", lambda frame: "/pkg/pages/" in frame.url and pages_loaded.append(frame.url))

    edit(preview.project / "course/pages/welcome.md", "This course takes", "This short course takes")
    until(preview, lambda: "This short course takes" in page_text(preview, "welcome"), "another page changed")
    page.locator("#generation", has_text=str(preview.generation)).wait_for()  # the page was told
    edit(preview.project / "course/pages/baby-cues.md", "Babies tell us", "Newborn babies tell us")
    course.locator("main", has_text="Newborn babies tell us").wait_for()
    assert pages_loaded == [base + "/pkg/pages/baby-cues.html"], "reloaded once: not for a page not shown"
    assert page.locator("#calls tr").count() >= calls, "the SCORM panel keeps its calls"
    assert page.locator("#calls td", has_text="LMSInitialize").count() == 1, "the same SCORM session goes on"

    edit(preview.project / "quizzes/final.yaml", "draw: 2", "draw: 9")
    page.locator("#problems", has_text="quizzes/final.yaml:4: `draw` is 9").wait_for()
    edit(preview.project / "quizzes/final.yaml", "draw: 9", "draw: 2")
    page.locator("#problems").wait_for(state="hidden")

    edit(preview.project / "course/course.yaml", "title: Mini fixture course", "title: Mini course")
    course.locator("main", has_text="Newborn babies tell us").wait_for()  # the shell changed: launched again
    page.locator("#calls td", has_text="LMSInitialize").nth(1).wait_for()
    expect(course.locator("main h1")).to_have_text("Reading a baby's cues")  # resumed on the same page
    page.close()


@pytest.mark.browser
def test_the_page_shown_starts_reloading_when_its_rebuild_starts(browser: Browser, served: tuple[Preview, str]) -> None:
    """Told that a rebuild remakes the page shown, the page reloads it at once (the preview answers when the
    rebuild is done), and not again when told the build is done."""
    preview, base = served
    page = browser.new_page()
    page.goto(base + "/")
    course = page.frame_locator("#sco").frame_locator("#course-frame")
    course.locator("main h1").wait_for()
    page.locator("#calls td", has_text="lesson_location").first.wait_for()
    asked: list[str] = []
    page.on("request", lambda request: "/pkg/pages/" in request.url and asked.append(request.url))
    edit(preview.project / "course/pages/welcome.md", "This course takes", "This short course takes")
    with page.expect_request(base + "/pkg/pages/welcome.html"):
        preview.expect(["course/pages/welcome.md"])  # asked for before the rebuild is even started
    preview.rebuild()
    course.locator("main", has_text="This short course takes").wait_for()
    page.locator("#generation", has_text=str(preview.generation)).wait_for()  # told the build is done
    page.wait_for_timeout(300)  # time for a second reload, were there one
    assert asked == [base + "/pkg/pages/welcome.html"], "reloaded once"
    assert page.locator("#calls td", has_text="LMSInitialize").count() == 1, "the same SCORM session goes on"

    loaded: list[str] = []
    page.on("framenavigated", lambda frame: "/pkg/pages/" in frame.url and loaded.append(frame.url))
    edit(preview.project / "course/pages/welcome.md", "kind: content", "kind: nonsense")
    with page.expect_request(base + "/pkg/pages/welcome.html"):
        preview.expect(["course/pages/welcome.md"])
    preview.rebuild()
    page.locator("#problems", has_text="course/pages/welcome.md").wait_for()
    page.wait_for_timeout(300)  # time for the page to be replaced, were it
    assert loaded == [], "an invalid edit leaves the page shown as it was"
    course.locator("main", has_text="This short course takes").wait_for()
    page.close()


def test_preview_reports_a_busy_port_without_traceback(served: tuple[Preview, str], project: Path) -> None:
    _, base = served
    port = base.rsplit(":", 1)[1]
    result = run("preview", str(project), "--port", port)
    assert result.exit_code == 1 and "Traceback" not in result.output
    assert f"cannot serve on 127.0.0.1:{port}" in result.stderr


def test_host_names_are_case_insensitive(served: tuple[Preview, str]) -> None:
    """`Host: LOCALHOST:<port>` is the preview's own host (RFC 9110, 4.2.3; 18-verify22 E9)."""
    preview, base = served
    port = base.rsplit(":", 1)[1]
    for host in (f"LOCALHOST:{port}", f"LocalHost:{port}", f"localhost:{port}", f"127.0.0.1:{port}"):
        assert request(base, "/pkg/index.html", host) == (200, preview.files["index.html"]), host


def fetched(base: str, path: str, headers: dict[str, str]) -> http.client.HTTPResponse:
    """The response to GET `path` with these headers besides the preview's own `Host`, read."""
    connection = http.client.HTTPConnection(base.removeprefix("http://"), timeout=5)
    connection.request("GET", path, headers={"Host": base.removeprefix("http://"), **headers})
    response = connection.getresponse()
    response.read()
    connection.close()
    return response


@pytest.mark.parametrize("site", ["cross-site", "same-site", "Cross-Site"])
@pytest.mark.parametrize(("mode", "dest"), [("no-cors", "script"), ("cors", "empty"), ("navigate", "iframe"),
                                            ("no-cors", "image")])
def test_refuses_what_a_page_of_another_site_asks_for(served: tuple[Preview, str], site: str, mode: str,
                                                      dest: str) -> None:
    """A web page the trainer visits cannot include the preview's scripts (`course-data.js`: the draft's answer key),
    fetch its files, its status or its events, nor frame it (18-verify22 E5)."""
    _, base = served
    for path in ("/", "/pkg/assets/course-data.js", "/pkg/index.html", "/__preview/status",
                 "/__preview/events", "/__preview/scorm-again.min.js"):
        response = fetched(base, path, {"Sec-Fetch-Site": site, "Sec-Fetch-Mode": mode, "Sec-Fetch-Dest": dest})
        assert response.status == 403, (path, site, mode, dest)


@pytest.mark.parametrize(("site", "mode", "dest"), [
    ("same-origin", "no-cors", "script"), ("none", "navigate", "document"), ("cross-site", "navigate", "document"),
    ("same-site", "navigate", "document"), ("", "", "")])
def test_answers_its_own_pages_and_a_page_opened_from_elsewhere(served: tuple[Preview, str], site: str, mode: str,
                                                                dest: str) -> None:
    """Its own page's requests, one typed or bookmarked (`none`), a link from another site opened in a tab (which
    that site cannot read) and a client that does not say (curl) are answered; no page of another origin may load
    what it answers (`Cross-Origin-Resource-Policy`)."""
    _, base = served
    metadata = {"Sec-Fetch-Site": site, "Sec-Fetch-Mode": mode, "Sec-Fetch-Dest": dest} if site else {}
    response = fetched(base, "/pkg/assets/course-data.js", metadata)
    assert response.status == 200
    assert response.headers["Cross-Origin-Resource-Policy"] == "same-origin"


@pytest.fixture
def other_origin() -> Iterator[Callable[[bytes], int]]:
    """A server on 127.0.0.1 for another origin's page: given the page's bytes, the port it serves them on."""
    body: list[bytes] = []

    class Handler(http.server.BaseHTTPRequestHandler):
        def do_GET(self) -> None:  # noqa: N802 - stdlib naming
            self.send_response(200)
            self.send_header("Content-Type", "text/html")
            self.end_headers()
            self.wfile.write(body[0])

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield lambda page: body.append(page) or server.server_address[1]
    server.shutdown()
    server.server_close()


@pytest.mark.browser
@pytest.mark.parametrize("other", ["http://localhost:{port}/", "http://127.0.0.1:{port}/"])
def test_a_page_of_another_origin_cannot_read_the_draft(browser: Browser, served: tuple[Preview, str],
                                                        other_origin: Callable[[bytes], int], other: str) -> None:
    """Chromium, on a page of another site (`localhost`) or of another port of the preview's (same-site), includes
    the preview's `course-data.js` with a `<script>` tag: nothing is assigned (18-verify22 E5: it read the banks'
    answer key). The preview's own pages do."""
    _, base = served
    port = other_origin(f'<script src="{base}/pkg/assets/course-data.js"></script>'
                        '<script>document.title = typeof window.COURSE</script>'.encode())
    page = browser.new_page()
    page.goto(other.format(port=port))
    expect(page).to_have_title("undefined")
    page.goto(base + "/pkg/pages/welcome.html")
    assert page.evaluate("typeof window.COURSE") == "object"
    page.close()


PACKAGE_PATH = preview_module.PACKAGE_PREFIX
#: A video of more than one piece (`media.PIECE_BYTES`), served as it is on disk.
VIDEO_BYTES = 6 * 1024 * 1024 + 7


@pytest.fixture
def with_video(served: tuple[Preview, str]) -> tuple[Preview, str, str, bytes]:
    """The served preview rebuilt with a linked video: and the video's archive path and bytes."""
    preview, base = served
    media = preview.project / "course/media"
    video = bytes(range(256)) * (VIDEO_BYTES // 256) + b"x" * (VIDEO_BYTES % 256)
    (media / "talk.mp4").write_bytes(video)
    (media / "talk.vtt").write_text("WEBVTT\n\n00:00.000 --> 00:01.000\nHi\n", encoding="utf-8")
    with (preview.project / "course/pages/welcome.md").open("a", encoding="utf-8") as page:
        page.write("\n![A talk](../media/talk.mp4)\n")
    preview.rebuild()
    assert preview.problems == []
    (name,) = (name for name in preview.files if name.endswith(".mp4"))
    return preview, base, name, video


def fetch(base: str, path: str, headers: dict[str, str] | None = None) -> tuple[int, dict[str, str], bytes]:
    """GET `path` with `headers`: the status, the headers and the body."""
    connection = http.client.HTTPConnection(base.removeprefix("http://"), timeout=PATIENCE)
    connection.request("GET", path, headers=headers or {})
    response = connection.getresponse()
    result = response.status, dict(response.getheaders()), response.read()
    connection.close()
    return result


def test_a_video_is_sent_a_piece_at_a_time_never_held_whole(with_video: tuple[Preview, str, str, bytes]) -> None:
    """Each request for a packaged video read it whole into memory: 12 requests for six 99 MB videos took 2.4 GB
    (18-verify24 J4). It is read through to check it, and sent, a piece at a time."""
    import tracemalloc

    _, base, name, video = with_video
    connection = http.client.HTTPConnection(base.removeprefix("http://"), timeout=PATIENCE)
    tracemalloc.start()
    try:
        connection.request("GET", PACKAGE_PATH + name)
        response = connection.getresponse()
        received = 0
        while piece := response.read(64 * 1024):
            received += len(piece)
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
        connection.close()
    assert response.status == 200 and received == len(video)
    assert peak < len(video) // 2, f"{peak:,} bytes held at once for a video of {len(video):,}"


def test_answers_a_range_of_a_video(with_video: tuple[Preview, str, str, bytes]) -> None:
    """A browser seeking in a video asks for a range of it (RFC 9110, 14): one range is answered 206, an
    unsatisfiable one 416, several ranges (or a malformed one, or one for bytes changed since: `If-Range`) the whole
    file, as many servers do (18-verify24 J4)."""
    _, base, name, video = with_video
    path, size = PACKAGE_PATH + name, len(video)
    status, headers, body = fetch(base, path)
    assert (status, headers["Accept-Ranges"], body) == (200, "bytes", video)
    tag = headers["ETag"]
    for asked, start, stop in (("bytes=0-9", 0, 10), ("bytes=5000000-", 5000000, size), ("bytes=-100", size - 100, size),
                               ("bytes=1048570-1048580", 1048570, 1048581), (f"bytes=10-{size * 2}", 10, size)):
        status, headers, body = fetch(base, path, {"Range": asked, "If-Range": tag})
        assert (status, headers["Content-Range"], body) == (206, f"bytes {start}-{stop - 1}/{size}",
                                                            video[start:stop]), asked
    for asked in (f"bytes={size}-", "bytes=-0"):
        status, headers, body = fetch(base, path, {"Range": asked})
        assert (status, headers["Content-Range"], body) == (416, f"bytes */{size}", b""), asked
    for headers_sent in ({"Range": "bytes=0-1,5-6"}, {"Range": "bytes=9-2"}, {"Range": "lines=1-2"},
                         {"Range": "bytes=0-9", "If-Range": '"other"'}):
        assert fetch(base, path, headers_sent)[::2] == (200, video), headers_sent
    status, headers, body = fetch(base, "/pkg/index.html", {"Range": "bytes=0-4"})
    assert (status, body) == (206, with_video[0].files["index.html"][:5]), "bytes built in memory too"


@pytest.mark.parametrize(("header", "size", "expected"), [
    ("", 10, None), ("bytes=0-", 10, (0, 10)), ("BYTES = 2 - 4", 10, (2, 5)), ("bytes=-3", 10, (7, 10)),
    ("bytes=-30", 10, (0, 10)), ("bytes=10-", 10, (0, 0)), ("bytes=-0", 10, (0, 0)), ("bytes=0-0", 0, (0, 0)),
    ("bytes=-5", 0, (0, 0)), ("bytes=-", 10, None), ("bytes=4-3", 10, None), ("bytes=0-1, 4-5", 10, None),
    ("bytes=" + "9" * 19 + "-", 10, None), ("bytes=٣-", 10, None)])
def test_byte_range(header: str, size: int, expected: tuple[int, int] | None) -> None:
    assert preview_module.byte_range(header, size) == expected


def test_a_video_changed_since_the_build_is_answered_conflict_in_one_line(
        with_video: tuple[Preview, str, str, bytes], capfd: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    """A packaged file that changed while the last good build is served, or was swapped for a link, dropped the
    connection and printed "a bug in coursebuild" (18-verify24 J9): it is answered 409 with its one line, printed
    without "bug", and nothing of what is there now is sent."""
    preview, base, name, video = with_video
    talk = preview.project / "course/media/talk.mp4"
    talk.write_bytes(b"NEW" + video[3:])
    secret = tmp_path / "secret.mp4"
    secret.write_bytes(video[:-3] + b"NEW")
    for change in ("changed", "swapped for a link"):
        if change != "changed":
            talk.unlink()
            talk.symlink_to(secret)
        status, _, body = fetch(base, PACKAGE_PATH + name)
        assert status == 409 and b"NEW" not in body, change
        assert body.decode().startswith("course/media/talk.mp4:1: ") and "changed while it was read" in body.decode()
        printed = capfd.readouterr().err
        assert re.fullmatch(r"preview: a request from 127\.0\.0\.1:\d+ failed: course/media/talk\.mp4:1: [^\n]*changed "
                            r"while it was read[^\n]* \(the preview goes on\)\n", printed), printed
    assert fetch(base, PACKAGE_PATH + "index.html")[0] == 200, "the preview goes on"


def test_a_video_written_to_while_it_is_sent_stops(with_video: tuple[Preview, str, str, bytes]) -> None:
    """A file checked and then written to before all of it is given: the rest is not given (18-verify24 J4)."""
    from builder.errors import CoursebuildError
    from builder.media import OnDisk

    preview, _, name, video = with_video
    data = preview.files[name]
    assert isinstance(data, OnDisk)
    with data.checked() as span:
        pieces = span(0, len(video))
        assert next(pieces) == video[:len(next(iter(span(0, 1024 * 1024))))]
        with open(data.real, "r+b") as file:
            file.seek(len(video) - 1)
            file.write(b"y")
        with pytest.raises(CoursebuildError, match="changed while it was read"):
            list(pieces)


def test_a_machine_error_in_a_request_is_no_bug_report() -> None:
    """Running out of memory, or a failing disk, is the machine's, not "a bug in coursebuild" (18-verify24 J4)."""
    for error in (MemoryError(), OSError(5, "Input/output error")):
        line = preview_module.failed_request(("127.0.0.1", 5), error)
        assert line.startswith("preview: a request from 127.0.0.1:5 failed: ") and "bug" not in line, line
    assert "this is a bug in coursebuild" in preview_module.failed_request(("127.0.0.1", 5), KeyError("x"))


def test_the_preview_page_is_rendered_once_a_build(served: tuple[Preview, str]) -> None:
    """A project's own `preview.html` was rendered in a child for every load of the page, and the children's time
    added up to the build's total (`own_templates._SPENT`) until the next rebuild: after six loads of a slow page,
    every template failed (18-verify24 J8). It is rendered once a build."""
    from builder import own_templates

    preview, base = served
    (preview.project / "templates").mkdir()
    (preview.project / "templates/preview.html").write_bytes(
        (Path(preview_module.__file__).parent / "templates/preview.html").read_bytes())
    preview.rebuild()
    first = get(base + "/")
    spent = own_templates._SPENT.get("children")
    assert spent, "rendered in a child"
    assert [get(base + "/") for _ in range(3)] == [first] * 3
    assert own_templates._SPENT.get("children") == spent, "no child for another load of the page"
    preview.rebuild()
    assert b'<span id="generation">3</span>' in get(base + "/"), "a new build, a new page"
