"""Markup in a raw-text element inside `<svg>` or `<math>` of an HTML file a page links, against the twenty-sixth
verification's L2 (issue 18, 18-verify26-L): libxml2's HTML parser reads the content of `<style>` (and the other
raw-text elements) as text wherever it is, while a browser's HTML5 parser reads it as elements inside foreign content,
so `<svg><style><img src=//host/x.png></style></svg>` passed the check as a style sheet and Chromium loaded the
`<img>` (a network share from disk). The cleaned file is read back here with an HTML5 parser (tinyhtml5), as a browser
reads it."""

from __future__ import annotations

import pytest
import tinyhtml5  # type: ignore[import-untyped]

from builder.active_content import RAW_TEXT_ELEMENTS, script_in, without_script

#: What every URL below names, and nothing else in the files does.
SHARE = "share-l2"
#: A tag that loads the share, in the spellings a browser reads in foreign content.
TAGS = [
    "<img src=//198.51.100.7/{share}/x.png>",
    "<img src=https://198.51.100.7/{share}/x.png>",
    "<p><img src=file://198.51.100.7/{share}/x.png></p>",
]


def _loaded(html: bytes) -> list[str]:
    """Every attribute value of the HTML document `html`, as an HTML5 parser (a browser's) reads it."""
    root = tinyhtml5.parse(html.decode())
    return [value for element in root.iter() for value in element.attrib.values()]


@pytest.mark.parametrize(("foreign", "raw", "tag"), [
    (foreign, raw, tag) for foreign in ("svg", "math") for raw in sorted(RAW_TEXT_ELEMENTS)
    for tag in TAGS])
def test_markup_in_foreign_raw_text_is_removed(foreign: str, raw: str, tag: str) -> None:
    """L2: reported, and what is packaged loads nothing from the share as a browser reads it."""
    data = (f"<!doctype html><title>Handout</title><p>Read this.</p><{foreign}><{raw}>"
            f"{tag.format(share=SHARE)}</{raw}></{foreign}>\n").encode()
    assert script_in(data, ".html"), data
    cleaned = without_script(data, ".html")
    assert not any(SHARE in value for value in _loaded(cleaned)), cleaned


def test_character_references_in_foreign_style_are_removed() -> None:
    """L2: inside foreign content a browser decodes character references in `<style>`: `url(&#47;&#47;host)`."""
    data = f"<!doctype html><p>x</p><svg><style>a{{background:url(&#47;&#47;host/{SHARE}/x.png)}}</style></svg>".encode()
    assert script_in(data, ".html")
    assert SHARE.encode() not in without_script(data, ".html")


def test_plain_style_sheets_stay() -> None:
    """A sheet with `>` and a nesting `&` in HTML, and an SVG's own sheet, are kept as they are."""
    data = (b"<!doctype html><style>p>a{color:red} .b{&:hover{color:blue}}</style><p>ok</p>"
            b"<svg><style>circle{fill:red}</style></svg>")
    assert script_in(data, ".html") == []
    assert b"p>a{color:red} .b{&:hover{color:blue}}" in without_script(data, ".html")
    assert b"<svg><style>circle{fill:red}</style></svg>" in without_script(data, ".html")


def test_a_sheet_holding_a_directive_is_removed() -> None:
    """C8 (18-verify20) with L2: a `<style>` sheet holding `<!--#` (a Server Side Includes directive's start, which
    libxml2 writes as it is in a sheet) holds a `<`, so it is removed with the rest of such sheets."""
    data = b'<!doctype html><p>x</p><style>a { content: "<!--#include virtual=/x -->" }</style>'
    assert script_in(data, ".html")
    assert b"<!--#" not in without_script(data, ".html") and b"virtual" not in without_script(data, ".html")
