"""The course itself against the numbers its brief sets (modules, pages, stages, questions, units).

The second half checks the second edition's acceptance numbers (issue 19, after the content review):
words of core teaching, page times from words, the share of practice scenarios in the final bank,
no item repeated between the knowledge checks and the final bank, the spread of right answers,
and every cited source in the reference list.
"""

from __future__ import annotations

import math
import re
from collections import Counter
from urllib.parse import quote

import pytest

from builder.loading import load_project
from builder.model import Course, Page, Question
from builder.report import build_report, words
from builder.tracking import note_bytes_2004, saved_progress_problem, sent_bytes, worst_case_commit_2004

from conftest import REPO

#: What encodeURIComponent leaves as it is besides letters, digits and `-_.~`.
SAFE = "!*'()"
UNITS_PER_DOMAIN = {1: 10, 2: 13, 3: 8, 4: 10, 5: 7, 6: 6, 7: 9}


@pytest.fixture(scope="module")
def course() -> Course:
    loaded, problems = load_project(REPO)
    assert loaded is not None and problems == []
    return loaded


def test_identity_and_outcomes(course: Course) -> None:
    assert course.settings.id == "perinatal-risk-imh"
    assert [o.id for o in course.settings.outcomes] == [f"LO{i}" for i in range(1, 8)]


COURSE_LEVEL_KINDS = {"assessment", "self-assessment", "learning-record"}


def teaching_pages(course: Course, page_ids: list[str]) -> list[str]:
    """Pages that teach: not the course-level assessment, self-assessment, evaluation or record."""
    return [p for p in page_ids if course.page(p).meta.kind not in COURSE_LEVEL_KINDS
            and not course.page(p).meta.ratings]


def test_seven_modules_of_three_to_six_teaching_pages(course: Course) -> None:
    modules = course.settings.modules
    assert len(modules) == 7
    counts = [(m.id, len(teaching_pages(course, m.pages))) for m in modules]
    assert all(3 <= n <= 6 for _, n in counts), counts


def test_welcome_evaluation_self_assessment_and_record(course: Course) -> None:
    kinds = [course.page(p).meta for m in course.settings.modules for p in m.pages]
    assert kinds[0].id == "welcome"
    assert [m.phase for m in kinds if m.kind == "self-assessment"] == ["before", "after"]
    assert kinds[-1].kind == "learning-record"
    evaluation = [m for m in kinds if m.ratings]
    assert len(evaluation) == 1 and evaluation[0].comments


def test_case_studies(course: Course) -> None:
    cases = [p for p in course.pages if p.meta.kind == "case-study"]
    assert len(cases) >= 2
    for case in cases:
        assert len(case.meta.stages) >= 3 and case.meta.analysis
        assert all(stage.prompts and stage.decisions for stage in case.meta.stages)


def test_every_module_has_at_least_three_knowledge_check_questions(course: Course) -> None:
    banks = {b.settings.id: b for b in course.banks}
    for module in course.settings.modules:
        checks = [course.page(p) for p in module.pages if course.page(p).meta.kind == "knowledge-check"]
        count = sum(len(banks[c.meta.bank].settings.questions) for c in checks if c.meta.bank)
        assert count >= 3, module.id


def test_final_assessment_bank(course: Course) -> None:
    (bank,) = [b.settings for b in course.banks if b.settings.kind == "assessment"]
    assert len(bank.questions) >= 40 and bank.draw == 20 and bank.attempts == 3
    assert course.settings.pass_mark == 80
    assert all(q.outcomes and q.competencies for q in bank.questions)
    assessed = Counter(o for q in bank.questions for o in q.outcomes)
    taught = {o for p in course.pages if p.meta.kind != "assessment" for o in p.meta.outcomes}
    for outcome in course.settings.outcomes:
        assert assessed[outcome.id] >= 5 and outcome.id in taught, outcome.id


def test_no_two_questions_share_a_stem(course: Course) -> None:
    stems = [" ".join(q.stem.lower().split()) for b in course.banks for q in b.settings.questions]
    stems += [" ".join(q.stem.lower().split()) for p in course.pages for s in p.meta.stages for q in s.decisions]
    assert [s for s, n in Counter(stems).items() if n > 1] == []


def test_framework_has_all_63_units(course: Course) -> None:
    framework = course.framework
    assert framework is not None
    assert {int(d.number): len(d.units) for d in framework.domains} == UNITS_PER_DOMAIN  # numbers are read as text
    codes = [u.code for d in framework.domains for u in d.units]
    assert codes == [f"{d}.{i:02d}" for d, n in UNITS_PER_DOMAIN.items() for i in range(1, n + 1)]
    assert all(set(u.levels) == {1, 2, 3} for d in framework.domains for u in d.units)


# ---- second edition (issue 19): the numbers the content review asked for

#: Reading speed behind every page's `minutes`, as the welcome page states.
WORDS_PER_MINUTE = 180
#: Thinking time on top of reading, in seconds, as the welcome page states.
SECONDS_PER_QUESTION, SECONDS_PER_PROMPT, SECONDS_PER_NOTE, SECONDS_PER_UNIT = 30, 60, 120, 10
VIDEO_MINUTES = {"m1-what-is-imh": 10}
SELF_RATING_KINDS = {"self-assessment", "learning-record"}


