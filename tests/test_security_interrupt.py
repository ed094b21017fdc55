"""An interrupt (SIGINT, Ctrl+C, which a terminal sends to the whole process group) stops a command: one line,
`interrupted`, exit code 130, no traceback from any process, the previous outputs as they were and no temporary
left (18-verify32 V1: a pool worker printed its traceback; an interrupt that landed in `os.fork`'s at-fork
handlers was swallowed, and the build replaced its outputs and exited 0)."""

from __future__ import annotations

import importlib.util
import os
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path
from types import ModuleType
from typing import Callable, Iterator

import pytest

from builder import parallel

from conftest import REPO


def _bench() -> ModuleType:
    """bench/run.py, whose `generate` writes a synthetic course (bench/ is not a package, nor on the path but
    while it is imported: it imports its neighbour tree_memory)."""
    spec = importlib.util.spec_from_file_location("bench_run", REPO / "bench/run.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    with pytest.MonkeyPatch.context() as patch:
        patch.syspath_prepend(str(REPO / "bench"))
        spec.loader.exec_module(module)
    return module


#: Pages of the synthetic course: past `parallel.PARALLEL_FILES`, so that a pool reads and renders them, and small
#: enough that a build takes about two seconds.
PAGES = 300


@pytest.fixture(scope="module")
def big(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path, float]:
    """A synthetic course of PAGES pages, built once into its output folder (the previous outputs an interrupted
    build must leave), then changed (a build that went on would replace them with other bytes); with how long
    that build took (s)."""
    root = tmp_path_factory.mktemp("interrupt")
    project = _bench().generate(root / "big", PAGES)
    out = root / "out"
    start = time.monotonic()
    built = _coursebuild(root, "build", project, "--out", out)
    assert built.wait(120) == 0
    took = time.monotonic() - start
    with (project / "course/pages/p0001.md").open("a", encoding="utf-8") as page:
        page.write("\nA sentence the next build adds.\n")
    return project, out, took


def _coursebuild(root: Path, *args: object) -> subprocess.Popen[str]:
    """The command, started in a process group of its own (so that it can be sent SIGINT as a terminal does),
    its temporary folder `root/tmp`, its output (both streams) to `root/output`."""
    (root / "tmp").mkdir(exist_ok=True)
    output = (root / "output").open("w", encoding="utf-8")
    with output:
        return subprocess.Popen([sys.executable, "-m", "builder", *map(str, args)], cwd=REPO, stdout=output,
                                stderr=subprocess.STDOUT, text=True, start_new_session=True,
                                env={**os.environ, "TMPDIR": str(root / "tmp")})


def _snapshot(out: Path) -> dict[str, tuple[int, bytes]]:
    """Each file and folder in `out`: its inode (a replaced output is a new one) and its bytes (b"" for a folder)."""
    return {str(path.relative_to(out)): (path.lstat().st_ino, path.read_bytes() if path.is_file() else b"")
            for path in [out, *out.rglob("*")]}


def _interrupted_after(root: Path, project: Path, out: Path, moment: Callable[[int], Iterator[bool]]) -> str:
    """Build `project` into `out`, send SIGINT to its process group at the first step of `moment(its pid)` that is
    true (a step each 5 ms), and check that the build was still running then, and that it ended with exit code
    130 and every process it started; its output."""
    command = _coursebuild(root, "build", project, "--out", out)
    for now in moment(command.pid):
        assert command.poll() is None, (root / "output").read_text()[-2000:]
        if now:
            break
        time.sleep(0.005)
    os.killpg(command.pid, signal.SIGINT)
    assert command.wait(60) == 130, (root / "output").read_text()[-2000:]
    deadline = time.monotonic() + 10
    while True:
        try:
            os.killpg(command.pid, 0)
        except ProcessLookupError:
            break
        assert time.monotonic() < deadline, "a process of the command was left running"
        time.sleep(0.05)
    return (root / "output").read_text()


def _after(seconds: float) -> Callable[[int], Iterator[bool]]:
    """The moment `seconds` after the command started."""
    def moment(pid: int) -> Iterator[bool]:
        end = time.monotonic() + seconds
        while True:
            yield time.monotonic() >= end

    return moment


def _forked(count: int) -> Callable[[int], Iterator[bool]]:
    """The moment the command has started `count` processes (the early work's, the pool's: forks)."""
    def moment(pid: int) -> Iterator[bool]:
        while True:
            yield len(Path(f"/proc/{pid}/task/{pid}/children").read_text().split()) >= count

    return moment


def _writing(out: Path) -> Callable[[int], Iterator[bool]]:
    """The moment the command has started writing its outputs (a temporary beside them)."""
    def moment(pid: int) -> Iterator[bool]:
        while True:
            yield any(name.endswith(".part") for name in os.listdir(out))

    return moment


@pytest.mark.skipif(not Path("/proc/self/task").is_dir() or (os.cpu_count() or 1) < 2,
                    reason="needs Linux's /proc, and two cores for the pool")
@pytest.mark.parametrize("when", ["first fork", "second fork", "a quarter", "half", "writing"])
def test_an_interrupted_build_says_so_exits_130_and_leaves_the_previous_outputs(
        big: tuple[Path, Path, float], tmp_path: Path, when: str) -> None:
    project, out, took = big
    before = _snapshot(out)
    moment = {"first fork": _forked(1), "second fork": _forked(2), "a quarter": _after(took / 4),
              "half": _after(took / 2), "writing": _writing(out)}[when]
    output = _interrupted_after(tmp_path, project, out, moment)
    assert output.splitlines()[-1] == "interrupted", output[-2000:]
    for wrong in ("Traceback", "Exception ignored", "Aborted", "wrote"):
        assert wrong not in output, output[-2000:]
    assert _snapshot(out) == before  # nothing replaced, no temporary left beside the outputs
    assert not list((tmp_path / "tmp").iterdir())  # nor in the temporary folder


_SEND_IN_FORK = threading.Event()


def _interrupt_in_fork() -> None:
    """An at-fork handler (Python code, as logging's is) that sends SIGINT to this process when asked to."""
    if _SEND_IN_FORK.is_set():
        _SEND_IN_FORK.clear()
        os.kill(os.getpid(), signal.SIGINT)
        sum(range(1000))  # Python code runs on in the handler: where the interrupt was raised, and swallowed


os.register_at_fork(after_in_parent=_interrupt_in_fork)


@pytest.mark.skipif(not hasattr(os, "fork"), reason="needs fork")
@pytest.mark.parametrize("other_thread", [False, True])
def test_an_interrupt_during_a_fork_is_raised_after_it_and_the_child_ignores_it(other_thread: bool) -> None:
    # a thread that does not block SIGINT receives it while the forking thread blocks it: Python then runs the
    # handler in the main thread, in the at-fork handler
    stop = threading.Event()
    waiting = threading.Thread(target=stop.wait)
    if other_thread:
        waiting.start()
    _SEND_IN_FORK.set()
    try:
        with pytest.raises(KeyboardInterrupt):
            pid = parallel.fork()
            if pid == 0:
                os._exit(0)
            os.waitpid(pid, 0)
    finally:
        stop.set()
        if other_thread:
            waiting.join()
    # the handler and the mask as they were, and a child that ignores SIGINT (its parent ends it)
    assert signal.getsignal(signal.SIGINT) is signal.default_int_handler
    assert signal.SIGINT not in signal.pthread_sigmask(signal.SIG_BLOCK, [])
    pid = parallel.fork()
    if pid == 0:
        os._exit(0 if _interrupt_ignored() else 1)
    assert os.waitstatus_to_exitcode(os.waitpid(pid, 0)[1]) == 0


def _interrupt_ignored() -> bool:
    """Whether this process ignores SIGINT, and does not block it."""
    return signal.getsignal(signal.SIGINT) is signal.SIG_IGN \
        and signal.SIGINT not in signal.pthread_sigmask(signal.SIG_BLOCK, [])


def test_pool_workers_ignore_an_interrupt() -> None:
    with parallel.fork_pool(2) as pool:
        assert list(pool.map(_interrupt_ignored_in_worker, range(4))) == [True] * 4


def _interrupt_ignored_in_worker(_: int) -> bool:
    return _interrupt_ignored()  # a function of the module: a pool's task is pickled by name
