"""The processor time one project's media may take to analyse, in all: the drawing-time estimates of its SVG figures
(`media.svg_drawing`) and the scans of its SVG, XML and HTML files for script (`active_content`).

Each file is bounded on its own (16 MB, `active_content.MAX_MARKUP_ELEMENTS` elements, the estimate's 2 s), but not
their number: twenty SVG files of 15.6 MB (a 615 KB `.tar.gz`) kept `check` busy past 60 s (18-verify8 X1). As
`markup.PROJECT_MARKDOWN_TOTAL_SECONDS` bounds the project's Markdown, PROJECT_MEDIA_SECONDS bounds this: once spent,
no file more is analysed, and the first file refused for it gets one error (`refusal`, `first_report`); the build
fails, so nothing unanalysed is packaged.
"""

from __future__ import annotations

import contextlib
import time
from typing import Iterator

#: The most processor time (s, of the thread that builds) reading and analysing a project's SVG, XML and HTML media
#: may take in one build or check: 200 figures of 100 shapes (9 KB) took 1.3 s of it, 300 of 300 shapes (34 KB)
#: 6.9 s (read, estimated, parsed and scanned; at load 3.5 on 2 cores); a 15.6 MB SVG of two long paths about 0.4 s,
#: a 15.6 MB HTML file of too many elements about 1 s. This course has no media files.
PROJECT_MEDIA_SECONDS = 20.0
#: What a file not analysed for want of PROJECT_MEDIA_SECONDS is refused with (`refusal`).
OVER_TIME = (f"the project's media take more than {PROJECT_MEDIA_SECONDS:g} s of processor time to check in all "
             "(SVG drawing estimates, and the search for script in SVG, XML and HTML files), which ran out at this "
             "file: it and those after it were not checked")
_FIX = ("use fewer or smaller SVG and HTML files (300 figures of 300 shapes take about 7 s), or PNG pictures instead")


class _Left:
    """What is left of PROJECT_MEDIA_SECONDS for the project being built, and whether its refusal was reported."""

    seconds = PROJECT_MEDIA_SECONDS
    reported = False
    #: How many `charged` blocks are open: only the outermost takes its time off (they nest).
    depth = 0


def new_project() -> None:
    """Give the project about to be checked its own PROJECT_MEDIA_SECONDS (a preview rebuilds in one process)."""
    _Left.seconds, _Left.reported = PROJECT_MEDIA_SECONDS, False


@contextlib.contextmanager
def charged() -> Iterator[None]:
    """Take the processor time of the work done inside off the project's PROJECT_MEDIA_SECONDS (once, however such
    blocks nest: reading a file and the analyses that parse it)."""
    start = time.thread_time()
    _Left.depth += 1
    try:
        yield
    finally:
        _Left.depth -= 1
        if not _Left.depth:
            _Left.seconds -= time.thread_time() - start


def refusal() -> tuple[int, str, str] | None:
    """(line 1, what is wrong, how to fix it) if the project's PROJECT_MEDIA_SECONDS are spent, else None: the file
    about to be analysed is refused with it, wherever it is asked for (check, slides, kit)."""
    return (1, OVER_TIME, _FIX) if _Left.seconds <= 0 else None


def first_report() -> bool:
    """Whether the refusal has not been reported yet in this project (true once): one error for the project."""
    first, _Left.reported = not _Left.reported, True
    return first
