"""Office files (Office Open XML: `.pptx`, `.docx`, `.xlsx`; OpenDocument: `.odp`, `.odt`, `.ods`) read as the zip
packages they are, within bounds (`Package`), and what in them an office application fetches or runs when the file
is opened (`active_content`): the one rule for the project's slide-deck template (`slides`) and for every office
file a page links, which the packages carry for the learner to download (`validation`).

Rules kept here (issue 18, eighteenth verification B2, A9, B9; twenty-second E4): an office file may link to
nothing outside itself but web and e-mail hyperlinks, which are followed only when clicked (a picture linked to
`http://…/track.png` is fetched when the file opens; one at `file://host/share/…`, or an attached template there,
sends the Windows sign-in to that host), and may hold no macros, OLE objects, ActiveX controls, links to other
workbooks or data connections, nor, since 18-verify24's leads, web add-ins, custom ribbons or anything bound to an
event (an OpenDocument event listener names a macro by `script:macro-name`, no link at all); its zip is read in
pieces, each part counted as it is unpacked, never as the zip declares it.
"""

from __future__ import annotations

import codecs
import io
import posixpath
import re
import struct
import zipfile
import zlib
from collections.abc import Callable
from pathlib import Path
from types import TracebackType
from typing import cast
from urllib.parse import unquote

from lxml import etree

#: The kinds of office file, by suffix, a package may carry for download (`media.PACKAGED_TYPES`).
OFFICE_TYPES = frozenset({".docx", ".xlsx", ".pptx", ".odt", ".ods", ".odp"})
#: The most parts (zip members) an office file may hold: the zip's directory is read whole by `zipfile`, so a 35 MB
#: file of 400,000 empty members took 2.7 s and 226 MB before any was looked at. PowerPoint writes about
#: four parts a slide (slide, its relationships, a picture or two): 10,000 is a deck of over 2,000 slides.
MAX_PARTS = 10_000
#: The most bytes the zip's directory may take for each part it may hold (about 100 a part as Office names them),
#: read from the zip's end record before `zipfile` reads the directory.
_DIRECTORY_BYTES_A_PART = 1_024
#: The most bytes the parts read from one office file may hold unpacked, in all, counted as they are unpacked (an
#: 842 KB deck held 800 MiB of zeros, 32 KB of bzip2 6 GB: 18-verify18 B2, A9): every part for a template deck
#: (python-pptx reads them all), the XML parts alone for a linked file (its pictures are never unpacked). Python-pptx's
#: own template holds 92 KB; the XML of a 300-slide deck, about 10 MB.
MAX_UNPACKED = 32 * 1024 ** 2
#: How an office file's parts may be compressed: what Microsoft Office, LibreOffice and python-pptx write.
COMPRESSIONS = {zipfile.ZIP_STORED: "stored", zipfile.ZIP_DEFLATED: "deflated"}
#: How much of a part is unpacked at a time (bytes) while counting it against MAX_UNPACKED.
_PIECE = 1024 ** 2
#: The first bytes of a zip (its first local file header, APPNOTE.TXT 4.3.7) and of an OLE compound file (MS-CFB
#: 2.2: a legacy or password-protected office file).
_ZIP_START, _OLE_START = b"PK\x03\x04", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
#: The signature of a zip's directory header (APPNOTE.TXT 4.3.12): the first bytes of its directory.
_DIRECTORY_HEADER = b"PK\x01\x02"
#: The zip's end-of-central-directory record: its signature and layout (APPNOTE.TXT 4.3.16), and the most bytes after
#: it (its comment).
_END_RECORD, _END_LAYOUT, _MOST_COMMENT = b"PK\x05\x06", "<4s4H2LH", 0xFFFF

#: Words in a part's content type, or in the type of a relationship to it, that mark what runs or fetches something
#: when the file opens: macros (`vbaProject`, `vbaData`, a `macroEnabled` document), OLE objects, ActiveX controls,
#: links to other workbooks (`externalLink`, which DDE links are too), data connections (`connections`, refreshed on
#: opening), web add-ins (`webextension`, `webextensiontaskpanes`: Office loads the add-in from its store's address
#: when the file opens; 18-verify24's leads) and ribbons (`ui/extensibility`, the `customUI` part, whose callbacks,
#: `onLoad` first, name macros, which Excel looks up in any open workbook as `'book.xlsm'!name`). A part is found by
#: its content type or by its relationship's type: a ribbon's is plain XML, and Office loads a part only through a
#: relationship, and refuses a file whose part's relationship and content type disagree.
ACTIVE_TYPES = ("vba", "macroenabled", "oleobject", "activex", "externallink", "connections", "webextension",
                "extensibility")
