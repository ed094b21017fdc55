"""The processor time one project's media may take to analyse, in all: the drawing-time estimates of its SVG figures
(`media.svg_drawing`) and the scans of its SVG, XML and HTML files for script (`active_content`).

Each file is bounded on its own (16 MB, `active_content.MAX_MARKUP_ELEMENTS` elements, the estimate's 2 s), but not
their number: twenty SVG files of 15.6 MB (a 615 KB `.tar.gz`) kept `check` busy past 60 s (18-verify8 X1). As
`markup.PROJECT_MARKDOWN_TOTAL_SECONDS` bounds the project's Markdown, PROJECT_MEDIA_SECONDS bounds this: once spent,
no file more is analysed, and the first file refused for it gets one error (`refusal`, `first_report`); the build
fails, so nothing unanalysed is packaged.

Each file's parse and analysis runs in a forked child bounded by MAX_FILE_SECONDS (capped at what is left of
PROJECT_MEDIA_SECONDS) and MAX_FILE_MEMORY (`analysed`): libxml2's and tinyhtml5's time grows faster than the square
of one tag's attributes, and cssselect2's with the combinators of a selector, and none of them can be stopped once
begun; the quick scans before them (`active_content.crowded_tag`, `media.selector_matcher`) refuse the forms known,
and this bounds any they miss (issue 18, tenth verification, Z1). Only a project with such files pays for the fork.
"""

from __future__ import annotations

import contextlib
import math
import threading
import time
from typing import Callable, Iterator

from builder.bounded import ChildFailed, OverTime, bounded, children_seconds

#: The most processor time (s, of the thread that builds) reading and analysing a project's SVG, XML and HTML media
#: may take in one build or check: 200 figures of 100 shapes (9 KB) took 1.3 s of it, 300 of 300 shapes (34 KB)
#: 6.9 s (read, estimated, parsed and scanned; at load 3.5 on 2 cores); a 15.6 MB SVG of two long paths about 0.4 s,
#: a 15.6 MB HTML file of too many elements about 1 s. This course has no media files. With each file analysed in a
#: child of its own (`analysed`), whose start and end count too, 300 figures of 300 shapes took 7.0 to 7.4 s of it
#: (4.3 to 5.0 s in this process; at load 3 on 2 cores).
PROJECT_MEDIA_SECONDS = 20.0
#: The most pixels of the project's PNG and JPEG pictures decoded in one build or check to find those a browser could
#: not show though their header reads (`media.undecodable`; 18-verify22 F6): Pillow took 0.5 s of processor time to
#: decode a PNG of 40 megapixels of noise (`media.MAX_PICTURE_PIXELS`), 0.6 s a JPEG, 60 ms a PNG of 2 megapixels.
#: 200 million is 100 pictures of 2 megapixels, or five of 40 (about 3 s, which `check` counts towards
#: PROJECT_MEDIA_SECONDS too). Past it no picture more is decoded (nor warned of), in the order they are checked; one
#: decoded in this process before (by `preview`'s last build, or by `check` before `build`'s packages) is not decoded
#: again and counts nothing.
PROJECT_DECODED_PIXELS = 200_000_000
#: How what a file not analysed for want of PROJECT_MEDIA_SECONDS is refused with starts (`refusal`, `over_time`).
OVER_TIME = (f"the project's media take more than {PROJECT_MEDIA_SECONDS:g} s of processor time to check in all "
             "(SVG drawing estimates, and the search for script in SVG, XML and HTML files)")
#: How such a file is fixed. Each file analysed costs its child's start and end however small it is, 60% of it system
#: time: 3,000 linked figures of 117 bytes ran out at the 1,669th, two children each (18-verify12 B7); with one child
#: each (the drawing estimate's searches for script too), at the 2,216th, 22.2 s of processor time, 10 ms each (at
#: load 6 to 9 on 2 cores).
_FIX = ("use fewer, larger SVG and HTML files (each is analysed in a process of its own, about 10 ms however small; "
        "300 figures of 300 shapes take about 7 s), or PNG pictures instead")


#: The most processor time (s, whole seconds: `setrlimit`'s unit) the parse and analysis of one file may take in its
#: child (`analysed`), at most what is left of PROJECT_MEDIA_SECONDS: a 15.6 MB HTML file of too many elements
#: is refused in about 1 s, a figure at MAX_SVG_ELEMENTS is estimated in about 2.5 s.
MAX_FILE_SECONDS = 10
#: The most memory (bytes of address space more than the process that checks has) one file's analysis may take: the
#: tree of 16 MB of HTML at MAX_MARKUP_ELEMENTS elements takes libxml2 about 100 MB.
MAX_FILE_MEMORY = 1024 ** 3
#: How what `Overran` says starts (`overran`).
ANALYSING = "analysing this file"
#: How an analysis that passed a bound is fixed (`Overran`).
OVERRAN_FIX = ("make the file smaller or simpler: fewer elements, fewer attributes on each, simpler style rules; "
               "or offer it as a PDF or a PNG picture")


