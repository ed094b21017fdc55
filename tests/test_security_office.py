"""Office files a page links (`.pptx`, `.docx`, `.xlsx`, `.odt`, `.ods`, `.odp`), which the packages carry for the
learner to download, against the twenty-second verification's E4 (issue 18, 18-verify22-E): they were packaged
byte for byte, a picture linked from another site or a template attached at a `file://` share and all, which the
template deck's rule already refused. Each file is made here with zipfile, a few hundred bytes."""

from __future__ import annotations

import zipfile
from pathlib import Path

import pytest

from builder import office

from conftest import run

REL = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
PACKAGE_RELS = "http://schemas.openxmlformats.org/package/2006/relationships"
CONTENT_TYPES = ('<?xml version="1.0"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
                 '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
                 '<Default Extension="xml" ContentType="application/xml"/>{}</Types>')
W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"


def rels(*relationships: str) -> str:
    return f'<?xml version="1.0"?><Relationships xmlns="{PACKAGE_RELS}">{"".join(relationships)}</Relationships>'


def relationship(rid: str, kind: str, target: str, external: bool = True) -> str:
    mode = ' TargetMode="External"' if external else ""
    return f'<Relationship Id="{rid}" Type="{REL}/{kind}" Target="{target}"{mode}/>'


def document(body: str = "") -> str:
    return (f'<?xml version="1.0"?><w:document xmlns:w="{W}" xmlns:r="{REL}"><w:body><w:p>{body}</w:p>'
            '</w:body></w:document>')


def docx(*, document_xml: str = document(), document_rels: tuple[str, ...] = (), settings_rels: tuple[str, ...] = (),
         overrides: str = "", extra: dict[str, bytes] | None = None) -> dict[str, bytes]:
    """The parts of a Word document: its text, its relationships and its settings'."""
    parts = {"[Content_Types].xml": CONTENT_TYPES.format(overrides),
             "_rels/.rels": rels(relationship("rId1", "officeDocument", "word/document.xml", external=False)),
             "word/document.xml": document_xml,
             "word/_rels/document.xml.rels": rels(relationship("rId1", "settings", "settings.xml", external=False),
                                                  *document_rels),
             "word/settings.xml": f'<?xml version="1.0"?><w:settings xmlns:w="{W}"/>',
             "word/_rels/settings.xml.rels": rels(*settings_rels)}
    return {name: data.encode() for name, data in parts.items()} | (extra or {})


ODF = ('<?xml version="1.0"?><office:document-content xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0" '
       'xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0" '
       'xmlns:draw="urn:oasis:names:tc:opendocument:xmlns:drawing:1.0" xmlns:xlink="http://www.w3.org/1999/xlink">'
       '<office:body><office:text><text:p>{}</text:p></office:text></office:body></office:document-content>')


def odt(body: str, extra: dict[str, bytes] | None = None) -> dict[str, bytes]:
    """The parts of an OpenDocument text holding `body` in its one paragraph."""
    return {"mimetype": b"application/vnd.oasis.opendocument.text", "content.xml": ODF.format(body).encode()} | (
        extra or {})


def link(project: Path, name: str, parts: dict[str, bytes], compression: int = zipfile.ZIP_DEFLATED) -> int:
    """Write `parts` as course/media/`name` and link it from the welcome page; the line of the link."""
    with zipfile.ZipFile(project / "course/media" / name, "w", compression) as packed:
        for part, data in parts.items():
            packed.writestr(part, data)
    page = project / "course/pages/welcome.md"
    text = page.read_text(encoding="utf-8").rstrip("\n") + f"\n\n[Download](../media/{name})\n"
    page.write_text(text, encoding="utf-8")
    return text.count("\n")


def refused(project: Path, line: int, name: str, commands: tuple[str, ...] = ("check",)) -> str:
    """The one line about `name` at `line` of the welcome page that each of `commands` ends with (exit 1, no
    traceback), without its start."""
    start = f"course/pages/welcome.md:{line}: `../media/{name}` "
    found = []
    for command in commands:
        result = run(command, str(project))
        assert result.exit_code == 1 and "Traceback" not in result.output, result.output
        lines = [line for line in result.stderr.splitlines() if name in line]
        assert len(lines) == 1 and lines[0].startswith(start), result.stderr
        found.append(lines[0].removeprefix(start))
    assert len(set(found)) == 1
    return found[0]


