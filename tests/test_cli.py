"""The command line: sub-commands, help, version and exit codes."""

from __future__ import annotations

from pathlib import Path

import pytest

from conftest import FIXTURES, REPO, run


def test_version() -> None:
    result = run("--version")
    assert result.exit_code == 0
    assert result.stdout.startswith("coursebuild, version ")


@pytest.mark.parametrize("command", [[], ["new"], ["check"], ["build"], ["preview"], ["report"], ["export"], ["kit"]])
def test_help_on_every_command(command: list[str]) -> None:
    result = run(*command, "--help")
    assert result.exit_code == 0
    assert "Usage: " in result.stdout


def test_check_passes_on_fixture_course() -> None:
    result = run("check", FIXTURES / "mini", "--strict")
    assert result.exit_code == 0, result.stderr
    assert "mini-course 1.0: 5 pages, 2 question banks, ok" in result.stdout


def test_check_passes_on_the_project_course() -> None:
    """Strict: this course's banks trip none of the item-writing checks, and nothing else warns."""
    result = run("check", REPO, "--strict")
    assert result.exit_code == 0, result.stderr
    assert result.stderr == ""


def test_project_defaults_to_current_folder(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(FIXTURES / "mini")
    assert run("check").exit_code == 0


def test_new_scaffolds_a_course_that_checks_and_builds(tmp_path: Path) -> None:
    target = tmp_path / "my-course"
    result = run("new", target)
    assert result.exit_code == 0, result.stderr
    assert (target / "course" / "course.yaml").is_file()
    assert (target / "quizzes").is_dir()
    assert run("check", target, "--strict").exit_code == 0
    assert run("build", target).exit_code == 0
    kit = run("kit", target)
    assert kit.exit_code == 0, kit.stderr
    assert len(list(target.glob("dist/*-kit/*.pdf"))) == 7


def test_new_refuses_a_folder_with_files(project: Path) -> None:
    result = run("new", project)
    assert result.exit_code == 2
    assert "the folder is not empty" in result.stderr


@pytest.mark.parametrize("args", [["build", "--target", "cmi9"], ["frobnicate"], ["check", "--nope"]])
def test_usage_errors_exit_2(args: list[str]) -> None:
    assert run(*args).exit_code == 2


def test_not_a_project_is_a_usage_error_without_traceback(tmp_path: Path) -> None:
    result = run("check", tmp_path)
    assert result.exit_code == 2
    assert result.stderr == (f"{tmp_path}: not a course project, it has no course/ folder "
                             f"(run `coursebuild new {tmp_path}` to start one)\n")


@pytest.mark.parametrize("command", [["check"], ["check", "--strict"], ["build"], ["export"], ["kit"], ["slides"],
                                     ["report"], ["report", "-o", "-"]])
@pytest.mark.parametrize("kind", ["missing", "file", "fifo", "under a file"])
def test_a_project_that_is_no_folder_is_one_usage_line(tmp_path: Path, command: list[str], kind: str) -> None:
    """`coursebuild check /nonexistent` is a mistake in the command line (2), not an invalid course (1)."""
    import os

    target = {"missing": tmp_path / "nowhere", "file": tmp_path / "notes.txt", "fifo": tmp_path / "pipe",
              "under a file": tmp_path / "notes.txt" / "course"}[kind]
    (tmp_path / "notes.txt").write_text("not a course\n", encoding="utf-8")
    if kind == "fifo":
        os.mkfifo(target)
    result = run(*command, target)
    assert result.exit_code == 2, result.output
    what = "is not a folder" if kind in ("file", "fifo") else "no such folder"
    assert result.stderr.startswith(f"{target}: {what} (give the folder of a course project, the one that holds "
                                    "course/"), result.stderr
    assert result.stderr.count("\n") == 1 and result.stdout == ""
    assert not (tmp_path / "dist").exists()


def test_preview_of_a_missing_folder_is_a_usage_error_and_serves_nothing(tmp_path: Path,
                                                                         monkeypatch: pytest.MonkeyPatch) -> None:
    """It used to serve an empty preview and print a traceback for each try at watching the missing folder."""
    import builder.preview

    def no_server(*args: object) -> None:
        raise AssertionError("a preview of no project must not start a server")

    monkeypatch.setattr(builder.preview, "make_server", no_server)
    result = run("preview", tmp_path / "nowhere", "--port", "0")
    assert result.exit_code == 2
    assert result.stderr.startswith(f"{tmp_path / 'nowhere'}: no such folder (")
    assert result.stdout == ""
