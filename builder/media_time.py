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

#: The most processor time (s, of the thread that builds) analysing a project's media may take in one build or
#: check. The fixture course's figure (a 300-shape diagram, 60 KB) takes about 15 ms to estimate and scan, so a course
#: of 300 such figures about 5 s; a 15.6 MB SVG of two long paths about 0.4 s, a 15.6 MB HTML file about 1.5 s.
PROJECT_MEDIA_SECONDS = 30.0
#: What a file not analysed for want of PROJECT_MEDIA_SECONDS is refused with (`refusal`).
OVER_TIME = (f"the project's media take more than {PROJECT_MEDIA_SECONDS:g} s of processor time to check in all "
             "(SVG drawing estimates, and the search for script in SVG, XML and HTML files), which ran out at this "
             "file: it and those after it were not checked")
_FIX = ("use fewer or smaller SVG and HTML files (a course of 300 ordinary figures takes about 5 s), or PNG pictures "
        "instead")


class _Left:
    """What is left of PROJECT_MEDIA_SECONDS for the project being built, and whether its refusal was reported."""

    seconds = PROJECT_MEDIA_SECONDS
    reported = False


def new_project() -> None:
    """Give the project about to be checked its own PROJECT_MEDIA_SECONDS (a preview rebuilds in one process)."""
    _Left.seconds, _Left.reported = PROJECT_MEDIA_SECONDS, False


@contextlib.contextmanager
def charged() -> Iterator[None]:
    """Take the processor time of the work done inside off the project's PROJECT_MEDIA_SECONDS."""
    start = time.thread_time()
    try:
        yield
    finally:
        _Left.seconds -= time.thread_time() - start


def refusal() -> tuple[int, str, str] | None:
    """(line 1, what is wrong, how to fix it) if the project's PROJECT_MEDIA_SECONDS are spent, else None: the file
    about to be analysed is refused with it, wherever it is asked for (check, slides, kit)."""
    return (1, OVER_TIME, _FIX) if _Left.seconds <= 0 else None


def first_report() -> bool:
    """Whether the refusal has not been reported yet in this project (true once): one error for the project."""
    first, _Left.reported = not _Left.reported, True
    return first
