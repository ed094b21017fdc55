"""`coursebuild new`: copy the example course project into a new folder, whole or not at all."""

from __future__ import annotations

import contextlib
import errno
import os
import shutil
import stat
import tempfile
import unicodedata
from importlib import resources
from pathlib import Path

from builder.errors import UsageProblem, printable
from builder.temporaries import PART, clear_leftovers, environment_problems, file_kind, remove, temporary_prefix

SCAFFOLD = resources.files("builder") / "scaffold"
#: Unicode categories a folder name never holds on purpose: controls (a line break, a tab, an escape: Cc) and the
#: line and paragraph separators (Zl, Zp). Such a name printed as a line breaks it, or moves the terminal's cursor.
_CONTROLS = frozenset({"Cc", "Zl", "Zp"})
#: The advice of a line about a name that cannot be the project's folder.
_CHOOSE = "choose a new folder name"


class ProjectExists(UsageProblem):
    """The folder for a new project already has files in it (exit code 2)."""


def new_project(target: Path) -> list[Path]:
    """Create a small working course project at `target`, whole or not at all; return the files written, sorted.

    The project is written into a temporary folder (`.coursebuild.<name>.<process id>-<random>.part`, which a later
    command writing there removes once this process has ended), then renamed into place: beside `target` if nothing
    is there (the missing folders above it are made), inside it if it is an empty folder (its files then moved out
    of it, as the folder may be one the user can write into but not rename). If the writing fails the temporary is
    removed, and so are the folders made above it: nothing half-made is left.

    Raises UsageProblem (exit code 2, a mistake in the command line, as for a PROJECT of the other commands that is
    no folder) if `target`'s name holds a line break or another control character (`_CONTROLS`), or if something
    other than a folder is at `target` or at a folder above it (a file, a FIFO, a device, a link to nothing or a
    link in a loop); ProjectExists (2) if `target` is a folder with something in it; EnvironmentProblem (exit code
    3) if the machine stops the writing (a full disk, a folder that cannot be written).
    """
    if any(unicodedata.category(char) in _CONTROLS for char in str(target)):
        raise UsageProblem(f"{printable(str(target))}: cannot create the project: its name holds a line break or "
                           "another control character (choose a name without one)")
    with environment_problems(target, "for the new project"):
        into_folder = _is_folder(target)
        home = target if into_folder else target.parent
        made = _make_folders(home)
        try:
            clear_leftovers(home)
            if into_folder and any(target.iterdir()):
                raise ProjectExists(f"{target}: the folder is not empty ({_CHOOSE})")
            _write(target, home, into_folder)
        except BaseException:
            for folder in reversed(made):
                with contextlib.suppress(OSError):  # something put there meanwhile stays
                    folder.rmdir()
            raise
        return sorted(path for path in target.rglob("*") if path.is_file())


def _is_folder(target: Path) -> bool:
    """Whether a folder is at `target` (links followed); False if nothing is there. Each folder above it is looked
    at first, from the top, down to the first that is not there.

    Raises UsageProblem if something other than a folder is there or above it; OSError if the machine refuses to
    look (a folder above it that cannot be searched)."""
    for path in [*reversed(target.parents), target]:
        try:
            mode = os.stat(path).st_mode
        except FileNotFoundError:
            if os.path.islink(path):
                raise _in_the_way(target, path, "a link to nothing") from None
            return False
        except OSError as error:
            if error.errno == errno.ELOOP:
                raise _in_the_way(target, path, "a link that leads round in a loop") from None
            raise
        if not stat.S_ISDIR(mode):
            raise _in_the_way(target, path, file_kind(mode))
    return True


def _in_the_way(target: Path, path: Path, what: str) -> UsageProblem:
    """The line for `what` (a file, a link to nothing) at `path`, which is `target` or a folder above it."""
    where = "there" if path == target else f"at {path}, where a folder should be"
    return UsageProblem(f"{target}: cannot create the project: {what} is {where} ({_CHOOSE})")


def _make_folders(folder: Path) -> list[Path]:
    """Make `folder` and the folders above it that are not there; return those made, from the top. Raises OSError
    if one cannot be made (those made before it stay: the caller removes them)."""
    made = []
    for path in [*reversed(folder.parents), folder]:
        if not path.is_dir():
            path.mkdir()
            made.append(path)
    return made


def _write(target: Path, home: Path, into_folder: bool) -> None:
    """Copy the example project into a temporary folder in `home` (`target` itself if `into_folder`, else the
    folder above it), then rename it to `target`, or move what it holds into `target`. Raises OSError if the
    machine refuses (nothing of the project is left), ProjectExists if something was put at `target` meanwhile."""
    temporary = Path(tempfile.mkdtemp(dir=home, prefix=temporary_prefix(target.absolute()), suffix=PART))
    try:
        with resources.as_file(SCAFFOLD) as source:
            os.chmod(temporary, stat.S_IMODE(os.stat(source).st_mode))  # mkdtemp's is 0700: the scaffold's, as before
            for path in sorted(source.rglob("*")):
                name = path.relative_to(source)
                if "__pycache__" in name.parts:
                    continue
                copy = temporary / name
                if path.is_dir():
                    copy.mkdir()
                else:
                    shutil.copyfile(path, copy)
        if into_folder:
            _move_out(temporary, target)
        else:
            try:
                os.rename(temporary, target)
            except OSError as error:
                if error.errno in (errno.ENOTEMPTY, errno.EEXIST):
                    raise ProjectExists(f"{target}: the folder is not empty ({_CHOOSE})") from None
                raise
    finally:
        remove(temporary)


def _move_out(temporary: Path, target: Path) -> None:
    """Move what `temporary` holds into `target`, each entry renamed; if a rename fails, move back those moved
    (then raise its OSError)."""
    moved: list[str] = []
    try:
        for entry in sorted(temporary.iterdir()):
            os.rename(entry, target / entry.name)
            moved.append(entry.name)
    except OSError:
        for name in moved:
            os.rename(target / name, temporary / name)
        raise
