"""Issue 18, sixth verification V5: a kit document whose repeated CSS backgrounds make more tiles than PDF viewers
can draw (WeasyPrint writes them as PDF tiling patterns, which Poppler draws tile by tile), refused by `check` and
`kit` before WeasyPrint runs; and the `<svg>` a kit template writes or shows as a background, held to the SVG bounds.
"""

from __future__ import annotations

import io
import shutil
from pathlib import Path

import pytest
import tinycss2  # type: ignore[import-untyped]
from PIL import Image
from test_security import KIT_SHEET, coursebuild, kit_sheet

from builder import backgrounds, kit, media
from builder.loading import load_project

from conftest import FIXTURES, REPO, run

COUNTED = (f"{KIT_SHEET}:1: the kit's attendance-sheet repeats its backgrounds in more than "
           f"{backgrounds.MAX_KIT_TILES:,} tiles on a page (up to {{}}), which PDF viewers draw one by one (make the "
           "tiles larger with `background-size` (in mm or px), repeat them in fewer elements, or use a "
           "`background-color` or `background-repeat: no-repeat`)")
UNCOUNTED = (f"{KIT_SHEET}:1: the kit's attendance-sheet repeats a background whose tiles cannot be counted before it "
             "is laid out ({}), which may make more tiles than PDF viewers can draw ({})")
SIZE_IT = backgrounds.SIZE_IT
UNTRANSFORM = ("transform only with `translate` and `scale` of at least 1 in a document that repeats backgrounds, or "
               "set `background-repeat: no-repeat`")
#: A page-filling fill of 0.01-px tiles, as counted: (A4's longer side / 0.01 + 2)².
V5_TILES = "12,600,953,445"
TINY = "0 0/0.01px 0.01px"
#: A box whose background area is 0.01 px square inside 75 mm borders, which its painting area includes: a tile the
#: size of the box (or a part of it) repeats 2×10⁹ times (pdftoppm killed at 30 s with a gradient and with `space`).
SPECK = "width: 0.01px; height: 0.01px; border: 75mm solid transparent;"


def png(width: int, height: int) -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (width, height), (200, 10, 10)).save(buffer, "PNG")
    return buffer.getvalue()


@pytest.fixture
def record(tmp_path: Path) -> Path:
    """The record fixture (it has a kit) with pictures to repeat: a 2×2 PNG (the verifier's), a 1×1 PNG, a 5 mm dot
    SVG, an SVG of 0.01 px, one sized in em, a style sheet that imports another of tiny tiles."""
    target = tmp_path / "record"
    shutil.copytree(FIXTURES / "record", target)
    media_folder = target / "course/media"
    (media_folder / "dot.png").write_bytes(png(2, 2))
    (media_folder / "one.png").write_bytes(png(1, 1))
    (media_folder / "dots.svg").write_text('<svg xmlns="http://www.w3.org/2000/svg" width="5mm" height="5mm" '
                                           'viewBox="0 0 10 10"><circle cx="5" cy="5" r="1.5"/></svg>')
    (media_folder / "tiny.svg").write_text('<svg xmlns="http://www.w3.org/2000/svg" width="0.01" height="0.01"/>')
    (media_folder / "em.svg").write_text('<svg xmlns="http://www.w3.org/2000/svg" width="1em" height="1em"/>')
    (media_folder / "print.css").write_text('@import "tiles.css";\n')
    (media_folder / "tiles.css").write_text(f"div {{ background: url(dot.png) {TINY} }}\n")  # from the sheet's folder
    (media_folder / "large.css").write_text("div { background: url(dot.png) 0 0/5mm 5mm }\n" * 30_000)
    return target


def refused(record: Path, command: str, expected: str) -> None:
    """`command` exits 1 with `expected` as its one problem, and writes nothing."""
    out = record.parent / "out"
    result = run(command, record, *(["--out", out] if command == "kit" else []))
    assert result.exit_code == 1 and "Traceback" not in result.output, result.output
    assert result.stderr.splitlines() == [expected, "course invalid: 1 error"]
    assert not out.exists()


@pytest.mark.parametrize("command", ["check", "kit"])
def test_the_verifiers_tiny_tiles_are_refused_before_weasyprint_runs(record: Path, command: str) -> None:
    """V5 as reported: 159 bytes of template made a 3.7 KB PDF that pdftoppm could not show in 60 s (3×10⁹ tiles)."""
    (record / "templates/kit").mkdir(parents=True)
    (record / KIT_SHEET).write_text("<html><head><style>div{width:150mm;height:150mm;background:url(../media/dot.png);"
                                    "background-size:0.01px 0.01px}</style></head><body><div>x</div></body></html>\n")
    refused(record, command, COUNTED.format(V5_TILES))


