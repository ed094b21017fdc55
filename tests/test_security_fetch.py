"""The kit's file fetcher and the bounded children against the twelfth security attack (issue 18, 18-verify12): a
FIFO named by a kit style sheet hung `kit` for ever (B2)."""

from __future__ import annotations

import os
import shutil
import time
from pathlib import Path

import pytest

from builder import bounded, kit

from conftest import FIXTURES

#: A kit document whose style sheet names `../media/f.woff` as a font and `../media/p.png` as a background.
FETCHING = ("<html><head><style>@font-face { font-family: X; src: url(../media/f.woff) } p { font-family: X }\n"
            "div.z { background: url(../media/p.png) no-repeat; height: 20px }</style></head>"
            "<body><div class='z'>x</div><p>y</p></body></html>\n")


def waiting() -> bytes:
    """Work that waits for ever without using processor time, as an open() of a FIFO with no writer does."""
    time.sleep(3600)
    return b""


def test_a_bounded_child_that_waits_is_killed_past_its_wall_clock_bound(monkeypatch: pytest.MonkeyPatch) -> None:
    """18-verify12 B2: a child blocked on a read uses no processor time, so RLIMIT_CPU never ends it and the parent
    waited for ever. Past `wall_seconds` (lowered here to 0.5 s) it is killed, with one line."""
    monkeypatch.setattr(bounded, "wall_seconds", lambda seconds: 0.5)
    start = time.monotonic()
    with pytest.raises(bounded.OverWallTime) as stopped:
        bounded.bounded(waiting, "Tool", 1, 2**30)
    assert time.monotonic() - start < 5
    assert str(stopped.value) == ("Tool took more than 0.5 s (wall-clock time) for it, waiting rather than working "
                                  "(for a FIFO or a device it was given to read?)")
    assert bounded.bounded(lambda: b"made", "Tool", 1, 2**30) == b"made"  # work that ends is not stopped


def test_the_kits_fetcher_never_opens_a_fifo(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """18-verify12 B2: a FIFO as a kit style sheet's font or background made WeasyPrint's child wait for a writer
    for ever. The fetcher refuses anything not a regular file before it is opened: the PDF is made without them
    (with the wall-clock bound lowered to 3 s, which the old fetcher passed)."""
    monkeypatch.setattr(bounded, "wall_seconds", lambda seconds: 3)
    record = tmp_path / "record"
    shutil.copytree(FIXTURES / "record", record)
    os.mkfifo(record / "course/media/f.woff")
    os.mkfifo(record / "course/media/p.png")
    assert kit.to_pdf(FETCHING, record, "attendance-sheet").startswith(b"%PDF")
