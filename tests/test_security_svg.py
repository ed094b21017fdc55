"""Issue 18, fifth verification: SVG figures the slides (CairoSVG) and the kit (WeasyPrint) would draw for ever.

N1 references written so the bytes hide them, N5 marker vertices without numbers, N2 an SVG inside a `data:`
URL, N9 SVG files that draw each other through `<image>`.
"""

from __future__ import annotations

import base64
import io
import math
import re
import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest
from lxml import etree
from test_security import BOMB_LINE, coursebuild, fails_with, one_bit_png, use_bomb

from builder import media, slides

from conftest import FIXTURES, REPO

SVG = '<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 100 100" width="100" height="100" role="img">'
XLINK_SVG = SVG.replace("<svg ", '<svg xmlns:xlink="http://www.w3.org/1999/xlink" ')


def mask_bomb(reference: str, levels: int = 6) -> bytes:
    """Masks of 10 rectangles each masked by the level below (10⁵ rectangles), `reference` (with `{}` for the
    level) written in each rectangle's `mask` attribute."""
    parts = [f'{SVG}<defs><mask id="m0"><circle cx="5" cy="5" r="4" fill="white"/></mask>']
    parts += [f'<mask id="m{i}">' + f'<rect width="100" height="100" fill="white" mask="{reference.format(i - 1)}"/>'
              * 10 + "</mask>" for i in range(1, levels)]
    return ("".join(parts) + f'</defs><rect width="100" height="100" mask="{reference.format(levels - 1)}"/></svg>'
            ).encode()


def sheet_bomb(reference: str, levels: int = 6) -> bytes:
    """The same masks, given by a `<style>` sheet's class rules with `reference` as the `mask` value."""
    sheet = "".join(f".k{i}{{mask:{reference.format(i)}}}" for i in range(levels))
    parts = [f'{SVG}<style>{sheet}</style><defs><mask id="m0"><circle cx="5" cy="5" r="4" fill="white"/></mask>']
    parts += [f'<mask id="m{i}">' + f'<rect width="100" height="100" fill="white" class="k{i - 1}"/>' * 10
              + "</mask>" for i in range(1, levels)]
    return ("".join(parts) + f'</defs><rect width="100" height="100" class="k{levels - 1}"/></svg>').encode()


def path_marker_bomb(bare: int) -> bytes:
    """A marker of 900 circles at each vertex of `M0 0h1` and `bare` more `h` without a number (18-verify5, N5)."""
    circles = "".join(f'<circle cx="{i % 30}" cy="{i // 30}" r="0.5"/>' for i in range(900))
    return (f'{SVG}<defs><marker id="m" markerWidth="30" markerHeight="30" markerUnits="userSpaceOnUse">{circles}'
            f'</marker></defs><path d="M0 0h1{"h" * bare}" fill="none" stroke="black" marker-mid="url(#m)"/></svg>'
            ).encode()


@pytest.mark.parametrize("svg", [
    mask_bomb("&#117;rl(#m{})"),  # a character reference: the bytes hold neither `use` nor `url(`
    mask_bomb("#m{}"),  # a bare fragment, which CairoSVG and WeasyPrint both take as the mask
    mask_bomb("u&#92;72l(#m{})"),  # a CSS escape, written as a character reference
    sheet_bomb("&#117;rl(#m{})"),
    sheet_bomb("u\\72l(#m{})"),  # a CSS escape in the sheet
    sheet_bomb("u\\72l(\\23m{})"),  # the `#` escaped too
    sheet_bomb("#m{}"),  # a hash token
    use_bomb().replace(b'href="#', b'href="cues.svg#'),  # WeasyPrint takes its own file's name as itself
    path_marker_bomb(40_000),  # 69 KB: 900 circles at 80,000 vertices
    path_marker_bomb(100),
], ids=["attribute-entity", "attribute-bare", "attribute-escape", "sheet-entity", "sheet-escape",
        "sheet-escaped-hash", "sheet-hash", "use-file-name", "marker-bare-h", "marker-100-bare-h"])
def test_references_are_read_from_the_parsed_figure_as_the_renderers_read_them(svg: bytes) -> None:
    """The count was skipped (no `use` or `url(` in the bytes) or found no reference (18-verify5, N1, N5)."""
    problem = media.svg_drawing_problem(svg)
    assert problem is not None and problem[1].startswith("drawing this figure makes more than 100,000 copies")


@pytest.mark.parametrize(("d", "at_least"), [("M0 0h1hhhh", 6), ("M0 0 1 1 2 2", 3), ("M0 0L1-2.5.5", 3),
                                             ("M0,0 l1,1 z l1,1", 5)])
def test_a_path_has_a_vertex_for_each_command_and_each_number(d: str, at_least: int) -> None:
    vertices = media._vertices(etree.fromstring(f'<path xmlns="http://www.w3.org/2000/svg" d="{d}"/>'))
    assert vertices >= at_least


