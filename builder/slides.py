"""The training-day slide deck: one editable, accessible PowerPoint (.pptx) file in the order of
the kit's timetable, with speaker notes from the facilitator guide on every slide.

`plan_slides` decides what goes on each slide from the course source (pure data, no python-pptx);
`render_slides` lays the plan out with python-pptx and returns the file's bytes, writing nothing.
The look is the project's own `templates/slides.pptx` when it has one, else a 16:9 deck in the
course's colours made in code from python-pptx's default template. `problems` lists everything
that would stop `render_slides`, for `coursebuild check`.

Rules kept here: at most about 40 words of prose a slide (`WORDS_PER_SLIDE`), nothing smaller than
18 pt (`MIN_POINTS`), a unique title on every slide and alt text on every picture (PowerPoint's
accessibility checker: missing slide title, duplicate slide title, missing alternative text).
"""

from __future__ import annotations

import datetime
import functools
import io
import itertools
import math
import os
import posixpath
import re
import unicodedata
import warnings
import zipfile
from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal

from lxml import etree

from builder import media_time, office
from builder.active_content import emptied, too_many_elements
from builder.bounded import Allowance, ChildFailed, WorkFailed, bounded
from builder.errors import CourseInvalid, Problem, Severity
from builder.kit import KitUnavailable
from builder.markup import convert, fragment, plain_text
from builder.media import (
    MAX_PICTURE_PIXELS,
    SVG_PIXELS,
    drawable_picture,
    file_content_problem,
    may_read,
    picture_pixels,
    picture_seconds,
    real_path,
    svg_drawing,
    svg_drawing_problem,
)
from builder.model import OPTION_LABELS, Course, Module, Page, Question, Session
from builder.packaging import source_date_epoch, zip_bytes
from builder.project_urls import local_path
from builder.theme import DECK, Theme

if TYPE_CHECKING:
    from PIL.Image import Image as PILImage
    from pptx.presentation import Presentation
    from pptx.slide import SlideLayout

WORDS_PER_SLIDE = 40
#: "About 40": prose runs to a quarter more when that saves splitting it over another slide.
MAX_WORDS = 50
MIN_POINTS = 18
BODY_POINTS = (28, 26, 24, 22, 20, MIN_POINTS)
TITLE_POINTS = (32, 28, 24, 20, MIN_POINTS)
TABLE_POINTS = MIN_POINTS
#: Table rows under the header row on one slide: 12 rows of 18 pt type and 0.05 in cell margins fill 5 in.
ROWS_PER_SLIDE = 11
#: Average advance of a character in em for the sans-serif fonts a deck falls back to (Calibri,
#: Carlito, DejaVu Sans, Liberation Sans), rounded up so that an estimate errs towards "too long".
CHAR_EM = 0.55
LINE_SPACING = 1.2
#: The course's colours (builder/templates/static/course.css): ink, brand-dark, paper.
INK, BRAND_DARK, PAPER = "1B1B1B", "123564", "FFFFFF"
RASTER_TYPES = {".png", ".jpg", ".jpeg"}
SLIDE_IMAGE_TYPES = RASTER_TYPES | {".svg"}
#: Pictures over this many pixels are left out: Pillow's own limit against decompression bombs.
MAX_PIXELS = 89_478_485
#: At most this many slides of references; the rest are listed in their speaker notes.
REFERENCE_SLIDES = 3
DRAWING = "http://schemas.openxmlformats.org/drawingml/2006/main"
PRESENTATION = "http://schemas.openxmlformats.org/presentationml/2006/main"
Layout = Literal["title", "content", "picture", "table"]


class SlidesUnavailable(KitUnavailable):
    """The deck cannot be made for this course or on this machine."""


# --- what goes on each slide (plain data) ---------------------------------------------------

@dataclass(frozen=True)
class Figure:
    """A picture on a page: its project-relative path, its alt text, and where it is written
    (`src` as authored, in the page file `page` at `line`), for problems about it."""

    path: str
    alt: str
    src: str = ""
    page: str = ""
    line: int = 1


@dataclass(frozen=True)
class Slide:
    """One slide: its title, what it shows and its speaker notes."""

    title: str
    notes: str
    layout: Layout = "content"
    bullets: tuple[str, ...] = ()
    #: Bullets that carry their own label (A., B., a time), shown without bullet marks.
    labelled: bool = False
    #: Which bullets are in bold (by position): a decision's question, or its answers.
    bold: tuple[int, ...] = ()
    figure: Figure | None = None
    #: Table rows, the first one the header row.
    rows: tuple[tuple[str, ...], ...] = ()
    #: Where the slide comes from (a project path and line), for a problem about the deck at it; set by `Deck.add`.
    origin: tuple[str, int] = field(default=("", 1), compare=False)


@dataclass(frozen=True)
class Outline:
    """What a page gives the deck: headings, key learning points, tips, figures and references."""

    headings: tuple[str, ...]
    #: The page file's line of each heading (`_lines`).
    heading_lines: tuple[int, ...]
    key_points: tuple[str, ...]
    tips: tuple[str, ...]
    figures: tuple[Figure, ...]
    references: tuple[str, ...]


def _text(element: Any) -> str:
    return " ".join(str(element.text_content()).split())


def plain(markdown: str | None) -> str:
    """Markdown as one line of plain text (`plain_text`), without footnote markers."""
    return " ".join(plain_text(markdown).split()) if markdown else ""


def outline(page: Page) -> Outline:
    """The parts of a page the deck uses (never its prose paragraphs)."""
    root = fragment(convert(page.body).html)
    for marker in root.xpath("//sup[a[contains(@class, 'footnote-ref')]] | //a[contains(@class, 'footnote-backref')]"):
        marker.drop_tree()
    references = tuple(_text(li) for li in root.xpath("//div[contains(@class, 'footnote')]//li"))
    for notes in root.xpath("//div[contains(@class, 'footnote')]"):
        notes.drop_tree()

    def callouts(kind: str) -> tuple[str, ...]:
        boxes = root.xpath(f"//div[contains(concat(' ', @class, ' '), ' {kind} ')]")
        for title in (t for box in boxes for t in box.xpath("./p[contains(@class, 'admonition-title')]")):
            title.drop_tree()
        return tuple(_text(box) for box in boxes)

    folder = posixpath.dirname(page.source.path)
    # The file the page shows (its path, not its query or fragment: `local_path`, as `check` reads it), and only
    # pictures inside the project: validation reports the others (absolute, `..`, other schemes).
    targets = ((target, src, img) for img in root.iter("img")
               if (target := local_path(folder, src := img.get("src", ""))) is not None)
    figures = tuple(Figure(target, " ".join(img.get("alt", "").split()), src, page.source.path, _line(page, src))
                    for target, src, img in targets
                    if posixpath.splitext(target)[1].lower() in SLIDE_IMAGE_TYPES
                    and not target.startswith("../"))
    headings = tuple(text for h in root.xpath("//h2 | //h3") if (text := _text(h)) and text.lower() != "references")
    return Outline(headings, _lines(page, headings), callouts("key-point"),
                   callouts("practice-tip") + callouts("warning") + callouts("note"), figures, references)


def _line(page: Page, needle: str) -> int:
    """The line of the page file where `needle` first appears in its body."""
    index = page.body.find(needle)
    return page.body_line + (page.body.count("\n", 0, index) if index > 0 else 0)


def _lines(page: Page, texts: Sequence[str]) -> tuple[int, ...]:
    """The line of the page file of each of `texts` (a heading's text), each searched in its body from where the one
    before it was found (one pass over the body); a text not found there (`## *a*` reads "a") at the line before."""
    lines, at, line = [], 0, page.body_line
    for text in texts:
        found = page.body.find(text, at)
        if found >= 0:
            line += page.body.count("\n", at, found)
            at = found + len(text)
        lines.append(line)
    return tuple(lines)


#: When sharing text out over slides, a word of twice this many characters or more counts as the
#: room it takes: one word for each this many characters (a long URL takes the room of several words).
WORD_CHARACTERS = 10


