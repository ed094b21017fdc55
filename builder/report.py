"""Coverage report: which outcomes and competency units the course teaches, practises and assesses.

The report's shape is the pydantic models below; `--format json` is exactly `Report.model_dump()`.
"Practice" means formative questions: case-study decision points and knowledge checks.
"""

from __future__ import annotations

import json
import re
from typing import Literal

from pydantic import BaseModel, ConfigDict

from builder.item_writing import check_items
from builder.model import Course, Page
from builder.theme import Theme, render_template

MIN_ASSESSING_QUESTIONS = 3
FORMATS = ("html", "md", "json")


class Shape(BaseModel):
    #: defer_build: each model's validator is made when first used, not when coursebuild starts.
    model_config = ConfigDict(extra="forbid", frozen=True, defer_build=True)


class CourseInfo(Shape):
    id: str
    title: str
    version: str


class OutcomeCoverage(Shape):
    id: str
    text: str
    pages: list[str]
    practice: list[str]
    questions: list[str]


class CompetencyCoverage(Shape):
    code: str
    domain: str
    title: str
    levels: dict[int, str]
    pages: list[str]
    practice: list[str]
    questions: list[str]


class PageSummary(Shape):
    id: str
    title: str
    kind: str
    module: str
    words: int
    minutes: int


class QuestionSummary(Shape):
    id: str
    bank: str
    outcomes: list[str]
    competencies: list[str]


class CaseStudySummary(Shape):
    id: str
    title: str
    stages: list[str]


class Totals(Shape):
    pages: int
    words: int
    minutes: int
    questions: dict[str, int]
    case_studies: int
    stages: int
    units_included: int
    units_not_included: int


class Report(Shape):
    course: CourseInfo
    #: The framework's levels and their labels ("Level 1: …"), from level 1 up; empty without a framework.
    levels: dict[int, str]
    outcomes: list[OutcomeCoverage]
    competencies: list[CompetencyCoverage]
    pages: list[PageSummary]
    questions: list[QuestionSummary]
    case_studies: list[CaseStudySummary]
    totals: Totals
    warnings: list[str]


def words(text: str | None) -> int:
    """Words in a piece of Markdown, not counting markup."""
    return len(re.findall(r"[A-Za-z0-9][A-Za-z0-9'’-]*", text or ""))


def _page_words(page: Page) -> int:
    meta = page.meta
    return words(page.body) + words(meta.analysis) + sum(words(s.content) for s in meta.stages)


def build_report(course: Course) -> Report:
    """Count what teaches, practises and assesses each outcome and unit."""
    settings = course.settings
    ordered = course.ordered_pages()
    teaching = [p for p in ordered if p.meta.kind != "assessment"]
    practice = [*course.bank_questions("knowledge-check"),
                *(q for p in ordered for s in p.meta.stages for q in s.decisions)]
    assessed = list(course.bank_questions("assessment"))

    outcomes = [OutcomeCoverage(
        id=o.id, text=o.text, pages=[p.meta.id for p in teaching if o.id in p.meta.outcomes],
        practice=[q.id for q in practice if o.id in q.outcomes],
        questions=[q.id for q in assessed if o.id in q.outcomes]) for o in settings.outcomes]
    competencies = [CompetencyCoverage(
        code=u.code, domain=f"{d.number}. {d.title}", title=u.title, levels=dict(sorted(u.levels.items())),
        pages=[p.meta.id for p in teaching if u.code in p.meta.competencies],
        practice=[q.id for q in practice if u.code in q.competencies],
        questions=[q.id for q in assessed if u.code in q.competencies])
        for d in (course.framework.domains if course.framework else []) for u in d.units]
    included = [c for c in competencies if c.pages or c.practice or c.questions]
    warnings = [f"outcome {o.id} is assessed by {len(o.questions)} question{'s' if len(o.questions) != 1 else ''} "
                f"(fewer than {MIN_ASSESSING_QUESTIONS})"
                for o in outcomes if len(o.questions) < MIN_ASSESSING_QUESTIONS]
    warnings += [f"unit {c.code} is assessed but never taught" for c in competencies if c.questions and not c.pages]
    warnings += [str(problem) for problem in check_items(course)]
    case_studies = [CaseStudySummary(id=p.meta.id, title=p.meta.title, stages=[s.id for s in p.meta.stages])
                    for p in ordered if p.meta.kind == "case-study"]
    pages = [PageSummary(id=p.meta.id, title=p.meta.title, kind=p.meta.kind, module=course.module_id(p.meta.id),
                         words=_page_words(p), minutes=p.meta.minutes) for p in ordered]
    return Report(
        course=CourseInfo(id=settings.id, title=settings.title, version=settings.version),
        levels=dict(course.framework.level_labels()) if course.framework else {},
        outcomes=outcomes, competencies=competencies, pages=pages,
        questions=[QuestionSummary(id=q.id, bank=b.settings.id, outcomes=q.outcomes, competencies=q.competencies)
                   for b in course.banks for q in b.settings.questions],
        case_studies=case_studies,
        totals=Totals(pages=len(pages), words=sum(p.words for p in pages), minutes=sum(p.minutes for p in pages),
                      questions={b.settings.id: len(b.settings.questions) for b in course.banks},
                      case_studies=len(case_studies), stages=sum(len(c.stages) for c in case_studies),
                      units_included=len(included), units_not_included=len(competencies) - len(included)),
        warnings=warnings)


def render_report(course: Course, report: Report, format_: Literal["html", "md", "json"]) -> str:
    """The report as JSON, Markdown or HTML (from the `report.html` / `report.md` templates)."""
    if format_ == "json":
        return json.dumps(report.model_dump(), indent=2, ensure_ascii=False) + "\n"
    env = Theme.for_project(course.root).environment()  # report.md is not HTML-escaped (theme.AUTOESCAPE)
    if format_ == "md":
        report = Report.model_validate(_markdown_text(report.model_dump()))
    return render_template(env, f"report.{format_}", r=report, language=course.settings.language)


#: What Markdown (CommonMark, GitHub's tables) would read as markup in a text: raw HTML (`<`, `>`, `&`), links
#: (`[`, `]`), a table cell's end (`|`) and the backslash that escapes them; a line break ends a table row.
_MARKDOWN_SPECIAL = re.compile(r"[\\<>&|\[\]]|\r\n?|\n")
_MARKDOWN_ESCAPED = {"<": "&lt;", ">": "&gt;", "&": "&amp;", "\r": " ", "\r\n": " ", "\n": " "}


def _markdown_text(value: object) -> object:
    """`value` (the report's dump: dicts, lists, texts, numbers) with every text, keys too, written so that a
    Markdown reader shows it as text: a course's `<script>` or `|` cannot become HTML or a new table cell."""
    if isinstance(value, str):
        return _MARKDOWN_SPECIAL.sub(lambda m: _MARKDOWN_ESCAPED.get(m.group(0), "\\" + m.group(0)), value)
    if isinstance(value, dict):
        return {_markdown_text(key): _markdown_text(item) for key, item in value.items()}
    if isinstance(value, list):
        return [_markdown_text(item) for item in value]
    return value
