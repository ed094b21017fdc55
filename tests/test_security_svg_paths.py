"""Issue 18, ninth verification: what drawing an SVG's paths costs besides their points.

Y2 dashed strokes (`stroke-dasharray`): cairo strokes each dash, and a PDF viewer strokes them again from the kit's
PDFs. Y4 text that follows a path through the `href` of a `<text>` or `<tspan>` (not only `<textPath>`), and curves,
which cairo flattens into many segments at the drawing scale, that text walks along.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from test_security import coursebuild
from test_security_svg import SVG, XLINK_SVG, record_with

from builder import media

COSTS_TOO_MUCH = "drawing this figure for a slide would take more than"
TOO_MANY_DASHES = (f"drawing this figure strokes more than {media.MAX_SVG_DASHES:,} dashes (a `stroke-dasharray` whose "
                   "dashes are tiny beside the length of what it strokes), which PDF viewers draw one by one")


def seconds(figure: str) -> float:
    tree = media.svg_tree(figure.encode())
    assert tree is not None
    return media.svg_drawing_seconds(tree)


def dashed_figure(repeats: int = 1_000, dashes: str = 'stroke-dasharray="0.02"') -> str:
    """18-verify9 Y2, as written there at half its size: a path of 2,000 segments across a 100-unit figure (200,000
    units long) in dashes of 0.02: 5 million dashes in 11 KB, which took CairoSVG 10.4 s (the 22 KB one more than
    1 GB), estimated at 0.18 s before."""
    d = "M0 50" + " h100 h-100" * repeats
    return f'{SVG}<title>logo</title><path d="{d}" stroke="black" stroke-width="0.5" fill="none" {dashes}/></svg>'


@pytest.mark.parametrize("dashes", [
    'stroke-dasharray="0.02"',
    'style="stroke-dasharray: 0.01 0.03"',
    'class="d"/><style>.d{stroke-dasharray:0.02}</style><path d="M0 0"',  # a sheet's rule
    'stroke-dasharray="0.02%"',  # of the viewport's diagonal over √2: 0.02 units
], ids=["attribute", "style", "sheet", "percentage"])
def test_a_stroke_of_millions_of_dashes_is_refused(dashes: str) -> None:
    figure = dashed_figure(dashes=dashes)
    assert media.svg_drawing_problem(figure.encode()) == (1, TOO_MANY_DASHES, "make the dashes longer "
                                                          "(`stroke-dasharray`), or the line solid")
    assert seconds(figure) > media.MAX_SVG_DRAWING_SECONDS  # and it would take CairoSVG too long too


def test_a_million_dashes_that_cairosvg_draws_in_time_are_refused_for_the_pdf_viewers() -> None:
    """1,000,000 dashes: estimated at 1.9 s (CairoSVG 1.7 s), but pdftoppm took 742 MB to show the kit's PDF."""
    million = dashed_figure(repeats=100, dashes='stroke-dasharray="0.01"')
    assert seconds(million) < media.MAX_SVG_DRAWING_SECONDS
    problem = media.svg_drawing_problem(million.encode())
    assert problem is not None and problem[1] == TOO_MANY_DASHES
    # 60,000 dashes pass, but not drawn twice through `<use>`
    once = dashed_figure(repeats=6, dashes='id="p" stroke-dasharray="0.01"').replace(SVG, XLINK_SVG)
    assert media.svg_drawing_problem(once.encode()) is None
    problem = media.svg_drawing_problem(once.replace("</svg>", '<use xlink:href="#p"/></svg>').encode())
    assert problem is not None and problem[1] == TOO_MANY_DASHES


def test_dashes_are_inherited_and_copied() -> None:
    """`stroke-dasharray` is inherited from a group; each `<use>` copy strokes its dashes again."""
    path = '<path d="M0 50h100h-100h100h-100" stroke="black"/>'
    group = '<defs><g id="g"%s>' + path * 100 + '</g></defs><use xlink:href="#g"/>'
    once_figure = XLINK_SVG + group % ' stroke-dasharray="0.02"' + "</svg>"
    once = seconds(once_figure)
    plain = seconds(XLINK_SVG + group % "" + "</svg>")
    assert once - plain == pytest.approx(100 * 400 / 0.04 * media.SVG_DASH_SECONDS)  # a million dashes
    drawing = media.svg_drawing(once_figure.encode())
    assert drawing is not None and drawing[1].dashes > media.MAX_SVG_DASHES  # counted up to the bound