def words(text: str) -> int:
    """The words in `text`, a long one counted by the room it takes (see `WORD_CHARACTERS`)."""
    return sum(max(1, len(word) // WORD_CHARACTERS) for word in text.split())


def chunks(items: Sequence[str], limit: int = WORDS_PER_SLIDE) -> list[tuple[str, ...]]:
    """Items grouped in order so that each group has at most `limit` words (a longer item stands alone)."""
    groups: list[list[str]] = []
    count = 0
    for item in items:
        if groups and count + words(item) <= limit:
            groups[-1].append(item)
            count += words(item)
        else:
            groups.append([item])
            count = words(item)
    return [tuple(group) for group in groups]


def sentences(text: str) -> list[str]:
    """Prose split into sentences (a sentence over `WORDS_PER_SLIDE` words at its semicolons too),
    for spreading it over slides."""
    found = [s for s in re.split(r"(?<=[.!?])\s+(?=[A-Z\"'(*])", text) if s]
    return [part for s in found for part in (re.split(r"(?<=;)\s+", s) if words(s) > WORDS_PER_SLIDE else [s])]


def prose(text: str, limit: int = MAX_WORDS) -> list[tuple[str, ...]]:
    """Prose as slides' worth of text: whole sentences shared out evenly over as few slides as keep
    each within `limit` words (`MAX_WORDS`, less what a slide already holds)."""
    parts = sentences(text)
    if not parts:
        return []
    slides = -(-words(text) // limit)
    return [(" ".join(group),) for group in chunks(parts, min(limit, -(-words(text) // slides) + 5))]


def _minutes(session: Session) -> int:
    def clock(value: str) -> int:
        return int(value[:2]) * 60 + int(value[3:])
    return clock(session.end) - clock(session.start)


def _answers(question: Question) -> list[tuple[str, str]]:
    """The correct options, labelled A, B, ..., each with its feedback."""
    return [(f"{OPTION_LABELS[i]}. {plain(o.text)}", plain(o.feedback))
            for i, o in enumerate(question.options) if o.correct]


@dataclass
class Deck:
    """Slides in order, with titles kept unique (PowerPoint's checker flags repeated titles)."""

    slides: list[Slide] = field(default_factory=list)
    titles: set[str] = field(default_factory=set)
    #: Where the slides added next come from (a project path and line): the planner moves it along the source.
    origin: tuple[str, int] = ("", 1)

    def add(self, slide: Slide) -> None:
        title, number = slide.title, 1
        while title.casefold() in self.titles:
            number += 1
            title = f"{slide.title} ({number})"
        self.titles.add(title.casefold())
        self.slides.append(replace(slide, title=title, origin=self.origin))

    def add_series(self, title: str, groups: Sequence[tuple[str, ...]], notes: str, labelled: bool = False,
                   bold: tuple[int, ...] = (), lines: Sequence[int] = ()) -> None:
        """One slide per group of bullets, numbered "(1 of 3)" when there is more than one; `bold` holds
        the positions of bold bullets counted over all the groups, `lines` the line in `origin`'s file of each
        bullet, if known (a slide then comes from its first bullet's)."""
        start = 0
        for number, group in enumerate(groups, start=1):
            label = f"{title} ({number} of {len(groups)})" if len(groups) > 1 else title
            if lines:
                self.origin = (self.origin[0], lines[start])
            self.add(Slide(label, notes, bullets=group, labelled=labelled,
                           bold=tuple(i - start for i in bold if start <= i < start + len(group))))
            start += len(group)

    def add_split(self, title: str, items: Sequence[str], notes: str, labelled: bool = False,
                  bold: tuple[int, ...] = ()) -> None:
        """`items` over as many slides as keep each within `MAX_WORDS` words, an item too long for one
        slide split at its sentences first."""
        pieces: list[str] = []
        bold_pieces: list[int] = []
        for index, item in enumerate(items):
            parts = [group[0] for group in prose(item)] if words(item) > MAX_WORDS else [item]
            bold_pieces += range(len(pieces), len(pieces) + len(parts)) if index in bold else []
            pieces += parts
        self.add_series(title, chunks(pieces, MAX_WORDS), notes, labelled, tuple(bold_pieces))


def plan_slides(course: Course) -> list[Slide]:
    """Every slide of the day, in the order of the kit's timetable.

    Raises SlidesUnavailable when the course has no `kit:` settings (the timetable orders the deck).
    """
    settings = course.settings
    kit = settings.kit
    if kit is None:
        raise SlidesUnavailable(f"{course.source.path}:1: the course has no `kit` settings, so the slides have no "
                                "timetable to follow (add `kit:` with a `timetable` of the day's sessions; see "
                                "docs/authoring.md)")
    modules = {m.id: m for m in settings.modules}
    outlines = {p.meta.id: outline(p) for p in course.pages}
    timetable = kit.timetable
    deck = Deck(origin=(course.source.path, course.source.line("kit")))
    materials = sorted({m for s in timetable for m in s.materials})
    day = f"{timetable[0].start} to {timetable[-1].end}"
    deck.add(Slide(settings.title, f"Welcome the group. This course is for: {', '.join(settings.audience)}. "
                   f"The day runs from {day}. Have ready: {', '.join(materials) or 'the kit'}.",
                   layout="title", bullets=(f"Training day, {day}", f"Version {settings.version}")))
    deck.add_series("Aims", prose(plain(settings.description)),
                    f"Aims of the day. Audience: {'; '.join(settings.audience)}.")
    taught = {o.id: [modules[m].title for m in modules
                     for p in modules[m].pages if o.id in course.page(p).meta.outcomes] for o in settings.outcomes}
    deck.add_series("Learning outcomes", chunks([f"{o.id}: {o.text}" for o in settings.outcomes]),
                    " ".join(f"{o.id} is taught in: {'; '.join(dict.fromkeys(taught[o.id])) or 'no module yet'}."
                             for o in settings.outcomes), labelled=True)
    deck.origin = (course.source.path, course.source.line("kit", "timetable"))
    rows = [(f"{s.start} to {s.end}", s.title) for s in timetable]
    per_slide = -(-len(rows) // -(-len(rows) // ROWS_PER_SLIDE))  # rows shared out evenly over the slides
    pages = range(0, len(rows), per_slide)
    breaks = "; ".join(f"{s.start} to {s.end}" for s in timetable if s.activity in ("break", "lunch")) or "none"
    for number, start in enumerate(pages, start=1):
        deck.add(Slide(f"Timetable ({number} of {len(pages)})" if len(pages) > 1 else "Timetable",
                       f"The day runs from {timetable[0].start} to {timetable[-1].end}. Breaks: {breaks}.",
                       layout="table", rows=(("Time", "Session"), *rows[start:start + per_slide])))

    # Where each module's teaching and its case studies go: teaching at the first session that is not
    # a case-study discussion (else the first listing it), case studies at the first discussion.
    def first(module_id: str, discussion: bool) -> int | None:
        listing = [i for i, s in enumerate(timetable) if module_id in s.modules]
        preferred = [i for i in listing if (timetable[i].activity == "case-study discussion") == discussion]
        chosen = preferred or listing
        return chosen[0] if chosen else None

    teaching_at = {m: first(m, discussion=False) for m in modules}
    cases_at = {m: first(m, discussion=True) for m in modules}
    last_teaching = max((i for i, s in enumerate(timetable) if s.modules), default=len(timetable) - 1)
    for index, session in enumerate(timetable):
        deck.origin = (course.source.path, course.source.line("kit", "timetable", index))
        _session_slides(deck, course, session, outlines,
                        [modules[m] for m in session.modules if teaching_at.get(m) == index],
                        [course.page(p) for m in session.modules if cases_at.get(m) == index
                         for p in modules[m].pages if course.page(p).meta.kind == "case-study"])
        if index == last_teaching and kit.local_policy:
            deck.origin = (course.source.path, course.source.line("kit", "local_policy"))
            deck.add_series("Check your local policy", chunks(kit.local_policy),
                            "Fill in these local points before the day: names, numbers and procedures for the "
                            "area the group works in.")
    evaluated = next((p for p in course.ordered_pages() if p.meta.ratings or p.meta.comments), None)
    if evaluated is not None:
        evaluation = evaluated.meta
        deck.origin = (evaluated.source.path, evaluated.source.line("ratings" if evaluation.ratings else "comments"))
        deck.add_series(f"Evaluation: {evaluation.title}",
                        chunks([r.statement for r in evaluation.ratings] + [c.prompt for c in evaluation.comments]),
                        "Hand out the evaluation sheet. Ratings run from strongly disagree (1) to strongly agree (5).")
    deck.origin = (course.source.path, course.source.line("kit"))
    references = list(dict.fromkeys(r for p in course.ordered_pages() for r in outlines[p.meta.id].references))
    groups = chunks(references, MAX_WORDS)
    if len(groups) > REFERENCE_SLIDES:  # a long list is read, not projected: the rest go in the notes
        shown = groups[:REFERENCE_SLIDES - 1]
        rest = references[sum(len(group) for group in shown):]
        groups = [*shown, (f"{len(rest)} more references: see the speaker notes, or the e-learning pages that "
                           "cite them",)]
        deck.add_series("References", groups, f"All {len(references)} references the course cites: "
                        + " ".join(references))
    elif groups:
        deck.add_series("References", groups, "The e-learning pages list these references where they cite them.")
    return deck.slides


def _session_slides(deck: Deck, course: Course, session: Session, outlines: dict[str, Outline],
                    teaching: list[Module], cases: list[Page]) -> None:
    minutes = _minutes(session)
    heading = f"{session.start} to {session.end}: {session.title}"
    instructions = plain(session.instructions)
    notes = (f"{minutes} minutes, {session.activity}. " +
             (f"Materials: {', '.join(session.materials)}. " if session.materials else "") + instructions)
    lines = [f"{session.activity.capitalize()}, {minutes} minutes"]
    more: list[tuple[str, ...]] = []  # instructions that do not fit on the session's slide
    if session.activity in ("small-group work", "case-study discussion", "questionnaire") and instructions:
        first, *more = prose(instructions, MAX_WORDS - words(lines[0]))
        lines += first
    elif session.activity in ("break", "lunch"):
        lines.append(f"Back at {session.end}")
        notes = f"{minutes} minutes. Restart at {session.end}."
    deck.add_split(heading, lines, notes, labelled=True)
    for module in teaching:
        number = course.settings.modules.index(module) + 1
        pages = [course.page(p) for p in module.pages]
        outcomes = list(dict.fromkeys(o for p in pages for o in p.meta.outcomes))
        taught = [p for p in pages if p.meta.kind == "content" and
                  (outlines[p.meta.id].headings or outlines[p.meta.id].key_points or outlines[p.meta.id].figures)]
        texts = {o.id: o.text for o in course.settings.outcomes}
        aims = " ".join(f"{o}: {texts[o]}" for o in outcomes) or "none"
        deck.origin = (course.source.path, course.source.line("modules", number - 1))
        deck.add_split(f"Module {number}: {module.title}", [p.meta.title for p in taught] or
                       [f"{o}: {texts[o]}" for o in outcomes] or [module.title], f"Outcomes: {aims} {instructions}",
                       labelled=not taught)
        for page in taught:
            _page_slides(deck, page, outlines[page.meta.id])
    for case in cases:
        _case_slides(deck, case)


def _page_slides(deck: Deck, page: Page, parts: Outline) -> None:
    title = page.meta.title
    tips = " ".join(f"Tip: {t}" for t in parts.tips)
    base = f"About {page.meta.minutes} minutes of the e-learning page \"{title}\". "
    deck.origin = (page.source.path, page.body_line)
    if parts.headings:
        deck.add_series(title, chunks(parts.headings), base + " ".join(f"Key point: {k}" for k in parts.key_points)
                        + (" " + tips if tips else ""), lines=parts.heading_lines)
    deck.origin = (page.source.path, page.body_line)  # the key points: not at the last heading
    for point in parts.key_points:
        deck.add_series(f"Key point: {title}", prose(point), base + "Ask the group what this looks like in their "
                        f"own practice. {tips}".strip())
    for figure in parts.figures:
        deck.origin = (figure.page, figure.line)
        deck.add(Slide(f"Figure: {_shortened(figure.alt) or title}", f"The picture shows: {figure.alt}. {base}".strip(),
                       layout="picture", figure=figure))


def _shortened(text: str, characters: int = 60) -> str:
    """`text` cut at a word to at most `characters`, with "..." if it was cut."""
    if len(text) <= characters:
        return text
    cut = text[:characters - 3]
    return (cut.rsplit(" ", 1)[0] if " " in cut else cut) + "..."


def _case_slides(deck: Deck, case: Page) -> None:
    name = case.meta.title
    short = re.sub(r"^case study:\s*", "", name, flags=re.IGNORECASE)
    intro = plain(case.body)
    deck.origin = (case.source.path, case.body_line)
    deck.add_series(name, prose(intro) if intro else [(f"{len(case.meta.stages)} stages",)],
                    f"Hand out the case-study cards one stage at a time. {intro}")
    for number, stage in enumerate(case.meta.stages, start=1):
        label = f"{short}, stage {number}"
        deck.origin = (case.source.path, case.source.line("stages", number - 1))
        content = plain(stage.content)
        listen = " ".join(f"Listen for: {' '.join(a for a, _ in _answers(q))}" for q in stage.decisions)
        deck.add_series(f"{label}: {stage.title}", prose(content),
                        f"Read the stage aloud or hand out card {number}. {content}")
        if stage.prompts:
            deck.origin = (case.source.path, case.source.line("stages", number - 1, "prompts"))
            deck.add_series(f"Discuss: {label}", chunks(stage.prompts),
                            f"Ask: {' '.join(stage.prompts)} {listen}".strip())
        for q_number, question in enumerate(stage.decisions, start=1):
            deck.origin = (case.source.path, case.source.line("stages", number - 1, "decisions", q_number - 1))
            which = f"{label}, decision {q_number}" if len(stage.decisions) > 1 else label
            options = tuple(f"{OPTION_LABELS[i]}. {plain(o.text)}" for i, o in enumerate(question.options))
            choose = "Choose all that apply." if question.type == "multiple" else "Choose one."
            deck.add_split(f"Decision: {which}", (plain(question.stem), *options),
                           f"{choose} Give groups time to agree before showing the answer. "
                           f"The answer: {' '.join(a for a, _ in _answers(question))}", labelled=True, bold=(0,))
            feedback = " ".join(f"{OPTION_LABELS[i]}: {plain(o.feedback)}" for i, o in enumerate(question.options))
            answers = _answers(question)
            deck.add_split(f"Answer: {which}", [line for pair in answers for line in pair],
                           f"{plain(question.explanation)} Feedback on every option. {feedback}", labelled=True,
                           bold=tuple(range(0, 2 * len(answers), 2)))
    analysis = plain(case.meta.analysis)
    if analysis:
        deck.origin = (case.source.path, case.source.line("analysis"))
        deck.add_series(f"Model analysis: {short}", prose(analysis), f"Close the case study with the model "
                        f"analysis. {analysis}")


# --- laying out the deck (python-pptx) ------------------------------------------------------

@dataclass(frozen=True)
class Box:
    """A text box's size in points, for estimating whether text fits."""

    width: float
    height: float


def lines_needed(text: str, points: float, width: float) -> int:
    """Lines `text` takes at `points` size in a box `width` points wide, by average character width."""
    per_line = max(1, int(width / (points * CHAR_EM)))
    lines, used = 1, 0
    for word in text.split():
        if used and used + 1 + len(word) > per_line:
            lines, used = lines + 1, len(word)
        else:
            used += len(word) + (1 if used else 0)
        while used > per_line:  # a word longer than a line is broken between characters, as renderers do
            lines, used = lines + 1, used - per_line
    return lines


def fits(paragraphs: Sequence[str], points: float, box: Box) -> bool:
    """Whether the paragraphs fit the box at `points` size (0.1 in inset each side, 1.2 line spacing,
    a sixth of a line between paragraphs)."""
    inner = Box(box.width - 14.4, box.height - 7.2)
    lines = sum(lines_needed(p, points, inner.width) for p in paragraphs)
    return lines * points * LINE_SPACING + (len(paragraphs) - 1) * points * 0.2 <= inner.height


def font_size(paragraphs: Sequence[str], box: Box, sizes: Sequence[int]) -> int:
    """The largest size at which the paragraphs fit, or the smallest size allowed."""
    return next((size for size in sizes if fits(paragraphs, size, box)), sizes[-1])


def _template(course: Course) -> Path | None:
    """The project's own template deck, if it has one that this process may read (one it may not is the theme's
    line: "cannot be opened (permission denied)", `theme.inside_templates`)."""
    own = Theme.for_project(course.root).folders[0] / DECK
    return own if own.parent == course.root / "templates" and own.is_file() and os.access(own, os.R_OK) else None


def _layouts(presentation: Presentation) -> dict[Layout, SlideLayout] | None:
    """The layouts for each kind of slide; None if the deck has no layout with a title and a body."""
    from pptx.enum.shapes import PP_PLACEHOLDER

    # each layout's placeholder kinds, worked out once: python-pptx runs XPath queries on each shape to find them
    kinds = [(layout, {ph.placeholder_format.type for ph in layout.placeholders})  # type: ignore[misc] # its hint
             for layout in presentation.slide_layouts]
    body = {PP_PLACEHOLDER.BODY, PP_PLACEHOLDER.OBJECT}
    content = [layout for layout, held in kinds if PP_PLACEHOLDER.TITLE in held and held & body]
    if not content:
        return None
    titled = [layout for layout, held in kinds if PP_PLACEHOLDER.CENTER_TITLE in held]
    furniture = {PP_PLACEHOLDER.TITLE, PP_PLACEHOLDER.DATE, PP_PLACEHOLDER.FOOTER, PP_PLACEHOLDER.SLIDE_NUMBER}
    bare = [layout for layout, held in kinds if PP_PLACEHOLDER.TITLE in held and not held - furniture]
    only = (bare or content)[0]
    return {"title": (titled or content)[0], "content": content[0], "picture": only, "table": only}


#: The most parts (zip members) a template deck may hold: python-pptx reads every part into memory and parses every
#: XML part, all of them within `office.MAX_UNPACKED` (an 842 KB deck holding 800 MiB of zeros took `check` to 1.7 GB,
#: and a 32 KB one of 6 GB compressed with bzip2 to a MemoryError at any bound: issue 18, eighteenth verification, B2
#: and A ninth). python-pptx's own template holds 36 parts and 92 KB unpacked.
MAX_TEMPLATE_PARTS = 1_000
#: The most shapes one part of a template deck may hold once its slides are dropped (a slide master, a layout, the
#: notes master), and all its parts together: python-pptx runs XPath queries on each shape of a layout or master to
#: find its placeholders, for each layout `check` looks at, and copies a layout's placeholders onto each slide
#: `slides` adds, so one layout of 100,000 placeholders (603 KB as .pptx, within MAX_TEMPLATE_UNPACKED) held `check`
#: past 2 minutes in its own process (issue 18, twentieth verification, B5). PowerPoint's and python-pptx's masters
#: and layouts hold under 20 shapes each, about 100 in all; at 100 placeholders in each, `slides` takes about 0.07 s
#: of processor time more for each slide (python-pptx's own look: under 0.01 s).
MAX_PART_SHAPES = 100
MAX_TEMPLATE_SHAPES = 5_000
#: The shapes of PresentationML (ECMA-376 Part 1, 19.3.1), at any depth (a group's are shapes too).
SHAPE_TAGS = tuple(f"{{{PRESENTATION}}}{name}" for name in ("sp", "pic", "grpSp", "graphicFrame", "cxnSp",
                                                             "contentPart"))


class TemplateRefused(Exception):
    """A template deck that cannot be used: its arguments are why (a few words, after "the template deck") and
    how to fix it."""


class TemplateActive(Exception):
    """A template deck that fetches or runs something when it is opened: its argument is the list of what
    (`office.active_content`), which `slides` would copy into every deck built from it."""


#: The fix of a template deck refused for what its zip holds (`_unpacked`).
_SAVE_SMALLER = ("save it again from PowerPoint or LibreOffice as .pptx, with smaller pictures and fewer slides, or "
                 "delete it to use the built-in look")


def _unpacked(path: Path) -> io.BytesIO:
    """The zip file at `path` (a template deck) with every part unpacked (stored, not compressed), read within
    MAX_TEMPLATE_PARTS parts and `office.Package`'s bounds.

    Raises TemplateRefused past a bound, TemplateActive for what `office.active_content` finds in it, and what
    zipfile raises for a file that is not a zip."""
    try:
        with office.Package(path, MAX_TEMPLATE_PARTS) as package:
            parts = {name: package.read(name) for name in package.names}
            active = office.active_content(package)
    except office.Refused as refused:
        raise TemplateRefused(str(refused), _SAVE_SMALLER) from None
    if active:
        raise TemplateActive(active)
    unpacked = io.BytesIO()
    with zipfile.ZipFile(unpacked, "w", zipfile.ZIP_STORED) as stored:
        for name, data in parts.items():
            stored.writestr(name, data)
    unpacked.seek(0)
    return unpacked


def _open_template(path: Path) -> Presentation:
    """The project's template deck without any slides it holds, read by `_unpacked` (its bounds, TemplateRefused;
    what it would fetch or run, TemplateActive), then by python-pptx, its shapes counted by `_count_shapes`
    (TemplateRefused) before anything looks at them."""
    from pptx import Presentation as open_deck

    presentation = open_deck(_unpacked(path))
    slide_ids = presentation.slides._sldIdLst
    for slide_id in list(slide_ids):
        presentation.part.drop_rel(slide_id.rId)
        slide_ids.remove(slide_id)
    _count_shapes(presentation)
    return presentation


def _count_shapes(presentation: Presentation) -> None:
    """Raises TemplateRefused if a part of the template deck `presentation` (its slides dropped: they are not
    used, and a sample slide may hold many shapes) holds more than MAX_PART_SHAPES shapes, or all of them more
    than MAX_TEMPLATE_SHAPES. Counted on the parts python-pptx parsed, as it typed them (a layout is whatever part
    a master's relationship leads to, whatever its name), each only up to its bound."""
    left = MAX_TEMPLATE_SHAPES
    for part in presentation.part.package.iter_parts():
        element = getattr(part, "_element", None)
        if element is None:
            continue
        shapes = sum(1 for _ in itertools.islice(element.iter(*SHAPE_TAGS), MAX_PART_SHAPES + 1))
        if shapes > MAX_PART_SHAPES:
            raise TemplateRefused(f"holds more than {MAX_PART_SHAPES} shapes in {part.partname}, where PowerPoint's "
                                  "own masters and layouts hold under 20", _FEWER_SHAPES)
        left -= shapes
        if left < 0:
            raise TemplateRefused(f"holds more than {MAX_TEMPLATE_SHAPES:,} shapes in its masters and layouts",
                                  _FEWER_SHAPES)


#: The fix of a template deck refused for its shapes (`_count_shapes`).
_FEWER_SHAPES = ("delete shapes from its slide masters and layouts in the slide master view of PowerPoint or "
                 "LibreOffice, or delete the deck to use the built-in look")


def _default_deck() -> Presentation:
    """python-pptx's default template made 16:9, with titles in the course's brand colour."""
    from pptx import Presentation as open_deck
    from pptx.util import Emu

    presentation = open_deck()
    old_width = presentation.slide_width
    presentation.slide_width, presentation.slide_height = Emu(12192000), Emu(6858000)
    scale = presentation.slide_width / old_width
    for owner in [presentation.slide_master, *presentation.slide_layouts]:
        for shape in owner.placeholders:
            if shape._element.xfrm is not None:  # the rest take the master's place and size
                shape.left, shape.width = Emu(round(shape.left * scale)), Emu(round(shape.width * scale))
    master = presentation.slide_master._element
    for style, colour in (("titleStyle", BRAND_DARK), ("bodyStyle", INK)):
        for colour_element in master.xpath(f"p:txStyles/p:{style}//a:defRPr/a:solidFill/*"):
            fill = colour_element.getparent()
            fill.remove(colour_element)
            etree.SubElement(fill, f"{{{DRAWING}}}srgbClr", val=colour)
    return presentation


#: Lengths an SVG's width and height may be given in, in CSS pixels (SVG 1.1, 7.10 "Units").
SVG_UNITS = {"": 1.0, "px": 1.0, "pt": 4 / 3, "pc": 16.0, "mm": 96 / 25.4, "cm": 96 / 2.54, "in": 96.0}
_LENGTH = re.compile(r"\s*([0-9]*\.?[0-9]+(?:[eE][-+]?[0-9]+)?)\s*(px|pt|pc|mm|cm|in)?\s*")


def _svg_root(data: bytes) -> Any:
    """The parsed SVG, its internal entities expanded (Illustrator declares some), never an external one.

    Raises lxml's XMLSyntaxError for a file that is not well-formed XML.
    """
    parser = etree.XMLParser(resolve_entities="internal",  # type: ignore[arg-type] # lxml 5 takes "internal"
                             no_network=True, load_dtd=False, huge_tree=False)
    return etree.fromstring(data, parser)


def _svg_size(svg: Any) -> tuple[float, float] | None:
    """The SVG's own width and height in pixels (both lengths if absolute, else its viewBox), as
    CairoSVG sizes it; None if it has no usable size."""
    lengths = [_LENGTH.fullmatch(svg.get(name) or "") for name in ("width", "height")]
    if all(lengths):
        width, height = (float(m.group(1)) * SVG_UNITS[m.group(2) or ""] for m in lengths if m)
        if 0 < width < math.inf and 0 < height < math.inf:  # `1e309` is infinite
            return width, height
    box = re.split(r"[\s,]+", (svg.get("viewBox") or "").strip())
    try:
        width, height = (float(box[2]), float(box[3])) if len(box) == 4 else (0.0, 0.0)
    except ValueError:
        return None
    return (width, height) if 0 < width < math.inf and 0 < height < math.inf else None


def _pixels(size: tuple[float, float]) -> tuple[int, int]:
    """The size an SVG is rasterised at: its longer side `SVG_PIXELS`, its shape kept."""
    width, height = size
    scale = SVG_PIXELS / max(width, height)
    return round(width * scale), round(height * scale)


def _unusable(path: str, data: bytes) -> tuple[str, str] | None:
    """Why the deck cannot use the picture `data` (from the project file `path`), as far as reading it
    without drawing it tells: (what is wrong, how to fix it); None if it looks usable."""
    fix = "save it again from an image editor, or remove it from the page"
    if posixpath.splitext(path)[1].lower() == ".svg":
        if media_time.refusal() or too_many_elements(data, ".svg"):
            return None  # `media.svg_drawing_problem` refuses it, without reading it into a tree
        try:
            with media_time.charged():
                svg = _svg_root(data)
        except etree.XMLSyntaxError as error:
            if emptied(data, ".svg"):
                return None  # well-formed, past libxml2's limits (`active_content.xml_limit`): an error at the page
            return f"is not well-formed SVG ({error.msg})", fix
        if etree.QName(svg).localname != "svg":
            return "is not an SVG image", fix
        size = _svg_size(svg)
        if size is None:
            return "has no size", "give its <svg> element a viewBox, or a width and a height in px, mm, cm or in"
        if min(_pixels(size)) < 1:
            return f"is too thin to show ({size[0]:g} by {size[1]:g})", "fix its width, height or viewBox"
        return None
    from PIL import Image, UnidentifiedImageError  # python-pptx reads a picture's size with Pillow

    too_large = (f"is too large (over {MAX_PIXELS // 10**6} million pixels)",
                 "scale it down in an image editor; 2000 pixels across is plenty for a slide")
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", Image.DecompressionBombWarning)
            with Image.open(io.BytesIO(data)) as image:
                if image.width * image.height > MAX_PIXELS:
                    return too_large
                image.verify()
    except Image.DecompressionBombError:  # Pillow refuses to open one of over twice its limit
        return too_large
    except (UnidentifiedImageError, OSError, ValueError, SyntaxError):
        return f"is not a {posixpath.splitext(path)[1][1:].upper()} image it can read", fix
    return None


def usable(root: Path, path: str) -> bool:
    """Whether the picture at project path `path` passes the checks `check` makes for the deck: it may
    be packaged (inside course/ or quizzes/; never read otherwise), it exists, validation finds its
    content sound, and `_unusable` finds nothing."""
    file = root / path
    if not may_read(root, path):
        return False
    data = file.read_bytes()
    return file_content_problem(path, data) is None and _unusable(path, data) is None


#: EXIF's Orientation tag (CIPA DC-008, 4.6.4): 1 is upright; browsers turn the others upright.
ORIENTATION = 0x0112


def _turned(image: PILImage) -> bool:
    """Whether the opened picture `image` has an EXIF orientation other than upright, read from the metadata Pillow
    read when it opened it, never from its pixels: a JPEG's segments before its first scan, a PNG's chunks before its
    image data (where Pillow and image editors write its eXIf chunk; one after the data is ignored). Pillow's own
    `PngImageFile.getexif` decodes the whole picture to look at the chunks after its data for one: 0.3 s of
    processor time for a white 40-megapixel PNG with no orientation at all (18-verify24 H5)."""
    from PIL import Image

    return bool(Image.Image.getexif(image).get(ORIENTATION, 1) != 1)


def turning_seconds(data: bytes) -> float:
    """The processor time (s) at worst `_upright` takes to turn the PNG or JPEG `data` upright and save it again
    (`media.picture_seconds`, by its kind and its pixels from its header: `media.picture_pixels`) if the slides turn it
    (`_turned`, from its metadata), else 0; also 0 for one Pillow cannot open or past MAX_PICTURE_PIXELS (the deck
    leaves it out: `usable`). Nothing is decoded."""
    from PIL import Image

    pixels = picture_pixels(data) or 0
    if not pixels or pixels > MAX_PICTURE_PIXELS:
        return 0.0
    try:
        with Image.open(io.BytesIO(data)) as image:
            if not _turned(image):
                return 0.0
            return picture_seconds(pixels, "jpeg again" if image.format in ("JPEG", "MPO") else "png turned")
    except (OSError, ValueError, SyntaxError):  # what Pillow raises for a picture it cannot read
        return 0.0


def _upright(data: bytes) -> bytes:
    """A PNG or JPEG with an EXIF orientation other than upright (`_turned`), turned upright (as browsers show it)
    and saved again in its own format without the tag; any other picture as it is, not decoded."""
    from PIL import Image, ImageOps

    with Image.open(io.BytesIO(data)) as image:
        if not _turned(image):
            return data
        kind = image.format or "PNG"
        turned = ImageOps.exif_transpose(image)
        assert turned is not None  # not in place
        buffer = io.BytesIO()
        options: dict[str, Any] = {"quality": 95} if kind == "JPEG" else {}
        if image.info.get("icc_profile"):
            options["icc_profile"] = image.info["icc_profile"]
        turned.save(buffer, kind, exif=turned.getexif(), **options)
        return buffer.getvalue()


#: The processor time (s) and extra memory (bytes) CairoSVG may take to draw one SVG figure: this course's and the
#: fixture course's figures take under 0.1 s each and under 60 MB; a 40-megapixel `data:` picture, the largest a
#: figure may hold, is drawn once in about 0.5 s. Past either the slides stop with one error at the figure.
MAX_FIGURE_SECONDS = 10
MAX_FIGURE_MEMORY = 1024 ** 3


#: The most processor time, measured, drawing all of a deck's SVG figures may take in their children (each bounded by
#: MAX_FIGURE_SECONDS), beside MAX_DECK_DRAWING_SECONDS on `check`'s estimate: no estimate is complete, and eight
#: figures each just under the bound of one kept `slides` past 60 s (18-verify8 X3). The last figure's child is
#: bounded by what is left; past it, `slides` stops with one error at the figure where it ran out.
MAX_DECK_FIGURE_SECONDS = 60


def _deck_time_problem(figure: Figure) -> Problem:
    """The error at `figure`, with which drawing the deck's SVG figures passed MAX_DECK_FIGURE_SECONDS."""
    return Problem(figure.page, figure.line, f"drawing the slides' SVG figures took more than "
                   f"{MAX_DECK_FIGURE_SECONDS} s of processor time in all, which ran out at `{figure.src}`",
                   "show fewer or simpler SVG figures on the pages in the timetable's sessions, or PNG pictures "
                   "instead")


class FigureUnreadable(Exception):
    """CairoSVG could not draw an SVG figure (its own exception's type and message)."""


class FigureRefused(Exception):
    """An SVG figure is not drawn: `media.svg_drawing_problem` found it would take too long (or make too many copies);
    `problem` is that problem, at the figure's file."""

    def __init__(self, problem: Problem) -> None:
        super().__init__(problem.message)
        self.problem = problem


def _figure_image(root: Path, figure: Figure, seconds: int = MAX_FIGURE_SECONDS) -> bytes:
    """The figure as PNG or JPEG bytes; SVG is rasterised (no external files, entities or network).

    An SVG is drawn only if `media.svg_drawing_problem` finds nothing (the estimate `check` makes), in a forked
    child limited to `seconds` of processor time (MAX_FIGURE_SECONDS at most, less if the deck has less left) and
    MAX_FIGURE_MEMORY more memory (`bounded.bounded`).
    Raises SlidesUnavailable without CairoSVG, FigureRefused for a figure that estimate refuses and ChildFailed for
    one that passed a bound (render_slides reports either as an error), and FigureUnreadable or whatever Pillow
    raises for a picture CairoSVG or Pillow cannot draw or read (render_slides leaves it out with a warning).
    """
    data = (root / figure.path).read_bytes()
    if posixpath.splitext(figure.path)[1].lower() == ".svg":
        if (drawing := svg_drawing_problem(data)) is not None:
            raise FigureRefused(Problem(figure.path, *drawing))
        try:
            import cairosvg  # type: ignore[import-untyped]
        except (ImportError, OSError):
            raise SlidesUnavailable("SVG figures in the slides need CairoSVG: pip install coursebuild "
                                    "(and Debian's libcairo2)") from None
        svg = _svg_root(data)
        size = _svg_size(svg)
        assert size is not None  # usable() checked it
        width, height = _pixels(size)
        # Internal entities are expanded and the DOCTYPE dropped: CairoSVG refuses entity declarations.
        # unsafe=False: CairoSVG expands no entities; _figure_resource is all it may load (svg2png's own
        # conversion, which takes no url_fetcher). Drawn in a bounded child; a figure CairoSVG cannot draw is
        # left out with a warning, as before
        text = etree.tostring(svg)

        def draw() -> bytes:
            png: bytes = cairosvg.surface.PNGSurface.convert(bytestring=text, output_width=width, output_height=height,
                                                             unsafe=False, url_fetcher=_figure_resource)
            return png

        try:
            data = bounded(draw, "CairoSVG", seconds, MAX_FIGURE_MEMORY)
        except WorkFailed as failure:
            raise FigureUnreadable(f"{failure.kind}: {failure.detail[:120]}") from None
    else:
        data = _upright(data)
    from pptx.parts.image import Image as PictureImage

    picture = PictureImage.from_blob(data)
    picture.size, picture.dpi, picture.content_type  # noqa: B018 - what add_picture reads: fail here, not there
    return data


#: What CairoSVG's safe mode gives for any URL but a `data:` one: an empty picture.
_NOTHING = b'<svg width="1" height="1"></svg>'


def _figure_resource(url: str, resource_type: str) -> bytes:
    """What CairoSVG may load while it draws a figure (its `url_fetcher`): a PNG, JPEG, GIF or WebP picture
    in a `data:` URL of an `<image>` (`media.drawable_picture`); for anything else `_NOTHING`. Its safe mode
    loads any `data:` URL: an SVG document there (for an `<image>`, a `<use>` or a `<style>`'s `@import`) was
    drawn, or its rules applied, without its copies being counted (a 3 KB figure drew 10⁹ circles)."""
    if resource_type == "image/*" and url.startswith("data:"):
        import urllib.request  # noqa: PLC0415 - only for a figure with a data: URL

        try:
            with urllib.request.urlopen(url) as response:  # noqa: S310 - a data: URL only, decoded in memory
                data: bytes = response.read()
        except (OSError, ValueError):
            return _NOTHING
        if drawable_picture(data):
            return data
    return _NOTHING


def _remember_partnames(presentation: Presentation) -> None:
    """Give this deck's package a `next_partname` that remembers the names it has given.

    python-pptx's own walks every part of the package for each new slide and notes page, so a deck
    of n slides took time in n squared (1,301 slides: 38 s). This one walks them once for each kind of
    part and returns the same names: python-pptx's rule, the highest free number up to one more than
    the parts of that kind.
    """
    from pptx.opc.packuri import PackURI

    package = presentation.part.package
    taken: dict[str, set[str]] = {}

    def next_partname(template: str) -> PackURI:
        prefix = template[: (template % 42).find("42")]
        if prefix not in taken:
            taken[prefix] = {str(part.partname) for part in package.iter_parts()
                             if part.partname.startswith(prefix)}
        names = taken[prefix]
        name = next(template % n for n in range(len(names) + 1, 0, -1) if template % n not in names)
        names.add(name)
        return PackURI(name)

    package.next_partname = next_partname  # type: ignore[method-assign,assignment] # this package only


def render_slides(course: Course) -> tuple[bytes, list[Problem]]:
    """The deck as .pptx bytes, byte-identical for the same course, template and libraries, and
    warnings about figures left out of it that `check` could not foresee.

    A figure `check` warned about is left out of the deck without another warning. Raises
    SlidesUnavailable without kit settings (or without CairoSVG for an SVG figure), and CourseInvalid
    for a template deck it cannot use, as `problems` reports it to `check`, for a deck past MAX_SLIDES slides or
    MAX_DECK_CHARACTERS characters (one problem, as `deck_problems` reports it to `check`, before any slide is
    made), or with one problem at each SVG figure `media.svg_drawing_problem` refuses (as `check` does; it is not
    drawn) or CairoSVG could not draw within MAX_FIGURE_SECONDS and MAX_FIGURE_MEMORY.
    """
    errors = [problem for problem in problems(course) if problem.is_error]
    if errors:
        raise CourseInvalid(errors)
    plan = plan_slides(course)
    if too_many := _size_problems(plan):
        raise CourseInvalid(too_many)
    images: dict[str, bytes] = {}
    left_out: list[Problem] = []
    too_much: list[Problem] = []
    allowance = Allowance(MAX_DECK_FIGURE_SECONDS, MAX_FIGURE_SECONDS)  # of the figures' children's measured time
    for figure in dict.fromkeys(slide.figure for slide in plan if slide.figure is not None):
        if figure.path in images or not usable(course.root, figure.path):
            continue  # check has warned about it
        if allowance.spent and posixpath.splitext(figure.path)[1].lower() == ".svg":
            too_much.append(_deck_time_problem(figure))
            break
        limit = allowance.limit()  # an SVG's child has at most what is left
        try:
            images[figure.path] = allowance.run(functools.partial(_figure_image, course.root, figure))
        except SlidesUnavailable:  # not a picture it cannot draw (the last `except`): no deck at all
            raise
        except FigureRefused as refused:
            too_much.append(refused.problem)
        except ChildFailed as failure:
            if limit < MAX_FIGURE_SECONDS and not isinstance(failure, WorkFailed) and allowance.spent:
                too_much.append(_deck_time_problem(figure))
                break
            too_much.append(Problem(figure.path, 1, f"this figure cannot be drawn on a slide: {failure}",
                                    "make it simpler: fewer copies through <use>, smaller pictures, fewer "
                                    "groups with opacity, masks or filters"))
        except Exception as error:  # noqa: BLE001 - CairoSVG and Pillow raise many kinds for a bad picture
            why = str(error) if isinstance(error, FigureUnreadable) else f"{type(error).__name__}: {str(error)[:120]}"
            left_out.append(Problem(figure.page, figure.line, f"`{figure.src}` cannot be drawn on a slide "
                                    f"({why}), so the slides leave it out",
                                    "save it again from an image editor, or remove it from the page",
                                    Severity.WARNING))
    if too_much:
        raise CourseInvalid(too_much)
    plan = [slide for slide in plan if slide.figure is None or slide.figure.path in images]
    template = _template(course)
    try:
        return _deck(course, template, plan, images), left_out
    except Exception as error:  # noqa: BLE001 - python-pptx raises many kinds for a deck it cannot use
        if template is None or isinstance(error, MemoryError):  # exit 3, as out of memory anywhere
            raise
        raise CourseInvalid([_pptx_failed(template.relative_to(course.root).as_posix(), error)]) from None


def _deck(course: Course, template: Path | None, plan: list[Slide], images: dict[str, bytes]) -> bytes:
    """The deck's .pptx bytes (`render_slides`), the slides of `plan` laid out on the template deck `template`
    (None: the built-in look) with the figures `images` (by project path)."""
    presentation = _open_template(template) if template else _default_deck()
    _remember_partnames(presentation)
    layouts = _layouts(presentation)
    assert layouts is not None  # problems() reported a template without one
    language = course.settings.language
    geometry = {kind: Geometry.of(layout) for kind, layout in layouts.items()}
    for slide in plan:
        _add(presentation, layouts[slide.layout], geometry[slide.layout], slide, language, images,
             own_look=template is None)
    stamp = datetime.datetime.fromtimestamp(source_date_epoch(), datetime.UTC).replace(tzinfo=None)
    properties = presentation.core_properties
    properties.title, properties.subject = _property(course.settings.title), "Slides for the training day"
    properties.author = properties.last_modified_by = "coursebuild"
    properties.language, properties.revision = language, 1
    properties.created = properties.modified = stamp
    properties.comments = properties.keywords = properties.category = ""
    properties.identifier, properties.version = f"{course.settings.id}-slides", course.settings.version
    properties.last_printed = stamp
    buffer = io.BytesIO()
    presentation.save(buffer)
    with zipfile.ZipFile(io.BytesIO(buffer.getvalue())) as saved:  # python-pptx stamps entries with the time now
        files = {name: saved.read(name) for name in saved.namelist()}
    return zip_bytes(files, source_date_epoch())


#: The longest text python-pptx (and the OOXML core properties it writes) takes for a document property.
PROPERTY_CHARACTERS = 255


def _property(text: str) -> str:
    """`text` cut at a word to fit a document property, with "..." if it was cut."""
    if len(text) <= PROPERTY_CHARACTERS:
        return text
    cut = text[:PROPERTY_CHARACTERS - 3]
    return (cut.rsplit(" ", 1)[0] if " " in cut else cut) + "..."


def _points(emu: int) -> float:
    return emu / 12700


Rectangle = tuple[int, int, int, int]  # left, top, width, height in EMU


@dataclass(frozen=True)
class Geometry:
    """Where a layout puts the title and the body (read once: python-pptx looks up inherited
    positions through the layout and master on every access), and the body placeholder's type.

    `body_placed` is set when the body's `idx` is the title's too: LibreOffice Impress saves body
    placeholders without `idx` (so 0, the title's), and a slide's body then finds the title's place
    by `idx`; such a body is given its place on each slide.
    """

    title: Rectangle
    body: Rectangle | None
    body_type: Any = None
    body_placed: bool = False

    @classmethod
    def of(cls, layout: SlideLayout) -> Geometry:
        from pptx.enum.shapes import PP_PLACEHOLDER

        title = body = body_type = None
        placed = False
        idx = [shape.placeholder_format.idx for shape in layout.placeholders]  # type: ignore[misc] # python-pptx
        for shape in layout.placeholders:  # type: ignore[misc] # python-pptx's hint
            kind = shape.placeholder_format.type
            is_title = kind in (PP_PLACEHOLDER.TITLE, PP_PLACEHOLDER.CENTER_TITLE) and title is None
            if not is_title and (kind not in (PP_PLACEHOLDER.BODY, PP_PLACEHOLDER.OBJECT, PP_PLACEHOLDER.SUBTITLE)
                                 or body is not None):
                continue
            where = (shape.left, shape.top, shape.width, shape.height)
            if any(value is None for value in where):  # no <a:xfrm> here, in its layout or in the master
                raise TemplateRefused(f"gives the {'title' if is_title else 'body'} placeholder of its layout "
                                      f"\"{layout.name}\" no position and size, nor does its slide master",
                                      "move or resize it in the slide master view of PowerPoint or LibreOffice, "
                                      "or delete the deck to use the built-in look")
            if is_title:
                title = where
            else:
                body, body_type, placed = where, kind, idx.count(shape.placeholder_format.idx) > 1
        assert title is not None  # _layouts chose layouts with a title
        return cls(title, body, body_type, placed)

    def box(self, which: Rectangle) -> Box:
        return Box(_points(which[2]), _points(which[3]))


def _rgb(hex_colour: str) -> Any:
    from pptx.dml.color import RGBColor

    return RGBColor(*bytes.fromhex(hex_colour))  # type: ignore[no-untyped-call] # python-pptx has no hint here


def _add(presentation: Presentation, layout: SlideLayout, geometry: Geometry, slide: Slide, language: str,
         images: dict[str, bytes], own_look: bool) -> None:
    from pptx.util import Emu, Pt

    made = presentation.slides.add_slide(layout)
    white = _rgb(PAPER) if own_look and slide.layout == "title" else None
    if white is not None:
        made.background.fill.solid()
        made.background.fill.fore_color.rgb = _rgb(BRAND_DARK)
    title = made.shapes.title
    assert title is not None  # every layout chosen has a title placeholder
    _fill(title.text_frame, [slide.title], geometry.box(geometry.title), TITLE_POINTS, language, colour=white)
    if geometry.body is not None:
        body = next(shape for shape in made.placeholders if shape.placeholder_format.type == geometry.body_type)
        if geometry.body_placed:
            body.left, body.top, body.width, body.height = (Emu(value) for value in geometry.body)
        if slide.bullets:
            _fill(body.text_frame, slide.bullets, geometry.box(geometry.body), BODY_POINTS, language,
                  colour=white, labelled=slide.labelled or slide.layout == "title", bold=slide.bold)
        else:
            body._element.getparent().remove(body._element)
    left, top, width, height = geometry.title
    area = (left, top + height, width, (presentation.slide_height or 0) - top - height - top // 2)
    if slide.figure is not None:
        image = io.BytesIO(images[slide.figure.path])
        picture = made.shapes.add_picture(image, area[0], area[1])
        scale = min(area[2] / picture.width, area[3] / picture.height)
        picture.width, picture.height = Emu(int(picture.width * scale)), Emu(int(picture.height * scale))
        picture.left = Emu(area[0] + (area[2] - picture.width) // 2)
        picture.top = Emu(area[1] + (area[3] - picture.height) // 2)
        picture._element.nvPicPr.cNvPr.set("descr", slide.figure.alt)
        picture.name = f"Figure: {slide.figure.alt[:60]}"
    if slide.rows:
        row_height = Pt(TABLE_POINTS * LINE_SPACING + 7.2)
        frame = made.shapes.add_table(len(slide.rows), len(slide.rows[0]), area[0], area[1], area[2],
                                      Emu(row_height * len(slide.rows)))
        frame.name = slide.title
        frame._element.nvGraphicFramePr.cNvPr.set("descr", f"{slide.title}: a table of {len(slide.rows) - 1} rows")
        table = frame.table
        table.columns[0].width = Emu(area[2] // 4)
        table.columns[1].width = Emu(area[2] - area[2] // 4)
        for r, row in enumerate(slide.rows):
            table.rows[r].height = row_height
            for c, value in enumerate(row):
                cell = table.cell(r, c)
                if own_look and r == 0:
                    cell.fill.solid()
                    cell.fill.fore_color.rgb = _rgb(BRAND_DARK)
                _fill(cell.text_frame, [value], Box(_points(table.columns[c].width), 1e6), (TABLE_POINTS,), language)
    made.notes_slide.notes_text_frame.text = slide.notes


def _fill(frame: Any, paragraphs: Sequence[str], box: Box, sizes: Sequence[int], language: str,
          colour: Any = None, labelled: bool = False, bold: tuple[int, ...] = ()) -> None:
    from pptx.util import Pt

    frame.word_wrap = True
    size = Pt(font_size(paragraphs, box, sizes))
    for index, text in enumerate(paragraphs):
        paragraph = frame.paragraphs[0] if index == 0 else frame.add_paragraph()
        if labelled:
            ppr = paragraph._p.get_or_add_pPr()
            ppr.set("marL", "0")
            ppr.set("indent", "0")
            etree.SubElement(ppr, f"{{{DRAWING}}}buNone")
        parts = _directions(text)
        if parts[0][1] is not None:  # the first strong character is right-to-left (Unicode bidi rule P2)
            paragraph._p.get_or_add_pPr().set("rtl", "1")
        for part, right_to_left in parts:
            run = paragraph.add_run()
            run.text = part
            run.font.size = size
            run.font.bold = True if index in bold else None
            run._r.get_or_add_rPr().set("lang", right_to_left or language)
            if colour is not None:
                run.font.color.rgb = colour
            if right_to_left is not None:
                etree.SubElement(run._r.get_or_add_rPr(), f"{{{DRAWING}}}rtl")


#: Languages for right-to-left runs, by script: Hebrew's block (and its presentation forms), else Arabic.
HEBREW = re.compile("[\u0590-\u05ff\ufb1d-\ufb4f]")


def _directions(text: str) -> list[tuple[str, str | None]]:
    """`text` split into runs of one direction: each with None (left to right, the course language) or
    the language of its right-to-left script ("he" or "ar"), by the Unicode bidirectional classes of
    its letters (R and AL right to left, L left to right; the rest go with the letters around them)."""
    spans: list[tuple[int, int]] = []
    start = last = -1
    for at, character in enumerate(text):
        kind = unicodedata.bidirectional(character)
        if kind in ("R", "AL"):
            start, last = (at if start < 0 else start), at
        elif kind == "L" and start >= 0:
            spans.append((start, last + 1))
            start = -1
    if start >= 0:
        spans.append((start, last + 1))
    if not spans:
        return [(text, None)]
    parts: list[tuple[str, str | None]] = []
    done = 0
    for begin, end in spans:
        if begin > done:
            parts.append((text[done:begin], None))
        parts.append((text[begin:end], "he" if HEBREW.search(text[begin:end]) else "ar"))
        done = end
    if done < len(text):
        parts.append((text[done:], None))
    return parts


# --- what check reports ---------------------------------------------------------------------

def problems(course: Course) -> list[Problem]:
    """Everything that would stop the deck being made or leave something out of it, for `coursebuild
    check` (an empty list if the course has no `kit:`, as there is no deck to make).

    A project's `templates/slides.pptx` must open as a PowerPoint file and have a layout with a title
    and a body placeholder (errors). A module in no session of the timetable is left out (a warning).
    A PNG, JPEG or SVG figure the deck cannot use is left out of it
    (a warning, as the e-learning packages may still use it; one validation already reports as broken
    is not reported again).
    """
    if course.settings.kit is None:
        return []
    template = _template(course)
    found = _template_problems(course, template) if template is not None else []
    listed = {m for session in course.settings.kit.timetable for m in session.modules}
    found += [course.source.problem(("modules", i, "id"), f"module `{module.id}` is in no session of the kit's "
                                    "timetable, so the slides leave it out",
                                    "list it in the `modules` of a session in `kit: timetable`",
                                    severity=Severity.WARNING)
              for i, module in enumerate(course.settings.modules) if module.id not in listed]
    figures = [figure for page in course.pages
               # figures are <img> elements: no need to outline the rest
               if "<img" in convert(page.body).html.lower() for figure in outline(page).figures]
    for figure in figures:
        found += _figure_problems(course, figure)
    return found + _deck_drawing_problems(course, figures)


#: The most slides a deck may have: a slide a minute for a day of eight hours is 480 (this course's deck has 148).
#: python-pptx takes about 8 ms of processor time a slide, and more for each slide already made (for each new slide
#: and notes page it looks through all the presentation's relationships and slide ids: its own code, not how the deck
#: calls it): 500 slides took `slides` about 4 s, and one page of 2,900 headings (247 KB, within the Markdown bound)
#: made 2,922 slides in 55 s; two such pages held `slides` past 120 s (18-verify22 F2).
MAX_SLIDES = 500
#: The most characters the deck's text may have, its speaker notes and tables included: this course's deck has
#: 104,000, its longest slide 3,700; 500 slides of that are 1.85 million. Each slide of a page repeats the page's key
#: points and practice tips in its notes, so a page's 220 KB tip on 422 slides was 93 MB of notes (6.5 s, 260 MB, a
#: 1 MB deck that unpacks to 93 MB) within MAX_SLIDES.
MAX_DECK_CHARACTERS = 2_000_000


def deck_problems(course: Course) -> list[Problem]:
    """An error at the source of the slide with which the deck passes MAX_SLIDES or MAX_DECK_CHARACTERS
    (`plan_slides`, as `render_slides` plans it); none if it does not, or the course has no `kit:` settings. For
    `check`, once the course is valid (the plan reads the pages each module and session lists)."""
    return _size_problems(plan_slides(course)) if course.settings.kit is not None else []


def _size_problems(plan: Sequence[Slide]) -> list[Problem]:
    """An error at the origin of the first slide of `plan` past MAX_SLIDES, else of the slide whose text takes the
    deck's past MAX_DECK_CHARACTERS; none if neither is passed."""
    if len(plan) > MAX_SLIDES:
        first = plan[MAX_SLIDES]
        return [Problem(*first.origin, f"the slides would be {len(plan):,}, more than {MAX_SLIDES}: slide "
                        f"{MAX_SLIDES + 1} (\"{_shortened(first.title)}\") comes from here",
                        "a training day needs fewer: give the pages of the timetable's modules fewer ## and ### "
                        "headings, key points, figures and case-study stages, or leave some modules out of the "
                        "timetable")]
    characters = 0
    for number, slide in enumerate(plan, start=1):
        characters += (len(slide.title) + len(slide.notes) + sum(map(len, slide.bullets))
                       + sum(len(cell) for row in slide.rows for cell in row))
        if characters > MAX_DECK_CHARACTERS:
            return [Problem(*slide.origin, f"the slides' text and speaker notes would pass {MAX_DECK_CHARACTERS:,} "
                            f"characters at slide {number} (\"{_shortened(slide.title)}\"), which comes from here",
                            "shorten what this slide shows or its notes say: each slide of a page repeats the page's "
                            "key points and practice tips in its speaker notes, each slide of a module its session's "
                            "instructions")]
    return []


#: The most processor time drawing all of a deck's SVG figures may take, as `media.svg_drawing_seconds` estimates
#: each (render_slides draws each file once, however often it is shown): thirty figures at the most one may take
#: (media.MAX_SVG_DRAWING_SECONDS). Each figure alone stays within its bound, but eight of about 9 s each kept
#: `slides` past 60 s (18-verify7 W5).
MAX_DECK_DRAWING_SECONDS = 60.0


#: The most processor time (s) at worst the deck may take to turn its pictures upright (`turning_seconds`: a PNG or JPEG
#: whose EXIF orientation says it is turned, each file once), which `_upright` decodes, turns and saves again in
#: process, as MAX_DECK_DRAWING_SECONDS bounds its SVG figures. At the worst rates
#: (`media.PICTURE_SECONDS_PER_MEGAPIXEL`): 428 megapixels of JPEG (35 phone photographs of 12 megapixels, which
#: phones save turned, with the tag; about 6 s as they are), 133 megapixels of PNG.
#: 45 white PNGs of 40 megapixels (131 KB each) passed `check` and took `slides`
#: 118 s (18-verify24 H5); then 500 million pixels counted alike whatever their kind let twelve 40-megapixel PNGs of
#: random bytes of 0 and 255 (24 MB each) take about 185 s (issue 18, twenty-sixth verification, M3).
MAX_DECK_TURNING_SECONDS = 60.0


def _deck_drawing_problems(course: Course, figures: Sequence[Figure]) -> list[Problem]:
    """An error at the figure with which drawing the deck's SVG figures (each file once, in page order) passes
    MAX_DECK_DRAWING_SECONDS, by `media.svg_drawing_seconds`, and one at the picture with which the pictures the deck
    turns upright pass MAX_DECK_TURNING_SECONDS (`turning_seconds`, each file once); none if neither is passed. Shared
    by `check` (`problems`) and `render_slides`, before any figure is drawn. A figure not drawn for what `usable`
    finds is counted all the same (an upper bound)."""
    first: dict[str, Figure] = {}
    for figure in figures:
        if may_read(course.root, figure.path):
            first.setdefault(figure.path, figure)
    svg = [figure for figure in first.values() if posixpath.splitext(figure.path)[1].lower() == ".svg"]
    return _svg_seconds_problems(course, svg) + _turned_problems(course, [f for f in first.values() if f not in svg])


def _svg_seconds_problems(course: Course, figures: Sequence[Figure]) -> list[Problem]:
    """`_deck_drawing_problems`' error for the SVG `figures` (each a different file)."""
    seconds = 0.0
    for figure in figures:
        with media_time.charged():
            data = (course.root / figure.path).read_bytes()
            if svg_drawing_problem(data) is not None:
                continue  # refused on its own (`check`'s figure rule): not drawn
            drawing = svg_drawing(data)  # as check worked it out for the figure
        seconds += drawing[1].seconds if drawing is not None else 0.0
        if seconds > MAX_DECK_DRAWING_SECONDS:
            return [Problem(figure.page, figure.line, f"drawing the slides' SVG figures, up to `{figure.src}`, would "
                            f"take more than {MAX_DECK_DRAWING_SECONDS:g} s in all (each counted as `check` counts "
                            "one figure)", "show fewer or simpler SVG figures on the pages in the timetable's "
                            "sessions, or PNG pictures instead")]
    return []


def _turned_problems(course: Course, figures: Sequence[Figure]) -> list[Problem]:
    """`_deck_drawing_problems`' error for the pictures `figures` (each a different file, none an SVG)."""
    seconds = 0.0
    for figure in figures:
        with media_time.charged():
            seconds += turning_seconds((course.root / figure.path).read_bytes())
        if seconds > MAX_DECK_TURNING_SECONDS:
            return [Problem(figure.page, figure.line, f"the slides would turn `{figure.src}` upright (its EXIF "
                            "orientation says it is turned), which takes the pictures they turn past "
                            f"{MAX_DECK_TURNING_SECONDS:g} s of processor time in all (each different picture by its "
                            "size and kind), more than they may decode and save again in time",
                            "turn the picture in an editor and save it upright, or use smaller copies")]
    return []


def _template_problems(course: Course, template: Path) -> list[Problem]:
    name = template.relative_to(course.root).as_posix()
    if not real_path(template).is_relative_to(real_path(course.root)):
        return [Problem(name, 1, "is a link to a file outside the project, which is not read",
                        "copy the deck itself into templates/")]
    try:
        presentation = _open_template(template)
    except TemplateRefused as refused:
        return [_refused_problem(name, refused)]
    except TemplateActive as active:
        return [Problem(name, 1, f"the template deck {what}, which PowerPoint or LibreOffice would fetch or run "
                        "when the deck is opened", "remove it, or save the deck again with its pictures embedded, "
                        "not linked") for what in active.args[0]]
    except MemoryError:  # the machine's memory, not a deck's mistake: exit code 3 (18-verify18 A10)
        raise
    except Exception as error:  # noqa: BLE001 - python-pptx raises many kinds for a file that is not a deck
        return [Problem(name, 1, f"not a PowerPoint deck python-pptx can open ({type(error).__name__})",
                        "save it from PowerPoint or LibreOffice as .pptx, or delete it to use the built-in look")]
    try:
        return _opened_template_problems(name, presentation)
    except MemoryError:
        raise
    except Exception as error:  # noqa: BLE001 - python-pptx raises many kinds for parts it cannot read
        return [_pptx_failed(name, error)]


def _opened_template_problems(name: str, presentation: Presentation) -> list[Problem]:
    """What in the opened template deck `presentation` (at the project path `name`) `render_slides` cannot use."""
    layouts = _layouts(presentation)
    if layouts is None:
        return [Problem(name, 1, "the template deck has no layout with a title and a body placeholder",
                        "add PowerPoint's \"Title and Content\" layout to its slide master")]
    try:
        for layout in layouts.values():
            Geometry.of(layout)
    except TemplateRefused as refused:
        return [_refused_problem(name, refused)]
    return []


def _pptx_failed(name: str, error: Exception) -> Problem:
    """The problem at line 1 of the template deck `name` (its project path) for `error`, which python-pptx raised
    on it where `check` foresaw nothing."""
    return Problem(name, 1, f"the template deck cannot be used: python-pptx failed on it ({type(error).__name__}: "
                   f"{str(error)[:120]})", "save it again from PowerPoint or LibreOffice as .pptx, or delete it to "
                   "use the built-in look")


def _refused_problem(name: str, refused: TemplateRefused) -> Problem:
    """The problem at line 1 of the template deck `name` (its project path) for why it was refused."""
    reason, fix = refused.args
    return Problem(name, 1, f"the template deck {reason}", fix)


def _figure_problems(course: Course, figure: Figure) -> list[Problem]:
    path = course.root / figure.path
    if not may_read(course.root, figure.path):
        return []  # validation reports missing, too large and unpackageable files, and never reads them
    with media_time.charged():  # read and parsed within the project's media time
        data = path.read_bytes()
        if file_content_problem(figure.path, data) is not None:
            return []  # validation reports it as a broken image
        reason = _unusable(figure.path, data)
    if reason is None:
        return []
    return [Problem(figure.page, figure.line, f"`{figure.src}` {reason[0]}, so the slides leave it out", reason[1],
                    Severity.WARNING)]
