"""Checks that need the whole course: ids, references, questions, media and outcomes.

`validate` returns every problem it finds; it never stops at the first.
"""

from __future__ import annotations

import functools
import html
import json
import os
import posixpath
import re
import string
from collections import Counter
from dataclasses import dataclass
from typing import Callable, Hashable, Iterable, Iterator
from urllib.parse import unquote

from builder import cache, markup, media_time
from builder.active_content import (
    COMPRESSED_TYPES,
    HTML_TYPES,
    SCRIPT_TYPES,
    SVG_TYPES,
    TOO_LARGE_TO_CHECK,
    emptied,
    script_in,
    unreadable,
)
from builder.cache import Same, Store
from builder.errors import Problem, Severity
from builder.export.gift import file_problems as gift_file_problems
from builder.export.moodle_xml import embedding_problems as moodle_xml_embedding_problems
from builder.item_writing import check_items
from builder.loading import read_text
from builder.manifest import MARKUP_IN_TEXT, lom_texts
from builder.markup import (
    OVER_BUDGET,
    Budget,
    Converted,
    Reference,
    convert,
    convert_inline,
    remember,
)
from builder.media import (
    AUDIO_TYPES,
    MAX_PACKAGED_BYTES,
    PACKAGED_TOTAL_FIX,
    PACKAGED_TYPES,
    RASTER_PICTURE_TYPES,
    STATIC_TOTAL_FIX,
    TRANSCRIPT_SUFFIX,
    VIDEO_TYPES,
    containment_problem,
    decoding_problem,
    file_content_problem,
    file_problem,
    may_read,
    not_found,
    readable_problem,
    size_problem,
    svg_drawing_problem,
)
from builder.model import Bank, Course, Page, PageMeta, Question
from builder.office import linked_file_problem, opened_as_office
from builder.project_urls import (
    ESCAPED_PATH_SYNTAX,
    INVALID_URL,
    InvalidURL,
    hides_path_syntax,
    local_path,
    split_url,
)
from builder.rendering import EXTRA_PAGES
from builder.schema_errors import did_you_mean
from builder.slides import problems as slide_problems
from builder.sourcemap import Location, SourceFile
from builder.sources import PAGES_DIR
from builder.theme import MAX_RENDERED_BYTES, TemplateProblem, Theme
from builder.tracking import option_code

IMAGE_TYPES = {".png", ".jpg", ".jpeg", ".svg"}
CAPTION_SUFFIXES = (".vtt", TRANSCRIPT_SUFFIX)
#: The elements whose video or audio file is played, with its captions and transcript (`![…](talk.mp4)` is an img).
PLAYER_TAGS = ("img", "video", "audio", "source")
LARGE_FILE_BYTES = 20 * 1024 * 1024
MIN_OPTIONS, MAX_OPTIONS = 2, 8
LINK_SCHEMES = {"http", "https", "mailto", "tel"}
#: How a file name's characters that mean something else in a path are written in a link.
ESCAPED_IN_PATHS = {"%": "%25", " ": "%20", "#": "%23", "?": "%3F"}
#: What may be written just before a link's target: Markdown links and images, autolinks, reference definitions,
#: HTML attributes.
LINK_SYNTAX = ("](<", "](", "<", "]: <", "]: ", '="', "='", "=")
_LINK_SYNTAX = "(?:" + "|".join(map(re.escape, LINK_SYNTAX)) + ")"
_LONGEST_SYNTAX = max(map(len, LINK_SYNTAX))

WARNING = Severity.WARNING
#: A text's references, each with the line it is written on (`MarkdownText.reference_lines`).
ReferenceLines = list[tuple[Reference, int]]


@dataclass(frozen=True)
class MarkdownText:
    """A piece of authored Markdown and where it sits: a YAML location, or a page body's first line."""

    text: str
    source: SourceFile
    location: Location = ()
    body_line: int | None = None
    #: A question's stem or option text: phrasing content, one line (`convert_inline`).
    phrasing: bool = False
    #: A transcript file's text (`<stem>.transcript.md`), shown in a `<details>` after its player.
    transcript: bool = False

    @property
    def first_line(self) -> int:
        return self.body_line if self.body_line is not None else self.source.line(*self.location)

    def line_of(self, needle: str) -> int:
        index = self.text.find(needle)
        return self.first_line + (self.text.count("\n", 0, index) if index > 0 else 0)

    def removal_lines(self, removed: Iterable[tuple[str, str]]) -> Iterator[int]:
        """The line of each of the cleaner's removals (`Converted.removed`: what, text to find it by), in order.

        Raw HTML is found where it is written: each start tag of the text (outside comments and code) is read
        as the cleaner reads it (`markup.removals`), and each removal is matched to the next one written with
        the same description, so a `<SCRIPT>`, an `onError=` or a `java&#115;cript:` URL deep in an HTML block
        is reported at its own line, and the second of two at the second. What Markdown made (a link to
        `javascript:`) is found by its text, in any case; failing that, the text's first line.
        """
        pieces, position = [], 0
        for start, end in _not_html(self.text):
            pieces += [self.text[position:start], re.sub(r"[^\n]", " ", self.text[start:end])]
            position = end
        shown = "".join(pieces) + self.text[position:]
        written = [(what, tag.start() if needle.startswith("<") else tag.start(2) + offsets[needle])
                   for tag in _WRITTEN_TAG.finditer(shown)
                   for attributes in [_written_attributes(tag.group(2))]
                   for offsets in [_attribute_offsets(attributes)]
                   for what, needle in markup.removals(tag.group(1).lower(),
                                                       [(name, value) for name, value, _ in attributes])]
        used: set[int] = set()
        cursor = offset = 0  # the next written removal to look at, and where the last removal was found
        lowered = shown.lower()
        for what, needle in removed:
            found = next((i for start in (cursor, 0) for i in range(start, len(written))
                          if i not in used and written[i][0] == what), None)
            if found is not None:
                used.add(found)
                cursor, offset = found + 1, written[found][1]
            else:
                index = lowered.find(needle.lower(), offset)
                offset = index if index >= 0 else max(lowered.find(needle.lower()), 0)
            yield self.first_line + self.text.count("\n", 0, offset)

    def reference_lines(self, references: Iterable[Reference]) -> Iterator[tuple[Reference, int]]:
        """Each reference with the line it is written on, found in order, so a target written twice is
        found twice; as written, a target may have Markdown's backslash escapes and HTML's `&amp;`.

        The target is looked for where link syntax writes it first (`](path`, `<path>`, `[id]: path`,
        `src="path"`), so a mention of the same path in text or code is not taken for the link; then anywhere.
        """
        position, used = 0, set[int]()
        # Without a backslash or an `&amp;` in the text, a target can only be written as it is
        literal = "\\" not in self.text and "&amp;" not in self.text
        for reference in references:
            span = self._written_span(reference.target, literal, position, used)
            if span is None:
                yield reference, self.first_line
                continue
            position = span[1]
            used.add(span[0])
            yield reference, self.first_line + self.text.count("\n", 0, span[0])

    def _written_span(self, target: str, literal: bool, position: int, used: set[int]) -> tuple[int, int] | None:
        """Where `target` is found in link syntax (from `position` on, then from the start), else anywhere
        (likewise); a place a reference before it was found at is skipped."""
        for after_syntax in (True, False):
            for start in (position, 0):
                for span in self._written_spans(target, literal, after_syntax, start):
                    if span[0] not in used:
                        return span
        return None

    def _written_spans(self, target: str, literal: bool, after_syntax: bool, start: int) -> Iterator[tuple[int, int]]:
        """The places `target` is written from `start` on, just after link syntax or anywhere, as `re.finditer`
        finds them: left to right, each looked for after the one before. A target as it is (`literal`) is found
        by string search, which finds the same places without compiling a pattern for each target."""
        if literal and target:
            yield from (_after_syntax if after_syntax else _anywhere)(self.text, target, start)
            return
        written = re.escape(target) if literal else "".join(map(_as_written, target))
        pattern = re.compile((_LINK_SYNTAX if after_syntax else "") + f"({written})")
        yield from (match.span(1) for match in pattern.finditer(self.text, start))

    @property
    def folder(self) -> str:
        return posixpath.dirname(self.source.path)


