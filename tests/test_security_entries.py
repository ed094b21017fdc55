"""The bound on the entries of a project's source folders (`sources.MAX_SOURCE_ENTRIES`), lowered in each test."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from builder import sources
from builder.theme import builtin_templates

from conftest import run

LINE = ("course:1: course/ and quizzes/ hold more than {} files and folders (`sources.MAX_SOURCE_ENTRIES`) (keep only "
        "the pages, question banks and media the course uses)")


def entries(project: Path) -> int:
    """How many files and folders course/ and quizzes/ of `project` hold."""
    return sum(1 for folder in ("course", "quizzes") for _ in (project / folder).rglob("*"))


@pytest.mark.parametrize("command", [("check",), ("build",), ("kit",), ("slides",), ("export", "--format", "gift")])
def test_too_many_folders_are_one_line_for_every_command(project: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                                         command: tuple[str, ...]) -> None:
    """18-verify24 J2: 200,000 empty folders (a 2 MB archive) passed `check` after 37 s, the tree walked three times;
    here the bound is the fixture's entries, and one empty folder more passes it."""
    monkeypatch.setattr(sources, "MAX_SOURCE_ENTRIES", entries(project))
    (project / "course" / "media" / "empty").mkdir(parents=True)
    out = {"check": (), "export": ("--output", tmp_path / "out.txt")}.get(command[0], ("--out", tmp_path / "out"))
    result = run(*command, project, *out)
    assert result.exit_code == 1, result.output
    assert result.stderr.splitlines()[0] == LINE.format(entries(project) - 1)
    assert not (tmp_path / "out").exists() and not (tmp_path / "out.txt").exists()


def test_a_project_at_the_bound_passes(project: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(sources, "MAX_SOURCE_ENTRIES", entries(project))
    assert run("check", project).exit_code == 0


def test_the_tree_is_walked_once_a_command(project: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """18-verify24 J2: `check` walked course/ three times (loading, `kit._has_svg`, `own_templates.memory_bound`)."""
    walks: list[Path] = []
    listed = sources._listed

    def counted(root: Path) -> tuple[tuple[str, ...], sources.Problem | None]:
        walks.append(root)
        return listed(root)

    monkeypatch.setattr(sources, "_listed", counted)
    (project / "templates").mkdir()
    shutil.copy(builtin_templates() / "page.html", project / "templates" / "page.html")  # the child's memory bound
    result = run("check", project)
    assert result.exit_code == 0, result.output
    assert len(walks) == 1


def test_links_to_one_folder_count_each_time_they_are_walked(project: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """50 links in course/pages to one folder of 2,000 empty folders (2,050 entries, within the bound) took `check`
    31 s of wall-clock time, the folder walked through each link; here ten links to a folder of three."""
    pages = project / "course" / "pages"
    for number in range(3):
        (pages / "a" / str(number)).mkdir(parents=True)
    for number in range(10):
        (pages / f"b{number}").symlink_to("a")
    monkeypatch.setattr(sources, "MAX_SOURCE_ENTRIES", entries(project))
    result = run("check", project)
    assert result.exit_code == 1, result.output
    assert result.stderr.splitlines()[0] == (
        f"course/pages:1: the folder holds more than {entries(project)} files and folders, counting those reached "
        "through links to its folders (`sources.MAX_SOURCE_ENTRIES`) (replace the links with the folders they lead "
        "to, or remove them)")
