"""Running a library's work on a project's files within a bound of processor time and memory.

The kit's PDFs (WeasyPrint) and the slides' figures (CairoSVG) are drawn from files a project's author wrote, and
its SVG, XML and HTML files and kit documents are parsed and analysed (libxml2, tinyhtml5, cssselect2:
`media_time.analysed`); a small file can ask any of these for hours of work or gigabytes of memory. `bounded` runs
such work in a forked child process limited with `resource.setrlimit` (POSIX; Linux enforces both limits) and turns
any failure into a `ChildFailed` whose message is one line saying why. A child that waits rather than works (an
open() of a FIFO with no writer uses no processor time) is killed past a bound of wall-clock time (`wall_seconds`).
Whatever a library writes to its temporary folder goes into a private one, which the parent removes once the child
has ended, however it ended.
"""

from __future__ import annotations

import contextlib
import math
import mmap
import os
import re
import select
import shutil
import signal
import stat
import tempfile
import time
from pathlib import Path
from typing import Callable, TypeVar

from builder.parallel import fork, interrupts_held

T = TypeVar("T")


class ChildFailed(Exception):
    """The bounded work failed, passed a bound or was killed; the message (one line) says why. `at` is what the
    child last said it was working on (`note`), "" if nothing."""

    at = ""


class OverTime(ChildFailed):
    """The bounded work passed its bound of processor time (`seconds`, whole seconds) and was stopped."""

    def __init__(self, tool: str, seconds: int) -> None:
        super().__init__(f"{tool} took more than {seconds} s of processor time for it")


class OverWallTime(ChildFailed):
    """The bounded work took more than `seconds` of wall-clock time (`wall_seconds`), of which it worked `worked`
    seconds of processor time, and was killed: on a machine too busy to give it the processor (a child that used
    25 of its 30 s in 100 s at a load of 8-10 was said to be waiting: issue 18, twentieth verification, B4), or
    waiting for a read."""

    def __init__(self, tool: str, seconds: float, worked: float) -> None:
        super().__init__(f"{tool} took more than {seconds:g} s (wall-clock time) for it, working {worked:.1f} s of "
                         "processor time in them: the machine may be too busy, or it waited (for a FIFO or a device "
                         "it was given to read?)")


def wall_seconds(seconds: int) -> float:
    """The wall-clock time (s) a child bounded to `seconds` of processor time may take before it is killed: three
    times as much and 10 s more, generous on a busy machine, so that a child blocked on a read (a FIFO as a kit
    style sheet's font: issue 18, twelfth verification, B2) cannot hang the command."""
    return 3 * seconds + 10


class Killed(ChildFailed):
    """The child was killed by signal number `signal`, not for a bound of processor time: most likely out of memory,
    or SIGSEGV, which a C library's recursion over values nested too deeply also ends in."""

    def __init__(self, tool: str, signal: int) -> None:
        super().__init__(f"{tool} stopped (signal {signal}), most likely out of memory")
        self.signal = signal


class WorkFailed(ChildFailed):
    """The bounded work raised an exception of its own, within its bounds: `kind` is the exception's type's name,
    `detail` its message (at most MAX_DETAIL characters); the message is `<tool> failed: <kind>: <detail>`."""

    def __init__(self, tool: str, kind: str, detail: str) -> None:
        super().__init__(f"{tool} failed: {kind}: {detail}"[:300])
        self.kind, self.detail = kind, detail[:MAX_DETAIL]


#: The most characters of a failed work's exception message kept (`WorkFailed.detail`).
MAX_DETAIL = 1_000


def bounded(work: Callable[[], bytes], tool: str, seconds: int, memory: int) -> bytes:
    """`work()` (what `tool`, a library's name, does) in a forked child limited to `seconds` of processor time
    and `memory` bytes of address space more than this process has; its bytes (or why it failed) come back
    through a pipe. See `bounded_pieces`, of which this is the case of one piece."""
    (reply,) = bounded_pieces(lambda: [work()], tool, seconds, memory)
    return reply