def passes(project: Path) -> None:
    result = run("check", "--strict", str(project))
    assert result.exit_code == 0, result.output


#: A picture whose `<a:blip r:link>` names rId99, which its relationship types as a hyperlink to another site (the
#: template deck's B9 of 18-verify18), in a Word document.
LINKED_PICTURE = ('<w:r><w:drawing><a:blip xmlns:a="http://schemas.openxmlformats.org/drawingml/2006/main" '
                  'r:link="rId99"/></w:drawing></w:r>')
TRACK = relationship("rId99", "hyperlink", "http://127.0.0.1:9/track.png")


def test_a_linked_picture_in_a_linked_office_file_is_refused_at_the_link(project: Path) -> None:
    """18-verify22 E4: a `.pptx` linked from a page, whose layout picture linked to another site through a
    relationship typed as a hyperlink, passed `check --strict` and was packaged unchanged; LibreOffice fetched the
    picture when the file was opened. It is now one error at the page's line, from check and build."""
    line = link(project, "form.docx", docx(document_xml=document(LINKED_PICTURE), document_rels=(TRACK,)))
    assert refused(project, line, "form.docx", ("check", "build")) == (
        "links to http://127.0.0.1:9/track.png from /word/document.xml, which Word, Excel, PowerPoint or "
        f"LibreOffice would fetch or run when the learner opens it ({office._FIX})")


def test_an_attached_template_at_a_share_is_refused(project: Path) -> None:
    """18-verify22 E4: Word fetches an attached template when the document opens, from a `file://` share with the
    learner's Windows sign-in."""
    template = relationship("rId1", "attachedTemplate", "file://127.0.0.1/share/t.dotm")
    line = link(project, "form.docx", docx(settings_rels=(template,)))
    assert refused(project, line, "form.docx").startswith(
        "links to file://127.0.0.1/share/t.dotm from /word/settings.xml, which")


def test_an_external_relationship_is_external_whatever_its_target_mode_says(project: Path) -> None:
    """A relationship whose target is a URL or a path out of the file leads out of it, TargetMode or not; one
    inside the file (`../media/…` of a part in a folder, OOXML's `/word/…`) does not."""
    inside = (relationship("rId5", "image", "../word/media/a.png", external=False),
              relationship("rId6", "image", "/word/media/b.png", external=False))
    line = link(project, "form.docx", docx(document_rels=(*inside, relationship(
        "rId7", "image", "\\\\127.0.0.1\\share\\x.png", external=False))))
    assert refused(project, line, "form.docx").startswith("links to \\\\127.0.0.1\\share\\x.png from /word/")
    link(project, "fine.docx", docx(document_rels=inside))
    (project / "course/media/form.docx").unlink()
    edit_out(project, "form.docx")
    passes(project)


def edit_out(project: Path, name: str) -> None:
    """Remove the link to `name` from the welcome page."""
    page = project / "course/pages/welcome.md"
    page.write_text(page.read_text(encoding="utf-8").replace(f"[Download](../media/{name})", ""), encoding="utf-8")


def test_web_and_e_mail_hyperlinks_stay(project: Path) -> None:
    """A hyperlink to a web page or an e-mail address is followed only when the learner clicks it, as any link on a
    page: it stays, in Word (`w:hyperlink`), in a drawing (`a:hlinkClick`) and in OpenDocument (`text:a`)."""
    clicked = ('<w:hyperlink r:id="rId7"><w:r><w:t>site</w:t></w:r></w:hyperlink>'
               '<w:r><a:hlinkClick xmlns:a="http://schemas.openxmlformats.org/drawingml/2006/main" r:id="rId8"/></w:r>')
    link(project, "links.docx", docx(document_xml=document(clicked), document_rels=(
        relationship("rId7", "hyperlink", "https://example.org/"),
        relationship("rId8", "hyperlink", "mailto:trainer@example.org"))))
    link(project, "links.odt", odt('<text:a xlink:href="https://example.org/">site</text:a>'
                                   '<draw:image xlink:href="Pictures/a.png"/>'))
    passes(project)