#: Links an office file may keep to outside it: web and e-mail hyperlinks, followed only when clicked.
CLICKED_LINKS = ("http://", "https://", "mailto:")
_RELATIONSHIPS = ("http://schemas.openxmlformats.org/officeDocument/2006/relationships",
                  "http://purl.oclc.org/ooxml/officeDocument/relationships")
#: The elements whose `r:id` names a hyperlink, followed only when its text or shape is clicked or pointed at:
#: DrawingML's (any slide, chart or drawing), WordprocessingML's and SpreadsheetML's, in OOXML's transitional and
#: strict namespaces. The only use an external relationship may have.
HYPERLINK_ELEMENTS = frozenset(
    f"{{{namespace}}}{name}" for namespace, names in (
        ("http://schemas.openxmlformats.org/drawingml/2006/main", ("hlinkClick", "hlinkHover")),
        ("http://purl.oclc.org/ooxml/drawingml/main", ("hlinkClick", "hlinkHover")),
        ("http://schemas.openxmlformats.org/wordprocessingml/2006/main", ("hyperlink",)),
        ("http://purl.oclc.org/ooxml/wordprocessingml/main", ("hyperlink",)),
        ("http://schemas.openxmlformats.org/spreadsheetml/2006/main", ("hyperlink",)),
        ("http://purl.oclc.org/ooxml/spreadsheetml/main", ("hyperlink",)))
    for name in names)
#: The attribute that names a hyperlink's relationship in `HYPERLINK_ELEMENTS`.
HYPERLINK_ATTRIBUTES = frozenset(f"{{{namespace}}}id" for namespace in _RELATIONSHIPS)
_PACKAGE_RELATIONSHIPS = "http://schemas.openxmlformats.org/package/2006/relationships"
_CONTENT_TYPES = "http://schemas.openxmlformats.org/package/2006/content-types"
#: OpenDocument's links (ODF 1.3 part 3, 19.910 `xlink:href`; 19.262 `form:image-data`, a button's picture), and
#: the elements whose `xlink:href` is a hyperlink (`text:a`, `draw:a`), followed only when clicked. Any other
#: element's link is fetched or opened with the document: a linked picture (`draw:image`), object, frame, section
#: or table source.
_XLINK_HREF = "{http://www.w3.org/1999/xlink}href"
ODF_LINKS = frozenset({_XLINK_HREF, "{urn:oasis:names:tc:opendocument:xmlns:form:1.0}image-data"})
ODF_HYPERLINKS = frozenset({"{urn:oasis:names:tc:opendocument:xmlns:text:1.0}a",
                            "{urn:oasis:names:tc:opendocument:xmlns:drawing:1.0}a"})
#: OpenDocument's DDE links (ODF 1.3 part 3, 14.6.2 and 9.8.2), updated from another program when the file opens.
ODF_DDE = frozenset({"{urn:oasis:names:tc:opendocument:xmlns:office:1.0}dde-source",
                     "{urn:oasis:names:tc:opendocument:xmlns:text:1.0}dde-connection-decl",
                     "{urn:oasis:names:tc:opendocument:xmlns:table:1.0}dde-link"})


def _odf_namespaces(prefix: str) -> tuple[str, str]:
    """The namespaces OpenDocument and OpenOffice.org 1 name `prefix` ("script")."""
    return f"urn:oasis:names:tc:opendocument:xmlns:{prefix}:1.0", f"http://openoffice.org/2000/{prefix}"


