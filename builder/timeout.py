"""A time bound on pure-Python work that small inputs can make very slow (Python-Markdown on 20 KB of `[`).

A watchdog thread raises `TimedOut` in the working thread once its deadline passes, through
CPython's `PyThreadState_SetAsyncExc`: this works in any thread (unlike `signal.alarm`, which only
the main thread can use), and interrupts Python code between two bytecodes. One watchdog serves
every thread of a process; it looks at the deadlines every `POLL_SECONDS`, and ends once nothing
has been timed for `IDLE_SECONDS`, so a build starts it once, not once per piece of work.

Three rules keep the bound from being lost in the work it bounds (18-verify24 I1, I2):

- `TimedOut` is a BaseException, so the `except Exception` of the work (pymdownx.blocks reads a block's
  options in one) lets it through; the watchdog sends it again every `RESEND_SECONDS` for as long as the
  block runs, so one that is caught anyway does not leave the rest of the work unbounded.
- A block whose deadline passed never stands: it ends in TimedOut however it ended (returned, another
  exception, a TimedOut caught inside it), so its result is never used.
- Inside `held()` nothing is sent: code that cannot take an asynchronous exception (nh3, in Rust, calls
  back into Python and drops what its callback raises, after printing it) runs whole, and the bound is
  looked at as it ends.

Two more keep the asynchronous exception from landing where it does harm:

- An exception that was sent is always taken, never withdrawn. Withdrawing one
  (`PyThreadState_SetAsyncExc(id, NULL)`) leaves CPython 3.11's "exception pending" flag set for
  the whole interpreter, and under a trace function (coverage) every thread then spins for ever at
  its next Python call (coveragepy issue 1626). A block that ends past its deadline sends one to its own
  thread and takes it (`_take_own`): it replaces any still on its way, and arrives at once.
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
#: How long after sending TimedOut to a block still running the watchdog sends it again.
RESEND_SECONDS = 0.1
#: How long the watchdog waits for more work before it ends.
IDLE_SECONDS = 1.0


class TimedOut(BaseException):
    """The work did not finish within its time bound.

    A BaseException, as KeyboardInterrupt is, so that the `except Exception` of the work it stops does not
    catch it."""


_lock = threading.Lock()
_deadlines: dict[int, float] = {}  # thread id -> monotonic time by which its work must finish
_sent: dict[int, float] = {}  # thread id -> when TimedOut was last sent to its block (still in _deadlines)
_held: set[int] = set()  # threads in a `held()` block: sent nothing
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
                if deadline <= now and thread_id not in _held and _sent.get(thread_id, 0.0) + RESEND_SECONDS <= now:
                    _sent[thread_id] = now
                    _set_async_exc(ctypes.c_ulong(thread_id), _TIMED_OUT)
            if _deadlines:
                idle_until = now + IDLE_SECONDS
            elif now >= idle_until:
                _watchdog = None
                return
        time.sleep(POLL_SECONDS)


class time_limit:  # noqa: N801 - used like a function: `with time_limit(3.0): ...`
    """Raise TimedOut in this thread if the block runs longer than `seconds` (wall time), and as it ends if it
    ended later than that in any way (its result is not to be used).

    Blocks may be nested: an inner block ends by the outer one's deadline at the latest (its TimedOut
    then stops the inner block first, and the outer one right after).
    """

    def __init__(self, seconds: float) -> None:
        self.seconds = seconds
        self.deadline = 0.0
        self.outer: Optional[float] = None  # the deadline of the block this one is inside, if any

    def __enter__(self) -> None:
        global _watchdog
        thread_id = threading.get_ident()
        with _lock:
            self.outer = _deadlines.get(thread_id)
            deadline = time.monotonic() + self.seconds
            self.deadline = deadline if self.outer is None else min(deadline, self.outer)
            _deadlines[thread_id] = self.deadline
            if _watchdog is None:
                _watchdog = threading.Thread(target=_watch, name="coursebuild-timeout", daemon=True)
                _watchdog.start()

    def __exit__(self, kind: Optional[type[BaseException]], error: Optional[BaseException],
                 traceback: Optional[TracebackType]) -> None:
        while True:
            try:  # a TimedOut arriving anywhere in here is taken, and the block's end made again
                passed = self._end()
                break
            except TimedOut:
                pass
        if passed and not isinstance(error, TimedOut):
            raise TimedOut  # the block ended past its deadline: whatever it made is not used

    def _end(self) -> bool:
        """Remove this block's deadline (give back the outer one's), and take a TimedOut on its way if the
        deadline passed; whether it did."""
        thread_id = threading.get_ident()
        with _lock:
            _deadlines.pop(thread_id, None)
            _sent.pop(thread_id, None)
            if self.outer is not None:  # passed already: the watchdog stops the outer block next
                _deadlines[thread_id] = self.outer
        passed = time.monotonic() >= self.deadline  # the watchdog sends nothing before then
        if passed:
            _take_own()
        return passed


class held:  # noqa: N801 - used like a function: `with held(): ...`
    """Inside a `time_limit` block: send no TimedOut while this block runs, and raise it as the block ends if the
    deadline passed (before it starts, too, if it had). For work no asynchronous exception may land in, such as
    a Rust extension's calls back into Python (nh3's attribute filter: pyo3 prints what it raises, a traceback,
    and drops it); such work must be bounded otherwise (its input's size), as it runs to its end."""

    def __enter__(self) -> None:
        thread_id = threading.get_ident()
        with _lock:
            passed = _passed(thread_id)
            if not passed:
                _held.add(thread_id)
        if passed:
            _take_own()
            raise TimedOut

    def __exit__(self, kind: Optional[type[BaseException]], error: Optional[BaseException],
                 traceback: Optional[TracebackType]) -> None:
        thread_id = threading.get_ident()
        with _lock:
            _held.discard(thread_id)
        if _passed(thread_id):
            _take_own()
            raise TimedOut


def _passed(thread_id: int) -> bool:
    """Whether the deadline of the block `thread_id` runs in has passed."""
    deadline = _deadlines.get(thread_id)
    return deadline is not None and time.monotonic() >= deadline


def _take_own() -> None:
    """Send TimedOut to this thread and take it: it replaces any the watchdog sent that is still on its way, and
    arrives at the next bytecode that looks for one (the loop's first jump back), as only this thread could take
    it before then (CPython looks at a thread's own pending exception, whoever asked it to look)."""
    try:
        _set_async_exc(ctypes.c_ulong(threading.get_ident()), _TIMED_OUT)
        while True:
            pass
    except TimedOut:
        pass


def _forget_after_fork() -> None:
    """In a forked child: the watchdog thread did not come along, and its lock may have been held."""
    global _lock, _watchdog
    _lock, _watchdog = threading.Lock(), None
    _deadlines.clear()
    _sent.clear()
    _held.clear()


os.register_at_fork(after_in_child=_forget_after_fork)
