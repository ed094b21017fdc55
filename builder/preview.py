"""`coursebuild preview`: serve the course inside a local SCORM runtime, rebuilding on change.

The package is rendered in memory and served on 127.0.0.1 beside scorm-again (the LMS side),
with a debug panel showing every SCORM call and the current CMI values.
"""

from __future__ import annotations

import http.server
import json
import mimetypes
import os
import threading
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import unquote, urlsplit

from builder.build import check, plan
from builder.errors import CoursebuildError
from builder.theme import Theme, render_template

WATCHED = ("course", "quizzes", "templates")
PACKAGE_PREFIX = "/pkg/"
SCORM_AGAIN_ENV = "COURSEBUILD_SCORM_AGAIN"


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


def source_snapshot(project: Path) -> tuple[tuple[str, int, int], ...]:
    """(path, mtime, size) of every source file: a change in any of them means rebuild."""
    entries = []
    for folder in WATCHED:
        for path in sorted((project / folder).rglob("*")) if (project / folder).is_dir() else ():
            if path.is_file():
                stat = path.stat()
                entries.append((str(path), stat.st_mtime_ns, stat.st_size))
    return tuple(entries)


@dataclass
class Preview:
    """The current build of a project for one SCORM target, and how to rebuild it."""

    project: Path
    target: str = "scorm12"
    generation: int = 0
    files: dict[str, bytes] = field(default_factory=dict)
    problems: list[str] = field(default_factory=list)
    snapshot: tuple[tuple[str, int, int], ...] = ()
    lock: threading.Lock = field(default_factory=threading.Lock)

    def rebuild_if_changed(self) -> bool:
        """Rebuild when a source file changed; on errors keep serving the last good build."""
        snapshot = source_snapshot(self.project)
        if snapshot == self.snapshot:
            return False
        try:
            course = check(self.project, targets=(self.target,)).course
            (output,) = plan(course, (self.target,), self.project / "dist")
            files, problems = output.files, []
        except CoursebuildError as error:  # invalid course, broken template: keep the last good build
            files, problems = self.files, error.lines()
        with self.lock:
            self.files, self.problems, self.snapshot = files, problems, snapshot
            self.generation += 1
        return True

    def status(self) -> bytes:
        with self.lock:
            return json.dumps({"generation": self.generation, "problems": self.problems}).encode()

    def page(self) -> bytes:
        env = Theme.for_project(self.project).environment()
        return render_template(env, "preview.html", scorm_version="1.2" if self.target == "scorm12" else "2004",
                               package=PACKAGE_PREFIX + "index.html").encode()


def make_server(preview: Preview, port: int = 8000) -> http.server.ThreadingHTTPServer:
    """An HTTP server on 127.0.0.1 serving the preview page, scorm-again and the package."""
    scorm_again = find_scorm_again().read_bytes()

    class Handler(http.server.BaseHTTPRequestHandler):
        def do_GET(self) -> None:  # noqa: N802 - stdlib naming
            path = unquote(urlsplit(self.path).path)
            if path in ("/", "/index.html"):
                self._send(preview.page(), "text/html; charset=utf-8")
            elif path == "/__preview/status":
                self._send(preview.status(), "application/json")
            elif path == "/__preview/scorm-again.min.js":
                self._send(scorm_again, "text/javascript")
            elif path.startswith(PACKAGE_PREFIX) and path[len(PACKAGE_PREFIX):] in preview.files:
                name = path[len(PACKAGE_PREFIX):]
                kind = mimetypes.guess_type(name)[0] or "application/octet-stream"
                self._send(preview.files[name], kind + ("; charset=utf-8" if kind.startswith("text/") else ""))
            else:
                self.send_error(404)

        def _send(self, body: bytes, content_type: str) -> None:
            self.send_response(200)
            self.send_header("Content-Type", content_type)
            self.send_header("Content-Length", str(len(body)))
            self.send_header("Cache-Control", "no-store")
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, format: str, *args: object) -> None:  # noqa: A002 - stdlib signature
            pass

    try:
        return http.server.ThreadingHTTPServer(("127.0.0.1", port), Handler)
    except OSError as error:
        raise PreviewUnavailable(f"cannot serve on 127.0.0.1:{port}: {error.strerror} "
                                 "(choose another port with --port)") from None


def watch(preview: Preview, stop: threading.Event, interval: float = 0.5) -> None:
    """Poll the sources until `stop` is set, rebuilding when they change."""
    while not stop.wait(interval):
        preview.rebuild_if_changed()
