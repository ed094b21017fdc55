"""The training-day kit: facilitator guide, handouts, questionnaire and answer key, case-study
cards, attendance and evaluation sheets, as print-ready HTML and tagged PDF (WeasyPrint).

Every word comes from the course source, apart from the templates' fixed labels.
"""

from __future__ import annotations

import hashlib
import html as html_lib
import posixpath
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import quote, unquote, urlsplit

from lxml import html as lxml_html
from markupsafe import Markup

from builder.errors import CoursebuildError, Problem
from builder.markup import convert, convert_inline
from builder.media import (
    AUDIO_TYPES,
    MAX_PICTURE_PIXELS,
    MAX_SVG_COPIES,
    PACKAGED_FOLDERS,
    RASTER_PICTURE_TYPES,
    VIDEO_TYPES,
    archive_name,
    packaged_bytes,
    picture_pixels,
    readable_problem,
    rewrite_local_images,
    svg_drawing_problem,
    svg_for_drawing,
)
from builder.model import OPTION_LABELS, Bank, Course, Option, Page, Question
from builder.theme import Theme, inline, inside_templates, render_template

DOCUMENTS = ("facilitator-guide", "handouts", "questionnaire", "answer-key", "case-study-cards",
             "attendance-sheet", "evaluation-sheet")


class KitUnavailable(CoursebuildError):
    """The kit cannot be made for this course or on this machine."""


@dataclass(frozen=True)
class ModuleView:
    id: str
    title: str
    pages: tuple[str, ...]
    outcomes: tuple[str, ...]
    key_points: tuple[Markup, ...]


#: The folder the kit's documents are read from (WeasyPrint's base URL): page bodies' relative paths work as written.
BASE_FOLDER = "course/pages"
#: The most bytes (UTF-8) one kit document may render before WeasyPrint lays it out: WeasyPrint takes about
#: 100 times the time and memory per MB of the web build (11 MB took it over 120 s and 1.1 GB). A document of
#: this course renders at most 40 KB.
MAX_KIT_RENDERED_BYTES = 2 * 1024 * 1024


def _md(text: str | None, folder: str = BASE_FOLDER) -> Markup:
    """Markdown written in the project folder `folder` as HTML, its images found from BASE_FOLDER."""
    return _located(convert(text).html, folder) if text else Markup("")


def _located(html: str, folder: str) -> Markup:
    html = _printable(html)
    if folder == BASE_FOLDER:
        return Markup(html)
    # quoted: a file name's `#`, `?` or `%` would otherwise start a fragment or a query, or an escape
    return Markup(rewrite_local_images(html, folder, lambda path: quote(posixpath.relpath(path, BASE_FOLDER))))


def _printable(html: str) -> str:
    """`html` as paper can show it: a video or audio file (written as an image) becomes its description,
    "Video: <alt text>", and a link to a file of the project (a PDF, a page) becomes its text, which
    neither a printed sheet nor the kit's folder can follow. Links to web sites stay."""
    if "<img" not in html and "<a" not in html:
        return html
    root = lxml_html.fragment_fromstring(html, create_parent="div")
    changed = False
    for element in list(root.iter("img", "a")):
        parts = urlsplit(element.get("src" if element.tag == "img" else "href", ""))
        if parts.scheme or parts.netloc or not parts.path:
            continue
        suffix = posixpath.splitext(unquote(parts.path))[1].lower()
        if element.tag == "a":
            element.drop_tag()
        elif suffix in VIDEO_TYPES | AUDIO_TYPES:
            note = lxml_html.Element("span", {"class": "media-note"})
            note.text = f"{'Video' if suffix in VIDEO_TYPES else 'Audio'}: {element.get('alt', '')}"
            note.tail = element.tail
            element.getparent().replace(element, note)
        else:
            continue
        changed = True
    if not changed:
        return html
    return (root.text or "") + "".join(lxml_html.tostring(child, encoding="unicode") for child in root)


def key_points(page: Page) -> list[Markup]:
    """The contents of a page's key-learning-point callouts."""
    html = _printable(convert(page.body).html)
    if "key-point" not in html:
        return []
    root = lxml_html.fragment_fromstring(html, create_parent="div")
    points = []
    for box in root.xpath("//div[contains(concat(' ', @class, ' '), ' key-point ')]"):
        for title in box.xpath("./p[contains(@class, 'admonition-title')]"):
            box.remove(title)
        points.append(Markup("".join(lxml_html.tostring(child, encoding="unicode") for child in box)))
    return points


