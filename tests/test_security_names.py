"""18-verify21 D4, D5, D6: what a project's file is, said in one line at the file rather than something else.

D4: a caption or transcript beside a video that is a link leading back to itself (or a folder, or a link to nothing)
was "no captions or transcript (add …)", though the name is there. D5: a kit template that may not be read was a
"PermissionError" from the template, and a file in a folder without search (`x`) permission "not a regular file".
D6: a static file whose name a URL cannot carry (` `, `?`, `#`, `%`, a bidi control) went as it is into every
package's manifest."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Callable

import pytest

from conftest import cannot_read_an_unreadable_file, run

VIDEO = b"\x00\x00\x00\x18ftypmp42 not really a video"




def _talk(project: Path) -> Path:
    media = project / "course" / "media"
    (media / "talk.mp4").write_bytes(VIDEO)
    with (project / "course" / "pages" / "welcome.md").open("a", encoding="utf-8") as page:
        page.write("\n![A talk](../media/talk.mp4)\n")
    return media


CAPTIONS: dict[str, tuple[str, Callable[[Path], None], str]] = {
    "looping vtt": ("talk.vtt", lambda path: path.symlink_to(path.name),
                    "`course/media/talk.vtt` is a symbolic link that leads back to itself (course/media/talk.vtt) "
                    "(replace the link with the file itself)"),
    "looping transcript": ("talk.transcript.md", lambda path: path.symlink_to(path.name),
                           "`course/media/talk.transcript.md` is a symbolic link that leads back to itself "
                           "(course/media/talk.transcript.md) (replace the link with the file itself)"),
    "folder": ("talk.vtt", lambda path: path.mkdir(),
               "`course/media/talk.vtt` is a folder (course/media/talk.vtt), not a file (point at a file in it)"),
}


@pytest.mark.parametrize("kind", CAPTIONS)
def test_a_caption_that_cannot_be_read_is_named_not_missing(project: Path, kind: str) -> None:
    """D4: the caption's own problem, at the line that shows the video; never "has no captions"."""
    name, make, message = CAPTIONS[kind]
    make(_talk(project) / name)
    result = run("check", project)
    assert result.exit_code == 1, result.output
    lines = [line for line in result.output.splitlines() if "talk" in line]
    assert len(lines) == 1 and lines[0].endswith(message), result.output
    assert "has no captions" not in result.output


def test_a_kit_template_that_cannot_be_read_is_one_line_at_it(project: Path) -> None:
    """D5: a kit template of mode 000: `check` and `kit` each say so at `templates/kit/…:1`, not "PermissionError"."""
    if not cannot_read_an_unreadable_file(project):
        pytest.skip("this process may read any file (root)")
    kit = project / "templates" / "kit"
    kit.mkdir(parents=True)
    template = kit / "attendance-sheet.html"
    template.write_text('{% extends "kit/base.html" %}', encoding="utf-8")
    template.chmod(0)
    try:
        results = [run(command, project) for command in ("check", "kit")]
    finally:
        template.chmod(0o644)
    for result in results:
        assert result.exit_code == 1, result.output
        assert result.output.splitlines()[0] == (
            "templates/kit/attendance-sheet.html:1: cannot be opened (permission denied) (give it and its folders "
            "read permission, e.g. `chmod -R u+rwX templates`)"), result.output


def test_the_files_of_a_folder_without_search_permission_cannot_be_opened(project: Path) -> None:
    """D5: `templates/static` of mode 644 (listed, its files cannot be opened): not "not a regular file"."""
    if not cannot_read_an_unreadable_file(project):
        pytest.skip("this process may read any file (root)")
    static = project / "templates" / "static"
    static.mkdir(parents=True)
    (static / "extra.css").write_text("p { color: red }", encoding="utf-8")
    static.chmod(0o644)
    try:
        result = run("check", project)
    finally:
        static.chmod(0o755)
    assert result.exit_code == 1, result.output
    assert result.output.splitlines()[0] == (
        "templates/static/extra.css:1: cannot be opened (permission denied) (give it and its folders read "
        "permission, e.g. `chmod -R u+rwX templates`)"), result.output


@pytest.mark.parametrize(("name", "written", "shown"), [("a b?#%.css", "a b?#%.css", "` `, `#`, `%`, `?`"),
                                                       ("x\u202essc.css", "x\\u202essc.css", "`\\u202e`"),
                                                       ("café.css", "café.css", "`é`")])
def test_a_static_file_name_a_url_cannot_carry_is_refused(project: Path, tmp_path: Path, name: str, written: str,
                                                          shown: str) -> None:
    """D6: `check` and `build` refuse it at the file, with the rename; nothing is packaged."""
    static = project / "templates" / "static"
    static.mkdir(parents=True)
    (static / name).write_text("p { color: red }", encoding="utf-8")
    (static / "fine-name_1.css").write_text("p { color: red }", encoding="utf-8")
    for result in (run("check", project), run("build", project, "--out", tmp_path / "out")):
        assert result.exit_code == 1, result.output
        assert result.output.splitlines()[0].startswith(
            f"templates/static/{written}:1: a static "
            f"file's name goes as it is into every package's manifest and URLs, which cannot carry {shown} there"), \
            result.output
        assert "fine-name_1.css" not in result.output
    assert not (tmp_path / "out").exists()


def test_os_access_is_what_decides(project: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """D5 for root too: a file `os.access` says this process may not read is refused as the kit template above."""
    kit = project / "templates" / "kit"
    kit.mkdir(parents=True)
    (kit / "attendance-sheet.html").write_text('{% extends "kit/base.html" %}', encoding="utf-8")
    real_access = os.access
    monkeypatch.setattr(os, "access", lambda path, mode, **kw: "attendance-sheet" not in str(path)
                        and real_access(path, mode, **kw))
    result = run("check", project)
    assert result.exit_code == 1, result.output
    assert result.output.splitlines()[0].startswith(
        "templates/kit/attendance-sheet.html:1: cannot be opened (permission denied)"), result.output
