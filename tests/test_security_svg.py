"""Issue 18, fifth and sixth verifications: SVG figures the slides (CairoSVG) and the kit (WeasyPrint) would draw
for ever.

N1 references written so the bytes hide them, N5 marker vertices without numbers, N2 an SVG inside a `data:`
URL, N9 SVG files that draw each other through `<image>`; V1 a large `data:` picture drawn through `<use>` copies,
V2 copies of full-canvas groups with opacity, V4 patterns drawn at the scale a `<use>` or a nested `<svg>` gives.
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
from test_security import BOMB_LINE, coursebuild, fails_with, one_bit_png, pattern_figure, use_bomb

from builder import kit, media, slides
from builder.errors import CourseInvalid
from builder.loading import load_project

from conftest import FIXTURES, REPO, run

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
    monkeypatch.setattr(kit, "MAX_KIT_DRAWING_SECONDS", math.inf)  # the handouts show it too
    record = record_with(tmp_path, figure)
    assert media.svg_drawing_problem(figure) is None
    lines = fails_with(record, "course/media/cues.svg:1: this figure cannot be drawn on a slide: CairoSVG took more "
                       "than 1 s of processor time for it (make it simpler: fewer copies through <use>, smaller "
                       "pictures, fewer groups with opacity, masks or filters)", "--out", tmp_path / "out",
                       command="slides")
    assert lines[-1] == "course invalid: 1 error"
    assert not (tmp_path / "out").exists()


def test_cairosvg_is_stopped_at_its_memory(tmp_path: Path) -> None:
    """A 6,000-pixel square picture decodes to 144 MB: past a bound of 4 MB more, one error (`check`'s estimate of
    its cost lifted, as for a picture just under it). In a fresh process (one that drew before has freed memory
    mapped, which the child may reuse)."""
    record = record_with(tmp_path, picture_bomb(6000, 0))
    code = ("import sys; from builder import media, slides; from builder.cli import main; "
            "slides.MAX_FIGURE_MEMORY = 4 * 1024 ** 2; media.MAX_SVG_DRAWING_SECONDS = float('inf'); "
            "main(sys.argv[1:])")
    result = subprocess.run([sys.executable, "-c", code, "slides", str(record), "--out", str(tmp_path / "out")],
                            cwd=REPO, capture_output=True, text=True, timeout=120)
    assert result.returncode == 1 and "Traceback" not in result.stderr, result.stderr
    assert not (tmp_path / "out").exists()
    lines = result.stderr.splitlines()
    assert len(lines) == 2 and lines[-1] == "course invalid: 1 error", lines
    assert re.fullmatch(r"course/media/cues\.svg:1: this figure cannot be drawn on a slide: (it needs more than 4 MB "
                        r"of memory|CairoSVG stopped \(signal \d+\), most likely out of memory) \(make it simpler: .*\)",
                        lines[0]), lines


# --- 18-verify6: V4 patterns at the scale of a <use> or a nested <svg>; V1 and V2 foreseen by check ---------------

TILES_LINE = (f"course/media/cues.svg:1: drawing this figure repeats its patterns in more than {media.MAX_SVG_TILES:,} "
              "tiles (a `<pattern>` whose tiles are tiny beside the area it fills, or patterns inside patterns), which "
              "PDF viewers draw one by one (make the pattern's tiles larger (`width`, `height`, `patternTransform`), or "
              "fill with a plain colour)")
COST_LINE = (f"course/media/cues.svg:1: drawing this figure for a slide would take more than "
             f"{media.MAX_SVG_DRAWING_SECONDS:g} s (counted from what it draws: each copy of a shape, of a path's "
             "points and dashes, of text (and of the path it follows) and of a picture in a `data:` URL, and each "
             "group with opacity, a mask, a filter or a clip path) (make it simpler: fewer copies through `<use>`, "
             "fewer points in its paths, longer dashes, less text along paths, smaller pictures, fewer groups with "
             "opacity, masks or filters)")
#: A pattern of 1-unit tiles (18-verify6, V4), and one of 10-unit tiles.
TILES = ('<pattern id="p" patternUnits="userSpaceOnUse" width="1" height="1"><rect width="0.5" height="0.5" '
         'fill="black"/></pattern><pattern id="q" patternUnits="userSpaceOnUse" width="10" height="10"><circle r="1"/>'
         "</pattern>")


def v4_use_figure(scale: str = "0.001", side: int = 100_000, pattern: str = "p", how: str = "transform") -> bytes:
    """18-verify6, V4: a `<rect>` of `side` units filled with the pattern, drawn by a `<use>` that scales it by `scale`
    (its `transform` attribute, or `how="style"`: a `style` declaration); 10¹⁰ tiles drawn, 10⁴ counted before."""
    scaled = f'transform="scale({scale})"' if how == "transform" else f'style="fill:red; transform: scale({scale})"'
    return (f'{XLINK_SVG}<defs>{TILES}<rect id="r" width="{side}" height="{side}" fill="url(#{pattern})"/></defs>'
            f'<use xlink:href="#r" {scaled}/></svg>').encode()


def v4_nested_figure(box: int = 100_000, size: str = 'width="100" height="100"', pattern: str = "p") -> bytes:
    """18-verify6, V4: a nested `<svg>` of `size` whose viewBox is `box` units square, filled with the pattern."""
    return (f'{XLINK_SVG}<defs>{TILES}</defs><svg {size} viewBox="0 0 {box} {box}"><rect width="{box}" '
            f'height="{box}" fill="url(#{pattern})"/></svg></svg>').encode()


def v4_symbol_figure(size: str, pattern: str = "q") -> bytes:
    """A `<symbol>` of 1,000 units square filled with the pattern, drawn by a `<use>` of `size`."""
    return (f'{XLINK_SVG}<defs>{TILES}<symbol id="s" viewBox="0 0 1000 1000"><rect width="1000" height="1000" '
            f'fill="url(#{pattern})"/></symbol></defs><use xlink:href="#s" {size}/></svg>').encode()


def v2_figure(levels: int = 4) -> bytes:
    """18-verify6, V2 as written: ten `<use>` of 10 ** (levels - 1) copies of a full-canvas rectangle in a group with
    `opacity` (1.2 KB: 10⁴ copies, about 22,000 elements, under the copy bound; 38.6 s of CPU and counting)."""
    parts = [f'{XLINK_SVG}<defs><g id="g0" opacity="0.5"><rect width="100" height="100" fill="red"/></g>']
    parts += [f'<g id="g{i}">' + f'<use xlink:href="#g{i - 1}"/>' * 10 + "</g>" for i in range(1, levels)]
    return ("".join(parts) + "</defs>" + f'<use xlink:href="#g{levels - 1}"/>' * 10 + "</svg>").encode()


@pytest.mark.parametrize(("svg", "tiles"), [
    # the tree's rect (10⁴ tiles of 1 unit in 100 by 100), and the <use>'s at half the scale: 4 times as many
    (v4_use_figure("0.5"), 10_000 + 40_000),
    (v4_use_figure("0.5", how="style"), 10_000 + 40_000),  # a `style` declaration wins over the attribute
    (v4_use_figure("2"), 10_000 + 10_000),  # a <use> that enlarges never lowers the count (an upper bound)
    (v4_use_figure("0.1"), media.MAX_SVG_TILES + 1),
    (v4_use_figure(), media.MAX_SVG_TILES + 1),  # 10¹⁰
    (v4_nested_figure(1000, pattern="q"), 10_000),  # 1,000 units in 100: tiles of 10 are 1 across
    (v4_nested_figure(1000, 'width="100" height="50"', pattern="q"), 40_000),  # `meet` fits at the lesser scale
    (v4_nested_figure(1000, 'width="100%" height="100%"', pattern="q"), 10_000),  # of the root's 100 units
    (v4_nested_figure(), media.MAX_SVG_TILES + 1),  # 10¹⁰
    # a symbol's viewBox is fitted to the <use>'s width and height (and to 100% of the root in the tree: 10⁴)
    (v4_symbol_figure('width="100" height="100"'), 10_000 + 10_000),
    (v4_symbol_figure('width="20" height="20"'), 10_000 + 250_000),
    (v4_symbol_figure('width="20%" height="20%"'), 10_000 + 250_000),  # of the root's 100 units
])
def test_pattern_tiles_are_counted_at_the_scale_a_use_or_a_nested_svg_draws_them(svg: bytes, tiles: int) -> None:
    assert media.svg_tiles(etree.fromstring(svg)) == tiles


@pytest.mark.parametrize("figure", [v4_use_figure(), v4_nested_figure()], ids=["use-transform", "nested-svg"])
def test_a_pattern_shrunk_by_a_use_or_a_nested_svg_is_refused(tmp_path: Path, figure: bytes) -> None:
    """18-verify6, V4: `check` and `kit` said ok; Poppler took over 60 s to show the handout page (10¹⁰ tiles)."""
    record = record_with(tmp_path, figure)
    lines = fails_with(record, TILES_LINE, command="check")
    assert lines[-1] == "course invalid: 1 error", lines


def v1_figure() -> bytes:
    """18-verify6, V1 as written: a 6,000-pixel square PNG (160 KB of `data:` URL) drawn 100 times through `<use>`
    (0.48 s of CairoSVG's processor time a copy; killed at 60 s)."""
    return picture_bomb(6000, 2)


@pytest.mark.parametrize("figure", [v1_figure(), v2_figure()], ids=["V1-picture", "V2-opacity"])
def test_check_foresees_a_figure_the_slides_would_draw_for_minutes(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                                                  figure: bytes) -> None:
    """18-verify6, V1 and V2: `check` said ok, then `slides` drew for minutes (now stopped by its child's bound). Now
    `check` refuses them with one line, and `slides` with the same line, without drawing (the bound never reached)."""
    def never(*_: object) -> bytes:
        raise AssertionError("the figure was drawn")

    record = record_with(tmp_path, figure)
    assert fails_with(record, COST_LINE, command="check")[-1] == "course invalid: 1 error"
    monkeypatch.setattr(slides, "bounded", never)
    assert fails_with(record, COST_LINE, "--out", str(tmp_path / "out"), command="slides")[-1] == \
        "course invalid: 1 error"
    course, _ = load_project(record)  # the deck itself, without check before it, refuses the same figure
    assert course is not None
    with pytest.raises(CourseInvalid) as refused:
        slides.render_slides(course)
    assert [str(problem) for problem in refused.value.problems] == [COST_LINE]


def diagram(shapes: int) -> bytes:
    """A diagram of `shapes` stroked circles, labels and arrows (a third of each), as drawing programs write them."""
    return (SVG + "".join(f'<circle cx="{i % 20 * 5}" cy="{i // 20 * 5}" r="2" fill="#f4c7a1" stroke="#333"/>'
                          f'<text x="{i % 20 * 5}" y="{i // 20 * 5}" font-size="2">n{i}</text>'
                          f'<path d="M{i % 20 * 5} {i // 20 * 5}l3 3" stroke="black"/>' for i in range(shapes // 3))
            + "</svg>").encode()


def ordinary_figures() -> list[bytes]:
    icon = base64.b64encode(one_bit_png(64)).decode()
    return [
        (REPO / "builder/scaffold/course/media/cues.svg").read_bytes(),
        (FIXTURES / "record/course/media/cues.svg").read_bytes(),
        pattern_figure("2"),  # a dot grid: 2,500 tiles
        diagram(300),
        diagram(900),
        # a few groups with opacity, a mask and a clip path, and a small picture drawn ten times
        (f'{XLINK_SVG}<defs><mask id="m"><rect width="100" height="100" fill="white"/></mask><clipPath id="c">'
         f'<circle cx="50" cy="50" r="40"/></clipPath><image id="i" width="10" height="10" '
         f'xlink:href="data:image/png;base64,{icon}"/></defs>'
         + '<g opacity="0.5"><rect width="100" height="100" fill="red"/></g>' * 10
         + '<g mask="url(#m)" clip-path="url(#c)"><rect width="100" height="100"/></g>'
         + "".join(f'<use xlink:href="#i" x="{10 * k}"/>' for k in range(10)) + "</svg>").encode(),
        v4_symbol_figure('width="100" height="100"'),  # an icon drawn at its own scale
        v4_nested_figure(1000, pattern="q"),
    ]


@pytest.mark.parametrize("figure", ordinary_figures(),
                         ids=["scaffold", "record", "dot-grid", "diagram-300", "diagram-900", "effects", "symbol",
                              "nested-svg"])
def test_ordinary_figures_are_still_accepted(figure: bytes) -> None:
    """Each is estimated at under half the budget, but a diagram of 900 shapes (0.4 to 0.7 s measured) at 1.2 s."""
    assert media.svg_drawing_problem(figure) is None
    if figure != diagram(900):
        assert media.svg_drawing_seconds(etree.fromstring(figure)) < media.MAX_SVG_DRAWING_SECONDS / 2


def test_a_diagram_of_hundreds_of_shapes_passes_check_and_is_drawn(tmp_path: Path) -> None:
    record = record_with(tmp_path, diagram(300))
    result = coursebuild("slides", record, "--out", tmp_path / "out", timeout=120)
    assert result.returncode == 0 and "Traceback" not in result.stderr, result.stderr


CANVAS = media.SVG_PIXELS ** 2


@pytest.mark.parametrize(("figure", "least", "most"), [
    # 11 groups with opacity, 100 full-canvas rectangles
    (opacity_bomb(2), 11 * media.SVG_SURFACE_SECONDS * CANVAS + 100 * media.SVG_PAINT_SECONDS * CANVAS, 0.5),
    (picture_bomb(1000, 1), 10 * 1_000_000 * media.SVG_PICTURE_SECONDS, 1.1),  # ten copies decode 1 MP each
    (picture_bomb(6000, 0), 36_000_000 * media.SVG_PICTURE_SECONDS, 2.1),  # what <defs> holds is not drawn there
])
def test_the_estimate_counts_each_copy_of_what_costs(figure: bytes, least: float, most: float) -> None:
    seconds = media.svg_drawing_seconds(etree.fromstring(figure))
    assert least < seconds < most, (seconds, least)


def test_text_is_counted_by_its_characters() -> None:
    """CairoSVG lays out each character (50,000 took 2.6 s): a long text, or copies of a shorter one, are refused."""
    text = f'<text y="50" font-size="1">{"x" * 5_000}<tspan>{"y" * 1_000}</tspan>{"z" * 1_000}</text>'
    once = f"{XLINK_SVG}{text}</svg>".encode()
    assert 7_000 * media.SVG_CHARACTER_SECONDS < media.svg_drawing_seconds(etree.fromstring(once)) < 0.6
    assert media.svg_drawing_problem(once) is None
    copied = (f'{XLINK_SVG}<defs><g id="t">{text}</g></defs>' + '<use xlink:href="#t"/>' * 10 + "</svg>").encode()
    problem = media.svg_drawing_problem(copied)
    assert problem is not None and problem[1].startswith("drawing this figure for a slide would take more than")


def test_a_style_sheet_rule_that_shrinks_or_adds_opacity_is_counted() -> None:
    """CairoSVG and WeasyPrint apply a `<style>` rule's `transform` and `opacity` as attributes: V4 and V2 written as
    rules. Of rules that may both match, the worst is taken."""
    shrunk = v4_use_figure("1").replace(b"<defs>", b"<style>.s{transform:scale(0.001)} use{transform:scale(2)}</style>"
                                                   b"<defs>").replace(b"<use ", b'<use class="s" ')
    assert media.svg_tiles(etree.fromstring(shrunk)) == media.MAX_SVG_TILES + 1
    plain = v2_figure(3).replace(b' opacity="0.5"', b"")
    translucent = plain.replace(b"<defs>", b"<style>@media all{#g0{op\\61 city:.5}}</style><defs>")
    seconds = [media.svg_drawing_seconds(etree.fromstring(figure)) for figure in (plain, translucent)]
    assert seconds[1] - seconds[0] > 100 * media.SVG_SURFACE_SECONDS * CANVAS, seconds


def marker_figure(box: int = 10, stroke: str = "1", units: str = "", pattern: str = "q") -> bytes:
    """A marker of `box` units square (its viewBox) fitted into 10 by 10 stroke widths, filled with the pattern, at
    the two ends of a line of stroke width `stroke`."""
    return (f'{XLINK_SVG}<defs>{TILES}<marker id="m" viewBox="0 0 {box} {box}" markerWidth="10" markerHeight="10"'
            f'{units}><rect width="{box}" height="{box}" fill="url(#{pattern})"/></marker></defs>'
            f'<line x2="50" stroke="black" stroke-width="{stroke}" marker-start="url(#m)" marker-end="url(#m)"/></svg>'
            ).encode()


@pytest.mark.parametrize(("svg", "tiles"), [
    # the tree draws the marker as the figure's 100 by 100 units (100 tiles of 10), and each of the two references
    # once more at each of the line's two vertices (an upper bound: `_vertices`)
    (marker_figure(), 100 + 4 * 100),
    (marker_figure(stroke="0.1"), 100 + 4 * 10_000),  # a tenth of the stroke width: 100 times the tiles
    (marker_figure(stroke="0.1", units=' markerUnits="userSpaceOnUse"'), 100 + 4 * 100),
    (marker_figure(stroke="1%"), media.MAX_SVG_TILES + 1),  # a stroke width that cannot be read: the worst
    (marker_figure(100_000, pattern="p"), media.MAX_SVG_TILES + 1),  # V4 through a marker's viewBox
    (marker_figure().replace(b"<defs>", b"<style>line{stroke-width:.01}</style><defs>"), media.MAX_SVG_TILES + 1),
])
def test_pattern_tiles_in_a_marker_are_counted_at_its_scale(svg: bytes, tiles: int) -> None:
    assert media.svg_tiles(etree.fromstring(svg)) == tiles


#: 18-verify7's figures, as written there (each drawn as 10¹⁰ tiles, which Poppler could not show within 60 s).
W2_SCALE_XY = (f'{XLINK_SVG}<defs><pattern id="p" patternUnits="userSpaceOnUse" width="1" height="1"><rect width="0.5" '
               'height="0.5" fill="black"/></pattern><rect id="r" width="100000" height="100000" fill="url(#p)"/></defs>'
               '<use xlink:href="#r" transform="scaleX(0.001) scaleY(0.001)"/></svg>').encode()
W2_PATTERN_TRANSFORM = pattern_figure("1", attributes=' patternTransform="scaleX(0.001) scaleY(0.001)"')


@pytest.mark.parametrize(("svg", "tiles"), [
    (W2_SCALE_XY, media.MAX_SVG_TILES + 1),  # 18-verify7, W2: `scaleX`/`scaleY` of a `<use>`
    (W2_PATTERN_TRANSFORM, media.MAX_SVG_TILES + 1),  # and of a `patternTransform`
    (W2_SCALE_XY.replace(b"0.001)", b"0.5)"), 10_000 + 40_000),  # read as `scale(0.5)` is
    (W2_SCALE_XY.replace(b"scaleX(0.001) scaleY(0.001)", b"skewX(30) translateY(5) rotate(9)"), 10_000 + 10_000),
    (W2_SCALE_XY.replace(b"scaleX(0.001) scaleY(0.001)", b"scale(1em)"), media.MAX_SVG_TILES + 1),  # by font-size
    (W2_SCALE_XY.replace(b"scaleX(0.001) scaleY(0.001)", b"perspective(1)"), media.MAX_SVG_TILES + 1),  # unknown
])
def test_every_transform_function_the_renderers_read_is_counted(svg: bytes, tiles: int) -> None:
    assert media.svg_tiles(etree.fromstring(svg)) == tiles


#: 18-verify7, W4, as written there: the group's `fill` is inherited by a rectangle that its own `transform` shrinks.
W4_INHERITED = (f'{SVG}<defs><pattern id="p" patternUnits="userSpaceOnUse" width="1" height="1"><rect width="0.5" '
                'height="0.5" fill="black"/></pattern></defs><g fill="url(#p)"><rect width="100000" height="100000" '
                'transform="scale(0.001)"/></g></svg>').encode()


@pytest.mark.parametrize(("svg", "tiles"), [
    (W4_INHERITED, media.MAX_SVG_TILES + 1),
    (W4_INHERITED.replace(b'fill="url(#p)"', b'stroke="url(#p)"'), media.MAX_SVG_TILES + 1),  # a stroke as well
    (W4_INHERITED.replace(b'fill="url(#p)"', b'style="fill:url(#p)"'), media.MAX_SVG_TILES + 1),
    (W4_INHERITED.replace(b"scale(0.001)", b"scale(0.1)"), 1_000_000),  # 100 by 100 units in tiles of a tenth
    (W4_INHERITED.replace(b' transform="scale(0.001)"', b""), 10_000),  # at the group's own scale
])
def test_a_pattern_a_shape_inherits_is_counted_at_the_shapes_scale(svg: bytes, tiles: int) -> None:
    assert media.svg_tiles(etree.fromstring(svg)) == tiles


#: 18-verify7, W3, as written there: tiles of `1em` in an SVG whose `font-size` is 0.001 (counted as 16 px before).
W3_EM_TILES = (f'{SVG[:-1]} font-size="0.001"><defs><pattern id="p" patternUnits="userSpaceOnUse" width="1em" '
               'height="1em"><rect width="0.0005" height="0.0005" fill="black"/></pattern></defs><rect width="100" '
               'height="100" fill="url(#p)"/></svg>').encode()


@pytest.mark.parametrize("svg", [
    W3_EM_TILES,
    W3_EM_TILES.replace(b'width="1em" height="1em"', b'width="2ex" height="1rem"'),
    v4_nested_figure(1000, 'width="1em" height="1em"', pattern="q"),  # a nested <svg> fitted into 1em
    v4_symbol_figure('width="1em" height="1em"'),  # a <symbol> drawn by a <use> of 1em
    marker_figure().replace(b'markerWidth="10" markerHeight="10"', b'markerWidth="1em" markerHeight="1em"'),
], ids=["pattern", "ex-rem", "nested-svg", "symbol", "marker"])
def test_a_font_relative_length_that_sizes_tiles_is_the_worst(svg: bytes) -> None:
    """The renderers measure `em` and `ex` against the SVG's own `font-size`; the counts do not, so take the worst."""
    assert media.svg_tiles(etree.fromstring(svg)) == media.MAX_SVG_TILES + 1


#: 18-verify7, W1, as written there: 10¹⁰ tiles of 0.001 units over 100 by 100.
W1_TILES = (b'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 100 100" width="100" height="100"><defs><pattern '
            b'id="p" patternUnits="userSpaceOnUse" width="0.001" height="0.001"><rect width="0.0005" height="0.0005" '
            b'fill="black"/></pattern></defs><rect width="100" height="100" fill="url(#p)"/></svg>')


@pytest.mark.parametrize("svg", [W1_TILES, opacity_bomb(4)], ids=["tiles", "seconds"])
def test_the_kits_fetcher_refuses_what_check_refuses_in_a_figure(svg: bytes) -> None:
    """18-verify7, W1: an SVG the kit reached by another route than a checked `.svg` link (`src='…'`, a `.dat` name, a
    `.png` holding SVG) was served with 10¹⁰ tiles. The fetcher applies the figure's whole rule, whatever the name."""
    assert media.svg_drawing_problem(svg) is not None
    assert media.svg_for_drawing(svg) is None


def test_a_kit_template_showing_a_tiled_svg_by_another_name_is_refused(tmp_path: Path) -> None:
    """18-verify7, W1 (b): `<img src="../media/pat.dat">` in a kit template; its PDF held the 10¹⁰ tiles."""
    record = record_with(tmp_path, (FIXTURES / "record/course/media/cues.svg").read_bytes())
    (record / "course/media/pat.dat").write_bytes(W1_TILES)
    (record / "templates/kit").mkdir(parents=True, exist_ok=True)
    (record / "templates/kit/attendance-sheet.html").write_text(
        "<html><body><img src='../media/pat.dat' alt='' style='width:150mm;height:150mm'></body></html>\n")
    result = coursebuild("kit", record, "--out", tmp_path / "out", timeout=150)
    assert "Traceback" not in result.stderr, result.stderr
    assert result.returncode == 1 and "course/media/pat.dat:1: drawing this figure repeats its patterns" in \
        result.stderr, result.stderr
    assert not list((tmp_path / "out").rglob("*.pdf")), "nothing is written"


def w5_path_figure(commands: int = 400_000) -> bytes:
    """18-verify7, W5, as written there: one `<path>` of 6 MB (`commands` pairs of `l`), which took CairoSVG about
    9.5 s of processor time, estimated well under 2 s before (one element)."""
    d = "M0 0" + "l0.1 0.1l-0.1 0" * commands
    return f'{SVG}<path d="{d}" stroke="black" fill="none"/></svg>'.encode()


def polyline_figure(points: int) -> bytes:
    return (f'{SVG}<polyline points="{" ".join(f"{i % 100} {i * 7 % 100}" for i in range(points))}" stroke="black" '
            'fill="none"/></svg>').encode()


@pytest.mark.parametrize("figure", [w5_path_figure(), polyline_figure(100_000)], ids=["path-6MB", "polyline-580KB"])
def test_a_long_path_is_counted_by_its_vertices(figure: bytes) -> None:
    """A 580 KB polyline took CairoSVG 6.5 s (it copies the rest of the points for each one it reads)."""
    problem = media.svg_drawing_problem(figure)
    assert problem is not None and problem[1].startswith("drawing this figure for a slide would take more than")


@pytest.mark.parametrize(("figure", "most"), [(w5_path_figure(10_000), 0.6), (polyline_figure(10_000), 0.5)])
def test_a_detailed_path_is_still_accepted(figure: bytes, most: float) -> None:
    """A path of 20,000 `l` commands (150 KB) took CairoSVG 0.27 s, a polyline of 10,000 points 0.32 s."""
    assert media.svg_drawing_seconds(etree.fromstring(figure)) < most
    assert media.svg_drawing_problem(figure) is None


@pytest.mark.parametrize("figure", [W2_SCALE_XY, W4_INHERITED, W3_EM_TILES], ids=["scale-x-y", "inherited", "em"])
def test_check_refuses_the_seventh_attacks_tiles(tmp_path: Path, figure: bytes) -> None:
    """18-verify7, W2 to W4: `check` said ok; the handout page took Poppler over 60 s (10¹⁰ tiles)."""
    lines = fails_with(record_with(tmp_path, figure), TILES_LINE, command="check")
    assert lines[-1] == "course invalid: 1 error", lines


def test_the_deck_bounds_the_drawing_of_all_its_figures_together(tmp_path: Path,
                                                                   monkeypatch: pytest.MonkeyPatch) -> None:
    """18-verify7 W5: eight figures each under the bound of one (about 9 s each then) kept `slides` past 60 s.
    Here the deck's bound is lowered to less than two of these figures take, and a second figure is shown twice
    (drawn once): `check` and `slides` stop at the figure with which the total passes it."""
    figure = (FIXTURES / "record/course/media/cues.svg").read_bytes()
    one = media.svg_drawing_seconds(media.svg_tree(figure))
    monkeypatch.setattr(slides, "MAX_DECK_DRAWING_SECONDS", one * 1.5)
    record = record_with(tmp_path, figure, two=figure)
    page = record / "course/pages/baby-cues.md"
    lines = page.read_text(encoding="utf-8").splitlines()
    assert run("check", record).exit_code == 0, "one figure, shown twice, is drawn once"
    page.write_text("\n".join([*lines, "", "![Again](../media/cues.svg)", "", "![Two](../media/two.svg)", ""]),
                    encoding="utf-8")
    expected = (f"course/pages/baby-cues.md:{len(lines) + 4}: drawing the slides' SVG figures, up to "
                f"`../media/two.svg`, would take more than {one * 1.5:g} s in all (each counted as `check` counts one "
                "figure) (show fewer or simpler SVG figures on the pages in the timetable's sessions, or PNG pictures "
                "instead)")
    for command in ("check", "slides"):
        fails_with(record, expected, *(["--out", str(tmp_path / "out")] if command == "slides" else []),
                   command=command)
    assert not (tmp_path / "out").exists()


def text_path_figure(characters: int, segments: int = 40_000) -> bytes:
    """18-verify8 X3: text laid along a long path kept in `<defs>` (CairoSVG walks the path for each character)."""
    d = "M0 50" + "l0.01 0.01l0.01 -0.01" * (segments // 2)
    return (f'<svg xmlns="http://www.w3.org/2000/svg" xmlns:xlink="http://www.w3.org/1999/xlink" viewBox="0 0 100 100" '
            f'width="100" height="100" role="img"><defs><path id="c" d="{d}"/></defs><text font-size="0.2">'
            f'<textPath xlink:href="#c">{"x" * characters}</textPath></text></svg>').encode()


def test_text_along_a_long_path_is_counted_by_characters_and_vertices() -> None:
    """A 422 KB figure of 1,100 characters along a path of 40,000 segments was estimated at 0.16 s and took CairoSVG
    11.5 s (eight of them kept `slides` past 60 s after `check` said ok); the textPath's own characters were not
    counted either (element names are compared in lower case)."""
    problem = media.svg_drawing_problem(text_path_figure(1_100))
    assert problem is not None and problem[1].startswith("drawing this figure for a slide would take more than")
    caption = (b'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 100 100"><defs><path id="c" '
               b'd="M10 50 C 20 10, 80 10, 90 50"/></defs><text><textPath href="#c">Attachment grows from everyday '
               b'care</textPath></text></svg>')
    assert media.svg_drawing_problem(caption) is None
    assert media.svg_drawing_seconds(media.svg_tree(caption)) > media.svg_drawing_seconds(
        media.svg_tree(caption.replace(b"Attachment grows from everyday care", b""))), "its characters count"


def test_a_clip_path_costs_a_surface_wherever_it_is_written() -> None:
    """`clipPath` is compared in lower case, as every element name: its surface was not counted."""
    shape = b'<rect width="100" height="100"%s/>'
    figure = (b'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 100 100"><clipPath id="k"><circle r="40"/>'
              b'</clipPath>%s</svg>')
    clipped = media.svg_drawing_seconds(media.svg_tree(figure % (shape % b' clip-path="url(#k)"')))
    plain = media.svg_drawing_seconds(media.svg_tree(figure % (shape % b"")))
    assert clipped - plain >= media.SVG_SURFACE_SECONDS * media.SVG_PIXELS ** 2 * 0.99


def _styled_figure(selector: str, body: str) -> bytes:
    """A figure whose `<style>` sheet sets `opacity` (which the estimate reads) on `selector`, drawing `body`."""
    return ('<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 100 100" width="100" height="100" role="img">'
            f'<title>t</title><style>{selector}{{opacity:0.5}}</style>{body}</svg>').encode()


@pytest.mark.parametrize(("selector", "body", "said"), [
    # Z2(a), scaled down: 9 descendant combinators (main said ok after 0.15 s; 13 over 30 levels never ended)
    ("z " + "g " * 8 + "rect", "<g>" * 20 + '<rect width="1" height="1"/>' + "</g>" * 20,
     "this figure has a style rule whose selector is too complex to match (9 descendant"),
    # Z2(a'), scaled down: a flat chain of `~` (main said ok after about a second; 8 over 40 never ended)
    ("z" + " ~ rect" * 6, "<rect/>" * 24, "this figure has a style rule whose selector is too complex to match (6 "),
    # within MAX_SELECTOR_COMBINATORS, but 41⁴ tries an element over 40 levels
    ("z g g g rect", "<g>" * 40 + '<rect width="1" height="1"/>' + "</g>" * 40,
     "this figure has style rules whose selectors take more than 1,000,000 tries to match against its elements"),
])
def test_a_sheet_whose_selectors_backtrack_too_much_refuses_the_figure(selector: str, body: str, said: str) -> None:
    """cssselect2 tries every ancestor (or earlier sibling) for each descendant (`~`) combinator: one (rule, element)
    test of `z g g … g rect` makes C(depth, combinators) tries (issue 18, tenth verification, Z2). A selector past
    the bound is named; so are rules within it whose tries are too many."""
    problem = media.svg_drawing_problem(_styled_figure(selector, body))
    assert problem is not None and said in problem[1], problem


def test_an_ordinary_descendant_selector_still_draws() -> None:
    assert media.svg_drawing_problem(_styled_figure("svg g rect", "<g>" * 5 + "<rect/>" + "</g>" * 5)) is None


def test_a_selector_of_too_many_combinators_is_refused_before_matching() -> None:
    import tinycss2  # noqa: PLC0415

    for selector in ["z " + "g " * 13 + "rect", "z" + " ~ rect" * 8, "a:not(b c d e f g)", "a:has(b, c, d, e, f)"]:
        prelude = tinycss2.parse_rule_list(selector + "{}")[0].prelude
        with pytest.raises(media.SelectorTooComplex):
            media.selector_matcher([(prelude, None)])
    assert len(media.selector_matcher([(tinycss2.parse_rule_list("a b > c + d e{}")[0].prelude, None)])[1]) == 1