#: A start tag as written in a text's raw HTML: its name and attributes (a quoted value may hold `>`). As in
#: Python-Markdown's inline HTML, no part of a tag holds `<`: so a search for tags reads each character of a text
#: at most twice, where letting a tag run on past `<` read the rest of the text again from every unclosed `<y`
#: (a 36 KB page of `x<y` took `check` 28 s of processor time).
_WRITTEN_TAG = re.compile(r"""<([A-Za-z][A-Za-z0-9-]*)((?:[^<>"']|"[^<"]*"|'[^<']*')*)>""")
#: An attribute in a start tag, as the HTML parser reads it: a name, then maybe `=` and a value, quoted or not.
_WRITTEN_ATTRIBUTE = re.compile(r"""([^\s/>"'=][^\s/>=]*)(?:\s*=\s*(?:"([^"]*)"|'([^']*)'|([^\s>]*)))?""")
#: Where something in a Markdown text that is not HTML though it may look like it starts: a comment, a code fence
#: (group 1: its backticks or tildes), a code span (whole).
_NOT_HTML = re.compile(r"<!--|^ {0,3}(`{3,}|~{3,})|`[^`\n]+`", re.M)


def _not_html(text: str) -> Iterator[tuple[int, int]]:
    """The spans (start, end: offsets in `text`, in order) of a Markdown text that are not HTML though they may look
    like it: comments (`<!--` to `-->`), fenced code (a fence line to the next line starting with the same fence)
    and code spans. A comment or fence with no end is text, as Python-Markdown reads it.

    Time linear in the text (but for fences of decreasing length): no comment ends after the last `-->`, and a
    fence no line closes cannot be closed for a longer one of its kind, so neither is looked for again, where a
    regular expression looked from each `<!--` or fence to the end of the text (a line of 40,000 backticks after a
    `<script>` took `check` 10 s of processor time).
    """
    position, comments, unclosed = 0, True, dict[str, int]()  # unclosed: the shortest fence of each kind with no end
    while match := _NOT_HTML.search(text, position):
        start, position = match.span()
        fence = match.group(1)
        if match.group() == "<!--":
            end = text.find("-->", position) if comments else -1
            comments = end >= 0
            if comments:
                position = end + 3
                yield start, position
        elif fence and len(fence) < unclosed.get(fence[0], len(text) + 1):
            closing = re.compile("^ {0,3}" + re.escape(fence), re.M).search(text, position)
            if closing is None:
                unclosed[fence[0]] = len(fence)
            else:
                position = closing.end()
                yield start, position
        elif not fence:
            yield start, position


def _written_attributes(written: str) -> list[tuple[str, str, int]]:
    """The attributes of a start tag's text as the HTML parser reads them: names in lower case, values decoded,
    and where in the text each is written."""
    return [(match.group(1).lower(), html.unescape(next((value for value in match.group(2, 3, 4) if value), "")),
             match.start()) for match in _WRITTEN_ATTRIBUTE.finditer(written)]


def _attribute_offsets(attributes: list[tuple[str, str, int]]) -> dict[str, int]:
    """Where in a start tag's text each of its `attributes` (`_written_attributes`) is written, by the text
    `markup.removals` finds it by: its name, and an active URL's scheme; the first of each."""
    offsets: dict[str, int] = {}
    for name, value, start in attributes:
        offsets.setdefault(name, start)
        if name in markup.SCHEMED_ATTRIBUTES and (scheme := markup.active_scheme(value)):
            offsets.setdefault(scheme, start)
    return offsets


def _anywhere(text: str, target: str, start: int) -> Iterator[tuple[int, int]]:
    """Where a non-empty `target` is in `text` from `start` on, each place after the one before (as the pattern
    `(target)` finds them)."""
    index = text.find(target, start)
    while index >= 0:
        yield index, index + len(target)
        index = text.find(target, index + len(target))


def _after_syntax(text: str, target: str, start: int) -> Iterator[tuple[int, int]]:
    """Where a non-empty `target` is in `text` from `start` on just after link syntax, each place after the one
    before (as the pattern `_LINK_SYNTAX(target)` finds them): the syntax that starts first, of those
    starting at the same place the first in LINK_SYNTAX."""
    while True:
        best: tuple[int, int, int] | None = None  # where the syntax starts, its rank, where the target starts
        index = text.find(target, start + 1)
        while index >= 0 and (best is None or index - _LONGEST_SYNTAX <= best[0]):
            for rank, syntax in enumerate(LINK_SYNTAX):
                begin = index - len(syntax)
                if begin >= start and text.startswith(syntax, begin) and (best is None or (begin, rank) < best[:2]):
                    best = begin, rank, index
            index = text.find(target, index + 1)
        if best is None:
            return
        start = best[2] + len(target)
        yield best[2], start


def _as_written(char: str) -> str:
    """A pattern for how `char` of a link target may be written in Markdown."""
    if char == "&":
        return "&(?:amp;)?"
    return (r"\\?" if char in string.punctuation else "") + re.escape(char)


def validate(course: Course) -> list[Problem]:
    """Every cross-file problem in the course, errors and warnings alike."""
    media_time.new_project()  # its own time to analyse media, whatever the last build spent (preview)
    checks = (_check_ids, _check_modules, _check_timetable, _check_pages, _check_banks,
              functools.partial(_question_rule, _check_questions), _check_tags, _check_outcomes, _check_markdown,
              functools.partial(_question_rule, check_items), slide_problems,
              functools.partial(_question_rule, _check_gift_files), _check_moodle_xml_files,
              _check_reserved_page_ids, _check_lms_texts)
    return [problem for check in checks for problem in check(course)]


# --- ids and order -------------------------------------------------------------------------

def _authored_ids(course: Course) -> Iterator[tuple[str, str, SourceFile, Location]]:
    """(id, what it names, file, location) for every id that must be unique in the course."""
    for i, outcome in enumerate(course.settings.outcomes):
        yield outcome.id, "outcome", course.source, ("outcomes", i, "id")
    for i, module in enumerate(course.settings.modules):
        yield module.id, "module", course.source, ("modules", i, "id")
    for page in course.pages:
        yield page.meta.id, "page", page.source, ("id",)
    for bank in course.banks:
        yield bank.settings.id, "bank", bank.source, ("id",)
    for question, source, loc in _all_questions(course):
        yield question.id, "question", source, loc + ("id",)
    for page in course.pages:
        for field in ("ratings", "comments"):
            for i, item in enumerate(getattr(page.meta, field)):
                yield item.id, field[:-1], page.source, (field, i, "id")


def _check_reserved_page_ids(course: Course) -> Iterator[Problem]:
    """A page may not take the id of a page every package makes (`contents`): the made one would replace it."""
    made = {ident for ident, _, _ in EXTRA_PAGES}
    for page in course.pages:
        if page.meta.id.lower() in made:
            yield page.source.problem(("id",), f"the page id `{page.meta.id}` is taken by the page every package "
                                      "makes with that name, which would replace this one", "choose another id")


def _check_ids(course: Course) -> Iterator[Problem]:
    first_seen: dict[str, tuple[str, str, SourceFile, Location]] = {}  # by id in lower case
    for ident, what, source, loc in _authored_ids(course):
        if ident.lower() in first_seen:
            other_id, other_what, other_source, other_loc = first_seen[ident.lower()]
            where = f"{other_what} at {other_source.path}:{other_source.line(*other_loc)}"
            if other_id == ident:
                yield source.problem(loc, f"duplicate id `{ident}`: {where} has it too",
                                     "give each page, question, outcome, module and bank its own id")
            else:
                yield source.problem(loc, f"id `{ident}` differs only in upper/lower case from `{other_id}` "
                                          f"({where})", "give it a different id: ids that differ only in case "
                                          "collide on some file systems and in some LMSs")
        else:
            first_seen[ident.lower()] = (ident, what, source, loc)
    for page in course.pages:
        counts = Counter(stage.id for stage in page.meta.stages)
        for s, stage in enumerate(page.meta.stages):
            if counts[stage.id] > 1:
                yield page.source.problem(("stages", s, "id"), f"duplicate stage id `{stage.id}`",
                                          "give each stage of the case study its own id")