BOX = "depends on the box or the font, not only on absolute units"
FILLS = "fills the box it is drawn in"
VARIANTS = {
    # a tile counted as filling the page, wherever the box is and however large
    "shorthand": (f"div {{ background: url(../media/one.png) {TINY} }}", "", COUNTED.format(V5_TILES)),
    "second layer": (f"div {{ background: url(../media/one.png) no-repeat, url(../media/one.png) {TINY} }}", "",
                     COUNTED.format("25,201,906,890")),
    "small gradient": ("div { background: linear-gradient(red, blue) 0 0/0.18px 0.18px }", "",
                       COUNTED.format("38,915,395")),
    # 6,400 tiles of 0.1 px along a line took pdftoppm 0.65 s to 1.6 s: each is drawn on its own
    "tiles along one axis": ("div { background: url(../media/one.png) repeat-x 0 0/0.1px 10px }", "",
                             COUNTED.format("280,679,921")),
    "many layers of 1-px tiles": ("div { background: " + ", ".join(["url(../media/one.png)"] * 10) + " }", "",
                                  COUNTED.format("12,645,445")),
    "tiny SVG at auto size": ("div { background: url(../media/tiny.svg) }", "", COUNTED.format(V5_TILES)),
    "@page": (f"@page {{ background: url(../media/one.png) {TINY} }}", "", COUNTED.format(V5_TILES)),
    "page-margin box": (f'@page {{ @top-left {{ content: "x"; background: url(../media/one.png) {TINY} }} }}', "",
                        COUNTED.format(V5_TILES)),
    "@media": (f"@media print {{ div {{ background: url(../media/one.png) {TINY} }} }}", "", COUNTED.format(V5_TILES)),
    "CSS escape": (f"div {{ background: u\\72l(../media/one.png) {TINY} }}", "", COUNTED.format(V5_TILES)),
    "style attribute": ("", f'<div style="background: url&#40;../media/one.png) {TINY}">x</div>',
                        COUNTED.format(V5_TILES)),
    "linked sheet": ("", '<link rel="stylesheet" href="../media/print.css"><div>x</div>', COUNTED.format(V5_TILES)),
    "imported sheet": ('@import "../media/print.css";', "", COUNTED.format(V5_TILES)),
    "page far larger than A4": ("@page { size: 100000px } body { background: url(../media/one.png) }", "",
                                COUNTED.format("10,000,400,004")),
    # tiles whose size the box decides: a box of 0.01 px with 75 mm borders repeats them 10⁹ times
    "percentage": (f"div {{ {SPECK} background: url(../media/dot.png) 0 0/50% }}", "",
                   UNCOUNTED.format(f"`background-size: 50%` of `url(../media/dot.png)` {BOX}", SIZE_IT)),
    "cover": (f"div {{ {SPECK} background: url(../media/dot.png) 0 0/cover }}", "",
              UNCOUNTED.format(f"`background-size: cover` of `url(../media/dot.png)` {BOX}", SIZE_IT)),
    "em": ("div { background: url(../media/one.png) 0 0/1em 1em; font-size: 0.001px }", "",
           UNCOUNTED.format(f"`background-size: 1em 1em` of `url(../media/one.png)` {BOX}", SIZE_IT)),
    "gradient at auto size": (f"div {{ {SPECK} background: linear-gradient(red, blue) }}", "",
                              UNCOUNTED.format(f"`background-size: auto` of `linear-gradient(red, blue)` {FILLS}",
                                               SIZE_IT)),
    "repeating gradient": ("div { background: repeating-linear-gradient(red 0, blue 1px) }", "",
                           UNCOUNTED.format("`background-size: auto` of `repeating-linear-gradient(red 0, blue "
                                            f"1px)` {FILLS}", SIZE_IT)),
    "space": (f"div {{ {SPECK} background: url(../media/one.png) space }}", "",
              UNCOUNTED.format("`background-repeat: space` fits the tiles to the box", SIZE_IT)),
    "round": (f"div {{ {SPECK} background: url(../media/one.png) round }}", "",
              UNCOUNTED.format("`background-repeat: round` fits the tiles to the box", SIZE_IT)),
    "var()": (":root { --s: 0.01px } div { background: url(../media/one.png) 0 0/var(--s) var(--s) }", "",
              UNCOUNTED.format("`background: url(../media/one.png) 0 0/var(--s) var(--s)` is known only when it "
                               "is laid out", SIZE_IT)),
    "image-resolution": ("html { image-resolution: 100000dppx } div { background: url(../media/one.png) }", "",
                         UNCOUNTED.format("course/media/one.png is sized by the document's `image-resolution`",
                                          "give the repeated background a `background-size` in absolute units, or "
                                          "remove `image-resolution`")),
    "prefixed image-resolution": ("html { -weasy-image-resolution: 100000dppx } div { background: url(../media/one.png) }",
                                  "", UNCOUNTED.format("course/media/one.png is sized by the document's "
                                                       "`image-resolution`", "give the repeated background a "
                                                       "`background-size` in absolute units, or remove "
                                                       "`image-resolution`")),
    "prefixed page size": ("@page { -weasy-size: 100000px } body { background: url(../media/one.png) }", "",
                           COUNTED.format("10,000,400,004")),
    "SVG sized in em": ("div { background: url(../media/em.svg) }", "",
                        UNCOUNTED.format("the size of course/media/em.svg (`width`, `height`) is not in absolute "
                                         "units", SIZE_IT)),
    # what `check` could not read quickly
    "large linked sheet": ("", '<link rel="stylesheet" href="../media/large.css"><div>x</div>',
                           f"{KIT_SHEET}:1: the kit's attendance-sheet has style sheets too large or too deep to "
                           "check: its linked style sheets hold more than 1 MB (link smaller style sheets)"),
    "many rules over many elements": ("".join(f"*:nth-child(n+{i}) {{ display: block }}" for i in range(300))
                                      + "div { background: url(../media/dots.svg) }", "<div>x</div>" * 4000,
                                      f"{KIT_SHEET}:1: matching the selectors of the style rules of the kit's "
                                      "attendance-sheet against its elements takes more than 1,000,000 tries (select "
                                      "elements with classes, not with chains of ancestors or siblings, and write "
                                      "fewer rules)"),
    # a transform of the box or of an ancestor shrinks the tiles on the page
    "transform": ("div { transform: scale(0.01); transform-origin: 0 0; width: 60000px; height: 60000px; "
                  "background: url(../media/one.png) }", "",
                  UNCOUNTED.format("`transform: scale(0.01)` may shrink or skew its tiles on the page", UNTRANSFORM)),
    "nested transforms": ("main { transform: scale(0.1) } div { transform: translate(1px) scale(0.1); width: 60000px; "
                          "height: 60000px; background: url(../media/one.png) }", "<main><div>x</div></main>",
                          UNCOUNTED.format("`transform: scale(0.1)` may shrink or skew its tiles on the page",
                                           UNTRANSFORM)),
    # inline boxes: each line is a fill of its own
    "inline": ("span { background: url(../media/one.png) }", "<p><span>x</span></p>",
               UNCOUNTED.format("a repeated background on a box that is inline, each of whose lines is drawn apart",
                                "show repeated backgrounds on blocks (`display: block` or `inline-block`), or set "
                                "`background-repeat: no-repeat`")),
    "::before": ('div::before { content: "x"; background: url(../media/one.png) }', "",
                 UNCOUNTED.format("a repeated background on a box that is inline, each of whose lines is drawn apart",
                                  "show repeated backgrounds on blocks (`display: block` or `inline-block`), or set "
                                  "`background-repeat: no-repeat`")),
    # 18-verify11 A3: a nested rule, which WeasyPrint applies (the verifier's tiles made `kit` run past 60 s)
    "nested rule": (f"div {{ & p {{ background: url(../media/one.png) {TINY} }} }}", "<div><p>x</p></div>",
                    COUNTED.format(V5_TILES)),
    "nested in @media": (f"@media print {{ div {{ p {{ background: url(../media/one.png) {TINY} }} }} }}",
                         "<div><p>x</p></div>", COUNTED.format(V5_TILES)),
    # A5: an inherited image repeated at the box's own size, or an inherited size under the box's own repeat
    "inherited image": ("div { background: url(../media/one.png) no-repeat } p { background-image: inherit; "
                        "background-size: 0.01px 0.01px }", "<div><p>x</p></div>", COUNTED.format(V5_TILES)),
    "inherited size": (f"div {{ background: url(../media/one.png) no-repeat {TINY} }} p {{ background: inherit; "
                       "background-repeat: repeat }", "<div><p>x</p></div>", COUNTED.format(V5_TILES)),
    "inherited page image": ("html { background: url(../media/one.png) no-repeat } @page { background-image: inherit; "
                             "background-size: 0.01px 0.01px }", "", COUNTED.format(V5_TILES)),
    # `display: inherit` is refused before (18-verify19 D1: it makes a `<div>` in a `<td>` a cell)
    "inherited display": ("div { display: inline } p { display: inherit; background: url(../media/dots.svg) }",
                          "<div><p>x</p></div>",
                          f"{KIT_SHEET}:1: the kit's attendance-sheet uses `display: inherit`, which a kit may not: "
                          "it {} ({})".format(*backgrounds._TABLE_PART)),
}