@pytest.mark.parametrize(("name", "parts", "expected"), [
    ("picture.odt", odt('<draw:image xlink:href="http://127.0.0.1:9/odt.png"/>'),
     "links to http://127.0.0.1:9/odt.png from content.xml"),
    ("beside.odt", odt('<draw:image xlink:href="../secret.png"/>'), "links to ../secret.png from content.xml"),
    ("escaped.odt", odt('<draw:image xlink:href="%2e%2e/secret.png"/>'),
     "links to %2e%2e/secret.png from content.xml"),
    ("macro.odt", odt("", {"Basic/Standard/Module1.xml": b"<x/>"}), "holds Basic/Standard/Module1.xml (macros)"),
    ("dde.odt", odt('<office:dde-source office:dde-application="cmd"/>'), "holds a DDE link in content.xml"),
    ("ole.docx", docx(overrides='<Override PartName="/word/embeddings/oleObject1.bin" '
                      'ContentType="application/vnd.openxmlformats-officedocument.oleObject"/>',
                      extra={"word/embeddings/oleObject1.bin": b"\0"}),
     "holds /word/embeddings/oleObject1.bin (application/vnd.openxmlformats-officedocument.oleObject)"),
    ("macro.docx", docx(overrides='<Override PartName="/word/vbaProject.bin" '
                        'ContentType="application/vnd.ms-office.vbaProject"/>', extra={"word/vbaProject.bin": b"\0"}),
     "holds /word/vbaProject.bin (application/vnd.ms-office.vbaProject)"),
    ("data.xlsx", docx(overrides='<Override PartName="/xl/connections.xml" ContentType="application/vnd.'
                       'openxmlformats-officedocument.spreadsheetml.connections+xml"/>',
                       extra={"xl/connections.xml": b"<connections/>"}),
     "holds /xl/connections.xml (application/vnd.openxmlformats-officedocument.spreadsheetml.connections+xml)"),
    ("odt-named.docx", odt('<draw:image xlink:href="http://127.0.0.1:9/odt.png"/>'),  # LibreOffice reads content
     "links to http://127.0.0.1:9/odt.png from content.xml"),
])
def test_what_runs_or_fetches_when_an_office_file_opens_is_refused(project: Path, name: str,
                                                                   parts: dict[str, bytes], expected: str) -> None:
    """OpenDocument's linked pictures, macros and DDE links; OOXML's OLE objects, macros and data connections."""
    line = link(project, name, parts)
    assert refused(project, line, name).startswith(expected + ", which")


def test_an_office_file_is_read_within_bounds(project: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """As the template deck (18-verify18 B2, A9): the parts read are counted as they are unpacked, never as the zip
    declares them (office.MAX_UNPACKED, here 1 MB: a part of 2 MB of spaces, 2 KB deflated), bzip2 and LZMA are
    refused before anything is unpacked, and so is a zip of more parts than MAX_PARTS (here 20), and a file that
    is not a zip (a password-protected one)."""
    monkeypatch.setattr(office, "MAX_UNPACKED", 1024 ** 2)
    monkeypatch.setattr(office, "MAX_PARTS", 20)
    fix = ("save it again with smaller pictures and fewer slides, sheets or pages, or link a PDF of it instead, exported "
           "without links to other files or script (a PDF is packaged as it is, not looked into)")
    line = link(project, "big.docx", docx(document_xml=document(" " * 2 * 1024 ** 2)))
    assert refused(project, line, "big.docx") == (
        f"holds more than 1 MB unpacked, so it cannot be checked for links and macros ({fix})")
    edit_out(project, "big.docx")
    line = link(project, "bz.docx", docx(), zipfile.ZIP_BZIP2)
    assert refused(project, line, "bz.docx").startswith(
        "compresses [Content_Types].xml otherwise than Office applications do (method 12, not stored or deflated)")
    edit_out(project, "bz.docx")
    line = link(project, "many.docx", docx(extra={f"word/media/{i}.png": b"" for i in range(20)}))
    assert refused(project, line, "many.docx") == (
        f"holds 26 parts, more than 20, so it cannot be checked for links and macros ({fix})")
    edit_out(project, "many.docx")
    (project / "course/media/locked.docx").write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 512)
    page = project / "course/pages/welcome.md"
    page.write_text(page.read_text(encoding="utf-8") + "\n[Locked](../media/locked.docx)\n", encoding="utf-8")
    assert refused(project, page.read_text(encoding="utf-8").count("\n"), "locked.docx").startswith(
        "is not an office file as Word, Excel, PowerPoint or LibreOffice save it (BadZipFile: ")