def paper_order(course_id: str, question: Question) -> list[Option]:
    """The options in the fixed shuffled order of the printed questionnaire and its answer key.

    Unpinned options are sorted by a SHA-256 digest of course id, question id and option id, so the
    order looks random, is the same in every build, and follows an option when others are added.
    Pinned options keep their written positions.
    """
    def digest(option: Option) -> str:
        return hashlib.sha256(f"{course_id}\n{question.id}\n{option.id}".encode()).hexdigest()

    moving = iter(sorted((o for o in question.options if not o.pinned), key=digest))
    return [o if o.pinned else next(moving) for o in question.options]


def fixed_order(course_id: str, bank: Bank, question: Question) -> list[Option]:
    """The options of a bank's question in the one order fixed outputs use (the printed questionnaire, its
    answer key, and exports that cannot shuffle): `paper_order` when the bank shuffles, else as written."""
    return paper_order(course_id, question) if bank.settings.shuffle_options else list(question.options)


def _question(question: Question, folder: str, options: list[Option] | None = None) -> dict[str, Any]:
    """A question written in the project folder `folder` (its bank's or its page's), its options in `options`' order."""
    def phrasing(text: str) -> Markup:
        return inline(_located(convert_inline(text).html, folder))

    return {"id": question.id, "stem": phrasing(question.stem), "type": question.type,
            "options": [{"label": OPTION_LABELS[i], "text": phrasing(o.text), "correct": o.correct,
                         "feedback": _md(o.feedback, folder)} for i, o in enumerate(options or question.options)],
            "explanation": _md(question.explanation, folder)}


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

    def folder(page: Page) -> str:
        return posixpath.dirname(page.source.path)

    cases = [{"id": p.meta.id, "title": p.meta.title, "intro": _md(p.body, folder(p)),
              "analysis": _md(p.meta.analysis, folder(p)), "module": course.module_id(p.meta.id),
              "stages": [{"title": s.title, "content": _md(s.content, folder(p)), "prompts": s.prompts,
                          "decisions": [_question(q, folder(p)) for q in s.decisions]} for s in p.meta.stages]}
             for p in pages if p.meta.kind == "case-study"]
    assessment = next((b for b in course.banks if b.settings.kind == "assessment"), None)
    folder_of_course = posixpath.dirname(course.source.path)
    context = {
        "settings": settings, "kit": settings.kit, "outcomes": outcomes, "modules": modules, "cases": cases,
        "description": _md(settings.description, folder_of_course),
        "sessions": [{"session": s, "instructions": _md(s.instructions, folder_of_course),
                      "modules": [modules[m] for m in s.modules],
                      "cases": [c for c in cases if c["module"] in s.modules]} for s in settings.kit.timetable],
        "questions": [_question(q, posixpath.dirname(assessment.source.path), fixed_order(settings.id, assessment, q))
                      for q in assessment.settings.questions] if assessment else [],
        "handouts": [{"title": course.page(p).meta.title, "body": _md(course.page(p).body, folder(course.page(p)))}
                     for p in settings.kit.handout_pages],
        "evaluation": next((p.meta for p in pages if p.meta.ratings or p.meta.comments), None),
    }
    env = Theme.for_project(course.root).environment()
    return {name: render_template(env, f"kit/{name}.html", max_bytes=MAX_KIT_RENDERED_BYTES, **context)
            for name in DOCUMENTS}


def with_media(html: str, project: Path, document: str) -> tuple[str, dict[str, bytes], list[Problem]]:
    """A kit document as it is saved in the kit's folder: each local image shown from the kit's own `media/`
    folder under its archive name (`media.archive_name`), and those files, by path in the kit folder, cleaned
    as the packages clean them (`media.packaged_bytes`); with a problem for each image that may not be read.

    The kit's documents are rendered with paths from `course/pages/` (for the PDFs); the HTML files are read
    from the kit folder, where `../media/…` would not exist. Only files inside course/ and quizzes/ are read
    (`media.readable_problem`), whatever a template writes: any other `src` is a problem at the line of the
    project's template that writes it (found by its text; else the document's template, line 1).
    """
    files: dict[str, bytes] = {}
    problems: list[Problem] = []

    def locate(match: re.Match[str]) -> str:
        written = html_lib.unescape(match.group(2))
        parts = urlsplit(written)
        if parts.scheme or parts.netloc or not parts.path:
            return match.group(0)
        path = posixpath.normpath(posixpath.join(BASE_FOLDER, unquote(parts.path)))
        refused = readable_problem(project, path)
        if refused:
            where, line = _written_at(project, document, written)
            problems.append(Problem(where, line, f"image `{written}` {refused[0]}, so the kit cannot show it",
                                    f"{refused[1]}; a kit template's image paths start from {BASE_FOLDER}/"))
            return match.group(0)
        drawing = svg_drawing_problem((project / path).read_bytes()) if path.lower().endswith(".svg") else None
        if drawing:  # a template's own picture, which validation does not see
            problems.append(Problem(path, *drawing))
            return match.group(0)
        data = packaged_bytes(project, path)
        name = f"media/{archive_name(path, data)}"
        files[name] = data
        return f"{match.group(1)}{name}{match.group(3)}"

    return _IMAGE_SOURCE.sub(locate, html), files, problems