def bounded_pieces(work: Callable[[], list[bytes]], tool: str, seconds: int, memory: int) -> list[bytes]:
    """`work()` (what `tool`, a library's name, does) in a forked child limited to `seconds` of processor time
    and `memory` bytes of address space more than this process has; the pieces of bytes it made (or why it failed)
    come back through a pipe, each written and read on its own, never joined into one (a reply of 1.6 GB took 3.2 GB
    in the child, joined, and 4.8 GB in the parent: issue 18, twentieth verification, A3): this process holds each
    piece once, and one piece twice while it reads it. Where there is no fork it runs in this process, unbounded;
    in a bounded child it runs in that child, within the child's own bounds (no child of a child: its time would
    escape them).

    The child's temporary folder is a new private one, removed with all it holds once the child has ended, also
    when it was killed.

    Raises WorkFailed if `work` raised an exception of its own, OverTime if it passed `seconds`, OverWallTime if it
    passed `wall_seconds(seconds)` of wall-clock time (it is killed), ChildFailed if it passed the memory bound or
    was killed."""
    if not hasattr(os, "fork") or _Process.bounded:
        return reason_of(work, tool, memory)
    # WeasyPrint copies each `@font-face` font it loads into a folder of its own in the temporary folder and removes
    # it only in a finaliser, which a child that ends by `os._exit`, or is killed at a bound, never runs: seven
    # folders of 954 MB stayed in /tmp after each `kit` (issue 18, eighteenth verification, B1)
    # an interrupt (Ctrl+C) is raised only once the folder is named here, or gone: one raised while it was made or
    # removed left it (18-verify32 V1)
    _remove_stale_scratch(tempfile.gettempdir())
    scratch = ""
    try:
        with interrupts_held():
            scratch = tempfile.mkdtemp(prefix=f"{SCRATCH_START}{os.getpid()}-")
        return _forked(work, tool, seconds, memory, scratch)
    finally:
        with interrupts_held():
            if scratch:
                shutil.rmtree(scratch, ignore_errors=True)


#: How the children's temporary folders are named: `coursebuild-<this process's id>-<mkdtemp's letters>`.
SCRATCH_START = "coursebuild-"
_SCRATCH = re.compile(re.escape(SCRATCH_START) + r"(?P<pid>[0-9]{1,9})-[a-z0-9_]+")
#: The temporary folders already swept of stale scratch folders by this process (`_remove_stale_scratch`).
_SWEPT: set[str] = set()


def _remove_stale_scratch(folder: str) -> None:
    """Remove from `folder` (the temporary folder) the children's scratch folders that a process no longer running
    left: one killed (`kill -9`) never ran the `finally` that removes them, and nothing did later (18-verify32 V7;
    WeasyPrint's font copies in them reached 954 MB, 18-verify18 B1). Once a process for each `folder`; only folders
    (never a link) of this user, named as `bounded_pieces` names them, whose process has ended."""
    from builder.temporaries import left_by_ended

    if folder in _SWEPT:
        return
    _SWEPT.add(folder)
    try:
        leftovers = left_by_ended(Path(folder), _SCRATCH)
    except OSError:
        return
    for path in leftovers:
        try:
            found = os.lstat(path)
        except OSError:
            continue
        if stat.S_ISDIR(found.st_mode) and found.st_uid == os.getuid():
            shutil.rmtree(path, ignore_errors=True)


#: How the child's reply starts: what `work` made, or why it failed (`WorkFailed`, another `ChildFailed`); the
#: pieces follow, each an 8-byte length (big-endian) and its bytes.
_MADE, _FAILED, _STOPPED = b"P", b"F", b"E"
_LENGTH = 8