def test_a_zip_of_too_many_parts_is_refused_before_its_directory_is_read(tmp_path: Path,
                                                                          monkeypatch: pytest.MonkeyPatch) -> None:
    """zipfile reads a zip's whole directory before any part can be counted (a 35 MB file of 400,000 empty parts:
    2.7 s and 226 MB): the count and size its end record declares are looked at first, and the one passed is named
    (a directory too large for 3 parts said "holds 3 parts, more than 20")."""
    path = tmp_path / "many.docx"
    with zipfile.ZipFile(path, "w") as packed:
        for i in range(30):
            packed.writestr(f"{i}.xml", b"")
    few = tmp_path / "long.docx"  # 3 parts, each with a comment of 10 KB in the directory: 30 KB, over 20 KB
    with zipfile.ZipFile(few, "w") as packed:
        for i in range(3):
            packed.writestr(zipfile.ZipInfo(f"{i}.xml"), b"")
            packed.getinfo(f"{i}.xml").comment = b"c" * 10_000

    def never(*args: object) -> None:
        raise AssertionError("the directory was read")

    monkeypatch.setattr(office.zipfile, "ZipFile", never)
    with pytest.raises(office.Refused, match="holds 30 parts, more than 20"):
        office.Package(path, 20)
    with pytest.raises(office.Refused) as refused:
        office.Package(few, 20)
    assert str(refused.value) == "has a directory of its parts of 30,153 bytes, more than 20,480"


#: An OpenDocument presentation whose picture is linked from another site (18-verify23 G1: LibreOffice Impress
#: fetched it when it opened the file, named `.odp`, `.csv` or `.txt`).
PRESENTATION = {"mimetype": b"application/vnd.oasis.opendocument.presentation",
                "content.xml": ODF.replace("office:text", "office:presentation").format(
                    '<draw:image xlink:href="http://127.0.0.1:9/track.png"/>').encode()}


@pytest.mark.parametrize("name", ["p.csv", "p.txt", "p.pdf", "p.html"])
def test_an_office_file_is_checked_whatever_its_name(project: Path, name: str) -> None:
    """18-verify23 G1: the rule went by the link's suffix, so the presentation above named `.csv`, `.txt` or `.pdf`
    passed `check --strict` and was packaged byte for byte, and LibreOffice opened it by what it holds and fetched
    the picture. Any linked file whose bytes are a zip is now checked as an office file."""
    line = link(project, name, PRESENTATION)
    assert refused(project, line, name, ("check", "build")).startswith(
        "links to http://127.0.0.1:9/track.png from content.xml, which")


def test_a_zip_after_other_bytes_is_found_by_its_end_record(project: Path) -> None:
    """A zip readers find from its end: the presentation after a PDF's first line, named `.pdf`."""
    line = link(project, "p.pdf", PRESENTATION)
    path = project / "course/media/p.pdf"
    path.write_bytes(b"%PDF-1.4\n" + path.read_bytes())
    assert refused(project, line, "p.pdf").startswith("links to http://127.0.0.1:9/track.png from content.xml, which")


def test_an_ole_container_is_refused_whatever_its_name(project: Path) -> None:
    """An OLE container (a legacy or password-protected office file), which cannot be checked, named `.txt`."""
    (project / "course/media/old.txt").write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 504)
    page = project / "course/pages/welcome.md"
    page.write_text(page.read_text(encoding="utf-8") + "\n\n[Notes](../media/old.txt)\n", encoding="utf-8")
    result = run("check", str(project))
    assert result.exit_code == 1 and "`../media/old.txt` is not an office file as Word" in result.stderr, result.output


def test_a_zip_is_an_archive_and_other_files_are_not_opened(project: Path) -> None:
    """A `.zip` is opened by its name, as an archive, and the files in it by their own names once extracted: a
    download of course files (with a `Scripts/` folder, which would be an OpenDocument file's macros) stays, and
    so does a text file that is not a zip."""
    link(project, "files.zip", {"Scripts/run.py": b"print()", "notes.txt": b"PK\x03\x04 is how a zip starts"})
    (project / "course/media/notes.txt").write_bytes(b"PK\x05\x06 is how a zip ends\n")
    page = project / "course/pages/welcome.md"
    page.write_text(page.read_text(encoding="utf-8") + "\n\n[Notes](../media/notes.txt)\n", encoding="utf-8")
    passes(project)