#: OpenDocument's elements (and OpenOffice.org 1's) that run a macro, a script or a program, as its namespace (any
#: element of the `script` one) or tag says: an event listener (ODF 1.3 part 3, 10.3.2 `script:event-listener`; 1's
#: `script:event`) names a macro by `script:macro-name` or `xlink:href` and binds it to the document's load or a
#: shape's, a form control's, a field's or a cell's event; it may name one of LibreOffice's own (CVE-2019-9848's
#: LibreLogo), so that no `Basic/` folder is in the file (18-verify24's leads). Scripts kept in the document
#: (`office:script`, `text:script`), a field that runs a macro when clicked (`text:execute-macro`) and a cell
#: validation's macro (`table:error-macro`) too. An empty `office:scripts`, which LibreOffice writes in every
#: document, holds none.
ODF_SCRIPT_NAMESPACES = tuple(f"{{{namespace}}}" for namespace in _odf_namespaces("script"))
ODF_SCRIPTS = frozenset(f"{{{namespace}}}{name}" for prefix, names in (
    ("office", ("script",)), ("text", ("script", "execute-macro")), ("table", ("error-macro",)))
    for namespace in _odf_namespaces(prefix) for name in names)
#: What a presentation's shape or button may do when clicked (ODF 1.3 part 3, 19.381 `presentation:action`): go to a
#: slide, end the show, show a page or document or play a sound (whose `xlink:href` is held to `ODF_LINKS`' rule).
#: Any other action is refused: `execute` runs the program its `xlink:href` names, `verb` an OLE object's verb.
ODF_CLICKED_ACTIONS = frozenset({"none", "previous-page", "next-page", "first-page", "last-page", "last-visited-page",
                                 "hide", "stop", "show", "fade-out", "sound"})
_ODF_ACTIONS = frozenset(f"{{{namespace}}}action" for namespace in _odf_namespaces("presentation"))
#: The folders LibreOffice keeps an OpenDocument file's macros in.
ODF_MACROS = ("Basic/", "Scripts/")
_MANIFEST = "META-INF/manifest.xml"
_MEDIA_TYPE = "{urn:oasis:names:tc:opendocument:xmlns:manifest:1.0}media-type"
_FULL_PATH = "{urn:oasis:names:tc:opendocument:xmlns:manifest:1.0}full-path"


class Refused(Exception):
    """An office file `Package` does not read: its argument says why, in a few words after the file's name ("holds
    more than 32 MB unpacked")."""


class Package:
    """The office file at `path`, opened as a zip of at most `max_parts` parts (MAX_PARTS if None; its directory read
    only when the zip's end record says it holds no more, in at most `_DIRECTORY_BYTES_A_PART` bytes each), each
    stored or deflated (`COMPRESSIONS`: bzip2 and LZMA pack more), its parts read by `read`, all within
    MAX_UNPACKED.

    Raises Refused past a bound, and `zipfile.BadZipFile` (or OSError) for a file that is not a zip. A context
    manager: the zip is closed on leaving it."""

    def __init__(self, path: Path, max_parts: int | None = None) -> None:
        max_parts = MAX_PARTS if max_parts is None else max_parts
        if declared := _end_record(path):
            parts, directory = declared
            if parts > max_parts:
                raise Refused(f"holds {parts:,} parts, more than {max_parts:,}")
            if directory > max_parts * _DIRECTORY_BYTES_A_PART:  # long names, extra fields or comments of its parts
                raise Refused(f"has a directory of its parts of {directory:,} bytes, more than "
                              f"{max_parts * _DIRECTORY_BYTES_A_PART:,}")
        self._zip = zipfile.ZipFile(path)  # raises BadZipFile for a file that is not a zip
        members = [member for member in self._zip.infolist() if not member.is_dir()]
        if len(members) > max_parts:
            self._zip.close()
            raise Refused(f"holds {len(members):,} parts, more than {max_parts:,}")
        for member in members:
            if member.compress_type not in COMPRESSIONS:
                self._zip.close()
                raise Refused(f"compresses {member.filename} otherwise than Office applications do (method "
                              f"{member.compress_type}, not {' or '.join(COMPRESSIONS.values())})")
        #: The parts' names, as the zip gives them (no leading `/`), in its order.
        self.names = [member.filename for member in members]
        self._read: dict[str, bytes] = {}
        self._left = MAX_UNPACKED

    def __enter__(self) -> Package:
        return self

    def __exit__(self, kind: type[BaseException] | None, error: BaseException | None,
                 traceback: TracebackType | None) -> None:
        self._zip.close()

    def read(self, name: str) -> bytes:
        """The part `name` (one of `names`) unpacked, read in pieces counted against what is left of MAX_UNPACKED
        for the file (each part counted once: read again, it is the same bytes). Raises Refused past it."""
        if name not in self._read:
            pieces = []
            with self._zip.open(name) as part:
                while piece := part.read(min(_PIECE, self._left + 1)):
                    self._left -= len(piece)
                    if self._left < 0:
                        raise Refused(f"holds more than {MAX_UNPACKED // 1024 ** 2} MB unpacked")
                    pieces.append(piece)
            self._read[name] = b"".join(pieces)
        return self._read[name]

    def scan(self, name: str, start: Callable[[str, dict[str, str]], None]) -> bool:
        """Call `start(tag, attributes)` for each element of the part `name`, in document order, as libxml2 reads it
        (no entity expanded, no network, its default limits), keeping no tree: 32 MB of small elements took a tree
        of 1 GB. False if the part is not well-formed XML (`start` may have been called for its start). Raises
        Refused as `read` does."""
        try:
            # only `start` and `close`: lxml calls what the target has, so no call for each text and end tag
            target = cast("etree.ParserTarget", _Target(start))
            etree.fromstring(self.read(name), etree.XMLParser(target=target, resolve_entities=False, no_network=True))
        except etree.XMLSyntaxError:
            return False
        return True