def reading(page: Page) -> str:
    """The page body without its references section or footnote definitions."""
    body = page.body.split("## References")[0]
    return re.sub(r"^\[\^[^\]]+\]:.*$", "", body, flags=re.M)


def question_words(question: Question) -> int:
    """What a learner reads for one question: stem, options, one option's feedback, the explanation."""
    return (words(question.stem) + sum(words(o.text) for o in question.options)
            + max(words(o.feedback) for o in question.options) + words(question.explanation))


def expected_minutes(course: Course, page: Page) -> int:
    """Minutes for a page from its words at WORDS_PER_MINUTE plus the stated thinking time."""
    meta, banks = page.meta, {b.settings.id: b.settings for b in course.banks}
    count, seconds = words(reading(page)), VIDEO_MINUTES.get(meta.id, 0) * 60
    if meta.kind == "case-study":
        count += words(meta.analysis) + sum(words(s.content) + sum(words(p) for p in s.prompts)
                                            + sum(question_words(q) for q in s.decisions) for s in meta.stages)
        seconds += sum(SECONDS_PER_PROMPT * len(s.prompts) + SECONDS_PER_QUESTION * len(s.decisions)
                       for s in meta.stages)
    elif meta.kind == "knowledge-check" and meta.bank:
        questions = banks[meta.bank].questions
        count += sum(question_words(q) for q in questions)
        seconds += SECONDS_PER_QUESTION * len(questions)
    elif meta.kind == "assessment" and meta.bank:
        bank = banks[meta.bank]
        mean = sum(words(q.stem) + sum(words(o.text) for o in q.options) for q in bank.questions) / len(bank.questions)
        count += round(mean * (bank.draw or len(bank.questions)))
        seconds += SECONDS_PER_QUESTION * (bank.draw or len(bank.questions))
    elif meta.kind == "self-assessment":
        units = [u for d in (course.framework.domains if course.framework else []) for u in d.units]
        count += sum(len(u.title.split()) + len(u.levels[2].split()) for u in units)
        seconds += SECONDS_PER_UNIT * len(units)
    elif meta.kind == "reflection":
        count += (sum(words(p) for p in meta.prompts) + sum(words(r.statement) for r in meta.ratings)
                  + sum(words(c.prompt) for c in meta.comments))
        seconds += SECONDS_PER_NOTE * (len(meta.prompts) + len(meta.comments)) + SECONDS_PER_UNIT * len(meta.ratings)
    return math.ceil((count / WORDS_PER_MINUTE * 60 + seconds) / 60)


def test_core_teaching_is_deep_enough(course: Course) -> None:
    """About 10,000 words of teaching (the first edition had about 2,350)."""
    core = sum(words(reading(p)) + words(p.meta.analysis) + sum(words(s.content) for s in p.meta.stages)
               for p in course.pages if p.meta.kind in {"content", "case-study"})
    assert 9000 <= core <= 14000, core


def test_page_times_come_from_words(course: Course) -> None:
    wrong = {p.meta.id: (p.meta.minutes, expected_minutes(course, p)) for p in course.ordered_pages()
             if abs(p.meta.minutes - expected_minutes(course, p)) > 1}
    assert wrong == {}, "declared vs computed minutes"


def test_duration_is_honest(course: Course) -> None:
    """2.5 to 3 hours of modules and final assessment, plus the self-assessments and evaluation (3.75 h in all)."""
    pages = course.ordered_pages()
    core = sum(p.meta.minutes for p in pages if p.meta.kind not in SELF_RATING_KINDS and not p.meta.ratings)
    total = sum(p.meta.minutes for p in pages)
    assert 150 <= core <= 180, core
    hours = total / 60
    assert abs(hours - 3.75) <= 0.25, total
    assert "3.75 hours" in course.settings.duration and "180 words a minute" in course.settings.duration
    welcome = course.page("welcome").body
    assert "3¾ hours" in welcome and "180 words a minute" in welcome


def is_scenario(question: Question) -> bool:
    """A practice scenario: a situation in at least one sentence, then the question about it."""
    return len(re.findall(r"[.?!][\"”]?\s+(?=[A-Z\"“])", question.stem.strip())) >= 1


def test_at_least_half_the_final_items_are_scenarios(course: Course) -> None:
    final = list(course.bank_questions("assessment"))
    share = sum(map(is_scenario, final)) / len(final)
    assert share >= 0.5, share


def stem_tokens(question: Question) -> set[str]:
    key = " ".join(o.text for o in question.options if o.correct)
    return {w.lower() for w in re.findall(r"[A-Za-z']{4,}", question.stem + " " + key)}