@pytest.mark.parametrize("command", ["check", "kit"])
@pytest.mark.parametrize("variant", VARIANTS)
def test_repeated_backgrounds_that_may_make_too_many_tiles_are_refused(record: Path, variant: str,
                                                                      command: str) -> None:
    """Each passed `check` on main and made a PDF whose tiles Poppler draws one by one."""
    style, body, expected = VARIANTS[variant]
    kit_sheet(record, body or "<div>x</div>", style)
    refused(record, command, expected)


@pytest.mark.parametrize(("command", "style"), [
    ("check", "div { background: url(../media/pattern.svg) no-repeat }"),
    ("kit", "div { background: url(../media/pattern.svg) no-repeat }"),
    ("check", "div::before { content: url(../media/pattern.svg) }"),
    ("check", "div { display: list-item; list-style-image: url(../media/pattern.svg) }"),
])
def test_an_svg_a_kit_style_sheet_shows_is_held_to_the_figure_bounds(record: Path, command: str, style: str) -> None:
    """Even drawn once (`no-repeat`, `content`, a list marker), its own patterns are tiles a viewer draws one by one
    (10¹⁰ here); on main pdftoppm could not show the page in 30 s."""
    (record / "course/media/pattern.svg").write_text(
        '<svg xmlns="http://www.w3.org/2000/svg" width="500" height="500"><defs><pattern id="p" '
        'patternUnits="userSpaceOnUse" width="0.005" height="0.005"><rect width="0.002" height="0.002"/></pattern>'
        '</defs><rect width="500" height="500" fill="url(#p)"/></svg>')
    kit_sheet(record, "<div>x</div>", style)
    line, what, fix = media.svg_drawing_problem((record / "course/media/pattern.svg").read_bytes()) or (0, "", "")
    refused(record, command, f"course/media/pattern.svg:{line}: {what} ({fix})")


