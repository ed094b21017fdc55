"""GIFT question export: one $CATEGORY per bank, Markdown text with GIFT's special characters escaped."""

from __future__ import annotations

from builder.export import fraction_text, fractions, tags
from builder.model import Bank, Course, Question

SPECIAL = "\\~=#{}:"


def escape(text: str) -> str:
    """Text safe inside GIFT: special characters backslash-escaped, line breaks as \\n."""
    escaped = "".join(f"\\{char}" if char in SPECIAL else char for char in text.strip())
    return escaped.replace("\r\n", "\n").replace("\n", "\\n")


def export(course: Course, banks: list[Bank]) -> bytes:
    """A GIFT file holding the banks."""
    blocks = []
    for bank in banks:
        blocks.append(f"$CATEGORY: $course$/top/{_category(course.settings.title)}/{_category(bank.settings.title)}")
        blocks.extend(_question(question) for question in bank.settings.questions)
    return ("\n\n".join(blocks) + "\n").encode("utf-8")


def _category(title: str) -> str:
    """A category name: one line, and no '/', which would start a sub-category."""
    return " ".join(title.split()).replace("/", "-")


def _question(question: Question) -> str:
    labels = " ".join([f"[id:{question.id}]", *(f"[tag:{tag}]" for tag in tags(question))])
    lines = [f"// {labels}", f"::{escape(question.id)}::[markdown]{escape(question.stem)} {{"]
    for option, fraction in zip(question.options, fractions(question), strict=True):
        if question.type == "single":
            mark = "=" if option.correct else "~"
        else:
            mark = f"~%{fraction_text(fraction)}%"
        lines.append(f"\t{mark}{escape(option.text)}#{escape(option.feedback)}")
    lines.append(f"\t####{escape(question.explanation)}")
    lines.append("}")
    return "\n".join(lines)