def _check_modules(course: Course) -> Iterator[Problem]:
    known = {page.meta.id for page in course.pages} | course.unloaded_ids
    placed: dict[str, str] = {}
    for m, module in enumerate(course.settings.modules):
        for p, page_id in enumerate(module.pages):
            loc = ("modules", m, "pages", p)
            if page_id not in known:
                hint = did_you_mean(page_id, known)
                yield course.source.problem(loc, f"module `{module.id}` lists unknown page `{page_id}`",
                                            hint or f"create {PAGES_DIR}/{page_id}.md with `id: {page_id}`")
            elif page_id in placed:
                yield course.source.problem(loc, f"page `{page_id}` is listed twice (also in module "
                                                 f"`{placed[page_id]}`)", "list each page once")
            else:
                placed[page_id] = module.id
    if not course.pages or not any(module.pages for module in course.settings.modules):
        yield course.source.problem(("modules",), "the course is empty: it has no modules with pages",
                                    f"add pages to {PAGES_DIR}/ and list their ids under a module's `pages`")
    for page in course.pages:
        if page.meta.id not in placed:
            yield page.source.problem(("id",), f"page `{page.meta.id}` is not in any module, so learners "
                                               "never see it", "add its id to a module's `pages` in "
                                               "course/course.yaml, or delete the file", severity=WARNING)


def _check_timetable(course: Course) -> Iterator[Problem]:
    kit = course.settings.kit
    if kit is None:
        return
    modules = {m.id for m in course.settings.modules}
    previous_end = ""
    for s, session in enumerate(kit.timetable):
        loc = ("kit", "timetable", s)
        if session.end <= session.start:
            yield course.source.problem(loc + ("end",), f"session `{session.title}` ends at {session.end}, "
                                        f"not after it starts at {session.start}", "correct the times")
        if previous_end and session.start < previous_end:
            yield course.source.problem(loc + ("start",), f"session `{session.title}` starts at {session.start}, "
                                        f"before the previous session ends at {previous_end}",
                                        "list sessions in order without overlaps")
        previous_end = session.end
        for m, module in enumerate(session.modules):
            if module not in modules:
                yield course.source.problem(loc + ("modules", m), f"unknown module `{module}`",
                                            did_you_mean(module, modules) or "use a module id from `modules`")
    pages = {page.meta.id for page in course.pages}
    for i, page_id in enumerate(kit.handout_pages):
        if page_id not in pages | course.unloaded_ids:
            yield course.source.problem(("kit", "handout_pages", i), f"unknown page `{page_id}`",
                                        did_you_mean(page_id, pages) or "use a page id")
    if not any(page.meta.ratings or page.meta.comments for page in course.pages):
        yield course.source.problem(("kit",), "the kit's evaluation sheet will be blank: no page has `ratings` "
                                    "or `comments`", "add a reflection page with the evaluation's `ratings` and "
                                    "`comments` (see docs/authoring.md)", severity=WARNING)


# --- pages and banks ------------------------------------------------------------------------

def _check_pages(course: Course) -> Iterator[Problem]:
    banks = {bank.settings.id: bank for bank in course.banks}
    assessments = [page for page in course.pages if page.meta.kind == "assessment"]
    for page in course.pages:
        yield from _check_page_kind(page, banks, course.unloaded_ids)
    for page, first in _repeated(assessments, lambda meta: meta.kind):
        yield page.source.problem(("kind",), f"a second assessment page (the first is `{first}`)",
                                  "keep one assessment page; use knowledge-check pages for practice")
    for kind, key in (("self-assessment", lambda meta: meta.phase), ("learning-record", lambda meta: meta.kind)):
        for page, first in _repeated([p for p in course.pages if p.meta.kind == kind], key):
            yield page.source.problem(("kind",), f"a second {kind} page like `{first}`",
                                      "keep one (one per phase for self-assessment)")
    if course.framework is None and "framework" not in course.unloaded_kinds:
        for page in (p for p in course.pages if p.meta.kind == "self-assessment"):
            yield page.source.problem(("kind",), "a self-assessment page needs a competency framework",
                                      "create course/competencies.yaml")
    settings = course.settings
    if assessments and settings.pass_mark is None:
        yield course.source.problem((), "the course has an assessment but no `pass_mark`",
                                    "add `pass_mark: 80` (a percentage) to course/course.yaml")
    if not assessments and settings.completion.assessment != "none":
        yield course.source.problem(("completion",) if "completion" in settings.model_fields_set else (),
                                    f"the completion rule needs the assessment to be {settings.completion.assessment}, "
                                    "but no page has `kind: assessment`",
                                    "add an assessment page, or set `completion: {assessment: none}`")


def _repeated(pages: list[Page], key: Callable[[PageMeta], object]) -> Iterator[tuple[Page, str]]:
    """(page, id of the first page with the same key) for every page after the first of its key."""
    first: dict[object, str] = {}
    for page in pages:
        if key(page.meta) in first:
            yield page, first[key(page.meta)]
        first.setdefault(key(page.meta), page.meta.id)


def _check_page_kind(page: Page, banks: dict[str, Bank], unloaded: frozenset[str]) -> Iterator[Problem]:
    meta, source = page.meta, page.source
    wants_bank = meta.kind in ("knowledge-check", "assessment")
    if wants_bank and meta.bank is None:
        yield source.problem(("kind",), f"a {meta.kind} page needs a `bank`",
                             f"add `bank: <id of a {meta.kind} bank in quizzes/>`")
    elif wants_bank and meta.bank not in banks and meta.bank not in unloaded:
        yield source.problem(("bank",), f"unknown bank `{meta.bank}`",
                             did_you_mean(str(meta.bank), banks) or "use the `id` of a bank file in quizzes/")
    elif wants_bank and meta.bank in banks and banks[meta.bank].settings.kind != meta.kind:
        yield source.problem(("bank",), f"bank `{meta.bank}` is a {banks[meta.bank].settings.kind} bank, "
                                        f"but this is a {meta.kind} page",
                             f"use a bank with `kind: {meta.kind}`")
    elif not wants_bank and meta.bank is not None:
        yield source.problem(("bank",), "`bank` is only used on knowledge-check and assessment pages",
                             "remove it, or change `kind`")
    if meta.kind == "self-assessment" and meta.phase is None:
        yield source.problem(("kind",), "a self-assessment page needs a `phase`",
                             "add `phase: before` (start of the course) or `phase: after` (end)")
    elif meta.kind != "self-assessment" and meta.phase is not None:
        yield source.problem(("phase",), "`phase` is only used on self-assessment pages", "remove it")
    if meta.kind == "case-study" and not meta.stages:
        yield source.problem(("kind",), "a case-study page needs `stages`",
                             "add at least one stage with `id`, `title` and `content`")
    for field in ("ratings", "comments"):
        if meta.kind != "reflection" and field in meta.model_fields_set:
            yield source.problem((field,), f"`{field}` is only used on reflection pages",
                                 "remove it, or set `kind: reflection`")
    for field in ("stages", "analysis"):
        if meta.kind != "case-study" and field in meta.model_fields_set:
            yield source.problem((field,), f"`{field}` is only used on case-study pages",
                                 "remove it, or set `kind: case-study`")


def _check_banks(course: Course) -> Iterator[Problem]:
    used = {page.meta.bank for page in course.pages}
    for bank in course.banks:
        settings, source = bank.settings, bank.source
        if settings.kind == "knowledge-check":
            for field in ("draw", "attempts", "draw_per_outcome", "draw_per_tag", "review"):
                if field in settings.model_fields_set:
                    yield source.problem((field,), f"`{field}` is only used in assessment banks",
                                         "remove it, or set `kind: assessment`")
        elif settings.draw is not None and settings.draw > len(settings.questions):
            yield source.problem(("draw",), f"`draw` is {settings.draw}, but the bank has only "
                                            f"{len(settings.questions)} questions",
                                 f"add questions or set `draw` to {len(settings.questions)} or fewer")
        else:
            yield from _check_draw_minimums(bank)
        if settings.id not in used:
            yield source.problem(("id",), f"bank `{settings.id}` is not used by any page",
                                 "name it in a page's `bank`, or delete the file", severity=WARNING)


