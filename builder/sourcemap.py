"""Where each part of a parsed file came from: the line of every key and list item."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Mapping

from builder.errors import Problem

Location = tuple[Any, ...]


@dataclass(frozen=True)
class SourceFile:
    """A parsed file: its project-relative path and the line of each location in it."""

    path: str
    lines: Mapping[Location, int] = field(default_factory=dict)

    def line(self, *location: Any) -> int:
        """Line of the deepest recorded part of `location` (1 if nothing is recorded)."""
        loc = tuple(location)
        while loc:
            if loc in self.lines:
                return self.lines[loc]
            loc = loc[:-1]
        return self.lines.get((), 1)

    def problem(self, location: Location, message: str, fix: str = "", **kw: Any) -> Problem:
        """A problem at `location` in this file."""
        return Problem(self.path, self.line(*location), message, fix, **kw)


class YamlError(Exception):
    """A YAML document could not be parsed; carries the problems."""

    def __init__(self, problems: list[Problem]):
        super().__init__(problems)
        self.problems = problems
