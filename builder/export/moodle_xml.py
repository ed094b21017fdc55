"""Moodle XML question export: one category per bank, multichoice questions, HTML from Markdown."""

from __future__ import annotations

import base64
import posixpath
from urllib.parse import unquote, urlsplit

from lxml import etree
from lxml import html as lxml_html

from builder.export import fraction_text, fractions, tags
from builder.markup import convert
from builder.model import Bank, Course, Question
from builder.theme import inline


def export(course: Course, banks: list[Bank]) -> bytes:
    """A Moodle XML `<quiz>` document holding the banks."""
    quiz = etree.Element("quiz")
    for bank in banks:
        category = etree.SubElement(quiz, "question", type="category")
        _text(etree.SubElement(category, "category"), f"$course$/top/{course.settings.title}/{bank.settings.title}")
        _text(etree.SubElement(category, "info", format="html"), "")
        for question in bank.settings.questions:
            quiz.append(_question(course, question, posixpath.dirname(bank.source.path)))
    return etree.tostring(quiz, xml_declaration=True, encoding="UTF-8", pretty_print=True)


def _text(parent: etree._Element, value: str) -> etree._Element:
    node = etree.SubElement(parent, "text")
    node.text = etree.CDATA(value) if value else ""
    return node


def _html_field(parent: etree._Element, tag: str, markdown: str, course: Course, folder: str) -> None:
    """`<tag format="html"><text>…</text></tag>`, with local images embedded as @@PLUGINFILE@@ files."""
    field = etree.SubElement(parent, tag, format="html")
    html = convert(markdown).html
    files: dict[str, bytes] = {}
    if "<img" in html:
        root = lxml_html.fragment_fromstring(html, create_parent="div")
        for img in root.iter("img"):
            source = img.get("src", "")
            if source and not urlsplit(source).scheme:
                path = posixpath.normpath(posixpath.join(folder, unquote(source)))
                name = posixpath.basename(path)
                files[name] = (course.root / path).read_bytes()
                img.set("src", f"@@PLUGINFILE@@/{name}")
        html = (root.text or "") + "".join(lxml_html.tostring(c, encoding="unicode") for c in root)
    _text(field, html)
    for name, data in sorted(files.items()):
        file = etree.SubElement(field, "file", name=name, path="/", encoding="base64")
        file.text = base64.b64encode(data).decode("ascii")


def _question(course: Course, question: Question, folder: str) -> etree._Element:
    node = etree.Element("question", type="multichoice")
    _text(etree.SubElement(node, "name"), question.id)
    _html_field(node, "questiontext", question.stem, course, folder)
    _html_field(node, "generalfeedback", question.explanation, course, folder)
    for tag, value in (("defaultgrade", "1"), ("penalty", "0"), ("hidden", "0"), ("idnumber", question.id),
                       ("single", "true" if question.type == "single" else "false"),
                       ("shuffleanswers", "true"), ("answernumbering", "abc")):
        etree.SubElement(node, tag).text = value
    for option, fraction in zip(question.options, fractions(question), strict=True):
        answer = etree.SubElement(node, "answer", fraction=fraction_text(fraction), format="html")
        _text(answer, str(inline(convert(option.text).html)))
        _html_field(answer, "feedback", option.feedback, course, folder)
    tag_list = etree.SubElement(node, "tags")
    for tag in tags(question):
        _text(etree.SubElement(tag_list, "tag"), tag)
    return node