def _written_at(project: Path, document: str, text: str) -> tuple[str, int]:
    """The project template (`templates/kit/…`, the document's own first) and line that contains `text`;
    the document's template and line 1 if none does (the path was made by template code)."""
    own = f"templates/kit/{document}.html"
    folder = project / "templates" / "kit"
    others = sorted(p.relative_to(project).as_posix() for p in folder.glob("*.html")) if folder.is_dir() else []
    for name in dict.fromkeys([own, *others]):
        real = inside_templates(project / "templates", project / name)
        if real is not None:
            for number, line in enumerate(real.read_text("utf-8", "replace").splitlines(), 1):
                if text in html_lib.unescape(line):
                    return name, number
    return own, 1


#: The `src` of an <img> in a rendered kit document (templates write attributes in double quotes).
_IMAGE_SOURCE = re.compile(r'(<img\b[^>]*?\ssrc=")([^"]*)(")')


def to_pdf(html: str, project: Path) -> bytes:
    """A tagged (PDF/UA) A4 PDF of a kit document whose relative links start in `course/pages/`.

    Works offline and reads only the project's own files: WeasyPrint fetches nothing but files inside
    course/ and quizzes/ (no remote URLs, no files elsewhere on the computer); anything else is left out. An SVG
    is drawn as `media.svg_for_drawing` gives it: without its `<image>` elements, so it never draws another SVG.
    """
    try:
        import weasyprint
        from weasyprint import urls
    except (ImportError, OSError):  # WeasyPrint raises OSError when it cannot load Pango
        raise KitUnavailable("the kit's PDFs need the Pango library that WeasyPrint draws text with (on Debian or "
                             "Ubuntu: apt-get install libpango-1.0-0 libpangoft2-1.0-0; elsewhere see WeasyPrint's "
                             "installation notes), and a working WeasyPrint (reinstall coursebuild)") from None
    folders = [(project / folder).resolve() for folder in PACKAGED_FOLDERS]

    def refuse_outside(url: str) -> None:
        parts = urlsplit(url)
        path = Path(unquote(parts.path)).resolve() if parts.scheme == "file" else None
        if path is None or not any(path.is_relative_to(folder) for folder in folders):
            raise ValueError(f"{url} is not fetched: the kit reads only files in course/ and quizzes/")
        if path.suffix.lower() in RASTER_PICTURE_TYPES and (picture_pixels(path) or 0) > MAX_PICTURE_PIXELS:
            raise ValueError(f"{url} is not fetched: it has over {MAX_PICTURE_PIXELS:,} pixels")  # never decoded

    class ProjectFetcher(urls.URLFetcher):  # type: ignore[misc]  # WeasyPrint has no type hints
        def fetch(self, url: str, headers: Any = None) -> Any:
            refuse_outside(url)
            response = super().fetch(url, headers)
            try:
                drawn = svg_for_drawing(response.read())
            finally:
                response.close()
            if drawn is None:  # validation reports a linked one; a kit template's is reported by with_media
                raise ValueError(f"{url} is not fetched: drawing it makes more than {MAX_SVG_COPIES:,} copies")
            return urls.URLFetcherResponse(response.url, drawn, response.headers, response.status)

    base_url = (project / BASE_FOLDER).resolve().as_uri() + "/"
    pdf: bytes = weasyprint.HTML(string=html, base_url=base_url, url_fetcher=ProjectFetcher()).write_pdf(
        pdf_variant="pdf/ua-1")
    return pdf
