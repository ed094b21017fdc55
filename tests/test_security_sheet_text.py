"""Issue 18, fifteenth verification, E2 and E4: `check` reads a kit document's URLs and the text of the style
sheets it links as WeasyPrint reads them, or refuses them with one line.

E2: `check` stripped a URL of all Unicode white space; WeasyPrint strips a link's `href` of ASCII white space only
and a CSS string or `url()` not at all, so `@import "../media/k.css "` loaded the file `k.css ` and a leading
no-break space in `href` a folder named "NBSP.." that `check` never read. E4: `check` decoded a linked sheet as
UTF-8; WeasyPrint by its BOM, then its `@charset`, then UTF-8, so it applied rules and `@import`s `check` never saw.
Each ran the kit into its 30 s bound after `check` said ok; scaled down here to a selector too complex to match
(refused in milliseconds), and a probe the PDF shows.
"""

from __future__ import annotations

import codecs
import shutil
from pathlib import Path

import pytest
from test_security import KIT_SHEET, kit_sheet
from test_security_backgrounds import refused
from test_security_cascade import CHAIN, TOO_COMPLEX, nested
from test_security_urls import PROBE, pdf_text

from builder import kit

from conftest import FIXTURES

NBSP = "\xa0"


@pytest.fixture
def record(tmp_path: Path) -> Path:
    target = tmp_path / "record"
    shutil.copytree(FIXTURES / "record", target)
    return target


def spaced(url: str, where: str = f"{KIT_SHEET}:1") -> str:
    return f"{where}: `{url}`, named by the kit's attendance-sheet, {kit.SPACED_URL[0]} ({kit.SPACED_URL[1]})"


@pytest.mark.parametrize(("body", "style", "url", "named"), [
    ("", '@import "../media/k.css ";', "../media/k.css ", "course/media/k.css "),  # WeasyPrint: k.css%20
    (f'<link rel="stylesheet" href="{NBSP}../media/k.css">', "", f"{NBSP}../media/k.css",
     f"course/pages/{NBSP}../media/k.css"),  # a folder named "NBSP.." in course/pages, not a dot segment
    ('<div style="background: url(\'../media/k.css\x0b\')">x</div>', "", "../media/k.css\x0b", None),
    ("", '@import "../media/k\t.css";', "../media/k\t.css", None),  # urljoin removes a tab, a link's href too
])
def test_a_url_with_white_space_or_a_control_character_at_an_end_is_refused(
        record: Path, body: str, style: str, url: str, named: str | None) -> None:
    """E2: the file WeasyPrint reads (`named`) holds a rule too complex to match; `check` read the stripped name,
    course/media/k.css (a harmless rule), and said ok. It now refuses the URL at the line that writes it."""
    (record / "course/media/k.css").write_text("p { color: navy }\n")
    if named is not None:
        (record / named).parent.mkdir(parents=True, exist_ok=True)
        (record / named).write_text(f"{CHAIN} {{ color: red }}\n")
    kit_sheet(record, body + nested(20), style)
    refused(record, "check", spaced(url.replace("\x0b", "\\x0b").replace("\t", "\\t")))  # controls shown escaped


def test_a_url_with_white_space_at_an_end_in_a_linked_sheet_is_refused_at_its_line(record: Path) -> None:
    (record / "course/media/k.css").write_text('p { color: navy }\n@import "j.css ";\n')
    kit_sheet(record, '<link rel="stylesheet" href="../media/k.css">' + nested(20))
    refused(record, "check", spaced("j.css ", "course/media/k.css:2"))


def test_the_kit_reads_a_css_url_with_its_trailing_space(record: Path) -> None:
    """Why E2 refuses rather than strips: WeasyPrint loads `k.css ` (with the space) for `@import "k.css "`."""
    (record / "course/media/k.css").write_text('@import "j.css ";\n')
    (record / "course/media/j.css ").write_text(PROBE)
    assert "LOADED-PROBE" in pdf_text(record, "../media/k.css")


#: Each sheet WeasyPrint decodes otherwise than as UTF-8: its bytes, and the project path of the rule it applies.
ENCODED = {
    "utf-16": (codecs.BOM_UTF16_LE + f"{CHAIN} {{ color: red }}\n".encode("utf-16-le"), "course/media/k.css"),
    "charset": (b'@charset "iso-8859-1";\n@import "\xe9.css";\n', "course/media/\xe9.css"),
    "utf-8 BOM": (codecs.BOM_UTF8 + b'@import "j.css";\n', "course/media/j.css"),
}


@pytest.mark.parametrize("encoding", ENCODED)
def test_a_linked_sheet_is_decoded_by_its_bom_and_charset(record: Path, encoding: str) -> None:
    """E4: a UTF-16 sheet, an `@import` of `é.css` in ISO-8859-1 (UTF-8 gave `\ufffd.css`, missing, skipped), an
    `@import` after a UTF-8 BOM (read as the start of a style rule): `check` now refuses the rule WeasyPrint
    applies, at its file and line."""
    data, applied = ENCODED[encoding]
    (record / "course/media/k.css").write_bytes(data)
    if applied != "course/media/k.css":
        (record / applied).write_text(f"{CHAIN} {{ color: red }}\n")
    kit_sheet(record, '<link rel="stylesheet" href="../media/k.css">' + nested(20))
    refused(record, "check", f"{applied}:1: {TOO_COMPLEX.format(CHAIN)}")


@pytest.mark.parametrize("encoding", ENCODED)
def test_the_kit_applies_a_sheet_decoded_by_its_bom_and_charset(record: Path, encoding: str) -> None:
    """What E4 mirrors: WeasyPrint applies the rule of each such sheet (a probe in place of the complex rule)."""
    data, applied = ENCODED[encoding]
    if applied == "course/media/k.css":
        data = codecs.BOM_UTF16_LE + PROBE.encode("utf-16-le")
    else:
        (record / applied).write_text(PROBE)
    (record / "course/media/k.css").write_bytes(data)
    assert "LOADED-PROBE" in pdf_text(record, "../media/k.css")
