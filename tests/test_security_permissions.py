"""A project file or folder this process may not read is one line at the line that uses it, in every command (s33).

A linked picture, a caption or transcript beside a video, or a picture in a question's stem of mode 000 was a
PermissionError traceback in `check`, `build`, `kit`, `slides`, `export` and preview's rebuild:
`media.readable_problem` (and validation's reference rule) looked at the file's kind by one `stat`, not at whether
it may be read. A folder of mode 000 on the way (`course/media`) was "not found", and a `course` folder of mode 000
a traceback. Now `media.file_problem` decides, for each of them: "cannot be opened (…: permission denied)", with
the fix.

Root may read a file of mode 000: those tests skip as plain root (run them without CAP_DAC_OVERRIDE, e.g. under
`capsh --drop=cap_dac_override,cap_dac_read_search -- -c '…'`); the os.access stand-in below runs everywhere.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from conftest import cannot_read_an_unreadable_file, run

VIDEO = b"\x00\x00\x00\x18ftypmp42 not really a video"
KIT = """kit:
  timetable:
    - start: "09:30"
      end: "10:30"
      title: Cues
      activity: input
      modules: [m-communication]
    - start: "10:30"
      end: "11:30"
      title: Support
      activity: input
      modules: [m-support]
"""
COMMANDS = ("check", "build", "kit", "slides", "export")
WELCOME = "course/pages/welcome.md"


def _fix(top: str) -> str:
    return f"(give it and its folders read permission, e.g. `chmod -R u+rwX {top}`)"




def _linked(project: Path, kind: str) -> tuple[Path, str]:
    """The project with a file of `kind` used at welcome.md's line 14 (a picture in the page, a caption or transcript
    beside a video it shows) or at kc-cues.yaml's line 6 (a picture in a question's stem), and a kit: (the file, the
    line expected when it may not be read: a transcript's at the transcript, which is checked as a text of its own)."""
    with (project / "course/course.yaml").open("a", encoding="utf-8") as course:
        course.write(KIT)
    media = project / "course/media"
    if kind == "question":
        (media / "q.svg").write_bytes((media / "cues.svg").read_bytes())
        bank = project / "quizzes/kc-cues.yaml"
        bank.write_text(bank.read_text(encoding="utf-8").replace(
            "stem: A baby looks away during play. What might this mean?",
            'stem: "A baby looks away ![a baby](../course/media/q.svg). What might this mean?"'),
            encoding="utf-8")
        return media / "q.svg", f"quizzes/kc-cues.yaml:6: `../course/media/q.svg` cannot be opened " \
                                f"(course/media/q.svg: permission denied) {_fix('course')}"
    with (project / WELCOME).open("a", encoding="utf-8") as page:
        page.write("\n![A talk](../media/talk.mp4)\n" if kind != "picture" else "\n![X](../media/x.svg)\n")
    if kind == "picture":
        (media / "x.svg").write_bytes((media / "cues.svg").read_bytes())
        return media / "x.svg", f"{WELCOME}:14: `../media/x.svg` cannot be opened (course/media/x.svg: permission " \
                                f"denied) {_fix('course')}"
    (media / "talk.mp4").write_bytes(VIDEO)
    (media / "talk.vtt").write_text("WEBVTT\n\n00:00.000 --> 00:01.000\nHello\n", encoding="utf-8")
    (media / "talk.transcript.md").write_text("Hello.\n", encoding="utf-8")
    name = "talk.vtt" if kind == "caption" else "talk.transcript.md"
    # captions are reported at the player, a transcript (a Markdown text of its own) at itself
    where = f"{WELCOME}:14" if kind == "caption" else f"course/media/{name}:1"
    return media / name, f"{where}: `course/media/{name}` cannot be opened (course/media/{name}: permission " \
                         f"denied) {_fix('course')}"


def _refused_everywhere(project: Path, expected: str, tmp_path: Path) -> None:
    """Each command, and preview's rebuild: exit 1 (the preview keeps no build), `expected` once, no traceback."""
    from builder.preview import Preview

    for command in COMMANDS:
        out = {"check": [], "export": ["-o", str(tmp_path / "bank.xml")]}.get(command, ["--out", str(tmp_path / command)])
        result = run(command, project, *out)
        assert result.exit_code == 1, (command, result.output)
        assert result.output.splitlines().count(expected) == 1, (command, result.output)
        assert "Traceback" not in result.output and "Error" not in result.output, (command, result.output)
    preview = Preview(project)
    try:
        preview.rebuild()
        assert not preview.traceback and preview.problems.count(expected) == 1, preview.problems
    finally:
        preview.close()
    assert not list(tmp_path.iterdir())


@pytest.mark.parametrize("kind", ["picture", "caption", "transcript", "question"])
def test_a_file_os_access_refuses_is_one_line_where_it_is_used(project: Path, tmp_path: Path, kind: str,
                                                               monkeypatch: pytest.MonkeyPatch) -> None:
    """For root too: `os.access` is what decides that a regular file may not be read."""
    path, expected = _linked(project, kind)
    real_access = os.access
    monkeypatch.setattr(os, "access", lambda where, mode, **kw: Path(where) != path and real_access(where, mode, **kw))
    result = run("check", project)
    assert result.exit_code == 1, result.output
    assert result.output.splitlines().count(expected) == 1, result.output


@pytest.mark.parametrize("kind", ["picture", "caption", "transcript", "question"])
def test_an_unreadable_file_is_one_line_in_every_command(project: Path, tmp_path: Path, kind: str) -> None:
    """A mode-000 file the course uses: one line at the line that uses it in each command, never a traceback."""
    if not cannot_read_an_unreadable_file(project):
        pytest.skip("this process may read any file (root)")
    path, expected = _linked(project, kind)
    out = tmp_path / "out"
    out.mkdir()
    path.chmod(0)
    try:
        _refused_everywhere(project, expected, out)
    finally:
        path.chmod(0o644)


@pytest.mark.parametrize("mode", [0, 0o644])
def test_a_folder_that_may_not_be_opened_is_not_missing_files(project: Path, tmp_path: Path, mode: int) -> None:
    """`course/media` of mode 000 (or 644: listed, its files cannot be opened): each picture in it is "cannot be
    opened" at the line that shows it, not "not found"."""
    if not cannot_read_an_unreadable_file(project):
        pytest.skip("this process may read any file (root)")
    _, expected = _linked(project, "picture")
    out = tmp_path / "out"
    out.mkdir()
    (project / "course/media").chmod(mode)
    try:
        _refused_everywhere(project, expected, out)
    finally:
        (project / "course/media").chmod(0o755)


def test_a_course_folder_that_may_not_be_opened_is_one_line_a_file(project: Path) -> None:
    """`course` of mode 000: course.yaml and the pages folder each one line, not a traceback from `is_dir`."""
    if not cannot_read_an_unreadable_file(project):
        pytest.skip("this process may read any file (root)")
    (project / "course").chmod(0)
    try:
        result = run("check", project)
    finally:
        (project / "course").chmod(0o755)
    assert result.exit_code == 1, result.output
    assert result.output.splitlines()[:2] == [
        f"course/course.yaml:1: cannot be opened (course/course.yaml: permission denied) {_fix('course')}",
        f"course/pages:1: cannot be opened (course/pages: permission denied) {_fix('course')}"], result.output



def test_an_unreadable_template_deck_is_one_line(project: Path) -> None:
    """A mode-000 `templates/slides.pptx`: the theme's one line, in `check` and `slides`, not a second from the slides
    saying it is no deck python-pptx can open (PermissionError)."""
    if not cannot_read_an_unreadable_file(project):
        pytest.skip("this process may read any file (root)")
    from pptx import Presentation

    with (project / "course/course.yaml").open("a", encoding="utf-8") as course:
        course.write(KIT)
    deck = project / "templates/slides.pptx"
    deck.parent.mkdir(exist_ok=True)
    Presentation().save(str(deck))
    deck.chmod(0)
    try:
        for command in ("check", "slides"):
            result = run(command, project)
            assert result.exit_code == 1, result.output
            assert [line for line in result.output.splitlines() if "slides.pptx" in line] == [
                f"templates/slides.pptx:1: cannot be opened (permission denied) {_fix('templates')}"], result.output
    finally:
        deck.chmod(0o644)
