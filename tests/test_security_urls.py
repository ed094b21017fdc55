"""Issue 18, fourteenth verification, D1 and D3: every URL of a kit document and of the style sheets it loads is
mapped by `check` as WeasyPrint and the kit's fetcher map it, or refused with one line; a URL that cannot be split
(a malformed IPv6 host) is one line wherever a project writes it, never a traceback.

D1: `check` said ok and `kit` ran into WeasyPrint's 30 s or 1 GB bound for a sheet named by `file:course/…`
(read from the folder the command runs in), by `%2e%2e/…` or `..%2f…` (WeasyPrint joins the sheet's own URLs to
the escaped name), or through a symbolic link to a folder (`check` read the sheet's URLs from the link's target).
Scaled down here: a selector too complex to match (a few milliseconds to refuse), or a probe the PDF shows.
"""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest
from test_security import KIT_SHEET, kit_sheet
from test_security_backgrounds import refused
from test_security_cascade import CHAIN, TOO_COMPLEX, nested

from builder import kit
from builder.project_urls import ESCAPED_PATH_SYNTAX, INVALID_URL

from conftest import FIXTURES, run

#: A style sheet the PDF shows when it is loaded.
PROBE = 'p::before { content: "LOADED-PROBE" }\n'
RELATIVE = f"({kit.WRITE_IT_RELATIVE})"


@pytest.fixture
def record(tmp_path: Path) -> Path:
    target = tmp_path / "record"
    shutil.copytree(FIXTURES / "record", target)
    return target


def unmapped(url: str, what: str, where: str = f"{KIT_SHEET}:1") -> str:
    return f"{where}: `{url}`, named by the kit's attendance-sheet, {what} {RELATIVE}"


CWD_RELATIVE = ("would be read from the folder the command is run in, not from the project (a `file:` URL with no "
                "`/` after its colon)")
ESCAPED = ESCAPED_PATH_SYNTAX[0]


@pytest.mark.parametrize(("body", "style"), [
    ('<link rel="stylesheet" href="file:course/media/k.css">', ""),
    ("", '@import url("file:course/media/k.css");'),
    ('<div style="background: url(file:course/media/k.css)">x</div>', ""),
])
def test_a_file_url_relative_to_the_current_folder_is_refused(record: Path, monkeypatch: pytest.MonkeyPatch,
                                                               body: str, style: str) -> None:
    """D1(a), run from the project folder (the README's default): WeasyPrint hands `file:course/…` to the fetcher as
    it is, which read it from the current folder, while `check` joined it to course/pages/ and found nothing."""
    monkeypatch.chdir(record)
    (record / "course/media/k.css").write_text(f"{CHAIN} {{ color: red }}\n")
    kit_sheet(record, body + nested(20), style)
    refused(record, "check", unmapped("file:course/media/k.css", CWD_RELATIVE))


def pdf_text(record: Path, href: str) -> str:
    """The text of the attendance sheet's PDF made of a document that links the sheet `href` (from course/pages)."""
    html = f'<html><head><link rel="stylesheet" href="{href}"></head><body><p>x</p></body></html>'
    pdf = record.parent / "sheet.pdf"
    pdf.write_bytes(kit.to_pdf(html, record, "attendance-sheet"))
    return subprocess.run(["pdftotext", str(pdf), "-"], check=True, capture_output=True, text=True).stdout