def _end_record(path: Path) -> tuple[int, int] | None:
    """(parts, bytes of its directory) as the zip's end record in the last 64 KB of the file at `path` declares them
    (APPNOTE.TXT 4.3.16; the last record there, as `zipfile` takes it), if its directory starts where it says (its
    first header's signature; a zip64 record's is taken as it is); None if there is no such record: a text that
    ends with the record's signature is no zip. Raises OSError."""
    with path.open("rb") as file:
        size = file.seek(0, io.SEEK_END)
        tail_size = min(size, struct.calcsize(_END_LAYOUT) + _MOST_COMMENT)
        file.seek(size - tail_size)
        tail = file.read(tail_size)
        start = tail.rfind(_END_RECORD)
        if start < 0 or start + struct.calcsize(_END_LAYOUT) > len(tail):
            return None
        record = struct.unpack_from(_END_LAYOUT, tail, start)
        parts, directory = record[4], record[5]
        if parts == 0xFFFF or directory == 0xFFFFFFFF:  # zip64: its own record gives them
            return parts, directory
        directory_start = size - tail_size + start - directory
        if directory_start < 0:
            return None
        file.seek(directory_start)
        return (parts, directory) if not directory or file.read(4) == _DIRECTORY_HEADER else None


class _Target:
    """A parser target (lxml) that hands each element's start to a function and keeps nothing."""

    def __init__(self, start: Callable[[str, dict[str, str]], None]) -> None:
        self.start = start

    def close(self) -> None:
        return None


def active_content(package: Package) -> list[str]:
    """What in the office file `package` an office application fetches or runs when the file opens (or on an event in
    it), each as "links to … from …", "holds …", "runs …": an external relationship (any whose TargetMode is External,
    or whose target is a URL or a path out of the file) other than a web or e-mail hyperlink (`CLICKED_LINKS`) that its
    part names nowhere but as a hyperlink (`_not_clicked`), whatever its type says (a picture's `<a:blip r:link>` naming
    one typed as a hyperlink was fetched by LibreOffice when a deck opened: 18-verify18 B9); a part of a content type,
    or that a relationship of a type, `ACTIVE_TYPES` names (once); OpenDocument's links (`ODF_LINKS`) out of the file
    other than hyperlinks, its DDE links, macros and what it runs on an event (`_odf_problems`). Both kinds of file are
    looked at in every office file, whatever its name says: LibreOffice opens a file by what it holds. Each part read
    once, as it is parsed (`Package.scan`). Raises Refused as `Package.read` does."""
    active = {name: kind for name, kind in _content_types(package) if _active(kind)}
    found: list[str] = []
    for name in package.names:
        if name.endswith(".rels"):
            found += _relationship_problems(package, name, active)
        elif name.endswith(".xml"):
            found += _odf_problems(package, name)
    return ([f"holds {name} (macros)" for name in package.names if name.startswith(ODF_MACROS)]
            + [f"holds {name} ({kind})" for name, kind in active.items()] + found)


