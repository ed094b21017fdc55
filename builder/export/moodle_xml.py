"""Moodle XML question export: one category per bank, multichoice questions, HTML from Markdown."""

from __future__ import annotations

import base64
import posixpath

from lxml import etree

from builder.export import category_path, fraction_text, fractions, page_links_as_text, tags
from builder.kit import fixed_order
from builder.markup import convert, convert_inline
from builder.media import add_captions, archive_name, packaged_bytes, rewrite_local_images
from builder.model import Bank, Course, Question
from builder.theme import inline


def export(course: Course, banks: list[Bank]) -> bytes:
    """A Moodle XML `<quiz>` document holding the banks."""
    quiz = etree.Element("quiz")
    for bank in banks:
        category = etree.SubElement(quiz, "question", type="category")
        _text(etree.SubElement(category, "category"), category_path(course, bank))
        _text(etree.SubElement(category, "info", format="html"), "")
        for question in bank.settings.questions:
            quiz.append(_question(course, bank, question))
    return etree.tostring(quiz, xml_declaration=True, encoding="UTF-8", pretty_print=True)


def _text(parent: etree._Element, value: str) -> etree._Element:
    node = etree.SubElement(parent, "text")
    node.text = etree.CDATA(value) if value else ""
    return node


def _html_field(parent: etree._Element, tag: str, markdown: str, course: Course, folder: str,
                phrasing: bool = False) -> None:
    """`<tag format="html"><text>…</text></tag>`, with local files embedded as @@PLUGINFILE@@ files.

    With `phrasing`, the text is one paragraph of inline content (a stem), never a list, heading or quote.
    """
    field = etree.SubElement(parent, tag, format="html")
    _fill_html(field, (convert_inline if phrasing else convert)(markdown).html, course, folder)


def _fill_html(field: etree._Element, html: str, course: Course, folder: str) -> None:
    """`<text>` holding `html`, then a `<file>` for each local file it shows or links to, named
    @@PLUGINFILE@@/<name> (a video or audio file as a player: Moodle's HTML cleaning keeps <video> and <audio>)."""
    files: dict[str, bytes] = {}

    def embed(path: str) -> str:
        data = packaged_bytes(course.root, path)  # cleaned as in the packages
        name = archive_name(path, data)  # by content: same-named images in two folders both survive
        files[name] = data
        return f"@@PLUGINFILE@@/{name}"

    def captions(player: etree._Element, path: str) -> None:
        add_captions(player, course.root, path, course.settings.language, embed)

    _text(field, rewrite_local_images(page_links_as_text(html), folder, embed, files=True, captions=captions))
    for name, data in sorted(files.items()):
        file = etree.SubElement(field, "file", name=name, path="/", encoding="base64")
        file.text = base64.b64encode(data).decode("ascii")


def _question(course: Course, bank: Bank, question: Question) -> etree._Element:
    """A multichoice question. Moodle shuffles its answers (when the quiz also shuffles within questions) only
    if the bank shuffles and no option is pinned; otherwise the answers come in the printed questionnaire's
    fixed order, pinned options in place (`shuffleanswers` is all or nothing in Moodle)."""
    folder = posixpath.dirname(bank.source.path)
    shuffle = bank.settings.shuffle_options and not any(option.pinned for option in question.options)
    options = fixed_order(course.settings.id, bank, question)
    node = etree.Element("question", type="multichoice")
    _text(etree.SubElement(node, "name"), question.id)
    _html_field(node, "questiontext", question.stem, course, folder, phrasing=True)
    _html_field(node, "generalfeedback", question.explanation, course, folder)
    for tag, value in (("defaultgrade", "1"), ("penalty", "0"), ("hidden", "0"), ("idnumber", question.id),
                       ("single", "true" if question.type == "single" else "false"),
                       ("shuffleanswers", "true" if shuffle else "false"), ("answernumbering", "abc")):
        etree.SubElement(node, tag).text = value
    for option, fraction in zip(options, fractions(question, options), strict=True):
        answer = etree.SubElement(node, "answer", fraction=fraction_text(fraction), format="html")
        _fill_html(answer, str(inline(convert_inline(option.text).html)), course, folder)
        _html_field(answer, "feedback", option.feedback, course, folder)
    tag_list = etree.SubElement(node, "tags")
    for tag in tags(question):
        _text(etree.SubElement(tag_list, "tag"), tag)
    return node
