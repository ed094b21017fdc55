"""The training-day kit: facilitator guide, handouts, questionnaire and answer key, case-study
cards, attendance and evaluation sheets, as print-ready HTML and tagged PDF (WeasyPrint).

Every word comes from the course source, apart from the templates' fixed labels.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from lxml import html as lxml_html
from markupsafe import Markup

from builder.errors import CoursebuildError
from builder.markup import convert
from builder.model import Course, Page, Question
from builder.theme import Theme, inline, render_template

DOCUMENTS = ("facilitator-guide", "handouts", "questionnaire", "answer-key", "case-study-cards",
             "attendance-sheet", "evaluation-sheet")
OPTION_LABELS = "ABCDEFGH"


class KitUnavailable(CoursebuildError):
    """The kit cannot be made for this course or on this machine."""


@dataclass(frozen=True)
class ModuleView:
    id: str
    title: str
    pages: tuple[str, ...]
    outcomes: tuple[str, ...]
    key_points: tuple[Markup, ...]


def _md(text: str | None) -> Markup:
    return Markup(convert(text).html) if text else Markup("")


def key_points(page: Page) -> list[Markup]:
    """The contents of a page's key-learning-point callouts."""
    html = convert(page.body).html
    if "key-point" not in html:
        return []
    root = lxml_html.fragment_fromstring(html, create_parent="div")
    points = []
    for box in root.xpath("//div[contains(concat(' ', @class, ' '), ' key-point ')]"):
        for title in box.xpath("./p[contains(@class, 'admonition-title')]"):
            box.remove(title)
        points.append(Markup("".join(lxml_html.tostring(child, encoding="unicode") for child in box)))
    return points


def _question(question: Question) -> dict[str, Any]:
    return {"id": question.id, "stem": inline(convert(question.stem).html), "type": question.type,
            "options": [{"label": OPTION_LABELS[i], "text": inline(convert(o.text).html), "correct": o.correct,
                         "feedback": _md(o.feedback)} for i, o in enumerate(question.options)],
            "explanation": _md(question.explanation)}


def render_kit(course: Course) -> dict[str, str]:
    """Every kit document as HTML, by name."""
    settings = course.settings
    if settings.kit is None:
        raise KitUnavailable(f"{course.source.path}:1: the course has no `kit` settings (add `kit:` with a "
                             "`timetable` of the day's sessions; see docs/authoring.md)")
    outcomes = {o.id: o.text for o in settings.outcomes}
    modules = {m.id: ModuleView(
        m.id, m.title, tuple(m.pages),
        tuple(dict.fromkeys(o for p in m.pages for o in course.page(p).meta.outcomes)),
        tuple(point for p in m.pages for point in key_points(course.page(p)))) for m in settings.modules}
    pages = course.ordered_pages()
    cases = [{"id": p.meta.id, "title": p.meta.title, "intro": _md(p.body), "analysis": _md(p.meta.analysis),
              "module": course.module_id(p.meta.id),
              "stages": [{"title": s.title, "content": _md(s.content), "prompts": s.prompts,
                          "decisions": [_question(q) for q in s.decisions]} for s in p.meta.stages]}
             for p in pages if p.meta.kind == "case-study"]
    assessment = next((b.settings for b in course.banks if b.settings.kind == "assessment"), None)
    context = {
        "settings": settings, "kit": settings.kit, "outcomes": outcomes, "modules": modules, "cases": cases,
        "description": _md(settings.description),
        "sessions": [{"session": s, "instructions": _md(s.instructions),
                      "modules": [modules[m] for m in s.modules],
                      "cases": [c for c in cases if c["module"] in s.modules]} for s in settings.kit.timetable],
        "questions": [_question(q) for q in assessment.questions] if assessment else [],
        "handouts": [{"title": course.page(p).meta.title, "body": _md(course.page(p).body)}
                     for p in settings.kit.handout_pages],
        "evaluation": next((p.meta for p in pages if p.meta.ratings or p.meta.comments), None),
    }
    env = Theme.for_project(course.root).environment()
    return {name: render_template(env, f"kit/{name}.html", **context) for name in DOCUMENTS}


def to_pdf(html: str, base_url: str) -> bytes:
    """A tagged (PDF/UA) A4 PDF of a kit document."""
    try:
        import weasyprint
    except (ImportError, OSError):  # WeasyPrint raises OSError when it cannot load Pango
        raise KitUnavailable("the kit's PDFs need the Pango library that WeasyPrint draws text with (on Debian or "
                             "Ubuntu: apt-get install libpango-1.0-0 libpangoft2-1.0-0; elsewhere see WeasyPrint's "
                             "installation notes), and a working WeasyPrint (reinstall coursebuild)") from None
    pdf: bytes = weasyprint.HTML(string=html, base_url=base_url).write_pdf(pdf_variant="pdf/ua-1")
    return pdf