def _check_draw_minimums(bank: Bank) -> Iterator[Problem]:
    """Errors when some attempt could not hold the questions `draw_per_outcome` and `draw_per_tag` ask for.

    Each question drawn for one outcome or tag counts for every outcome and tag it has, so an attempt of
    `draw` questions can always be filled when `draw` is at least the sum of the minimums.
    """
    settings, source = bank.settings, bank.source
    minimums = settings.draw_minimums()
    for key, wanted in minimums.items():
        kind, name = key.split(":", 1)
        have = sum(name in (q.outcomes if kind == "outcome" else q.tags) for q in settings.questions)
        if have < wanted:
            loc = ("draw_per_outcome",) if kind == "outcome" else ("draw_per_tag", name)
            yield source.problem(loc, f"each attempt needs {wanted} questions for {kind} `{name}`, but the bank "
                                      f"has only {have}",
                                 f"add {kind} `{name}` to more questions, or ask for {have} or fewer" if have else
                                 f"tag questions with `{name}`, or remove it from `draw_per_tag`")
    needed = sum(minimums.values())
    if settings.draw is not None and minimums and settings.draw < needed:
        yield source.problem(("draw",), f"`draw` is {settings.draw}, too few for the per-outcome and per-tag draws, "
                                        f"which can need {needed} questions",
                             f"set `draw` to {needed} or more, or lower `draw_per_outcome` / `draw_per_tag`")


def _all_questions(course: Course) -> Iterator[tuple[Question, SourceFile, Location]]:
    for bank in course.banks:
        yield from _bank_questions(bank)
    for page in course.pages:
        yield from _decision_points(page)


def _bank_questions(bank: Bank) -> Iterator[tuple[Question, SourceFile, Location]]:
    for q, question in enumerate(bank.settings.questions):
        yield question, bank.source, ("questions", q)


def _decision_points(page: Page) -> Iterator[tuple[Question, SourceFile, Location]]:
    for s, stage in enumerate(page.meta.stages):
        for d, question in enumerate(stage.decisions):
            yield question, page.source, ("stages", s, "decisions", d)


def _check_questions(course: Course) -> Iterator[Problem]:
    for question, source, loc in _all_questions(course):
        count = len(question.options)
        correct = sum(option.correct for option in question.options)
        if not MIN_OPTIONS <= count <= MAX_OPTIONS:
            yield source.problem(loc + ("options",), f"question `{question.id}` has {count} option"
                                 f"{'s' if count != 1 else ''}", f"give it {MIN_OPTIONS} to {MAX_OPTIONS} options")
        if correct == 0:
            yield source.problem(loc + ("options",), f"question `{question.id}` has no correct option",
                                 "mark the right answer with `correct: true`")
        elif correct > 1 and question.type == "single":
            yield source.problem(loc + ("options",), f"single-answer question `{question.id}` has {correct} "
                                 "correct options", "set `type: multiple`, or mark only one option `correct: true`")
        seen: dict[str, str] = {}
        for o, option in enumerate(question.options):
            code = option_code(option.id)
            if option.id in seen.values():
                yield source.problem(loc + ("options", o), f"question `{question.id}` has two options with the "
                                     f"id `{option.id}` (options without an `id` get one from their first words)",
                                     "give this option its own `id:` (letters, digits or '_')")
            elif code in seen:
                yield source.problem(loc + ("options", o), f"options `{seen[code]}` and "
                                     f"`{option.id}` of question `{question.id}` would be saved under the same code",
                                     "give this option a different `id:`")
            seen[code] = option.id


# --- outcomes and competencies -------------------------------------------------------------

def _tagged_items(course: Course) -> Iterator[tuple[list[str], list[str], SourceFile, Location]]:
    """(outcomes, competencies, file, location) of every page and question that tags them."""
    for page in course.pages:
        yield page.meta.outcomes, page.meta.competencies, page.source, ()
    for question, source, loc in _all_questions(course):
        yield question.outcomes, question.competencies, source, loc


def _check_tags(course: Course) -> Iterator[Problem]:
    outcomes = {outcome.id for outcome in course.settings.outcomes}
    codes: set[str] = set()
    if course.framework is not None and course.framework_source is not None:
        yield from _check_framework(course)
        codes = {unit.code for domain in course.framework.domains for unit in domain.units}
    for tagged_outcomes, tagged_codes, source, loc in _tagged_items(course):
        for i, outcome in enumerate(tagged_outcomes):
            if outcome not in outcomes:
                yield source.problem(loc + ("outcomes", i), f"unknown learning outcome `{outcome}`",
                                     did_you_mean(outcome, outcomes) or
                                     f"use one of {', '.join(sorted(outcomes))} from course/course.yaml")
        for i, code in enumerate(tagged_codes):
            if "framework" in course.unloaded_kinds:
                break  # the framework's own problems are reported instead
            if course.framework is None:
                yield source.problem(loc + ("competencies", i), f"competency unit `{code}` is used, but the "
                                     "course has no competency framework", "create course/competencies.yaml")
            elif code not in codes:
                yield source.problem(loc + ("competencies", i), f"unknown competency unit `{code}`",
                                     did_you_mean(code, codes) or "use a unit code from course/competencies.yaml")


def _check_framework(course: Course) -> Iterator[Problem]:
    assert course.framework is not None and course.framework_source is not None
    framework, source = course.framework, course.framework_source
    seen: dict[str, str] = {}  # unit codes, and domain numbers, by their lower case
    levels = framework.level_numbers()
    if levels != list(range(1, len(levels) + 1)):
        yield source.problem(("domains", 0, "units", 0, "levels"), "levels are numbered "
                             f"{', '.join(map(str, levels))}", "number the levels from 1 up, without gaps")
    for d, domain in enumerate(framework.domains):
        yield from _repeated_code(source, ("domains", d, "number"), "domain", domain.number, seen)
        for u, unit in enumerate(domain.units):
            loc = ("domains", d, "units", u, "code")
            yield from _repeated_code(source, loc, "unit code", unit.code, seen)
            if not unit.code.startswith(f"{domain.number}."):
                yield source.problem(loc, f"unit `{unit.code}` is listed under domain {domain.number}",
                                     f"move it, or start its code with `{domain.number}.`")
            if sorted(unit.levels) != levels:
                yield source.problem(loc[:-1] + ("levels",), f"unit `{unit.code}` describes levels "
                                     f"{', '.join(map(str, sorted(unit.levels)))}, but the framework's first "
                                     f"unit describes levels {', '.join(map(str, levels))}",
                                     "describe the same levels for every unit")
    for level in sorted(set(framework.levels) - set(levels)):
        yield source.problem(("levels", level), f"level {level} is named, but no unit describes it",
                             f"remove it, or describe level {level} in every unit")


def _repeated_code(source: SourceFile, loc: Location, what: str, code: str, seen: dict[str, str]) -> list[Problem]:
    """A problem if a domain's or unit's code was seen before, or differs from one only in upper/lower case
    (they would collide in learning-record keys and on case-insensitive file systems, like ids)."""
    key = f"{what}:{code.lower()}"
    if key not in seen:
        seen[key] = code
        return []
    if seen[key] == code:
        return [source.problem(loc, f"duplicate {what} `{code}`", f"give each {what.split()[0]} its own code")]
    return [source.problem(loc, f"{what} `{code}` differs only in upper/lower case from `{seen[key]}`",
                           "give it a different code: codes that differ only in case collide in some LMSs")]