#: A flat OpenDocument presentation (one XML file, `.fodp`) whose picture is linked from another site (18-verify24
#: H1: LibreOffice opened it named `p.txt` or `p.csv` and fetched the picture).
FLAT = ('<?xml version="1.0" encoding="UTF-8"?>\n<office:document xmlns:office="urn:oasis:names:tc:opendocument:'
        'xmlns:office:1.0" xmlns:draw="urn:oasis:names:tc:opendocument:xmlns:drawing:1.0" '
        'xmlns:xlink="http://www.w3.org/1999/xlink" office:mimetype="application/vnd.oasis.opendocument.presentation">'
        '<office:body><office:presentation><draw:page><draw:frame><draw:image xlink:href="http://127.0.0.1:9/t.png"/>'
        '</draw:frame></draw:page></office:presentation></office:body></office:document>\n')
#: An RTF document whose field fetches a picture from another site when Word opens it.
RTF = '{\\rtf1 {\\field{\\*\\fldinst INCLUDEPICTURE "http://127.0.0.1:9/t.png" \\\\d}}}\n'
#: A SpreadsheetML 2003 workbook (Excel opens it by its `<?mso-application` instruction).
SPREADSHEET_2003 = ('<?xml version="1.0"?>\n<?mso-application progid="Excel.Sheet"?>\n'
                    '<Workbook xmlns="urn:schemas-microsoft-com:office:spreadsheet"/>\n')


ONE_XML = "an office document in one XML file (flat OpenDocument, Word or Excel 2003 XML)"


def write_and_link(project: Path, name: str, data: bytes) -> int:
    """Write `data` as course/media/`name` and link it from the welcome page; the line of the link."""
    (project / "course/media" / name).write_bytes(data)
    page = project / "course/pages/welcome.md"
    text = page.read_text(encoding="utf-8").rstrip("\n") + f"\n\n[Download](../media/{name})\n"
    page.write_text(text, encoding="utf-8")
    return text.count("\n")


@pytest.mark.parametrize(("name", "data", "kind"), [
    ("p.txt", FLAT.encode(), ONE_XML),
    ("p.csv", FLAT.encode(), ONE_XML),
    ("p.txt", b"\n  " + FLAT.replace("urn:oasis", "URN:OASIS").encode(), ONE_XML),
    ("p.csv", b"\xff\xfe" + FLAT.encode("utf-16-le"), ONE_XML),
    ("p.txt", ("<!-- " + "x" * 2_100_000 + " -->\n" + FLAT).encode(), ONE_XML),
    ("s.csv", SPREADSHEET_2003.encode(), ONE_XML),
    ("r.txt", RTF.encode(), "an RTF document")])
def test_an_office_document_in_one_file_is_refused_whatever_its_name(project: Path, name: str, data: bytes,
                                                                      kind: str) -> None:
    """18-verify24 H1: the rule knew office files by a zip or an OLE container only, so a flat OpenDocument
    presentation named `p.txt` or `p.csv` passed `check --strict` and was packaged byte for byte, and LibreOffice
    opened it by what it holds and fetched its linked picture. Such a file (and RTF, and Office's 2003 XML), which
    cannot be checked, is refused at the link, from check and build: in UTF-16 too, and wherever in the file its
    namespace is (past 2 MB of comment here)."""
    line = write_and_link(project, name, data)
    assert refused(project, line, name, ("check", "build")).startswith(
        f"holds {kind}, which LibreOffice, Word or Excel open by what it holds")


def test_text_that_names_an_office_namespace_or_starts_with_markup_stays(project: Path) -> None:
    """A text file about office documents, or one that starts as markup without an office namespace, is no office
    document: it is packaged as before."""
    write_and_link(project, "notes.txt", b"The namespace urn:oasis:names:tc:opendocument:xmlns:office:1.0 and {\\rtf\n")
    write_and_link(project, "tags.txt", b"<p> is a paragraph, <b> bold.\n")
    passes(project)


def test_markup_that_ends_as_a_zip_is_searched_for_script_too(project: Path) -> None:
    """18-verify24 H2: an HTML file ending with an (empty) zip's end record was taken as an office file and never
    searched for script, so check did not warn of the script the build removes. Markup is searched whatever else
    it is."""
    write_and_link(project, "a.html", b"<!doctype html><script>alert(1)</script><p>hi</p><!-- PK\x05\x06"
                   + b"\0" * 18 + b" -->")
    result = run("check", str(project))
    assert result.exit_code == 0 and "course/media/a.html:1: warning: script removed from this file: <script> " \
        "element" in result.stderr, result.output
    line = write_and_link(project, "p.xml", FLAT.encode())  # markup and an office document: both rules
    result = run("check", str(project))
    assert result.exit_code == 1 and "course/media/p.xml:2: warning: script removed from this file: <frame> " \
        "element" in result.stderr and f"course/pages/welcome.md:{line}: `../media/p.xml` holds {ONE_XML}" \
        in result.stderr, result.output


