"""Lines of Markdown that one of Python-Markdown's searches, a single call into C that the time bound cannot stop,
would take super-linear time to read are refused before converting (issue 18, twenty-sixth verification, L1)."""

from __future__ import annotations

import time
from pathlib import Path

import pytest

from builder import markup

from conftest import run


@pytest.mark.parametrize("text", [
    "# x" + " {" * 4000 + "\n",  # a heading: HEADER_RE from each ` {` to the line's end
    "# x" + " {" * 4000 + "}x\n",  # a `}` that is not the line's last does not end the search
    "Intro\n\nTerm" + " {" * 4000 + "\n:   its definition\n",  # a definition term
    "a|b\n-|-\nx" + " {" * 4000 + "|y\n",  # a table cell
    "# x" + " " * 4000 + "{" + "y" * 4000 + "\n",  # from each space of one run before a `{`
    "# x{" + " " * 5000 + "y\n",  # a run of spaces not before a `{`, read again from each of its spaces
    "# x" + "\t {" * 2000 + "\n",  # tabs are spaces once Python-Markdown has read them
    "/// note | #" + "a#" * 18 + "\\\n\nText.\n///\n",  # a block's title: RE_NORMAL_HEADING, exponential in `#` runs
    "> /// note | #" + "a#" * 18 + "\\\n",  # in a quote, still a block's first line
    "/// note | " + ("#" + "a" * 15_000) * 16 + "\\\n\nx\n///\n",  # 16 `#` far apart: 2^16 times the title (18-verify28 P2)
    "/// note | a" + " " * 60_000 + "b\n\nText.\n///\n",  # RE_START from each space of the title's run (18-verify27 N1)
    "Text.\n\n/// caption | a" + " " * 60_000 + "b\n///\n",  # a caption: the same search
    "- [^1]: /// note | a" + "\t" * 15_000 + "b\n",  # a block's line in a list and a footnote, tabs as spaces
    "See below.\n\n[x]: " + '"' * 20_000 + " b\n",  # a reference's title from each `"` (18-verify29 Q1)
    "> - [x]:\n  " + "(" * 20_000 + " b\n",  # its URL on the next line, under a quote and a list item
    "[x\ny]: " + '"' * 20_000 + " b\n",  # its label begun on the line before
    "<div>x</div>[x]: " + '"' * 20_000 + " b\n",  # after a raw HTML block on its line
    "[^" * 15_000 + "\n",  # the footnotes' searches from each `[^` to the next `]` (18-verify27 N2)
    "[^a\n" * 7_500,  # from each line that starts with one, past the line
    "[\x02^" * 15_000,  # `[^` once Python-Markdown has deleted STX and ETX
    "[^`]`" * 6_000,  # a `]` in a code span does not close one
    "\\\\[^\\]" * 6_000,  # nor does an escaped `]`; `\\` escapes the backslash, not the `[`
])
def test_lines_markdown_cannot_read_in_time_are_refused_before_converting(text: str) -> None:
    processor = time.process_time()
    converted = markup._convert(text)
    assert "too long to read" in converted.refused and converted.refused_line
    assert time.process_time() - processor < 0.05  # refused without reading it with Python-Markdown


def test_the_refusal_names_the_line() -> None:
    converted = markup._convert("Intro.\r\n\r\n## Part" + " {" * 4000 + "\n")
    assert converted.refused.startswith("a line of 8,007 characters (4,001 of them spaces")
    assert converted.refused_line == 3


def test_footnotes_refusal_names_the_first_open_bracket() -> None:
    converted = markup._convert("Intro[^1].\n\n[^1]: Note.\n\nSee " + "[^" * 4_000 + "\n")
    assert converted.refused.startswith("`[^` starts footnote references here") and converted.refused_line == 5


def test_check_reports_the_line_in_the_page(project: Path) -> None:
    page = project / "course" / "pages" / "welcome.md"
    lines = page.read_text(encoding="utf-8").count("\n")
    page.write_text(page.read_text(encoding="utf-8") + "\n## Part" + " {" * 4000 + "\n", encoding="utf-8")
    result = run("check", str(project))
    assert result.exit_code == 1 and "Traceback" not in result.output
    errors = [line for line in result.stderr.splitlines() if "too long to read" in line]
    assert len(errors) == 1 and errors[0].startswith(f"course/pages/welcome.md:{lines + 2}: ")
    assert errors[0].endswith("write a `{` that starts no attribute list as `&#123;`)")  # its own fix alone (P1)


@pytest.mark.parametrize(("text", "html"), [
    ("# Title {#intro .wide}\n", '<h1 class="wide" id="intro">Title</h1>'),
    ("Words and {braces} " * 1000 + "\n", "<p>Words and {braces}"),  # a long line with a few spaces before `{`
    ("/// note | Step #1 of #3\n\nText.\n///\n", "Step #1 of #3"),
    ("/// note | ## Steps #1, #2, #3 and #4 of the assessment\n\nText.\n///\n", "Steps #1, #2, #3 and #4"),
    ("/// note | Two  spaces   here\n\nText.\n///\n", "Two  spaces   here"),
    ("Write `/// note | Title` to start a block;" + " #" * 20 + " (18-verify27 N5)\n", "<code>/// note | Title</code>"),
    ("Text[^1] and[^b].\n\n[^1]: One.\n[^b]: Two.\n" * 200, '<a class="footnote-ref" href="#fn:b">'),
    ("Not a footnote: " + "\\[^" * 3_000 + "\n", "[^[^"),  # escaped, searched by none
    ("The parent said [aside]: " + '"word" (and "another") ' * 400 + "\n", "[aside]:"),  # prose (18-verify30 R3)
    ('See [the guide][g].\n\n[g]: guide.html "The \'practice\' guide (2024)"\n', 'title="The \'practice\' guide (2024)"'),
])
def test_what_authors_write_is_converted(text: str, html: str) -> None:
    converted = markup._convert(text)
    assert not converted.refused
    assert html in converted.html