@pytest.mark.parametrize("command", ["check", "kit"])
def test_an_svg_a_kit_template_writes_is_held_to_the_figure_bounds(record: Path, command: str) -> None:
    """An `<svg>` written in the template is drawn by WeasyPrint like a file: 10¹⁰ pattern tiles here."""
    kit_sheet(record, '<svg xmlns="http://www.w3.org/2000/svg" width="500" height="500"><defs><pattern id="p" '
              'patternUnits="userSpaceOnUse" width="0.005" height="0.005"><rect width="0.002" height="0.002"/>'
              '</pattern></defs><rect width="500" height="500" fill="url(#p)"/></svg>')
    refused(record, command, f"{KIT_SHEET}:1: the kit's attendance-sheet has an `<svg>` of its own: drawing this "
            f"figure repeats its patterns in more than {media.MAX_SVG_TILES:,} tiles (a `<pattern>` whose tiles are "
            "tiny beside the area it fills, or patterns inside patterns), which PDF viewers draw one by one (make the "
            "pattern's tiles larger (`width`, `height`, `patternTransform`), or fill with a plain colour)")


REASONABLE = {
    "5 mm dots": "body { background: url(../media/dots.svg) 0 0/5mm 5mm }",
    "1x1 PNG at auto size": "body { background: url(../media/one.png) }",
    "a few 1x1 PNG layers": ".card, th { background: url(../media/one.png) } h1 { background: url(../media/dots.svg) }",
    "tiny tiles that do not repeat": f"div {{ background: url(../media/one.png) no-repeat {TINY} }}",
    "gradient drawn once": "div { background: linear-gradient(red, blue) no-repeat }",
    "gradient tiles in mm": "div { background: linear-gradient(red, blue) 0 0/5mm 5mm }",
    "tiles along one axis": "div { background: url(../media/one.png) repeat-x 0 0/5mm 10px }",
    "translate and enlarge": "p { transform: translate(2mm) scale(2) } div { background: url(../media/dots.svg) }",
    "inline-block": "span { display: inline-block; background: url(../media/dots.svg) }",
    "inherited tiles that do not repeat": f"p {{ background: url(../media/one.png) no-repeat {TINY} }} "
                                          "span { background: inherit }",
    "nested 5 mm dots": "div { & { background: url(../media/dots.svg) 0 0/5mm 5mm } }",
}


@pytest.mark.parametrize("variant", REASONABLE)
def test_reasonable_backgrounds_are_accepted(record: Path, variant: str) -> None:
    kit_sheet(record, "<h1>Sign in</h1><div class=card>x</div><p><span>y</span></p><table><tr><th>Name</th></table>",
              REASONABLE[variant])
    result = run("check", record)
    assert result.exit_code == 0, result.output


def test_a_kit_of_reasonable_backgrounds_is_made_with_them(record: Path, tmp_path: Path) -> None:
    """The dot pattern and the 1×1 PNG reach the PDF as tiling patterns (`/PatternType 1`)."""
    kit_sheet(record, "<h1>Sign in</h1><div>x</div>", REASONABLE["5 mm dots"] + REASONABLE["1x1 PNG at auto size"]
              .replace("body", "div"))
    result = run("kit", record, "--out", tmp_path / "out")
    assert result.exit_code == 0, result.output
    (sheet,) = (tmp_path / "out").glob("*/attendance-sheet.pdf")
    assert sheet.read_bytes().count(b"/PatternType 1") >= 2


def test_this_courses_kit_does_not_read_its_style_sheets_for_backgrounds() -> None:
    """No document of this course's kit can show a background image, so `check` never imports tinycss2 for them."""
    course, problems = load_project(REPO)
    assert course is not None and not problems
    documents = kit.render_kit(course)
    assert len(documents) == len(kit.DOCUMENTS)
    for name, html in documents.items():
        assert not kit._may_show_images(html.lower()), name
        assert kit.document_problems(course, name, html) == []


#: How to fix a border image that repeats.
STRETCH_IT = ("stretch border images (`border-image-repeat: stretch`, the default), or use a plain `border`, or a "
              "repeated `background` with a `background-size` in absolute units")


def tiled_border(*declared: str, shorthand: str = "border-image") -> str:
    return UNCOUNTED.format(f"{' and '.join(declared)} may repeat a border image in tiles, each of which WeasyPrint "
                            "draws apart", STRETCH_IT.replace("border-image", shorthand, 1))


@pytest.mark.parametrize("command", ["check", "kit"])
def test_the_verifiers_repeated_border_image_is_refused_before_weasyprint_runs(record: Path, command: str) -> None:
    """W6 (seventh verification): this rule passed `check`, then took `kit` 18 s of processor time and 309 MB for
    one document (about 225,000 tile draws of a 3×3 PNG along a 0.01 px border)."""
    (record / "course/media/dot3.png").write_bytes(png(3, 3))
    (record / "templates/kit").mkdir(parents=True)
    (record / KIT_SHEET).write_text("<html><head><style>div{width:150mm;height:150mm;border:0.01px solid red;"
                                    "border-image:url(../media/dot3.png) 1 repeat}</style></head><body><div>x</div>"
                                    "</body></html>\n")
    refused(record, command, tiled_border("`border-image: url(../media/dot3.png) 1 repeat`"))