SCRIPT_NS = ('xmlns:script="urn:oasis:names:tc:opendocument:xmlns:script:1.0" '
             'xmlns:presentation="urn:oasis:names:tc:opendocument:xmlns:presentation:1.0" '
             'xmlns:form="urn:oasis:names:tc:opendocument:xmlns:form:1.0" '
             'xmlns:table="urn:oasis:names:tc:opendocument:xmlns:table:1.0"')
#: The document's own events (`office:scripts`), as LibreOffice writes them in content.xml, and a part of styles.
EVENTS = ('<?xml version="1.0"?><office:document-{part} xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:'
          '1.0" xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0" xmlns:xlink="http://www.w3.org/1999/xlink" '
          f'{SCRIPT_NS}><office:scripts>{{body}}</office:scripts></office:document-{{part}}>')
#: LibreOffice's LibreLogo macro, which it trusts as one of its own (CVE-2019-9848), run when the document loads.
ON_LOAD = ('<office:event-listeners><script:event-listener script:language="ooo:script" script:event-name="dom:load" '
           'script:macro-name="vnd.sun.star.script:LibreLogo|LibreLogo.py$run?language=Python&amp;location=share"/>'
           '</office:event-listeners>')


def events(body: str, part: str = "content") -> dict[str, bytes]:
    """An OpenDocument text whose `part` (content or styles) holds `body` in its `office:scripts`."""
    return odt("", {f"{part}.xml": EVENTS.format(part=part, body=body).encode()})


def active(tmp_path: Path, parts: dict[str, bytes]) -> list[str]:
    """What `office.active_content` finds in the office file of `parts`."""
    path = tmp_path / "f.zip"
    with zipfile.ZipFile(path, "w") as packed:
        for part, data in parts.items():
            packed.writestr(part, data)
    with office.Package(path) as package:
        return office.active_content(package)


def test_an_event_that_runs_a_macro_is_refused_at_the_link(project: Path) -> None:
    """18-verify24's lead: an OpenDocument event listener names its macro by `script:macro-name` (no `xlink:href`,
    no `Basic/` folder: it may be one of LibreOffice's own), which the rule did not read, so a text that runs
    LibreLogo when it loads passed `check --strict` and was packaged. It is one error at the link, from check and
    build."""
    line = link(project, "load.odt", events(ON_LOAD))
    assert refused(project, line, "load.odt", ("check", "build")) == (
        "runs a macro or script (event-listener) from content.xml, which Word, Excel, PowerPoint or LibreOffice "
        f"would fetch or run when the learner opens it ({office._FIX})")


@pytest.mark.parametrize(("parts", "expected"), [
    (events(ON_LOAD, "styles"), "runs a macro or script (event-listener) from styles.xml"),
    (odt('<form:button><office:event-listeners><script:event-listener script:language="ooo:script" '
         f'script:event-name="dom:click" script:macro-name="x" {SCRIPT_NS}/></office:event-listeners></form:button>'
         .replace("<form:button>", f"<form:button {SCRIPT_NS}>")),
     "runs a macro or script (event-listener) from content.xml"),
    (odt('<script:event xmlns:script="http://openoffice.org/2000/script" script:event-name="on-load" '
         'script:macro-name="x"/>'), "runs a macro or script (event) from content.xml"),  # OpenOffice.org 1
    (events('<office:script script:language="ooo:Basic">MsgBox 1</office:script>'),
     "runs a macro or script (script) from content.xml"),
    (odt('<text:execute-macro text:name="x">click</text:execute-macro>'),
     "runs a macro or script (execute-macro) from content.xml"),
    (odt(f'<table:error-macro {SCRIPT_NS} table:execute="true"/>'),
     "runs a macro or script (error-macro) from content.xml"),
    (odt(f'<presentation:event-listener {SCRIPT_NS} script:event-name="dom:click" presentation:action="execute" '
         'xlink:href="calc"/>'), "runs a program or object (action execute) from content.xml"),
    (odt(f'<presentation:event-listener {SCRIPT_NS} script:event-name="dom:click" presentation:action="verb" '
         'presentation:verb="1"/>'), "runs a program or object (action verb) from content.xml"),
    (odt(f'<presentation:event-listener {SCRIPT_NS} script:event-name="dom:click" presentation:action="show" '
         'xlink:href="file:///etc/x.odp"/>'), "links to file:///etc/x.odp from content.xml"),
])
def test_what_an_opendocument_file_runs_on_an_event_is_refused(tmp_path: Path, parts: dict[str, bytes],
                                                                expected: str) -> None:
    """Macros bound to an event in any part (styles too) and element (a form control, a field, a cell's
    validation), OpenOffice.org 1's event, a script kept in the document, and a presentation's action that runs a
    program or an OLE object's verb; a page or document shown on a click is held to the rule of links."""
    assert active(tmp_path, parts) == [expected]


