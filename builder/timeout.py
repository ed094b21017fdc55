"""A time bound on pure-Python work that small inputs can make very slow (Python-Markdown on 20 KB of `[`).

A watchdog thread raises `TimedOut` in the working thread once its deadline passes, through
CPython's `PyThreadState_SetAsyncExc`: this works in any thread (unlike `signal.alarm`, which only
the main thread can use), and interrupts Python code between two bytecodes. One watchdog serves
every thread of a process, and exists only while some work is being timed.
"""

from __future__ import annotations

import contextlib
import ctypes
import os
import threading
import time
from typing import Iterator, Optional


class TimedOut(Exception):
    """The work did not finish within its time bound."""


_lock = threading.Condition()
_deadlines: dict[int, float] = {}  # thread id -> monotonic time by which its work must finish
_fired: set[int] = set()  # threads sent TimedOut that may not have raised it yet
_watchdog: Optional[threading.Thread] = None


def _raise_in(thread_id: int, exception: Optional[type[BaseException]]) -> None:
    """Make `thread_id` raise `exception` at its next bytecode (None: forget one asked for and not yet raised)."""
    ctypes.pythonapi.PyThreadState_SetAsyncExc(ctypes.c_ulong(thread_id),
                                               ctypes.py_object(exception) if exception else None)


def _watch() -> None:
    global _watchdog
    with _lock:
        while _deadlines:
            now = time.monotonic()
            for thread_id, deadline in list(_deadlines.items()):
                if deadline <= now and thread_id not in _fired:
                    _fired.add(thread_id)
                    _raise_in(thread_id, TimedOut)
            pending = [d for t, d in _deadlines.items() if t not in _fired]
            _lock.wait(max(0.01, min(pending) - now) if pending else 0.05)
        _watchdog = None


@contextlib.contextmanager
def time_limit(seconds: float) -> Iterator[None]:
    """Raise TimedOut in this thread if the block runs longer than `seconds` (wall time)."""
    global _watchdog
    thread_id = threading.get_ident()
    with _lock:
        _fired.discard(thread_id)
        _deadlines[thread_id] = time.monotonic() + seconds
        if _watchdog is None:
            _watchdog = threading.Thread(target=_watch, name="coursebuild-timeout", daemon=True)
            _watchdog.start()
        _lock.notify()
    try:
        yield
    finally:
        with _lock:
            _deadlines.pop(thread_id, None)
            if thread_id in _fired:  # sent, and perhaps not raised yet: it must not escape this block
                _fired.discard(thread_id)
                _raise_in(thread_id, None)
            _lock.notify()


def _forget_after_fork() -> None:
    """In a forked child: the watchdog thread did not come along, and its lock may have been held."""
    global _lock, _watchdog
    _lock, _watchdog = threading.Condition(), None
    _deadlines.clear()
    _fired.clear()


os.register_at_fork(after_in_child=_forget_after_fork)
