"""The learner's saved progress (`suspend_data`) and how large it can get.

The format (version 4) is written by `builder/templates/static/runtime.js`; this module builds the largest
state a learner could save for a course, in the same compact JSON, so notes get only what is left.
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


def option_code(option_id: str) -> str:
    """The 3-character code saved progress names an option by: base 36 of the 32-bit FNV-1a hash of its
    id, modulo 36**3 (`optionCode` in runtime.js). Codes must differ within a question (validation)."""
    value = 0x811C9DC5
    for byte in option_id.encode("utf-8"):
        value = ((value ^ byte) * 0x01000193) & 0xFFFFFFFF
    value %= 36 ** 3
    digits = "0123456789abcdefghijklmnopqrstuvwxyz"
    return digits[value // 1296] + digits[value // 36 % 36] + digits[value % 36]


def worst_case_state(course: Course) -> dict[str, Any]:
    """The biggest progress state (version 4), without notes: every page, answer and stage, every attempt."""
    answers = {q.id: _longest_answer(q)
               for q in [*course.bank_questions("knowledge-check"), *course.decisions()]}
    stages = {page.meta.id: max([s.id for s in page.meta.stages] + ["analysis"], key=len)
              for page in course.pages if page.meta.stages}
    longest_page = max((page.meta.id for page in course.pages), key=len, default="")
    state: dict[str, Any] = {"v": 4, "p": ",".join(page.meta.id for page in course.pages), "k": answers,
                             "s": stages, "n": {}, "t": 9999999, "l": longest_page, "x": SEED_MAX}
    ratings = {r.id: "5" for page in course.pages for r in page.meta.ratings}
    if ratings:
        state["ev"] = ratings
    if any(page.meta.kind == "self-assessment" for page in course.pages):
        rated = "".join(f"{code}~" for code in course.covered_units())
        levels = course.framework.level_numbers() if course.framework else [1]
        state["sa"] = {"l": max(levels), "b": rated, "f": rated}
    assessment = next((b for b in course.banks if b.settings.kind == "assessment"), None)
    if assessment is not None:
        settings = assessment.settings
        drawn = sorted(settings.questions, key=lambda q: len(q.id) + len(_longest_answer(q)), reverse=True)
        drawn = drawn[:settings.most_drawn()]
        attempts = settings.attempts or 9
        state["a"] = {"n": attempts, "q": ",".join(q.id for q in drawn), "r": {q.id: _longest_answer(q) for q in drawn},
                      "d": 1, "h": [100] * attempts, "m": ",".join(o.id for o in course.settings.outcomes)}
    return state


def _longest_answer(question: Question) -> str:
    """The longest saved answer to a question: the codes of every option of a multiple-answer question,
    one code for a single-answer one."""
    return "".join(option_code(option.id) for option in question.options[:1 if question.type == "single" else None])


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
