"""A project's template deck (`templates/slides.pptx`) against the eighteenth verification's attacks (issue 18,
18-verify18 B2, B9, B11 and A9): a zip bomb, a picture linked through a relationship typed as a hyperlink, and a
title placeholder with no position; and the twentieth's (18-verify20 B5): a layout of many placeholders."""

from __future__ import annotations

import io
import shutil
import zipfile
from pathlib import Path
from typing import Callable

import pytest
from pptx import Presentation

from builder import office, slides
from builder.cache import CACHE_DIR

from conftest import FIXTURES, growth, run

DECK = "templates/slides.pptx"
REL = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
#: A relationship typed as a hyperlink, to a web address, in a layout's or master's .rels.
HYPERLINK = (f'<Relationship Id="rId99" Type="{REL}/hyperlink" Target="http://127.0.0.1:9/track.png" '
             'TargetMode="External"/>')
#: A picture linked (`r:link`) through rId99, as LibreOffice fetches it when the deck opens.
LINKED_PICTURE = ('<p:pic><p:nvPicPr><p:cNvPr id="99" name="Track"/><p:cNvPicPr/><p:nvPr/></p:nvPicPr><p:blipFill>'
                  '<a:blip r:link="rId99"/><a:stretch><a:fillRect/></a:stretch></p:blipFill><p:spPr/></p:pic>')
#: A shape whose click follows rId99: a hyperlink, fetched only when clicked.
CLICKED_SHAPE = ('<p:sp><p:nvSpPr><p:cNvPr id="98" name="Link"><a:hlinkClick r:id="rId99"/></p:cNvPr><p:cNvSpPr/>'
                 '<p:nvPr/></p:nvSpPr><p:spPr/></p:sp>')
MASTER = "ppt/slideMasters/slideMaster1.xml"
#: Where python-pptx's default master places its title, which every layout's title takes.
TITLE_PLACE = b'<p:spPr><a:xfrm><a:off x="457200" y="274638"/><a:ext cx="8229600" cy="1143000"/></a:xfrm>'


@pytest.fixture
def record(tmp_path: Path) -> Path:
    """A writable copy of the fixture course that has kit settings, with a templates/ folder."""
    target = tmp_path / "record"
    shutil.copytree(FIXTURES / "record", target, ignore=shutil.ignore_patterns(CACHE_DIR))
    (target / "templates").mkdir(exist_ok=True)
    return target


def default_deck() -> zipfile.ZipFile:
    """python-pptx's own template deck, as a zip."""
    buffer = io.BytesIO()
    Presentation().save(buffer)
    return zipfile.ZipFile(buffer)


def write_deck(project: Path, change: Callable[[str, bytes], bytes] = lambda name, data: data,
               extra: Callable[[zipfile.ZipFile], None] = lambda deck: None) -> None:
    """python-pptx's template deck as the project's, each part changed by `change(name, data)`, `extra` adding
    parts."""
    source = default_deck()
    with zipfile.ZipFile(project / DECK, "w", zipfile.ZIP_DEFLATED) as deck:
        for name in source.namelist():
            deck.writestr(name, change(name, source.read(name)))
        extra(deck)


def refused(project: Path, commands: tuple[str, ...] = ("check", "slides")) -> list[str]:
    """The lines about the template deck of each of `commands` on `project`, each of which must exit 1 with no
    traceback."""
    lines = []
    for command in commands:
        result = run(command, project)
        assert result.exit_code == 1 and "Traceback" not in result.output, result.output
        lines += [line for line in result.stderr.splitlines() if line.startswith(DECK)]
    return lines


def zeros(megabytes: int, compression: int = zipfile.ZIP_DEFLATED) -> Callable[[zipfile.ZipFile], None]:
    """A part of `megabytes` MB of zeros, compressed by `compression`."""
    def add(deck: zipfile.ZipFile) -> None:
        member = zipfile.ZipInfo("ppt/big.bin")
        member.compress_type = compression
        with deck.open(member, "w") as part:
            for _ in range(megabytes):
                part.write(b"\0" * 1024 ** 2)
    return add