def test_a_presentation_s_navigation_and_empty_scripts_stay(tmp_path: Path) -> None:
    """A shape that goes to the next slide, or shows a slide of the file, when clicked runs nothing; LibreOffice
    writes an empty `office:scripts` in every document."""
    clicked = "".join(f'<presentation:event-listener {SCRIPT_NS} script:event-name="dom:click" '
                      f'presentation:action="{action}"{target}/>' for action, target in (
                          ("next-page", ""), ("show", ' xlink:href="#Slide 2"'), ("stop", "")))
    assert active(tmp_path, events("") | {"content.xml": ODF.format(clicked).encode()}) == []
    assert active(tmp_path, events("")) == []


WEB_EXTENSION = ('<we:webextension xmlns:we="http://schemas.microsoft.com/office/webextensions/webextension/2010/11" '
                 'id="{0}"><we:reference id="wa1" version="1.0.0.0" store="https://127.0.0.1:9/" storeType="SPCatalog"'
                 '/></we:webextension>').encode()
OFFICE_2011 = "http://schemas.microsoft.com/office/2011/relationships"


def test_a_web_add_in_is_refused_at_the_link(project: Path) -> None:
    """18-verify24's lead: Office loads a web add-in (`webextensions/webextension1.xml`) from its store's address
    when the file opens; none of its relationships is external and its content type named nothing the rule knew,
    so the document passed `check --strict` and was packaged. It is one error at the link."""
    line = link(project, "addin.docx", docx(overrides='<Override PartName="/word/webextensions/webextension1.xml" '
                                            'ContentType="application/vnd.ms-office.webextension+xml"/>',
                                            extra={"word/webextensions/webextension1.xml": WEB_EXTENSION}))
    assert refused(project, line, "addin.docx", ("check", "build")).startswith(
        "holds /word/webextensions/webextension1.xml (application/vnd.ms-office.webextension+xml), which")


@pytest.mark.parametrize(("extra", "expected"), [
    ({"_rels/.rels": rels(f'<Relationship Id="rId9" Type="{OFFICE_2011}/webextensiontaskpanes" '
                          'Target="xl/webextensions/taskpanes.xml"/>').encode(),
      "xl/webextensions/taskpanes.xml": b"<wetp:taskpanes xmlns:wetp='x'/>"},
     f"holds /xl/webextensions/taskpanes.xml ({OFFICE_2011}/webextensiontaskpanes)"),
    ({"ppt/_rels/presentation.xml.rels": rels(f'<Relationship Id="rId9" Type="{OFFICE_2011}/webextension" '
                                              'Target="../ppt/webextensions/webextension1.xml"/>').encode(),
      "ppt/webextensions/webextension1.xml": WEB_EXTENSION},
     f"holds /ppt/webextensions/webextension1.xml ({OFFICE_2011}/webextension)"),
    ({"_rels/.rels": rels('<Relationship Id="rId9" Type="http://schemas.microsoft.com/office/2007/relationships/ui/'
                          'extensibility" Target="customUI/customUI14.xml"/>').encode(),
      "customUI/customUI14.xml": b"<customUI xmlns='http://schemas.microsoft.com/office/2009/07/customui' "
                                 b"onLoad=\"'other.xlsm'!Run\"/>"},
     "holds /customUI/customUI14.xml (http://schemas.microsoft.com/office/2007/relationships/ui/extensibility)"),
])
def test_a_web_add_in_or_a_ribbon_is_refused_by_its_relationship(tmp_path: Path, extra: dict[str, bytes],
                                                                  expected: str) -> None:
    """A part Office loads through a relationship of a web add-in (its task pane too) or a ribbon (`customUI`,
    whose `onLoad` names a macro, here in another workbook), whatever its content type (a ribbon's is plain XML)."""
    assert active(tmp_path, docx(extra=extra)) == [expected]