def _active(kind: str) -> bool:
    """Whether the content type or relationship type `kind` is of a part that runs or fetches something
    (`ACTIVE_TYPES`)."""
    return any(word in kind.lower() for word in ACTIVE_TYPES)


def _content_types(package: Package) -> list[tuple[str, str]]:
    """Each part's name (with a leading `/`, as OOXML names parts) and content type, as `[Content_Types].xml` gives
    it (for the part, or for its extension), and each an OpenDocument manifest gives; none for a file with neither."""
    named = {"/" + name.lower() for name in package.names}
    defaults: dict[str, str] = {}
    overrides: dict[str, str] = {}

    def content_type(tag: str, attributes: dict[str, str]) -> None:
        if tag == f"{{{_CONTENT_TYPES}}}Default":
            defaults[attributes.get("Extension", "").lower()] = attributes.get("ContentType", "")
        elif tag == f"{{{_CONTENT_TYPES}}}Override" and attributes.get("PartName", "").lower() in named:
            overrides[attributes.get("PartName", "").lower()] = attributes.get("ContentType", "")

    found: list[tuple[str, str]] = []
    if "[Content_Types].xml" in package.names and package.scan("[Content_Types].xml", content_type):
        found += [("/" + name, overrides.get("/" + name.lower(),
                                             defaults.get(posixpath.splitext(name)[1][1:].lower(), "")))
                  for name in package.names]
    if _MANIFEST in package.names:
        package.scan(_MANIFEST, lambda tag, attributes: found.append(
            (attributes.get(_FULL_PATH, ""), attributes[_MEDIA_TYPE])) if _MEDIA_TYPE in attributes else None)
    return found


def _relationship_problems(package: Package, name: str, active: dict[str, str]) -> list[str]:
    """What the relationships part `name` (`dir/_rels/part.rels`, those of `dir/part`) links to outside the file
    that is not a hyperlink its part names only as such; each part it relates of a type `ACTIVE_TYPES` names is
    added to `active` (part name with a leading `/`: its type), unless it is there. A relationships part that is not
    XML: one line."""
    folder, rels = posixpath.split(name)
    source = posixpath.join(posixpath.dirname(folder), rels.removesuffix(".rels"))
    found: list[str] = []
    clicked: dict[str, str] = {}  # web and e-mail hyperlinks, by id: allowed if the part names them only so

    def relationship(tag: str, attributes: dict[str, str]) -> None:
        target, kind = attributes.get("Target", ""), attributes.get("Type", "")
        if tag != f"{{{_PACKAGE_RELATIONSHIPS}}}Relationship":
            return
        if not (attributes.get("TargetMode", "").lower() == "external"
                or _outside(target, posixpath.dirname(source), rooted_inside=True)):
            if _active(kind):
                active.setdefault(posixpath.normpath(posixpath.join("/", posixpath.dirname(source), target)), kind)
        elif kind.endswith("/hyperlink") and target.lower().startswith(CLICKED_LINKS):
            clicked[attributes.get("Id", "")] = target
        else:
            found.append(f"links to {target} from /{source}")

    if not package.scan(name, relationship):
        return [f"holds relationships that cannot be read ({name} is not well-formed XML)"]
    fetched = _not_clicked(package, source, set(clicked)) if clicked else set()
    return found + [f"links to {clicked[rid]} from /{source}" for rid in clicked if rid in fetched]


def _outside(target: str, folder: str, rooted_inside: bool) -> bool:
    """Whether the link `target` of a part in the file's `folder` leads out of the file: a URL (any scheme), a
    network path, a relative one out of the file's top (the folder the file is in on the learner's disk), or an
    absolute path unless `rooted_inside` (OOXML's `/word/document.xml` is a part; OpenDocument's is a file)."""
    path = unquote(target).replace("\\", "/").strip()  # a link is a URI: `%2e%2e/` is `../`
    if ":" in path.split("/", 1)[0] or path.startswith("//"):
        return True
    if path.startswith("/"):
        return not rooted_inside
    return posixpath.normpath(posixpath.join(folder, path)).startswith("..")


