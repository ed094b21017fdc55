"""The learner's saved progress (`suspend_data`) and how large it can get.

The format is written by `builder/templates/static/runtime.js`; this module builds the largest state a
learner could save for a course, in the same compact JSON, to check it fits SCORM 1.2's limit.
"""

from __future__ import annotations

import json
from typing import Any

from builder.errors import Problem
from builder.model import Course, Question

#: suspend_data limits: SCORM 1.2 CMIString4096; SCORM 2004 4th edition 64000 characters.
SUSPEND_LIMITS = {"scorm12": ("SCORM 1.2", 4096), "scorm2004": ("SCORM 2004", 64000)}
#: The largest seed of the learner's option order (`x`): the runtime's seeds are whole numbers below a million.
SEED_MAX = 999999


def worst_case_state(course: Course) -> dict[str, Any]:
    """The biggest progress state, without notes: every page, answer and stage, every attempt."""
    answers = {q.id: _longest_answer(q)
               for q in [*course.bank_questions("knowledge-check"), *course.decisions()]}
    stages = {page.meta.id: max([s.id for s in page.meta.stages] + ["analysis"], key=len)
              for page in course.pages if page.meta.stages}
    longest_page = max((page.meta.id for page in course.pages), key=len, default="")
    state: dict[str, Any] = {"v": 2, "p": [page.meta.id for page in course.pages], "k": answers, "s": stages,
                             "n": {}, "t": 9999999, "l": longest_page, "x": SEED_MAX}
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
        drawn = sorted(settings.questions, key=lambda q: len(q.id) + len(_longest_answer(q)), reverse=True)
        drawn = drawn[:settings.most_drawn()]
        attempts = settings.attempts or 9
        state["a"] = {"n": attempts, "q": [q.id for q in drawn], "d": 1,
                      "r": {q.id: _longest_answer(q) for q in drawn}, "h": [100] * attempts,
                      "m": [outcome.id for outcome in course.settings.outcomes]}
    return state


def _longest_answer(question: Question) -> str:
    """The longest answer to a question as the runtime keeps it: option ids, comma-separated (every
    option of a multiple-answer question; the longest id of a single-answer one)."""
    if question.type == "single":
        return max((option.id for option in question.options), key=len, default="")
    return ",".join(option.id for option in question.options)


def encoded_length(state: dict[str, Any]) -> int:
    """Length of the state as the runtime stores it (JSON without spaces)."""
    return len(json.dumps(state, separators=(",", ":"), ensure_ascii=True))


def note_budget(course: Course, target: str) -> int:
    """Characters left for the learner's notes in the target's suspend_data once the worst-case progress
    is stored (negative when even that does not fit). The runtime caps notes at this, so saved progress
    can never overflow."""
    return SUSPEND_LIMITS[target][1] - encoded_length(worst_case_state(course))


def saved_progress_problem(course: Course, target: str) -> Problem | None:
    """A problem if a learner's progress, even with no notes, could outgrow what the target's LMS stores."""
    if target not in SUSPEND_LIMITS:
        return None
    standard, limit = SUSPEND_LIMITS[target]
    if note_budget(course, target) >= 0:
        return None
    size = encoded_length(worst_case_state(course))
    return course.source.problem((), f"a learner's saved progress could reach {size} characters, "
                                     f"over the {limit} that {standard} allows",
                                 "use fewer or shorter page and question ids, fewer attempts or a smaller `draw`, "
                                 "or build only the other targets")
