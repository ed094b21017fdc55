"""Problems found in a course project, and the exception that carries them."""

from __future__ import annotations

import enum
import re
import unicodedata
from dataclasses import dataclass
from typing import Iterable


class Severity(enum.Enum):
    """How serious a problem is: errors stop the build, warnings do not (unless strict)."""

    ERROR = "error"
    WARNING = "warning"


@dataclass(frozen=True, order=True)
class Problem:
    """One thing wrong with the authored course, pinned to a file and line."""

    path: str
    line: int
    message: str
    fix: str = ""
    severity: Severity = Severity.ERROR
    #: further problems of the same file this one stands for, counted but not described (a file of a million
    #: mistakes): its line ends "and N more after it", and `summarise` counts them
    more: int = 0

    def __str__(self) -> str:
        label = "warning: " if self.severity is Severity.WARNING else ""
        more = f", and {self.more:,} more after it" if self.more else ""
        fix = f" ({_cut(self.fix)})" if self.fix else ""
        return printable(f"{self.path}:{self.line}: {label}{_cut(self.message)}{more}{fix}")

    @property
    def is_error(self) -> bool:
        return self.severity is Severity.ERROR


#: The most characters a problem line shows of one quoted text (between backquotes: a value, a key, a link as
#: written), the rest cut to `…`: a value quoted whole made a page's 1 MB `id` a 1 MB line (18-verify20 C6). As long
#: as a one-line field may be (`model.MAX_LINE_CHARS`), so that a file's path or URL, which the author needs whole to
#: find it, is shown whole. Applied to the message and the fix apart, so a backquote inside a value cannot pair one
#: of each.
MAX_QUOTED_CHARS = 300
_QUOTED = re.compile("`([^`]*)`")


def _cut(text: str) -> str:
    """`text` with each quoted text of more than MAX_QUOTED_CHARS characters cut to its first ones and `…`. Every
    quoted text is matched, short ones too, so that the backquotes pair in order: the text between two short ones
    is not read as a third."""
    return _QUOTED.sub(lambda match: (match.group() if len(match.group(1)) <= MAX_QUOTED_CHARS
                                      else f"`{match.group(1)[:MAX_QUOTED_CHARS]}…`"), text)


#: Characters that would break a problem's one line, move a terminal's cursor or reorder what it shows: C0
#: and C1 controls and DEL (Unicode category Cc), format characters such as the bidirectional overrides and
#: isolates U+202A-U+202E, U+2066-U+2069 and U+061C (Cf), and the line and paragraph separators (Zl, Zp).
#: A file name or value quoted in a line shows them escaped.
_UNSHOWN = frozenset({"Cc", "Cf", "Zl", "Zp"})
_NOT_PLAIN = re.compile("[^\x20-\x7e]")


def printable(line: str) -> str:
    """`line` with each control or format character written as Python writes it in a string (`\\r`, `\\u202e`)."""
    return _NOT_PLAIN.sub(lambda match: (repr(match.group())[1:-1] if unicodedata.category(match.group()) in _UNSHOWN
                                         else match.group()), line)


def summarise(problems: Iterable[Problem], strict: bool = False) -> str:
    """Return a count such as '3 errors, 1 warning', each problem counted with the `more` it stands for; with
    `strict` and no errors, '2 warnings, which --strict treats as errors' ("0 errors" would contradict the refusal)."""
    problems = list(problems)
    errors = _counted(problem for problem in problems if problem.is_error)
    warnings = _counted(problems) - errors
    if strict and not errors:
        return f"{warnings:,} warning{'s' if warnings != 1 else ''}, which --strict treats as errors"
    parts = [f"{errors:,} error{'s' if errors != 1 else ''}"]
    if warnings:
        parts.append(f"{warnings:,} warning{'s' if warnings != 1 else ''}")
    return ", ".join(parts)


def _counted(problems: Iterable[Problem]) -> int:
    """How many problems `problems` stand for, each with its `more`."""
    return sum(1 + problem.more for problem in problems)


#: Exit codes of the `coursebuild` command (click uses 2 for a mistake in the command line).
EXIT_INVALID, EXIT_USAGE, EXIT_ENVIRONMENT = 1, 2, 3


class CoursebuildError(Exception):
    """Base class for failures that are reported to the user without a traceback."""

    exit_code = EXIT_INVALID

    def lines(self) -> list[str]:
        """The lines to show the user."""
        return [str(self)]


#: Problems shown per file; the rest of a file's are counted in one more line (a file of 100,000 repeated
#: mistakes would otherwise print 100,000 lines).
MAX_SHOWN_PER_FILE = 50


def _shown(problems: list[Problem]) -> list[str]:
    """Each problem's line, at most MAX_SHOWN_PER_FILE per file, then `path:line: and N more problems`."""
    by_path: dict[str, list[Problem]] = {}
    for problem in problems:
        by_path.setdefault(problem.path, []).append(problem)
    lines = []
    for path, found in by_path.items():
        lines += [str(problem) for problem in found[:MAX_SHOWN_PER_FILE]]
        if len(found) > MAX_SHOWN_PER_FILE:
            lines.append(f"{path}:{found[MAX_SHOWN_PER_FILE].line}: and {_counted(found[MAX_SHOWN_PER_FILE:]):,} more "
                         "problems in this file (fix those above first)")
    return lines


class CourseInvalid(CoursebuildError):
    """The course has errors (or warnings in strict mode); carries every problem found."""

    def __init__(self, problems: Iterable[Problem]):
        self.problems = sorted(problems)
        super().__init__(summarise(self.problems))

    def lines(self) -> list[str]:
        # only warnings: the course is refused because of --strict
        return _shown(self.problems) + [f"course invalid: {summarise(self.problems, strict=True)}"]


class UsageProblem(CoursebuildError):
    """A mistake in the command line found once the command runs (`-o` naming a device): exit code 2, as click's."""

    exit_code = EXIT_USAGE


class ProjectNotFound(UsageProblem):
    """The PROJECT given is not the folder of a course project: missing, a file, or without `course/`.

    A mistake in the command line (exit code 2), not an invalid course: there is no course to list problems of.
    """


class EnvironmentProblem(CoursebuildError):
    """The machine, not the course, stopped the command: a full disk, a read-only or missing folder, permissions.

    Exit code 3, so scripts can tell it from an invalid course (1).
    """

    exit_code = EXIT_ENVIRONMENT