class Overran(Exception):
    """A file's analysis (`analysed`) passed MAX_FILE_SECONDS, MAX_FILE_MEMORY, or failed in its child: `reason`
    says how ("took more than 10 s of processor time"), `what` is the line reported at the file, with OVERRAN_FIX
    ("analysing this file took more than 10 s of processor time")."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason, self.what = reason, f"{ANALYSING} {reason}"


class _Left:
    """What is left of PROJECT_MEDIA_SECONDS for the project being built, and whether its refusal was reported."""

    seconds = PROJECT_MEDIA_SECONDS
    reported = False
    analyses = 0  # files analysed in a child (`analysed`)
    pixels = PROJECT_DECODED_PIXELS  # what is left of it


#: How many `charged` blocks are open in each thread (`depth`): only the outermost takes its time off (they nest). Per
#: thread, so that a block another thread holds open (the preview serves and rebuilds in threads) never keeps this
#: thread's time from being taken off.
_open = threading.local()


def new_project() -> None:
    """Give the project about to be checked its own PROJECT_MEDIA_SECONDS and PROJECT_DECODED_PIXELS (a preview rebuilds
    in one process)."""
    _Left.seconds, _Left.reported, _Left.analyses = PROJECT_MEDIA_SECONDS, False, 0
    _Left.pixels = PROJECT_DECODED_PIXELS


def decodes(pixels: int) -> bool:
    """Whether a picture of `pixels` may be decoded within what is left of the project's PROJECT_DECODED_PIXELS; if
    so, they are taken off."""
    if pixels > _Left.pixels:
        return False
    _Left.pixels -= pixels
    return True


@contextlib.contextmanager
def charged() -> Iterator[None]:
    """Take the processor time of the work done inside off the project's PROJECT_MEDIA_SECONDS (once, however such
    blocks nest: reading a file and the analyses that parse it), the time of the children it waited for
    (`analysed`) too."""
    start = time.thread_time() + children_seconds()
    depth = getattr(_open, "depth", 0)
    _open.depth = depth + 1
    try:
        yield
    finally:
        _open.depth = depth
        if not depth:
            _Left.seconds -= time.thread_time() + children_seconds() - start


def analysed(work: Callable[[], bytes], tool: str) -> bytes:
    """`work()`, the parse and analysis of one project file by `tool` (a library's name) returning its result as
    data (JSON, never a pickle), in a forked child limited to MAX_FILE_SECONDS of processor time, or to what is left
    of PROJECT_MEDIA_SECONDS if less (1 s at least), and to MAX_FILE_MEMORY; its time is taken off the project's
    (`charged`). In this process where there is no fork (`bounded.bounded`).

    Raises Overran, saying what happened, if it passed a bound or failed."""
    seconds = max(1, min(MAX_FILE_SECONDS, math.ceil(_Left.seconds)))
    _Left.analyses += 1
    with charged():
        try:
            return bounded(work, tool, seconds, MAX_FILE_MEMORY)
        except OverTime:
            raise Overran(f"took more than {seconds} s of processor time") from None
        except ChildFailed as failure:
            raise Overran(f"failed: {failure}") from None


def overran(what: str) -> bool:
    """Whether `what`, a problem's text, is what `Overran` says."""
    return what.startswith(ANALYSING)


def refusal() -> tuple[int, str, str] | None:
    """(line 1, what is wrong, how to fix it) if the project's PROJECT_MEDIA_SECONDS are spent, else None: the file
    about to be analysed is refused with it, wherever it is asked for (check, slides, kit). What is wrong starts with
    OVER_TIME and says how many files were analysed before (`over_time`)."""
    if _Left.seconds > 0:
        return None
    return (1, f"{OVER_TIME}, which ran out at this file, with {_Left.analyses:,} analysed before it: it and those "
               "after it were not checked", _FIX)


def over_time(what: str) -> bool:
    """Whether `what`, a problem's text, is what `refusal` says."""
    return what.startswith(OVER_TIME)


def first_report() -> bool:
    """Whether the refusal has not been reported yet in this project (true once): one error for the project."""
    first, _Left.reported = not _Left.reported, True
    return first
