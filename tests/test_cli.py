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


NEW_KINDS = {"a link to nothing": ("dang", "a link to nothing is there"),
             "a link in a loop": ("loop", "a link that leads round in a loop is there"),
             "a FIFO": ("fifo", "a FIFO is there"), "a file": ("notes.txt", "a file is there"),
             "under a file": ("notes.txt/p", "a file is at notes.txt, where a folder should be"),
             "under a link to nothing": ("dang/p", "a link to nothing is at dang, where a folder should be"),
             "under a device": ("/dev/full/p", "a device is at /dev/full, where a folder should be")}


@pytest.mark.parametrize("kind", NEW_KINDS)
def test_new_where_no_folder_can_be_is_one_usage_line(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                                       kind: str) -> None:
    """Each was a traceback and exit 1 (18-verify32 V2): FileExistsError for a link to nothing, NotADirectoryError
    for a FIFO or under a device; a file was click's three lines of usage."""
    import os

    monkeypatch.chdir(tmp_path)
    os.symlink(tmp_path / "nowhere", "dang")
    os.symlink("loop", "loop")
    os.mkfifo("fifo")
    Path("notes.txt").write_text("not a folder\n", encoding="utf-8")
    before = sorted(tmp_path.iterdir())
    name, what = NEW_KINDS[kind]
    result = run("new", name)
    assert (result.exit_code, result.stderr, result.stdout) == (
        2, f"{name}: cannot create the project: {what} (choose a new folder name)\n", "")
    assert sorted(tmp_path.iterdir()) == before


@pytest.mark.parametrize(("name", "shown"), [("a\nb", "a\\nb"), ("course\r", "course\\r"), ("\tx", "\\tx"),
                                             ("x\x1b[2J", "x\\x1b[2J"), ("a\u2028b", "a\\u2028b"),
                                             ("up/a\nb/p", "up/a\\nb/p")])
def test_new_refuses_a_name_holding_a_control_character(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                                        name: str, shown: str) -> None:
    """`new "$(printf 'a\\nb')"` made a folder whose name held a line break, printed over two lines (18-verify32 V2)."""
    monkeypatch.chdir(tmp_path)
    result = run("new", name)
    assert (result.exit_code, result.stderr, result.stdout) == (
        2, f"{shown}: cannot create the project: its name holds a line break or another control character (choose a "
           "name without one)\n", "")
    assert list(tmp_path.iterdir()) == []


def test_new_into_a_folder_it_cannot_write_is_one_line_and_leaves_nothing(tmp_path: Path,
                                                                         monkeypatch: pytest.MonkeyPatch) -> None:
    """`chattr +i ro; new ro/x` was PermissionError's traceback, exit 1 (18-verify32 V2); the folders made above the
    project are removed with it."""
    import errno
    import os

    import builder.scaffolding

    def immutable(*args: object, **kwargs: object) -> str:
        raise PermissionError(errno.EPERM, os.strerror(errno.EPERM))

    monkeypatch.setattr(builder.scaffolding.tempfile, "mkdtemp", immutable)
    target = tmp_path / "up" / "down" / "p"
    result = run("new", target)
    assert (result.exit_code, result.stderr) == (3, f"{target}: cannot write: Operation not permitted (choose a folder "
                                                    "you can write to, for the new project)\n")
    assert list(tmp_path.iterdir()) == []


def test_new_into_an_empty_folder_fills_it_and_clears_a_dead_new_s_temporary(tmp_path: Path,
                                                                             monkeypatch: pytest.MonkeyPatch) -> None:
    """`coursebuild new .` in an empty folder: the project is written in a temporary inside it, then moved out, so
    the folder (perhaps the shell's current one) stays; a `new` killed there left a temporary, which is not a file of
    the user's and is removed."""
    import subprocess
    import sys

    ended = subprocess.run([sys.executable, "-c", "import os; print(os.getpid())"], capture_output=True, text=True)
    stale = tmp_path / f".coursebuild.{tmp_path.name}.{int(ended.stdout)}-k2x9.part"
    (stale / "course").mkdir(parents=True)
    monkeypatch.chdir(tmp_path)
    result = run("new", ".")
    assert (result.exit_code, result.stderr) == (0, "")
    assert sorted(path.name for path in tmp_path.iterdir()) == ["course", "quizzes"]
    assert run("check", ".", "--strict").exit_code == 0


def test_new_on_a_full_disk_is_one_line_and_leaves_nothing_half_made(tmp_path: Path) -> None:
    """On a full disk `new np` was shutil.Error's traceback, exit 1, and left np with all 11 names, four of them empty
    or cut short; a second `new np` said "the folder is not empty" (18-verify32 V2). Into an empty folder likewise."""
    import subprocess

    disk = tmp_path / "small"
    disk.mkdir()
    if subprocess.run(["mount", "-t", "tmpfs", "-o", "size=60k", "tmpfs", str(disk)], capture_output=True).returncode:
        pytest.skip("mounting a small tmpfs is not permitted here")
    try:
        (disk / "filler").write_bytes(b"x" * 30_000)
        (disk / "empty").mkdir()
        for name in ("np", "up/down/np", "empty"):
            result = run("new", disk / name)
            assert (result.exit_code, result.stderr) == (3, f"{disk / name}: cannot write: No space left on device "
                                                            "(free some disk space, then run the command again)\n")
            assert sorted(path.name for path in disk.iterdir()) == ["empty", "filler"]
            assert list((disk / "empty").iterdir()) == []
        (disk / "filler").unlink()
        assert run("new", disk / "np").exit_code == 0
        assert len([path for path in (disk / "np").rglob("*") if path.is_file()]) == 11
    finally:
        subprocess.run(["umount", str(disk)], check=True)


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