BORDER = "div { width: 150mm; height: 150mm; border: 0.01px solid red; "
TILED_BORDERS = {
    "longhands": (BORDER + "border-image-source: url(../media/one.png); border-image-slice: 1 fill; "
                  "border-image-repeat: round }", "",
                  tiled_border("`border-image-source: url(../media/one.png)`", "`border-image-repeat: round`")),
    "from two rules": ("div { border-image-repeat: space } " + BORDER + "border-image: url(../media/one.png) 1 }", "",
                       tiled_border("`border-image: url(../media/one.png) 1`", "`border-image-repeat: space`")),
    "gradient": (BORDER + "border-image: linear-gradient(red, blue) 1 stretch repeat }", "",
                 tiled_border("`border-image: linear-gradient(red, blue) 1 stretch repeat`")),
    "prefixed": (BORDER + "-weasy-border-image: url(../media/one.png) 1 repeat }", "",
                 tiled_border("`-weasy-border-image: url(../media/one.png) 1 repeat`")),
    "var()": (":root { --r: repeat } " + BORDER + "border-image: url(../media/one.png) 1 var(--r) }", "",
              tiled_border("`border-image: url(../media/one.png) 1 var(--r)`")),
    "CSS escape": (BORDER + "border-im\\61ge: u\\72l(../media/one.png) 1 repeat }", "",
                   tiled_border("`border-image: url(../media/one.png) 1 repeat`")),
    "style attribute": ("", '<div style="border: 0.01px solid; border-image: url(../media/one.png) 1 repeat">x</div>',
                        tiled_border("`border-image: url(../media/one.png) 1 repeat`")),
    "@page": ("@page { border: 0.01px solid; border-image: url(../media/one.png) 1 repeat }", "",
              tiled_border("`border-image: url(../media/one.png) 1 repeat`")),
    # F3 (sixteenth verification): WeasyPrint draws a mask border as it draws a border image
    "mask border": (BORDER + "mask-border: url(../media/one.png) 1 / 0.01px repeat }", "",
                    tiled_border("`mask-border: url(../media/one.png) 1 / 0.01px repeat`", shorthand="mask-border")),
    "mask border longhands": (BORDER + "mask-border-source: url(../media/one.png); mask-border-slice: 1; "
                              "mask-border-width: 0.01px } p { mask-border-repeat: round }", "",
                              tiled_border("`mask-border-source: url(../media/one.png)`",
                                           "`mask-border-repeat: round`", shorthand="mask-border")),
}


@pytest.mark.parametrize("variant", TILED_BORDERS)
def test_border_images_that_may_repeat_are_refused(record: Path, variant: str) -> None:
    style, body, expected = TILED_BORDERS[variant]
    kit_sheet(record, body or "<div>x</div>", style)
    refused(record, "check", expected)


@pytest.mark.parametrize("command", ["check", "kit"])
def test_the_verifiers_repeated_mask_border_is_refused_before_weasyprint_runs(record: Path, command: str) -> None:
    """F3 (sixteenth verification): four such boxes passed `check`, then took `kit` past its 30 s of processor time
    (one box took WeasyPrint 11.1 s, as much as `border-image`). Here, one box of 40 mm."""
    (record / "course/media/dot3.png").write_bytes(png(3, 3))
    (record / "templates/kit").mkdir(parents=True)
    (record / KIT_SHEET).write_text("<style>.m { border: 0.01px solid black; mask-border: url(../media/dot3.png) "
                                    "1 / 0.01px repeat; height: 40mm }</style><div class=\"m\">a</div>\n")
    refused(record, command, tiled_border("`mask-border: url(../media/dot3.png) 1 / 0.01px repeat`",
                                          shorthand="mask-border"))


def test_border_images_of_one_kind_do_not_repeat_the_other(record: Path) -> None:
    """A repeat of `mask-border` does not repeat a `border-image`, nor the other way round: each is drawn from its
    own longhands."""
    kit_sheet(record, "<div>x</div>", BORDER + "border-image: url(../media/one.png) 1; mask-border-repeat: round } "
              "p { mask-border-source: none; border-image-repeat: stretch }")
    result = run("check", record)
    assert result.exit_code == 0, result.output


def _expanded(shorthand: str) -> set[str]:
    """The longhands WeasyPrint's expander of `shorthand` sets (what it sets them to for `inherit`, or `initial`, …)."""
    from weasyprint.css.validation import expanders  # type: ignore[import-untyped]

    for value in ("inherit", "initial", "none", "red"):
        try:
            return {name.replace("_", "-") for name, _ in expanders.EXPANDERS[shorthand](
                tinycss2.parse_component_value_list(value), shorthand, None)}
        except Exception:  # noqa: BLE001, S112 - a value this expander does not take
            continue
    raise AssertionError(shorthand)


def test_the_picture_properties_are_those_weasyprint_draws_pictures_for() -> None:
    """F3 (sixteenth verification): `mask-border` was missing. Every longhand WeasyPrint's validators read a `url()`
    for (`wants_base_url`), but `bookmark-label` and `string-set` (text only: `formatting_structure/build.py` makes
    pictures for `content` alone), and every shorthand that sets one, is a picture property; the shorthands that set
    a `-source` and a `-repeat` are the border images, whose tiles WeasyPrint draws apart. Fails when WeasyPrint
    adds one."""
    from weasyprint.css.validation import expanders, properties

    longhands = {name for name, validator in properties.PROPERTIES.items()
                 if getattr(validator, "wants_base_url", False)} - {"bookmark-label", "string-set"}
    shorthands = {name: _expanded(name) for name in expanders.EXPANDERS}
    assert longhands | {name for name, set_ in shorthands.items() if set_ & longhands} == (
        backgrounds._PICTURE_PROPERTIES)
    assert {name for name, set_ in shorthands.items() if {f"{name}-source", f"{name}-repeat"} <= set_} == set(
        backgrounds._BORDER_IMAGES)


