"""Work shared between processes: a pool for large projects only (it costs more than it saves on a small one), and
early work in a second process at a command's start when a core is idle."""

from __future__ import annotations

import contextlib
import os
import threading
from pathlib import Path
from types import FrameType
from typing import TYPE_CHECKING, Any, Callable, Iterator, Optional

if TYPE_CHECKING:
    from concurrent.futures import ProcessPoolExecutor

#: Projects with at least this many files (or pages) are read and rendered by a pool of processes.
PARALLEL_FILES = 200


def pool_size(jobs: int) -> int:
    """How many worker processes to use for `jobs` tasks: 0 means do them in this process, as a bounded child does
    (`bounded.in_child`: its workers' processor time and memory would escape its bounds)."""
    from builder import bounded  # here: `cli` imports this module, and `--version` needs neither it nor its imports

    workers = min(os.cpu_count() or 1, 4)
    return workers if jobs >= PARALLEL_FILES and workers >= 2 and not bounded.in_child() else 0


@contextlib.contextmanager
def fork_pool(workers: int, initializer: Optional[Callable[..., None]] = None,
              initargs: tuple[Any, ...] = ()) -> Iterator[ProcessPoolExecutor]:
    """A process pool whose workers start as copies of this process (so nothing big is pickled to them), each
    running `initializer(*initargs)` first, for the block.

    The workers are forked when the pool is made, with an interrupt held (`interrupts_held`), and ignore SIGINT
    (Ctrl+C reaches the whole process group): this process handles it, and a worker's KeyboardInterrupt printed
    its traceback (18-verify32 V1). If the block raises (an interrupt, any error), the tasks no worker has taken
    are dropped, and only those under way waited for (a worker ended while it hands back a result leaves the pool
    waiting for the rest of it for ever); the pool is shut down when the block ends either way."""
    import multiprocessing  # imported here: small builds, the common case, never need it
    from concurrent.futures import ProcessPoolExecutor

    pool = ProcessPoolExecutor(workers, mp_context=multiprocessing.get_context("fork"),
                               initializer=_worker_start, initargs=(initializer, initargs))
    try:
        with interrupts_held():
            pool.submit(int)  # the first task forks every worker (a fork context starts them all at once)
        yield pool
    except BaseException:
        pool.shutdown(wait=True, cancel_futures=True)
        raise
    pool.shutdown(wait=True)


def _worker_start(initializer: Optional[Callable[..., None]], initargs: tuple[Any, ...]) -> None:
    """A pool worker's start: SIGINT ignored (it was forked with it blocked), then `initializer(*initargs)`."""
    ignore_interrupts()
    if initializer is not None:
        initializer(*initargs)


def ignore_interrupts() -> None:
    """In a child forked with an interrupt held (`interrupts_held`, `fork`): ignore SIGINT from now on (one sent
    meanwhile is dropped), and unblock it; the parent ends the child when it is interrupted."""
    import signal  # only here, as everywhere in this module: importing it makes its enumerations (3 M instructions)

    signal.signal(signal.SIGINT, signal.SIG_IGN)
    signal.pthread_sigmask(signal.SIG_UNBLOCK, {signal.SIGINT})


class _Held:
    """An interrupt held from when this is made until `end`: SIGINT blocked in this thread (and in any
    process or thread started meanwhile, which inherit that) and, in the main thread, where Python runs signal
    handlers, recorded rather than raised if it arrives through another thread."""

    def __init__(self) -> None:
        import signal

        self.arrived = False
        handler = signal.getsignal(signal.SIGINT)
        self.handler = handler if callable(handler) and threading.current_thread() is threading.main_thread() \
            else None
        if self.handler is not None:
            signal.signal(signal.SIGINT, self._record)
        self.mask = signal.pthread_sigmask(signal.SIG_BLOCK, {signal.SIGINT})

    def _record(self, number: int, frame: Optional[FrameType]) -> None:
        self.arrived = True

    def end(self) -> None:
        """Stop holding, the mask and handler as they were; then handle an interrupt that arrived meanwhile (taken
        here if it waits, blocked, for this thread) as the handler it found would have (KeyboardInterrupt, in the
        main thread); in another thread, where Python runs no handler, nothing."""
        import signal

        if signal.SIGINT not in self.mask and signal.SIGINT in signal.sigpending():
            signal.sigwait({signal.SIGINT})
            self.arrived = True
        signal.pthread_sigmask(signal.SIG_SETMASK, self.mask)
        if self.handler is not None:
            signal.signal(signal.SIGINT, self.handler)
            if self.arrived:
                self.handler(signal.SIGINT, None)


@contextlib.contextmanager
def interrupts_held() -> Iterator[None]:
    """Hold an interrupt (SIGINT, Ctrl+C) that arrives while the block runs, and handle it once the block is done
    (KeyboardInterrupt, raised from here), for a block that forks: an interrupt raised inside `os.fork`'s at-fork
    handlers (logging's) was printed as "Exception ignored", and the build went on and replaced its outputs with
    exit 0 (18-verify32 V1). A process forked in the block starts with SIGINT blocked, and calls
    `ignore_interrupts`. Raises KeyboardInterrupt as said."""
    held = _Held()
    try:
        yield
    finally:
        held.end()


