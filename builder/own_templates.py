"""All the work one command does with a project's own templates, in a bounded child process.

Jinja2's sandbox and the counts in `builder/theme.py` bound what they can see (loop steps, the bytes a rendering
makes, the bits of a number made by `*`), but a template's single operator can still ask for hours or gigabytes
(`==` of two lists that share themselves, the hash of tuples nested 170,000 deep, which crashed CPython; `//` of
numbers of a million digits; a template that includes itself twice at every level; compiling a 2 MB template), and
nothing added up the time of all the renderings of one command. So, for a project with templates of its own
(`theme.overrides_templates`), each command compiles and renders them — the site and its launch files, the reports,
the kit's documents, everything `check` renders — inside a forked child (`builder/bounded.py`) limited to
MAX_TEMPLATE_SECONDS of processor time (more for many pages) and MAX_TEMPLATE_MEMORY of address space; a command
that needs two (`check` and `build` also render the kit's documents for their figures) shares the time between them.
What a child made comes back as data (a JSON header and the bytes it lists, each written and read on its own; never
a pickle), and a bound it passed, a crash or running out of memory is one line naming the template it was compiling
or rendering then (`bounded.note`).
A project without templates of its own starts no child: its work is done in this process, as before.
"""

from __future__ import annotations

import json
import math
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable

from builder import bounded, cache
from builder.active_content import HTML_TYPES, SVG_TYPES
from builder.errors import CoursebuildError, CourseInvalid, Problem, Severity
from builder.media import OnDisk, Packaged, whole
from builder.sources import source_listing
from builder.theme import TemplateProblem, overrides_templates

#: The most processor time, in seconds, all the work with a project's own templates may take in one command (every
#: template compiled, every page, report and kit document rendered, with the Markdown of what they show), whatever
#: each rendering's own bounds. This course, with every built-in template copied into its `templates/`, takes the
#: child under 0.7 s in `check` and 0.15 s in `build` (measured at load 8 to 10 on 2 cores); the child renders the
#: pages in its one process (`parallel.pool_size`: no pool of workers, whose time would escape the bound).
MAX_TEMPLATE_SECONDS = 30
#: More processor time for each page of the course, in seconds (`seconds_for`): 1,000 generated pages (`bench/run.py`)
#: with every built-in template copied took the child 5.8 s to build (5.8 ms a page, Markdown included), so a course
#: of 5,000 pages, which builds in seconds, is allowed 280 s, not 30.
MAX_TEMPLATE_SECONDS_A_PAGE = 0.05
#: The most address space, in bytes, that work may take beyond what `coursebuild` has mapped, and beyond twice the
#: files the site holds whole (`memory_bound`: the SVG, XML and HTML files its pages show, read and handed back).
MAX_TEMPLATE_MEMORY = 2 * 1024 ** 3
#: The fix said when the child passes a bound.
FIX = "make your templates do less work, or delete your copies to use the built-in ones"


#: The processor time (s) `run`'s children took so far in this build (forgotten when the next starts:
#: `cache.start_build`): a command whose work with templates takes more than one child (`check` and `build` render
#: the kit's documents for their figures, `kit.drawing_problems`, besides their own) shares one total among them.
_SPENT: cache.BuildStore[str, float] = cache.BuildStore()


@dataclass
class Made:
    """What work with templates made: named groups of files (name -> bytes, or `media.OnDisk`: a file packaged as it
    is, handed back by where it is, never read in the child), and problems found."""

    groups: dict[str, dict[str, Packaged]] = field(default_factory=dict)
    problems: list[Problem] = field(default_factory=list)


class ChildReported(CoursebuildError):
    """A CoursebuildError the child raised, as it would have been shown: its lines and exit code."""

    def __init__(self, lines: list[str], exit_code: int):
        super().__init__("\n".join(lines))
        self.shown, self.exit_code = lines, exit_code

    def lines(self) -> list[str]:
        return self.shown


def seconds_for(pages: int) -> int:
    """The processor time (s) the child may take for a course of `pages` pages (0 where no course is known)."""
    return MAX_TEMPLATE_SECONDS + math.ceil(pages * MAX_TEMPLATE_SECONDS_A_PAGE)


def run(project: Path, work: Callable[[], Made], pages: int = 0) -> Made:
    """`work()`: in this process when `project` has no templates of its own (`theme.overrides_templates`) or this
    process is a bounded child already; else in one bounded child (see the module's docstring).

    Raises what `work` raised (a TemplateProblem, a CourseInvalid with its problems, another CoursebuildError as its
    lines and exit code: ChildReported), or a TemplateProblem line at the template the child was working on if it
    passed its processor time (what is left in this build of `seconds_for(pages)`, `pages` the course's pages: a
    child killed at its bound of wall-clock time, `bounded.wall_seconds`, leaves none, as `bounded.Allowance` says) or
    its memory (`memory_bound`), crashed or failed otherwise."""
    if bounded.in_child() or not overrides_templates(project):
        return work()
    total, memory = seconds_for(pages), memory_bound(project)
    allowance = bounded.Allowance(total - (_SPENT.get("children") or 0.0), total)
    try:  # what is left of the total, 1 s at least; all of it spent by a child killed at its wall-clock bound
        reply = allowance.run(lambda seconds: bounded.bounded_pieces(
            lambda: _encoded(work), "rendering the project's templates", seconds, memory))
    except bounded.ChildFailed as failure:
        raise TemplateProblem(_failure_line(failure, total, memory)) from None
    finally:
        _SPENT.put("children", total - allowance.left)
    return _decoded(reply)