def _not_clicked(package: Package, source: str, ids: set[str]) -> set[str]:
    """Those of the relationships `ids` that the part `source` names otherwise than as a hyperlink: in an attribute
    of a namespace but the `r:id` of a `HYPERLINK_ELEMENTS` element (a picture's `r:embed` or `r:link`, a video's, an
    OLE object's `r:id` would fetch it). All of them if the part is missing or not XML. Found in one pass over the
    part: one for each relationship took `check` 8 s for 4,000 hyperlinks of a layout of 4,000 paragraphs
    (18-verify20 B5)."""
    fetched: set[str] = set()

    def named(tag: str, attributes: dict[str, str]) -> None:
        fetched.update(value for attribute, value in attributes.items() if value in ids and attribute.startswith("{")
                       and not (attribute in HYPERLINK_ATTRIBUTES and tag in HYPERLINK_ELEMENTS))

    return fetched if source in package.names and package.scan(source, named) else ids


def _odf_problems(package: Package, name: str) -> list[str]:
    """What the XML part `name` of an OpenDocument file links to outside the file (`ODF_LINKS`) but as a web or
    e-mail hyperlink (`ODF_HYPERLINKS`), its DDE links (`ODF_DDE`), the macros, scripts and programs it runs
    (`ODF_SCRIPT_NAMESPACES`, `ODF_SCRIPTS`, a presentation's action but `ODF_CLICKED_ACTIONS`). A part that is not
    XML: nothing (an OOXML part's relationships are looked at in its `.rels`; LibreOffice reads no OpenDocument that
    is not XML)."""
    found: list[str] = []
    folder = posixpath.dirname(name)

    def linked(tag: str, attributes: dict[str, str]) -> None:
        if tag in ODF_DDE:
            found.append(f"holds a DDE link in {name}")
        if tag in ODF_SCRIPTS or tag.startswith(ODF_SCRIPT_NAMESPACES):
            found.append(f"runs a macro or script ({etree.QName(tag).localname}) from {name}")
        for attribute in _ODF_ACTIONS.intersection(attributes):
            if attributes[attribute] not in ODF_CLICKED_ACTIONS:
                found.append(f"runs a program or object (action {attributes[attribute]}) from {name}")
        for attribute in ODF_LINKS.intersection(attributes):
            target = attributes[attribute]
            clicked = tag in ODF_HYPERLINKS and attribute == _XLINK_HREF and target.lower().startswith(CLICKED_LINKS)
            if not clicked and _outside(target, folder, rooted_inside=False):
                found.append(f"links to {target} from {name}")

    return found if package.scan(name, linked) else []


#: The end of every fix of a linked office file: a PDF of it instead. A PDF is packaged as it is and not looked into (a
#: PDF's actions, `/OpenAction` and `/AA`, may fetch or run what its reader allows: 18-verify24-H H7), so the fix
#: asks for one exported plainly rather than promising that any PDF is safe.
_PDF_INSTEAD = ("or link a PDF of it instead, exported without links to other files or script (a PDF is packaged as "
                "it is, not looked into)")
#: How a linked office file that fetches or runs something when it is opened is fixed.
_FIX = ("embed its pictures, remove its macros, add-ins, custom ribbon, OLE objects and links to other files, such "
        "as an attached template, linked objects or data and other workbooks, and save it again; web and e-mail "
        "hyperlinks may stay; " + _PDF_INSTEAD)


#: How much of a file is read at a time while it is searched for `_ONE_FILE_MARKERS` (bytes): the first piece is
#: read from every file a page links.
_SEARCHED_PIECE = 64 * 1024
#: What marks an office document kept in one text file, which LibreOffice (and Word or Excel) open by what it holds,
#: whatever its name: RTF at its start (a field's `INCLUDEPICTURE` fetches a picture, `\objdata` is an OLE object);
#: else, in a file that starts as XML does (`<`), any of these in it, case aside: the OpenDocument office namespace
#: (flat OpenDocument, `.fodt`/`.fods`/`.fodp`/`.fodg`: a presentation of one XML file named `p.txt` or `p.csv`
#: fetched its linked picture when LibreOffice opened it, 18-verify24 H1), that of OpenOffice.org 1's XML, Office's
#: `<?mso-application` instruction, and the namespaces of Word 2003 XML, SpreadsheetML 2003 and Office's flat
#: package (`pkg:package`), each by its own name.
_RTF_START = "{\\rtf"
_ONE_FILE_MARKERS = ("urn:oasis:names:tc:opendocument:xmlns:office:1.0", "http://openoffice.org/2000/office",
                     "<?mso-application", "http://schemas.microsoft.com/office/word/2003/wordml",
                     "urn:schemas-microsoft-com:office:spreadsheet",
                     "http://schemas.microsoft.com/office/2006/xmlpackage")