def _forked(work: Callable[[], list[bytes]], tool: str, seconds: int, memory: int, scratch: str) -> list[bytes]:
    """`bounded_pieces`' work in a forked child, as `bounded_pieces` says, whose temporary folder
    (`tempfile.tempdir`, and the `TMPDIR` of the C libraries it runs) is the folder `scratch`."""
    import resource

    read_end, write_end = os.pipe()
    notes = mmap.mmap(-1, MAX_NOTE)  # shared with the child: what it works on (`note`)
    pid = fork()  # the child ignores SIGINT: an interrupt of this process ends it (`_parent`)
    if pid == 0:  # the child: never returns, never runs this process's exit handlers
        status = 0
        try:
            _Process.bounded, _Process.notes = True, notes
            tempfile.tempdir = os.environ["TMPDIR"] = scratch
            os.close(read_end)
            # C libraries' own messages (GLib's, out of memory) would break the one line the parent reports
            os.dup2(os.open(os.devnull, os.O_WRONLY), 2)
            used = address_space()
            # a forked child's processor time starts at 0
            for limit, wanted in ((resource.RLIMIT_CPU, seconds),
                                  (resource.RLIMIT_AS, used + memory if used else resource.RLIM_INFINITY)):
                hard = resource.getrlimit(limit)[1]
                soft = wanted if hard == resource.RLIM_INFINITY else min(wanted, hard)
                resource.setrlimit(limit, (soft, hard))
            try:
                kind, pieces = _MADE, reason_of(work, tool, memory)
            except WorkFailed as failure:
                kind, pieces = _FAILED, [f"{failure.kind}\0{failure.detail}".encode("utf-8", "replace")]
            except ChildFailed as failure:
                kind, pieces = _STOPPED, [str(failure).encode("utf-8", "replace")]
            with os.fdopen(write_end, "wb") as pipe:
                pipe.write(kind)
                for piece in pieces:
                    pipe.write(len(piece).to_bytes(_LENGTH, "big"))
                    pipe.write(piece)
        except BaseException:  # noqa: BLE001 - nothing may escape into a copy of the parent's stack
            status = 1
        finally:
            os._exit(status)
    os.close(write_end)
    try:
        return _parent(read_end, pid, tool, seconds)
    except ChildFailed as failure:
        failure.at = notes[:].partition(b"\0")[0].decode("utf-8", "replace")
        raise
    finally:
        notes.close()


def _parent(read_end: int, pid: int, tool: str, seconds: int) -> list[bytes]:
    """The pieces the child `pid` replied on `read_end`, or the ChildFailed that says why it gave nothing; the
    child killed (SIGKILL) and waited for if this process is interrupted (KeyboardInterrupt) while it waits for the
    reply: the child ignores SIGINT, and would work on unseen, writing into the temporary folder removed after."""
    try:
        kind, pieces = _reply(read_end, pid, tool, wall_seconds(seconds))
    except ChildFailed:
        raise
    except BaseException:
        with contextlib.suppress(ProcessLookupError, ChildProcessError):  # killed and waited for at a bound already
            os.kill(pid, signal.SIGKILL)
            os.waitpid(pid, 0)
        raise
    _, status = os.waitpid(pid, 0)
    if os.WIFSIGNALED(status) and os.WTERMSIG(status) in (signal.SIGXCPU, signal.SIGKILL):
        raise OverTime(tool, seconds)
    if status == 0 and kind == _FAILED:
        reason, _, detail = pieces[0].decode("utf-8", "replace").partition("\0")
        raise WorkFailed(tool, reason, detail)
    if status == 0 and kind == _STOPPED:
        raise ChildFailed(pieces[0].decode("utf-8", "replace"))
    if kind != _MADE or status != 0:
        if os.WIFSIGNALED(status):
            raise Killed(tool, os.WTERMSIG(status))
        raise ChildFailed(f"{tool} stopped (exit status {os.WEXITSTATUS(status)}), most likely out of memory")
    return pieces