def _check_outcomes(course: Course) -> Iterator[Problem]:
    taught = {o for page in course.pages if page.meta.kind != "assessment" for o in page.meta.outcomes}
    assessed_banks = [b for b in course.banks if b.settings.kind == "assessment"] or list(course.banks)
    assessed = {o for bank in assessed_banks for q in bank.settings.questions for o in q.outcomes}
    kind = "assessment " if any(b.settings.kind == "assessment" for b in course.banks) else ""
    for i, outcome in enumerate(course.settings.outcomes):
        loc = ("outcomes", i, "id")
        if outcome.id not in taught and "page" not in course.unloaded_kinds:
            yield course.source.problem(loc, f"learning outcome `{outcome.id}` is not taught by any page",
                                        f"add `{outcome.id}` to the `outcomes` of the pages that teach it")
        if outcome.id not in assessed and "bank" not in course.unloaded_kinds:
            yield course.source.problem(loc, f"learning outcome `{outcome.id}` is not assessed by any "
                                             f"{kind}question",
                                        f"add `{outcome.id}` to the `outcomes` of the questions that assess it")


def _check_lms_texts(course: Course) -> Iterator[Problem]:
    """A warning for each text an LMS is given as plain text that holds what it may read as markup (MARKUP_IN_TEXT):
    the manifests' (`lom_texts`: the course title, the description's plain text; 18-verify22 E10) and each bank's
    title, which both Moodle exports carry in its question category's name (`export.category_path`, beside the
    course title; 18-verify24 I4). The packages and exports carry each as text, escaped, but an LMS that shows it as
    HTML in its catalogue or question bank would read a tag (or a template) there."""
    fix = "write it without `<` before a letter and without `{{`"
    for key, text in lom_texts(course.settings):
        if found := MARKUP_IN_TEXT.search(text):
            yield course.source.problem((key,), f"the course {key} holds `{text[found.start():found.start() + 20]}`, "
                                        "which an LMS may read as an HTML tag or a template: the SCORM manifests "
                                        f"carry the {key} as plain text, and LMSs show it in their catalogues",
                                        fix + ("" if key == "title" else "; Markdown such as **bold** is fine"),
                                        severity=WARNING)
    for bank in course.banks:
        if found := MARKUP_IN_TEXT.search(title := bank.settings.title):
            held = title[found.start():found.start() + 20]
            yield bank.source.problem(("title",), f"the bank's title holds `{held}`, which an LMS may read as an "
                                      "HTML tag or a template: the Moodle exports (XML and GIFT) carry it as plain "
                                      "text in the name of the bank's question category",
                                      fix, severity=WARNING)


# --- Markdown: links, media and unsafe HTML ------------------------------------------------

#: A part of the course's Markdown, the texts of one file that its loaded objects alone decide: a key made of
#: those objects (`cache.Same`), and the texts.
MarkdownPart = tuple[tuple[Hashable, ...], Callable[[], Iterator[MarkdownText]]]


def _markdown_parts(course: Course) -> Iterator[MarkdownPart]:
    """Every piece of authored Markdown in the course, in parts each decided by objects loaded from one file:
    course/course.yaml's texts, each page's texts, each bank's questions, each case study's decision points."""
    settings, source = course.settings, course.source

    def settings_texts() -> Iterator[MarkdownText]:
        yield MarkdownText(settings.description, source, ("description",))
        for s, session in enumerate(settings.kit.timetable if settings.kit else []):
            if session.instructions:
                yield MarkdownText(session.instructions, source, ("kit", "timetable", s, "instructions"))

    def page_texts(page: Page) -> Iterator[MarkdownText]:
        yield MarkdownText(page.body, page.source, body_line=page.body_line)
        if page.meta.analysis:
            yield MarkdownText(page.meta.analysis, page.source, ("analysis",))
        for s, stage in enumerate(page.meta.stages):
            yield MarkdownText(stage.content, page.source, ("stages", s, "content"))

    yield ("settings", Same(settings), Same(source)), settings_texts
    for page in course.pages:
        yield ("page", Same(page)), functools.partial(page_texts, page)
    for bank in course.banks:
        yield (("bank", Same(bank.settings), Same(bank.source)),
               functools.partial(_question_texts, _bank_questions(bank)))
    for page in course.pages:
        if page.meta.stages:
            yield ("decisions", Same(page)), functools.partial(_question_texts, _decision_points(page))


def _question_texts(questions: Iterable[tuple[Question, SourceFile, Location]]) -> Iterator[MarkdownText]:
    """The Markdown of these questions (as `_all_questions` gives them): stems, explanations, options, feedback."""
    for question, source, loc in questions:
        fields: list[tuple[str | tuple[str, int, str], str]] = [("stem", question.stem),
                                                                ("explanation", question.explanation)]
        for o, option in enumerate(question.options):
            fields += [(("options", o, "text"), option.text), (("options", o, "feedback"), option.feedback)]
        for name, text in fields:
            path = name if isinstance(name, tuple) else (name,)
            yield MarkdownText(text, source, (*loc, *path), phrasing=path[-1] in ("stem", "text"))


@dataclass(frozen=True)
class _CheckedText:
    """A text with what its Markdown alone decides: its conversion, that conversion's problems, and the lines of
    its references (None if it was not converted in time)."""

    item: MarkdownText
    converted: Converted
    problems: tuple[Problem, ...]
    lines: ReferenceLines | None


#: Each part's checked texts (`_markdown_parts`), kept for the next build by the objects the part was loaded as:
#: `coursebuild preview` does not convert, search or locate again the texts of files that did not change. What
#: their references lead to (files that may appear, vanish or change) is checked again in every build.
_CHECKED_PARTS: Store[tuple[Hashable, ...], tuple[_CheckedText, ...]] = Store()


def _check_markdown(course: Course) -> Iterator[Problem]:
    """Every text's conversion, unsafe HTML and references (`_check_reference`), then the transcripts of the videos
    and audio files they show, as texts of their own (`_check_transcripts`), then script in what all of them link
    (`_check_script_in_media`)."""
    page_files = {page.source.path for page in course.pages}
    budgets: dict[str, Budget] = {}  # by file: its pieces share one time bound
    total_reported = False  # whether a file has been told the project's Markdown time ran out
    # each text with the lines of its references, None for a text not converted in time
    linked: list[tuple[MarkdownText, ReferenceLines | None]] = []
    shown: list[tuple[MarkdownText, int, str]] = []  # each player with a transcript: its text, line, transcript

    def report(text: _CheckedText) -> Iterator[Problem]:
        nonlocal total_reported
        path, refused = text.item.source.path, text.converted.refused
        if refused in _OUT_OF_TIME and not budgets[path].reported:
            budgets[path].reported = True  # one problem per file, at the first piece left unconverted
            yield _out_of_time(path, text.item.first_line, budgets[path], refused, first=not total_reported)
            total_reported = total_reported or refused == markup.PROJECT_OVER_TOTAL
        yield from text.problems
        for reference, line in text.lines or ():
            yield from _check_reference(course, text.item, reference, line, page_files)
            if (transcript := _transcript_of(course, text.item, reference)) is not None:
                shown.append((text.item, line, transcript))
        linked.append((text.item, text.lines))

    for key, texts in _markdown_parts(course):
        checked = _CHECKED_PARTS.get(key)
        if checked is None:
            checked = tuple(_check_text(item, budgets) for item in texts())
            if not any(text.converted.refused in _OUT_OF_TIME for text in checked):
                _CHECKED_PARTS.put(key, checked)  # not when time ran out: the next build may have it
        else:  # the conversions this build would have asked for stay kept for the next (rendering asks for some)
            for text in checked:
                if not text.item.phrasing:
                    remember(text.item.text, text.converted)
        for text in checked:
            yield from report(text)
    yield from _check_transcripts(course, shown, budgets, report)
    yield from _check_packaged_total(course, linked, page_files)
    yield from _check_script_in_media(course, linked)


