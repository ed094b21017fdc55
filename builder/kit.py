"""The training-day kit: facilitator guide, handouts, questionnaire and answer key, case-study
cards, attendance and evaluation sheets, as print-ready HTML and tagged PDF (WeasyPrint).

Every word comes from the course source, apart from the templates' fixed labels.
"""

from __future__ import annotations

import contextlib
import functools
import hashlib
import html as html_lib
import io
import itertools
import json
import logging
import math
import mimetypes
import os
import posixpath
import re
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Callable, Iterable, Iterator
from urllib.parse import quote, unquote

import jinja2
from lxml import etree
from lxml import html as lxml_html
from markupsafe import Markup

from builder import cache, media_time
from builder.active_content import MAX_TAG_ATTRIBUTES, crowded_at, emptied
from builder.bounded import Allowance, ChildFailed, bounded, reason_of
from builder.errors import CoursebuildError, CourseInvalid, Problem, Severity
from builder.line_breaking import least_min_content, most_max_content, slow_path_cost
from builder.loading import COURSE_FILE
from builder.markup import HTML_INTEGER, cleaner, convert, convert_inline, fragment, html_depth
from builder.media import (
    AUDIO_TYPES,
    MAX_CASCADE_TRIES,
    MAX_PICTURE_PIXELS,
    RASTER_PICTURE_TYPES,
    SVG_FIGURE_SECONDS,
    VIDEO_TYPES,
    SelectorTooComplex,
    archive_name,
    cascade_tries,
    decoding_problem,
    file_content_problem,
    packaged_bytes,
    picture_pixels,
    picture_seconds,
    read_regular,
    readable_problem,
    rewrite_local_images,
    selector_matcher,
    signed_picture,
    size_problem,
    style_rules,
    svg_drawing,
    svg_drawing_problem,
    svg_for_drawing,
)
from builder.model import OPTION_LABELS, Bank, Course, Option, Page, Question
from builder.own_templates import Made, decoded_text, encoded_text, run
from builder.project_urls import (
    ESCAPED_PATH_SYNTAX,
    INVALID_URL,
    InvalidURL,
    hides_path_syntax,
    join_url,
    split_or_none,
    split_url,
)
from builder.sources import source_listing
from builder.theme import (
    BuiltInBound,
    TemplateProblem,
    Theme,
    inline,
    inside_templates,
    overrides_templates,
    render_template,
)

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
# What one kit document may ask WeasyPrint for. WeasyPrint's cost is per page and per box, not per byte: 2,000
# pages of `<p>x</p>` (16 KB) took it 30 s and 270 MB, a 2 MB document 67 s and 595 MB. This course's largest
# document (the questionnaire) renders 36 KB, 559 elements nested 8 deep, and the facilitator guide 17 pages,
# each in under 1.5 s of processor time and 110 MB: the bounds leave 7 to 20 times that.
#: The most bytes (UTF-8) one kit document may render, checked while the template renders.
MAX_KIT_RENDERED_BYTES = 256 * 1024
#: The most HTML elements in one kit document (counted as start tags; each is at least one box to lay out).
MAX_KIT_ELEMENTS = 5_000
#: The deepest nesting of elements in one kit document: WeasyPrint builds and lays out boxes recursively, and
#: 140 nested `<div>` exceed Python's recursion limit (a RecursionError) in it.
MAX_KIT_DEPTH = 64
#: How deep a page's own HTML may nest for the kit: MAX_KIT_DEPTH less room for the templates' wrappers (8 here).
MAX_KIT_BODY_DEPTH = MAX_KIT_DEPTH - 16
#: The most pages one kit document may lay out: WeasyPrint is stopped at the next one (`p{break-after:page}`
#: made 10,000 pages of 121 bytes of template).
MAX_KIT_PAGES = 200
#: The most style sheets one kit document may load through `<link>` and `@import`, counted again for each time one
#: is loaded: `check` refuses more (`backgrounds`), and the kit's fetcher refuses a style sheet past it, a guard
#: WeasyPrint lacks against an `@import` cycle (18-verify16 F2: two self-imports made more than 80,000 fetches).
MAX_KIT_SHEETS = 64
#: The most `@font-face` rules WeasyPrint loads a font for in one kit document (its sheets' and its SVG figures'),
#: and the most bytes of fonts it loads for them (a WOFF or WOFF2 font counted at its size unpacked, as its header
#: gives it): WeasyPrint writes a copy of the font of each rule to a file, so ten rules naming a 50 MB font of zeros
#: (50 KB in git) wrote 500 MB, 200 of them 9.4 GB (issue 18, eighteenth verification, B1). A rule past either is
#: left out, as a font that cannot be loaded is: its text is drawn in another font. This course loads none.
MAX_KIT_FONT_FACES = 32
MAX_KIT_FONT_BYTES = 64 * 1024 ** 2
#: The processor time (s) WeasyPrint may take for one document, and the memory (bytes of address space) it may
#: add to this process's: what the bounds above do not foresee (20 nested `display:flex` boxes take it hours) stops
#: there. Enforced in a forked child process (`resource.setrlimit`) where the system has fork; Linux enforces both.
MAX_KIT_SECONDS = 30
MAX_KIT_MEMORY = 1024 ** 3
#: The most processor time (s), measured, WeasyPrint may take for all the kit's documents together (their children's
#: time added up as each ends): each document has MAX_KIT_SECONDS of its own, and the seven one after the other could
#: take 210 s after `check` said ok, should a route past the bounds above be found (a `templates/kit/base.html` that
#: reaches every document; issue 18, ninth verification, Y5). This course's seven take about 3.8 s in all. The child
#: of a document made with less than MAX_KIT_SECONDS left is bounded by what is left (`pdfs`).
MAX_KIT_TOTAL_SECONDS = 60


def _md(text: str | None, folder: str = BASE_FOLDER) -> Markup:
    """Markdown written in the project folder `folder` as HTML, its images found from BASE_FOLDER."""
    return _located(convert(text).html, folder) if text else Markup("")


#: The classes the built-in kit style sheet gives a look of its own (`.box`: a 10 pt wide inline block, in which
#: WeasyPrint breaks text at quadratic cost, issue 18, twenty-first verification, D2): its templates' own, which
#: the author's Markdown (sanitised HTML) may not take on (`_kit_classes_dropped`). Read from the style sheet itself.
KIT_CLASSES = frozenset(re.findall(r"\.(-?[_a-zA-Z][\w-]*)", re.sub(r"\{\{.*?\}\}", "", re.search(
    r"<style>(.*?)</style>", (Path(__file__).parent / "templates" / "kit" / "base.html").read_text("utf-8"),
    re.DOTALL)[1])))  # type: ignore[index]  # the built-in template has its style sheet (Jinja's `{{ }}` left out)


def _kit_classes_dropped(tag: str, name: str, value: str) -> str | None:
    """The `class` attribute `value` of author's HTML without KIT_CLASSES (None if none is left); any other
    attribute as it is (an `nh3` attribute filter, `tag` unused)."""
    if name != "class" or not KIT_CLASSES.intersection(value.split()):
        return value
    return " ".join(token for token in value.split() if token not in KIT_CLASSES) or None


_KIT_CLEANER = cleaner(_kit_classes_dropped)


def _located(html: str, folder: str) -> Markup:
    """The author's converted Markdown `html`, written in the project folder `folder`, as the kit shows it: without
    the kit style sheet's own classes (KIT_CLASSES), `_printable`, its images found from BASE_FOLDER."""
    html = _printable(_KIT_CLEANER.clean(html) if "class=" in html else html)
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
    root = fragment(html)
    changed = False
    for element in list(root.iter("img", "a")):
        parts = split_or_none(element.get("src" if element.tag == "img" else "href", ""))
        if parts is None or parts.scheme or parts.netloc or not parts.path:
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
    root = fragment(html)
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
    assessment = _assessment(course)
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
        "evaluation": evaluation.meta if (evaluation := _evaluation(course)) else None,
    }
    env = Theme.for_project(course.root).environment()
    return {name: _rendered(course, env, name, context) for name in DOCUMENTS}


def _page_at(course: Course, passes: Callable[[str], bool], needle: str, otherwise: tuple[str, int]) -> tuple[str, int]:
    """Where a kit document's problem of size is written: the first page whose body the kit shows (a handout page,
    a case study) that passes the bound by itself (`passes` of its body's HTML), at the first line of its body that
    holds `needle` (the body's first line if none does); else `otherwise` (`_content_at`'s path and line: the
    document's content together passes it). 18-verify22 F5: a handout page's table of 2,001 columns was reported at
    `handout_pages` in course.yaml."""
    shown = set(course.settings.kit.handout_pages if course.settings.kit else ())
    for page in course.ordered_pages():
        if (page.meta.id in shown or page.meta.kind == "case-study") and passes(convert(page.body).html):
            index = page.body.find(needle)
            return page.source.path, page.body_line + (page.body.count("\n", 0, index) if index >= 0 else 0)
    return otherwise


def _assessment(course: Course) -> Bank | None:
    """The course's first assessment bank, whose questions the questionnaire and the answer key show."""
    return next((b for b in course.banks if b.settings.kind == "assessment"), None)


def _evaluation(course: Course) -> Page | None:
    """The first page, in course order, with ratings or comments: the one the evaluation sheet shows."""
    return next((p for p in course.ordered_pages() if p.meta.ratings or p.meta.comments), None)


def _rendered(course: Course, env: jinja2.Environment, document: str, context: dict[str, Any]) -> str:
    """The kit document `document` rendered, at most MAX_KIT_RENDERED_BYTES. A built-in template that passes that
    bound or another (`theme.BuiltInBound`) raises CourseInvalid with one problem at the author's line that fills
    it (`_content_at`): the built-in template is not at fault, and the project has no copy to fix (a course title of
    100,000 characters was blamed on `templates/kit/base.html`; issue 18, 18-verify18 C8)."""
    try:
        return render_template(env, f"kit/{document}.html", max_bytes=MAX_KIT_RENDERED_BYTES, **context)
    except BuiltInBound as passed:
        path, line, fix = _content_at(course, document)
        too_large = f"the kit's {document} document is too large for coursebuild's template of it: {passed.reason}"
        raise CourseInvalid([Problem(path, line, too_large, fix)]) from None


#: For each kit document: where in course.yaml the author writes what fills it most, and how to make it smaller
#: (`_content_at`). The questionnaire and the answer key show the assessment bank's questions.
_CONTENT = {
    "facilitator-guide": (("kit", "timetable"), "make the sessions' instructions, the outcomes, the modules' key "
                          "points or the case studies shorter, or fewer"),
    "handouts": (("kit", "handout_pages"), "list fewer or shorter pages in `handout_pages`, or make the modules' "
                 "key points shorter"),
    "case-study-cards": (("modules",), "make the case studies (pages of kind case-study) shorter, or fewer"),
}
_QUESTIONS_FIX = "make the assessment bank's questions, options and feedback shorter, or fewer"
_EVALUATION_FIX = "give the evaluation page fewer or shorter ratings and comments"


def _content_at(course: Course, document: str) -> tuple[str, int, str]:
    """(project path, line, fix) of a problem with the size of the kit document `document`: the project's template of
    it if it has one (`_document_source`, line 1); else the author's line whose content fills the built-in template
    (`_CONTENT`; the assessment bank's `questions` for the questionnaire and the answer key, the evaluation page's
    `ratings` for the evaluation sheet)."""
    where = _document_source(course.root, document)
    if where != COURSE_FILE:
        return where, 1, "show less in it, or make fewer elements"
    assessment = _assessment(course)
    if document in ("questionnaire", "answer-key") and assessment is not None:
        return assessment.source.path, assessment.source.line("questions"), _QUESTIONS_FIX
    evaluation = _evaluation(course)
    if document == "evaluation-sheet" and evaluation is not None:
        return evaluation.source.path, evaluation.source.line("ratings"), _EVALUATION_FIX
    location, fix = _CONTENT.get(document, (("kit",), "show less in it"))
    return course.source.path, course.source.line(*location), fix


#: The most bytes of image files `with_media` reads for the kit's documents of one command (each file once, however
#: often and wherever it is shown): the kit's folder carries them and its PDFs hold them. Each file is read, checked
#: and hashed once (`KitMedia`); 100 `<img>` of one 50 MB file read it 100 times, and 35,000 (5,000 in each of the
#: seven documents) would have taken 1.5 hours in `check` (issue 18, twentieth verification, A2).
MAX_KIT_MEDIA_BYTES = 512 * 1024 ** 2
#: The most images of one kit document that cannot be shown (`with_media`) that are each located at their template
#: line (a search through every kit template): past it, one line says there are more. A 16 MB template made each
#: search take a second, and a document of 15,000 such images hours (issue 18, twentieth verification, A1).
MAX_KIT_IMAGE_PROBLEMS = 10
#: The most different image files (project paths) one kit document may show (`with_media`): one for each page it may
#: have (MAX_KIT_PAGES). Each is read and checked once a command; 5,000 tiny SVGs in each document would take minutes.
MAX_KIT_IMAGES = 200
#: The most processor time (s) WeasyPrint may take at worst to encode again the different pictures of one kit document
#: (`with_media`, each priced by `encoding_seconds` from its header), of the 30 s its child may take (MAX_KIT_SECONDS):
#: the rest is for its text and drawings. At the worst rates (`media.PICTURE_SECONDS_PER_MEGAPIXEL`): 12 megapixels of
#: opaque PNG, 107 megapixels of photographs with EXIF data (eight of a phone's 12-megapixel ones). Before, 20 million
#: pixels were counted alike whatever their kind: two 9.9-megapixel PNGs of random bytes of 0 and 255 with an eXIf
#: chunk passed `check` and took `kit` 24.9 s, where seven 12-megapixel phone photographs were refused (issue 18,
#: twenty-sixth verification, M2, M4); 24 white PNGs of 40 megapixels each (131 KB on disk each) on a handout page
#: passed `check` and took `kit` past its bound (18-verify24 H4); four plain 12-megapixel photographs, which
#: WeasyPrint embeds as they are, were refused (18-verify25 K2).
MAX_KIT_DOCUMENT_SECONDS = 15.0


