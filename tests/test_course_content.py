"""The course itself against the numbers its brief sets (modules, pages, stages, questions, units)."""

from __future__ import annotations

from collections import Counter

import pytest

from builder.loading import load_project
from builder.model import Course

from conftest import REPO

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
        assert assessed[outcome.id] >= 3 and outcome.id in taught, outcome.id


def test_no_two_questions_share_a_stem(course: Course) -> None:
    stems = [" ".join(q.stem.lower().split()) for b in course.banks for q in b.settings.questions]
    stems += [" ".join(q.stem.lower().split()) for p in course.pages for s in p.meta.stages for q in s.decisions]
    assert [s for s, n in Counter(stems).items() if n > 1] == []


def test_framework_has_all_63_units(course: Course) -> None:
    framework = course.framework
    assert framework is not None
    assert {d.number: len(d.units) for d in framework.domains} == UNITS_PER_DOMAIN
    codes = [u.code for d in framework.domains for u in d.units]
    assert codes == [f"{d}.{i:02d}" for d, n in UNITS_PER_DOMAIN.items() for i in range(1, n + 1)]
    assert all(set(u.levels) == {1, 2, 3} for d in framework.domains for u in d.units)
