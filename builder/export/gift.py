"""GIFT question export: one $CATEGORY per bank, HTML text with GIFT's special characters escaped.

The text is the same sanitised HTML as the Moodle XML export and the packages (scripts removed; stems
and options as inline text), not Markdown: Moodle's own Markdown would turn "1999. …" into a list.
In GIFT the question text's `[html]` format applies to its answers and feedback too.
"""

from __future__ import annotations

from builder.export import category_path, fraction_text, fractions, tags
from builder.markup import convert, convert_inline
from builder.model import Bank, Course, Question
from builder.theme import inline

SPECIAL = "\\~=#{}:"


def escape(text: str) -> str:
    """Text safe inside GIFT: special characters backslash-escaped, line breaks as \\n."""
    escaped = "".join(f"\\{char}" if char in SPECIAL else char for char in text.strip())
    return escaped.replace("\r\n", "\n").replace("\n", "\\n")


def export(course: Course, banks: list[Bank]) -> bytes:
    """A GIFT file holding the banks."""
    blocks = []
    for bank in banks:
        blocks.append(f"$CATEGORY: {category_path(course, bank)}")
        blocks.extend(_question(question) for question in bank.settings.questions)
    return ("\n\n".join(blocks) + "\n").encode("utf-8")


def _phrasing(markdown: str) -> str:
    """A stem or option as inline HTML."""
    return str(inline(convert_inline(markdown).html))


def _question(question: Question) -> str:
    labels = " ".join([f"[id:{question.id}]", *(f"[tag:{tag}]" for tag in tags(question))])
    lines = [f"// {labels}", f"::{escape(question.id)}::[html]{escape(_phrasing(question.stem))} {{"]
    for option, fraction in zip(question.options, fractions(question), strict=True):
        if question.type == "single":
            mark = "=" if option.correct else "~"
        else:
            mark = f"~%{fraction_text(fraction)}%"
        lines.append(f"\t{mark}{escape(_phrasing(option.text))}#{escape(convert(option.feedback).html)}")
    lines.append(f"\t####{escape(convert(question.explanation).html)}")
    lines.append("}")
    return "\n".join(lines)