@dataclass(frozen=True)
class _Read:
    """What `with_media` found of one image file: its path in the kit's folder and its bytes as the kit carries
    them; or why it may not be read (what is wrong, how to fix it; reported where a template shows it); or a
    problem of the file itself (reported at the file)."""

    name: str = ""
    data: bytes = b""
    #: WeasyPrint takes to encode it again (`encoding_seconds`), as the kit's style sheets leave it and turned by them;
    #: 0 if Pillow does not read it
    seconds: tuple[float, float] = (0.0, 0.0)
    refused: tuple[str, str] | None = None
    problem: Problem | None = None


class KitMedia:
    """What `with_media` read for the kit's documents of one command (`check` or `kit`), so that its work after the
    templates' bounded child grows with the distinct images and texts, not with each time one is shown: each image
    file's outcome (`_Read`), by project path, and the project's kit templates (`_KitTemplates`), each read once."""

    def __init__(self, project: Path, course: Course | None = None):
        self.project = project
        self.course = course  # to find the page that shows a picture (`shown_at`); None: the templates only
        self.templates = _KitTemplates(project)
        self.read: dict[str, _Read] = {}
        self.bytes = 0  # of the files read, at most MAX_KIT_MEDIA_BYTES

    def image(self, path: str) -> _Read:
        """The outcome of the image file `path` (a project path), found the first time it is asked for."""
        if path not in self.read:
            self.read[path] = self._checked(path)
        return self.read[path]

    def shown_at(self, document: str, written: str) -> tuple[str, int]:
        """Where the kit document `document` shows the image `written` (its `src` as written): the first page the
        kit shows whose body shows it (`_page_at`), at the first line of that body holding `written`; else the project
        template and line that writes it (`_KitTemplates.written_at`)."""
        otherwise = self.templates.written_at(document, written)
        return otherwise if self.course is None else \
            _page_at(self.course, lambda body: written in html_lib.unescape(body), written, otherwise)

    def _checked(self, path: str) -> _Read:
        refused = readable_problem(self.project, path) or size_problem(self.project, path)
        if refused:
            return _Read(refused=(refused[0], f"{refused[1]}; a kit template's image paths start from {BASE_FOLDER}/"))
        size = (self.project / path).stat().st_size
        if self.bytes + size > MAX_KIT_MEDIA_BYTES:
            return _Read(refused=(f"would take the images of the kit's documents past {MAX_KIT_MEDIA_BYTES // 2**20} MB"
                                  " in all", "show fewer or smaller images in the kit"))
        self.bytes += size
        data = (self.project / path).read_bytes()
        drawn = not left_out(path, data)  # not a picture the kit leaves out (`left_out`): drawn, and its pixels count
        # WeasyPrint draws any XML as SVG whatever its name says; also a template's own picture, which validation
        drawing = svg_drawing_problem(data) if drawn else None  # does not see
        if drawing:
            return _Read(problem=Problem(path, *drawing))
        if decoding := decoding_problem(data):  # a template's own (validation reports a page's), by its content
            return _Read(problem=Problem(path, 1, f"this picture {decoding[0]}", decoding[1]))
        if posixpath.splitext(path)[1].lower() not in RASTER_PICTURE_TYPES and _too_many_pixels(data):
            # a picture by its content under another name (`map.dat`), which no other check reads as a picture
            return _Read(problem=Problem(path, 1, f"this picture has over {MAX_PICTURE_PIXELS:,} pixels (by its "
                                         "content, whatever its name), more than the kit's PDFs may hold",
                                         "make it smaller, or show a smaller copy"))
        if empty := emptied(data, posixpath.splitext(path)[1]):  # a template's own (validation reports a page's)
            return _Read(problem=Problem(path, empty[0], f"this picture {empty[1]}, so the kit would carry it as an "
                                         "empty file", empty[2]))
        seconds = (encoding_seconds(data), encoding_seconds(data, turned=True)) if drawn else (0.0, 0.0)
        data = packaged_bytes(self.project, path)
        return _Read(name=f"media/{archive_name(path, data)}", data=data, seconds=seconds)


def with_media(html: str, project: Path, document: str,
               media: KitMedia | None = None) -> tuple[str, dict[str, bytes], list[Problem]]:
    """A kit document as it is saved in the kit's folder: each local image shown from the kit's own `media/`
    folder under its archive name (`media.archive_name`), and those files, by path in the kit folder, cleaned
    as the packages clean them (`media.packaged_bytes`); with a problem for each image that may not be read, or
    that the PDF would draw as an SVG `media.svg_drawing_problem` refuses (a picture whose content is not what its
    name says is copied as the web package carries it, and left out of the PDF: `left_out`).

    The kit's documents are rendered with paths from `course/pages/` (for the PDFs); the HTML files are read
    from the kit folder, where `../media/…` would not exist. Only files inside course/ and quizzes/ are read
    (`media.readable_problem`), no larger than their kind may be (`media.size_problem`), MAX_KIT_MEDIA_BYTES of
    them in all, MAX_KIT_IMAGES different ones in one document (then one line), MAX_KIT_DOCUMENT_SECONDS of
    processor time WeasyPrint takes at worst to encode again the different pictures of one document
    (`encoding_seconds`; then one line, at the picture that passes it: `KitMedia.shown_at`; with it the PDF would
    not be made within its bound on time): any other `src` is a problem at the line of the project's template that
    writes it (found by its text; else the document's template, line 1), for the first
    MAX_KIT_IMAGE_PROBLEMS of them, then one line more.
    `media` is what was read for the command's other documents (`KitMedia`; a new one if None): each file is read
    and each text located once.
    """
    media = KitMedia(project) if media is None else media
    files: dict[str, bytes] = {}
    found: dict[Problem, None] = {}  # of the files themselves: one line for a picture shown twice
    refused: dict[str, tuple[str, str]] = {}  # what may not be shown, as written -> (what is wrong, how to fix it)
    shown: set[str] = set()  # the project paths, at most MAX_KIT_IMAGES
    past: set[str] = set()  # those left as written, past it

    def locate(match: re.Match[str]) -> str:
        try:
            quote, written, path = _image_source(match)
        except InvalidURL as invalid:
            refused.setdefault(invalid.args[0], INVALID_URL)
            return match.group(0)
        if path is None:
            return match.group(0)
        if path not in shown and len(shown) == MAX_KIT_IMAGES:
            past.add(path)
            return match.group(0)
        read = media.image(path)
        shown.add(path)
        if read.refused:
            refused.setdefault(written, (f"{read.refused[0]}, so the kit cannot show it", read.refused[1]))
        elif read.problem:
            found[read.problem] = None
        else:
            files[read.name] = read.data
            return f"{match.group(1)}{quote}{read.name}{quote}"
        return match.group(0)

    pieces, done = [], 0
    for _, source in _image_tags(html):
        if source is not None:
            pieces += [html[done:source.start()], locate(source)]
            done = source.end()
    saved = "".join([*pieces, html[done:]])
    problems = list(found)
    if (too_many := encoding_problem(html, document, media)) is not None:
        problems.append(too_many)
    if past:
        problems.append(Problem(_document_source(project, document), 1, f"the kit's {document} shows "
                                f"{len(shown) + len(past):,} different image files, more than the {MAX_KIT_IMAGES} "
                                "a kit document may", "show fewer different images in it"))
    for written, (what, fix) in itertools.islice(refused.items(), MAX_KIT_IMAGE_PROBLEMS):
        problems.append(Problem(*media.templates.written_at(document, written), f"image `{written}` {what}", fix))
    if len(refused) > MAX_KIT_IMAGE_PROBLEMS:
        problems.append(Problem(_document_source(project, document), 1, f"the kit's {document} has "
                                f"{len(refused) - MAX_KIT_IMAGE_PROBLEMS:,} more images it cannot show than the "
                                f"{MAX_KIT_IMAGE_PROBLEMS} listed (only so many are looked for in the templates)",
                                "fix those listed first, then check again"))
    return saved, files, problems


def encoding_problem(html: str, document: str, media: KitMedia, turned: bool = False,
                     named: Iterable[tuple[str, str, Callable[[], tuple[str, int]]]] = ()) -> Problem | None:
    """A problem at the picture that takes the different pictures the kit document `document` (its HTML, `html`)
    shows past MAX_KIT_DOCUMENT_SECONDS of processor time to encode again (`encoding_seconds`; `turned`: as its style
    sheets turn every picture, `backgrounds.turns_pictures`); None if they are within it. Its images (`_image_tags`)
    count first, the first MAX_KIT_IMAGES of them (`with_media`), shown at `KitMedia.shown_at`; then those its style
    sheets name by `url()` (`named`: project path, URL as written, where it is written; `backgrounds.named_pictures`:
    WeasyPrint encodes a background again as it does an `<img>`; 18-verify28 P3), each URL once, an image's file
    again: WeasyPrint keeps the pictures it has read by URL, and `with_media` points each image at the kit's one copy
    of its file, while a sheet's URL is read as written (`p.png` and `p.png?a` are two: a 9-megapixel PNG named so
    passed `check` after 72 s; 18-verify30 R1). Up to MAX_KIT_IMAGES different pictures in all: past them, a problem
    at the first that passes them."""
    seconds, shown, different = 0.0, set[str](), 0

    def images() -> Iterator[tuple[str, str, Callable[[], tuple[str, int]], bool]]:
        for _, source in _image_tags(html):
            try:
                _, written, path = ("", "", None) if source is None else _image_source(source)
            except InvalidURL:
                continue
            if path is not None:
                yield path, written, functools.partial(media.shown_at, document, written), False

    for path, written, at, by_sheets in itertools.chain(images(), ((*picture, True) for picture in named)):
        if not by_sheets and path in shown:
            continue
        if different == MAX_KIT_IMAGES:
            if not by_sheets:
                continue  # `with_media` refuses the images past it
            return Problem(*at(), f"image `{written}`, named by the style sheets of the kit's {document}, takes the "
                           f"different image files it shows past the {MAX_KIT_IMAGES} a kit document may show",
                           "show fewer different images in it")
        shown.add(path)
        different += 1
        seconds += media.image(path).seconds[turned]
        if seconds > MAX_KIT_DOCUMENT_SECONDS:
            how = ("as its style sheets turn them (`image-orientation`), each different picture by its size and kind, "
                   "a JPEG too" if turned else "each different picture by its size and kind, but a JPEG without EXIF "
                   "data, which is embedded as it is")
            return Problem(*at(), f"image `{written}` takes the pictures of the kit's {document} past "
                           f"{MAX_KIT_DOCUMENT_SECONDS:g} s of processor time in all to encode again for its PDF "
                           f"({how}), more than it may in time", "show fewer pictures in it, or smaller copies: an A4 "
                           "page at 300 dpi is 8.7 million" + (", or leave out `image-orientation`" if turned else ""))
    return None


def _image_source(match: re.Match[str]) -> tuple[str, str, str | None]:
    """Of an image's source matched by _IMAGE_SOURCE in a rendered kit document: its quote, its value as written
    (character references decoded), and the project path it names from BASE_FOLDER; None for a URL WeasyPrint
    does not read from the project (with a scheme or a host, or no path). InvalidURL for one that cannot be split
    (`project_urls.split_url`)."""
    quote, value = next((quote, value) for quote, value in zip(('"', "'", ""), match.groups()[2:], strict=True)
                        if value is not None)
    written = html_lib.unescape(value)
    parts = split_url(written)
    if parts.scheme or parts.netloc or not parts.path:
        return quote, written, None
    return quote, written, posixpath.normpath(posixpath.join(BASE_FOLDER, unquote(parts.path)))


#: The kinds of picture whose content must be what their name says for the kit to draw them.
_NAMED_PICTURES = RASTER_PICTURE_TYPES | {".svg"}


def left_out(path: str, data: bytes) -> bool:
    """Whether the kit's PDFs leave out the file `data` named `path` (a project path or a file name), as the slides
    do (`slides.usable`): a picture whose content is not what its name says (`media.file_content_problem`; `check`
    warns that learners see it as a broken image, and browsers show it so). WeasyPrint would draw whatever it finds
    in it instead: a `.png` holding an SVG as that SVG (18-verify8 X2). So is a PNG or JPEG by its content under
    another name (`media.signed_picture`) that `file_content_problem` finds damaged, as one by its name is."""
    return (posixpath.splitext(path)[1].lower() in _NAMED_PICTURES or signed_picture(data) is not None) \
        and file_content_problem(path, data) is not None


def encoding_seconds(picture: bytes, turned: bool = False) -> float:
    """The processor time (s) at worst WeasyPrint takes to encode the picture `picture` again to draw it in a PDF
    (`media.picture_seconds`), by what its header says and the rule of `weasyprint.images.RasterImage`, WeasyPrint 70,
    with the kit's options (no image optimisation, no JPEG quality, no resolution bound): 0 for a JPEG without EXIF
    data (embedded as it is) or what Pillow does not read; a JPEG with EXIF data is decoded, turned upright
    (`exif_transpose` copies it, whatever its orientation) and encoded again as JPEG; an opaque PNG of grey or colour
    pixels is written once as PNG data; any other picture (a palette, bilevel, 16- or 32-bit, transparent or alpha
    PNG, a GIF, a WebP) twice (converted and written as PNG, then written again as PNG data; or its colours and its
    alpha apart); and any of these with EXIF data (a PNG's eXIf chunk before its data) once more, as the copy turned
    upright loses the data it would have embedded (issue 18, twenty-sixth verification, M2). `turned`: the kit's style
    sheets give it an `image-orientation` that turns or flips it (`backgrounds.turns_pictures`), so that WeasyPrint
    copies it turned whatever its EXIF data (`images.rotate_pillow_image`), and encodes a JPEG again as one with EXIF
    data (100 white 40-megapixel JPEGs took `kit` 29 s; 18-verify27 N3)."""
    from PIL import Image

    pixels = picture_pixels(picture) or 0
    if not pixels:
        return 0.0
    if pixels > MAX_PICTURE_PIXELS:  # refused before WeasyPrint sees it
        return math.inf
    with Image.open(io.BytesIO(picture)) as image:  # its header only, as picture_pixels read it
        turned = turned or "exif" in image.info
        if image.format in ("JPEG", "MPO"):
            return picture_seconds(pixels, "jpeg again") if turned else 0.0
        once = image.format == "PNG" and image.mode in ("L", "RGB") and "transparency" not in image.info
    return ((1 if once else 2) + turned) * picture_seconds(pixels, "png write")