def test_a_template_deck_is_unpacked_within_a_bound(record: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """18-verify18 B2: an 842 KB deck holding 800 MiB of zeros took `check` to 1.7 GB and `slides` to 2.5 GB, as
    python-pptx reads every part into memory. Its parts are now unpacked in pieces, counted as they are unpacked
    (not as the zip declares them), and the deck refused past office.MAX_UNPACKED (here lowered to 2 MB)."""
    monkeypatch.setattr(office, "MAX_UNPACKED", 2 * 1024 ** 2)
    write_deck(record, extra=zeros(3))
    expected = (f"{DECK}:1: the template deck holds more than 2 MB unpacked ({slides._SAVE_SMALLER})")
    assert refused(record) == [expected, expected]


def test_a_template_deck_compressed_otherwise_than_powerpoint_does_is_refused(record: Path) -> None:
    """18-verify18 A9: 32 KB of bzip2 held 6 GB of zeros. A part compressed other than stored or deflated (what
    PowerPoint, LibreOffice and python-pptx write) is refused before anything is unpacked."""
    write_deck(record, extra=zeros(1, zipfile.ZIP_BZIP2))
    assert refused(record, ("check",)) == [
        f"{DECK}:1: the template deck compresses ppt/big.bin otherwise than Office applications do (method 12, not "
        f"stored or deflated) ({slides._SAVE_SMALLER})"]


def test_a_template_deck_of_too_many_parts_is_refused(record: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(slides, "MAX_TEMPLATE_PARTS", 30)
    write_deck(record)
    assert refused(record, ("check",)) == [f"{DECK}:1: the template deck holds 36 parts, more than 30 "
                                           f"({slides._SAVE_SMALLER})"]


def with_rid99(shape: str) -> Callable[[str, bytes], bytes]:
    """A change (`write_deck`) that adds `shape` to the first layout and rId99 (`HYPERLINK`) to its relationships."""
    def change(name: str, data: bytes) -> bytes:
        if name == "ppt/slideLayouts/slideLayout1.xml":
            return data.replace(b"</p:spTree>", shape.encode() + b"</p:spTree>")
        if name == "ppt/slideLayouts/_rels/slideLayout1.xml.rels":
            return data.replace(b"</Relationships>", HYPERLINK.encode() + b"</Relationships>")
        return data
    return change


def test_a_picture_linked_through_a_hyperlink_relationship_is_refused(record: Path) -> None:
    """18-verify18 B9: a layout picture whose `<a:blip r:link>` named an external relationship typed as a
    hyperlink passed `check`, and LibreOffice fetched it when the deck opened. An external relationship is now
    allowed only where it is named as a hyperlink (`a:hlinkClick`, `a:hlinkHover`), whatever its type."""
    write_deck(record, with_rid99(LINKED_PICTURE))
    assert refused(record) == 2 * [
        f"{DECK}:1: the template deck links to http://127.0.0.1:9/track.png from /ppt/slideLayouts/slideLayout1.xml, "
        "which PowerPoint or LibreOffice would fetch or run when the deck is opened (remove it, or save the deck "
        "again with its pictures embedded, not linked)"]
    write_deck(record, with_rid99(CLICKED_SHAPE))  # a hyperlink, followed only when clicked
    checked = run("check", record)
    assert checked.exit_code == 0, checked.output


def test_a_template_title_with_no_position_is_one_line(record: Path) -> None:
    """18-verify18 B11: a master whose title placeholder had no `<a:xfrm>` passed `check`, and `slides` failed with
    a traceback (a TypeError in `_points`). `check` now finds that the layouts the deck uses give their title and
    body a position and size."""
    write_deck(record, lambda name, data: data.replace(TITLE_PLACE, b"<p:spPr>") if name == MASTER else data)
    assert refused(record) == 2 * [
        f'{DECK}:1: the template deck gives the title placeholder of its layout "Title and Content" no position and '
        "size, nor does its slide master (move or resize it in the slide master view of PowerPoint or LibreOffice, "
        "or delete the deck to use the built-in look)"]


def test_any_failure_of_python_pptx_on_a_template_deck_is_one_line(record: Path,
                                                                  monkeypatch: pytest.MonkeyPatch) -> None:
    """18-verify18 B11: whatever python-pptx raises while laying out the slides on a project's deck, which `check`
    did not foresee, is one line at the deck, not a traceback."""
    def fails(*args: object, **kwargs: object) -> None:
        raise TypeError("unsupported operand type(s) for /: 'NoneType' and 'int'")

    write_deck(record)
    monkeypatch.setattr(slides, "_add", fails)
    assert refused(record, ("slides",)) == [
        f"{DECK}:1: the template deck cannot be used: python-pptx failed on it (TypeError: unsupported operand "
        "type(s) for /: 'NoneType' and 'int') (save it again from PowerPoint or LibreOffice as .pptx, or delete it "
        "to use the built-in look)"]


def test_a_template_deck_python_pptx_fails_on_after_opening_it_is_one_line_in_check(record: Path) -> None:
    """18-verify18 B11: no exception of python-pptx on a project's deck is a traceback: a layout placeholder of a type
    it does not know opened, then raised a ValueError as `check` looked for the layouts."""
    layout = "ppt/slideLayouts/slideLayout2.xml"
    write_deck(record, lambda name, data: data.replace(b'<p:ph type="title"/>', b'<p:ph type="bogus"/>', 1)
               if name == layout else data)
    assert refused(record, ("check",)) == [
        f"{DECK}:1: the template deck cannot be used: python-pptx failed on it (ValueError: PP_PLACEHOLDER_TYPE has no "
        "XML mapping for 'bogus') (save it again from PowerPoint or LibreOffice as .pptx, or delete it to use the "
        "built-in look)"]


def placeholders(count: int) -> str:
    """`count` picture placeholders, as a layout's or master's shapes."""
    return "".join(f'<p:sp><p:nvSpPr><p:cNvPr id="{i}" name="P"/><p:cNvSpPr/><p:nvPr><p:ph type="pic" idx="{i}"/>'
                   "</p:nvPr></p:nvSpPr><p:spPr/></p:sp>" for i in range(100, 100 + count))


def test_a_layout_of_too_many_shapes_is_refused_before_python_pptx_looks_at_them(record: Path) -> None:
    """18-verify20 B5: a layout of 100,000 placeholders (603 KB) held `check` and `slides` past 2 minutes in
    process: python-pptx runs XPath queries on each shape to find a layout's placeholders. A master's, layout's or
    notes master's shapes are counted as soon as the deck is opened (python-pptx's default layout here holds 5)."""
    layout = "ppt/slideLayouts/slideLayout2.xml"
    extra = placeholders(slides.MAX_PART_SHAPES + 1 - 5).encode()
    write_deck(record, lambda name, data: data.replace(b"</p:spTree>", extra + b"</p:spTree>", 1)
               if name == layout else data)
    assert refused(record) == 2 * [
        f"{DECK}:1: the template deck holds more than {slides.MAX_PART_SHAPES} shapes in /{layout}, where "
        f"PowerPoint's own masters and layouts hold under 20 ({slides._FEWER_SHAPES})"]


def test_the_shapes_of_all_masters_and_layouts_together_are_bounded(record: Path,
                                                                    monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(slides, "MAX_TEMPLATE_SHAPES", 40)  # python-pptx's own deck holds more
    write_deck(record)
    assert refused(record, ("check",)) == [
        f"{DECK}:1: the template deck holds more than 40 shapes in its masters and layouts ({slides._FEWER_SHAPES})"]


def test_the_shapes_of_a_template_decks_own_slides_are_not_counted(record: Path) -> None:
    """Its slides are dropped before the shapes are counted: a sample slide of many shapes is not used."""
    deck = Presentation()
    sample = deck.slides.add_slide(deck.slide_layouts[6])
    for _ in range(2 * slides.MAX_PART_SHAPES):
        sample.shapes.add_textbox(0, 0, 100, 100)
    deck.save(str(record / DECK))
    checked = run("check", record)
    assert checked.exit_code == 0, checked.output


def test_each_layouts_placeholders_are_looked_up_once(monkeypatch: pytest.MonkeyPatch) -> None:
    """18-verify20 B5: `_layouts` worked out a layout's placeholder kinds again in each of its comprehensions (51
    times for python-pptx's 11 layouts), each time running XPath queries on each of its shapes."""
    from pptx.slide import SlideLayout

    looked_up: list[SlideLayout] = []
    placeholders = SlideLayout.placeholders

    def counted(layout: SlideLayout) -> object:
        looked_up.append(layout)
        return placeholders.__get__(layout)

    monkeypatch.setattr(SlideLayout, "placeholders", property(counted))
    deck = Presentation()
    assert slides._layouts(deck) is not None
    assert len(looked_up) == len(deck.slide_layouts) == 11


def test_a_template_decks_hyperlinks_are_checked_in_time_linear_in_the_deck(tmp_path: Path) -> None:
    """18-verify20 B5: each external hyperlink of a part walked the whole part again to see that nothing else names
    it (4,000 hyperlinks of a layout of 4,000 paragraphs: 8 s in `check`'s own process; within
    office.MAX_UNPACKED, 200,000 of each). Eight times the hyperlinks and paragraphs: about eight times the time
    (linear), not 64 (quadratic); a ratio, not a time, so that a loaded machine does not fail it."""
    def active_parts(count: int) -> None:
        links = "".join(f'<Relationship Id="rX{i}" Type="{REL}/hyperlink" Target="https://example.org/{i}" '
                        'TargetMode="External"/>' for i in range(count))
        text = ('<p:sp><p:nvSpPr><p:cNvPr id="99" name="Text"/><p:cNvSpPr/><p:nvPr/></p:nvSpPr><p:spPr/><p:txBody>'
                "<a:bodyPr/>" + "<a:p/>" * count + "</p:txBody></p:sp>")
        write_deck(tmp_path, lambda name, data: data.replace(b"</p:spTree>", text.encode() + b"</p:spTree>")
                   if name == "ppt/slideLayouts/slideLayout1.xml" else data.replace(
                       b"</Relationships>", links.encode() + b"</Relationships>")
                   if name == "ppt/slideLayouts/_rels/slideLayout1.xml.rels" else data)
        with office.Package(tmp_path / DECK) as package:
            assert office.active_content(package) == []

    (tmp_path / "templates").mkdir()
    assert growth(active_parts, 1_500) < 24