@pytest.mark.parametrize(("shape", "length"), [
    ('<path d="M0 0h100v100z"/>', 200 + 100 * 2 ** 0.5),
    ('<path d="M0 0l30 40"/>', 50),
    ('<polygon points="0 0 30 40 30 0"/>', 120),
    ('<line x1="0" y1="0" x2="30" y2="40"/>', 50),
    ('<rect width="30" height="40"/>', 140),
    ('<rect width="30%" height="40%"/>', 140),
    ('<circle r="10"/>', 20 * 3.141592653589793),
    ('<path d="M0 0c0 10 10 10 10 0"/>', 30),  # a curve by its control polygon
    ('<path d="M0 0a10 10 0 11 20 0"/>', 20 * 3.141592653589793),  # an arc by its ellipse; flags of one character
], ids=["path", "line-to", "polygon", "line", "rect", "rect-percent", "circle", "curve", "arc"])
def test_dashes_are_the_outline_over_the_period(shape: str, length: float) -> None:
    """Each dash costs SVG_DASH_SECONDS: the length of the outline (at most) over the period (0.5 + 0.5 here)."""
    dashed = shape.replace("/>", ' stroke="black" stroke-dasharray="0.5"/>')
    extra = seconds(f"{SVG}{dashed}</svg>") - seconds(f"{SVG}{shape}</svg>")
    assert extra == pytest.approx(length / 1.0 * media.SVG_DASH_SECONDS)


def test_ordinary_dashes_cost_next_to_nothing() -> None:
    """A diagram's dashed connectors (`4 2` on a 100-unit figure) and `none` are still accepted at their old cost."""
    connectors = "".join(f'<path d="M{i} 0v100" stroke="black" stroke-dasharray="4 2"/>' for i in range(0, 100, 5))
    plain = seconds(SVG + connectors.replace(' stroke-dasharray="4 2"', "") + "</svg>")
    assert 0 < seconds(f"{SVG}{connectors}</svg>") - plain < 0.001
    assert seconds(f"{SVG}{connectors.replace('4 2', 'none')}</svg>") == plain


def test_check_refuses_a_dashed_figure_and_the_kit_template_that_shows_it(tmp_path: Path) -> None:
    """18-verify9 Y2: `check` said ok; `slides` and `kit` exited 1 (CairoSVG over 1 GB), and a kit template showing
    it made a 7.7 KB PDF that pdftoppm ran out of memory on at 2.2 GB."""
    record = record_with(tmp_path, dashed_figure().encode())
    result = coursebuild("check", record)
    assert result.returncode == 1 and "Traceback" not in result.stderr, result.stderr
    assert f"course/media/cues.svg:1: {TOO_MANY_DASHES} (make the dashes longer" in result.stderr, result.stderr
    shown = record_with(tmp_path / "kit", (record / "course/media/cues.svg").read_bytes().replace(b"0.02", b"4"))
    (shown / "course/media/logo.svg").write_text(dashed_figure())
    (shown / "templates/kit").mkdir(parents=True, exist_ok=True)
    (shown / "templates/kit/attendance-sheet.html").write_text(
        '{% extends "kit/base.html" %}{% block body %}<p><img src="../media/logo.svg" alt="Organisation logo" '
        'style="width:3cm"></p>{% endblock %}\n')
    result = coursebuild("check", shown)
    assert result.returncode == 1 and f"course/media/logo.svg:1: {TOO_MANY_DASHES}" in result.stderr, result.stderr