def _too_many_pixels(picture: bytes | Path) -> bool:
    """Whether the file `picture` (its bytes or its path) is a picture of more than MAX_PICTURE_PIXELS pixels by its
    content, whatever its name: WeasyPrint opens any file it fetches with Pillow, which goes by its signature (an
    81-megapixel PNG named `big.dat` reached the PDF whole, and a 144-megapixel one made `kit` fail on memory; issue
    18, ninth verification, Y6). Read from its header only (`media.picture_pixels`)."""
    return (picture_pixels(picture) or 0) > MAX_PICTURE_PIXELS


class _KitTemplates:
    """The text of the project's kit templates (`templates/kit/*.html`), each read once and html-unescaped, in which
    `written_at` finds where a text of a rendered kit document is written, each text once."""

    #: Between a template's lines in its text: a line break (`str.splitlines` splits at it) that no character
    #: reference unescapes to (`html.unescape` drops U+001E), and that no reference's name holds; so a text found
    #: without it is found within one line.
    _LINE = "\x1e"

    def __init__(self, project: Path):
        self.project = project
        self._names: list[str] | None = None
        self._texts: dict[str, str | None] = {}
        self._found: dict[tuple[str, str], tuple[str, int]] = {}

    def written_at(self, document: str, text: str) -> tuple[str, int]:
        """The project template (`templates/kit/…`, the document's own first) and line that contains `text`;
        the document's template and line 1 if none does (the path was made by template code)."""
        own = f"templates/kit/{document}.html"
        if (document, text) not in self._found:
            self._found[document, text] = self._first(own, text)
        return self._found[document, text]

    def _first(self, own: str, text: str) -> tuple[str, int]:
        if self._names is None:
            folder = self.project / "templates" / "kit"
            self._names = sorted(p.relative_to(self.project).as_posix() for p in folder.glob("*.html")) \
                if folder.is_dir() else []
        for name in dict.fromkeys([own, *self._names]) if self._LINE not in text else []:
            written = self._text(name)
            if written is not None and (at := written.find(text)) >= 0:
                return name, written.count(self._LINE, 0, at) + 1
        return own, 1

    def _text(self, name: str) -> str | None:
        """The text of the kit template `name` (a project path), its lines unescaped and joined by _LINE; None if
        the project has no such template (or it leads out of templates/: `theme.inside_templates`)."""
        if name not in self._texts:
            real = inside_templates(self.project / "templates", self.project / name)
            self._texts[name] = None if real is None else \
                html_lib.unescape(self._LINE.join(real.read_text("utf-8", "replace").splitlines()))
        return self._texts[name]


def _written_at(project: Path, document: str, text: str) -> tuple[str, int]:
    """The project template (`templates/kit/…`, the document's own first) and line that contains `text`;
    the document's template and line 1 if none does (the path was made by template code): `_KitTemplates`."""
    return _KitTemplates(project).written_at(document, text)


#: HTML's white space (the HTML Standard's "ASCII whitespace", which its tokenizer skips between attributes), for
#: the patterns that read a kit document's tags: Python's `\s` also matches a no-break space, and `<img a=<NBSP>"x
#: src=…>` hid its `src` from `_IMAGE_SOURCE` (issue 18, sixteenth verification, F5).
_SPACE = " \t\n\f\r"
#: The first `src` of an element WeasyPrint draws a picture for (`<img>`, `<image>`, which HTML parsers make an
#: <img>, `<embed>`), or `data` of an `<object>`, in a rendered kit document: the tag and attributes before the
#: value (group 1), the value in double quotes (group 3), single quotes (4) or none (5). The attributes before it
#: are read one by one as HTML's tokenizer reads them (atomic groups: never a ` src=` inside another attribute's
#: value, and no backtracking; a name may start with `=`; names match case-insensitively in ASCII only, as HTML
#: lower-cases them: `ſrc` is not `src`).
_IMAGE_SOURCE = re.compile(
    rf"""(<(?:(im(?:g|age)|embed)|object)(?=[{_SPACE}/>])"""
    rf"""(?>[{_SPACE}/]*(?!(?(2)src|data)[{_SPACE}/>=])[^{_SPACE}/>][^{_SPACE}/>=]*+"""
    rf"""(?>[{_SPACE}]*=[{_SPACE}]*(?>"[^"]*"|'[^']*'|[^{_SPACE}"'>][^{_SPACE}>]*))?)*+"""
    rf"""[{_SPACE}/]*(?(2)src|data)[{_SPACE}]*=[{_SPACE}]*)(?:"([^"]*)"|'([^']*)'|([^{_SPACE}"'>][^{_SPACE}>]*))""",
    re.IGNORECASE | re.ASCII)
#: The whole tag of such an element, read as HTML's tokenizer reads a tag: its attributes one by one, a quoted value
#: (which may hold `>`) to its closing quote, up to the `>` that ends it or the end of the text. It matches wherever
#: such a tag starts (nothing in it can fail), so `_image_tags` reads each tag once, left to right: searched again at
#: each `<img` of a tag that failed to match `_IMAGE_SOURCE` to the end of the text, `_IMAGE_SOURCE` took 125 s of
#: processor time for `<img a` written 43,690 times (256 KB; issue 18, twentieth verification, A5).
_IMAGE_TAG = re.compile(
    rf"""<(?:im(?:g|age)|embed|object)(?=[{_SPACE}/>])(?:[{_SPACE}/]++|[^{_SPACE}/>][^{_SPACE}/>=]*+"""
    rf"""(?:[{_SPACE}]*+=[{_SPACE}]*+(?:"[^"]*+"?|'[^']*+'?|[^{_SPACE}>]*+))?+)*+>?""",
    re.IGNORECASE | re.ASCII)


def _image_tags(html: str) -> Iterator[tuple[re.Match[str], re.Match[str] | None]]:
    """Each tag of an `<img>`, `<image>`, `<embed>` or `<object>` in the rendered kit document `html` (`_IMAGE_TAG`),
    left to right, with its first source matched within it (`_IMAGE_SOURCE`; None if it has none). Linear in the
    length of `html`: each tag is read once, and no tag is looked for inside one (an image's tag holding a `<` is
    refused by `document_problems`, as it may hide a tag from this reading)."""
    for tag in _IMAGE_TAG.finditer(html):
        yield tag, _IMAGE_SOURCE.match(html, tag.start(), tag.end())
#: The start of an HTML element's start tag (text's `<` is written `&lt;`).
_START_TAG = re.compile(r"<[A-Za-z]")
#: A `<base>` element's start tag, which would move where WeasyPrint resolves a kit document's links
#: (`document_problems`).
_BASE_TAG = re.compile(f"<base[{_SPACE}/>]", re.IGNORECASE | re.ASCII)
#: What the text of a kit document that can show a background image holds, lower-cased: an image's function, or
#: what can hide one (a CSS escape, a sheet from elsewhere), or a character reference in a `style=` attribute.
_IMAGE_HINTS = ("url(", "gradient", "\\", "@import", "<link")
_STYLE_REFERENCE = re.compile(rf"style[{_SPACE}]*=[{_SPACE}]*(?:\"[^\"&]*&|'[^'&]*&|[^{_SPACE}>&]*&)")
#: A `position` declaration (or one with a comment before its colon): a box WeasyPrint may draw on every page, with
#: the figures in it (`backgrounds.shown_figures`).
_POSITION = re.compile(r"position\s*(?::|/\*)")


def document_problems(course: Course, document: str, html: str) -> list[Problem]:
    """What in the rendered kit document `document` WeasyPrint may not be asked to lay out: more than
    MAX_KIT_ELEMENTS elements, an element of more than `active_content.MAX_TAG_ATTRIBUTES` attributes (`crowded_at`,
    before the parsers below read it), elements nested more than MAX_KIT_DEPTH deep (`markup.html_depth`, an upper
    bound), a `<base>` element, an image's tag (`_image_tags`) whose attributes hold a `<` (a tag in a comment or
    an attribute's value, which may hide a real one), MAX_KIT_PAGES forced page breaks, or repeated backgrounds of
    more tiles than PDF viewers can draw (`backgrounds.tiling_problem`), or style rules whose selectors WeasyPrint
    cannot match quickly (`_cascade_problems`). Checked before WeasyPrint runs, by `check` and `kit`; what needs the
    document parsed in a bounded child if the project has templates of its own (`_analysed`). A crowded tag (or an
    image's) is reported at the template line that wrote it (`_tag_written_at`); too many elements, too deep a
    nesting, too many page breaks or table columns at the author's line whose content fills the document
    (`_content_at`: with the built-in templates, a handout page of 250 forced page breaks was reported at
    `course/course.yaml:1`; 18-verify18 B10), or too many elements, too wide a table or too costly text at the
    line of the page that passes the bound by itself (`_page_at`); anything else at `_document_source`."""
    where = _document_source(course.root, document)
    filled = _content_at(course, document)[:2]  # what the content makes too large: at the author's line of it
    problems = []
    elements = len(_START_TAG.findall(html))
    if elements > MAX_KIT_ELEMENTS:
        path, line, fix = _content_at(course, document)
        at = _page_at(course, lambda body: len(_START_TAG.findall(body)) > MAX_KIT_ELEMENTS, "<", (path, line))
        problems.append(Problem(*at, f"the kit's {document} has {elements:,} HTML elements, more than the "
                                f"{MAX_KIT_ELEMENTS:,} its PDF may lay out", fix))
    if (start := crowded_at(html)) is not None:  # before any parser reads it (tinyhtml5's time is their square)
        line = html.count("\n", 0, start) + 1
        problems.append(Problem(*_tag_written_at(course.root, document, html, start), f"the kit's {document} has an "
                                f"element with more than {MAX_TAG_ATTRIBUTES:,} attributes (on line {line} of the "
                                "document as rendered)", "give that element fewer attributes"))
    if base := _BASE_TAG.search(html):  # WeasyPrint resolves links, sheets and `url()`s from the first one; the
        # checks here read them from BASE_FOLDER (issue 18, twelfth verification, B1)
        problems.append(Problem(*_tag_written_at(course.root, document, html, base.start()), f"the kit's {document} "
                                "has a `<base>` element, which would make its PDF read links, style sheets and "
                                "pictures from elsewhere than `check` reads them", "remove the `<base>` element: a "
                                f"kit template's paths start from {BASE_FOLDER}/"))
    if spanning := next((tag for tag, _ in _image_tags(html) if html.find("<", tag.start() + 1, tag.end()) >= 0),
                        None):
        # `_image_tags` reads tags in text HTML does not (a comment, an attribute's value, a `<textarea>`), and such a
        # tag may hold a real `<img>` in its attributes, which `check` would then not count (18-verify16 F5)
        problems.append(Problem(*_tag_written_at(course.root, document, html, spanning.start()), f"the kit's "
                                f"{document} has an `<img>`, `<embed>` or `<object>` tag whose attributes hold a `<` "
                                "(or one written in a comment or an attribute's value), so `check` cannot tell which "
                                "pictures its PDF shows", "write `<` as `&lt;` in attribute values and text, and "
                                "remove commented-out tags"))
    depth = html_depth(html)
    if depth > MAX_KIT_DEPTH:
        problems.append(Problem(*filled, f"the kit's {document} nests HTML elements {depth:,} levels deep, more "
                                f"than the {MAX_KIT_DEPTH} its PDF may lay out",
                                "nest fewer elements inside each other"))
    return problems or _analysed(course.root, document,
                                 lambda: _parsed_problems(course, document, html, where, filled))


#: No spacing of text beyond the kit font's advances (`relaid_text`), as the built-in style sheets give its tables.
_NO_SPACING = (0.0, 0.0)


def _parsed_problems(course: Course, document: str, html: str, where: str,
                     filled: tuple[str, int]) -> list[Problem]:
    """`document_problems` found by parsing the kit document `html` (by libxml2 and tinyhtml5, and matching its
    style rules with cssselect2): style rules too complex to cascade (`_cascade_problems`), the first of too many
    forced page breaks (or rules that force them too complex to match), repeated backgrounds of too many tiles, an
    SVG of its own drawn at too high a cost; each problem at `where` unless a rule's own line is known, and what the
    content makes too large at `filled` (`_content_at`'s path and line)."""
    cascade, spacing = _cascade_problems(html, course, document, where)
    if cascade:
        return cascade
    if (widest := table_columns(html)) and widest > MAX_KIT_TABLE_COLUMNS:
        at = _page_at(course, lambda body: (table_columns(body) or 0) > MAX_KIT_TABLE_COLUMNS, "<table", filled)
        return [Problem(*at, f"the kit's {document} has a table of up to {widest:,} columns, more than the "
                        f"{MAX_KIT_TABLE_COLUMNS} a page can show",
                        "give its `<col>`, `<colgroup>` and cells smaller `span` and `colspan`, or split it")]
    if (relaid := relaid_text(html, spacing)) and relaid[0] > MAX_KIT_RELAID_TEXT:
        total, words, what = relaid
        return [Problem(*(_written_in(course, words) or _page_at(
            course, lambda body: (relaid_text(body, spacing) or (0,))[0] > MAX_KIT_RELAID_TEXT, words[:8], filled)),
                        f"the kit's {document} has text whose lines "
                        f"WeasyPrint would break by laying out {total:,} characters again, more than the "
                        f"{MAX_KIT_RELAID_TEXT:,} a kit document may ask of it (most for {what})",
                        "put spaces in long runs of text (a long link, a word joined by hyphens or slashes, Chinese "
                        "or Japanese text in a table cell), write fewer soft hyphens (`&shy;`) and zero-width spaces, "
                        "split long text in lists or quotes nested deep, and keep long text out of table cells (a "
                        "table may lay a cell out as narrow as its longest word)")]
    try:
        breaks = forced_breaks(html)
    except SelectorTooComplex as complex_selector:
        reason, fix = complex_selector.args
        return [Problem(where, 1, f"the kit's {document} {reason}", fix)]
    if breaks >= MAX_KIT_PAGES:
        return [Problem(*filled, f"the kit's {document} forces {breaks:,} page breaks, so its PDF would have more "
                        f"than the {MAX_KIT_PAGES} pages it may have", "break pages only between its parts")]
    if _may_show_images(html.lower()):
        from builder.backgrounds import tiling_problem  # noqa: PLC0415 - only for a document that may show images

        if tiling := tiling_problem(html, course.root, document, where):
            return [tiling]
    figure = _figure_problem(html, course.root, document, where)
    return [] if figure is None else [figure]