def test_an_ordinary_figure_still_counts_no_copies() -> None:
    """Colours (`fill="#f4c7a1"`, `.a{fill:#333}`) name no element, so they copy nothing."""
    figure = (f'{SVG}<style>.a{{fill:#333;stroke:url(#none)}}</style><circle class="a" r="3" fill="#f4c7a1"/>'
              '<path d="M0 0h10v10z" stroke="#000"/></svg>').encode()
    assert media.svg_copies(etree.fromstring(figure)) == 0 and media.svg_drawing_problem(figure) is None


def record_with(tmp_path: Path, figure: bytes, **others: bytes) -> Path:
    record = tmp_path / "record"
    shutil.copytree(FIXTURES / "record", record)
    (record / "course/media/cues.svg").write_bytes(figure)
    for name, data in others.items():
        (record / f"course/media/{name}.svg").write_bytes(data)
    return record


def test_a_figure_whose_references_are_character_references_is_refused(tmp_path: Path) -> None:
    """18-verify5, N1: `mask="&#117;rl(#m0)"`; `check` said ok, `slides` and `kit` were killed at 60 s."""
    record = record_with(tmp_path, mask_bomb("&#117;rl(#m{})"))
    for command in ("check", "slides"):
        result = coursebuild(command, record, timeout=60)
        assert result.returncode == 1 and "Traceback" not in result.stderr, (command, result.stderr)
        assert BOMB_LINE in result.stderr.splitlines(), (command, result.stderr)


def data_url_bomb() -> bytes:
    """3.1 KB: an `<image>` whose `data:` URL holds the 10⁹-circle `<use>` bomb (18-verify5, N2)."""
    inner = base64.b64encode(use_bomb()).decode()
    return f'{XLINK_SVG}<image width="100" height="100" xlink:href="data:image/svg+xml;base64,{inner}"/></svg>'.encode()


def test_the_slides_draw_no_svg_from_a_data_url(tmp_path: Path) -> None:
    """CairoSVG's safe mode loads data: URLs: it drew the embedded document's 10⁹ circles (killed at 60 s)."""
    record = record_with(tmp_path, data_url_bomb())
    result = coursebuild("slides", record, "--out", tmp_path / "out", timeout=60)
    assert result.returncode == 0 and "Traceback" not in result.stderr, result.stderr
    with zipfile.ZipFile(next((tmp_path / "out").glob("*.pptx"))) as deck:
        assert any(name.startswith("ppt/media/") for name in deck.namelist())  # the figure is there, drawn


def test_the_slides_load_only_raster_pictures_from_data_urls() -> None:
    png = one_bit_png(8)
    assert slides._figure_resource(f"data:image/png;base64,{base64.b64encode(png).decode()}", "image/*") == png
    nested = f"data:image/png;base64,{base64.b64encode(use_bomb()).decode()}"  # CairoSVG sniffs: it is an SVG
    css = "data:text/css,.k{mask:url(%23m)}"
    for url, kind in [(nested, "image/*"), (nested, "image/svg+xml"), (css, "text/css"),
                      ("file:///etc/passwd", "image/*"), ("data:image/png;base64,%%%", "image/*"),
                      (f"data:image/png;base64,{base64.b64encode(one_bit_png(13_300)).decode()}", "image/*")]:
        assert slides._figure_resource(url, kind) == slides._NOTHING, url


def image_chain(levels: int = 7) -> dict[str, bytes]:
    """Files l0…l{levels-1} and cues, each with ten `<image>`s of the level below: 10 ** levels circles for
    WeasyPrint, no `use` or `url(` anywhere (18-verify5, N9)."""
    files = {"l0": f'{XLINK_SVG}<circle cx="50" cy="50" r="40"/></svg>'.encode()}
    for i in range(1, levels + 1):
        files["cues" if i == levels else f"l{i}"] = (XLINK_SVG + "".join(
            f'<image x="{k}" width="100" height="100" xlink:href="l{i - 1}.svg"/>' for k in range(10)) + "</svg>"
        ).encode()
    return files


def test_the_kit_draws_no_svg_that_an_svg_shows(tmp_path: Path) -> None:
    """WeasyPrint followed each `<image href="l5.svg">`: 10⁷ drawings, `kit` killed at 60 s; `check` said ok."""
    files = image_chain()
    record = record_with(tmp_path, files.pop("cues"), **files)
    result = coursebuild("kit", record, "--out", tmp_path / "out", timeout=150)
    assert result.returncode == 0 and "Traceback" not in result.stderr, result.stderr


