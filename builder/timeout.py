"""A time bound on pure-Python work that small inputs can make very slow (Python-Markdown on 20 KB of `[`).

A watchdog thread raises `TimedOut` in the working thread once its deadline passes, through
CPython's `PyThreadState_SetAsyncExc`: this works in any thread (unlike `signal.alarm`, which only
the main thread can use), and interrupts Python code between two bytecodes. One watchdog serves
every thread of a process; it looks at the deadlines every `POLL_SECONDS`, and ends once nothing
has been timed for `IDLE_SECONDS`, so a build starts it once, not once per piece of work.

Two rules keep the asynchronous exception from landing where it does harm:

- An exception that was sent is always taken, never withdrawn. Withdrawing one
  (`PyThreadState_SetAsyncExc(id, NULL)`) leaves CPython 3.11's "exception pending" flag set for
  the whole interpreter, and under a trace function (coverage) every thread then spins for ever at
  its next Python call (coveragepy issue 1626). A block that ends after its exception was sent, but
  before it arrived, runs a few bytecodes to take it.
- The watchdog sends only while it holds `_lock`, a plain C lock, and runs no Python function while
  holding it; a block removes its deadline under the same lock, after which nothing is sent to it.
"""

from __future__ import annotations

import ctypes
import os
import threading
import time
from types import TracebackType
from typing import Optional

#: How often the watchdog looks at the deadlines: a block runs at most this much past its bound.
POLL_SECONDS = 0.02
#: How long the watchdog waits for more work before it ends.
IDLE_SECONDS = 1.0


class TimedOut(Exception):
    """The work did not finish within its time bound."""


_lock = threading.Lock()
_deadlines: dict[int, float] = {}  # thread id -> monotonic time by which its work must finish
_sent: set[int] = set()  # threads sent TimedOut for their latest block (no longer in _deadlines)
_watchdog: Optional[threading.Thread] = None
_set_async_exc = ctypes.pythonapi.PyThreadState_SetAsyncExc
_TIMED_OUT = ctypes.py_object(TimedOut)


def _watch() -> None:
    global _watchdog
    idle_until = time.monotonic() + IDLE_SECONDS
    while True:
        with _lock:  # only C functions in here (see the module's docstring)
            now = time.monotonic()
            for thread_id, deadline in list(_deadlines.items()):
                if deadline <= now:
                    del _deadlines[thread_id]
                    _sent.add(thread_id)
                    _set_async_exc(ctypes.c_ulong(thread_id), _TIMED_OUT)
            if _deadlines:
                idle_until = now + IDLE_SECONDS
            elif now >= idle_until:
                _watchdog = None
                return
        time.sleep(POLL_SECONDS)


class time_limit:  # noqa: N801 - used like a function: `with time_limit(3.0): ...`
    """Raise TimedOut in this thread if the block runs longer than `seconds` (wall time).

    Blocks may be nested: an inner block ends by the outer one's deadline at the latest (its TimedOut
    then stops the inner block first, and the outer one right after).
    """

    def __init__(self, seconds: float) -> None:
        self.seconds = seconds
        self.outer: Optional[float] = None  # the deadline of the block this one is inside, if any

    def __enter__(self) -> None:
        global _watchdog
        thread_id = threading.get_ident()
        with _lock:
            _sent.discard(thread_id)
            self.outer = _deadlines.get(thread_id)
            deadline = time.monotonic() + self.seconds
            _deadlines[thread_id] = deadline if self.outer is None else min(deadline, self.outer)
            if _watchdog is None:
                _watchdog = threading.Thread(target=_watch, name="coursebuild-timeout", daemon=True)
                _watchdog.start()

    def __exit__(self, kind: Optional[type[BaseException]], error: Optional[BaseException],
                 traceback: Optional[TracebackType]) -> None:
        thread_id = threading.get_ident()
        arrived = isinstance(error, TimedOut)
        while True:
            try:
                with _lock:
                    _deadlines.pop(thread_id, None)
                    sent = thread_id in _sent
                    _sent.discard(thread_id)
                    if self.outer is not None:  # passed already: the watchdog stops the outer block next
                        _deadlines[thread_id] = self.outer
                if sent and not arrived:
                    _take_pending()
                return
            except TimedOut:  # it arrived here, after the block's work was done: the work stands
                arrived = True


def _take_pending() -> None:
    """Run bytecodes until a TimedOut sent to this thread arrives (it does at the first backward jump)."""
    try:
        for _ in range(1000):
            pass
    except TimedOut:
        pass


def _forget_after_fork() -> None:
    """In a forked child: the watchdog thread did not come along, and its lock may have been held."""
    global _lock, _watchdog
    _lock, _watchdog = threading.Lock(), None
    _deadlines.clear()
    _sent.clear()


os.register_at_fork(after_in_child=_forget_after_fork)