def fork() -> int:
    """`os.fork()` with an interrupt held (`interrupts_held`): 0 in the child, which ignores SIGINT
    (`ignore_interrupts`: its parent ends it), the child's process id in this process.

    Raises OSError if the machine cannot start a process; KeyboardInterrupt in this process if interrupted while
    forking, the child killed (SIGKILL) and waited for first, so that none is left working unseen."""
    import signal

    held = _Held()
    try:
        pid = os.fork()
    except BaseException:
        held.end()
        raise
    if pid == 0:
        ignore_interrupts()
        return 0
    try:
        held.end()
    except BaseException:
        os.kill(pid, signal.SIGKILL)
        os.waitpid(pid, 0)
        raise
    return pid


def chunk_size(jobs: int, workers: int) -> int:
    """Tasks per hand-over: eight per worker, so that workers finishing early take more."""
    return max(1, jobs // (workers * 8))


#: What a forked process does early (`early`): a function of the project's folder, giving data (bytes).
EarlyWork = Callable[[Path], bytes]
#: What the pipe from that process holds (bytes, Linux's most for a process that is not privileged: fs.pipe-max-size)
#: when the system allows it, for its result to fit: the process can then write it all and end while this one still
#: imports, instead of waiting for it to be read and ending while this one waits (this course's page bodies, 174 KB,
#: were 4-7 ms of a build's wall time past a pipe's default 64 KB).
PIPE_BYTES = 1024 * 1024


def second_core_idle() -> bool:
    """Whether another processor core is free for a second process: this process may run on two cores or more,
    and the machine's load (runnable processes, averaged over the last minute) leaves at least half of one beside
    this process idle on average. On a busy machine a second process would only take turns with others. False
    where the load is not known (Windows)."""
    cores = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else (os.cpu_count() or 1)
    return cores >= 2 and hasattr(os, "getloadavg") and os.getloadavg()[0] < cores - 0.5


class _Early:
    """A forked process doing `EarlyWork`, and the reading end of the pipe its result comes through."""

    def __init__(self, pid: int, reading: int) -> None:
        self.pid: Optional[int] = pid
        self.reading = reading

    def result(self) -> Optional[bytes]:
        """The work's result, once it is done (waits for it); None if the process failed or was ended."""
        with open(self.reading, "rb", closefd=False) as stream:
            data = stream.read()
        return data if self._reap() == 0 else None

    def end(self) -> None:
        """Stop the process if it still runs, and let go of the pipe."""
        if self.pid is not None:
            import signal

            with contextlib.suppress(ProcessLookupError):
                os.kill(self.pid, signal.SIGKILL)
            self._reap()
        os.close(self.reading)

    def _reap(self) -> int:
        """Wait for the process to end; its exit code."""
        assert self.pid is not None
        _, status = os.waitpid(self.pid, 0)
        self.pid = None
        return os.waitstatus_to_exitcode(status)


#: The early work running for a project's folder (`early`), until `take_early` takes its result.
_EARLY: dict[Path, _Early] = {}


@contextlib.contextmanager
def early(root: Path, work: EarlyWork) -> Iterator[None]:
    """Run `work(root)` in a forked copy of this process while the block runs, if a second core is idle
    (`second_core_idle`) and this process runs no other thread (a fork copies only the calling thread, and any
    lock another one held would stay locked in the copy); `take_early(root)` takes its result. The process is
    stopped when the block ends, whether its result was taken or not.

    For a command's start: a cold build of this course imports its libraries for about a third of its time, and
    converts its page bodies for about a fifth; a second core does the second while this one does the first.
    """
    child = _fork(root, work) if _may_fork() else None
    if child is not None:
        _EARLY[root] = child
    try:
        yield
    finally:
        if child is not None:
            _EARLY.pop(root, None)
            child.end()


def _may_fork() -> bool:
    return hasattr(os, "fork") and threading.active_count() == 1 and second_core_idle()


def take_early(root: Path) -> Optional[bytes]:
    """The result of the early work started for `root` (waiting for it to finish), once; None if there is none
    (no work was started, it failed, or it was taken already)."""
    child = _EARLY.pop(root, None)
    return child.result() if child is not None else None


def _widen(pipe: int) -> None:
    """Let `pipe` hold PIPE_BYTES where the system has a way to ask for it (Linux) and grants it (it refuses a
    process past its user's share of pipe memory, fs.pipe-user-pages-soft): else it keeps its size."""
    import fcntl  # only here: on Unix, the only systems with a fork

    if hasattr(fcntl, "F_SETPIPE_SZ"):
        with contextlib.suppress(OSError):
            fcntl.fcntl(pipe, fcntl.F_SETPIPE_SZ, PIPE_BYTES)


def _fork(root: Path, work: EarlyWork) -> Optional[_Early]:
    """The process started to do `work(root)`; None if the machine could not start one (the work is then done
    where it is needed)."""
    reading, writing = os.pipe()
    _widen(writing)
    try:
        pid = fork()
    except OSError:  # out of processes or memory
        os.close(reading)
        os.close(writing)
        return None
    if pid:
        os.close(writing)
        return _Early(pid, reading)
    code = 1  # in the forked process: it writes its result or nothing, prints nothing, and never returns
    try:
        os.close(reading)
        quiet = os.open(os.devnull, os.O_WRONLY)
        os.dup2(quiet, 1)
        os.dup2(quiet, 2)
        data = work(root)
        with open(writing, "wb") as stream:
            stream.write(data)
        code = 0
    finally:
        os._exit(code)