def _analysed(project: Path, document: str, work: Callable[[], list[Problem]]) -> list[Problem]:
    """`work()`, problems of the kit document `document` found by parsing it, in a bounded child
    (`media_time.analysed`: tinyhtml5's and libxml2's time grows faster than the square of one tag's attributes,
    which `active_content.crowded_at` may miss) if the project has templates of its own (`overrides_templates`);
    in this process if not (the built-in templates and the Markdown sanitiser write no such tag), so a project
    without templates forks nothing. The problems come back as JSON: `[[path, line, message, fix, severity], …]`.
    One that passed a bound is one problem at the document's template (`_document_source`); once the project's
    `media_time.PROJECT_MEDIA_SECONDS` are spent no document is parsed, and the first refused gets one problem."""
    if not overrides_templates(project):
        return work()
    if refused := media_time.refusal():
        return [Problem(_document_source(project, document), *refused)] if media_time.first_report() else []

    def as_data() -> bytes:
        return json.dumps([[p.path, p.line, p.message, p.fix, p.severity.value] for p in work()]).encode()

    try:
        reply = media_time.analysed(as_data, "the kit's check")
    except media_time.Overran as overran:
        return [Problem(_document_source(project, document), 1, f"analysing the kit's {document}, as this file "
                        f"renders it, {overran.reason}", media_time.OVERRAN_FIX)]
    return [Problem(path, line, message, fix, Severity(severity))
            for path, line, message, fix, severity in json.loads(reply)]


def _rule_at(templates: _KitTemplates, document: str, where: str,
             rule: tuple[str | None, int, str]) -> tuple[str, int]:
    """Where a style rule (project path of its sheet or None, line there, its first line as written) of the kit
    document `document` is shown: at its sheet's line; for a `<style>` of the document, at the template line that
    writes it (found in `templates`), else at line 1 of `where`."""
    path, line, written = rule
    if path is None:
        path, line = templates.written_at(document, written) if written else (where, 1)
        path, line = (path, line) if (templates.project / path).is_file() else (where, 1)
    return path, line


def _cascade_problems(html: str, course: Course, document: str,
                      where: str) -> tuple[list[Problem], tuple[float, float] | None]:
    """A problem at each style rule WeasyPrint would cascade over the kit document `html` (`backgrounds.cascaded_rules`:
    its `<style>` sheets and those they link and import) whose selector `media.selector_matcher` refuses as too
    complex to match, and one at `where` if all of them together take more than `media.MAX_CASCADE_TRIES` tries over
    its elements (`media.cascade_tries`): WeasyPrint matches every selector against every element, whatever the
    rule sets; and a problem at each `url()` of those sheets that names a file of course/ or quizzes/ that is not a
    regular file (a FIFO: a font, a colour profile, a picture), which the kit's fetcher refuses. A rule is shown at
    its sheet's file and line, or at the line of the project's template that writes
    it (`_written_at`). Not read for a document the project writes no template of (`templates/kit/<document>.html`
    or `templates/kit/base.html`, the only one the built-in templates extend): the built-in templates' rules never
    backtrack, and the Markdown sanitiser keeps no `<style>` or `<link>` in page bodies (a test holds the built-in
    documents to it). If its sheets turn pictures (`backgrounds.turns_pictures`) or name pictures by `url()`
    (`backgrounds.named_pictures`), only the problem of the picture that takes its images and those past their bound
    encoded again so (`encoding_problem`; 18-verify27 N3, 18-verify28 P3), if any. With them, the most
    spacing its sheets may give text (`backgrounds.text_spacing`, for `relaid_text`; _NO_SPACING where they were
    not read or a problem stopped them)."""
    project = course.root
    if not own_document(project, document) or ("style" not in html.lower() and "<link" not in html.lower()):
        return [], _NO_SPACING
    import cssselect2  # type: ignore[import-untyped]  # noqa: PLC0415

    from builder.backgrounds import (  # noqa: PLC0415 - it imports this module
        ImportRefused,
        Unbounded,
        cascaded_rules,
        named_pictures,
        text_spacing,
        turns_pictures,
    )

    templates = _KitTemplates(project)  # each template read once, whatever the number of rules shown in it
    try:
        root, styles = cascaded_rules(html, project)
    except ImportRefused as imported:  # at the `@import` (18-verify16 F2, F6)
        reason, fix = imported.args
        return [Problem(*_rule_at(templates, document, where, (imported.sheet, imported.line, imported.written)),
                        f"the kit's {document} {reason}", fix)], _NO_SPACING
    except Unbounded as unbounded:
        reason, fix = unbounded.args
        return [Problem(where, 1, f"the kit's {document} has style sheets too large or too deep to check: {reason}",
                        fix)], _NO_SPACING
    except UnmappedURL as unmapped:
        return [unmapped_problem(project, document, unmapped)], _NO_SPACING
    turned, named = turns_pictures(styles), named_pictures(styles)
    if (turned or named) and encoding_problem(html, document, media := KitMedia(project, course)) is None and (
            priced := encoding_problem(html, document, media, turned, [
                (path, url, functools.partial(_rule_at, templates, document, where, (sheet, line, url)))
                for path, url, sheet, line in named])) is not None:
        return [priced], _NO_SPACING  # its images alone, as its style sheets leave them, by `with_media`, before this
    problems = [Problem(*_rule_at(templates, document, where, (path, line, as_written)), f"the kit's {document} uses "
                        f"`{written}{')' if written.endswith('(') else ''}`, which a kit may not: it {why}", fix)
                for path, line, written, why, fix, as_written in dict.fromkeys(styles.unneeded)]
    for path, line, url, wrong in styles.not_regular:  # the fetcher refuses it: never opened (18-verify12 B2)
        if path is None:  # a `<style>` or `style=` of the document: the template line that writes it
            path, line = templates.written_at(document, url)
        unread = Problem(path, line, f"`{url}`, named by the kit's {document}, {wrong}, so the kit cannot read it",
                         "replace it with the file itself")
        if unread not in problems:  # one line for a file named twice on a line
            problems.append(unread)

    def refused(rule: tuple[str | None, int, str], too_complex: SelectorTooComplex) -> None:
        reason, fix = too_complex.args
        problems.append(Problem(*_rule_at(templates, document, where, rule), f"the kit's {document} {reason}", fix))

    wrappers = list(cssselect2.ElementWrapper.from_html_root(root).iter_subtree())
    tries = cascade_tries(((prelude, place) for prelude, *place in styles.selectors), root, wrappers, refused)
    if tries > MAX_CASCADE_TRIES:
        problems.append(Problem(where, 1, f"matching the selectors of the style rules of the kit's {document} against "
                                f"its elements takes more than {MAX_CASCADE_TRIES:,} tries",
                                "select elements with classes, not with chains of ancestors or siblings, and write "
                                "fewer rules"))
    if not problems and (nested := _nested_relayout(root, wrappers, styles)) is not None:
        place, multi_column = nested
        problems.append(Problem(*_rule_at(templates, document, where, place), f"the kit's {document} "
                                + ("nests a multi-column box inside another: WeasyPrint lays out each column of "
                                   "the inner one again for each of the outer's (three such boxes nested took it "
                                   "41 s for 30 paragraphs)" if multi_column else
                                   f"nests more than {MAX_KIT_RELAYOUT_DEPTH} flex, grid or multi-column boxes in one "
                                   "another: WeasyPrint lays out the content of each again and again, its time growing "
                                   "with the power of their depth (six nested flex boxes took it 15 s)"),
                                "lay out fewer boxes in columns, flex or grid inside each other, and lay out their "
                                "content in ordinary blocks"))
    if not problems and (written := _generated(root, wrappers, styles)) > MAX_KIT_GENERATED_TEXT:
        problems.append(Problem(where, 1, f"the style sheets of the kit's {document} write up to {written:,} "
                                "characters of text of their own (`content`, `list-style-type`, `bookmark-label`: "
                                "their strings, counters and `attr()` for each box their rules may reach, margin boxes "
                                f"on each of {MAX_KIT_PAGES} pages), more than the {MAX_KIT_GENERATED_TEXT:,} a kit "
                                "document may write itself", "write the text in the template, and give `content` "
                                "short strings on the few elements that need them"))
    return problems, text_spacing(styles)


#: How many characters a kit document's style sheets may write of their own (`content`, a string `list-style-type`,
#: `bookmark-label`), counted over the boxes their rules may reach (`_generated`): as many as the document itself
#: may hold (issue 18, nineteenth verification, D2: a 200 KB `content` string on 3,000 paragraphs ran WeasyPrint
#: past its 30 s, and `counters()` with a 100 KB separator, which it writes once per level of nesting, out of memory).
MAX_KIT_GENERATED_TEXT = MAX_KIT_RENDERED_BYTES


def _generated(root: Any, wrappers: list[Any], styles: Any) -> int:
    """At most how many characters the rules and `style=` attributes of `styles` (`backgrounds._Styles`) write
    into the boxes of the kit document `root` (its cssselect2 `wrappers`, each after its parent):
    `backgrounds.generated_text` of each rule for each box (an element or a pseudo-element) it may match, of each
    `style=` once, their `counters()` once for each level of the element's nesting, a `list-style-type` once for the
    element and each in it (inherited), and of each `@page` rule and margin box for each of MAX_KIT_PAGES pages (an
    upper bound: every rule that may match is taken to apply). The selectors were matched within
    `MAX_CASCADE_TRIES`."""
    from builder.backgrounds import counter_text, generated_text, longest_quote  # noqa: PLC0415 - it imports this

    attribute = max((len(value) for element in root.iter() if isinstance(element.tag, str)
                     for value in element.attrib.values()), default=0)
    quoted, counter = longest_quote(styles), counter_text(styles)

    def text(declarations: list[Any]) -> tuple[int, int, int]:
        return generated_text(declarations, attribute, quoted, counter)

    matcher, tries = selector_matcher(((prelude, text(declarations))
                                       for prelude, _, declarations in styles.generating), root)
    written = MAX_KIT_PAGES * sum(sum(text(declarations))  # a margin box: no nesting
                                  for declarations, _ in styles.pages)
    depths: dict[Any, int] = {}
    for wrapper in wrappers:
        depths[wrapper.etree_element] = 1 if wrapper.parent is None else depths[wrapper.parent.etree_element] + 1
    boxes = dict.fromkeys(depths, 1)  # the element and those in it
    for wrapper in reversed(wrappers):
        if wrapper.parent is not None:
            boxes[wrapper.parent.etree_element] += boxes[wrapper.etree_element]
    for wrapper in wrappers:
        texts = [payload for *_, payload in matcher.match(wrapper)] if tries else []
        if (own := styles.generated.get(wrapper.etree_element)) is not None:
            texts.append(text(own))
        written += sum(once + depths[wrapper.etree_element] * per_level + boxes[wrapper.etree_element] * inherited
                       for once, per_level, inherited in texts)
    return written


#: How many flex, grid or multi-column boxes (`backgrounds._relayout`) a kit document may nest in one another, of
#: which one multi-column: WeasyPrint lays out the content of each several times to fit it, so the time grows with
#: the power of their depth (issue 18, eighteenth verification, B12: six nested multi-column boxes ran it past its
#: 30 s; for 30 paragraphs, flex boxes nested 4 deep took 1.8 s and 6 deep 15 s, multi-column ones 2 deep 2.1 s and
#: 3 deep 41 s).
MAX_KIT_RELAYOUT_DEPTH = 3


def _nested_relayout(root: Any, wrappers: list[Any], styles: Any) -> tuple[tuple[str | None, int, str], bool] | None:
    """(where the box is made: `_rule_at`'s rule, whether a multi-column box is nested in another) for the first
    element of the kit document `root` (its cssselect2 `wrappers`, each after its parent) whose box is a flex, grid
    or multi-column container nested past MAX_KIT_RELAYOUT_DEPTH, or a multi-column one inside another, as the
    rules and `style=` attributes of its `styles` (`backgrounds._Styles`) may make it (an upper bound: every rule that
    may match is taken to apply); None if there is none. The selectors were matched within `MAX_CASCADE_TRIES`."""
    matcher, tries = selector_matcher(((prelude, (place, multi_column))
                                       for prelude, place, multi_column in styles.relayouts), root)
    if not tries and not styles.relaid:
        return None
    depths: dict[Any, tuple[int, int]] = {}  # (flex, grid and multi-column boxes, multi-column ones) in and above
    for wrapper in wrappers:
        made = [payload for *_, pseudo, payload in (matcher.match(wrapper) if tries else []) if pseudo is None]
        if (own := styles.relaid.get(wrapper.etree_element)) is not None:
            made.append(((None, 1, wrapper.etree_element.get("style")), own))  # at the template line writing it
        boxes, columns = (0, 0) if wrapper.parent is None else depths[wrapper.parent.etree_element]
        if made:
            place, multi_column = max(made, key=lambda payload: payload[1])
            boxes, columns = boxes + 1, columns + multi_column
            if columns > 1 or boxes > MAX_KIT_RELAYOUT_DEPTH:
                return place, columns > 1
        depths[wrapper.etree_element] = boxes, columns
    return None


