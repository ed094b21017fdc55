"""The peak memory of a whole process tree (a command and every process it starts), sampled from /proc."""

from __future__ import annotations

import os
import threading
from pathlib import Path
from types import TracebackType
from typing import Self

PAGE = os.sysconf("SC_PAGE_SIZE")


def descendants(pid: int) -> list[int]:
    """`pid` and every process below it (Linux's /proc/<pid>/task/<tid>/children)."""
    found, queue = [], [pid]
    while queue:
        current = queue.pop()
        found.append(current)
        try:
            for task in Path(f"/proc/{current}/task").iterdir():
                queue.extend(int(child) for child in (task / "children").read_text().split())
        except OSError:
            continue  # it has just ended
    return found


def resident_bytes(pid: int) -> int:
    """Resident memory of one process (RSS, shared pages included); 0 once it has ended."""
    try:
        return int(Path(f"/proc/{pid}/statm").read_text().split()[1]) * PAGE
    except (OSError, IndexError):
        return 0


class PeakTreeMemory:
    """While in use, samples the summed RSS of `pid` and its descendants every `interval` seconds.

    `peak_mib` is the largest sum seen. Forked workers share pages with their parent, which the sum
    counts once per process, as `ps` and `top` do. A peak shorter than `interval` can be missed, so
    callers also take the largest single process's peak from `wait4`.
    """

    def __init__(self, pid: int, interval: float = 0.005):
        self.pid, self.interval, self.peak = pid, interval, 0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._sample, daemon=True)

    def _sample(self) -> None:
        while not self._stop.is_set():
            self.peak = max(self.peak, sum(resident_bytes(p) for p in descendants(self.pid)))
            self._stop.wait(self.interval)

    @property
    def peak_mib(self) -> float:
        return self.peak / 2**20

    def __enter__(self) -> Self:
        self._thread.start()
        return self

    def __exit__(self, kind: type[BaseException] | None, error: BaseException | None,
                 trace: TracebackType | None) -> None:
        self._stop.set()
        self._thread.join()