def test_a_stretched_border_image_is_made(record: Path, tmp_path: Path) -> None:
    """Stretched (the default), a border image is nine draws however thin the border: with this 0.01 px border and
    `fill`, `kit` took 3.6 s of processor time for all its documents and pdftoppm 0.3 s for the page."""
    kit_sheet(record, "<div>x</div>", BORDER + "border-image: url(../media/one.png) 1 fill stretch } "
              "p { border-image-repeat: stretch; border-image-source: none }")
    result = run("kit", record, "--out", tmp_path / "out")
    assert result.exit_code == 0, result.output


#: W1's figure (seventh verification): 10¹⁰ pattern tiles in 100 × 100.
PATTERN = ('<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 100 100" width="100" height="100"><defs><pattern '
           'id="p" patternUnits="userSpaceOnUse" width="0.001" height="0.001"><rect width="0.0005" height="0.0005" '
           'fill="black"/></pattern></defs><rect width="100" height="100" fill="url(#p)"/></svg>')


@pytest.mark.parametrize(("command", "name", "image"), [
    ("check", "pat.svg", "<img src='../media/pat.svg' style='width:150mm;height:150mm'>"),
    ("kit", "pat.svg", "<img src='../media/pat.svg' style='width:150mm;height:150mm'>"),
    ("check", "pat.svg", "<img alt=figure src=../media/pat.svg>"),
    ("check", "pat.svg", '<IMG alt=" src=../media/one.png" SRC = "../media/pat.svg">'),
    ("check", "pat.svg", "<img/src=../media/pat.svg>"),
    ("check", "pat.svg", "<image src='../media/pat.svg'>"),
    # not in the verifier's report: WeasyPrint draws an `<embed src>` and an `<object data>` as pictures too
    ("check", "pat.svg", "<embed src='../media/pat.svg' style='width:150mm;height:150mm'>"),
    ("kit", "pat.svg", "<object data=../media/pat.svg style='width:150mm;height:150mm'></object>"
     "<img src='../media/pat.svg'>"),
    ("check", "pat.dat", '<img src="../media/pat.dat" style="width:150mm;height:150mm">'),
    ("kit", "pat.dat", '<img src="../media/pat.dat" style="width:150mm;height:150mm">'),
])
def test_an_svg_a_kit_template_shows_is_held_to_the_figure_bounds_however_its_src_is_written(
        record: Path, command: str, name: str, image: str) -> None:
    """W1 (seventh verification): single-quoted, an SVG a kit template showed was never checked for tiles (nor one
    named other than `.svg`, which WeasyPrint draws as SVG all the same), so `check` and `kit` said ok and pdftoppm
    could not show the page in 60 s."""
    (record / "course/media" / name).write_text(PATTERN)
    kit_sheet(record, image)
    line, what, fix = media.svg_drawing_problem(PATTERN.encode()) or (0, "", "")
    refused(record, command, f"course/media/{name}:{line}: {what} ({fix})")


def test_a_kit_template_image_is_saved_under_its_archive_name_however_its_src_is_written(record: Path) -> None:
    """The kit's HTML copy shows each picture from its own `media/` folder, quoted as the template quoted it."""
    html = "<img src='../media/one.png'><img src=../media/one.png alt=x><img src=\"../media/one.png\">"
    saved, files, problems = kit.with_media(html, record, "attendance-sheet")
    (name,) = files
    assert not problems and name.startswith("media/")
    assert saved == f"<img src='{name}'><img src={name} alt=x><img src=\"{name}\">"


def stops_line(gradient: str, reason: str) -> str:
    return (f"{KIT_SHEET}:1: the kit's attendance-sheet has a repeating gradient that WeasyPrint cannot make quickly "
            f"(`{gradient}` {reason}): its time grows with the square of the repeats ({backgrounds._SPACE_STOPS})")


@pytest.mark.parametrize("command", ["check", "kit"])
def test_the_verifiers_repeating_gradient_of_tiny_stripes_is_refused_before_weasyprint_runs(record: Path,
                                                                                            command: str) -> None:
    """18-verify9 Y3(a): 100 bytes of CSS, a repeating gradient of 0.01 px stripes drawn once (`no-repeat`), passed
    `check` and took `kit` 20 s of WeasyPrint's time for one document (its time grows with the square of the
    repeats). The line is A4's longer side (1,122.5 px) times √2 over 0.01 px, and two stops each repeat."""
    gradient = "repeating-linear-gradient(90deg, red 600px, blue 600.01px)"
    kit_sheet(record, f"<div style='height:20cm;background-image:{gradient};background-repeat:no-repeat'></div>")
    refused(record, command, stops_line(gradient, "repeats its stops about 158,748 times along a line of up to "
                                        f"1,587 px, more than the {backgrounds.MAX_GRADIENT_STOPS:,} stops WeasyPrint "
                                        "can make quickly"))