def test_no_knowledge_check_item_reappears_in_the_final_bank(course: Course) -> None:
    """Exact stems never repeat; stem plus key never overlap by more than half their words."""
    checks, final = list(course.bank_questions("knowledge-check")), list(course.bank_questions("assessment"))
    stems = [" ".join(q.stem.lower().split()) for q in checks + final]
    assert [s for s, n in Counter(stems).items() if n > 1] == []
    close = [(k.id, f.id) for k in checks for f in final
             if len(stem_tokens(k) & stem_tokens(f)) / len(stem_tokens(k) | stem_tokens(f)) > 0.5]
    assert close == []


def test_right_answers_are_spread_and_not_usually_longest(course: Course) -> None:
    items = [*course.bank_questions("knowledge-check"), *course.bank_questions("assessment"), *course.decisions()]
    single = [q for q in items if q.type == "single"]
    first = sum(1 for q in single if q.options[0].correct)
    assert first / len(single) <= 0.35, first
    longest = [q.id for q in single
               if len(next(o.text for o in q.options if o.correct)) > max(len(o.text) for o in q.options if not o.correct)]
    assert len(longest) / len(single) <= 0.3, longest
    for question in items:
        assert all(o.feedback.strip().lower().rstrip(".") not in {"correct", "yes", "no", "incorrect"}
                   for o in question.options), question.id


def test_outcomes_taught_twice_and_assessed_five_times(course: Course) -> None:
    report = build_report(course)
    assert all(len(o.pages) >= 2 and len(o.questions) >= 5 for o in report.outcomes), report.outcomes
    assert report.warnings == []


def test_every_unit_taught_or_listed_as_not_included(course: Course) -> None:
    welcome = course.page("welcome").body
    untaught = [c.code for c in build_report(course).competencies if not c.pages]
    assert all(code in welcome for code in untaught), untaught
    assert untaught or "all 63 units" in welcome


def test_every_cited_source_is_in_the_reference_list(course: Course) -> None:
    """Every footnote used is defined, and every work a page cites is listed on the resources page."""
    listed = course.page("resources").body
    for page in course.pages:
        used = set(re.findall(r"\[\^([^\]]+)\](?!:)", page.body))
        defined = set(re.findall(r"^\[\^([^\]]+)\]:", page.body, flags=re.M))
        assert used == defined, page.meta.id
        references = page.body.split("## References", 1)[1] if "## References" in page.body else ""
        missing = [t for t in re.findall(r"\*([^*\n]+)\*", references) if t not in listed]
        assert missing == [], (page.meta.id, missing)


#: How a source is named in running text: a guideline code (NICE CG192), a UK-wide enquiry or
#: body named by its acronym (MBRRACE-UK), or an italic title of two or more capitalised words.
NAMED_SOURCE = re.compile(r"\b(?:CG|NG|PH)\d+\b|\b[A-Z]{3,}-UK\b|(?<![*\w])\*([A-Z][^*]* [^*]+)\*(?!\*)")


def test_every_source_named_in_body_text_is_in_the_reference_list(course: Course) -> None:
    """A source a page names in its teaching (not only in its references) is listed on the resources page.

    Italic titles that are the course's own page titles are cross-references, not sources.
    """
    listed = " ".join(course.page("resources").body.split())
    own_titles = {p.meta.title for p in course.pages}
    for page in course.pages:
        if page.meta.id == "resources":
            continue
        text = " ".join(reading(page).split())  # a title may wrap across source lines
        named = [m.group(1) or m.group(0) for m in NAMED_SOURCE.finditer(text)]
        missing = [n for n in named if n not in own_titles and n not in listed]
        assert missing == [], (page.meta.id, missing)


def test_local_arrangements_notes_reach_the_learning_record(course: Course) -> None:
    """The notes page is a reflection page (its notes are saved and shown on the learning record)."""
    page = course.page("local")
    assert page.meta.kind == "reflection" and len(page.meta.prompts) >= 3
    assert any("pre-birth protocol" in p for p in page.meta.prompts)
    assert any("Who do I call" in p for p in page.meta.prompts)
    assert course.settings.kit is not None
    assert any("pre-birth" in point for point in course.settings.kit.local_policy)


def test_saved_progress_fits_scorm_12(course: Course) -> None:
    """All 63 units rated twice fill most of SCORM 1.2's 4096 characters: ids are kept short for that."""
    assert saved_progress_problem(course, "scorm12") is None


def test_a_scorm2004_commit_leaves_notes_room(course: Course) -> None:
    """Moodle re-sends every 2004 element with each commit: this course's worst case without notes leaves
    notes and comments at least 2,000 bytes under the 15,000-byte target."""
    assert saved_progress_problem(course, "scorm2004") is None
    assert note_bytes_2004(course) >= 2000


def test_a_commit_is_counted_as_encode_uri_component_makes_it(course: Course) -> None:
    """`sent_bytes` counts what `quote` (encodeURIComponent's unreserved set) would make, without making it."""
    fields = {**worst_case_commit_2004(course), "cmi.comments_from_learner.0.comment": "Ça va? 50% & “more” 😀",
              "a b/c": "~!*'()-_.;:@=+$,#[]"}
    assert sent_bytes(fields) == len("&".join(f"{quote(name, safe=SAFE)}={quote(value, safe=SAFE)}"
                                              for name, value in fields.items()))
    assert sent_bytes({}) == 0
