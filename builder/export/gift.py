"""GIFT question export: one $CATEGORY per bank, HTML text with GIFT's special characters escaped.

The text is the same sanitised HTML as the Moodle XML export and the packages (scripts removed; stems
and options as inline text), not Markdown: Moodle's own Markdown would turn "1999. …" into a list.
In GIFT the question text's `[html]` format applies to its answers and feedback too.

GIFT is text only: it cannot carry an image, a video or a linked file (Moodle's XML format can, as
`@@PLUGINFILE@@` files), so questions that use one are refused (`file_problems`) rather than exported broken.
"""

from __future__ import annotations

from typing import Iterable

from builder.errors import Problem, Severity
from builder.export import category_path, fraction_text, fractions, is_page_link, page_links_as_text, tags
from builder.kit import fixed_order
from builder.markup import convert, convert_inline
from builder.model import Bank, Course, Option, Question
from builder.project_urls import split_or_none
from builder.theme import inline

SPECIAL = "\\~=#{}:"


def escape(text: str) -> str:
    """Text safe inside GIFT: special characters backslash-escaped, line breaks as \\n."""
    escaped = "".join(f"\\{char}" if char in SPECIAL else char for char in text.strip())
    return escaped.replace("\r\n", "\n").replace("\n", "\\n")


def file_problems(banks: Iterable[Bank], severity: Severity = Severity.ERROR) -> list[Problem]:
    """One problem per question whose stem, options, feedback or explanation use a file of the project
    (an image, video, audio or linked file), at the line of the first field that does.

    A GIFT file is text only (Moodle's "GIFT format" has no way to attach files), so in Moodle the image
    would be broken: `export --format gift` refuses these questions; `check` warns about them.
    """
    problems = []
    for bank in banks:
        for q, question in enumerate(bank.settings.questions):
            fields: list[tuple[tuple[str | int, ...], str, bool]] = [
                (("stem",), question.stem, True), (("explanation",), question.explanation, False)]
            for o, option in enumerate(question.options):
                fields += [(("options", o, "text"), option.text, True), (("options", o, "feedback"),
                                                                          option.feedback, False)]
            files: dict[str, int] = {}  # as written, with the line of its field
            for location, text, phrasing in fields:
                for reference in (convert_inline if phrasing else convert)(text).references if text else ():
                    parts = split_or_none(reference.target)  # None: validation reports it
                    if parts is not None and parts.path and not parts.scheme and not parts.netloc \
                            and not is_page_link(reference.tag, reference.target):  # shown as its text
                        files.setdefault(reference.target, bank.source.line("questions", q, *location))
            if files:
                names = ", ".join(f"`{name}`" for name in files)
                problems.append(Problem(
                    bank.source.path, min(files.values()),
                    f"question `{question.id}` uses {names}, which `export --format gift` refuses: "
                    "a GIFT file is text only and cannot carry files",
                    "export with --format moodle-xml, which carries the files, or remove the file from the question",
                    severity))
    return problems


def export(course: Course, banks: list[Bank]) -> bytes:
    """A GIFT file holding the banks."""
    blocks = []
    for bank in banks:
        blocks.append(f"$CATEGORY: {category_path(course, bank)}")
        blocks.extend(_question(question, fixed_order(course.settings.id, bank, question))
                      for question in bank.settings.questions)
    return ("\n\n".join(blocks) + "\n").encode("utf-8")


def _phrasing(markdown: str) -> str:
    """A stem or option as inline HTML."""
    return str(inline(page_links_as_text(convert_inline(markdown).html)))


def _html(markdown: str) -> str:
    """Feedback or an explanation as HTML."""
    return page_links_as_text(convert(markdown).html)


def _question(question: Question, options: list[Option]) -> str:
    """A question, its options in `options`' order (GIFT has no shuffle setting: see docs/authoring.md)."""
    labels = " ".join([f"[id:{question.id}]", *(f"[tag:{tag}]" for tag in tags(question))])
    lines = [f"// {labels}", f"::{escape(question.id)}::[html]{escape(_phrasing(question.stem))} {{"]
    for option, fraction in zip(options, fractions(question, options), strict=True):
        if question.type == "single":
            mark = "=" if option.correct else "~"
        else:
            mark = f"~%{fraction_text(fraction)}%"
        lines.append(f"\t{mark}{escape(_phrasing(option.text))}#{escape(_html(option.feedback))}")
    lines.append(f"\t####{escape(_html(question.explanation))}")
    lines.append("}")
    return "\n".join(lines)