@pytest.mark.parametrize(("style", "reason"), [
    ("li { list-style-image: repeating-radial-gradient(circle, red 0, blue 0.01px) }", "repeats its stops about"),
    ("div::before { content: repeating-linear-gradient(red 0%, blue 0.001%) }", "repeats its stops about 100,000"),
    ("div { background: repeating-linear-gradient(red 1px, blue 2px) 0 0/100000px 1px no-repeat }",
     "repeats its stops about 141,421 times"),
    ("div { background: repeating-linear-gradient(red 10px, blue) no-repeat }", "places its stops in both"),
    ("div { background: repeating-linear-gradient(red, blue 1em) no-repeat }", "places its stops in units"),
    ("div { background: repeating-linear-gradient(red, blue calc(1px)) no-repeat }", "places its stops with `calc()`"),
    ("div { background: repeating-linear-gradient(red 5px, green 0, blue 5.01px) no-repeat }",
     "repeats its stops about"),
    ("div { background: repeating-linear-gradient(red -0.01px, blue 0) no-repeat }", "repeats its stops about"),
    ("div { background: repeating-linear-gradient(red -1%, blue -0.999%) no-repeat }", "repeats its stops about"),
    # 18-verify11 A3: in a nested rule (the verifier's took `kit` 10 s and 1.16 GB before it failed on memory)
    ("div { & li { background: repeating-linear-gradient(red 0, blue 0.001px) no-repeat } }",
     "repeats its stops about 1,587,483 times"),
    # 18-verify10 Z4: percentages along a small explicit ray, and a centre far outside the box
    ("div { background: repeating-radial-gradient(circle 0.01px at 0 0, red 0%, blue 100%) no-repeat }",
     "repeats its stops about 158,748 times"),
    ("div { background: repeating-radial-gradient(circle at -100000px -100000px, red 0, blue 1px) no-repeat }",
     "repeats its stops about 201,587 times along a line of up to 201,587 px"),
    ("div { background: repeating-radial-gradient(circle at -10000% -10000%, red 0, blue 1px) no-repeat }",
     "places its centre outside the box, or sizes its ray, in percent"),
    ("div { background: repeating-radial-gradient(closest-side at 0 0, red 0%, blue 100%) no-repeat }",
     "repeats its stops about more than can be counted times"),
])
def test_repeating_gradients_of_too_many_repeats_are_refused(record: Path, style: str, reason: str) -> None:
    """Wherever a repeating gradient is drawn (list marker, `content`, a background laid out at a large size), with
    stops in px or percent, or placed in ways that cannot be counted; a stop placed before the first is moved up to it,
    so the period is from the first stop."""
    kit_sheet(record, "<div>x</div><ul><li>y</li></ul>", style)
    result = run("check", record)
    assert result.exit_code == 1 and "has a repeating gradient" in result.output and reason in result.output, \
        result.output


@pytest.mark.parametrize("style", [
    "div { background: repeating-linear-gradient(45deg, red 0, red 2mm, blue 2mm, blue 4mm) no-repeat }",
    "div { background: repeating-radial-gradient(circle at 10px 10px, red, blue 10%) no-repeat }",
    "div { background: repeating-radial-gradient(circle 20px at 50% 50%, red 0%, blue 50%) no-repeat }",
    "div { background: repeating-linear-gradient(to right, rgb(0 0 0) 0px, white 1px) no-repeat }",
])
def test_repeating_gradients_of_a_few_thousand_repeats_are_accepted(record: Path, style: str) -> None:
    kit_sheet(record, "<div>x</div>", style)
    result = run("check", record)
    assert result.exit_code == 0, result.output


#: The gradient, its stops and the rectangle it fills that close the striped figures below (after `<linearGradient …>`).
STRIPES_END = ('<stop offset="0" stop-color="red"/><stop offset="1" stop-color="blue"/></linearGradient></defs>'
               '<rect width="100" height="100" fill="url(#g)"/></svg>')
#: What `check` says of an SVG gradient that repeats, and how to fix it.
REPEATS = ("this gradient repeats (`spreadMethod` `repeat` or `reflect`), which the kit's PDFs make in time that grows "
           "with the square of its repeats (use `spreadMethod=\"pad\"` (the default), or draw the stripes as shapes or "
           "with a `<pattern>`)")


@pytest.mark.parametrize("spread", ['spreadMethod="repeat"', 'spreadMethod=" reflect "', 'style="spreadMethod: repeat"'])
def test_an_svg_gradient_that_repeats_is_refused_in_the_kit(record: Path, spread: str) -> None:
    """18-verify9 Y3(b): a 400-byte figure whose gradient repeats 200,000 times across it (`spreadMethod`) passed
    `check`; WeasyPrint would take about 220 s on it (it stopped at the kit's 30 s bound). How many repeats a
    `userSpaceOnUse` gradient makes depends on the shapes it fills, so any repeating gradient is refused, at its line,
    wherever the figure is drawn: here as a background drawn once."""
    (record / "course/media/stripes.svg").write_text(
        '<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 100 100" width="100" height="100">\n<defs>\n'
        f'<linearGradient id="g" gradientUnits="userSpaceOnUse" x1="100" y1="0" x2="100.0005" y2="0" {spread}>'
        f'{STRIPES_END}')
    kit_sheet(record, "<div>x</div>", "div { background: url(../media/stripes.svg) no-repeat }")
    refused(record, "check", f"course/media/stripes.svg:3: {REPEATS}")
    (record / "course/media/stripes.svg").write_text(
        (record / "course/media/stripes.svg").read_text().replace(spread, 'spreadMethod="pad"'))
    assert run("check", record).exit_code == 0


def _nested(depth: int, inner: str) -> str:
    return "<div>" * depth + inner + "</div>" * depth