def _may_show_images(text: str) -> bool:
    """Whether the lower-cased kit document `text` may show a background image (`_IMAGE_HINTS`, `_STYLE_REFERENCE`),
    or a figure on every page (`_POSITION`): (1.5 ms for the seven documents of this course's kit.)"""
    return (any(hint in text for hint in _IMAGE_HINTS) or _POSITION.search(text) is not None
            or ("&" in text and _STYLE_REFERENCE.search(text) is not None))


def _figure_problem(html: str, project: Path, document: str, where: str) -> Problem | None:
    """A problem if an `<svg>` written in the kit document itself (by a template: the Markdown sanitiser keeps none
    in page bodies) links a file from an `<image>` (`_linked_image`), at the template line that writes it
    (`_written_at`); else if one draws more copies or pattern tiles than `media.svg_drawing_problem` allows, as an
    SVG file it shows would, at `where`. Read as WeasyPrint reads the document (tinyhtml5, its HTML parser), only
    if it has an `<svg`."""
    if "<svg" not in html.lower():
        return None
    from xml.etree import ElementTree  # noqa: PLC0415

    import tinyhtml5  # type: ignore[import-untyped]  # noqa: PLC0415 - WeasyPrint's HTML parser (a core dependency)

    figures = list(tinyhtml5.parse(html).iter("{http://www.w3.org/2000/svg}svg"))
    for link in filter(None, (_linked_image(element) for figure in figures for element in figure.iter())):
        return Problem(*_written_at(project, document, link), f"the kit's {document} has an `<svg>` of its own "
                       f"whose `<image>` shows the file `{link}`, which its PDF would draw again at each `<image>` "
                       "without `check` counting it, and its saved HTML would not carry",
                       f'show the picture with `<img src="{link}">` outside the `<svg>` instead')
    for figure in figures:
        for element in figure.iter():  # an `xmlns=` written in HTML is kept as an attribute, which XML refuses
            for name in [name for name in element.attrib if name.startswith("{http://www.w3.org/2000/xmlns/}")]:
                del element.attrib[name]
        if drawing := svg_drawing_problem(ElementTree.tostring(figure)):
            return Problem(where, 1, f"the kit's {document} has an `<svg>` of its own: {drawing[1]}", drawing[2])
    return None


#: What WeasyPrint removes from a link before it reads it (`weasyprint.html.parse_url`): this white space at its
#: ends, then tabs and line breaks anywhere.
_LINK_SPACE = " \t\n\f\r"


def _linked_image(element: Any) -> str | None:
    """The link, as written, of the element `element` of an inline `<svg>` (tinyhtml5's) if it is an `<image>` (in
    any namespace: WeasyPrint goes by the local name) whose `href` or `xlink:href` (in any namespace) is not empty
    and not a `data:` URL, which the kit's fetcher refuses. WeasyPrint draws such an `<image>` itself, fetching
    the file (`weasyprint.svg.images.image`), again at each one: neither `media.svg_drawing_problem` (which prices
    only `data:` pictures, the slides loading nothing else) nor `_figures_shown` counts it, and `with_media` does
    not copy it (issue 18, sixteenth verification, F1 and F4). None for anything else: a `<use>` draws only its own
    document's elements, and WeasyPrint has no `<feImage>`."""
    if not isinstance(element.tag, str) or element.tag.rsplit("}", 1)[-1].lower() != "image":
        return None
    for name, value in element.attrib.items():
        link = value.strip(_LINK_SPACE).translate({ord(c): None for c in "\t\n\r"})
        if name.rsplit("}", 1)[-1].rsplit(":", 1)[-1].lower() == "href" and link and not link.lower().startswith(
                "data:"):
            return str(value)
    return None


#: The most processor time (s) WeasyPrint may spend drawing the SVG figures of one kit document, by `check`'s estimate:
#: for each time a figure is shown (WeasyPrint draws an SVG again each time it is shown: a path figure estimated at
#: 3.8 s took it 3.2 s shown once and 5.0 s twice), `media.svg_drawing`'s seconds less media.SVG_FIGURE_SECONDS,
#: the PNG CairoSVG writes for a slide, which the kit does not (a small figure shown 50 times took it 0.09 s; a
#: diagram of 300 shapes, estimated at 0.53 s, 0.17 s each time). WeasyPrint draws text slower than CairoSVG, whose
#: time the estimate measures: twice its 50 µs a character (18-verify22, note: a `<text>` of 10,000 characters
#: estimated at 0.50 s took it 0.87 s, 35,000 with an `x` list 1.75 s and 3.42 s; shapes half their estimate:
#: 3,000 rectangles 0.75 s and 0.35 s). So 8 s for figures of text on the machine measured, 24 s on one three times
#: slower, with the document's own layout (1.5 s here at most, 4.5 s there) inside MAX_KIT_SECONDS (6 s, three
#: figures of text at the bound, was 12 s here: a margin of 2.5 against 30 s, not 5): two figures at the most one
#: may take (media.MAX_SVG_DRAWING_SECONDS), or about ten diagrams of 300 shapes. Twenty showings of one figure within
#: its own bound (a 750 KB path estimated at 1.96 s) passed `check` and took `kit` 32 s of processor time
#: (18-verify8 X3).
MAX_KIT_DRAWING_SECONDS = 4.0


def kit_made(course: Course) -> Made:
    """The kit's documents (`render_kit`) as `own_templates.Made` carries them: group `kit`, name -> HTML (UTF-8)."""
    return Made({"kit": {name: encoded_text(html) for name, html in render_kit(course).items()}})


def rendered_kit(course: Course) -> dict[str, str]:
    """`render_kit`, the project's own templates rendered in the child of `own_templates.run`."""
    made = run(course.root, lambda: kit_made(course), len(course.pages))
    return {name: decoded_text(html) for name, html in made.groups["kit"].items()}


def drawing_problems(course: Course, documents: dict[str, str] | None = None) -> list[Problem]:
    """An error for each kit document whose SVG figures together pass MAX_KIT_DRAWING_SECONDS (`drawing_problem`),
    for `check` (and so `kit`), which render the kit's documents for it only if the project has an SVG file or
    templates of its own (from the default templates, only pages' `.svg` pictures are drawn as SVG: other names
    are left out, `left_out`); from `documents` (name -> HTML) when the caller rendered them already. None if the kit
    cannot be rendered: rendering it reports that."""
    if course.settings.kit is None or not (_has_svg(course.root) or overrides_templates(course.root)):
        return []
    try:
        documents = rendered_kit(course) if documents is None else documents
    except (TemplateProblem, CourseInvalid):
        return []
    return [problem for name, html in documents.items()
            for problem in _analysed(course.root, name, functools.partial(_drawing_problems, html, course.root, name))]


def _drawing_problems(html: str, project: Path, document: str) -> list[Problem]:
    """`drawing_problem` as a list (of one problem or none), as `_analysed` takes it."""
    problem = drawing_problem(html, project, document)
    return [] if problem is None else [problem]


#: `*.svg` in any mix of upper and lower case, as validation reads a picture's suffix.
_SVG_NAMES = tuple(sorted({"".join(letters) for letters in itertools.product(*zip(".svg", ".SVG", strict=True))}))


def _has_svg(project: Path) -> bool:
    """Whether course/ or quizzes/ holds an entry named `*.svg` (in any case), by `sources.source_listing`."""
    return any(path.endswith(_SVG_NAMES) for path in source_listing(project)[0])


def drawing_problem(html: str, project: Path, document: str) -> Problem | None:
    """An error at the kit document `document` if drawing its SVG figures, each time one is shown, in order, passes
    MAX_KIT_DRAWING_SECONDS by `media.svg_drawing`'s estimate less media.SVG_FIGURE_SECONDS (each figure as
    `check` estimates it): the figure it passes at is named. The figures its `<img>`s show, then those its style
    sheets show (`_figures_shown`). Only files WeasyPrint would fetch and draw are counted (readable, not
    `left_out`, XML); None if they stay within it."""
    seconds = 0.0
    shown = 0  # the showings counted before this one
    known: dict[str, float] = {}  # the seconds of each file shown, by project path
    for written, path, times in _figures_shown(html, project):
        if path is None or readable_problem(project, path) or size_problem(project, path):  # not read whole here
            shown += times
            continue
        if path not in known:
            data = (project / path).read_bytes()
            drawing = None if left_out(path, data) else svg_drawing(data)
            known[path] = max(drawing[1].seconds - SVG_FIGURE_SECONDS, 0.0) if drawing is not None else 0.0
        if known[path] and seconds + known[path] * times > MAX_KIT_DRAWING_SECONDS:
            shown += math.floor((MAX_KIT_DRAWING_SECONDS - seconds) / known[path]) + 1  # the one it passes at
            return Problem(_document_source(project, document), 1, f"drawing the SVG figures of the kit's {document}, "
                           f"up to its picture number {shown}, `{written}`, would take more than "
                           f"{MAX_KIT_DRAWING_SECONDS:g} s in all (each time a figure is shown, counted as `check` "
                           "counts one figure)",
                           "show fewer or simpler SVG figures in it (on its pages, or in its template), or PNG "
                           "pictures instead")
        seconds += known[path] * times
        shown += times
    return None


def _figures_shown(html: str, project: Path) -> Iterator[tuple[str, str | None, int]]:
    """(as written, project path or None, times) of each picture the kit document `html` shows, and how many times in
    a row it shows it: each `<img>` (`_image_tags`) once, then each SVG its style sheets show, once for each box
    they may reach (`backgrounds.shown_figures`; read only for a document that may show a background image,
    `_may_show_images`), written as its project path. (A count, not a list: one figure on every page of a fixed box
    holding 5,000 elements would be a million showings.)"""
    for _, match in _image_tags(html):
        if match is None:
            continue
        try:
            _, written, path = _image_source(match)
        except InvalidURL as invalid:  # `with_media` reports it
            written, path = invalid.args[0], None
        yield written, path, 1
    if _may_show_images(html.lower()):
        from builder.backgrounds import shown_figures  # noqa: PLC0415 - only for a document that may show images

        yield from ((path, path, times) for path, times in shown_figures(html, project))


#: CSS properties and values that force a page break (CSS Fragmentation 3, and CSS 2's `page-break-*`).
_BREAK_PROPERTIES = frozenset({"break-before", "break-after", "page-break-before", "page-break-after"})
_FORCED_BREAKS = frozenset({"page", "left", "right", "recto", "verso", "always"})
#: The most tries (`media.selector_matcher`'s, over all elements) matching the rules that force page breaks may make:
#: cssselect2 makes about a million a second, and four descendant combinators over 60 nested levels make 1.2 s of
#: them for one rule (issue 18, tenth verification, Z2).
_MAX_BREAK_TRIES = 1_000_000


def forced_breaks(html: str) -> int:
    """How many elements of a kit document force a page break before or after them, by a rule of its `<style>`
    sheets (also inside `@media` and other at-rules, and nested in another: `backgrounds.nested_preludes`, Unbounded
    past its bounds, which `_cascade_problems` refuses first) or their own `style=`: about how many pages it has at
    least, known without laying it out. A rule whose selector does not parse matches nothing; sheets the document
    links to are not read (WeasyPrint's page bound, `MAX_KIT_PAGES`, still stops those)."""
    if "break" not in html:
        return 0
    # imported only for documents that mention breaks; they are WeasyPrint's own (a core dependency)
    import cssselect2  # noqa: PLC0415
    import tinycss2  # type: ignore[import-untyped]  # noqa: PLC0415

    from builder.backgrounds import nested_preludes  # noqa: PLC0415 - it imports this module

    def forces(declarations: list[Any]) -> bool:
        return any(d.type == "declaration" and d.lower_name in _BREAK_PROPERTIES
                   and tinycss2.serialize(d.value).strip().lower() in _FORCED_BREAKS for d in declarations)

    root = lxml_html.document_fromstring(html)
    sheets = [text for style in root.iter("style") for text in [style.text or ""] if "break" in text]
    matcher, tries = selector_matcher(((prelude, None) for rule in style_rules(sheets)
                                       for prelude, nested in nested_preludes(rule)
                                       if forces(tinycss2.parse_blocks_contents(nested.content, True, True))), root)
    by_style = {element for element in root.iter(etree.Element) if "break" in element.get("style", "")
                and forces(tinycss2.parse_blocks_contents(element.get("style"), True, True))}
    if not tries:
        return len(by_style)
    wrappers = list(cssselect2.ElementWrapper.from_html_root(root).iter_subtree())
    if sum(tries.values()) * len(wrappers) > _MAX_BREAK_TRIES:
        raise SelectorTooComplex(f"has rules that force page breaks whose selectors take more than "
                                 f"{_MAX_BREAK_TRIES:,} tries to match over its {len(wrappers):,} elements",
                                 "select the elements that break pages with a class, not with chains of ancestors "
                                 "or siblings, and write fewer such rules")
    return sum(1 for wrapper in wrappers if wrapper.etree_element in by_style or matcher.match(wrapper))


#: How many columns a table of a kit document may have: at most 1.4 mm each across a landscape A4 page. WeasyPrint
#: makes a box for each and lays out every row over all of them, and HTML lets each `<col>`, `<colgroup>` and cell
#: span 1,000 (issue 18, eighteenth verification, B7: 1,000 `<col span="1000">` in 17 KB, or a row of 1,000 cells
#: of `colspan="1000"`, ran it out of memory or past its time).
MAX_KIT_TABLE_COLUMNS = 200
_XHTML = "{http://www.w3.org/1999/xhtml}"
#: A span beyond any bound, for one of more digits than Python converts (WeasyPrint fails on it).
_HUGE_SPAN = 10 ** 9


def _span(element: Any, attribute: str) -> int:
    """The `span` or `colspan` attribute of `element` as WeasyPrint reads it (`markup.HTML_INTEGER`: every digit;
    `span="00000001000000"`, read as its first five, passed `check` and made a million columns, 18-verify19 D1; 1 if
    none, or less than 1)."""
    number = HTML_INTEGER.match(element.get(attribute) or "")
    if number is None or number.group(1) == "-":
        return 1
    digits = number.group(2).lstrip("0")
    return _HUGE_SPAN if len(digits) > len(str(_HUGE_SPAN)) else max(int(digits or "0"), 1)