@pytest.mark.parametrize("target", ["https://127.0.0.1:9/t.dotm", "C:\\Templates\\t.dotm", "../../t.dotm"])
@pytest.mark.parametrize("external", [True, False])
def test_an_attached_template_out_of_the_file_is_refused_whatever_its_target_mode(
        tmp_path: Path, target: str, external: bool) -> None:
    """A template attached from the web, a disk or beside the file (Word opens it, and its macros, with the
    document) leads out of the file, whether or not its relationship says External."""
    template = relationship("rId1", "attachedTemplate", target, external)
    assert active(tmp_path, docx(settings_rels=(template,))) == [f"links to {target} from /word/settings.xml"]


def test_a_part_found_by_its_content_type_and_its_relationship_is_named_once(tmp_path: Path) -> None:
    """A web add-in named by its content type and by its relationship's type is one thing found, not two."""
    parts = docx(overrides='<Override PartName="/word/webextensions/webextension1.xml" '
                 'ContentType="application/vnd.ms-office.webextension+xml"/>',
                 extra={"word/webextensions/webextension1.xml": WEB_EXTENSION,
                        "_rels/.rels": rels(f'<Relationship Id="rId9" Type="{OFFICE_2011}/webextension" '
                                            'Target="/word/webextensions/webextension1.xml"/>').encode()})
    assert active(tmp_path, parts) == [
        "holds /word/webextensions/webextension1.xml (application/vnd.ms-office.webextension+xml)"]


def _referenced_namespace(reference: str = "&#58;") -> str:
    """FLAT with each `:` of its office namespace written as the character reference `reference`."""
    namespace = "urn:oasis:names:tc:opendocument:xmlns:office:1.0"
    return FLAT.replace(namespace, namespace.replace(":", reference))


def _utf7(text: str) -> bytes:
    """`text` as UTF-7 with the declaration saying so, each `:` of its office namespace encoded (`+ADo-`)."""
    text = text.replace('encoding="UTF-8"', 'encoding="UTF-7"')
    head, _, rest = text.partition('xmlns:office="')
    namespace, _, tail = rest.partition('"')
    return (head + 'xmlns:office="').encode() + namespace.replace(":", "+ADo-").encode() + ('"' + tail).encode()


@pytest.mark.parametrize("data", [
    _referenced_namespace().encode(),
    _referenced_namespace("&#x3A;").encode(),
    _referenced_namespace("&#x00003a;").encode(),
    # a reference cut by the end of the first piece read (64 KB)
    ("<!--" + "x" * (64 * 1024 - 2 - 7 - FLAT.index("urn:oasis") - 3) + "-->" + _referenced_namespace()).encode(),
    FLAT.encode("utf-16-le"),
    FLAT.encode("utf-16-be"),
    FLAT.encode("utf-32-le"),
    _referenced_namespace().encode("utf-16-be"),
    _utf7(FLAT)])
def test_a_flat_document_is_found_as_an_xml_parser_reads_it(tmp_path: Path, data: bytes) -> None:
    """18-verify26-L's lead: the namespace was searched as bytes, so written with character references (which an XML
    parser reads as the same namespace), in UTF-16 without a byte-order mark, or in UTF-7, it hid the document, which
    was packaged unchecked. The file is now decoded, references too, before it is searched."""
    path = tmp_path / "p.txt"
    path.write_bytes(data)
    assert office.one_file_office(path) == ONE_XML


def test_a_reference_to_other_text_is_no_office_document(tmp_path: Path) -> None:
    """Character references that name other text, and a declaration of an encoding that cannot be the file's
    (UTF-16 declared in ASCII), leave a file that is no office document as it was."""
    path = tmp_path / "p.txt"
    path.write_bytes(b'<?xml version="1.0" encoding="UTF-16"?><p>urn&#58;other &#99999999; &#x110000;</p>')
    assert office.one_file_office(path) is None
    path.write_bytes(b'<?xml version="1.0" encoding="UTF-16"?>' + FLAT.split("?>", 1)[1].encode())
    assert office.one_file_office(path) == ONE_XML
