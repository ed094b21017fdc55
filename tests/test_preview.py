"""`coursebuild preview`: the course in a local SCORM runtime, rebuilt when sources change."""

from __future__ import annotations

import json
import threading
import urllib.error
import urllib.request
from pathlib import Path
from typing import Iterator

import pytest
from playwright.sync_api import Browser

from builder.preview import Preview, make_server

from conftest import edit, run


@pytest.fixture
def served(project: Path) -> Iterator[tuple[Preview, str]]:
    preview = Preview(project)
    preview.rebuild_if_changed()
    server = make_server(preview, port=0)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield preview, f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()
    server.server_close()


def get(url: str) -> bytes:
    with urllib.request.urlopen(url, timeout=5) as response:
        return response.read()


def test_rebuilds_when_a_source_changes_and_keeps_the_last_good_build(project: Path) -> None:
    preview = Preview(project)
    assert preview.rebuild_if_changed() and preview.generation == 1 and preview.problems == []
    assert not preview.rebuild_if_changed(), "nothing changed, nothing rebuilt"
    edit(project / "course/pages/welcome.md", "This course takes", "This short course takes")
    assert preview.rebuild_if_changed() and preview.generation == 2
    assert b"This short course takes" in preview.files["pages/welcome.html"]
    edit(project / "quizzes/final.yaml", "draw: 2", "draw: 9")
    assert preview.rebuild_if_changed() and preview.generation == 3
    assert preview.problems[0].startswith("quizzes/final.yaml:4: `draw` is 9")
    assert b"This short course takes" in preview.files["pages/welcome.html"], "last good build still served"


def test_serves_the_preview_page_the_package_and_its_status(served: tuple[Preview, str]) -> None:
    preview, base = served
    assert b"scorm-again.min.js" in get(base + "/")
    assert get(base + "/pkg/index.html") == preview.files["index.html"]
    assert b"Scorm12API" in get(base + "/__preview/scorm-again.min.js")
    assert json.loads(get(base + "/__preview/status")) == {"generation": 1, "problems": []}
    with pytest.raises(urllib.error.HTTPError, match="404"):
        get(base + "/pkg/nothing-here.html")


@pytest.mark.browser
def test_debug_panel_shows_scorm_calls_and_cmi_values(browser: Browser, served: tuple[Preview, str]) -> None:
    _, base = served
    page = browser.new_page()
    page.goto(base + "/")
    page.frame_locator("#sco").frame_locator("#course-frame").locator("main h1").wait_for()
    page.locator("#calls td", has_text='LMSSetValue("cmi.core.lesson_status", "incomplete")').wait_for()
    assert '"lesson_location": "welcome"' in page.locator("#cmi").inner_text()
    page.close()


def test_preview_reports_a_busy_port_without_traceback(served: tuple[Preview, str], project: Path) -> None:
    _, base = served
    port = base.rsplit(":", 1)[1]
    result = run("preview", project, "--port", port)
    assert result.exit_code == 1 and "Traceback" not in result.output
    assert f"cannot serve on 127.0.0.1:{port}" in result.stderr
