"""A PNG's chunks are bounded before Pillow opens it (18-verify23 G2): Pillow reads every chunk in Python each time
it opens or decodes a PNG, and a 1-pixel PNG of a million empty chunks held `check` 15.7 s and `slides` 44.5 s."""

from __future__ import annotations

import base64
import io
import struct
import time
import zlib
from pathlib import Path

from PIL import Image
from test_security import fails_with
from test_security_jpeg import CUES, record_showing

from builder import media


def chunk(kind: bytes, data: bytes) -> bytes:
    return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))


def padded_png(empty: int, kind: bytes = b"abCd") -> bytes:
    """A 1-pixel grey PNG (Pillow opens and decodes it) with `empty` empty chunks of `kind` before its data."""
    return (media.PNG_SIGNATURE + chunk(b"IHDR", struct.pack(">IIBBBBB", 1, 1, 8, 0, 0, 0, 0))
            + chunk(kind, b"") * empty + chunk(b"IDAT", zlib.compress(b"\0\0")) + chunk(b"IEND", b""))


def at_the_bound(kind: bytes = b"abCd") -> int:
    """How many empty chunks `padded_png` may hold with all its chunks (three more) at `png_chunk_bound`."""
    empty = media.MAX_PNG_CHUNKS
    while empty + 3 < media.png_chunk_bound(padded_png(empty, kind)):
        empty += 1
    return empty


def chunks_line(target: str, data: bytes) -> str:
    return (f"{CUES}:11: `{target}` is a PNG of more than {media.png_chunk_bound(data):,} chunks "
            f"({media.MAX_PNG_CHUNKS:,} and one for each 4 KB of the file), more than an editor writes "
            "(save it again from an image editor)")


def test_a_png_of_too_many_chunks_is_refused_at_the_page_line(tmp_path: Path) -> None:
    """One line at the page line in `check` and `slides`, by the content whatever the name (`.jpg` here)."""
    data = padded_png(at_the_bound() + 1)
    with Image.open(io.BytesIO(data)) as picture:  # a picture Pillow opens and decodes: only its chunks are wrong
        picture.load()
    for name in ("photo.png", "photo.jpg"):
        record = record_showing(tmp_path / name, name, data)
        fails_with(record, chunks_line(f"../media/{name}", data), command="check")
    fails_with(record, chunks_line("../media/photo.jpg", data), "--out", str(tmp_path / "out"), command="slides")


def test_chunks_are_counted_to_the_bound_and_no_further() -> None:
    """A PNG at the bound passes, whatever its chunks (empty IDATs too); one past it is refused, and counting a million
    chunks stops at the bound (a step for each chunk up to it), and Pillow never opens it (`picture_pixels`)."""
    for kind in (b"abCd", b"IDAT"):
        assert media.decoding_problem(padded_png(at_the_bound(kind), kind)) is None
        assert media.decoding_problem(padded_png(at_the_bound(kind) + 1, kind)) is not None
    million = padded_png(1_000_000)
    started = time.process_time()
    assert media._png_chunks(million) == media.png_chunk_bound(million) + 1
    assert time.process_time() - started < 0.5
    assert media.picture_pixels(million) == media.MAX_PICTURE_PIXELS + 1
    buffer = io.BytesIO()
    Image.new("RGB", (300, 200), "teal").save(buffer, "PNG")
    assert media.decoding_problem(buffer.getvalue()) is None
    assert media.decoding_problem(media.PNG_SIGNATURE + b"\0\0") is None  # cut short: Pillow's to judge


def test_a_png_of_too_many_chunks_in_an_svg_figure_is_refused_at_its_image(tmp_path: Path) -> None:
    url = "data:image/png;base64," + base64.b64encode(padded_png(at_the_bound() + 1)).decode()
    svg = (f'<svg xmlns="http://www.w3.org/2000/svg" width="160" height="160">\n'
           f'<image href="{url}" width="160" height="160"/>\n</svg>\n').encode()
    record = record_showing(tmp_path, "photo.svg", svg)
    fails_with(record, "course/media/photo.svg:2: the picture in this `<image>`'s `data:` URL is a JPEG of more than "
               f"{media.MAX_JPEG_SCANS} scans or {media.MAX_JPEG_SEGMENTS:,} segments, or a PNG of more than "
               f"{media.MAX_PNG_CHUNKS:,} chunks (and one for each 4 KB), each of which a browser and the slides read "
               "as a pass (save the picture again from an image editor, as a PNG or a baseline JPEG or a progressive "
               "one of about 10 scans, and embed that)", command="check")
