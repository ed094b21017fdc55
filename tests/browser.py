"""Helpers for end-to-end tests: serve a package beside the scorm-again harness, drive Chromium."""

from __future__ import annotations

import functools
import http.server
import shutil
import threading
import zipfile
from contextlib import contextmanager
from pathlib import Path
from typing import Iterator

from conftest import REPO

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_FLAGS = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                  "--disable-background-networking", "--disable-component-update", "--disable-sync"]
# How long a browser action or wait may take before the test fails: generous, because CI machines and
# parallel test workers can be slow; a test that hangs still fails after this.
TIMEOUT_MS = 30_000
HARNESS = Path(__file__).parent / "harness" / "lms.html"
SCORM_AGAIN = REPO / "node_modules" / "scorm-again" / "dist" / "scorm-again.min.js"


class _QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args: object) -> None:  # noqa: A002 - stdlib signature
        pass


@contextmanager
def serve(folder: Path) -> Iterator[str]:
    """Serve `folder` on 127.0.0.1 at a free port; yields the base URL."""
    handler = functools.partial(_QuietHandler, directory=str(folder))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()


def lms_site(package: Path, folder: Path) -> Path:
    """A folder holding the LMS harness, scorm-again and the unzipped package under pkg/."""
    folder.mkdir(parents=True, exist_ok=True)
    shutil.copy(HARNESS, folder / "lms.html")
    shutil.copy(SCORM_AGAIN, folder / "scorm-again.min.js")
    with zipfile.ZipFile(package) as archive:
        archive.extractall(folder / "pkg")
    return folder