def text_along(text: str, segments: int = 10_000) -> str:
    """Text along a path of `segments` short lines kept in `<defs>` (18-verify8 X3, scaled down)."""
    d = "M0 50" + "l0.01 0.01l0.01 -0.01" * (segments // 2)
    return f'{XLINK_SVG}<defs><path id="c" d="{d}"/></defs>{text}</svg>'


@pytest.mark.parametrize("text", [
    '<text font-size="0.2" xlink:href="#c">{}</text>',
    '<text font-size="0.2"><tspan xlink:href="#c">{}</tspan></text>',
    '<text font-size="0.2" xlink:href="#c"><tspan>{}</tspan></text>',  # a tspan follows its holder's path
    '<text font-size="0.2"><textPath xlink:href="#c" startOffset="1000%">{}</textPath></text>',
], ids=["text-href", "tspan-href", "holder-href", "textPath"])
def test_text_that_follows_a_path_is_counted_by_characters_and_segments(text: str) -> None:
    """18-verify9 Y4: `<text xlink:href>` and `<tspan xlink:href>` follow the path as `<textPath>` does (13 s, priced as
    plain text at 0.22 s). CairoSVG walks the whole path three times a character placed past its end: 100 characters
    along 20,000 segments took 3.7 s; 300 along 10,000 are refused."""
    problem = media.svg_drawing_problem(text_along(text.format("x" * 300)).encode())
    assert problem is not None and problem[1].startswith(COSTS_TOO_MUCH), problem
    assert media.svg_drawing_problem(text_along(text.format("x" * 10), segments=100).encode()) is None


def curves_figure(characters: int, curves: int = 50) -> str:
    """18-verify9 Y4: text placed past the end of 50 curves 100,000 units across, in a 100-unit figure (1.9 KB,
    estimated at 0.23 s; 10 characters took CairoSVG 5.5 s, 40 more than 60 s): cairo flattens each into 4,096
    segments at 16 pixels a unit."""
    d = "M0 0" + "c0 100000 100000 100000 100000 0" * curves
    return (f'{XLINK_SVG}<defs><path id="c" d="{d}"/></defs><text font-size="0.2"><textPath xlink:href="#c" '
            f'startOffset="1000%">{"x" * characters}</textPath></text></svg>')


def test_curves_that_text_follows_are_counted_as_cairo_flattens_them() -> None:
    problem = media.svg_drawing_problem(curves_figure(10).encode())
    assert problem is not None and problem[1].startswith(COSTS_TOO_MUCH), problem
    # the same curves a thousand times smaller flatten into about 30 times fewer segments (128 each)
    assert media.svg_drawing_problem(curves_figure(10).replace("100000", "100").encode()) is None


@pytest.mark.parametrize("font", ['font-size="200"', 'style="font-size: 200px"', 'class="t"', 'font-size="12.5em"'],
                         ids=["attribute", "style", "sheet", "em"])
def test_dashed_text_is_counted_by_its_glyphs_outlines(font: str) -> None:
    """Dashes along the glyphs' outlines, at most 50 ems a character: 2 characters at 200 units in dashes of 0.01
    (118,000 at 5.9 ems a `W`; counted as a million) are refused, undashed or at the default size (16) they are not."""
    text = SVG + '<style>.t{font-size:200px}</style><text y="50" %s stroke="black" stroke-dasharray="0.01">%s</text></svg>'
    problem = media.svg_drawing_problem((text % (font, "WW")).encode())
    assert problem is not None and problem[1] == TOO_MANY_DASHES, problem
    assert media.svg_drawing_problem((text % (font, "WW")).replace("0.01", "none").encode()) is None
    assert media.svg_drawing_problem((text % ("", "WW")).encode()) is None


def test_curves_are_flattened_at_the_scale_the_path_is_drawn_at() -> None:
    """The small curves above, drawn by their path's own `transform` 1,000 times larger: CairoSVG took 4.0 s."""
    small = curves_figure(10).replace("100000", "100")
    assert media.svg_drawing_problem(small.encode()) is None
    problem = media.svg_drawing_problem(small.replace('<path id="c"', '<path id="c" transform="scale(1000)"').encode())
    assert problem is not None and problem[1].startswith(COSTS_TOO_MUCH), problem


def test_dashed_text_under_a_sheet_too_long_to_apply_counts_as_the_worst(monkeypatch: pytest.MonkeyPatch) -> None:
    """A sheet of font sizes whose rules would take more than _MAX_SHEET_TESTS tests to apply (here lowered to 1,000:
    40 rules over 30 elements): the text's size is unknown, so its dashes count as the most there can be, and the figure
    is refused with one line instead of raising out of the estimate (as a 6,000-rule sheet did in Y8)."""
    monkeypatch.setattr(media, "_MAX_SHEET_TESTS", 1_000)
    sheet = "<style>" + "text{font-size:1px}" * 40 + "</style>"
    text = '<text y="50" stroke="black" stroke-dasharray="5">W</text>' * 30
    problem = media.svg_drawing_problem(f"{SVG}{sheet}{text}</svg>".encode())
    assert problem is not None and problem[1] == TOO_MANY_DASHES, problem
    assert media.svg_drawing_problem(f"{SVG}{sheet[:7]}{sheet[-27:]}{text}</svg>".encode()) is None, "one rule"
