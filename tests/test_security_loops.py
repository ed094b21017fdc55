"""Symbolic links a project may hold that cannot be followed (18-verify20 C4, C5): a link that leads back to itself
(`dist -> dist`, `templates -> templates`, a page, a linked media file or folder, `quizzes`), one that leads to
nothing, and a `dist` that is not a folder. Each is one line at the link, never a traceback (`Path.resolve` raised
RuntimeError on a loop) nor a misleading word ("no question banks", "a link to a folder")."""

from __future__ import annotations

import errno
import os
from pathlib import Path
from typing import Callable

import pytest

from builder import build, media
from builder.errors import CourseInvalid

from conftest import run

FIX_DIST = "(delete the link, or choose an output folder with --out)"


def _loop(path: Path) -> None:
    path.symlink_to(path.name)


def _circle(path: Path) -> None:
    path.symlink_to("d2")
    (path.parent / "d2").symlink_to(path.name)


DIST: dict[str, tuple[Callable[[Path], None], str]] = {
    "loop": (_loop, f"`dist` is a symbolic link that leads back to itself {FIX_DIST}"),
    "circle": (_circle, f"`dist` is a symbolic link that leads back to itself {FIX_DIST}"),
    "dangling": (lambda path: path.symlink_to("nowhere"),
                 f"`dist` is a symbolic link to `nowhere`, which does not exist {FIX_DIST}"),
    "device": (lambda path: path.symlink_to(os.devnull),
               f"`dist` is a symbolic link to `{os.devnull}`, which is not a folder {FIX_DIST}"),
    "file": (lambda path: path.write_text("notes"),
             "`dist` is not a folder (a file, a FIFO or a device) (move it away, or choose an output folder with "
             "--out)"),
    "fifo": (os.mkfifo, "`dist` is not a folder (a file, a FIFO or a device) (move it away, or choose an output "
                        "folder with --out)"),
}


@pytest.mark.parametrize("kind", DIST)
def test_a_dist_that_cannot_be_written_into_is_one_line(project: Path, kind: str) -> None:
    make, message = DIST[kind]
    make(project / "dist")
    # check finds it too: a project may carry its `dist` (18-verify31 S4: check said ok, then build refused it)
    commands = ("check", "build", "export", "report") if kind == "loop" else ("check", "build")
    for command in commands:
        result = run(command, project)
        assert (result.exit_code, result.stderr.splitlines()) == (1, [f"dist:1: {message}", "course invalid: 1 error"])
    assert run("build", project, "--out", project.parent / "out").exit_code == 0  # --out still works


def test_every_writing_command_asks_output_folder_about_dist(project: Path) -> None:
    """kit and slides render for seconds before they write: they reach `dist` through `output_folder` as build does."""
    _loop(project / "dist")
    with pytest.raises(CourseInvalid) as raised:
        build.output_folder(project)
    assert [str(problem) for problem in raised.value.problems] == [
        f"dist:1: `dist` is a symbolic link that leads back to itself {FIX_DIST}"]


@pytest.mark.parametrize("command", ["check", "build"])
def test_a_templates_link_that_loops_or_leads_nowhere_is_one_line(project: Path, command: str) -> None:
    fix = "(replace the link with a folder of the project's own templates)"
    _loop(project / "templates")
    result = run(command, project, "--out", project.parent / "out") if command == "build" else run(command, project)
    assert result.exit_code == 1
    assert result.stderr.splitlines()[0] == f"templates:1: `templates` is a symbolic link that leads back to itself {fix}"
    (project / "templates").unlink()
    (project / "templates").symlink_to("nowhere")
    result = run(command, project, "--out", project.parent / "out") if command == "build" else run(command, project)
    assert result.exit_code == 1
    assert result.stderr.splitlines()[0] == ("templates:1: `templates` is a symbolic link to `nowhere`, which does "
                                             f"not exist {fix}")


def test_a_page_that_leads_back_to_itself_is_one_line(project: Path) -> None:
    (project / "course/pages/welcome.md").unlink()
    _loop(project / "course/pages/welcome.md")
    result = run("check", project)
    assert result.exit_code == 1
    assert result.stderr.splitlines()[0] == ("course/pages/welcome.md:1: the file is a link that leads back to "
                                             "itself (replace it with an ordinary file)")


@pytest.mark.parametrize("folder", ["quizzes", "course/pages"])
def test_a_top_folder_that_leads_back_to_itself_is_one_line_not_an_empty_folder(project: Path, folder: str) -> None:
    """`quizzes -> quizzes` was read as no question banks: every outcome "not assessed", not a word of the link."""
    for path in sorted((project / folder).iterdir()):
        path.unlink()
    (project / folder).rmdir()
    _loop(project / folder)
    result = run("check", project)
    assert result.exit_code == 1
    assert f"{folder}:1: a symbolic link that leads back to itself (point the link at a folder in the project, or " \
           "delete it)" in result.stderr.splitlines()


@pytest.mark.parametrize(("link", "written", "expected"), [
    ("course/media/a.svg", "../media/a.svg", "is a symbolic link that leads back to itself (course/media/a.svg) "
                                             "(replace the link with the file itself)"),
    ("course/media/m", "../media/m/a.png", "is in course/media/m, a symbolic link that leads back to itself "
                                           "(replace the link with the folder itself)")])
@pytest.mark.parametrize("command", ["check", "build"])
def test_a_linked_file_or_folder_that_leads_back_to_itself_is_one_line(project: Path, link: str, written: str,
                                                                        expected: str, command: str) -> None:
    _loop(project / link)
    page = project / "course/pages/welcome.md"
    page.write_text(page.read_text(encoding="utf-8") + f"\n[x]({written})\n", encoding="utf-8")
    line = page.read_text(encoding="utf-8").count("\n")
    result = run(command, project)
    assert (result.exit_code, result.stderr.splitlines()) == (
        1, [f"course/pages/welcome.md:{line}: `{written}` {expected}", "course invalid: 1 error"])


def test_a_course_folder_that_leads_back_to_itself_is_named(project: Path) -> None:
    (project / "course").rename(project / "elsewhere")
    _loop(project / "course")
    result = run("check", project)
    assert result.exit_code == 2
    assert result.stderr == (f"{project}: its course/ folder is a symbolic link that leads back to itself (make it "
                             "the folder itself)\n")


def test_real_path_leaves_a_loop_as_written_and_strict_says_eloop(tmp_path: Path) -> None:
    """The one place project paths are followed: not strict, it never raises (a loop is left as written, inside the
    project, where nothing is found); strict, a loop is OSError ELOOP as any other system error."""
    _loop(tmp_path / "m")
    assert media.real_path(tmp_path / "m" / "a.png") == tmp_path.resolve() / "m" / "a.png"
    with pytest.raises(OSError) as raised:
        media.real_path(tmp_path / "m" / "a.png", strict=True)
    assert raised.value.errno == errno.ELOOP
    assert media.looping_link(tmp_path, "m/a.png") == "m"
    assert media.looping_link(tmp_path, "n/a.png") is None
    assert media.unfollowed_link(tmp_path, "m") == "a symbolic link that leads back to itself"

