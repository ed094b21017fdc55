"""Render a validated course to files: archive path -> bytes. Writes nothing.

Every page is a standalone HTML document in `pages/`, linked to its neighbours by relative
`.html` paths. Shared data the learner's runtime needs is in `assets/course-data.js`; media
referenced by the course are copied to `media/` under safe, content-hashed names (`builder.media`).
"""

from __future__ import annotations

import functools
import json
import posixpath
import re
from collections import Counter
from dataclasses import dataclass, field
from itertools import groupby
from typing import Hashable, Optional, cast
from urllib.parse import unquote

import jinja2
from lxml import html as lxml_html
from markupsafe import Markup

from builder import cache
from builder.cache import Same
from builder.markup import convert, convert_inline, fragment, linked
from builder.media import (
    AUDIO_TYPES,
    TRANSCRIPT_SUFFIX,
    VIDEO_TYPES,
    Packaged,
    add_captions,
    archive_name,
    captioned,
    packaged_file,
    player_of,
)
from builder.model import Bank, Course, Page, Question
from builder.parallel import chunk_size, fork_pool, pool_size
from builder.project_urls import split_or_none
from builder.theme import BuiltInBound, TemplateProblem, Theme, count_rendered, render_template
from builder.tracking import encoded_length, note_bytes_2004, saved_attempts, worst_case_state

PAGES = "pages"
ASSETS = "assets"
MEDIA = "media"
NEW_TAB_TEXT = " (opens in a new tab)"
SCORM_VERSIONS = {"scorm12": "1.2", "scorm2004": "2004"}
#: Most framework units on one step of a self-assessment page. A unit (title, the chosen level's
#: descriptor, three ratings, an evidence box) is about two-thirds of a 375x667 phone screen, so a
#: step of four stays within three screens (tests/test_assessment_accessibility.py measures it).
UNITS_PER_STEP = 4
#: Pages outside the course order: (id, title, template of their body).
EXTRA_PAGES = (("contents", "Contents", "contents.html"),
               ("accessibility", "Accessibility statement", "statement.html"))


@dataclass(frozen=True)
class NavPage:
    id: str
    title: str
    href: str
    kind: str


@dataclass(frozen=True)
class NavModule:
    id: str
    title: str
    pages: tuple[NavPage, ...]

    def __hash__(self) -> int:  # every page's context holds every module (see _PAGE_HTML): hashed once, not per page
        return self._hash

    @functools.cached_property
    def _hash(self) -> int:
        return hash((self.id, self.title, self.pages))


@dataclass(frozen=True)
class OptionView:
    key: str
    text: str
    feedback: str
    correct: bool
    pinned: bool


@dataclass(frozen=True)
class QuestionView:
    id: str
    stem: str
    type: str
    options: tuple[OptionView, ...]
    explanation: str
    outcomes: tuple[str, ...]


@dataclass(frozen=True)
class StageView:
    id: str
    title: str
    content: str
    prompts: tuple[str, ...]
    decisions: tuple[QuestionView, ...]


@dataclass(frozen=True)
class UnitView:
    code: str
    title: str
    levels: tuple[tuple[int, str], ...]
    domain: str


@dataclass(frozen=True)
class RatingStep:
    """One step of a self-assessment page: a framework domain, or one part of a long domain."""

    domain: str  #: the domain's number and title, "2. Normal and atypical development"
    part: int  #: 1 up to `parts`
    parts: int  #: 1 when the domain fits on one step
    units: tuple[UnitView, ...]

    @property
    def title(self) -> str:
        """The step's heading: "Domain 2. Normal and atypical development (part 2 of 3)"."""
        return f"Domain {self.domain}" + (f" (part {self.part} of {self.parts})" if self.parts > 1 else "")