def table_columns(html: str) -> int | None:
    """At most how many columns the widest table of the kit document `html` has, None if it has none: the larger of
    the columns its `<col>` and `<colgroup>` elements make and its widest row's cells' `colspan` added up, with
    those of every cell of the table spanning more than one row (an upper bound of the grid HTML's table model
    makes). Read on the tree WeasyPrint builds (tinyhtml5, which puts in the `<tbody>`, `<tr>` and `<colgroup>` a
    table leaves out; libxml2 left a `<td>` with no `<tr>` uncounted, 18-verify19 D1); a kit document's style
    sheets may not make other elements parts of a table (`backgrounds._UNNEEDED_DISPLAYS`)."""
    if "<table" not in html.lower():
        return None
    widest: int | None = None
    for table in _html5(html).iter(f"{_XHTML}table"):
        own: dict[str, list[Any]] = {"col": [], "colgroup": [], "tr": []}
        pending = [(child, table) for child in table]
        parents: dict[Any, Any] = {}
        while pending:
            element, parent = pending.pop()
            parents[element] = parent
            tag = _tag(element)
            if tag == "table":
                continue  # a table of its own
            if tag in own:
                own[tag].append(element)
            pending += [(child, element) for child in element]
        groups = sum(sum(_span(col, "span") for col in cols) if (cols := group.findall(f"{_XHTML}col")) else
                     _span(group, "span") for group in own["colgroup"])
        loose = sum(_span(col, "span") for col in own["col"] if parents[col].tag != f"{_XHTML}colgroup")
        rows = [[cell for cell in row if cell.tag in (f"{_XHTML}td", f"{_XHTML}th")] for row in own["tr"]]
        spanning = sum(_span(cell, "colspan") for row in rows for cell in row if (cell.get("rowspan") or "1") != "1")
        columns = max(groups + loose, spanning + max((sum(_span(cell, "colspan") for cell in row) for row in rows),
                                                     default=0))
        widest = columns if widest is None else max(widest, columns)
    return widest


@functools.lru_cache(maxsize=1)  # `table_columns` and `relaid_text` read the same document
def _html5(html: str) -> Any:
    """The root of the tree WeasyPrint builds of the kit document `html` (tinyhtml5's), read and not changed."""
    import tinyhtml5  # noqa: PLC0415

    return tinyhtml5.parse(html)


def _tag(element: Any) -> str:
    """The name of the HTML element `element` of a tinyhtml5 tree; "" for a comment or an element of another
    namespace."""
    return element.tag[len(_XHTML):] if isinstance(element.tag, str) and element.tag.startswith(_XHTML) else ""


#: How many characters WeasyPrint may lay out again to break the lines of a kit document's text (`relaid_text`), at
#: most 2.5 µs each as measured (WeasyPrint 70, `docs/security.md`): about 2.5 s of the document's 30. WeasyPrint's
#: `split_first_line` lays out the rest of a text (a run without a space, or all of it) for each line it breaks in
#: it: the prefix up to each of its soft hyphens (manual hyphenation), in a table cell, whose narrowest width it
#: measures by breaking at every opportunity, the whole rest of the run for each (a hyphen, a slash, each Chinese or
#: Japanese character, a zero-width space), and the whole rest of the text where it takes its slow path
#: (`line_breaking`). Issue 18, twentieth verification: B1, 6,000 soft hyphens in a paragraph of a handout page, and
#: B2, a table cell of 8,000 `a-`, each 36 KB of Markdown and no template, passed `check` and ran `kit` past its
#: 30 s; twenty-first, D2 and D3, a run in a list 21 deep and a paragraph of `i` and zero-width spaces, likewise.
MAX_KIT_RELAID_TEXT = 1_000_000
#: The longest run of text without a space in a table cell that `relaid_text` does not count: a long word, with a
#: few break opportunities, costs little more than any other.
SHORT_RUN = 32
#: What ends a run of text for WeasyPrint's line breaking: a space, as which it lays out white space (CSS
#: `white-space: normal`).
_SPACES = re.compile("[ \t\n\r\f]+")
_SOFT_HYPHEN = "\xad"
#: Elements whose text is not laid out.
_UNSHOWN = frozenset({"head", "script", "style", "template"})


#: The width of a kit document's page, less its margins (A4, 16 mm each side: the built-in `kit/base.html`), in pt.
KIT_TEXT_WIDTH = (210 - 2 * 16) / 25.4 * 72
#: The font size of the kit's text (`kit/base.html`'s `body`) and of its headings, in pt.
KIT_FONT_SIZE = 10
_HEADING_SIZES = {"h1": 18, "h2": 13, "h3": 11}
#: How much narrower than its parent's the built-in style sheets (WeasyPrint's own, `html5_ua.css`, and the kit's)
#: make an element's content, in pt: lists' `padding-left: 40px`, quotes' and figures' margins of 40px each side,
#: a card's borders and padding.
_INDENTS = {"ul": 30.0, "ol": 30.0, "menu": 30.0, "dir": 30.0, "dd": 30.0, "blockquote": 60.0, "figure": 60.0}
_CLASS_INDENTS = {"card": 2 * (10 + 1.2)}


def _content_width(element: Any, parent_width: float) -> float:
    """The width of the content of the element `element` of a tinyhtml5 tree (in pt) whose parent's is
    `parent_width`, as the built-in style sheets lay it out (`_INDENTS`, `_CLASS_INDENTS`)."""
    classes = (element.get("class") or "").split()
    return parent_width - _INDENTS.get(_tag(element), 0.0) - sum(_CLASS_INDENTS.get(name, 0.0) for name in classes)


def _least_cell_width(cell: Any, boxless: set[Any]) -> float:
    """The least width of the content of the table cell `cell` of a tinyhtml5 tree (in pt), whatever its table's
    other cells hold: an automatic table layout gives a column no less than its cells' min-content width, but may give
    it no more (CSS 2.1 § 17.5.2.2; a first cell of one 90-character word made the row's other cell one `x` wide,
    18-verify24 H3). The widest of its shown texts' `line_breaking.least_min_content`, at their font size, plus what
    the elements between the cell and the text take off its width (`_content_width`); `boxless` as `relaid_text`'s."""
    widest = 0.0
    pending = [(cell, 0.0)]
    while pending:
        element, indent = pending.pop()
        tag = _tag(element)
        if _shown(tag, element, boxless):
            indent -= _content_width(element, 0.0)
            size = _HEADING_SIZES.get(tag, KIT_FONT_SIZE)
            widest = max([widest, *(indent + least_min_content(text) * size
                                     for text in _laid_out_texts(element, boxless))])
            pending += [(child, indent) for child in element]
    return widest


#: What a column of the kit's tables takes besides its cells' content, in pt (`kit/base.html`: `padding: 3pt 5pt`, a
#: collapsed border of 0.6pt), and the table besides its columns (its other outer border).
_CELL_EDGES = 2 * 5 + 0.6
_TABLE_EDGES = 0.6
#: The elements whose content `_most_cell_width` measures as text: any other (a picture, a nested table) has a
#: width of its own, not known before layout.
_TEXT_LEVEL = frozenset({
    "a", "abbr", "b", "bdi", "bdo", "blockquote", "br", "cite", "code", "dd", "del", "dfn", "div", "dl", "dt", "em",
    "h1", "h2", "h3", "h4", "h5", "h6", "i", "ins", "kbd", "li", "mark", "ol", "p", "pre", "q", "s", "samp", "small",
    "span", "strong", "sub", "sup", "td", "th", "time", "u", "ul", "var", "wbr"})
#: HTML's greatest `colspan` (HTML, "processing model" of tables): `_cell_widths` takes a greater one as it (a cell
#: then spans fewer columns, which leave it less width).
_MOST_COLSPAN = 1000


def _most_cell_width(cell: Any, boxless: set[Any], spacing: tuple[float, float]) -> float:
    """The greatest width the content of the table cell `cell` of a tinyhtml5 tree may ask of its column (in pt): its
    max-content width, at most the sum of its shown texts' `line_breaking.most_max_content`, at their font size, and
    of what the elements between the cell and each text add to its width (`_content_width`); infinite where it holds
    an element not `_TEXT_LEVEL`; with `spacing` (pt: `relaid_text`'s) after each character, and again after each
    white space character (as `white-space: pre` keeps them); `boxless` as `relaid_text`'s."""
    most = 0.0
    pending = [(cell, KIT_FONT_SIZE)]
    while pending:
        element, size = pending.pop()
        tag = _tag(element)
        if _shown(tag, element, boxless):
            if tag not in _TEXT_LEVEL:
                return math.inf
            size = _HEADING_SIZES.get(tag, size)
            most += -_content_width(element, 0.0) + sum(
                most_max_content(text) * size + len(text) * spacing[0] + sum(map(str.isspace, text)) * spacing[1]
                for text in _laid_out_texts(element, boxless))
            pending += [(child, size) for child in element]
    return most


def _cell_widths(table: Any, available: float, boxless: set[Any], spacing: tuple[float, float]) -> dict[Any, float]:
    """The least width of the content of each cell of the `<table>` element `table` of a tinyhtml5 tree (in pt),
    laid out with `width: 100%` (`kit/base.html`) where its parent's content is `available` pt wide: by CSS 2.1's
    automatic table layout (§ 17.5.2.2), a column is no narrower than its cells' min-content width, and the other
    columns, each at most its cells' max-content width where the table is narrower than all of theirs, leave it the
    rest; so each cell's is the greater of its `_least_cell_width` and `available` less the other columns'
    `_most_cell_width` and all columns' `_CELL_EDGES`. 18-verify24 H3: a neighbour of one 90-letter word leaves a
    cell its longest word; 18-verify25 K4: a neighbour of a few short words leaves a definition most of the page.
    The cells of the table's rows (of its own `<thead>`, `<tbody>`, `<tfoot>`) by HTML's table model (`colspan`,
    `rowspan`); a cell taking several columns is taken as wide in each. `spacing` as `_most_cell_width`'s."""
    rows = [row for section in table for row in ([section] if _tag(section) == "tr" else section)
            if _tag(row) == "tr" and _shown("tr", row, boxless)]
    taken: set[tuple[int, int]] = set()
    columns: dict[Any, range] = {}
    widest: dict[int, float] = {}
    for number, row in enumerate(rows):
        column = 0
        for cell in row:
            if _tag(cell) not in ("td", "th") or not _shown(_tag(cell), cell, boxless):
                continue
            while (number, column) in taken:
                column += 1
            columns[cell] = range(column, column + min(_span(cell, "colspan"), _MOST_COLSPAN))
            most = _most_cell_width(cell, boxless, spacing)
            below = range(number, number + min(_span(cell, "rowspan"), len(rows) - number))
            for spanned in columns[cell]:
                widest[spanned] = max(widest.get(spanned, 0.0), most)
                taken.update((row_number, spanned) for row_number in below)
            column = columns[cell].stop
    edges = _TABLE_EDGES + _CELL_EDGES * len(widest)
    return {cell: max(_least_cell_width(cell, boxless),
                      available - edges - sum(most for column, most in widest.items() if column not in spanned))
            for cell, spanned in columns.items()}


def _shown(tag: str, element: Any, boxless: set[Any]) -> bool:
    """Whether the element `element` (of tag `tag`, `_tag`) of a tinyhtml5 tree is laid out: an element, not one of
    `_UNSHOWN` or `boxless` (`_boxless_matcher`'s)."""
    return bool(tag) and tag not in _UNSHOWN and element not in boxless


@functools.lru_cache(maxsize=1)
def _boxless_matcher() -> Any:
    """A cssselect2 Matcher of the selectors of WeasyPrint's own style sheet (`css/html5_ua.css`, read from its
    package without importing it: importing WeasyPrint needs Pango) whose rules set `display: none`: the elements
    (`<rp>`, `<source>`, `<track>`, `<area>`, `[hidden]`, …) for which WeasyPrint makes no box
    (`formatting_structure.build.element_to_box`)."""
    import importlib.util  # noqa: PLC0415

    import cssselect2  # noqa: PLC0415
    import tinycss2  # noqa: PLC0415

    spec = importlib.util.find_spec("weasyprint")
    assert spec is not None and spec.submodule_search_locations  # a core dependency
    sheet = (Path(spec.submodule_search_locations[0]) / "css" / "html5_ua.css").read_text("utf-8")
    matcher = cssselect2.Matcher()
    for rule in tinycss2.parse_stylesheet(sheet, skip_comments=True, skip_whitespace=True):
        if rule.type == "qualified-rule" and any(
                declaration.type == "declaration" and declaration.lower_name == "display"
                and tinycss2.serialize(declaration.value).strip().lower() == "none"
                for declaration in tinycss2.parse_blocks_contents(rule.content, True, True)):
            for selector in cssselect2.compile_selector_list(rule.prelude):
                matcher.add_selector(selector, None)
    return matcher


def _laid_out_texts(element: Any, boxless: set[Any]) -> Iterator[str]:
    """The texts of the element `element` of a tinyhtml5 tree as WeasyPrint makes its text boxes of them
    (`formatting_structure.build.element_to_box`): its own text, then each child's tail, joined to the text before
    it where the child makes no box (a comment, or one of `boxless`: `<rp></rp>` between two halves of a run leaves
    one run); then, for an `<img>`, its `alt`, which WeasyPrint lays out as text in a box of its own where it cannot
    draw the picture (priced whether it can or not)."""
    text = element.text or ""
    for child in element:
        if isinstance(child.tag, str) and child not in boxless:
            yield text
            text = ""
        text += child.tail or ""
    yield text
    if _tag(element) == "img":
        yield element.get("alt") or ""