@pytest.mark.parametrize(("style", "body", "expected"), [
    # Z2(b), scaled down: 9 descendant combinators over 20 levels (main: None after a while; 13 over 30 hung it)
    ("z " + "div " * 8 + "p { background: url(x.png) no-repeat }", _nested(20, "<p>x</p>"), "too complex to match"),
    ("z" + " ~ p" * 6 + " { background: url(x.png) no-repeat }", "<p>x</p>" * 24, "too complex to match"),
    # within MAX_SELECTOR_COMBINATORS, but about 61⁴ tries an element over 60 levels
    ("z div div div p { background: url(x.png) no-repeat }", _nested(60, "<p>x</p>"), "matched quickly"),
])
def test_a_background_rule_whose_selector_backtracks_too_much_is_refused(record: Path, style: str, body: str,
                                                                         expected: str) -> None:
    """cssselect2 tries every ancestor (or earlier sibling) for each descendant (`~`) combinator: one (rule, element)
    test makes C(depth, combinators) tries (issue 18, tenth verification, Z2)."""
    html = f"<html><head><style>{style}</style></head><body>{body}</body></html>"
    problem = backgrounds.tiling_problem(html, record, "attendance-sheet", KIT_SHEET)
    assert problem is not None and expected in problem.message, problem


@pytest.mark.parametrize(("selector", "depth"), [("z " + "div " * 8 + "p", 20), ("z div div div p", 60)])
def test_a_page_break_rule_whose_selector_backtracks_too_much_is_refused(selector: str, depth: int) -> None:
    html = (f"<html><head><style>{selector} {{ break-before: page }}</style></head><body>"
            + "<div><p>x</p>" * depth + "</div>" * depth + "</body></html>")
    with pytest.raises(media.SelectorTooComplex):
        kit.forced_breaks(html)
    assert kit.forced_breaks(html.replace(selector, "div p")) == depth


@pytest.mark.parametrize("style", ["div { & p { break-before: page } }", "@media print { div { p { break-after: page } } }",
                                   "div { p { & { page-break-after: always } } }"])
def test_page_breaks_forced_by_a_nested_rule_are_counted(style: str) -> None:
    """18-verify11 A3's class: `div.f { & p { break-after: page } }` over 250 `<p>` passed `check` (no forced break
    counted) and failed `kit` past its 200 pages. WeasyPrint applies nested rules, so they are counted."""
    html = f"<html><head><style>{style}</style></head><body><div>" + "<p>x</p>" * 7 + "</div><p>y</p></body></html>"
    assert kit.forced_breaks(html) == 7


def test_the_verifiers_296_byte_template_is_refused_at_once(record: Path) -> None:
    """Z2(b) as reported: 13 `div` combinators over 30 nested `<div>`s held `check` until it was killed at 60 s."""
    (record / "templates/kit").mkdir(parents=True)
    (record / KIT_SHEET).write_text(
        '{% extends "kit/base.html" %}\n{% block title %}Attendance sheet{% endblock %}\n'
        "{% block body %}<style>z {% for i in range(13) %}div {% endfor %}p { background: url(x.png) no-repeat; }"
        "</style>{% for i in range(30) %}<div>{% endfor %}<p>x</p>{% for i in range(30) %}</div>{% endfor %}"
        "{% endblock %}\n")
    result = coursebuild("check", record, timeout=60)
    assert result.returncode == 1 and "Traceback" not in result.stderr, result.stderr
    assert result.stderr.splitlines() == [
        f"{KIT_SHEET}:1: the kit's attendance-sheet has a style rule whose selector is too complex to match (14 "
        "descendant, `~` or `:has()` combinators and sibling loops, more than 4): z div div div div div div div div div div div div div "
        "p (select the element with a class instead of a long chain of ancestors or siblings)",
        "course invalid: 1 error"]
@pytest.mark.parametrize(("svg", "defs"), [
    ('<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 100 100">', '<defs spreadMethod="repeat">'),
    ('<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 100 100" spreadMethod="Reflect">', "<defs>"),
    ('<svg xmlns="http://www.w3.org/2000/svg" xmlns:x="urn:x" viewBox="0 0 100 100">', '<defs x:spreadMethod="repeat">'),
])
def test_an_svg_gradient_that_inherits_a_repeat_is_refused_in_the_kit(record: Path, svg: str, defs: str) -> None:
    """18-verify10 Z3: WeasyPrint copies `spreadMethod` from an element to its children, so Y3(b) with the attribute
    moved to `<defs>` or the root `<svg>` passed `check` and ran `kit` 30.9 s. The attribute is refused on any
    element (any case, any namespace), at that element's line."""
    (record / "course/media/stripes.svg").write_text(
        f'{svg}\n<title>stripes</title>\n{defs}\n'
        '<linearGradient id="g" gradientUnits="userSpaceOnUse" x1="100" y1="0" x2="100.0005" y2="0">'
        f'{STRIPES_END}')
    kit_sheet(record, "<div>x</div>", "div { background: url(../media/stripes.svg) no-repeat }")
    line = 1 if "spreadMethod" in svg else 3
    refused(record, "check", f"course/media/stripes.svg:{line}: {REPEATS}")


def test_an_svg_gradient_that_takes_a_repeat_through_href_is_refused_at_the_gradient_it_names(record: Path) -> None:
    """18-verify10 Z3: a gradient's `href` reads `spreadMethod` from the gradient it names; that one is refused."""
    (record / "course/media/stripes.svg").write_text(
        '<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 100 100">\n<defs>\n'
        '<linearGradient id="b" spreadMethod="repeat"/>\n'
        '<linearGradient id="g" href="#b" gradientUnits="userSpaceOnUse" x1="100" y1="0" x2="100.0005" y2="0">'
        f'{STRIPES_END}')
    kit_sheet(record, "<div>x</div>", "div { background: url(../media/stripes.svg) no-repeat }")
    refused(record, "check", f"course/media/stripes.svg:3: {REPEATS}")
