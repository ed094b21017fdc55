"""Lines of Markdown that one of Python-Markdown's searches, a single call into C that the time bound cannot stop,
would take super-linear time to read are refused before converting (issue 18, twenty-sixth verification, L1)."""

from __future__ import annotations

import time

import pytest

from builder import markup


@pytest.mark.parametrize("text", [
    "# x" + " {" * 4000 + "\n",  # a heading: HEADER_RE from each ` {` to the line's end
    "# x" + " {" * 4000 + "}x\n",  # a `}` that is not the line's last does not end the search
    "Intro\n\nTerm" + " {" * 4000 + "\n:   its definition\n",  # a definition term
    "a|b\n-|-\nx" + " {" * 4000 + "|y\n",  # a table cell
    "# x" + " " * 4000 + "{" + "y" * 4000 + "\n",  # from each space of one run before a `{`
    "# x{" + " " * 5000 + "y\n",  # a run of spaces not before a `{`, read again from each of its spaces
    "# x" + "\t {" * 2000 + "\n",  # tabs are spaces once Python-Markdown has read them
    "/// note | #" + "a#" * 18 + "\\\n\nText.\n///\n",  # a block's title: RE_NORMAL_HEADING, exponential in `#` runs
])
def test_lines_markdown_cannot_read_in_time_are_refused_before_converting(text: str) -> None:
    processor = time.process_time()
    converted = markup._convert(text)
    assert "its line" in converted.refused and "too long to read" in converted.refused
    assert time.process_time() - processor < 0.05  # refused without reading it with Python-Markdown


def test_the_refusal_names_the_line() -> None:
    refused = markup._convert("Intro.\r\n\r\n## Part" + " {" * 4000 + "\n").refused
    assert refused.startswith("its line 3 (")


@pytest.mark.parametrize(("text", "html"), [
    ("# Title {#intro .wide}\n", '<h1 class="wide" id="intro">Title</h1>'),
    ("Words and {braces} " * 1000 + "\n", "<p>Words and {braces}"),  # a long line with a few spaces before `{`
    ("/// note | Step #1 of #3\n\nText.\n///\n", "Step #1 of #3"),
])
def test_what_authors_write_is_converted(text: str, html: str) -> None:
    converted = markup._convert(text)
    assert not converted.refused
    assert html in converted.html
