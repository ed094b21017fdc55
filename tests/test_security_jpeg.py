"""A JPEG's scans are bounded before anything decodes it (18-verify18 C4): a decoder makes a pass over the picture for
each scan, however few bytes the scan takes, and `slides` turned such a picture upright in process."""

from __future__ import annotations

import base64
import io
import shutil
import struct
from pathlib import Path

import pytest
from PIL import Image
from test_security import fails_with

from builder import kit, media

from conftest import FIXTURES, run

CUES = "course/pages/baby-cues.md"
FIX = "save it again from an image editor, as a baseline JPEG or a progressive one of about 10 scans"


def segment(marker: int, payload: bytes) -> bytes:
    return b"\xff" + bytes([marker]) + struct.pack(">H", len(payload) + 2) + payload


def progressive_jpeg(scans: int, extra: bytes = b"") -> bytes:
    """A 16-pixel-square grey progressive JPEG shown turned (EXIF orientation 6, so `slides` turns it upright): a DC
    scan, then `scans` - 1 AC scans that each code every block as empty (C4's picture, small); `extra` segments
    before the frame."""
    exif = b"Exif\0\0MM\0*\0\0\0\x08" + struct.pack(">HHHII", 1, 0x112, 3, 1, 6 << 16) + bytes(4)
    one_code = bytes([1] + [0] * 15)  # one code of one bit, for the symbol after it (0: a DC difference of 0, an EOB)
    head = (b"\xff\xd8" + segment(0xE1, exif) + extra + segment(0xDB, bytes([0] + [1] * 64))
            + segment(0xC2, struct.pack(">BHHB", 8, 16, 16, 1) + bytes([1, 0x11, 0]))
            + segment(0xC4, b"\x00" + one_code + b"\x00") + segment(0xC4, b"\x10" + one_code + b"\x00"))
    four_blocks = b"\x0f"  # a zero bit for each of the four blocks, then one bits to the byte's end
    dc = segment(0xDA, bytes([1, 1, 0, 0, 0, 0])) + four_blocks
    ac = segment(0xDA, bytes([1, 1, 0, 1, 63, 0])) + four_blocks
    return head + dc + ac * (scans - 1) + b"\xff\xd9"


def record_showing(tmp_path: Path, name: str, data: bytes, written: str = "![A baby](../media/{name})") -> Path:
    """The fixture course with `data` as course/media/`name`, in place of the figure of the page about cues (line 11),
    as `written` there."""
    record = tmp_path / "record"
    shutil.copytree(FIXTURES / "record", record)
    (record / "course/media" / name).write_bytes(data)
    page = record / CUES
    page.write_text(page.read_text(encoding="utf-8").replace(
        "![A baby turning towards a parent's face](../media/cues.svg)", written.format(name=name)), encoding="utf-8")
    return record


def scans_line(target: str) -> str:
    return (f"{CUES}:11: `{target}` is a JPEG of more than {media.MAX_JPEG_SCANS} scans, each of which a browser and "
            f"the slides decode as a pass over the whole picture ({FIX})")


def test_the_test_picture_is_a_jpeg_pillow_decodes_and_turns() -> None:
    with Image.open(io.BytesIO(progressive_jpeg(media.MAX_JPEG_SCANS + 1))) as picture:
        picture.load()
        assert picture.size == (16, 16) and picture.getexif()[0x112] == 6


@pytest.mark.parametrize("command", ["check", "build", "slides", "kit"])
def test_a_jpeg_of_too_many_scans_is_refused_at_the_page_line_that_shows_it(tmp_path: Path, command: str) -> None:
    """C4: 12,000 scans of a 6,000-pixel-square picture (766 KB) passed `check` and held `slides` and `kit` for 46 s of
    processor time. Now every command refuses it with one line at the page, before anything decodes it."""
    record = record_showing(tmp_path, "photo.jpg", progressive_jpeg(media.MAX_JPEG_SCANS + 1))
    extra = ["--out", str(tmp_path / "out")] if command in ("slides", "kit") else []
    lines = fails_with(record, scans_line("../media/photo.jpg"), *extra, command=command)
    assert sum("scans" in line for line in lines) == 1


def test_a_jpeg_of_the_most_scans_is_turned_upright_on_its_slide(tmp_path: Path) -> None:
    record = record_showing(tmp_path, "photo.jpg", progressive_jpeg(media.MAX_JPEG_SCANS))
    assert run("check", record).exit_code == 0
    assert run("slides", record, "--out", tmp_path / "out").exit_code == 0