def _transcript_of(course: Course, item: MarkdownText, reference: Reference) -> str | None:
    """The project path of the transcript (`<stem>.transcript.md`) beside the video or audio file that `reference`
    of `item` plays, if there is anything of that name (`caption_files`: a looping link or a folder is then reported
    at the transcript by `_read_transcript`); None for any other reference, and in a transcript (which may not play
    one: `_check_reference`)."""
    target = _local_target(item, reference)
    if item.transcript or target is None or reference.tag not in PLAYER_TAGS \
            or containment_problem(course.root, target) is not None:  # `_check_reference` reports it
        return None
    if posixpath.splitext(target)[1].lower() not in VIDEO_TYPES | AUDIO_TYPES:
        return None
    transcript = posixpath.splitext(target)[0] + TRANSCRIPT_SUFFIX
    return transcript if transcript in caption_files(course, target) else None


def _check_transcripts(course: Course, shown: list[tuple[MarkdownText, int, str]], budgets: dict[str, Budget],
                       report: Callable[[_CheckedText], Iterator[Problem]]) -> Iterator[Problem]:
    """Each transcript a player shows (`shown`: the text, line and transcript of each), read once (inside the
    project, within its size bound, UTF-8, no control characters) and checked as a page body is (`report` of
    `_check_text`: its conversion and its bounds, unsafe HTML, its references from its own folder, each at the
    transcript's own line), and kept in `Course.transcripts` for the packages to show. Then each file whose players
    would copy more than MAX_RENDERED_BYTES of transcripts into its page (every player shows its own copy) is an
    error at the player that passes it, before the page is made (18-verify22 E6)."""
    sizes: dict[str, int] = {}  # each transcript's converted HTML, in characters
    for path in dict.fromkeys(transcript for _, _, transcript in shown):
        text = _read_transcript(course, path)
        if isinstance(text, list):
            yield from text
            continue
        course.transcripts[path] = text
        checked = _check_text(MarkdownText(text, SourceFile(path), body_line=1, transcript=True), budgets)
        yield from report(checked)
        sizes[path] = len(checked.converted.html)
    copied: Counter[str] = Counter()  # by file: the transcripts its players show, in characters
    for item, line, path in shown:
        file = item.source.path
        if path not in sizes or copied[file] > MAX_RENDERED_BYTES:
            continue
        copied[file] += sizes[path]
        if copied[file] > MAX_RENDERED_BYTES:
            yield Problem(file, line, f"the transcripts this file's players show pass {MAX_RENDERED_BYTES // 2**20} MB "
                          f"at this one ({path}, {sizes[path] / 2**20:.3g} MB): each player shows its transcript in "
                          "the page, and a page is at most that size", "show each video or audio file once, or "
                          "shorten its transcript")
    bank_files = {bank.source.path for bank in course.banks}
    for file, line, path in dict.fromkeys((item.source.path, line, path) for item, line, path in shown):
        if file in bank_files and path in sizes \
                and not (course.root / f"{path.removesuffix(TRANSCRIPT_SUFFIX)}.vtt").is_file():
            yield Problem(file, line, f"`export --format moodle-xml` shows this video or audio file "
                          f"without its transcript ({path}): a Moodle question carries only its own text and files",
                          f"add captions ({path.removesuffix(TRANSCRIPT_SUFFIX)}.vtt), which the export carries, or "
                          "show it on a page", WARNING)


def _read_transcript(course: Course, path: str) -> str | list[Problem]:
    """The text of the transcript at project path `path`, or why it may not be read (a problem at the file)."""
    def problem(message: str, fix: str, severity: Severity = Severity.ERROR) -> list[Problem]:
        return [Problem(path, 1, message, fix, severity)]

    return _linked_text(course, path, problem)

def _check_packaged_total(course: Course, linked: list[tuple[MarkdownText, ReferenceLines | None]],
                          page_files: set[str]) -> Iterator[Problem]:
    """One problem if the files a package carries from the project have more than MAX_PACKAGED_BYTES together: the
    static files of templates/static/ (`Theme.static_paths`), then each file the texts link (`linked`, as
    `_check_markdown` found them; a page linked is not a file) that may be packaged (`media.may_read`: the others are
    reported on their own) and the captions beside a video or audio file, each counted once, by its size (`stat`)
    before any is read. The problem is at the static file, or the reference, that takes the total past the bound."""
    total = 0

    def passed(size: int) -> bool:
        nonlocal total
        total += size
        return total > MAX_PACKAGED_BYTES

    def problem(path: str, line: int, what: str, fix: str) -> Problem:
        return Problem(path, line, f"{what} takes the files the packages carry past {MAX_PACKAGED_BYTES // 2**30} GB "
                       f"in all ({total:,} bytes so far, counting templates/static/ and the files the course links "
                       "in order: `media.MAX_PACKAGED_BYTES`)", fix)

    try:
        static = Theme.for_project(course.root).static_paths()
    except TemplateProblem:  # `template_problems` reports it
        static = {}
    for real, shown in static.values():
        if passed(real.stat().st_size):
            yield problem(shown, 1, "this static file", STATIC_TOTAL_FIX)
            return
    counted: set[str] = set()
    for item, lines in linked:
        for reference, line in lines or ():  # a text not converted in time is reported on its own
            target = _local_target(item, reference)
            if target is None or target in page_files:
                continue
            suffix = posixpath.splitext(target)[1].lower()
            captions = f"{posixpath.splitext(target)[0]}.vtt" if suffix in VIDEO_TYPES | AUDIO_TYPES else target
            for path in dict.fromkeys((target, captions)):
                if path in counted or not may_read(course.root, path):
                    continue
                counted.add(path)
                if passed((course.root / path).stat().st_size):
                    yield problem(item.source.path, line, f"`{reference.target}`", PACKAGED_TOTAL_FIX)
                    return


def _local_target(item: MarkdownText, reference: Reference) -> str | None:
    """The project path a reference in `item` names, or None for one that names no project file (another site, a
    bare fragment) or one `_check_reference` refuses (an absolute path, a URL that cannot be read)."""
    return local_path(item.folder, reference.target)


#: Why a text was not converted when time ran out (`Converted.refused`): its file's, or the project's.
_OUT_OF_TIME = (OVER_BUDGET, markup.PROJECT_OVER_BUDGET, markup.PROJECT_OVER_TOTAL)


def _check_text(item: MarkdownText, budgets: dict[str, Budget]) -> _CheckedText:
    """A text converted within its file's time (`budgets`, by file), the problems of its conversion and unsafe
    HTML, and the lines of its references; none of them for a text not converted for want of time
    (`_OUT_OF_TIME`, reported once per file by `_check_markdown`)."""
    path = item.source.path
    budget = budgets.get(path) or budgets.setdefault(path, Budget())
    converted = (convert_inline if item.phrasing else convert)(item.text, budget)
    if converted.refused in _OUT_OF_TIME:
        return _CheckedText(item, converted, (), None)
    problems: list[Problem] = []
    if converted.flattened:
        tags = ", ".join(f"<{tag}>" for tag in converted.flattened)
        problems.append(Problem(path, item.first_line, f"block HTML ({tags}) in a question's stem or option "
                                "is shown as inline text: a stem or an option is one line of text",
                                "remove the HTML tags; use **bold** or *italics* to stress words", WARNING))
    if converted.refused:
        within = converted.refused_line - 1 if converted.refused_line and item.body_line is not None else 0
        line = item.first_line + within  # a page body's lines are the file's; a YAML field's, its own
        problems.append(Problem(path, line, f"this Markdown cannot be converted: {converted.refused}",
                                "" if converted.refused_line else  # it says its own fix (18-verify28 P1)
                                "shorten it or split it up; look for long runs of `[`, `<`, `>` or `*`"))
    if converted.removed:  # finding where removals are written reads every tag of the text: not for none
        problems += [Problem(path, line, f"unsafe HTML removed: {what}",
                             "use plain Markdown; scripts, event handlers, javascript: links and lists numbered from "
                             f"a number of more than {markup.MAX_LIST_START_DIGITS} digits are not allowed",
                             WARNING)
                     for (what, _), line in zip(converted.removed, item.removal_lines(converted.removed), strict=True)]
    return _CheckedText(item, converted, tuple(problems), list(item.reference_lines(converted.checked)))


