"""The learner's saved progress (`suspend_data`) and how large it can get.

The format (version 4) is written by `builder/templates/static/runtime.js`; this module builds the largest
state a learner could save for a course, in the same compact JSON, so notes get only what is left.
"""

from __future__ import annotations

import json
from typing import Any

from builder import cache
from builder.errors import Problem
from builder.model import BankSettings, Course, Question

#: suspend_data limits: SCORM 1.2 CMIString4096; SCORM 2004 4th edition 64000 characters.
SUSPEND_LIMITS = {"scorm12": ("SCORM 1.2", 4096), "scorm2004": ("SCORM 2004", 64000)}
#: The largest seed of the learner's option order (`x`): the runtime's seeds are whole numbers below a million.
SEED_MAX = 999999
#: SCORM 2004: bytes one commit may send as Moodle's runtime sends it. Moodle's 2004 runtime re-sends every
#: element set in the session with each commit, URL-encoded; unload requests go by sendBeacon, which Chromium
#: refuses above 64 KiB (issue 14 asks for 16 KB). The worst case without notes is computed per course and
#: notes and comments get what is left under this target, which keeps 1,384 bytes under 16 KiB.
COMMIT_TARGET_2004 = 15000
#: A score as the runtime writes it at its longest: percent with two decimals (`66.67`) and scaled with four.
_LONGEST_PERCENT, _LONGEST_SCALED = "66.67", "0.6667"
#: With no `attempts` limit the saved progress keeps at most this many assessment scores (the best and the
#: latest; runtime.js `keptScores`) and counts attempts up to ATTEMPT_NUMBER_MAX, so the worst case below is
#: an upper bound for any number of attempts (issue 14).
SCORES_KEPT = 9
ATTEMPT_NUMBER_MAX = 9999
#: The longest session time assumed in 2004 (`PT<hours>H<minutes>M<seconds>S`): under 100,000 hours.
_LONGEST_SESSION_TIME = "PT99999H59M59.99S"


