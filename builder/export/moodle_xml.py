"""Moodle XML question export: one category per bank, multichoice questions, HTML from Markdown."""

from __future__ import annotations

import base64
import posixpath
import re
from pathlib import Path
from typing import Callable, Iterable

from lxml import etree

from builder import media_time
from builder.active_content import HTML_TYPES, SVG_TYPES
from builder.errors import Problem, Severity
from builder.export import category_path, fraction_text, fractions, page_links_as_text, tags
from builder.kit import fixed_order
from builder.markup import convert, convert_inline
from builder.media import (
    add_captions,
    archive_name,
    packaged_bytes,
    readable_problem,
    rewrite_local_images,
    size_problem,
)
from builder.model import Bank, Course, Question
from builder.sourcemap import Location
from builder.theme import inline

#: The most bytes of files one export may embed, counted as embedded (`_embedded_size`: an HTML file's cleaned copy,
#: up to 5 times its size) before base64 (which adds a third), once for each field that shows or links a file: a
#: Moodle XML field carries its own copy of each of its files (`qformat_xml::import_files_as_draft` gives each field
#: its own draft area). Moodle's question import reads the
#: whole file into memory, joins its lines into one string and parses that into arrays
#: (`qformat_default::importprocess` and `readdata`, question/format.php; `qformat_xml::readquestions`), within
#: `raise_memory_limit(MEMORY_EXTRA)`: `$CFG->extramemorylimit`, 512 MB unless the site sets more. 128 MB of files
#: is 171 MB of base64, held twice while it is parsed, plus each file decoded: about 470 MB.
MAX_EMBEDDED_BYTES = 128 * 2**20

#: Where the serialised document holds a file's base64 (`_Files`): its number as the `<file>`'s only content, a
#: CDATA section. `]]>` is only ever the end of a CDATA section (lxml writes `>` in text and attribute values as
#: `&gt;`, and splits a `]]>` inside a CDATA section across two), and the questions' own are in `<text>`.
_FILE_MARK = re.compile(rb"<!\[CDATA\[(\d+)\]\]>(?=</file>)")


def export(course: Course, banks: list[Bank]) -> bytes:
    """A Moodle XML `<quiz>` document holding the banks.

    The caller has checked `embedding_problems` (the document holds every embedded file as base64). Each file is
    read and encoded once, and its base64 is joined into the document after lxml has serialised the rest: in lxml's
    tree and its serialised copy, a file linked from 60 fields was held 120 times.
    """
    files = _Files(course)
    quiz = etree.Element("quiz")
    for bank in banks:
        category = etree.SubElement(quiz, "question", type="category")
        _text(etree.SubElement(category, "category"), category_path(course, bank))
        _text(etree.SubElement(category, "info", format="html"), "")
        for question in bank.settings.questions:
            quiz.append(_question(files, bank, question))
    parts = _FILE_MARK.split(etree.tostring(quiz, xml_declaration=True, encoding="UTF-8", pretty_print=True))
    parts[1::2] = [files.base64[int(number)] for number in parts[1::2]]
    return b"".join(parts)


def embedding_problems(course: Course, banks: Iterable[Bank], severity: Severity = Severity.ERROR) -> list[Problem]:
    """One problem, at the field where the files the export of `banks` embeds pass MAX_EMBEDDED_BYTES; none if
    they do not.

    Counted from what each file embeds (`_embedded_size`), once for each file: only the cleaned copies of SVG, XML
    and HTML files are read (made by `check`'s search for script, and kept). A file a field shows or links twice is
    embedded once in it; a file that may not be read (`media.readable_problem`: validation reports it) is not
    counted.
    `export --format moodle-xml` refuses the banks; `check` warns (the author may never export Moodle XML).
    """
    total = 0
    sizes: dict[str, int] = {}  # what each file embeds, by project path
    for bank in banks:
        folder = posixpath.dirname(bank.source.path)
        for q, question in enumerate(bank.settings.questions):
            for location, html in _fields(question).items():
                paths = _embedded_paths(html, course, folder)
                for path in paths - sizes.keys():
                    sizes[path] = _embedded_size(course.root, path)
                total += sum(sizes[path] for path in paths)
                if total > MAX_EMBEDDED_BYTES:
                    return [Problem(
                        bank.source.path, bank.source.line("questions", q, *location),
                        f"the files `export --format moodle-xml` would embed pass {MAX_EMBEDDED_BYTES / 2**20:.4g} MB "
                        f"at question `{question.id}` ({total / 2**20:.4g} MB so far; Moodle XML carries a copy of "
                        "a file for each field that shows or links it, and Moodle's import holds the whole file in "
                        "memory)", "link large files from fewer fields, make them smaller, or export a bank at a time "
                        "with --bank; see docs/security.md", severity)]
    return []


def _embedded_size(root: Path, path: str) -> int:
    """The bytes the export embeds for the project file `path`: none if it may not be read (`readable_problem`); the
    length of its cleaned copy (`media.packaged_bytes`) for an SVG, XML or HTML file, which the cleaning writes
    again (an HTML file always: `&` becomes `&amp;`, 5 times as long; 18-verify12 B4); any other file's size on
    disk (`stat`), as it is embedded unchanged. Also the size on disk of a markup file that is not analysed: one
    over its size bound (`media.size_problem`), or once the project's media time is spent (`media_time.refusal`):
    `check` refuses either. The analysis is `check`'s own, kept; where it was not made, it is made here as there, in
    a bounded child."""
    if readable_problem(root, path) is not None:
        return 0
    if posixpath.splitext(path)[1].lower() in SVG_TYPES | HTML_TYPES and size_problem(root, path) is None \
            and media_time.refusal() is None:
        return len(packaged_bytes(root, path))
    return (root / path).stat().st_size