@pytest.mark.parametrize(("name", "written"), [
    ("photo.jpg", "[the photo](../media/{name})"),  # linked: the learner's browser decodes it when it is opened
    ("photo.png", "![A baby](../media/{name})"),  # named as another kind: browsers and Pillow go by the content
])
def test_a_jpeg_of_too_many_scans_is_refused_linked_or_under_another_name(tmp_path: Path, name: str,
                                                                          written: str) -> None:
    record = record_showing(tmp_path, name, progressive_jpeg(media.MAX_JPEG_SCANS + 1), written)
    fails_with(record, scans_line(f"../media/{name}"), command="check")


def test_scans_are_counted_as_a_decoder_reads_the_markers() -> None:
    """Marker bytes inside a segment (an EXIF thumbnail's scans) are not scans; a JPEG of many segments is refused
    after MAX_JPEG_SEGMENTS, without a step for each of the rest, and Pillow never reads its header (in Python, 2 µs a
    segment: 12 million comments in 48 MB would take `check` 25 s for each picture it sizes)."""
    thumbnail_scans = segment(0xE1, b"Exif\0\0" + b"\xff\xda\x00\x02" * (media.MAX_JPEG_SCANS + 1))
    assert media.decoding_problem(progressive_jpeg(media.MAX_JPEG_SCANS, thumbnail_scans)) is None
    comments = segment(0xFE, b"a") * media.MAX_JPEG_SEGMENTS
    problem = media.decoding_problem(progressive_jpeg(2, comments))
    assert problem == (f"is a JPEG of more than {media.MAX_JPEG_SEGMENTS:,} segments (markers), more than an editor "
                       "writes", FIX)
    assert media.picture_pixels(progressive_jpeg(2, comments)) == media.MAX_PICTURE_PIXELS + 1  # never opened
    buffer = io.BytesIO()
    Image.new("RGB", (64, 64), "red").save(buffer, "JPEG", progressive=True)
    assert media.decoding_problem(buffer.getvalue()) is None
    assert media.decoding_problem(b"\x89PNG\r\n\x1a\n" + b"\xff\xda\x00\x02" * 200) is None


def test_a_jpeg_of_too_many_scans_in_an_svg_figure_is_refused_at_its_image(tmp_path: Path) -> None:
    """CairoSVG draws a `data:` picture of a figure for the slides (in a bounded child: it failed there after `check`
    said ok) and a browser shows it on the page: the figure is refused at the `<image>`, in `check` and `slides`."""
    url = "data:image/jpeg;base64," + base64.b64encode(progressive_jpeg(media.MAX_JPEG_SCANS + 1)).decode()
    svg = (f'<svg xmlns="http://www.w3.org/2000/svg" width="160" height="160">\n'
           f'<image href="{url}" width="160" height="160"/>\n</svg>\n').encode()
    record = record_showing(tmp_path, "photo.svg", svg)
    expected = (f"course/media/photo.svg:2: the picture in this `<image>`'s `data:` URL is a JPEG of more than "
                f"{media.MAX_JPEG_SCANS} scans or {media.MAX_JPEG_SEGMENTS:,} segments, or a PNG of more than "
                f"{media.MAX_PNG_CHUNKS:,} chunks (and one for each 4 KB), each of which a browser and the slides read "
                "as a pass (save the picture again from an image editor, as a PNG or a baseline JPEG or a progressive "
                "one of about 10 scans, and embed that)")
    fails_with(record, expected, command="check")
    fails_with(record, expected, "--out", str(tmp_path / "out"), command="slides")


def test_a_kit_templates_own_jpeg_of_too_many_scans_is_refused(tmp_path: Path) -> None:
    """A picture only a kit template shows is not seen by validation: `check` and `kit` refuse it at the picture, and
    the kit's fetcher never hands it to WeasyPrint."""
    record = record_showing(tmp_path, "map.jpg", progressive_jpeg(media.MAX_JPEG_SCANS + 1), "")
    html = "<html><body><p>Map: <img src='../media/map.jpg' alt='map' style='width:5cm'></p></body></html>\n"
    assert b"/Subtype /Image" not in kit.to_pdf(html, record, "attendance-sheet")
    sheet = record / "templates/kit/attendance-sheet.html"
    sheet.parent.mkdir(parents=True)
    sheet.write_text(html)
    expected = (f"course/media/map.jpg:1: this picture is a JPEG of more than {media.MAX_JPEG_SCANS} scans, each of "
                f"which a browser and the slides decode as a pass over the whole picture ({FIX})")
    fails_with(record, expected, command="check")
    fails_with(record, expected, "--out", str(tmp_path / "out"), command="kit")
