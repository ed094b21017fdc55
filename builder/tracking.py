"""The learner's saved progress (`suspend_data`) and how large it can get.

The format is written by `builder/templates/static/runtime.js`; this module builds the largest state a
learner could save for a course, in the same compact JSON, to check it fits SCORM 1.2's limit.
"""

from __future__ import annotations

import json
from typing import Any

from builder.errors import Problem
from builder.model import Course

#: suspend_data limits: SCORM 1.2 CMIString4096; SCORM 2004 4th edition 64000 characters.
SUSPEND_LIMITS = {"scorm12": ("SCORM 1.2", 4096), "scorm2004": ("SCORM 2004", 64000)}
#: Room always left for learners' private notes; the runtime stops a note growing past the limit.
NOTE_RESERVE = 500
OPTION_KEYS = "abcdefgh"


def worst_case_state(course: Course) -> dict[str, Any]:
    """The biggest progress state, without notes: every page, answer and stage, every attempt."""
    answers = {q.id: OPTION_KEYS[:len(q.options)]
               for q in [*course.bank_questions("knowledge-check"), *course.decisions()]}
    stages = {page.meta.id: max([s.id for s in page.meta.stages] + ["analysis"], key=len)
              for page in course.pages if page.meta.stages}
    state: dict[str, Any] = {"v": 1, "p": [page.meta.id for page in course.pages], "k": answers, "s": stages,
                             "n": {}, "t": 9999999}
    ratings = {r.id: "5" for page in course.pages for r in page.meta.ratings}
    if ratings:
        state["ev"] = ratings
    phases = [page.meta.phase for page in course.pages if page.meta.kind == "self-assessment"]
    if phases:
        units = course.covered_units()
        levels = course.framework.level_numbers() if course.framework else [1]
        state["sa"] = {"l": max(levels), **{phase: {code: "w" for code in units} for phase in phases}}
    assessment = next((b for b in course.banks if b.settings.kind == "assessment"), None)
    if assessment is not None:
        settings = assessment.settings
        drawn = sorted(settings.questions, key=lambda q: len(q.id) + len(q.options), reverse=True)
        drawn = drawn[:settings.draw or len(drawn)]
        attempts = settings.attempts or 9
        state["a"] = {"n": attempts, "q": [q.id for q in drawn], "d": 1,
                      "r": {q.id: OPTION_KEYS[:len(q.options)] for q in drawn}, "h": [100] * attempts,
                      "m": [outcome.id for outcome in course.settings.outcomes]}
    return state


def encoded_length(state: dict[str, Any]) -> int:
    """Length of the state as the runtime stores it (JSON without spaces)."""
    return len(json.dumps(state, separators=(",", ":"), ensure_ascii=True))


def saved_progress_problem(course: Course, target: str) -> Problem | None:
    """A problem if a learner's progress could outgrow what the target's LMS stores, else None."""
    if target not in SUSPEND_LIMITS:
        return None
    standard, limit = SUSPEND_LIMITS[target]
    size = encoded_length(worst_case_state(course))
    if size + NOTE_RESERVE <= limit:
        return None
    return course.source.problem((), f"a learner's saved progress could reach {size} characters plus notes, "
                                     f"over the {limit} that {standard} allows",
                                 "use fewer or shorter page and question ids, fewer attempts or a smaller `draw`, "
                                 "or build only the other targets")