def rating_steps(units: tuple[UnitView, ...], most: int = UNITS_PER_STEP) -> tuple[RatingStep, ...]:
    """The self-assessment's steps, in framework order: each domain whole if it has at most `most`
    units, else in the fewest near-equal parts of at most `most` units, longer parts first
    (13 units in steps of at most 4: 4, 3, 3, 3). `units` are in framework order."""
    steps: list[RatingStep] = []
    for domain, grouped in groupby(units, key=lambda u: u.domain):
        members = tuple(grouped)
        parts = -(-len(members) // most)
        size, longer = divmod(len(members), parts)
        start = 0
        for part in range(1, parts + 1):
            end = start + size + (part <= longer)
            steps.append(RatingStep(domain, part, parts, members[start:end]))
            start = end
    return tuple(steps)


@dataclass(frozen=True)
class PageContext:
    """Everything a page template gets: the course-wide fields, then the page's own."""

    course_id: str
    course_title: str
    version: str
    language: str
    modules: tuple[NavModule, ...]
    total: int
    pass_mark: Optional[int]
    page: NavPage
    body: Markup
    minutes: int = 0
    module: Optional[NavModule] = None
    position: int = 0
    previous: Optional[NavPage] = None
    next: Optional[NavPage] = None
    questions: tuple[QuestionView, ...] = ()
    stages: tuple[StageView, ...] = ()
    analysis: Markup = Markup("")
    prompts: tuple[str, ...] = ()
    attempts: Optional[int] = None
    draw: Optional[int] = None
    phase: Optional[str] = None
    units: tuple[UnitView, ...] = ()
    steps: tuple[RatingStep, ...] = ()
    levels: tuple[tuple[int, str], ...] = ()
    ratings: tuple[tuple[str, str], ...] = ()
    comments: tuple[tuple[str, str], ...] = ()


#: Each page's HTML (UTF-8) by the environment that rendered it and its context (plain, frozen, compared by value),
#: kept for the next build in this process (`preview`): a page whose context is unchanged is not rendered again.
#: A template sees nothing else that changes: no clock, no `lipsum` (a project's `random` would vary any build).
#: Kept as the bytes that are packaged, the very object: the rendered text is let go (a page with a non-ASCII
#: character is a text of 2 bytes a character, twice its bytes; 18-verify23 G5).
_PAGE_HTML: cache.Store[tuple[jinja2.Environment, PageContext], bytes] = cache.Store()


#: Each page's HTML by the objects its page and bank were loaded as (`cache.Same`: an unchanged file is loaded as
#: the same objects) and by the rest of what it shows of the course (its place, the modules, the course's fields),
#: kept for the next build in this process when it shows no file of the project (a picture, a video, a linked
#: PDF: what they are on disk can change): such a page is not even put in context again. A page that shows files
#: is made again in every build (`_PAGE_HTML` may still keep it).
_PAGE_KEPT: cache.Store[tuple[Hashable, ...], bytes] = cache.Store()
#: What every page shows of the course (`_Renderer.shown`), kept so that an equal one is the same object.
_COURSE_SHOWN: cache.Store[tuple[Hashable, ...], tuple[Hashable, ...]] = cache.Store()


@dataclass(frozen=True)
class Site:
    """The rendered course, shared by every target, plus what launch files need: its files by archive path, each
    bytes or a file read only when written (`media.OnDisk`: the media and static files packaged as they are)."""

    files: dict[str, Packaged]
    first_page: str
    env: jinja2.Environment
    course: Course

    def launch_file(self, target: str) -> bytes:
        """`index.html` for a target: the SCORM session shell, or the web build's start page."""
        settings = self.course.settings
        template = "start.html" if target == "web" else "shell.html"
        return render_template(self.env, template, course_title=settings.title, language=settings.language,
                               first_page=self.first_page, scorm_version=SCORM_VERSIONS.get(target, ""),
                               assets=ASSETS).encode()


@dataclass
class _Made:
    """What the texts of the page being made put in it, in characters of HTML: all of them, transcripts in (`html`),
    and the copies of each transcript, by its project path (`transcripts`): for `_Renderer.too_large` to say what
    made a page too large."""

    html: int = 0
    transcripts: Counter[str] = field(default_factory=Counter)


class _Media:
    """Media files referenced by the course, named by content so they never collide."""

    def __init__(self, course: Course):
        self.course = course
        self.files: dict[str, Packaged] = {}
        self.sources: dict[str, str] = {}  # project path -> archive name, in the order first named
        self.named = 0  # how many times a file was named

    def name(self, project_path: str) -> str:
        self.named += 1
        if project_path not in self.sources:
            data = packaged_file(self.course.root, project_path)
            name = f"{MEDIA}/{archive_name(project_path, data)}"
            self.files[name] = data
            self.sources[project_path] = name
        return self.sources[project_path]


class _Renderer:
    def __init__(self, course: Course, theme: Theme):
        self.course = course
        self.env = theme.environment()
        self.media = _Media(course)
        #: Each transcript shown, its project path and HTML, by its number (`_transcript_number`), and the numbers by
        #: project path
        self.transcripts: list[tuple[str, Markup]] = []
        self.transcript_numbers: dict[str, int] = {}
        self.made = _Made()  # of the page being made (`page`)
        self.page_files = {page.source.path: page.meta.id for page in course.pages}
        self.pages = {page.meta.id: page for page in course.pages}
        self.banks = {bank.settings.id: bank for bank in course.banks}
        titles = Counter(self.pages[p].meta.title for m in course.settings.modules for p in m.pages)
        self.modules = tuple(
            NavModule(m.id, m.title, tuple(self._nav_page(self.pages[p], m.title, titles) for p in m.pages))
            for m in course.settings.modules)
        self.order = [page for module in self.modules for page in module.pages]
        self.module_of = {page.id: module for module in self.modules for page in module.pages}
        units = {u.code: (u, f"{d.number}. {d.title}") for d in (course.framework.domains if course.framework else [])
                 for u in d.units}
        self.units = tuple(UnitView(code, units[code][0].title, tuple(sorted(units[code][0].levels.items())),
                                    units[code][1]) for code in course.covered_units())
        self.steps = rating_steps(self.units)
        self.levels = tuple(course.framework.level_labels()) if course.framework else ()
        # What every page shows of the course besides its own page and bank, compared by value once a build and
        # then by identity (`_PAGE_KEPT`): the template environment, the course's fields, where each page is,
        # the framework's units, and what a link to a page becomes.
        shown = (self.env, Same(course.settings), self.modules, self.units, self.steps, self.levels,
                 tuple(self.page_files.items()))
        self.shown = Same(_COURSE_SHOWN.make(shown, lambda: shown))

    @staticmethod
    def _nav_page(page: Page, module_title: str, titles: Counter[str]) -> NavPage:
        """A page as linked and headed; a title that several pages share gets its module's title too
        ("Check your understanding: Attachment"), so page titles and headings are unique (WCAG 2.4.2)."""
        title = page.meta.title
        return NavPage(page.meta.id, f"{title}: {module_title}" if titles[title] > 1 else title,
                       f"{page.meta.id}.html", page.meta.kind)

    # Markdown with links rewritten for where the HTML will live (pages/…).
    def markdown(self, text: Optional[str], source_path: str, phrasing: bool = False) -> Markup:
        """The text as HTML; with `phrasing`, as one paragraph's inline content (stems, options). Counted in `made`
        when it is a text of the page (not a transcript's, which a page holds as many times as its players show it)."""
        html = self._html(text, source_path, phrasing)
        if source_path not in self.course.transcripts:
            self.made.html += len(html)
        return html

    def _html(self, text: Optional[str], source_path: str, phrasing: bool) -> Markup:
        if not text:
            return Markup("")
        converted = (convert_inline if phrasing else convert)(text)
        if not converted.references:
            return Markup(converted.html)
        folder = posixpath.dirname(source_path)
        root = fragment(converted.html)
        authored = captioned(root)
        for element, attribute, value in linked(root):  # exactly what validation checked (`Converted.references`)
            self._rewrite(element, attribute, value, folder, authored)
        html = (root.text or "") + "".join(lxml_html.tostring(child, encoding="unicode") for child in root)
        return Markup(_TRANSCRIPT_MARK.sub(self._transcript_html, html) if "data-transcript" in html else html)

    def _transcript_number(self, path: str) -> int:
        """The number of the transcript at project path `path` in `transcripts`, which holds its HTML: the text
        validation read and checked (`Course.transcripts`), converted as a page body is, its links rewritten from its
        own folder; made once a build, however many players show it."""
        if path not in self.transcript_numbers:
            self.transcripts.append((path, self.markdown(self.course.transcripts[path], path)))
            self.transcript_numbers[path] = len(self.transcripts) - 1
        return self.transcript_numbers[path]

    def _transcript_html(self, mark: re.Match[str]) -> str:
        """The `<details>` of the transcript whose number `mark` (`_TRANSCRIPT_MARK`) holds, with its HTML: put in
        as text, never parsed again (libxml2 drops a text node over 10,000,000 characters; 18-verify22 E2b)."""
        path, html = self.transcripts[int(mark.group(1))]
        self.made.transcripts[path] += len(html)
        return f'<details class="transcript"><summary>Transcript</summary>{html}</details>'

    def _rewrite(self, element: lxml_html.HtmlElement, attribute: str, value: str, folder: str,
                 authored: set[lxml_html.HtmlElement]) -> None:
        """`element`'s `attribute` (`value`, written in the project folder `folder`) as the page links it: a course
        page's HTML, a packaged file (a video or audio file with its captions, unless its player is in `authored`:
        `captioned`, and its transcript), a site's link opening a new tab."""
        parts = split_or_none(value)
        if parts is None:
            return  # validation reports it
        if parts.scheme.lower() in ("http", "https") and element.tag == "a":
            _open_in_new_tab(element)
        if parts.scheme or not parts.path:
            return
        target = posixpath.normpath(posixpath.join(folder, unquote(parts.path)))
        fragment = f"#{parts.fragment}" if parts.fragment else ""
        if target in self.page_files:
            element.set(attribute, f"{self.page_files[target]}.html{fragment}")
            return
        href = f"../{self.media.name(target)}"
        suffix = posixpath.splitext(target)[1].lower()
        if element.tag == "img" and suffix in VIDEO_TYPES | AUDIO_TYPES:
            self._embed_media(element, href, target, suffix in VIDEO_TYPES)
        elif attribute == "src" and (player := player_of(element)) is not None:
            element.set(attribute, href + fragment)  # raw HTML: its captions and transcript, as `![…](talk.mp4)`
            if player not in authored:
                self._add_captions(player, target)
            self._show_transcript(player, target)
        else:
            element.set(attribute, href + fragment)
            if element.tag == "a":  # a PDF or other file: the LMS frame would replace the course with it
                _open_in_new_tab(element)

    def _add_captions(self, player: lxml_html.HtmlElement, target: str) -> None:
        """A captions <track> for the player of `target`, from the `.vtt` file beside it, if there is one."""
        add_captions(player, self.course.root, target, self.course.settings.language,
                     lambda captions: f"../{self.media.name(captions)}")

    def _embed_media(self, img: lxml_html.HtmlElement, href: str, target: str, is_video: bool) -> None:
        """Replace `![alt](talk.mp4)` with a native player, its captions and transcript."""
        stem = posixpath.splitext(target)[0]
        player = lxml_html.Element("video" if is_video else "audio", controls="", preload="metadata", src=href)
        player.text = img.get("alt", "")
        self._add_captions(player, target)
        figure = lxml_html.Element("figure", {"class": "media"})
        figure.append(player)
        caption = lxml_html.etree.SubElement(figure, "figcaption")
        caption.text = img.get("alt", "")
        if (details := self._transcript_mark(f"{stem}{TRANSCRIPT_SUFFIX}")) is not None:
            figure.append(details)
        parent = img.getparent()
        if parent.tag == "p" and len(parent) == 1 and not (parent.text or "").strip() and not (img.tail or "").strip():
            parent.getparent().replace(parent, figure)  # a <figure> may not sit inside a <p>
            figure.tail = parent.tail
        elif parent.tag == "p":  # in a sentence: the player follows the paragraph, which keeps its words
            previous = img.getprevious()
            if previous is not None:
                previous.tail = (previous.tail or "") + (img.tail or "")
            else:
                parent.text = (parent.text or "") + (img.tail or "")
            parent.remove(img)
            figure.tail = parent.tail
            parent.tail = None
            parent.addnext(figure)
        else:
            figure.tail = img.tail
            parent.replace(img, figure)

    def _transcript_mark(self, path: str) -> Optional[lxml_html.HtmlElement]:
        """Where the transcript at project path `path` goes (`_TRANSCRIPT_MARK`: `markdown` puts its HTML there once
        the page's HTML is written), if validation checked one there; else None."""
        if path not in self.course.transcripts:
            return None
        number = self._transcript_number(path)
        details = lxml_html.Element("details", {"class": "transcript", "data-transcript": str(number)})
        lxml_html.etree.SubElement(details, "summary").text = "Transcript"
        return details

    def _show_transcript(self, player: lxml_html.HtmlElement, target: str) -> None:
        """The transcript of `target` after a raw `<video>` or `<audio>` `player`, or after the paragraph holding it
        (a `<details>` may not sit inside a `<p>`), as `![…](talk.mp4)` shows it (18-verify22 E7): after those of
        the player's earlier `<source>` files, once for those that share it (18-verify23 G4, 18-verify24 H8)."""
        details = self._transcript_mark(f"{posixpath.splitext(target)[0]}{TRANSCRIPT_SUFFIX}")
        if details is None:
            return
        parent = player.getparent()
        after = parent if parent.tag == "p" else player
        while (shown := after.getnext()) is not None and shown.get("data-transcript") is not None:
            if shown.get("data-transcript") == details.get("data-transcript"):
                return  # `<source src="talk.mp4">` and `<source src="talk.webm">` of one player: one transcript
            after = shown
        details.tail, after.tail = after.tail, None
        after.addnext(details)

    def question(self, question: Question, source_path: str) -> QuestionView:
        return QuestionView(
            id=question.id, stem=self.markdown(question.stem, source_path, phrasing=True), type=question.type,
            options=tuple(OptionView(o.id, self.markdown(o.text, source_path, phrasing=True),
                                     self.markdown(o.feedback, source_path), o.correct, o.pinned)
                          for o in question.options),
            explanation=self.markdown(question.explanation, source_path), outcomes=tuple(question.outcomes))

    def _render_page(self, page: NavPage, body: Markup, **fields: object) -> bytes:
        """`page.html` for one page, with the course-wide context filled in, as UTF-8."""
        settings = self.course.settings
        context = PageContext(course_id=settings.id, course_title=settings.title, version=settings.version,
                              language=settings.language, modules=self.modules, total=len(self.order),
                              pass_mark=settings.pass_mark, page=page, body=body, **fields)  # type: ignore[arg-type]
        key = (self.env, context)
        html = _PAGE_HTML.get(key)
        if html is None:
            html = render_template(self.env, "page.html", c=context, assets=f"../{ASSETS}").encode()
            _PAGE_HTML.put(key, html)
        return html

    def extra_page(self, page_id: str, title: str, template: str) -> bytes:
        """A page outside the course order (contents, accessibility statement), linked from every page, as UTF-8."""
        def render() -> bytes:
            body = Markup(render_template(self.env, template, settings=self.course.settings, modules=self.modules))
            return self._render_page(NavPage(page_id, title, f"{page_id}.html", "extra"), body)

        return _PAGE_KEPT.make((self.shown, page_id, title, template), render)  # it shows only the course's fields

    def page_file(self, index: int, nav: NavPage) -> tuple[str, bytes]:
        """The archive path and HTML of the page at `index` in course order."""
        return f"{PAGES}/{nav.href}", self.page(index, nav)

    def page(self, index: int, nav: NavPage) -> bytes:
        """The HTML (UTF-8) of the page at `index` in course order: taken from the last build when the page, its bank
        and everything else the page shows of the course are the same (`_PAGE_KEPT`), else rendered."""
        page = self.pages[nav.id]
        bank: Optional[Bank] = self.banks.get(page.meta.bank) if page.meta.bank else None
        key = (self.shown, Same(page), *((Same(bank.settings), Same(bank.source)) if bank else ()), index)
        self.made = _Made()
        html = _PAGE_KEPT.get(key)
        if html is None:
            named = self.media.named
            try:
                html = self._page(index, nav, page, bank)
            except BuiltInBound as passed:
                raise self.too_large(nav, passed, self.made) from None
            if self.media.named == named:  # it shows no file of the project, which could change on disk
                _PAGE_KEPT.put(key, html)
        return html

    def too_large(self, nav: NavPage, passed: BuiltInBound, made: _Made) -> TemplateProblem:
        """The page `nav` took the built-in page template past a bound (`passed`), as one line at the page's file:
        its content is what to change, not the template (issue 18, 18-verify18 C8). When transcripts are most of
        what its texts `made`, the largest of them is what to change: on every page that shows it, as the build's
        bound of all pages together is passed by a transcript shown on many (18-verify23 G5)."""
        page = self.pages[nav.id]
        where = f"{page.source.path}:{page.source.line('bank') if page.meta.bank else 1}"
        what = f"{where}: the page is too large for coursebuild's page template: {passed.reason}"
        if 2 * sum(made.transcripts.values()) > made.html:
            largest, copied = max(made.transcripts.items(), key=lambda item: (item[1], item[0]))
            return TemplateProblem(f"{what}; most of it is the transcript {largest} ({copied / 2**20:.3g} MB here), "
                                   "which every player of its video or audio file shows whole (shorten the "
                                   "transcript, or show its video or audio file on fewer pages)")
        shown = f"; it shows every question of the bank `{page.meta.bank}`: give it fewer" if page.meta.bank else ""
        return TemplateProblem(f"{what} (shorten it, or split it into several pages{shown})")

    def _page(self, index: int, nav: NavPage, page: Page, bank: Optional[Bank]) -> bytes:
        meta, path = page.meta, page.source.path
        return self._render_page(
            nav, self.markdown(page.body, path), minutes=meta.minutes, module=self.module_of[nav.id],
            position=index + 1, previous=self.order[index - 1] if index > 0 else None,
            next=self.order[index + 1] if index + 1 < len(self.order) else None,
            questions=tuple(self.question(q, bank.source.path) for q in bank.settings.questions) if bank else (),
            stages=tuple(StageView(s.id, s.title, self.markdown(s.content, path), tuple(s.prompts),
                                   tuple(self.question(q, path) for q in s.decisions)) for s in meta.stages),
            analysis=self.markdown(meta.analysis, path), prompts=tuple(meta.prompts),
            attempts=bank.settings.attempts if bank else None, draw=bank.settings.most_drawn() if bank else None,
            phase=meta.phase, units=self.units if meta.kind in ("self-assessment", "learning-record") else (),
            steps=self.steps if meta.kind == "self-assessment" else (),
            levels=self.levels if meta.kind == "self-assessment" else (),
            ratings=tuple((r.id, r.statement) for r in meta.ratings),
            comments=tuple((c.id, c.prompt) for c in meta.comments))

    def course_data(self) -> str:
        """The data the learner's runtime needs, keyed by authored ids."""
        settings = self.course.settings
        assessment = next((p for p in self.course.pages if p.meta.kind == "assessment"), None)
        data = {
            "id": settings.id, "version": settings.version, "title": settings.title,
            "passMark": settings.pass_mark, "completion": settings.completion.model_dump(),
            "lockAssessment": settings.lock_assessment,
            "outcomes": [{"id": o.id, "text": o.text} for o in settings.outcomes],
            "modules": [{"id": m.id, "title": m.title, "pages": [p.id for p in m.pages]} for m in self.modules],
            "pages": [{"id": p.id, "title": p.title, "kind": p.kind, "href": p.href,
                       "outcomes": self.pages[p.id].meta.outcomes} for p in self.order],
            "assessment": {"page": assessment.meta.id, "bank": assessment.meta.bank} if assessment else None,
            "banks": {bank.settings.id: _bank_data(bank) for bank in self.course.banks},
            "decisions": {q.id: _question_data(q) for q in self.course.decisions()},
            "stages": {page.meta.id: [s.id for s in page.meta.stages] for page in self.course.pages
                       if page.meta.stages},
            "notes": [key for page in self.course.pages for key in note_keys(page, [u.code for u in self.units])],
            "noteLabels": {key: label for page in self.course.pages for key, label in note_labels(page).items()},
            "minutes": sum(self.pages[p.id].meta.minutes for p in self.order),
            "units": [{"code": u.code, "title": u.title} for u in self.units],
            "levels": self.course.framework.level_numbers() if self.course.framework else [],
            "ratings": [r.id for page in self.course.pages for r in page.meta.ratings],
            "stateMax": encoded_length(worst_case_state(self.course)),
            "noteBytes2004": max(0, note_bytes_2004(self.course)),
        }
        return "window.COURSE = " + json.dumps(data, ensure_ascii=True, separators=(",", ":")) + ";\n"


#: Where `_Renderer._transcript_mark` put a transcript's `<details>`, as lxml writes it: `data-` attributes are not
#: among those the cleaner keeps (`markup.ALLOWED_ATTRIBUTES`), so no authored text can write one.
_TRANSCRIPT_MARK = re.compile(
    r'<details class="transcript" data-transcript="([0-9]+)"><summary>Transcript</summary></details>')


def _open_in_new_tab(link: lxml_html.HtmlElement) -> None:
    """Open a link that leaves the course in a new tab, and say so to screen readers.

    Inside an LMS frame, a site that forbids framing would replace the course with "refused to connect".
    """
    link.set("target", "_blank")
    link.set("rel", "noopener")
    lxml_html.etree.SubElement(link, "span", {"class": "visually-hidden"}).text = NEW_TAB_TEXT


def note_keys(page: Page, unit_codes: list[str]) -> list[str]:
    """Keys of the notes a page offers: per case-study stage with prompts, per reflection prompt, per rated unit."""
    if page.meta.kind == "self-assessment":
        return [f"sa.{page.meta.phase}.{code}" for code in unit_codes]
    if page.meta.kind == "case-study":
        return [f"{page.meta.id}.{stage.id}" for stage in page.meta.stages if stage.prompts]
    if page.meta.kind == "reflection":
        return ([f"{page.meta.id}.{index}" for index in range(1, len(page.meta.prompts) + 1)]
                + [f"ev.{comment.id}" for comment in page.meta.comments])
    return []


def note_labels(page: Page) -> dict[str, str]:
    """What the learning record calls each case-study and reflection note: where it was written."""
    meta = page.meta
    if meta.kind == "case-study":
        return {f"{meta.id}.{stage.id}": f"{meta.title}, stage {i}: {stage.title}"
                for i, stage in enumerate(meta.stages, start=1) if stage.prompts}
    if meta.kind == "reflection":
        return {f"{meta.id}.{i}": f"{meta.title}: {prompt}" for i, prompt in enumerate(meta.prompts, start=1)}
    return {}


def _question_data(question: Question) -> dict[str, object]:
    data: dict[str, object] = {"type": question.type, "correct": [o.id for o in question.options if o.correct],
                               "options": [o.id for o in question.options], "outcomes": question.outcomes}
    if question.tags:
        data["tags"] = question.tags
    return data


def _bank_data(bank: Bank) -> dict[str, object]:
    settings = bank.settings
    attempt_max, scores_kept = saved_attempts(settings)
    return {"attemptMax": attempt_max, "scoresKept": scores_kept,"kind": settings.kind, "size": settings.most_drawn(),
            "minimums": settings.draw_minimums(), "shuffle": settings.shuffle,
            "shuffleOptions": settings.shuffle_options, "review": settings.review, "attempts": settings.attempts,
            "questions": {q.id: _question_data(q) for q in settings.questions}}


def render_site(course: Course, theme: Theme) -> Site:
    """Render every page, the course data, static assets and media of the course."""
    renderer = _Renderer(course, theme)
    files: dict[str, Packaged] = {**_render_pages(renderer)}
    for page_id, title, template in EXTRA_PAGES:
        files[f"{PAGES}/{page_id}.html"] = renderer.extra_page(page_id, title, template)
    files[f"{ASSETS}/course-data.js"] = renderer.course_data().encode()
    for name, data in theme.static_files().items():
        files[f"{ASSETS}/{name}"] = data
    files.update(renderer.media.files)
    return Site(files=files, first_page=f"{PAGES}/{renderer.order[0].href}", env=renderer.env, course=course)


def _render_pages(renderer: _Renderer) -> dict[str, bytes]:
    """Every page in course order.

    A large course's pages are rendered by a pool of processes, while this process renders the
    pages that hold a question bank (the heaviest, and the slowest to hand between processes).
    """
    jobs = list(enumerate(renderer.order))
    workers = pool_size(len(jobs))
    if not workers:
        return dict(renderer.page_file(index, nav) for index, nav in jobs)
    heavy = {nav.id for _, nav in jobs if renderer.pages[nav.id].meta.bank}
    light = [(index, nav) for index, nav in jobs if nav.id not in heavy]
    with fork_pool(workers, _adopt, (renderer,)) as pool:
        rendered = pool.map(_render_in_worker, light, chunksize=chunk_size(len(light), workers))
        files = dict(renderer.page_file(index, nav) for index, nav in jobs if nav.id in heavy)
        for (_, nav), (path, html, media, made) in zip(light, rendered, strict=True):
            try:  # the build's bound holds for the workers' pages too
                count_rendered(renderer.env, "page.html", len(html))
            except BuiltInBound as passed:
                raise renderer.too_large(nav, passed, made) from None
            files[path] = html
            for source in media:  # the worker's media files, registered here too (by content hash)
                renderer.media.name(source)
    return files


_WORKER_RENDERER: Optional[_Renderer] = None  # in a pool worker: the renderer it started with


def _adopt(renderer: _Renderer) -> None:
    global _WORKER_RENDERER
    _WORKER_RENDERER = renderer


def _render_in_worker(job: tuple[int, NavPage]) -> tuple[str, bytes, list[str], _Made]:
    """One page rendered in a pool worker, with the media it named first (to be named here too) and what its texts
    made (for `_Renderer.too_large`, should the build's bound stop at it here)."""
    renderer = cast(_Renderer, _WORKER_RENDERER)
    known = len(renderer.media.sources)
    path, html = renderer.page_file(*job)
    return path, html, list(renderer.media.sources)[known:], renderer.made
