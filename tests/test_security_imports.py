"""Issue 18, sixteenth verification, F2 and F6: `@import`s that WeasyPrint follows again and again.

F2: `@import "?a"` (or `""`, `"#a"`: a URL with no path) in a linked sheet names that sheet itself once WeasyPrint
joins it to the sheet's URL, and WeasyPrint has no guard against an import cycle: two such imports doubled the work
at each level (more than 80,000 fetches in 40 s; `kit` ran into its 30 s bound) while `check`, which skipped a URL
with no path, said ok. F6: an ordinary cycle (`a.css` ↔ `b.css`) was refused with the fix for repeated backgrounds,
at line 1 of the template. Each is now refused at the `@import`, before WeasyPrint runs.
"""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest
from test_security import KIT_SHEET, kit_sheet
from test_security_backgrounds import refused
from test_security_urls import PROBE

from builder import kit

from conftest import FIXTURES, run

LINK = '<link rel="stylesheet" href="../media/k.css"><p>x</p>'
NO_PATH = ("whose URL has no path: WeasyPrint joins it to the URL of the sheet that writes it, which then imports "
           "itself again and again (write the path of the style sheet to import, or remove the `@import`)")


@pytest.fixture
def record(tmp_path: Path) -> Path:
    target = tmp_path / "record"
    shutil.copytree(FIXTURES / "record", target)
    return target


@pytest.mark.parametrize("url", ['"?a"', '""', '"#a"', "url(?a)"])
@pytest.mark.parametrize("command", ["check", "kit"])
def test_an_import_with_no_path_in_a_linked_sheet_is_refused_at_its_line(
        record: Path, url: str, command: str) -> None:
    """F2 as reported, two self-imports a sheet; `kit` is refused before WeasyPrint (and its fetcher) runs."""
    (record / "course/media/k.css").write_text(f"p {{ color: navy }}\n@import {url}; @import {url};\n")
    kit_sheet(record, LINK)
    refused(record, command, f"course/media/k.css:2: the kit's attendance-sheet has `@import {url}`, {NO_PATH}")


@pytest.mark.parametrize("url", ['"?a"', '""', '"#a"'])
def test_an_import_with_no_path_in_a_template_style_is_refused_at_its_line(record: Path, url: str) -> None:
    kit_sheet(record, "<p>x</p>", f"p {{ color: navy }}\n@import {url};")
    refused(record, "check", f"{KIT_SHEET}:2: the kit's attendance-sheet has `@import {url}`, {NO_PATH}")


@pytest.mark.parametrize(("sheets", "where", "back_to"), [
    ({"k.css": '@import "a.css";', "a.css": 'p { color: navy }\n@import "b.css"; @import "b.css";',
      "b.css": '@import "a.css"; @import "a.css";'}, "course/media/b.css:1", "a.css"),  # F6 as reported
    ({"k.css": 'p { color: navy }\n@import "../media/k.css?x";'}, "course/media/k.css:2", "k.css"),  # itself
])
def test_an_import_cycle_is_refused_at_the_import_that_closes_it(
        record: Path, sheets: dict[str, str], where: str, back_to: str) -> None:
    for name, text in sheets.items():
        (record / "course/media" / name).write_text(text + "\n")
    kit_sheet(record, LINK)
    written = sheets[where.split("/")[-1].split(":")[0]].splitlines()[-1].split(";")[0].removeprefix("@import ")
    refused(record, "check", f"{where}: the kit's attendance-sheet imports course/media/{back_to} again inside "
            f"itself (`@import {written}`): an `@import` cycle, which WeasyPrint follows again and again, having no "
            f"guard against it (remove the `@import` that leads back to course/media/{back_to})")


def test_a_sheet_imported_twice_without_a_cycle_is_read(record: Path) -> None:
    """The control: two sheets importing one sheet (no cycle) are not refused."""
    (record / "course/media/k.css").write_text('@import "a.css";\n@import "b.css";\n')
    (record / "course/media/a.css").write_text('@import "c.css";\n')
    (record / "course/media/b.css").write_text('@import "c.css";\n')
    (record / "course/media/c.css").write_text("p { color: navy }\n")
    kit_sheet(record, LINK)
    result = run("check", record)
    assert result.exit_code == 0, result.output


def test_the_kits_fetcher_refuses_style_sheets_past_its_bound(record: Path) -> None:
    """The fetcher's own guard, should a self-import reach WeasyPrint: `kit.to_pdf` without `check` lays out the
    document of F2 (on main it ran into the processor-time bound, here given 10 s) and still applies the sheet."""
    (record / "course/media/k.css").write_text(f'@import "?a"; @import "?b";\n{PROBE}')
    html = '<html><head><link rel="stylesheet" href="../media/k.css"></head><body><p>x</p></body></html>'
    pdf = record.parent / "sheet.pdf"
    pdf.write_bytes(kit.to_pdf(html, record, "attendance-sheet", seconds=10))
    text = subprocess.run(["pdftotext", str(pdf), "-"], check=True, capture_output=True, text=True).stdout
    assert "LOADED-PROBE" in text


def test_too_many_style_sheets_are_refused_with_a_fix_of_their_own(record: Path) -> None:
    """F6: the sheet bound gave the fix for repeated backgrounds."""
    (record / "course/media/k.css").write_text('@import "c.css";\n' * 64)
    (record / "course/media/c.css").write_text("p { color: navy }\n")
    kit_sheet(record, LINK)
    refused(record, "check", f"{KIT_SHEET}:1: the kit's attendance-sheet has style sheets too large or too deep to "
            "check: it loads more than 64 style sheets, or imports them more than 8 deep (link and import fewer "
            "style sheets, each once, in fewer levels)")