def relaid_text(html: str, spacing: tuple[float, float] | None = _NO_SPACING) -> tuple[int, str, str] | None:
    """How many characters WeasyPrint lays out again, at most, to break the lines of the kit document `html`
    (`MAX_KIT_RELAID_TEXT`), with the text (or run of it without white space) that costs most and what makes it
    cost: each text's (`_laid_out_texts`: as WeasyPrint makes its text boxes, joined across elements that make no
    box, and an image's `alt`) `line_breaking.slow_path_cost` in the width the built-in style sheets give
    it (`_content_width`, a table cell's `_least_cell_width`: a list 16 deep leaves 2.5 em, a cell beside a long
    word one `x` in it, a text of narrow or zero-width characters fits a prefix on
    one line), its length times its soft hyphens (where a line's first characters are narrow, zero-width ones or
    soft hyphens themselves, WeasyPrint lays out the whole rest of the text, not a run: 5,000 `i`, each with a
    combining accent and a space, then 100 soft hyphens ran over 300 s), and the square of the length of each
    run longer than SHORT_RUN in a table cell (`<td>`, `<th>`, whose narrowest width WeasyPrint measures by
    breaking at every opportunity; a kit's style sheets may make no other element one,
    `backgrounds._UNNEEDED_DISPLAYS`); None if it has none of these. Read on the tree WeasyPrint builds (`_html5`);
    what its own style sheet shows no box for (`_boxless_matcher`) is not read;
    `spacing`: the most `letter-spacing` and `word-spacing` (pt) its style sheets may give text
    (`backgrounds.text_spacing`), added to the other cells' priced most (`_most_cell_width`; 18-verify27 N4); None
    where it is not known before layout. A box a project's own style sheet makes narrower (a float, an inline block,
    a margin), and text it widens otherwise (`font-size`, `text-transform`, a font of its own) or with a spacing not
    known, are priced by laying the document out (`layout_problems`): no bound is sure without the cascade of
    relative font sizes. The author's HTML cannot take the built-in style sheet's classes (`KIT_CLASSES`)."""
    import cssselect2  # noqa: PLC0415 - WeasyPrint's own (a core dependency)

    root = _html5(html)
    matcher = _boxless_matcher()
    boxless = {wrapper.etree_element for wrapper in cssselect2.ElementWrapper.from_html_root(root).iter_subtree()
               if matcher.match(wrapper)}
    total, worst, costliest = 0, 0, ("", "")
    pending = [(root, False, KIT_TEXT_WIDTH)]
    cell_widths: dict[Any, float] = {}
    while pending:
        element, in_cell, width = pending.pop()
        tag = _tag(element)
        if not _shown(tag, element, boxless):
            continue
        in_cell = in_cell or tag in ("td", "th")
        if tag == "table":
            cell_widths.update(_cell_widths(element, width, boxless, spacing or _NO_SPACING))
        width = (cell_widths.get(element, _least_cell_width(element, boxless)) if tag in ("td", "th")
                 else _content_width(element, width))
        for text in filter(None, _laid_out_texts(element, boxless)):
            runs = _SPACES.split(text)
            costs = [(len(words) ** 2, words, f"{len(words):,} characters without a space in a table cell")
                     for words in runs if in_cell and len(words) > SHORT_RUN]  # first: named where costs are equal
            costs += [(slow_path_cost(text, width / _HEADING_SIZES.get(tag, KIT_FONT_SIZE)), text.strip(),
                      f"{len(text):,} characters of text in a table cell, which its table may lay out as narrow as "
                      "its longest word, so that WeasyPrint lays the text out again for each of its lines"
                      if in_cell else f"{len(text):,} characters of text WeasyPrint lays out again for each of its "
                      "lines (narrow or zero-width characters, characters the kit's font, DejaVu Sans, has no glyph "
                      "for, or a box a few characters wide)")]
            if _SOFT_HYPHEN in text:
                costs.append((len(text) * text.count(_SOFT_HYPHEN), next(r for r in runs if _SOFT_HYPHEN in r),
                              f"{len(text):,} characters of text with {text.count(_SOFT_HYPHEN):,} soft hyphens"))
            for cost, words, what in costs:
                total += cost
                if cost > worst:
                    worst, costliest = cost, (words, what)
        pending += [(child, in_cell, width) for child in reversed(element)]
    return (total, *costliest) if total else None


def _written_in(course: Course, words: str) -> tuple[str, int] | None:
    """The page, question bank or course.yaml and line that writes the run of text `words` (its first 40 characters,
    character references read), None if none does as such (Markdown or a template made it)."""
    start = words[:40]
    for source in [*(page.source for page in course.pages), *(bank.source for bank in course.banks), course.source]:
        path = course.root / source.path
        if path.is_file():
            for number, line in enumerate(path.read_text("utf-8", "replace").splitlines(), 1):
                if start in html_lib.unescape(line):
                    return source.path, number
    return None


@cache.kept(key=lambda html: html)  # so `coursebuild preview` measures again only the pages that changed
def _body_depth(html: str) -> int:
    """`markup.html_depth` of a page body's HTML."""
    return html_depth(html)


def page_depth_problems(course: Course) -> list[Problem]:
    """A problem for each page of a course with a kit whose HTML nests more than MAX_KIT_BODY_DEPTH levels deep:
    the kit shows page bodies (handouts, case studies, key points), and its PDFs could not lay them out.
    (A page nests at most `markup.MAX_HTML_DEPTH` levels for the web build; `check` finds this without
    rendering the kit.)"""
    if course.settings.kit is None:
        return []
    problems = []
    for page in course.pages:
        depth = _body_depth(convert(page.body).html)
        if depth > MAX_KIT_BODY_DEPTH:
            problems.append(Problem(page.source.path, page.body_line + _deepest_line(page.body),
                                    f"this page nests HTML elements {depth} levels deep, more than the "
                                    f"{MAX_KIT_BODY_DEPTH} the kit's PDFs can lay out",
                                    "nest fewer elements inside each other"))
    return problems


def _deepest_line(body: str) -> int:
    """The line (from 0) of Markdown `body` where its raw HTML first nests past MAX_KIT_BODY_DEPTH, found by
    halving (`markup.html_depth` of a longer start is never less); 0 if its raw HTML alone does not (the depth
    comes from Markdown's lists and quotes)."""
    lines = body.splitlines(keepends=True)
    low, high = 0, len(lines)  # the answer is the least n whose first n lines nest too deeply, less 1
    if html_depth(body) <= MAX_KIT_BODY_DEPTH:
        return 0
    while low < high:
        middle = (low + high) // 2
        if html_depth("".join(lines[:middle + 1])) > MAX_KIT_BODY_DEPTH:
            high = middle
        else:
            low = middle + 1
    return low


class KitDocumentFailed(ChildFailed):
    """WeasyPrint could not make a kit document's PDF within the kit's bounds; the message says why."""


def pdfs(documents: dict[str, str], project: Path) -> dict[str, bytes]:
    """The PDF of each kit document (`to_pdf`), by name, made one after the other within MAX_KIT_TOTAL_SECONDS of
    processor time in all: each document's child is bounded by what is left of it (MAX_KIT_SECONDS at most), and once
    none is left the documents not yet made are not tried.

    Raises CourseInvalid with a problem for each document that failed, and one at the document the time ran out at."""
    made: dict[str, bytes] = {}
    problems: list[Problem] = []
    allowance = Allowance(MAX_KIT_TOTAL_SECONDS, MAX_KIT_SECONDS)
    for name, html in documents.items():
        if allowance.spent:
            problems.append(Problem(_document_source(project, name), 1, f"making the kit's PDFs took more than "
                                    f"{MAX_KIT_TOTAL_SECONDS} s of processor time in all, which ran out before its "
                                    f"{name} was made", "make its documents simpler: fewer pages, elements, figures "
                                    "and nested layouts"))
            break
        try:
            made[name] = allowance.run(functools.partial(to_pdf, html, project, name))
        except CourseInvalid as failed:
            problems += failed.problems
    if problems:
        raise CourseInvalid(problems)
    return made


def layout_problems(course: Course, documents: dict[str, str]) -> list[Problem]:
    """For `check`: if any of the kit's `documents` (name -> HTML, as `render_kit` renders them) is rendered from a
    template of the project's own (`own_document`), every one laid out as `kit` lays them out (`pdfs`: the same
    bounded children, bounds, total and problem lines), the PDFs dropped; its problems, none if all were made. The
    rules of `document_problems` price what a kit document may ask of WeasyPrint, but a project's templates and
    style sheets found a cost they did not price again and again (issue 18: each time `check` said ok and `kit`
    then ran into its time or memory bound); laying the documents out is the one check that cannot miss one. A
    project whose kit documents are the built-in templates' alone lays nothing out (this course: `check` stays as
    fast). Where WeasyPrint cannot run (KitUnavailable: no Pango), one warning at the course file that the layout
    was not checked: `kit` cannot run there whatever the project holds, and the rest of `check` still can."""
    if not any(own_document(course.root, name) for name in documents):
        return []
    try:
        pdfs(documents, course.root)
    except CourseInvalid as failed:
        return failed.problems
    except KitUnavailable as unavailable:
        return [Problem(COURSE_FILE, 1, f"the layout of the kit's documents was not checked: {unavailable}",
                        severity=Severity.WARNING)]
    return []


class UnmappedURL(Exception):
    """A `file:` URL that the kit's fetcher would read otherwise than `check` can map it (`fetched_target`), or a URL
    that cannot be split: its arguments are the URL, what is wrong with it, and (from `backgrounds`) the project
    path of the style sheet that names it, None for the document."""


#: A URL WeasyPrint takes as absolute, handed to its fetcher as written (`weasyprint.urls.url_is_absolute`: two
#: characters or more before a colon; `c:x` is joined to the base like a path).
_ABSOLUTE_URL = re.compile(r"[a-zA-Z][a-zA-Z0-9.+-]+:")
#: What `weasyprint.urls.iri_to_uri` leaves as it is in a URL; it percent-encodes any other character.
_URI_SAFE = "/:?#[]@!$&'()*+,;=~%"
#: A URL with white space or a control character at its start or end, or a control character inside: WeasyPrint
#: strips a link's `href` of ASCII white space only and a CSS string or `url()` not at all, then `urljoin` strips
#: the start of C0 controls and space and removes tabs and line breaks (a trailing space in `@import "k.css "`
#: names `k.css%20`, a leading no-break space in `href` a folder `%C2%A0..`: issue 18, fifteenth verification, E2).
_SPACED_URL = re.compile(r"\A\s|\s\Z|[\x00-\x1f\x7f-\x9f]")
#: What is wrong with a URL `kit_url` refuses for `_SPACED_URL`, and how to fix it.
SPACED_URL = ("has white space or a control character at its start or end, or a control character inside it, which "
              "the kit's PDFs (WeasyPrint) keep in some places and strip in others", "remove it")
#: How to fix a URL that `fetched_target` refuses.
WRITE_IT_RELATIVE = ("write it as a path relative to the file that names it, such as `../media/kit.css` in a kit "
                     f"template, whose paths start from {BASE_FOLDER}/")


def unmapped_problem(project: Path, document: str, unmapped: UnmappedURL) -> Problem:
    """The problem of a URL of the kit document `document` or of a style sheet it loads that `check` cannot map as
    the fetcher would (`UnmappedURL`, from `backgrounds`: its URL, what is wrong, and the project path of the sheet
    that names it or None): at the sheet's first line that holds it, or the template line that writes it."""
    url, what, sheet = (*unmapped.args, None)[:3]
    if sheet is None:
        where, line = _written_at(project, document, url)
    else:
        lines = (project / sheet).read_text("utf-8", "replace").splitlines()
        where, line = sheet, next((number for number, text in enumerate(lines, 1) if url in text), 1)
    return Problem(where, line, f"`{url}`, named by the kit's {document}, {what}",
                   {INVALID_URL[0]: INVALID_URL[1], SPACED_URL[0]: SPACED_URL[1]}.get(what, WRITE_IT_RELATIVE))


def kit_url(base: str, url: str) -> str:
    """The URL WeasyPrint 70 hands its fetcher for `url`, written in a document or style sheet whose own URL is
    `base` (`weasyprint.urls.url_join`): `url` as it is if it is absolute (`_ABSOLUTE_URL`), else joined to `base`
    (`urljoin`, which removes its dot segments as text), then with the characters a URI may not hold
    percent-encoded (UTF-8; the file system's encoding for a `file:` URL). InvalidURL if it cannot be joined;
    UnmappedURL (`SPACED_URL`) for a URL with white space or a control character at an end, or a control character
    inside (`_SPACED_URL`), which WeasyPrint reads otherwise in a link than in CSS."""
    if _SPACED_URL.search(url):
        raise UnmappedURL(url, SPACED_URL[0])
    joined = url if _ABSOLUTE_URL.match(url) else join_url(base, url)
    if joined.startswith("data:"):
        return joined
    return quote(joined.encode(sys.getfilesystemencoding() if joined.startswith("file:") else "utf-8",
                               "surrogateescape"), safe=_URI_SAFE)


def fetched_target(url: str, project: Path) -> str | None:
    """The project path the kit's fetcher reads for `url`, a URL as WeasyPrint hands it over (`kit_url`), whatever
    is there (`media.readable_problem` tells whether it may be read); None for one it never reads: another scheme
    than `file:`, another host than this computer, or a path outside the project. `check` maps the URLs of the kit's
    documents and style sheets with it, and the fetcher reads only what it maps (issue 18, fourteenth verification,
    D1).

    Only a URL that starts with the project folder's own `file:///…/` is read, from the path it names as written:
    its dot segments removed as text, each segment percent-decoded. A style sheet's own URLs are joined to the
    sheet's URL as written, as WeasyPrint joins them (not to the folder of the file it turns out to be), so a
    folder on the way that is a symbolic link is read as WeasyPrint reads it. UnmappedURL for a `file:` URL that
    would be read otherwise: one without `/` after its colon (`file:course/media/k.css`, read from the folder the
    command is run in), one that names a file of the project in another way (`file://localhost/…`, `FILE:`, other
    escapes), a `%2e` or `%2f` escape that decodes into a dot segment or a `/` (`%2e%2e/`, `..%2f`: WeasyPrint
    joins the sheet's URLs to it as a name), or a `..` after a symbolic link to a folder (the system goes up
    from the link's target). InvalidURL for a URL that cannot be split."""
    parts = split_url(url)
    if parts.scheme.lower() != "file":
        return None
    root = project.resolve()
    prefix = root.as_uri() + "/"
    if not url.startswith(prefix):
        if not url[len("file:"):].startswith("/"):
            raise UnmappedURL(url, "would be read from the folder the command is run in, not from the project (a "
                              "`file:` URL with no `/` after its colon)")
        named = posixpath.normpath(unquote(parts.path))
        if parts.netloc.lower() in ("", "localhost") and Path(named).is_relative_to(root):
            raise UnmappedURL(url, "names a file of the project otherwise than by its path in the project folder "
                              "(another host, escapes or case), which the kit does not read")
        return None
    written = parts.path[len(split_url(prefix).path):]
    if hides_path_syntax(written):
        raise UnmappedURL(url, ESCAPED_PATH_SYNTAX[0])
    decoded = [unquote(segment) for segment in written.split("/")]
    if any("\0" in name for name in decoded):
        return None  # a name the system refuses: never opened
    opened = posixpath.join(root.as_posix(), *decoded)  # as the fetcher's `open` is given it
    path = posixpath.normpath(opened)
    if not path.startswith(root.as_posix() + "/"):
        return None
    folder = posixpath.dirname(opened)
    if os.path.realpath(folder) != os.path.realpath(posixpath.normpath(folder)):
        raise UnmappedURL(url, "goes up a folder (`..`) after a symbolic link to a folder, which the system does "
                          "from where the link leads")
    return posixpath.relpath(path, root.as_posix())