def test_the_kits_fetcher_never_reads_a_file_url_relative_to_the_current_folder(
        record: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """D1(a): the fetcher reads only URLs under the project folder's own `file:///…/`; the control, the same sheet by
    its relative path, is read."""
    monkeypatch.chdir(record)
    (record / "course/media/k.css").write_text(PROBE)
    assert "LOADED-PROBE" not in pdf_text(record, "file:course/media/k.css")
    assert "LOADED-PROBE" in pdf_text(record, "../media/k.css")


@pytest.mark.parametrize(("href", "imports", "imported"), [
    ("%2e%2e/media/k.css", "../../x.css", "course/pages/x.css"),  # WeasyPrint's folder: course/pages/%2e%2e/media/
    ("..%2fmedia%2fk.css", "x.css", "course/pages/x.css"),  # WeasyPrint's folder: course/pages/
    ("../media/%2E%2E/media/k.css", "x.css", "course/media/%2E%2E/x.css"),
])
def test_a_sheet_named_with_escaped_dot_segments_or_slashes_is_refused(record: Path, href: str, imports: str,
                                                                       imported: str) -> None:
    """D1(b): `check` read the sheet's `@import` from the folder of the file it found (course/media), WeasyPrint
    from its URL as written, so each read a different file."""
    (record / "course/media/k.css").write_text(f'@import "{imports}";\n')
    (record / imported).parent.mkdir(parents=True, exist_ok=True)
    (record / imported).write_text(f"{CHAIN} {{ color: red }}\n")
    kit_sheet(record, f'<link rel="stylesheet" href="{href}">' + nested(20))
    refused(record, "check", unmapped(href, ESCAPED))


def test_a_sheet_through_a_symbolic_link_to_a_folder_is_read_as_weasyprint_reads_it(record: Path) -> None:
    """D1(c): with `course/media/s -> ../a/b/c`, WeasyPrint joins the `../y.css` of `../media/s/k.css` to the URL
    as written (course/media/y.css); `check` took it from the link's target (course/a/b/y.css, missing) and
    skipped it. It now reads course/media/y.css, and refuses its rule at its line."""
    (record / "course/a/b/c").mkdir(parents=True)
    (record / "course/a/b/c/k.css").write_text('@import "../y.css";\n')
    (record / "course/media/y.css").write_text(f"p {{ color: navy }}\n{CHAIN} {{ color: red }}\n")
    (record / "course/media/s").symlink_to("../a/b/c")
    kit_sheet(record, '<link rel="stylesheet" href="../media/s/k.css">' + nested(20))
    refused(record, "check", f"course/media/y.css:2: {TOO_COMPLEX.format(CHAIN)}")


def test_a_file_url_that_goes_up_after_a_symbolic_link_to_a_folder_is_refused(record: Path) -> None:
    """An absolute `file:` URL is handed to the fetcher as written, its `..` kept: the system goes up from where the
    link leads (course/a/b/y.css), not from the link's folder (course/media/y.css)."""
    (record / "course/a/b/c").mkdir(parents=True)
    for sheet in ("course/a/b/y.css", "course/media/y.css"):
        (record / sheet).write_text(f"{CHAIN} {{ color: red }}\n" if sheet.startswith("course/a") else "p {}\n")
    (record / "course/media/s").symlink_to("../a/b/c")
    href = f"{record.resolve().as_uri()}/course/media/s/../y.css"
    kit_sheet(record, f'<link rel="stylesheet" href="{href}">' + nested(20))
    refused(record, "check", unmapped(href, "goes up a folder (`..`) after a symbolic link to a folder, which the "
                                            "system does from where the link leads"))


@pytest.mark.parametrize("url", ["file:course/media/k.css", "%2e%2e/media/k.css", "..%2fmedia%2fk.css",
                                 "//localhost{root}/course/media/k.css", "FILE://{root}/course/media/k.css"])
def test_the_fetcher_refuses_what_check_refuses(record: Path, url: str) -> None:
    """The fetcher and `check` map URLs by one function, `kit.fetched_target`: what `check` refuses is never read."""
    (record / "course/media/k.css").write_text(PROBE)
    joined = kit.kit_url(f"{record.resolve().as_uri()}/course/pages/", url.format(root=record.resolve().as_posix()))
    with pytest.raises(kit.UnmappedURL):
        kit.fetched_target(joined, record)
    assert kit.fetched_target(kit.kit_url(f"{record.resolve().as_uri()}/course/pages/", "../media/k.css"),
                              record) == "course/media/k.css"


INVALID = f"{INVALID_URL[0]} ({INVALID_URL[1]})"


@pytest.mark.parametrize("command", ["check", "build", "export", "slides"])
@pytest.mark.parametrize("written", ["[x](//[x/k.css)", '<a href="http://[x/">y</a>', "![a](//[x/k.png)"])
def test_a_url_that_cannot_be_split_in_a_page_is_one_line(record: Path, command: str, written: str) -> None:
    """D3: `urlsplit` raised ValueError (Invalid IPv6 URL) out of `check`, `build`, `export` and `slides`."""
    page = record / "course/pages/baby-cues.md"
    page.write_text(page.read_text(encoding="utf-8") + f"\n{written}\n", encoding="utf-8")
    line = len(page.read_text(encoding="utf-8").splitlines())
    url = written.split("(")[-1].rstrip(")") if written.endswith(")") else "http://[x/"
    out = record.parent / "out"
    result = run(command, record, *(["--out", out] if command in ("build", "slides") else []))
    assert result.exit_code == 1 and "Traceback" not in result.output, result.output
    assert result.stderr.splitlines() == [f"course/pages/baby-cues.md:{line}: `{url}` {INVALID}",
                                          "course invalid: 1 error"]
    assert not out.exists()


@pytest.mark.parametrize("written", ["![a](%2e%2e/media/cues.svg)", "[a](..%2fmedia%2fcues.svg)"])
def test_a_page_path_with_escaped_dots_or_slashes_is_one_line(record: Path, written: str) -> None:
    """A browser reads `%2e%2e/` as `../`, WeasyPrint as a name: the web build showed the picture and the kit's PDF
    left it out without a word. `check` refuses the escape, as the kit's fetcher does (`kit.fetched_target`)."""
    page = record / "course/pages/baby-cues.md"
    page.write_text(page.read_text(encoding="utf-8") + f"\n{written}\n", encoding="utf-8")
    line = len(page.read_text(encoding="utf-8").splitlines())
    url = written.split("(")[-1].rstrip(")")
    refused(record, "check", f"course/pages/baby-cues.md:{line}: `{url}` {ESCAPED} ({ESCAPED_PATH_SYNTAX[1]})")


@pytest.mark.parametrize("command", ["check", "export"])
def test_a_url_that_cannot_be_split_in_a_quiz_field_is_one_line(record: Path, command: str) -> None:
    bank = record / "quizzes/kc-cues.yaml"
    text = bank.read_text(encoding="utf-8")
    assert text.count("What might this mean?") == 1
    bank.write_text(text.replace("What might this mean?", "What might [this](//[x/k.css) mean?"), encoding="utf-8")
    line = next(n for n, text in enumerate(bank.read_text(encoding="utf-8").splitlines(), 1) if "//[x/" in text)
    result = run(command, record, *(["--format", "gift", "--output", record.parent / "q.gift"]
                                    if command == "export" else []))
    assert result.exit_code == 1 and "Traceback" not in result.output, result.output
    assert result.stderr.splitlines() == [f"quizzes/kc-cues.yaml:{line}: `//[x/k.css` {INVALID}",
                                          "course invalid: 1 error"]


@pytest.mark.parametrize(("body", "what"), [
    ('<link rel="stylesheet" href="//[x/k.css">', "`//[x/k.css`, named by the kit's attendance-sheet,"),
    ('<img src="//[x/k.png" alt="x">', "image `//[x/k.png`"),
])
def test_a_url_that_cannot_be_split_in_a_kit_template_is_one_line(record: Path, body: str, what: str) -> None:
    """D3: a kit template's `<link>` gave "the kit's check failed: ValueError: Invalid IPv6 URL (make the file
    smaller or simpler …)"."""
    kit_sheet(record, body)
    refused(record, "check", f"{KIT_SHEET}:1: {what} {INVALID}")


def test_a_project_in_a_folder_whose_name_needs_escapes_still_reads_its_sheets(tmp_path: Path) -> None:
    """The project folder's own `file:///…/` is compared as WeasyPrint writes it (`kit.kit_url`: a space as `%20`):
    an absolute path into a project named `my course` is read, not refused."""
    record = tmp_path / "my course"
    shutil.copytree(FIXTURES / "record", record)
    (record / "course/media/kit.css").write_text(f"{CHAIN} {{ color: red }}\n")
    kit_sheet(record, f'<link rel="stylesheet" href="{record.resolve().as_posix()}/course/media/kit.css">'
              + nested(20))
    refused(record, "check", f"course/media/kit.css:1: {TOO_COMPLEX.format(CHAIN)}")