def _out_of_time(path: str, line: int, budget: Budget, refused: str, first: bool) -> Problem:
    """The problem of a file whose texts from `line` on were not converted (`refused`, the first's
    `Converted.refused`): its own time bound (`budget`) was spent (OVER_BUDGET), or the project's time beyond
    what the texts' lengths explain (PROJECT_OVER_BUDGET), or the project's PROJECT_MARKDOWN_TOTAL_SECONDS
    (PROJECT_OVER_TOTAL; `first`: in the first file told so)."""
    if refused == OVER_BUDGET:
        return Problem(path, line, f"the Markdown of this file takes more than {budget.seconds:g} s to convert in "
                       "all: this text and those after it were not converted", "shorten its long texts or split the "
                       "file; look for long runs of `[`, `<`, `>` or `*`")
    if refused == markup.PROJECT_OVER_BUDGET:
        return Problem(path, line, f"this Markdown cannot be converted: {refused}",
                       "shorten it or split it up; look for long runs of `[`, `<`, `>` or `*`")
    where = "ran out at this text" if first else "had run out before this text"
    return Problem(path, line, f"the project's Markdown takes more than {markup.PROJECT_MARKDOWN_TOTAL_SECONDS:g} s "
                   f"of processor time to convert in all, which {where}: it and those after it in this file were not "
                   "converted", "look for long runs of `[`, `<`, `>` or `*` in this file and those before it, and "
                   "shorten them; a course of 1,000 pages takes about 2 s")


def _check_reference(course: Course, item: MarkdownText, ref: Reference, line: int,
                     page_files: set[str]) -> Iterable[Problem]:

    def problem(message: str, fix: str, severity: Severity = Severity.ERROR) -> list[Problem]:
        return [Problem(item.source.path, line, message, fix, severity)]

    try:
        parts = split_url(ref.target)
    except InvalidURL:
        return problem(f"`{ref.target}` {INVALID_URL[0]}", INVALID_URL[1])
    is_link = ref.tag == "a"
    if parts.scheme:
        if parts.scheme.lower() == "file" or len(parts.scheme) == 1:
            return problem(f"`{ref.target}` points at a file on this computer",
                           "copy the file into course/ and use a relative path")
        if is_link and parts.scheme.lower() in LINK_SCHEMES:
            return []
        return problem(f"`{ref.target}` loads a file from outside the package, which fails offline",
                       "copy the file into course/media/ and use a relative path")
    if not parts.path:
        return []  # a link to an anchor on the same page
    if parts.path.startswith("/") or parts.netloc:
        return problem(f"absolute path `{ref.target}`", "use a path relative to this file")
    if "\\" in parts.path:
        return problem(f"`{ref.target}` has a backslash (Markdown reads `\\.` as `.`)",
                       "use / between folders, as in ../media/picture.png")
    if hides_path_syntax(parts.path):
        return problem(f"`{ref.target}` {ESCAPED_PATH_SYNTAX[0]}", ESCAPED_PATH_SYNTAX[1])
    target = posixpath.normpath(posixpath.join(item.folder, unquote(parts.path)))
    refused = containment_problem(course.root, target)
    if refused:
        meant = _meant_path(course, target, item.folder)
        return problem(f"`{ref.target}` {refused[0]}",
                       f"paths start from this file's folder, {item.folder}/: write `{meant}`" if meant else refused[1])
    unusable = file_problem(course.root, target)  # never opened
    if unusable == not_found(target):
        written = posixpath.normpath(posixpath.join(item.folder, unquote(ref.target)))
        if (parts.fragment or parts.query) and containment_problem(course.root, written) is None \
                and (course.root / written).is_file():  # `Exit #1.svg`: the file is there, `#` cut its name
            return problem(f"`{ref.target}` not found (looked for {target}): in a path, `#` starts a fragment "
                           "and `?` a query",
                           f"write them as %23 and %3F, and a space as %20: `{_escaped(unquote(ref.target))}`")
    if unusable:
        return problem(f"`{ref.target}` {unusable[0]}", unusable[1])
    if is_link and target.endswith(".md") and target not in page_files | course.unloaded_files:
        return problem(f"`{ref.target}` is not a page", f"link to a page in {PAGES_DIR}/")
    suffix = posixpath.splitext(target)[1].lower()
    if suffix not in PACKAGED_TYPES | SCRIPT_TYPES | COMPRESSED_TYPES:  # script and .svgz: refused on their own
        return problem(f"`{ref.target}` is a kind of file a package does not carry ({suffix or 'no suffix'}): "
                       "a browser might run script in it",
                       "link to a picture, video, audio, PDF, text, HTML or office file, or put it in a zip")
    if too_large := size_problem(course.root, target):
        return problem(f"`{ref.target}` {too_large[0]}", too_large[1])
    problems: list[Problem] = []
    if suffix in RASTER_PICTURE_TYPES and (decoding := _decoding_problem(course, target)):
        return problem(f"`{ref.target}` {decoding[0]}", decoding[1])  # one line: nothing else reads it
    if ref.tag == "img":
        if suffix not in IMAGE_TYPES | VIDEO_TYPES | AUDIO_TYPES:
            problems += problem(f"`{ref.target}` is not a supported image, video or audio file",
                                "use PNG, JPEG or SVG images, MP4 or WebM video, MP3 audio")
        elif not (ref.alt or "").strip():
            problems += problem(f"`{ref.target}` has no alt text",
                                "describe it in the brackets: ![what the picture shows](path)")
        if suffix in IMAGE_TYPES and (broken := _content_problem(course, target)):
            problems += problem(f"`{ref.target}` {broken}, so learners see a broken image",
                                "export the image again from your drawing or photo program", WARNING)
    if ref.tag in PLAYER_TAGS and suffix in VIDEO_TYPES | AUDIO_TYPES and item.transcript:
        return problem(f"`{ref.target}` is a video or audio file in a transcript, which is the text of one: its "
                       "player would need a transcript of its own", "link to it, or show it on a page")
    if ref.tag in PLAYER_TAGS and suffix in VIDEO_TYPES | AUDIO_TYPES and item.phrasing:
        problems += problem(f"`{ref.target}` is a video or audio file in a question's stem or option, which is one "
                            "line of text: its player, captions and transcript cannot go inside it",
                            "show it on the page before the questions, or in the explanation or an option's feedback")
    if ref.tag in PLAYER_TAGS and suffix in VIDEO_TYPES | AUDIO_TYPES:
        captions = caption_files(course, target)
        if not captions:
            stem = posixpath.splitext(target)[0]
            problems += problem(f"`{ref.target}` has no captions or transcript",
                                f"add {stem}.vtt (WebVTT captions) or {stem}{TRANSCRIPT_SUFFIX}")
        for caption in captions:  # a transcript is checked as a text of its own (`_check_transcripts`)
            if not caption.endswith(TRANSCRIPT_SUFFIX) and isinstance(text := _linked_text(course, caption, problem),
                                                                      list):
                problems += text
    if (course.root / target).stat().st_size > LARGE_FILE_BYTES:
        problems += problem(f"`{ref.target}` is larger than 20 MB, which is slow for learners to load",
                            "compress it or make it shorter", WARNING)
    return problems


#: A rule that reads only the course's questions and the files they are in.
QuestionRule = Callable[[Course], Iterable[Problem]]


def _question_files(course: Course) -> tuple[Same[object], ...]:
    """The objects the course's questions were loaded as: each bank, and each case study (its decision points)."""
    return (*(Same[object](part) for bank in course.banks for part in (bank.settings, bank.source)),
            *(Same[object](page) for page in course.pages if page.meta.stages))


@cache.kept(key=lambda rule, course: (rule, _question_files(course)))
def _question_rule(rule: QuestionRule, course: Course) -> tuple[Problem, ...]:
    """The problems of `rule`, which reads only the course's questions and the files they are in, taken from the
    last build when every bank and case study was loaded as the same objects (`_question_files`: their files did
    not change)."""
    return tuple(rule(course))


def _check_gift_files(course: Course) -> list[Problem]:
    """Questions `export --format gift` would refuse, as warnings: the author may never export GIFT."""
    return gift_file_problems(course.banks, WARNING)