def test_an_svg_is_drawn_by_the_kit_without_its_images() -> None:
    chain = image_chain(2)
    drawn = media.svg_for_drawing(chain["cues"])
    assert drawn is not None and b"<image" not in drawn and b"<svg" in drawn
    for unchanged in (chain["l0"], one_bit_png(8), b"@font-face{}", b"\x00\x01"):
        assert media.svg_for_drawing(unchanged) is unchanged  # nothing taken out: the same bytes
    assert media.svg_for_drawing(use_bomb()) is None
    assert media.svg_for_drawing(b'<svg xmlns="http://www.w3.org/2000/svg">' + b"<g>" * 300 + b"</g>" * 300
                                 + b"</svg>") is None  # Python's parser reads it, lxml's does not: refused


def opacity_bomb(levels: int) -> bytes:
    """10 ** levels copies of a full-canvas rectangle in groups with `opacity` (18-verify6, V2: 1.2 KB, 10⁴
    copies, 38 s of CairoSVG's processor time and counting; 10³ copies take about 2.5 s)."""
    parts = [f'{SVG}<defs><g id="g0"><rect width="100" height="100" fill="red"/></g>']
    parts += [f'<g id="g{i}" opacity="0.9">' + f'<use href="#g{i - 1}"/>' * 10 + "</g>" for i in range(1, levels + 1)]
    return ("".join(parts) + f'</defs><use href="#g{levels}"/></svg>').encode()


def picture_bomb(side: int, levels: int) -> bytes:
    """A `side`-pixel square PNG in a `data:` URL drawn 10 ** levels times through `<use>` (18-verify6, V1:
    6,000 pixels across and 10² copies, 160 KB, 0.48 s of CairoSVG's processor time a copy; 3,000 across and
    10 copies take about 3 s)."""
    from PIL import Image

    buffer = io.BytesIO()
    Image.new("RGB", (side, side), (200, 10, 10)).save(buffer, "PNG", optimize=True)
    data = base64.b64encode(buffer.getvalue()).decode()
    parts = [f'{XLINK_SVG}<defs><g id="g0"><image width="100" height="100" xlink:href="data:image/png;base64,{data}"/>'
             "</g>"]
    parts += [f'<g id="g{i}">' + f'<use xlink:href="#g{i - 1}"/>' * 10 + "</g>" for i in range(1, levels + 1)]
    return ("".join(parts) + f'</defs><use xlink:href="#g{levels}"/></svg>').encode()


@pytest.mark.parametrize("figure", [opacity_bomb(3), picture_bomb(3000, 1)], ids=["V2-opacity", "V1-picture"])
def test_cairosvg_is_stopped_at_its_processor_time(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                                   figure: bytes) -> None:
    """Defence in depth: figures CairoSVG draws for hours (under the copy bound), were `check`'s estimate of their
    cost lifted, are stopped at the bound, lowered here to 1 s (before the child, they were drawn for about 3 s and
    the deck written)."""
    monkeypatch.setattr(slides, "MAX_FIGURE_SECONDS", 1, raising=False)
    monkeypatch.setattr(media, "MAX_SVG_DRAWING_SECONDS", math.inf)
    record = record_with(tmp_path, figure)
    assert media.svg_drawing_problem(figure) is None
    lines = fails_with(record, "course/media/cues.svg:1: this figure cannot be drawn on a slide: CairoSVG took more "
                       "than 1 s of processor time for it (make it simpler: fewer copies through <use>, smaller "
                       "pictures, fewer groups with opacity, masks or filters)", "--out", tmp_path / "out",
                       command="slides")
    assert lines[-1] == "course invalid: 1 error"
    assert not (tmp_path / "out").exists()


def test_cairosvg_is_stopped_at_its_memory(tmp_path: Path) -> None:
    """A 6,000-pixel square picture decodes to 144 MB: past a bound of 4 MB more, one error. In a fresh process
    (one that drew before has freed memory mapped, which the child may reuse)."""
    record = record_with(tmp_path, picture_bomb(6000, 0))
    code = ("import sys; from builder import slides; from builder.cli import main; "
            "slides.MAX_FIGURE_MEMORY = 4 * 1024 ** 2; main(sys.argv[1:])")
    result = subprocess.run([sys.executable, "-c", code, "slides", str(record), "--out", str(tmp_path / "out")],
                            cwd=REPO, capture_output=True, text=True, timeout=120)
    assert result.returncode == 1 and "Traceback" not in result.stderr, result.stderr
    assert not (tmp_path / "out").exists()
    lines = result.stderr.splitlines()
    assert len(lines) == 2 and lines[-1] == "course invalid: 1 error", lines
    assert re.fullmatch(r"course/media/cues\.svg:1: this figure cannot be drawn on a slide: (it needs more than 4 MB "
                        r"of memory|CairoSVG stopped \(signal \d+\), most likely out of memory) \(make it simpler: .*\)",
                        lines[0]), lines