class _Files:
    """The files one export embeds: each read, cleaned as in the packages, named and encoded once, however many
    fields embed it; `base64[number]` is file `number`'s base64."""

    def __init__(self, course: Course):
        self.course = course
        self.base64: list[bytes] = []
        self._known: dict[str, tuple[str, int]] = {}  # by project path: its name and number

    def embed(self, path: str) -> tuple[str, int]:
        """The name (`media.archive_name`: by content, so same-named files in two folders both survive) and number
        of the project file `path`."""
        if path not in self._known:
            data = packaged_bytes(self.course.root, path)
            self._known[path] = archive_name(path, data), len(self.base64)
            self.base64.append(base64.b64encode(data))
        return self._known[path]


def _text(parent: etree._Element, value: str) -> etree._Element:
    node = etree.SubElement(parent, "text")
    node.text = etree.CDATA(value) if value else ""
    return node


def _fields(question: Question) -> dict[Location, str]:
    """The question's HTML fields as exported, by their place in its bank: `("stem",)` and each option's
    `("options", o, "text")` as phrasing (one paragraph of inline content, never a list, heading or quote),
    `("explanation",)` and each option's `("options", o, "feedback")`."""
    fields: dict[Location, str] = {("stem",): convert_inline(question.stem).html,
                                   ("explanation",): convert(question.explanation).html}
    for o, option in enumerate(question.options):
        fields["options", o, "text"] = str(inline(convert_inline(option.text).html))
        fields["options", o, "feedback"] = convert(option.feedback).html
    return fields


def _located(html: str, course: Course, folder: str, locate: Callable[[str], str]) -> str:
    """`html` (written in the project folder `folder`) as a field exports it: each link to a course page as its
    text, and `locate(project path)` in place of each local file it shows or links to, a video or audio file as a
    player with its captions (Moodle's HTML cleaning keeps <video> and <audio>)."""
    def captions(player: etree._Element, path: str) -> None:
        add_captions(player, course.root, path, course.settings.language, locate)

    return rewrite_local_images(page_links_as_text(html), folder, locate, files=True, captions=captions)


def _embedded_paths(html: str, course: Course, folder: str) -> set[str]:
    """The project paths of the files a field holding `html` embeds (`_located`); none is read."""
    paths: set[str] = set()

    def found(path: str) -> str:
        paths.add(path)
        return path

    _located(html, course, folder, found)
    return paths


def _fill_html(field: etree._Element, html: str, files: _Files, folder: str) -> None:
    """`<text>` holding `html`, then a `<file>` for each local file it shows or links to, named
    @@PLUGINFILE@@/<name>, holding the file's number (`_FILE_MARK`) until the document is serialised."""
    embedded: dict[str, int] = {}

    def locate(path: str) -> str:
        name, number = files.embed(path)
        embedded[name] = number
        return f"@@PLUGINFILE@@/{name}"

    _text(field, _located(html, files.course, folder, locate))
    for name, number in sorted(embedded.items()):
        file = etree.SubElement(field, "file", name=name, path="/", encoding="base64")
        file.text = etree.CDATA(str(number))


def _question(files: _Files, bank: Bank, question: Question) -> etree._Element:
    """A multichoice question. Moodle shuffles its answers (when the quiz also shuffles within questions) only
    if the bank shuffles and no option is pinned; otherwise the answers come in the printed questionnaire's
    fixed order, pinned options in place (`shuffleanswers` is all or nothing in Moodle)."""
    course = files.course
    folder = posixpath.dirname(bank.source.path)
    shuffle = bank.settings.shuffle_options and not any(option.pinned for option in question.options)
    options = fixed_order(course.settings.id, bank, question)
    html = _fields(question)
    node = etree.Element("question", type="multichoice")
    _text(etree.SubElement(node, "name"), question.id)
    _fill_html(etree.SubElement(node, "questiontext", format="html"), html["stem",], files, folder)
    _fill_html(etree.SubElement(node, "generalfeedback", format="html"), html["explanation",], files, folder)
    for tag, value in (("defaultgrade", "1"), ("penalty", "0"), ("hidden", "0"), ("idnumber", question.id),
                       ("single", "true" if question.type == "single" else "false"),
                       ("shuffleanswers", "true" if shuffle else "false"), ("answernumbering", "abc")):
        etree.SubElement(node, tag).text = value
    for option, fraction in zip(options, fractions(question, options), strict=True):
        o = question.options.index(option)
        answer = etree.SubElement(node, "answer", fraction=fraction_text(fraction), format="html")
        _fill_html(answer, html["options", o, "text"], files, folder)
        _fill_html(etree.SubElement(answer, "feedback", format="html"), html["options", o, "feedback"], files, folder)
    tag_list = etree.SubElement(node, "tags")
    for tag in tags(question):
        _text(etree.SubElement(tag_list, "tag"), tag)
    return node
