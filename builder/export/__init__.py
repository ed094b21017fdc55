"""Question banks exported for Moodle's own question bank: Moodle XML and GIFT."""

from __future__ import annotations

from typing import Iterable, Sequence
from urllib.parse import unquote

from lxml import html as lxml_html

from builder.markup import fragment
from builder.model import Bank, Course, Option, Question
from builder.project_urls import split_or_none

FORMATS = {"moodle-xml": "xml", "gift": "gift"}


def selected_banks(course: Course, bank_id: str | None) -> list[Bank]:
    """All banks, or the one named (none if no bank has that id)."""
    return [bank for bank in course.banks if bank_id is None or bank.settings.id == bank_id]


def fractions(question: Question, options: Sequence[Option] | None = None) -> list[float]:
    """Moodle grade fractions per option of `options` (default: the question's, as written): right ones share
    100; for multiple answers, wrong ones share -100."""
    options = question.options if options is None else options
    right = sum(option.correct for option in options)
    wrong = len(options) - right
    if question.type == "single":
        return [100.0 if option.correct else 0.0 for option in options]
    return [100.0 / right if option.correct else -100.0 / wrong for option in options]


def fraction_text(value: float) -> str:
    """A fraction as Moodle writes it: up to 5 decimals, e.g. 33.33333 or -50."""
    return f"{value:.5f}".rstrip("0").rstrip(".")


def tags(question: Question) -> Iterable[str]:
    """The question's outcome ids and competency codes, as tags."""
    return [*question.outcomes, *question.competencies]


def category_path(course: Course, bank: Bank) -> str:
    """The Moodle question category path of a bank: `$course$/top/<course title>/<bank title>`.

    Each title is one line with '/' written as '-': Moodle splits a category path at '/'
    (`qformat_default::split_category_path`), so "24/7 care" would become two nested categories.
    """
    def name(title: str) -> str:
        return " ".join(title.split()).replace("/", "-")

    return f"$course$/top/{name(course.settings.title)}/{name(bank.settings.title)}"


def is_page_link(tag: str, target: str) -> bool:
    """Whether `target` (of an element `tag`) links to a page of the course (`intro.md`; `check` has made
    sure every local `.md` link is one; not a URL that cannot be split)."""
    parts = split_or_none(target)
    return (parts is not None and tag == "a" and not parts.scheme and not parts.netloc
            and unquote(parts.path).endswith(".md"))


def page_links_as_text(html: str) -> str:
    """`html` with each link to a course page replaced by its text: Moodle's question bank has no course
    pages to link to, and the page's Markdown source is not a file for learners."""
    if ".md" not in html:
        return html
    root = fragment(html)
    links = [link for link in root.iter("a") if is_page_link("a", link.get("href", ""))]
    if not links:
        return html
    for link in links:
        link.drop_tag()
    return (root.text or "") + "".join(lxml_html.tostring(child, encoding="unicode") for child in root)