def _check_moodle_xml_files(course: Course) -> list[Problem]:
    """Where `export --format moodle-xml` would refuse the files it embeds, as a warning: the author may never export
    Moodle XML. Not a `_question_rule`: it reads the sizes of the files the questions link, which may change."""
    return moodle_xml_embedding_problems(course, course.banks, WARNING)


def _meant_path(course: Course, target: str, folder: str) -> str | None:
    """The path to write in `folder` for the file of course/ meant by a path that leads out of it (such as
    `../media/x.png` written in course/course.yaml), if that file exists; None otherwise."""
    rest = target.split("/")
    while rest and rest[0] == "..":
        rest = rest[1:]
    if not rest or rest[0] in ("course", "quizzes"):
        return None
    meant = posixpath.join("course", *rest)
    if containment_problem(course.root, meant) is None and (course.root / meant).is_file():
        return _escaped(posixpath.relpath(meant, folder))
    return None


def _escaped(path: str) -> str:
    """`path` as written in a link: `%`, spaces, `#` and `?` escaped (ESCAPED_IN_PATHS)."""
    return "".join(ESCAPED_IN_PATHS.get(char, char) for char in path)


def caption_files(course: Course, target: str) -> list[str]:
    """The captions (`.vtt`) and transcript (`.transcript.md`) beside a video or audio file, as project paths: each
    name that is there at all (a file, a folder, a link, even one that leads back to itself or to nothing), so that
    `_linked_text` says what is wrong with it, not that it is missing (issue 18, verify21 D4)."""
    stem = posixpath.splitext(target)[0]
    return [stem + suffix for suffix in CAPTION_SUFFIXES if os.path.lexists(course.root / (stem + suffix))]


def _check_script_in_media(course: Course, linked: list[tuple[MarkdownText, ReferenceLines | None]]
                            ) -> Iterator[Problem]:
    """Script files linked from the course (refused), and script in linked SVG and HTML files (removed).

    `linked`: every text, in order, with its references and their lines (`MarkdownText.reference_lines`) as
    `_check_markdown` found them in the conversion the packages show (a stem or option as one line); None for
    a text it could not convert in time, which this rule reads from the conversions made by then.
    """
    seen: set[str] = set()
    parsed: set[str] = set()  # SVG and HTML files linked, not shown as pictures: they must parse
    readable: dict[str, bool] = {}  # each target's `may_read`, asked once
    checked: set[str] = set()  # SVG and HTML files begun within the project's media time (`media_time`)
    for item, lines in linked:
        if lines is None:  # only texts converted by now: the rest took too long, and _check_markdown reports them
            lines = list(item.reference_lines((convert_inline if item.phrasing else convert)(item.text, Budget(0))
                                              .checked))
        for reference, line in lines:
            target = _local_target(item, reference)
            if target is None:
                continue
            suffix = posixpath.splitext(target)[1].lower()
            if target not in readable:
                readable[target] = may_read(course.root, target)
            if not readable[target]:
                continue  # a file that may not be packaged is reported by the media rule, and never read
            is_markup = suffix in SVG_TYPES | HTML_TYPES
            if is_markup and target not in checked:
                if refused := media_time.refusal():  # the project's media took too long: none more is read
                    if media_time.first_report():
                        yield Problem(target, *refused)
                    readable[target] = False
                    continue
                checked.add(target)
            if is_markup and target not in parsed:
                parsed.add(target)
                with media_time.charged():
                    data = (course.root / target).read_bytes()
                    # an SVG's drawing estimate searches it for script in the same child (`media.keep_checked`)
                    drawing = svg_drawing_problem(data) if suffix == ".svg" else None
                    spent = drawing is not None and media_time.over_time(drawing[1])  # reported below
                    broken = None if spent else unreadable(data, suffix)
                if reference.tag == "img":  # a picture that cannot be parsed is the image rule's warning (it shows
                    # broken anyway); one refused for its drawing is an error at the file
                    if broken and not drawing and (empty := emptied(data, suffix)):
                        yield Problem(item.source.path, line, f"`{reference.target}` {empty[1]}, so the packages "
                                      "would carry it as an empty file", empty[2])
                elif broken and media_time.overran(broken[1]):
                    yield Problem(target, broken[0], broken[1], media_time.OVERRAN_FIX)
                elif broken and broken[1] in TOO_LARGE_TO_CHECK:
                    yield Problem(target, broken[0], f"this file {broken[1]}", TOO_LARGE_TO_CHECK[broken[1]])
                elif broken:
                    yield Problem(target, broken[0], f"this file {broken[1]}, so it cannot be checked for script",
                                  "fix or re-export the file as UTF-8; a browser may run what it can read of it")
            if target in seen:
                continue
            seen.add(target)
            if suffix in SCRIPT_TYPES:
                yield Problem(item.source.path, line,
                              f"`{reference.target}` is a script: a package runs only coursebuild's own scripts",
                              "remove the link; to offer the file for download, put it in a zip")
            elif suffix in COMPRESSED_TYPES:
                yield Problem(item.source.path, item.line_of(reference.target),
                              f"`{reference.target}` is compressed SVG, which cannot be checked for script",
                              "save it as plain `.svg`")
            else:  # markup that is also an office file is held to both rules (18-verify24 H2)
                with media_time.charged():  # a file that starts as XML is read whole (`office.one_file_office`)
                    office = opened_as_office(course.root / target)
                if office:
                    yield from _office_problems(course, item.source.path, line, reference.target, target)
                if is_markup:  # each file read at most twice (kept, 20 of 16 MB took 320 MB)
                    with media_time.charged():
                        data = (course.root / target).read_bytes()
                        drawing = svg_drawing_problem(data) if suffix == ".svg" else None
                    if drawing:
                        over_time = media_time.over_time(drawing[1])  # one line for the project; nothing more read
                        if not over_time or media_time.first_report():
                            yield Problem(target, *drawing)
                        if over_time:
                            continue
                    with media_time.charged():
                        found = script_in(data, suffix)
                    for line, what in found:
                        yield Problem(target, line, f"script removed from this file: {what}",
                                      "media run inside the package, where script could change the learner's "
                                      "score; remove it from the file", WARNING)


def _office_problems(course: Course, page: str, line: int, written: str, target: str) -> list[Problem]:
    """`office.linked_file_problem` of the office file at project path `target`, linked as `written` at `line` of
    `page`: an error there. Analysed in a child within the project's media time (`media_time.analysed`): an error
    at the file past it."""
    if refused := media_time.refusal():
        return [Problem(target, *refused)] if media_time.first_report() else []
    try:
        reply = media_time.analysed(lambda: json.dumps(linked_file_problem(course.root / target)).encode(),
                                    "libxml2")
    except media_time.Overran as overran:
        return [Problem(target, 1, overran.what, media_time.OVERRAN_FIX)]
    found = json.loads(reply)
    return [Problem(page, line, f"`{written}` {found[0]}", found[1])] if found else []


def _content_problem(course: Course, target: str) -> str | None:
    """`file_content_problem` of the picture at project path `target`, read within the project's media time
    (`media_time.charged`)."""
    with media_time.charged():
        return file_content_problem(target, (course.root / target).read_bytes())


def _decoding_problem(course: Course, target: str) -> tuple[str, str] | None:
    """`decoding_problem` of the picture at project path `target` (shown or linked: browsers go by its content,
    whatever its name), read within the project's media time (`media_time.charged`)."""
    with media_time.charged():
        return decoding_problem((course.root / target).read_bytes())


def _linked_text(course: Course, path: str, problem: Callable[[str, str], list[Problem]]) -> str | list[Problem]:
    """The text of captions or a transcript (project path `path`), packaged or read as UTF-8 text; or its problems:
    refused like any linked file (`readable_problem`: outside the project, a looping link, a folder, a FIFO, nothing
    there; by `problem`), too large, or unreadable (at the file)."""
    refused = readable_problem(course.root, path)
    if refused:
        return problem(f"`{path}` {refused[0]}", refused[1])
    if too_large := size_problem(course.root, path):
        return problem(f"`{path}` {too_large[0]}", too_large[1])
    return read_text(path, (course.root / path).read_bytes())