#: The byte-order marks a file may start with, and the encoding each starts (UTF-32's before UTF-16's, whose marks
#: begin theirs).
_MARKS = ((codecs.BOM_UTF8, "utf-8"), (codecs.BOM_UTF32_LE, "utf-32-le"), (codecs.BOM_UTF32_BE, "utf-32-be"),
          (codecs.BOM_UTF16_LE, "utf-16-le"), (codecs.BOM_UTF16_BE, "utf-16-be"))
#: The encoding of a file without a byte-order mark, by where its first four bytes are zero (XML 1.0, Appendix F:
#: the first character is ASCII, `<` or white space): 1 for a zero, 0 for any other byte.
_UNMARKED: dict[tuple[int, ...], str] = {(0, 1, 1, 1): "utf-32-le", (1, 1, 1, 0): "utf-32-be",
                                          (0, 1, 0, 1): "utf-16-le", (1, 0, 1, 0): "utf-16-be"}
#: The encoding an XML declaration names (`<?xml version="1.0" encoding="UTF-7"?>`), read in a file that starts in
#: ASCII: an XML parser decodes the rest so.
_DECLARED_ENCODING = re.compile(r"""<\?xml[^>]*?encoding\s*=\s*["']([A-Za-z0-9._-]+)""")
#: A character reference (`&#58;`, `&#x3A;`, leading zeros aside), which an XML parser reads as its character, in an
#: attribute's value (a namespace's) as in text; none longer names a character.
_CHARACTER_REFERENCE = re.compile(r"&#(?:[xX]0*([0-9a-fA-F]{1,6})|0*([0-9]{1,7}));")
#: The most characters of a character reference cut by the end of a piece that are carried into the next.
_CARRIED = 256


def one_file_office(path: Path) -> str | None:
    """What office document kept in one file the file at `path` holds ("an RTF document", "an office document in
    one XML file …"), which an office application opens by what it holds whatever the file's name, and which cannot
    be checked for links and macros (RTF's fields, and every element of a flat document, may fetch something): RTF
    at its start, or a start as XML (`<` after white space) and any of `_ONE_FILE_MARKERS` anywhere in it, case aside
    (searched a piece at a time, the whole file: no window the application might read further than). The file is
    read as an XML parser reads it (`_encoding`: a byte-order mark, UTF-16 or UTF-32 without one, an encoding its
    declaration names), character references decoded: `urn&#58;oasis&#58;…`, UTF-16 without a mark and UTF-7 hid
    the namespace from a search of the bytes (18-verify26-L's lead). None for any other file, read no further than
    its first piece that is not white space. Raises OSError."""
    with path.open("rb") as file:
        decoder = codecs.getincrementaldecoder(_encoding(file.read(_SEARCHED_PIECE)))("replace")
        file.seek(0)
        text, more = "", b"-"
        while text == "" and more:
            more = file.read(_SEARCHED_PIECE)
            text = decoder.decode(more, final=not more).lstrip("\ufeff \t\r\n")
        if text.startswith(_RTF_START):
            return "an RTF document"
        if not text.startswith("<"):
            return None
        longest = max(map(len, _ONE_FILE_MARKERS))
        kept = cut = ""  # the end of the text before (a marker across two pieces), and a reference cut there
        while text or cut:
            text, cut = cut + text, ""
            if more and (amp := text.rfind("&", max(0, len(text) - _CARRIED))) >= 0 and ";" not in text[amp:]:
                text, cut = text[:amp], text[amp:]
            searched = kept + _CHARACTER_REFERENCE.sub(_referenced, text).lower()
            if any(marker in searched for marker in _ONE_FILE_MARKERS):
                return "an office document in one XML file (flat OpenDocument, Word or Excel 2003 XML)"
            kept = searched[-longest:]
            more = file.read(_SEARCHED_PIECE)
            text = decoder.decode(more, final=not more)
    return None