def project_url(project: Path, folder: str = "") -> str:
    """The `file:` URL of the folder `folder` (such as `course/pages/`, or "" for the project folder) of `project`,
    as the kit's documents start from it (`to_pdf`) and `check` maps their URLs (`backgrounds`): the project folder
    by its real location, `folder` under it as written, not resolved. With `course/pages` a symbolic link, the kit
    resolved it and `check` did not, so every relative URL named two files (18-verify15 E3); a `..` after it is now
    refused (`fetched_target`)."""
    return join_url(project.resolve().as_uri() + "/", folder)


def _read_regular(path: Path) -> bytes | None:
    """The bytes of the regular file at `path`'s real location (`media.read_regular`, checked by `readable_problem`);
    None if it is no longer one (a link or FIFO swapped in since), or cannot be read."""
    try:
        return read_regular(os.path.realpath(path))
    except (OSError, ValueError):
        return None


def to_pdf(html: str, project: Path, document: str, seconds: int | None = None) -> bytes:
    """A tagged (PDF/UA) A4 PDF of the kit document `document` (its HTML, whose relative links start in
    `course/pages/`).

    Works offline and reads only the project's own files: WeasyPrint fetches nothing but files inside
    course/ and quizzes/ (no remote URLs, no files elsewhere on the computer); anything else is left out. An SVG
    is drawn as `media.svg_for_drawing` gives it: without its `<image>` elements, so it never draws another SVG. A
    picture whose content is not what its name says is left out (`left_out`), as the slides leave it out.
    Laid out in a forked child process limited to `seconds` (MAX_KIT_SECONDS) of processor time and MAX_KIT_MEMORY
    more memory, and stopped past MAX_KIT_PAGES pages (in this process where there is no fork).

    Raises CourseInvalid with one problem, at the project's template of the document or the course file, for
    any failure of WeasyPrint: an exception, a bound passed, the child killed.
    """
    try:
        import weasyprint
        from weasyprint import urls
        from weasyprint.text.fonts import FontConfiguration  # type: ignore[import-untyped]
    except (ImportError, OSError):  # WeasyPrint raises OSError when it cannot load Pango
        raise KitUnavailable("the kit's PDFs need the Pango library that WeasyPrint draws text with (on Debian or "
                             "Ubuntu: apt-get install libpango-1.0-0 libpangoft2-1.0-0; elsewhere see WeasyPrint's "
                             "installation notes), and a working WeasyPrint (reinstall coursebuild)") from None
    def readable_target(url: str) -> str:
        """The project path the fetcher reads for `url` (`fetched_target`, as `check` maps it); ValueError for a URL
        it never reads."""
        try:
            path = fetched_target(url, project)
        except (UnmappedURL, InvalidURL):  # `check` reports it (`backgrounds`)
            path = None
        if path is None:
            raise ValueError(f"{url} is not fetched: the kit reads only files in course/ and quizzes/, by a URL "
                             "under the project folder's own `file:///…/`")
        # one stat, before anything opens it: a FIFO would block the child for ever (18-verify12 B2;
        # `bounded.wall_seconds` ends one swapped in after); hidden files and links out of course/ too, as `check`
        if refused := readable_problem(project, path):
            raise ValueError(f"{url} is not fetched: it {refused[0]}")
        return path

    class Fetched(urls.URLFetcherResponse):  # type: ignore[misc]  # WeasyPrint has no type hints
        """Bytes the fetcher read, never a path: WeasyPrint would read a PNG again from its URL's path when it
        writes the PDF (`images.LazyLocalImage`)."""
        path = None

    class BoundedFonts(FontConfiguration):  # type: ignore[misc]
        """WeasyPrint's fonts, which load no font past MAX_KIT_FONT_FACES `@font-face` rules or, through the
        fetcher, MAX_KIT_FONT_BYTES."""
        faces, font_bytes, loading = 0, 0, False

        def add_font_face(self, rule_descriptors: Any, url_fetcher: Any) -> Any:
            self.faces += 1
            if self.faces > MAX_KIT_FONT_FACES:
                return None
            self.loading = True
            try:
                return super().add_font_face(rule_descriptors, url_fetcher)
            finally:
                self.loading = False

        def take(self, url: str, data: bytes) -> None:
            """Count the font `data` fetched for `url` if a rule is loading it; ValueError past MAX_KIT_FONT_BYTES."""
            if self.loading:
                self.font_bytes += max(len(data), _unpacked_size(data))
                if self.font_bytes > MAX_KIT_FONT_BYTES:
                    raise ValueError(f"{url} is not fetched: the document's fonts have over "
                                     f"{MAX_KIT_FONT_BYTES // 1024 ** 2} MB")

    class ProjectFetcher(urls.URLFetcher):  # type: ignore[misc]
        """Reads the project file `fetched_target` maps, itself: urllib cut a URL at its last `#`, `check` at its
        first, so `k#a.css#b` read `k#a.css`, which `check` never saw (18-verify15 E1). Past MAX_KIT_SHEETS style
        sheets, it refuses any other, and past MAX_KIT_FONT_BYTES any font (`BoundedFonts.take`)."""
        sheets = 0

        def __init__(self, fonts: BoundedFonts) -> None:
            super().__init__()
            self.fonts = fonts

        def fetch(self, url: str, headers: Any = None) -> Any:
            path = readable_target(url)
            kind = mimetypes.guess_type(path)[0] or "text/plain"
            if kind == "text/css":
                self.sheets += 1
                if self.sheets > MAX_KIT_SHEETS:
                    raise ValueError(f"{url} is not fetched: the document has loaded {MAX_KIT_SHEETS} style sheets")
            data = _read_regular(project / path)
            if data is None:
                raise ValueError(f"{url} is not fetched: it is no longer the regular file that was checked")
            self.fonts.take(url, data)
            if _too_many_pixels(data):
                raise ValueError(f"{url} is not fetched: it has over {MAX_PICTURE_PIXELS:,} pixels")  # never decoded
            if left_out(posixpath.basename(path), data):  # by the name it is shown by
                raise ValueError(f"{url} is not fetched: its content is not what its name says (`left_out`)")
            drawn = svg_for_drawing(data)
            if drawn is None:  # validation reports a linked one; a kit template's is reported by with_media
                raise ValueError(f"{url} is not fetched: drawing it makes too many copies or pattern tiles, or takes "
                                 "too long (`media.svg_drawing_problem`)")
            # `kind`: the type urllib gave a file (a sheet of another type is not applied), by the name `check` maps
            return Fetched(url.split("#")[0].split("?")[0], drawn, {"Content-Type": kind})  # as urllib gave it

    base_url = project_url(project, BASE_FOLDER + "/")

    def lay_out() -> bytes:
        fonts = BoundedFonts()  # in the child: Fontconfig's set-up is its own
        with _page_bound():
            rendered = weasyprint.HTML(string=html, base_url=base_url, url_fetcher=ProjectFetcher(fonts)).render(
                font_config=fonts, pdf_variant="pdf/ua-1")
        if len(rendered.pages) > MAX_KIT_PAGES:  # a second guard, should the progress messages change
            raise KitDocumentFailed(f"it makes more than {MAX_KIT_PAGES} pages")
        pdf: bytes = rendered.write_pdf(pdf_variant="pdf/ua-1")
        return pdf

    try:
        return _in_child(lay_out, MAX_KIT_SECONDS if seconds is None else seconds)
    except ChildFailed as failure:
        raise CourseInvalid([Problem(_document_source(project, document), 1,
                                     f"the kit's {document} PDF cannot be made: {failure}",
                                     "make the document simpler: fewer pages, elements and nested layouts")]) from None


def _unpacked_size(font: bytes) -> int:
    """The size (bytes) a WOFF or WOFF2 font `font` declares it has unpacked (`totalSfntSize`, bytes 16 to 20 of its
    header, big-endian), which WeasyPrint writes; 0 for any other file."""
    return int.from_bytes(font[16:20], "big") if font[:4] in (b"wOFF", b"wOF2") else 0


def _document_source(project: Path, document: str) -> str:
    """Where a problem of the kit document `document` is shown: the project's template of it if it has one, else
    its `templates/kit/base.html` (which every kit document extends) if it has that, else the course file, whose
    `kit` settings choose what the document shows."""
    for own in (f"templates/kit/{document}.html", _KIT_BASE):
        if (project / own).is_file():
            return own
    return COURSE_FILE


def own_document(project: Path, document: str) -> bool:
    """Whether the kit document `document` is rendered from a template of the project's own (`_document_source`):
    its `templates/kit/<document>.html`, or `templates/kit/base.html`, the only template the built-in ones extend
    (the built-in kit templates include and import nothing, so nothing else of `templates/` reaches a document
    but through these two). Else the document is the built-in templates' alone, whose layout the rules of
    `document_problems` bound."""
    return _document_source(project, document) != COURSE_FILE


#: The project path of the kit's base template, which every kit document extends.
_KIT_BASE = "templates/kit/base.html"
#: The most characters before a tag's name on its rendered line that `_tag_written_at` looks for in the templates.
_TAG_CONTEXT = 200
#: A tag's `<` and name (`_tag_written_at`).
_TAG_NAME = re.compile(f"<?/?[^{_SPACE}/>]*")


def _tag_written_at(project: Path, document: str, html: str, start: int) -> tuple[str, int]:
    """The project template and line that wrote the tag starting at index `start` of the rendered kit document
    `html`: of the project's kit templates (the document's own first, then `templates/kit/base.html`, then the
    others by name), the first line holding the longest end of the rendered text before the tag's name, through
    that name (up to _TAG_CONTEXT characters of it; the name itself at least); `_document_source` at line 1 if no
    line holds the name."""
    line_start = max(html.rfind("\n", 0, start) + 1, start - _TAG_CONTEXT)
    name_end = _TAG_NAME.match(html, start).end()  # type: ignore[union-attr] # it matches the empty text at least
    head, least = html[line_start:name_end], max(name_end - start, 1)
    folder = project / "templates" / "kit"
    others = sorted(p.relative_to(project).as_posix() for p in folder.glob("*.html")) if folder.is_dir() else []
    best: tuple[int, str, int] = (least - 1, _document_source(project, document), 1)
    for name in dict.fromkeys([f"templates/kit/{document}.html", _KIT_BASE, *others]):
        real = inside_templates(project / "templates", project / name)
        for number, line in enumerate(real.read_text("utf-8", "replace").splitlines() if real else [], 1):
            low, high = best[0] + 1, len(head)  # the longest end of `head` in `line`: any shorter end is in it too
            if head[-low:] not in line:
                continue
            while low < high:
                middle = (low + high + 1) // 2
                low, high = (middle, high) if head[-middle:] in line else (low, middle - 1)
            best = (low, name, number)
    return best[1], best[2]


def _reason_of(lay_out: Callable[[], bytes]) -> bytes:
    """`lay_out()` in this process, any exception out of it a ChildFailed saying what it was."""
    def deep_checked() -> bytes:
        try:
            return lay_out()
        except RecursionError:
            raise KitDocumentFailed(f"its elements nest too deeply for WeasyPrint (at most {MAX_KIT_DEPTH})") from None

    return reason_of(deep_checked, "WeasyPrint", MAX_KIT_MEMORY)


def _in_child(lay_out: Callable[[], bytes], seconds: int) -> bytes:
    """`lay_out()` run in a forked child limited to `seconds` of processor time and MAX_KIT_MEMORY of
    address space more than this process has (`bounded.bounded`). Raises ChildFailed if it failed, passed a
    limit or was killed."""
    return bounded(lambda: _reason_of(lay_out), "WeasyPrint", seconds, MAX_KIT_MEMORY)


class _TooManyPages(logging.Handler):
    """Stops WeasyPrint's layout once it starts page MAX_KIT_PAGES + 1, through its documented progress
    messages (logger `weasyprint.progress`, "Step 5 - Creating layout - Page %d", at level INFO)."""

    def emit(self, record: logging.LogRecord) -> None:
        if str(record.msg).startswith("Step 5") and record.args and isinstance(record.args, tuple) \
                and isinstance(record.args[0], int) and record.args[0] > MAX_KIT_PAGES:
            raise KitDocumentFailed(f"it makes more than {MAX_KIT_PAGES} pages")


@contextlib.contextmanager
def _page_bound() -> Iterator[None]:
    """WeasyPrint's layout stopped past MAX_KIT_PAGES pages inside the block (its progress logger's level,
    handlers and propagation restored after)."""
    logger, handler = logging.getLogger("weasyprint.progress"), _TooManyPages()
    level, propagate = logger.level, logger.propagate
    logger.addHandler(handler)
    logger.setLevel(logging.INFO)
    logger.propagate = False  # its INFO messages are for the bound, not for the user
    try:
        yield
    finally:
        logger.removeHandler(handler)
        logger.setLevel(level)
        logger.propagate = propagate