def _reply(read_end: int, pid: int, tool: str, wall: float) -> tuple[bytes, list[bytes]]:
    """What the child `pid` writes to the pipe `read_end` (closed after) until it closes it: the byte that says what
    it is, and the pieces that follow (as far as the child wrote them); the child killed and waited for, and
    OverWallTime raised, if that takes more than `wall` seconds."""
    deadline, pieces = time.monotonic() + wall, list[bytes]()
    poller = select.poll()
    poller.register(read_end, select.POLLIN)

    def read(size: int) -> bytes | None:
        """The next `size` bytes, read into one buffer; None if the child closed the pipe before."""
        buffer, got = bytearray(size), 0
        view = memoryview(buffer)
        while got < size:
            left = deadline - time.monotonic()
            if left <= 0 or not poller.poll(math.ceil(left * 1000)):
                os.kill(pid, signal.SIGKILL)
                used = os.wait4(pid, 0)[2]
                raise OverWallTime(tool, wall, used.ru_utime + used.ru_stime)
            count = os.readv(read_end, [view[got:got + (1 << 20)]])
            if not count:
                return None
            got += count
        return bytes(buffer)

    try:
        kind = read(1) or b""
        while kind and (length := read(_LENGTH)) is not None and (piece := read(int.from_bytes(length, "big"))) \
                is not None:
            pieces.append(piece)
        return kind, pieces
    finally:
        os.close(read_end)


class _Process:
    """Whether this process is a child `bounded` forked, and the memory it writes its notes to (set in the child
    only)."""

    bounded = False
    notes: mmap.mmap | None = None


#: The most bytes (UTF-8) of a child's note kept (`note`).
MAX_NOTE = 4096


def in_child() -> bool:
    """Whether this process is a child `bounded` forked (its work is bounded already)."""
    return _Process.bounded


def note(what: str) -> None:
    """In a bounded child, say what it works on now (one line, such as a template's name): if a bound stops it, the
    parent's ChildFailed carries the latest note as `at`. Elsewhere nothing."""
    notes = _Process.notes
    if notes is not None:
        data = what.encode("utf-8", "replace")[:MAX_NOTE - 1]
        notes[:len(data) + 1] = data + b"\0"


def reason_of(work: Callable[[], T], tool: str, memory: int) -> T:
    """`work()`, any exception out of it a ChildFailed saying what it was: a WorkFailed for its own, but a
    MemoryError is reported against the bound `memory` (in bytes)."""
    try:
        return work()
    except ChildFailed:
        raise
    except MemoryError:
        raise ChildFailed(f"it needs more than {memory // 1024 ** 2:,} MB of memory") from None
    except Exception as exc:  # noqa: BLE001 - the libraries' own failures are many and undocumented
        raise WorkFailed(tool, type(exc).__name__, str(exc)) from None


def address_space() -> int:
    """The bytes of address space this process has mapped (Linux's /proc/self/statm); 0 where unknown."""
    try:
        return int(Path("/proc/self/statm").read_text().split()[0]) * os.sysconf("SC_PAGE_SIZE")
    except (OSError, ValueError, IndexError):
        return 0


def children_seconds() -> float:
    """The processor time (user and system, s) of this process's children that have ended and been waited for
    (each `bounded` child); 0 where there is no `resource` module (Windows)."""
    try:
        import resource
    except ImportError:  # pragma: no cover - Windows, where `bounded` runs the work in this process
        return 0.0
    used = resource.getrusage(resource.RUSAGE_CHILDREN)
    return used.ru_utime + used.ru_stime


class Allowance:
    """Processor time (s) that bounded children run one after the other share (the kit's PDFs, the slides' figures):
    each is limited to what is left (rounded up, at least 1 s) and to `most`, and what it took, measured once it
    has ended (`children_seconds`), is taken off what is left."""

    def __init__(self, total: float, most: int) -> None:
        self.left, self.most = float(total), most

    @property
    def spent(self) -> bool:
        """Whether no time is left."""
        return self.left <= 0

    def limit(self) -> int:
        """The processor time (s) the next child may take."""
        return min(self.most, max(math.ceil(self.left), 1))

    def run(self, work: Callable[[int], T]) -> T:
        """`work(self.limit())`, which runs its children, their time taken off what is left whether it fails or not;
        none is left once it took longer than its child's wall-clock bound (`wall_seconds`): a child killed waiting
        used little processor time, and each of the kit's seven documents blocked so would hold the command again."""
        before, started, limit = children_seconds(), time.monotonic(), self.limit()
        try:
            return work(limit)
        finally:
            self.left -= children_seconds() - before
            if time.monotonic() - started > wall_seconds(limit):
                self.left = 0