def memory_bound(project: Path) -> int:
    """The address space (bytes) the child may take beyond what `coursebuild` has mapped: MAX_TEMPLATE_MEMORY, and
    twice the bytes of the files of course/ and quizzes/ the child may hold whole (`media.packaged_file`: the SVG,
    XML and HTML files its pages show, cleaned of script, read and handed back). Every other file it packages, media
    or static, it hashes in pieces and hands back by where it is (`media.OnDisk`), so they take it no memory: a course
    of large videos or static files builds with templates of its own as without, and `check`, whose child renders
    the same site, says so. Those files' total is bounded by `media.MAX_PACKAGED_BYTES`, checked before any is read;
    the static files were held here, and counted (twice their bytes), so 260 of 16 MB passed the address space the
    command had and were blamed on a template (18-verify21 D7)."""
    held = 0
    for path in (project / name for name in source_listing(project)[0]):  # bounded: sources.MAX_SOURCE_ENTRIES
        try:
            held += path.stat().st_size if path.suffix.lower() in SVG_TYPES | HTML_TYPES and path.is_file() else 0
        except OSError:  # a link to nothing: validation reports it
            pass
    return MAX_TEMPLATE_MEMORY + 2 * held


def _failure_line(failure: bounded.ChildFailed, seconds: int, memory: int) -> str:
    """The one line for a child that passed a bound or failed, at the template it was working on."""
    doing, _, name = failure.at.partition(" ")
    where = f"templates/{name}:1" if name else "templates:1"
    if isinstance(failure, bounded.OverTime):
        what = (f"the project's templates took more than {seconds} s of processor time in all, compiling and "
                "rendering (`own_templates.MAX_TEMPLATE_SECONDS`, and more for a course of many pages)")
    elif isinstance(failure, bounded.OverWallTime):  # on a busy machine: a template cannot read a FIFO
        what = (f"the project's templates took more than {bounded.wall_seconds(seconds):g} s "
                "(wall-clock time) in all, compiling and rendering")
    elif isinstance(failure, bounded.WorkFailed):
        what = str(failure)
    elif isinstance(failure, bounded.Killed):  # SIGSEGV: CPython's C recursion (the hash of nested tuples)
        what = (f"the project's templates crashed (signal {failure.signal}): they make values nested too deeply, "
                f"or need more than {memory // 1024 ** 2:,} MB of memory")
    else:  # a MemoryError
        what = (f"the project's templates need more than {memory // 1024 ** 2:,} MB of memory "
                "(`own_templates.MAX_TEMPLATE_MEMORY`)")
    during = f", stopped while {doing} this template" if name else ""
    return f"{where}: template error: {what}{during} ({FIX})"


def _encoded(work: Callable[[], Made]) -> list[bytes]:
    """In the child: `work()`'s result, or the CoursebuildError it raised, as a JSON header and the bytes of the files
    it lists, in order, each a piece of the reply (`bounded.bounded_pieces`: never joined into one)."""
    header: dict[str, object]
    blobs: list[bytes] = []
    try:
        made = work()
    except CoursebuildError as error:
        kind = ("TemplateProblem" if isinstance(error, TemplateProblem) else
                "CourseInvalid" if isinstance(error, CourseInvalid) else "")
        problems = error.problems if isinstance(error, CourseInvalid) else []
        header = {"error": {"kind": kind, "text": str(error), "lines": error.lines(), "exit_code": error.exit_code,
                            "problems": [_problem_data(problem) for problem in problems]}}
    else:
        # each file its name, and an OnDisk file where it is (`dataclasses.astuple`); the bytes of the others follow
        listed = {group: [[name, *((data.shown, data.real, data.size, data.digest) if isinstance(data, OnDisk) else ())]
                          for name, data in files.items()] for group, files in made.groups.items()}
        blobs = [data for files in made.groups.values() for data in files.values() if isinstance(data, bytes)]
        header = {"groups": listed, "problems": [_problem_data(problem) for problem in made.problems]}
    bounded.note("")  # no template is to blame for what follows
    return [json.dumps(header, ensure_ascii=True).encode("ascii"), *blobs]


def _decoded(reply: list[bytes]) -> Made:
    """The child's reply (`_encoded`) as what `work` made, or the error it raised raised again."""
    header, blobs = json.loads(reply[0]), iter(reply[1:])
    error = header.get("error")
    if error is not None:
        if error["kind"] == "TemplateProblem":
            raise TemplateProblem(error["text"])
        if error["kind"] == "CourseInvalid":
            raise CourseInvalid([_problem(data) for data in error["problems"]])
        raise ChildReported(error["lines"], error["exit_code"])
    made = Made(problems=[_problem(data) for data in header["problems"]])
    for group, names in header["groups"].items():
        made.groups[group] = {name: OnDisk(*on_disk) if on_disk else next(blobs) for name, *on_disk in names}
    return made


def _problem_data(problem: Problem) -> list[object]:
    return [problem.path, problem.line, problem.message, problem.fix, problem.severity.value]


def _problem(data: list[object]) -> Problem:
    path, line, message, fix, severity = data
    return Problem(str(path), int(str(line)), str(message), str(fix), Severity(severity))


def decoded_text(data: Packaged) -> str:
    """A text a template rendered, as `Made` carries it (UTF-8, lone surrogates kept)."""
    return whole(data).decode("utf-8", "surrogatepass")


def encoded_text(rendered: str) -> bytes:
    """A text a template rendered, for `Made` (see `decoded_text`)."""
    return rendered.encode("utf-8", "surrogatepass")