def _encoding(start: bytes) -> str:
    """The encoding of a file that starts with the bytes `start`, as an XML parser finds it (XML 1.0, 4.3.3 and
    Appendix F): its byte-order mark's (`_MARKS`), that of UTF-16 or UTF-32 by the zero bytes of its first character
    (`_UNMARKED`), else the one its declaration names if Python knows it as a text encoding that reads the
    declaration as it is (UTF-7 too), else UTF-8."""
    if mark := next((name for mark, name in _MARKS if start.startswith(mark)), None):
        return mark
    if zeros := _UNMARKED.get(tuple(int(byte == 0) for byte in start[:4])):
        return zeros
    start = start.lstrip(b" \t\r\n")
    declared = _DECLARED_ENCODING.match(start[:1024].decode("latin-1"))
    try:  # one that would not read the declaration as it is (`UTF-16` declared in ASCII) is not the file's
        if declared and start[:5].decode(name := codecs.lookup(declared[1]).name, "replace") == "<?xml":
            return name
    except LookupError:  # unknown, or not a text encoding (`base64`)
        pass
    return "utf-8"


def _referenced(reference: re.Match[str]) -> str:
    """The character a `_CHARACTER_REFERENCE` names, U+FFFD if none."""
    code = int(reference[1], 16) if reference[1] else int(reference[2])
    return chr(code) if code < 0x110000 else "\ufffd"


def opened_as_office(path: Path) -> bool:
    """Whether an office application may open the file at `path` as an office file, so a page's link to it is held to
    `linked_file_problem`: named as one (`OFFICE_TYPES`), or named otherwise but as a `.zip` and holding a zip (its
    first local header at the start, or an end record in its last 64 KB, `_end_record`), an OLE container, or an
    office document in one file (`one_file_office`). LibreOffice opens a file by what it holds: an OpenDocument
    presentation named `p.csv` or `p.txt` fetched its linked picture when it was opened (18-verify23 G1), as did a
    flat one, one XML file (18-verify24 H1); nothing but an office file is a zip named `.csv`, `.txt` or `.pdf`. A
    `.zip` is opened by its name, as an archive (Windows, macOS, and Linux desktops, whose shared-mime-info goes by
    a name one pattern matches), and the files in it by their own names once extracted; they are not looked into.
    Reads the file's first 8 bytes and its last 64 KB, and, for a file that starts as XML does, all of it. Raises
    OSError."""
    suffix = path.suffix.lower()
    if suffix in OFFICE_TYPES or suffix == ".zip":
        return suffix != ".zip"
    with path.open("rb") as file:
        start = file.read(len(_OLE_START))
    return start.startswith((_ZIP_START, _OLE_START)) or _end_record(path) is not None \
        or one_file_office(path) is not None


def linked_file_problem(path: Path) -> tuple[str, str] | None:
    """(what is wrong, how to fix it) for the office file at `path` that a page links: the first of what
    `active_content` finds in it and how many more, or why `Package` does not read it (past a bound, or not a zip:
    a password-protected file is an OLE container, which cannot be checked), or that it is an office document in one
    file (`one_file_office`), which cannot be checked either; None if nothing is wrong. Raises OSError."""
    if kind := one_file_office(path):
        return (f"holds {kind}, which LibreOffice, Word or Excel open by what it holds, whatever the file's name, "
                "and which cannot be checked for links and macros",
                "save it as .odt, .ods, .odp, .docx, .xlsx or .pptx, which are checked, or link a PDF of it instead")
    try:
        with Package(path) as package:
            found = active_content(package)
    except Refused as refused:
        return (f"{refused}, so it cannot be checked for links and macros",
                "save it again with smaller pictures and fewer slides, sheets or pages, " + _PDF_INSTEAD)
    except (zipfile.BadZipFile, zlib.error, EOFError, RuntimeError, ValueError) as error:
        return (f"is not an office file as Word, Excel, PowerPoint or LibreOffice save it ({type(error).__name__}: "
                f"{str(error)[:120]}), so it cannot be checked for links and macros",
                "save it again without a password, " + _PDF_INSTEAD)
    if not found:
        return None
    more = f" (and {len(found) - 1:,} more)" if len(found) > 1 else ""
    return (f"{found[0]}{more}, which Word, Excel, PowerPoint or LibreOffice would fetch or run when the learner "
            "opens it", _FIX)