def option_code(option_id: str) -> str:
    """The 3-character code saved progress names an option by: base 36 of the 32-bit FNV-1a hash of its
    id, modulo 36**3 (`optionCode` in runtime.js). Codes must differ within a question (validation)."""
    value = 0x811C9DC5
    for byte in option_id.encode("utf-8"):
        value = ((value ^ byte) * 0x01000193) & 0xFFFFFFFF
    value %= 36 ** 3
    digits = "0123456789abcdefghijklmnopqrstuvwxyz"
    return digits[value // 1296] + digits[value // 36 % 36] + digits[value % 36]


def saved_attempts(settings: BankSettings) -> tuple[int, int]:
    """(the largest attempt number saved, the most scores saved) for an assessment: its `attempts` limit
    for both, else ATTEMPT_NUMBER_MAX and SCORES_KEPT. The runtime gets them as the bank's `attemptMax`
    and `scoresKept` (rendering.py `_bank_data`)."""
    if settings.attempts:
        return settings.attempts, settings.attempts
    return ATTEMPT_NUMBER_MAX, SCORES_KEPT


@cache.kept(key=lambda course: cache.Same(course))  # asked for by check and by rendering: made once a build
def worst_case_state(course: Course) -> dict[str, Any]:
    """The biggest progress state (version 4), without notes: every page, answer and stage, every attempt.
    Shared by its callers: read it, never change it."""
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
        rated = "".join(f"{code}+" for code in course.covered_units())  # `+` is 3 bytes URL-encoded
        levels = course.framework.level_numbers() if course.framework else [1]
        state["sa"] = {"l": max(levels), "b": rated, "f": rated}
    assessment = next((b for b in course.banks if b.settings.kind == "assessment"), None)
    if assessment is not None:
        settings = assessment.settings
        drawn = sorted(settings.questions, key=lambda q: len(q.id) + len(_longest_answer(q)), reverse=True)
        drawn = drawn[:settings.most_drawn()]
        attempt_max, scores_kept = saved_attempts(settings)
        state["a"] = {"n": attempt_max, "q": ",".join(q.id for q in drawn),
                      "r": {q.id: _longest_answer(q) for q in drawn},
                      "d": 1, "h": [float(_LONGEST_PERCENT)] * scores_kept,  # a score such as 66.67, not 100
                      "m": ",".join(o.id for o in course.settings.outcomes)}
    return state


def _longest_answer(question: Question) -> str:
    """The longest saved answer to a question: the codes of every option of a multiple-answer question,
    one code for a single-answer one."""
    return "".join(option_code(option.id) for option in question.options[:1 if question.type == "single" else None])


def _drawable(course: Course) -> list[Question]:
    """The assessment questions one session can record in SCORM 2004: as many as one attempt draws (only the
    attempt that decides the result records its answers), the costliest."""
    assessment = next((b for b in course.banks if b.settings.kind == "assessment"), None)
    if assessment is None:
        return []
    settings = assessment.settings
    def cost(question: Question) -> int:
        return sent_bytes(_interaction_fields(0, question.id, "choice", _longest_response(question), "incorrect"))

    costliest = sorted(settings.questions, key=cost, reverse=True)
    return costliest[:settings.most_drawn()]


def _longest_response(question: Question) -> str:
    """The longest 2004 learner_response to a question: option ids, all of them (`[,]` between) for a
    multiple-answer question, the longest for a single-answer one."""
    if question.type == "multiple":
        return "[,]".join(option.id for option in question.options)
    return max((option.id for option in question.options), key=len, default="")


def _interaction_fields(index: int, interaction_id: str, kind: str, response: str,
                        result: str | None) -> dict[str, str]:
    """The fields a 2004 interaction sends (runtime.js `addInteraction`): id, type, learner_response, result."""
    n = f"cmi.interactions.{index}."
    fields = {n + "id": interaction_id, n + "type": kind, n + "learner_response": response}
    if result is not None:
        fields[n + "result"] = result
    return fields


def worst_case_commit_2004(course: Course) -> dict[str, str]:
    """Every element the SCORM 2004 runtime can set in one session, at its longest, without notes or
    comment text: element -> value. Moodle's 2004 runtime re-sends them all with each commit.

    Interactions: each decision point with its longest response and result (knowledge checks are not
    recorded in 2004); the costliest questions one assessment attempt can draw (only the attempt that
    decides the result records its answers); one per self-assessment phase listing every unit; one per
    evaluation rating and comment (the comment's text is counted with the notes). Interaction numbers are
    counted as if nine times as many had been recorded in earlier sessions. Objectives: one per outcome.
    """
    state = worst_case_state(course)
    pages = [page.meta for page in course.pages]
    fields = {"cmi.exit": "suspend", "cmi.location": state["l"], "cmi.suspend_data": json.dumps(
                  state, separators=(",", ":"), ensure_ascii=True),
              "cmi.session_time": _LONGEST_SESSION_TIME, "cmi.completion_status": "incomplete",
              "cmi.success_status": "passed", "cmi.score.min": "0", "cmi.score.max": "100",
              "cmi.score.raw": _LONGEST_PERCENT, "cmi.score.scaled": _LONGEST_SCALED}
    rated = "".join(f"{code}a" for code in course.covered_units())
    interactions: list[tuple[str, str, str, str | None]] = [
        *((q.id, "choice", _longest_response(q), "incorrect") for q in [*course.decisions(), *_drawable(course)]),
        *((f"sa.{meta.phase}", "other", rated, None)
          for meta in pages if meta.kind == "self-assessment" and meta.phase),
        *((rating.id, "likert", "5", None) for meta in pages for rating in meta.ratings),
        *((comment.id, "long-fill-in", "", None) for meta in pages for comment in meta.comments)]
    first = 9 * len(interactions)
    for index, interaction in enumerate(interactions, start=first):
        fields.update(_interaction_fields(index, *interaction))
    for index, outcome in enumerate(course.settings.outcomes):
        n = f"cmi.objectives.{index}."
        fields.update({n + "id": outcome.id, n + "score.scaled": _LONGEST_SCALED, n + "score.raw": _LONGEST_PERCENT,
                       n + "score.min": "0", n + "score.max": "100", n + "success_status": "passed",
                       n + "completion_status": "completed"})
    return fields


@cache.kept(key=lambda fields: tuple(fields.items()))  # for the next build: a preview rebuild after a page changed
def sent_bytes(fields: dict[str, str]) -> int:
    """Bytes of a commit as Moodle's runtime sends it: `name=value` pairs joined by `&`, each part through
    JavaScript's encodeURIComponent (UTF-8, all but `A-Z a-z 0-9 - _ . ! ~ * ' ( )` percent-encoded)."""
    return sum(_encoded_length(name) + 1 + _encoded_length(value) for name, value in fields.items()) \
        + max(len(fields) - 1, 0)


#: The bytes encodeURIComponent leaves as they are (ECMA-262, its unreserved set): letters, digits, `-_.!~*'()`.
_URI_UNRESERVED = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_.!~*'()"


def _encoded_length(text: str) -> int:
    """`len(encodeURIComponent(text))`: each UTF-8 byte of `text` outside _URI_UNRESERVED becomes `%XX` (as
    `urllib.parse.quote(text, safe="!*'()")`, counted without making the text)."""
    data = text.encode("utf-8")
    return len(data) + 2 * len(data.translate(None, _URI_UNRESERVED))


@cache.kept(key=lambda course: cache.Same(course))  # asked for by check and by rendering (`noteBytes2004`)
def note_bytes_2004(course: Course) -> int:
    """Bytes left under COMMIT_TARGET_2004 for notes and comments as Moodle sends them (URL-encoded; a comment
    counts twice, in suspend_data and as its interaction's response) once the worst-case commit without them
    is sent; negative when even that does not fit. The runtime caps notes at this (`COURSE.noteBytes2004`)."""
    return COMMIT_TARGET_2004 - sent_bytes(worst_case_commit_2004(course))


def encoded_length(state: dict[str, Any]) -> int:
    """Length of the state as the runtime stores it (JSON without spaces)."""
    return len(json.dumps(state, separators=(",", ":"), ensure_ascii=True))


def note_budget(course: Course, target: str) -> int:
    """Characters left for the learner's notes in the target's suspend_data once the worst-case progress
    is stored (negative when even that does not fit). The runtime caps notes at this, so saved progress
    can never overflow."""
    return SUSPEND_LIMITS[target][1] - encoded_length(worst_case_state(course))


def saved_progress_problem(course: Course, target: str) -> Problem | None:
    """A problem if a learner's progress, even with no notes, could outgrow what the target's LMS stores,
    or (SCORM 2004) one commit as Moodle sends it could outgrow COMMIT_TARGET_2004."""
    if target not in SUSPEND_LIMITS:
        return None
    if target == "scorm2004" and (left := note_bytes_2004(course)) < 0:
        return course.source.problem((), f"one SCORM 2004 commit could reach {COMMIT_TARGET_2004 - left} bytes as "
                                         f"Moodle sends it (every answer and outcome recorded so far, with each "
                                         f"commit), over the {COMMIT_TARGET_2004} the course keeps to",
                                     "allow fewer attempts or a smaller `draw` in the assessment, use fewer "
                                     "questions or options, shorter question and option ids, or build only the "
                                     "other targets")
    standard, limit = SUSPEND_LIMITS[target]
    if note_budget(course, target) >= 0:
        return None
    size = encoded_length(worst_case_state(course))
    return course.source.problem((), f"a learner's saved progress could reach {size} characters, "
                                     f"over the {limit} that {standard} allows",
                                 "use fewer or shorter page and question ids, fewer attempts or a smaller `draw`, "
                                 "or build only the other targets")
