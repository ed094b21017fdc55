"""Work shared between processes, for large projects only (a pool costs more than it saves on a small one)."""

from __future__ import annotations

import os
from typing import Any, Callable, Optional

#: Projects with at least this many files (or pages) are read and rendered by a pool of processes.
PARALLEL_FILES = 200


def pool_size(jobs: int) -> int:
    """How many worker processes to use for `jobs` tasks: 0 means do them in this process."""
    workers = min(os.cpu_count() or 1, 4)
    return workers if jobs >= PARALLEL_FILES and workers >= 2 else 0


def fork_pool(workers: int, initializer: Optional[Callable[..., None]] = None, initargs: tuple[Any, ...] = ()) -> Any:
    """A process pool whose workers start as copies of this process (so nothing big is pickled to them)."""
    import multiprocessing  # imported here: small builds, the common case, never need it
    from concurrent.futures import ProcessPoolExecutor

    return ProcessPoolExecutor(workers, mp_context=multiprocessing.get_context("fork"),
                               initializer=initializer, initargs=initargs)


def chunk_size(jobs: int, workers: int) -> int:
    """Tasks per hand-over: eight per worker, so that workers finishing early take more."""
    return max(1, jobs // (workers * 8))
