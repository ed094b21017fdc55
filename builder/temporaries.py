"""The temporary files and folders an output is written into before it is renamed into place, and the one line a
machine's refusal to write them becomes. Apart from `packaging` (which imports lxml through `media`) so that
`coursebuild new` uses them without the pipeline's libraries."""

from __future__ import annotations

import contextlib
import errno
import os
import re
import shutil
import stat
from pathlib import Path
from typing import Iterator

from builder.errors import EnvironmentProblem

#: How the temporary files and folders of a write end: `.coursebuild.<name>.<process id>-<random>.part`.
PART = ".part"
#: How they start, so that only coursebuild's own are ever removed (a user's `.notes.99999-abc.part` is not).
TEMPORARY_START = ".coursebuild."


def temporary_prefix(destination: Path) -> str:
    """How the names of this process's temporaries for `destination` start: `.coursebuild.<name>.<process id>-`."""
    return f"{TEMPORARY_START}{destination.name}.{os.getpid()}-"


#: A temporary's name: `.coursebuild.<name>.<process id>-<mkstemp's letters, or "old">.part`.
_TEMPORARY = re.compile(re.escape(TEMPORARY_START) + r"(?P<name>.+)\.(?P<pid>[0-9]{1,9})-[a-z0-9_]+"
                        + re.escape(PART))


def clear_leftovers(folder: Path) -> None:
    """Remove the temporaries in `folder` that processes killed there left (`kill -9`), whatever output they were
    for. A temporary of a process still running (a build at the same time) stays, and so does anything not named as
    coursebuild names its temporaries (`TEMPORARY_START`), and everything in a folder that cannot be listed."""
    try:
        leftovers = left_by_ended(folder, _TEMPORARY)
    except OSError:
        return
    for leftover in leftovers:
        remove(leftover)


def left_by_ended(folder: Path, named: re.Pattern[str]) -> list[Path]:
    """The entries of `folder` whose whole name `named` matches, its group `pid` a process that has ended
    (`is_running`). Raises OSError if `folder` cannot be read."""
    return [folder / name for name in os.listdir(folder)
            if (match := named.fullmatch(name)) and not is_running(int(match["pid"]))]


def is_running(pid: int) -> bool:
    """Whether a process `pid` runs (or may: one of another user's, which this process may not signal)."""
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:  # another user's process
        return True
    return True


def file_kind(mode: int) -> str:
    """What a `stat` mode that is not a folder's names, for a line about it: "a file", "a FIFO", "a socket" or
    "a device"."""
    return "a file" if stat.S_ISREG(mode) else "a FIFO" if stat.S_ISFIFO(mode) else \
        "a socket" if stat.S_ISSOCK(mode) else "a device"


def remove(path: Path) -> None:
    """Remove a file, a link (not what it points at) or a folder, whatever of it another writer removes at the same
    time: each of a build's writer threads clears the stale temporaries of the folder (`clear_leftovers`), and one
    that met a file another had removed failed the build (issue 18, twelfth verification, B5)."""
    while path.is_dir() and not path.is_symlink():
        try:
            shutil.rmtree(path)
        except FileNotFoundError:  # removed by another writer under this one: what is left is removed again
            continue
        return
    path.unlink(missing_ok=True)


@contextlib.contextmanager
def environment_problems(destination: Path, choose: str = "with --out or -o") -> Iterator[None]:
    """Turn the machine's refusals to write `destination` into one clear line (EnvironmentProblem, exit code 3),
    whose advice ends with how to `choose` another place."""
    try:
        yield
    except OSError as exc:
        if exc.errno in (errno.ENOSPC, errno.EDQUOT):
            fix = "free some disk space, then run the command again"
        elif exc.errno in (errno.EROFS, errno.EACCES, errno.EPERM):
            fix = f"choose a folder you can write to, {choose}"
        else:
            fix = f"check the output folder, or choose another {choose}"
        raise EnvironmentProblem(f"{destination}: cannot write: {exc.strerror or exc} ({fix})") from None
