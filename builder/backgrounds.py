"""The repeated CSS backgrounds of the kit's documents, bounded before WeasyPrint lays them out.

WeasyPrint writes a background image that repeats (`background-repeat` other than `no-repeat`, the default is
`repeat`) as a PDF tiling pattern, which PDF viewers draw tile by tile where it shows: Poppler (pdftoppm,
Evince) draws about 10⁸ tiles a second at best, so `background-size: 0.01px` over a 150 mm box (3×10⁹ tiles,
159 bytes of template) keeps it busy for minutes while the PDF is 3.7 KB. `tiling_problem` counts the tiles a
document's repeated backgrounds may make on one page, from its style sheets alone (without laying it out):

- Each box (element, pseudo-element, page, page-margin box) whose declarations may give it a repeated image
  (`url(…)` or any gradient) counts as one fill per image layer, of at most `(side / tile width + 2)` ×
  `(side / tile height + 2)` tiles, `side` being the longest side a page of the document may have (its `@page`
  `size` and `bleed`; A4 by default): Poppler draws only the tiles inside the page, whatever the box's size.
  A layer that repeats along one axis only counts its tiles `_ONE_AXIS_TILE_COST` times (Poppler draws them one
  by one, not from one drawing of the tile); one that repeats on neither axis is drawn once, not counted.
- A tile's size is known only from `background-size` in absolute units (px, pt, pc, in, cm, mm, Q), or from the
  picture's own size at `auto` (a PNG's pixels, 96 to the inch; an SVG's absolute `width` and `height`), or one
  of these with the picture's proportions. Every other tile is refused as one whose size cannot be bounded: a
  percentage, `cover`, `contain`, font-relative units, `calc()` or `var()`, a gradient at `auto` size (it fills
  the box, and a box of 0.01 px with thick borders repeats it a billion times), `round` and `space` (they fit
  the tiles to the box), or any `image-resolution` in the document.
- A box that may be inline (an inline element or pseudo-element, or `display: inline`) is refused with a
  repeated background: each of its lines is a fill of its own, and lines may lie on top of each other.
- A document that repeats backgrounds may not also `transform` boxes with anything but `translate` and a
  `scale` of at least 1: a smaller scale (also of an ancestor) shrinks the tiles on the page, and a rotation or
  skew makes Poppler go through the tiles of a larger area.
- A border image (`border-image`, or a `mask-border`) is allowed only stretched (`border-image-repeat: stretch`,
  the default): any document where a declaration may give a box a border image and one may repeat it (`repeat`,
  `round`, `space`) is refused, as WeasyPrint draws each of its tiles apart, as many as a thin border allows
  (`_check_border_images`).
- Every SVG a style sheet names (as a background, or in `content`, `list-style-image`, `border-image-source`,
  `mask-border-source`) is held to `media.svg_drawing_problem`, as a figure a page shows is: drawn once, its own
  patterns still make tiles.
- Style sheets are read from `<style>` elements, `style=` attributes, `<link rel="stylesheet">` and `@import`,
  the files as WeasyPrint's kit fetcher reads them (only inside the project's course/ and quizzes/), their
  `url()`s from the sheet's own folder; nested rules with the selectors WeasyPrint makes of them
  (`nested_preludes`). The rules of every sheet count whatever their media and order: all the images, sizes and
  repeats that may reach a box are taken together (an upper bound of the cascade), with its parent's for what it
  sets to `inherit` (`_with_inherited`).

Page bodies reach the kit, but the Markdown sanitiser keeps no `style=` or `<style>` in them; their classes match
the templates' rules like any element.
"""

from __future__ import annotations

import itertools
import math
import re
import warnings
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Iterable, Iterator

from builder.errors import Problem
from builder.kit import (
    MAX_KIT_PAGES,
    MAX_KIT_SHEETS,
    UnmappedURL,
    fetched_target,
    kit_url,
    left_out,
    project_url,
    unmapped_problem,
)
from builder.media import (
    MAX_TEXT_MEDIA_BYTES,
    SelectorTooComplex,
    decoding_problem,
    readable_problem,
    selector_text,
    svg_drawing,
    svg_drawing_problem,
    svg_tree,
    token_reach,
)
from builder.project_urls import INVALID_URL, InvalidURL, split_url

#: The most tiles the repeated backgrounds of one kit document may make on one page. Poppler drew a full A4 page of
#: 1-px tiles of a 1×1 PNG (891,000 tiles) in 0.01 s at 20 dpi and 0.2 s at 150 dpi (as long as the page with a
#: plain colour); 10⁹ tiles take it over 10 s at any resolution. 10,000,000 is about 0.15 s of tiles (about eleven
#: page-filling layers of 1-px tiles, or 4,000 of a 5 mm dot pattern) and leaves room for any design of the kit.
MAX_KIT_TILES = 10_000_000
#: What a tile of a layer that repeats along one axis only costs Poppler, in tiles of one that repeats both ways:
#: WeasyPrint makes its cell twice as long as the box on the other axis, and Poppler draws each such cell apart
#: (6,400 tiles of 0.1 px along a line took pdftoppm 0.65 s at 20 dpi and 1.6 s at 300 dpi, 100 to 245 µs a tile,
#: against 10 ns a tile for a layer that repeats both ways, which Poppler paints from one drawing of the tile).
_ONE_AXIS_TILE_COST = 25_000
#: CSS pixels per absolute unit (CSS Values 3: 96 px to the inch).
_UNITS = {"px": 1.0, "in": 96.0, "cm": 96 / 2.54, "mm": 96 / 25.4, "q": 96 / 101.6, "pt": 4 / 3, "pc": 16.0}
#: The sides (px) of the page sizes `@page { size }` may name (CSS Paged Media 3), and the default, A4.
_MM = 96 / 25.4
_PAGE_SIZES = {name: max(w, h) * _MM for name, (w, h) in {
    "a5": (148, 210), "a4": (210, 297), "a3": (297, 420), "b5": (176, 250), "b4": (250, 353),
    "jis-b5": (182, 257), "jis-b4": (257, 364)}.items()}
_PAGE_SIZES |= {"letter": 11 * 96, "legal": 14 * 96, "ledger": 17 * 96}
_DEFAULT_PAGE_SIDE = _PAGE_SIZES["a4"]
_GRADIENTS = frozenset({"linear-gradient", "radial-gradient", "repeating-linear-gradient",
                        "repeating-radial-gradient"})
#: The properties that say what a background layer shows, how large and whether it repeats.
_LAYER_PROPERTIES = frozenset({"background", "background-image", "background-size", "background-repeat"})
_REPEATS = frozenset({"repeat", "no-repeat", "round", "space", "repeat-x", "repeat-y"})
#: The `border-image-repeat` keywords that draw a border image in tiles (`stretch` draws each of its nine parts once).
_BORDER_IMAGE_REPEATS = frozenset({"repeat", "round", "space"})
#: The shorthands WeasyPrint 70 draws a border image for (`draw/border.py`, `draw_border_image`, also under
#: `set_mask_border`), each with its `-source` and `-repeat` longhands: `mask-border` repeats its tiles as
#: `border-image` does (issue 18, sixteenth verification, F3).
_BORDER_IMAGES = ("border-image", "mask-border")
#: Elements whose box WeasyPrint's HTML style sheet makes a block, a list item, a table part or an atomic inline
#: (one fragment); any other element is inline unless a rule says otherwise, and may break across lines.
_NOT_SPLIT = frozenset({
    "html", "body", "address", "article", "aside", "blockquote", "center", "details", "dialog", "dd", "dir", "div",
    "dl", "dt", "fieldset", "figcaption", "figure", "footer", "form", "h1", "h2", "h3", "h4", "h5", "h6", "header",
    "hgroup", "hr", "legend", "li", "listing", "main", "menu", "nav", "ol", "p", "plaintext", "pre", "search",
    "section", "summary", "ul", "xmp", "table", "caption", "colgroup", "col", "thead", "tbody", "tfoot", "tr", "td",
    "th", "img", "svg", "video", "audio", "canvas", "iframe", "object", "embed", "input", "button", "select",
    "textarea", "meter", "progress"})
#: `display` values whose box breaks across lines, each line a fill of its own.
_SPLIT_DISPLAYS = frozenset({"inline", "inline flow", "run-in", "run-in flow", "ruby", "ruby-base", "ruby-text",
                             "ruby-base-container", "ruby-text-container"})
#: How deep one document's `@import`s may go, and how many bytes its style sheets may hold together (a kit document
#: itself renders at most 256 KB), for `check` to read them; and at most MAX_KIT_SHEETS sheets.
_MAX_IMPORT_DEPTH = 8
_MAX_SHEET_BYTES = 1024 * 1024
#: The most (rule that sets a background or `display`, element) pairs whose match is tested: cssselect2 tests one in
#: microseconds, and 1,000 rules of `*` over 5,000 elements would hold `check` for seconds.
_MAX_MATCH_TESTS = 1_000_000
_XHTML = "http://www.w3.org/1999/xhtml"
#: The most stops one repeating gradient (`repeating-linear-gradient`, `repeating-radial-gradient`) may be drawn
#: with: its stops once for each repeat along its gradient line. WeasyPrint makes the repeats before the first stop
#: one `list.insert(0, …)` at a time (`images.py`, `LinearGradient.layout`), so its time grows with the square of
#: the repeats: a stripe of 0.01 px over an A4 box (100 bytes of template, about 60,000 repeats) took it 19.5 s,
#: and one of 0.04 px (about 20,000 repeats) 2.2 s, against 0.84 s at about 10,000 (issue 18, ninth verification,
#: Y3). 20,000 stops are 10,000 repeats of a two-colour stripe, less than a second.
MAX_GRADIENT_STOPS = 20_000
#: The idents that may open a gradient's first argument (its direction, or a radial one's shape, size and centre)
#: rather than a colour stop.
_GRADIENT_PRELUDE = frozenset({"to", "left", "right", "top", "bottom", "center", "circle", "ellipse", "at",
                               "closest-side", "closest-corner", "farthest-side", "farthest-corner"})
#: The URL a kit document's own `url()`s start from, relative to the project folder's (kit.BASE_FOLDER; not imported:
#: kit imports this module). A style sheet's start from its own URL (`_load_sheet`).
_DOCUMENT_FOLDER = "course/pages/"


#: How to fix a repeated background whose tiles cannot be counted.
SIZE_IT = "give a repeated background a `background-size` in absolute units such as `5mm 5mm`, or set " \
    "`background-repeat: no-repeat`"


class Unbounded(Exception):
    """A repeated background whose tiles cannot be counted: its arguments say which and why, and how to fix it."""

    def __init__(self, reason: str, fix: str = SIZE_IT) -> None:
        super().__init__(reason, fix)


class ImportRefused(Unbounded):
    """An `@import` that WeasyPrint would follow again and again, having no guard against an import cycle (issue 18,
    sixteenth verification, F2 and F6): its arguments are what is wrong and how to fix it; `sheet` is the project
    path of the sheet that writes it (None for a `<style>` of the document), `line` its line there, `written` the
    first line of the rule's prelude as written, to find it by."""

    def __init__(self, reason: str, fix: str, sheet: str | None, line: int, written: str) -> None:
        super().__init__(reason, fix)
        self.sheet, self.line, self.written = sheet, line, written


class TooManyStops(Unbounded):
    """A repeating gradient whose stops, once for each repeat, are more than WeasyPrint makes quickly, or cannot be
    counted (`_check_repeating_gradient`)."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason, _SPACE_STOPS)


class DrawingRefused(Exception):
    """An SVG shown as a background that draws too much itself: its arguments are a Problem's (path, line, what,
    how to fix it)."""


@dataclass
class _Styles:
    """What a kit document's style sheets say, gathered for `tiling_problem`, and the pictures they name."""

    project: Path
    #: (selector prelude, declarations, folder of the sheet's urls) of each rule that sets a background or `display`
    rules: list[tuple[Any, list[Any], str]] = field(default_factory=list)
    #: (declarations, folder) of each `@page` rule and page-margin box
    pages: list[tuple[list[Any], str]] = field(default_factory=list)
    #: every declaration of every rule, `@page` and `style=` (for transforms, `image-resolution` and page sizes)
    everything: list[Any] = field(default_factory=list)
    #: the folder each declaration's urls start from, by its id (for `_named_pictures`)
    folders: dict[int, str] = field(default_factory=dict)

    #: (selector prelude, project path of the sheet's file or None for a `<style>` of the document, line of the rule
    #: in it, the first line of its selector as written) of every style rule, nested rules too (`nested_preludes`),
    #: for `cascaded_rules`
    selectors: list[tuple[Any, str | None, int, str]] = field(default_factory=list)
    #: the pictures read (`_picture`), by the URL and folder that name them
    pictures: dict[tuple[str | None, str], _Picture] = field(default_factory=dict)
    #: (project path, times) of each SVG drawn, for the boxes (`_Styles.show`) that a declaration naming it may reach
    shown: list[tuple[str, int]] = field(default_factory=list)

    def add(self, declarations: list[Any], folder: str, path: str | None, lines: list[str]) -> None:
        """Gather `declarations`, of the sheet `path` (None: the document's own) whose lines are `lines`
        (`_lines`), their urls from `folder`; note those a kit may not use (`_unneeded`)."""
        self.everything += declarations
        self.written += [(path, d, lines[d.source_line - 1].strip()) for d in declarations
                         if d.lower_name in _GENERATING or d.lower_name == "quotes"]
        self.unneeded += [(path, line, written, *refused, lines[line - 1].strip()) for declaration in declarations
                          for line, written, refused in _unneeded(declaration)]
        self.folders.update((id(declaration), folder) for declaration in declarations)

    def picture(self, image: Any, folder: str) -> _Picture:
        """The image token `image`, whose url starts from `folder`, read once (`_picture`)."""
        return self.picture_at(_url_of(image), folder)

    def picture_at(self, url: str | None, folder: str) -> _Picture:
        """The picture at `url` (None: a gradient) from `folder`, read once (`_picture`)."""
        key = (url, folder)
        if key not in self.pictures:
            self.pictures[key] = _picture(key[0], folder, self.project)
        return self.pictures[key]

    def show(self, declared: list[tuple[list[Any], str]], heirs: int = 1, boxes: int = 1) -> None:
        """Note each SVG the declarations `declared` (with the folders of their urls) that may reach one box name
        (`urls`): WeasyPrint draws it again for each box (a background, a list marker, a `content`, a border
        image), once for each property that names it, and for each of `boxes` such boxes (the pages a page rule
        may give); a list marker (`_INHERITED_PICTURES`) once for each of the `heirs` elements that may inherit it
        from the box (`_elements_under`)."""
        drawn = dict.fromkeys((declaration.lower_name, picture.path) for declarations, folder in declared
                              for declaration in declarations if _shows_picture(declaration)
                              for token, base in self.urls(declaration, folder)
                              for picture in [self.picture(token, base)] if picture.svg is not None)
        self.shown += [(path, boxes * (heirs if name.removeprefix("-weasy-") in _INHERITED_PICTURES else 1))
                       for name, path in drawn if path is not None]

    def urls(self, declaration: Any, folder: str) -> Iterator[tuple[Any, str]]:
        """(url token, folder it starts from) of each picture the declaration `declaration` (its urls from `folder`)
        may name: its own, and if its value holds `var()`, those of every custom property of the document (every
        element inherits them), from the document's folder, as WeasyPrint resolves a value with `var()`."""
        tokens = list(_all_tokens(declaration.value))
        yield from ((token, folder) for token in tokens if _is_url(token))
        if any(_is_var(token) for token in tokens):
            if self.custom is None:
                self.custom = [token for custom in self.everything if custom.name.startswith("--")
                               for token in _all_tokens(custom.value) if _is_url(token)]
            yield from ((token, _DOCUMENT_FOLDER) for token in self.custom)

    #: (project path of the sheet's file or None for a `<style>` of the document or a `style=`, line, the url as
    #: written, what is wrong with its file) of each `url()` naming a file of course/ or quizzes/ that is not a
    #: regular file (a FIFO, a device, a socket): a font, a colour profile or a picture, which the kit's fetcher
    #: refuses (`_not_regular`)
    not_regular: list[tuple[str | None, int, str, str]] = field(default_factory=list)
    #: the url tokens of every custom property (`--name: url(…)`) of the document, read once for `urls`
    custom: list[Any] | None = None
    #: (project path of the sheet's file or None for the document's own, line, the construct as written, why a kit
    #: may not use it, how to do without, that line of the sheet as written, to find the template line that writes
    #: it by) of each at-rule, property and function a kit may not use (`_unneeded`)
    unneeded: list[tuple[str | None, int, str, str, str, str]] = field(default_factory=list)
    #: (selector prelude, (project path of the sheet's file or None, line, first line of its selector), whether
    #: multi-column) of each style rule that makes boxes laying out their content again and again (`_relayout`)
    relayouts: list[tuple[Any, tuple[str | None, int, str], bool]] = field(default_factory=list)
    #: whether multi-column, of each element whose `style=` makes its box lay out its content again and again
    relaid: dict[Any, bool] = field(default_factory=dict)
    #: (selector prelude, (project path of the sheet's file or None, line, first line of its selector), the
    #: declarations) of each style rule that writes text of its own into its boxes (`_GENERATING`)
    generating: list[tuple[Any, tuple[str | None, int, str], list[Any]]] = field(default_factory=list)
    #: the declarations writing text of their own (`_GENERATING`) of each element's `style=`
    generated: dict[Any, list[Any]] = field(default_factory=dict)
    #: (project path of the sheet's file or None, declaration, its line of the sheet as written) of each declaration
    #: of _GENERATING or `quotes`
    written: list[tuple[str | None, Any, str]] = field(default_factory=list)
    sheets: int = 0
    sheet_bytes: int = 0


def tiling_problem(html: str, project: Path, document: str, where: str) -> Problem | None:
    """A problem if the repeated backgrounds of the kit document `document` (its HTML, `html`) may make more than
    MAX_KIT_TILES tiles on a page, or tiles that cannot be counted (see the module's docstring), at line 1 of
    `where`; or if an SVG it shows as a background makes too many copies or tiles itself
    (`media.svg_drawing_problem`), at that file's line. None otherwise. Decided from the document's style sheets
    without laying it out. (`kit.document_problems` imports this module only for a document whose text may hold
    a background image at all.)"""
    try:
        tiles = _tiles(html, project)
    except TooManyStops as stops:
        reason, fix = stops.args
        return Problem(where, 1, f"the kit's {document} has a repeating gradient that WeasyPrint cannot make quickly "
                       f"({reason}): its time grows with the square of the repeats", fix)
    except Unbounded as unbounded:
        reason, fix = unbounded.args
        return Problem(where, 1, f"the kit's {document} repeats a background whose tiles cannot be counted before it "
                       f"is laid out ({reason}), which may make more tiles than PDF viewers can draw", fix)
    except DrawingRefused as refused:
        return Problem(*refused.args)
    except UnmappedURL as unmapped:
        return unmapped_problem(project, document, unmapped)
    except SelectorTooComplex as complex_selector:
        reason, fix = complex_selector.args
        return Problem(where, 1, f"the kit's {document} {reason}", fix)
    if tiles > MAX_KIT_TILES:
        return Problem(where, 1, f"the kit's {document} repeats its backgrounds in more than {MAX_KIT_TILES:,} tiles "
                       f"on a page (up to {_rounded(tiles)}), which PDF viewers draw one by one",
                       "make the tiles larger with `background-size` (in mm or px), repeat them in fewer elements, "
                       "or use a `background-color` or `background-repeat: no-repeat`")
    return None


def _rounded(tiles: float) -> str:
    return "more than can be counted" if not math.isfinite(tiles) else f"{tiles:,.0f}"


def shown_figures(html: str, project: Path) -> list[tuple[str, int]]:
    """(project path, times) of each SVG the style sheets of the kit document `html` show, once for each box a rule
    naming it may match (an upper bound of the cascade, as for tiles), for `kit.drawing_problem`'s total: WeasyPrint
    draws a figure again for each element whose background, list marker, `content` or border image shows it (twenty
    list items showing one figure estimated at 1.89 s passed `check` and took `kit` 33 s; issue 18, ninth
    verification, Y5), also one it inherits (`inherit`, a list marker, `var()`), and on each page for a page's and
    a fixed box's (up to MAX_KIT_PAGES; issue 18, eleventh verification, A5). Those gathered before a
    document is refused for its backgrounds (`tiling_problem`)."""
    styles = _Styles(project)
    try:
        _tiles(html, project, styles)
    except (Unbounded, DrawingRefused, SelectorTooComplex, UnmappedURL):
        pass  # `tiling_problem` refuses the document
    return styles.shown


def _tiles(html: str, project: Path, styles: _Styles | None = None) -> float:
    """At most how many tiles the repeated backgrounds of `html` make on one page (what its style sheets say
    gathered into `styles`); Unbounded if that cannot be told."""
    # imported only for a document that may have background images; they are WeasyPrint's own (a core dependency)
    import cssselect2  # type: ignore[import-untyped]  # noqa: PLC0415

    from builder.media import selector_matcher  # noqa: PLC0415

    styles = _Styles(project) if styles is None else styles
    root, attributes = _gather(html, styles)
    side = _page_side(styles.everything)
    longest = _longest_line(styles.everything, side)
    for declaration in styles.everything:  # `content`, `list-style-image`, `border-image-source` draw pictures too
        for token in _all_tokens(declaration.value):
            if _is_image(token):
                styles.picture(token, styles.folders[id(declaration)])
                _check_repeating_gradient(token, longest)
    _check_border_images(styles.everything)
    resolution = any(_property(d) == "image-resolution" for d in styles.everything)
    # a page inherits from the root element, a page-margin box from its page: from any declaration, as a bound
    anywhere = [([declaration], styles.folders[id(declaration)]) for declaration in styles.everything]
    pages = [_with_inherited([page], anywhere) for page in styles.pages]
    total = sum(_box_tiles(styles, declared, False, side, resolution) for declared in pages)
    for declared in pages:
        styles.show(declared, boxes=MAX_KIT_PAGES)  # drawn again on each page (eight pages of one figure: 8 times)
    matcher, tries = selector_matcher(((prelude, (declarations, folder))
                                       for prelude, declarations, folder in styles.rules), root)
    count = len(tries)
    wrappers = list(cssselect2.ElementWrapper.from_html_root(root).iter_subtree())
    heirs = _elements_under(root) if any(_property(d) in _INHERITED_PICTURES and _shows_picture(d)
                                         for d in styles.everything) else {}
    if sum(tries.values()) * len(wrappers) > _MAX_MATCH_TESTS:
        raise Unbounded(f"{count:,} selectors of rules that set backgrounds, `display` or `position`, over "
                        f"{len(wrappers):,} elements, are more than can be matched quickly", "write fewer such rules")
    own: dict[Any, list[tuple[list[Any], str]]] = {}  # what may reach each element's box, `inherit` taken in
    every_page: set[Any] = set()  # the elements drawn on every page (`_on_every_page`), or in one that is
    for wrapper in wrappers:  # each element after its parent
        element = wrapper.etree_element
        boxes: dict[str | None, list[tuple[list[Any], str]]] = {}
        if element in attributes:
            boxes[None] = [(attributes[element], _DOCUMENT_FOLDER)]
        for *_, pseudo, payload in (matcher.match(wrapper) if count else []):
            boxes.setdefault(pseudo, []).append(payload)
        if None in boxes:
            parent = [] if wrapper.parent is None else own.get(wrapper.parent.etree_element, [])
            boxes[None] = own[element] = _with_inherited(boxes[None], parent)
        if _on_every_page(boxes.get(None, [])) or wrapper.parent is not None and (
                wrapper.parent.etree_element in every_page):
            every_page.add(element)
            source = element.get(_FIGURE_SOURCES.get(str(element.tag).rpartition("}")[2].lower(), ""))
            picture = styles.picture_at(source, _DOCUMENT_FOLDER) if source else _Picture()
            if picture.svg is not None and picture.path is not None:  # `kit.drawing_problem` counts it once
                styles.shown.append((picture.path, MAX_KIT_PAGES - 1))
        for pseudo, declared in boxes.items():
            declared = declared if pseudo is None else _with_inherited(declared, own.get(element, []))
            styles.show(declared, heirs.get(element, 1) if pseudo is None else 1,
                        MAX_KIT_PAGES if element in every_page or _on_every_page(declared) else 1)
            inline = pseudo is not None or str(element.tag).rpartition("}")[2].lower() not in _NOT_SPLIT
            total += _box_tiles(styles, declared, inline, side, resolution)
            if total > MAX_KIT_TILES:
                return total
    if total:
        _check_transforms(styles.everything)
    return total


def _gather(html: str, styles: _Styles) -> tuple[Any, dict[Any, list[Any]]]:
    """The kit document `html` parsed as WeasyPrint parses it (tinyhtml5: the same `<style>` and `<link>` elements,
    the same tree), and the declarations of each element's `style=`; what its style sheets say gathered into
    `styles` (`_read_sheet`, `_load_sheet`). (The `<style>` sheets of an `<svg>` in it apply to that figure only,
    and are the SVG drawing estimate's: `kit._figure_problem`.)"""
    import tinycss2  # type: ignore[import-untyped]  # noqa: PLC0415
    import tinyhtml5  # type: ignore[import-untyped]  # noqa: PLC0415

    root = tinyhtml5.parse(html)
    for element in root.iter():
        if element.tag == f"{{{_XHTML}}}style":
            _read_sheet(styles, element.text or "", _DOCUMENT_FOLDER, 0)
        elif element.tag == f"{{{_XHTML}}}link" and "stylesheet" in (element.get("rel") or "").lower().split():
            _load_sheet(styles, element.get("href") or "", _DOCUMENT_FOLDER, 0)
    attributes = {}
    for element in root.iter():
        if isinstance(element.tag, str) and element.get("style"):
            attributes[element] = _declarations(tinycss2.parse_blocks_contents(element.get("style"), True, True))
            _not_regular(styles, (d for declaration in attributes[element] for d in declaration.value),
                         _DOCUMENT_FOLDER, None)
            styles.add(attributes[element], _DOCUMENT_FOLDER, None, _lines(element.get("style")))
            if (multi_column := _relayout(attributes[element])) is not None:
                styles.relaid[element] = multi_column
            if any(d.lower_name in _GENERATING for d in attributes[element]):
                styles.generated[element] = attributes[element]
    return root, attributes


def cascaded_rules(html: str, project: Path) -> tuple[Any, _Styles]:
    """The kit document `html` parsed as WeasyPrint parses it, and what its style sheets say (`_gather`: those of
    its `<style>` elements and `style=` attributes and of the sheets they link and import, also inside at-rules):
    `_Styles.selectors`, each style rule WeasyPrint cascades over it, nested ones with the selector WeasyPrint gives
    them (`nested_preludes`); `_Styles.not_regular`, the `url()`s naming a file that is not a regular file;
    `_Styles.unneeded`, what a kit may not use; `_Styles.relayouts` and `relaid`, the rules and elements making
    flex, grid and multi-column boxes. Unbounded for sheets past MAX_KIT_SHEETS, _MAX_IMPORT_DEPTH or
    _MAX_SHEET_BYTES, or rules nested past _MAX_RULE_NESTING or _MAX_NESTED_SELECTOR."""
    styles = _Styles(project)
    root, _ = _gather(html, styles)
    if any(d.name.startswith("--") and _writes_text(d.value) for d in styles.everything):  # what `var()` may bring
        styles.unneeded += [
            (path, declaration.source_line, f"{declaration.name}: {_text(declaration.value)}", *_GENERATED_UNKNOWN,
             as_written) for path, declaration, as_written in styles.written
            if any(_is_var(t) and t.lower_name != "attr" or t.type == "function" and t.lower_name == "env"
                   for t in _all_tokens(declaration.value))]
    return root, styles


#: The `image-orientation` values (WeasyPrint 70 accepts a `-weasy-` prefix) that leave a picture as it is or as its
#: EXIF data turns it (`from-image`, the default, which `kit.encoding_seconds` prices), or that take the value of
#: another declaration, which is read too: any other (an angle, `flip`, `var()`) makes WeasyPrint copy every picture
#: it applies to turned (`images.rotate_pillow_image`) and encode it again, a JPEG too (18-verify27 N3).
_UNTURNED = frozenset({"none", "from-image", "initial", "inherit", "unset"})


def turns_pictures(styles: _Styles) -> bool:
    """Whether a declaration of the style sheets of `styles` (`cascaded_rules`) may turn or flip the pictures it
    reaches (`_UNTURNED`): an upper bound, as if it reached every picture of the document."""
    return any(d.lower_name.removeprefix("-weasy-") == "image-orientation" and _text(d.value).lower() not in _UNTURNED
               for d in styles.everything)


def named_pictures(styles: _Styles) -> list[tuple[str, str, str | None, int]]:
    """(project path, the URL as written, project path of the style sheet that writes it or None for the document's
    own, its line there) of each picture a `url()` of the style sheets of `styles` (`cascaded_rules`) may show, once
    for each URL and the folder it starts from: in a declaration that draws one (`_PICTURE_PROPERTIES`: a background,
    a list marker, `content`, a border image), those of the custom properties it may take by `var()` too
    (`_Styles.urls`), whatever its rule matches (an upper bound). For `kit.encoding_problem`, which prices each
    different one encoded again for the PDF as it prices an image's (eight 40-megapixel PNG backgrounds passed `check`
    and took `kit` 60 s: 18-verify28 P3). A URL the kit's fetcher does not read is left out, and so is one that
    cannot be mapped, which `tiling_problem` refuses."""
    named, seen = [], set[tuple[str, str]]()
    for declaration in styles.everything:
        if not _shows_picture(declaration):
            continue
        for token, folder in styles.urls(declaration, styles.folders[id(declaration)]):
            url = _url_of(token)
            if url is None or (url, folder) in seen:
                continue
            seen.add((url, folder))
            try:
                path = _project_path(url, folder, styles.project)
            except UnmappedURL:
                continue
            if path is not None:
                named.append((path, url, _sheet_of(folder, styles.project), int(token.source_line)))
    return named


#: The `font-size` keywords (CSS Fonts 4: `medium` 16 px, `xxx-large` 48 px), in px, each an absolute size.
_FONT_SIZE_KEYWORDS = {"xx-small": 9.0, "x-small": 10.0, "small": 13.0, "medium": 16.0, "large": 18.0,
                       "x-large": 24.0, "xx-large": 32.0, "xxx-large": 48.0}


def text_spacing(styles: _Styles) -> tuple[float, float] | None:
    """(letter, word): the most `letter-spacing` and `word-spacing` (pt) a declaration of the style sheets of `styles`
    (`cascaded_rules`) may give a character and a space, for `kit.relaid_text`'s table cells (18-verify27 N4:
    `letter-spacing: 250pt` on a cell of `ab` left the cell beside it its widest word); a negative spacing counts
    as none here. `em` counts at the largest font size the sheets declare (and 18 pt, the built-in `h1`); None where
    a spacing is known only once laid out (`%`, `ex`, `ch`, `rem`, `calc()`, `var()`), or is in `em` while a font
    size is relative (`em`, `%`, `larger`, a function), which may multiply down the tree."""
    sizes = [18 * 4 / 3]  # px
    for declaration in styles.everything:
        name = declaration.lower_name.removeprefix("-weasy-")
        if name in ("font-size", "font"):
            for token in _all_tokens(declaration.value):
                if token.type == "ident" and token.lower_value in _FONT_SIZE_KEYWORDS:
                    sizes.append(_FONT_SIZE_KEYWORDS[token.lower_value])
                elif token.type == "dimension" and token.lower_unit in _UNITS and math.isfinite(token.value):
                    sizes.append(float(token.value) * _UNITS[token.lower_unit])
                elif token.type in ("dimension", "percentage", "function") or \
                        token.type == "ident" and token.lower_value in ("larger", "smaller"):
                    sizes.append(math.inf)
    spacing = [0.0, 0.0]  # px
    for declaration in styles.everything:
        name = declaration.lower_name.removeprefix("-weasy-")
        if name not in ("letter-spacing", "word-spacing"):
            continue
        for token in _all_tokens(declaration.value):
            if token.type == "dimension" and token.lower_unit in _UNITS and math.isfinite(token.value):
                px = float(token.value) * _UNITS[token.lower_unit]
            elif token.type == "dimension" and token.lower_unit == "em" and math.isfinite(token.value):
                px = float(token.value) * max(sizes) if token.value > 0 else 0.0
            elif token.type in ("dimension", "percentage", "function"):
                return None
            else:  # `normal`, `0`, `inherit`: no spacing of its own
                continue
            if math.isinf(px):  # `em` while a font size is relative
                return None
            index = name == "word-spacing"
            spacing[index] = max(spacing[index], px)
    return spacing[0] * 0.75, spacing[1] * 0.75


def _not_regular(styles: _Styles, tokens: Iterable[Any], folder: str, path: str | None) -> None:
    """Note in `styles.not_regular` each `url()` among `tokens` (and inside them) of the sheet `path` (None: the
    document's own), from `folder`, that names a project file the kit's fetcher refuses as not a regular file."""
    for token in _all_tokens(list(tokens)):
        url = _url_of(token) if _is_url(token) else None
        target = None if url is None else _project_target(url, folder, styles.project)
        if target is not None and (refused := readable_problem(styles.project, target)) \
                and refused[0].startswith("is not a regular file"):
            styles.not_regular.append((path, token.source_line, url or "", refused[0]))


#: How deep style rules may be nested in one another (CSS Nesting, which WeasyPrint applies), and how long (tinycss2
#: tokens) the selector WeasyPrint makes of a nested rule may be: each level is the rule's own selector with its
#: holder's wrapped in `:is()` once for each `&` (or before it), so ten `&` a level make selectors ten times longer
#: each level.
_MAX_RULE_NESTING = 8
_MAX_NESTED_SELECTOR = 2_000


def nested_preludes(rule: Any) -> Iterator[tuple[Any, Any]]:
    """(selector prelude, rule) of the qualified rule `rule` and of each rule nested in it, their selectors as
    WeasyPrint 70 makes them (`css.validation.preprocess_declarations`): a nested rule's selector list with `&` in
    it has each `&` replaced by `:is(<its holder's>)`, one without `&` is `:is(<its holder's>) <its own>` for each
    of its selectors; an `&` outside any rule is `:root`. Unbounded past _MAX_RULE_NESTING or
    _MAX_NESTED_SELECTOR."""
    import tinycss2  # noqa: PLC0415
    from tinycss2.ast import IdentToken, LiteralToken  # type: ignore[import-untyped]  # noqa: PLC0415

    root = [LiteralToken(1, 1, ":"), IdentToken(1, 1, "root")]
    pending = [([piece for token in rule.prelude for piece in (root if _is_ampersand(token) else [token])], rule, 0)]
    while pending:
        prelude, holder, level = pending.pop()
        yield prelude, holder
        for part in tinycss2.parse_blocks_contents(holder.content, True, True):
            if part.type != "qualified-rule":
                continue
            if level >= _MAX_RULE_NESTING:
                raise Unbounded(f"it nests style rules more than {_MAX_RULE_NESTING} deep",
                                "nest fewer rules inside each other")
            length = token_reach(prelude)[0]
            if sum(token_reach(group)[0] + length * max(_ampersands(group), 1)
                   for group in _comma_groups(part.prelude)) > _MAX_NESTED_SELECTOR:
                raise Unbounded(f"a nested style rule's selector would be more than {_MAX_NESTED_SELECTOR:,} tokens "
                                "long with those of the rules it is in",
                                "nest fewer rules inside each other, or use fewer `&` in them")
            pending.append((_nested_prelude(prelude, part.prelude), part, level + 1))


def _first_line(prelude: list[Any]) -> str:
    """The text of the first line of a rule's selector as written (`media.selector_text`), to find it by."""
    head = itertools.takewhile(lambda token: not (token.type == "whitespace" and "\n" in token.value), prelude)
    return selector_text(list(head))


def _comma_groups(prelude: list[Any]) -> list[list[Any]]:
    groups: list[list[Any]] = [[]]
    for token in prelude:
        if token.type == "literal" and token.value == ",":
            groups.append([])
        else:
            groups[-1].append(token)
    return groups


def _ampersands(tokens: list[Any]) -> int:
    return sum(1 for token in tokens if _is_ampersand(token))


def _is_ampersand(token: Any) -> bool:
    return bool(token.type == "literal" and token.value == "&")


def _nested_prelude(holder: list[Any], prelude: list[Any]) -> list[Any]:
    """The selector WeasyPrint 70 gives a rule of selector `prelude` nested in one of selector `holder`."""
    from tinycss2.ast import FunctionBlock, LiteralToken, WhitespaceToken  # noqa: PLC0415

    wrapped = [LiteralToken(1, 1, ":"), FunctionBlock(1, 1, "is", holder)]
    made: list[Any] = []
    for group in _comma_groups(prelude):
        if _ampersands(group):  # WeasyPrint replaces each `&` of the whole list, once for each group that has one
            made += [piece for token in prelude
                     for piece in (wrapped if _is_ampersand(token) else [token])]
        else:
            made += [*wrapped, WhitespaceToken(1, 1, " "), *group]
        made.append(LiteralToken(1, 1, ","))
    return made[:-1]


#: The properties that draw a picture they name and that each element inherits from its parent: WeasyPrint draws
#: the marker of each list item under the element a rule matches (`ul { list-style-image: … }` over twenty items was
#: counted once and took `kit` 30 s; issue 18, tenth verification, Z5).
_INHERITED_PICTURES = frozenset({"list-style", "list-style-image"})


#: The elements WeasyPrint draws a picture for (as `kit._IMAGE_SOURCE` finds them), by the attribute naming it.
_FIGURE_SOURCES = {"img": "src", "embed": "src", "object": "data"}


def _on_every_page(declared: list[tuple[list[Any], str]]) -> bool:
    """Whether the declarations that may reach a box may make WeasyPrint draw it, and all in it, on every page:
    `position: fixed`, or what `var()` may make it (a fixed box showing a figure drawn in 1.95 s alone took WeasyPrint
    4.6 s over four pages). (`running()` is refused: `_UNNEEDED_FUNCTIONS`.)"""
    return any(d.lower_name == "position" and any(
        token.type == "ident" and token.lower_value == "fixed" or _is_var(token) for token in d.value)
        for declarations, _ in declared for d in declarations)


def _elements_under(root: Any) -> dict[Any, int]:
    """How many elements each element of the tree `root` is or holds (itself and all under it): at most how many
    list items inherit a list marker from it (`display: list-item` may be given to any element). One pass."""
    under: dict[Any, int] = {}
    for element in reversed(list(root.iter())):  # each element after all those under it
        if isinstance(element.tag, str):
            under[element] = 1 + sum(under.get(child, 0) for child in element)
    return under


def _read_sheet(styles: _Styles, text: str, folder: str, depth: int, path: str | None = None,
                chain: tuple[str | None, ...] = ()) -> None:
    """Gather the rules of the CSS `text` (of the project file `path`, None for a `<style>` sheet), whose `url()`s
    start from the project folder `folder`, imported by the sheets `chain` (the outermost first)."""
    import tinycss2  # noqa: PLC0415

    pending, lines = list(tinycss2.parse_stylesheet(text, skip_comments=True, skip_whitespace=True)), _lines(text)
    _not_regular(styles, itertools.chain.from_iterable([*rule.prelude, *(rule.content or [])] for rule in pending
                                                       if rule.type != "error"), folder, path)
    while pending:
        rule = pending.pop(0)
        if rule.type == "qualified-rule":
            for prelude, nested in nested_preludes(rule):
                styles.selectors.append((prelude, path, nested.source_line, _first_line(nested.prelude)))
                declarations = _declarations(tinycss2.parse_blocks_contents(nested.content, True, True))
                styles.add(declarations, folder, path, lines)
                if (multi_column := _relayout(declarations)) is not None:
                    styles.relayouts.append((prelude, (path, nested.source_line, _first_line(nested.prelude)),
                                             multi_column))
                if any(d.lower_name in _GENERATING for d in declarations):
                    styles.generating.append((prelude, (path, nested.source_line, _first_line(nested.prelude)),
                                              declarations))
                if any(d.lower_name.startswith("background") or d.lower_name in ("display", "position")
                       or _shows_picture(d) for d in declarations):
                    styles.rules.append((prelude, declarations, folder))
        elif rule.type == "at-rule" and rule.lower_at_keyword == "import":
            target = next((t for t in rule.prelude if t.type in ("url", "string", "function")), None)
            if target is not None:
                _check_import(styles, _url_of(target) or "", folder, (*chain, path), rule)
                _load_sheet(styles, _url_of(target) or "", folder, depth + 1, (*chain, path))
        elif rule.type == "at-rule" and rule.lower_at_keyword in _UNNEEDED_AT_RULES:
            styles.unneeded.append((path, rule.source_line, f"@{rule.at_keyword}",
                                    *_UNNEEDED_AT_RULES[rule.lower_at_keyword], lines[rule.source_line - 1].strip()))
        elif rule.type == "at-rule" and rule.lower_at_keyword == "page" and rule.content is not None:
            _read_page(styles, rule.content, folder, path, lines)
        elif rule.type == "at-rule" and rule.content is not None:  # @media, @supports, @layer, …
            pending[:0] = tinycss2.parse_rule_list(rule.content, skip_comments=True, skip_whitespace=True)


def _lines(text: str) -> list[str]:
    """The lines of the CSS `text`, as tinycss2 numbers them (`source_line`: it breaks lines at CR LF, CR, LF, FF)."""
    return text.replace("\r\n", "\n").replace("\r", "\n").replace("\f", "\n").split("\n")


def _read_page(styles: _Styles, content: list[Any], folder: str, path: str | None, lines: list[str]) -> None:
    """Gather an `@page` rule's declarations and those of its page-margin boxes (`@top-left { … }`), of the sheet
    `path` whose lines are `lines`."""
    import tinycss2  # noqa: PLC0415

    parts = tinycss2.parse_blocks_contents(content, True, True)
    for declarations in [_declarations(parts)] + [
            _declarations(tinycss2.parse_blocks_contents(part.content, True, True))
            for part in parts if part.type == "at-rule" and part.content is not None]:
        styles.add(declarations, folder, path, lines)
        styles.pages.append((declarations, folder))


def _check_import(styles: _Styles, url: str, folder: str, chain: tuple[str | None, ...], rule: Any) -> None:
    """ImportRefused for the `@import` `rule` of `url` (from `folder`) in the last sheet of `chain` if its URL has no
    path (`?a`, `#a`, ``: WeasyPrint joins it to the URL of the sheet that writes it, which then imports itself),
    or if it names a sheet of `chain` (an import cycle): WeasyPrint has no cycle guard and follows it to its
    recursion limit, and two such imports a sheet double the work at each level (18-verify16 F2, F6)."""
    written = _first_line(rule.prelude).strip()
    imported = _project_path(url, folder, styles.project)  # UnmappedURL first, for a URL that cannot be split
    if _no_file(url):
        raise ImportRefused(f"has `@import {written}`, whose URL has no path: WeasyPrint joins it to the URL of the "
                            "sheet that writes it, which then imports itself again and again",
                            "write the path of the style sheet to import, or remove the `@import`",
                            chain[-1], rule.source_line, written)
    if imported is not None and imported in chain:
        raise ImportRefused(f"imports {imported} again inside itself (`@import {written}`): an `@import` cycle, "
                            "which WeasyPrint follows again and again, having no guard against it",
                            f"remove the `@import` that leads back to {imported}", chain[-1], rule.source_line,
                            written)


def _no_file(url: str) -> bool:
    """Whether `url` has neither a path nor a host (`url()`, `url(#id)`, `?a`), so names no file of its own.
    InvalidURL if it cannot be split."""
    written = split_url(url)
    return not (written.path or written.netloc)


def _load_sheet(styles: _Styles, url: str, folder: str, depth: int, chain: tuple[str | None, ...] = ()) -> None:
    """Gather the rules of the style sheet at `url` (from `folder`), imported by the sheets `chain`, if WeasyPrint's
    kit fetcher would read it; its own URLs start from its URL as WeasyPrint has it, not from the folder of the
    file it is (`kit.fetched_target`: issue 18, fourteenth verification, D1)."""
    from tinycss2.bytes import decode_stylesheet_bytes  # type: ignore[import-untyped]  # noqa: PLC0415

    project = styles.project
    path = _project_path(url, folder, project)
    if path is None:
        return
    styles.sheets += 1
    if styles.sheets > MAX_KIT_SHEETS or depth > _MAX_IMPORT_DEPTH:
        raise Unbounded(f"it loads more than {MAX_KIT_SHEETS} style sheets, or imports them more than "
                        f"{_MAX_IMPORT_DEPTH} deep", "link and import fewer style sheets, each once, in fewer levels")
    styles.sheet_bytes += (project / path).stat().st_size
    if styles.sheet_bytes > _MAX_SHEET_BYTES:
        raise Unbounded(f"its linked style sheets hold more than {_MAX_SHEET_BYTES // 1024 ** 2} MB",
                        "link smaller style sheets")
    # decoded as WeasyPrint decodes a fetched sheet (`weasyprint.CSS`: by its BOM, then `@charset`, then UTF-8; the
    # kit's fetcher gives no charset): 18-verify15 E4, a UTF-16 sheet or an `@import` after a UTF-8 BOM
    text, _ = decode_stylesheet_bytes((project / path).read_bytes()[:_MAX_SHEET_BYTES], protocol_encoding=None,
                                      environment_encoding=None)
    _read_sheet(styles, text, _joined(url, folder, project), depth, path, chain)


def _project_path(url: str, folder: str, project: Path) -> str | None:
    """The project path of the file `url` (relative to the project folder `folder`, or a `file:` URL inside the
    project) names, if it is a regular file in course/ or quizzes/ (`media.readable_problem`), as the kit's
    fetcher reads; None for any other URL, which WeasyPrint is not given."""
    path = _project_target(url, folder, project)
    return None if path is None or readable_problem(project, path) else path


def _project_target(url: str, folder: str, project: Path) -> str | None:
    """The project path `url` names, whatever is there, joined to `folder` as WeasyPrint joins it (`kit.kit_url`: a
    relative path that climbs out of the project and back in, and an absolute path too) and mapped as the kit's
    fetcher maps it (`kit.fetched_target`); None for a URL that names no file in the project, which the fetcher
    refuses (18-verify13 C1: `check` skipped `../../../<project>/course/media/k.css`, which WeasyPrint read).
    `folder` is the URL the document's or the sheet's URLs start from, relative to the project folder's.
    Raises UnmappedURL for a URL the fetcher would read otherwise than `check` can tell, or that cannot be split
    (`project_urls.InvalidURL`; issue 18, fourteenth verification, D1 and D3), with a third argument: the project
    path of the sheet that names it, None for the document."""
    try:
        joined = _joined(url, folder, project)  # first: `kit.kit_url` refuses white space at an end (E2)
        if _no_file(url):
            return None  # `url()`, `url(#id)`: no file
        return fetched_target(joined, project)
    except InvalidURL:
        raise UnmappedURL(url, INVALID_URL[0], _sheet_of(folder, project)) from None
    except UnmappedURL as unmapped:
        raise UnmappedURL(url, unmapped.args[1], _sheet_of(folder, project)) from None


def _joined(url: str, folder: str, project: Path) -> str:
    """The URL WeasyPrint hands the kit's fetcher for `url`, written where URLs start from `folder`."""
    return kit_url(project_url(project, folder), url)


def _sheet_of(folder: str, project: Path) -> str | None:
    """The project path of the style sheet whose URLs start from `folder` (its own URL), None for the document's."""
    return None if folder == _DOCUMENT_FOLDER else fetched_target(folder, project)


def _declarations(parts: Iterable[Any]) -> list[Any]:
    return [part for part in parts if part.type == "declaration"]


_OWN_COUNTER_STYLE = ("defines a counter style of its own, which may write one number as text of any length (a "
                      "`symbolic` style writes 100,000,000 as that many symbols)", "use a built-in counter style, "
                      "such as `decimal`, `lower-alpha`, `lower-roman` or `disc`")
_IN_THE_MARGINS = "write the text of the page-margin boxes in the template (`content: \"…\"`, `counter(page)`)"
_COPIES_TEXT = ("copies an element's text into the page-margin boxes of every page", _IN_THE_MARGINS)
_COPIES_ELEMENT = ("copies an element, and all in it, into the page-margin boxes of every page", _IN_THE_MARGINS)
#: The at-rules, properties and functions a kit document's style sheets may not use, with why and how to do without:
#: each makes text or boxes out of all proportion to what is written, which `check` cannot bound before WeasyPrint
#: lays the document out (issue 18, eighteenth verification, B5: a 100-byte `@counter-style` ran WeasyPrint out of
#: memory; B6: `leader()` in a tiny font, out of memory; B8: a 200 KB `string-set` on 190 pages, past its 30 s). A
#: kit needs none of them: the built-in templates use none, and a template writes its page-margin boxes' text itself.
_UNNEEDED_AT_RULES = {"counter-style": _OWN_COUNTER_STYLE}
_UNNEEDED_PROPERTIES = {"string-set": _COPIES_TEXT}
_UNNEEDED_FUNCTIONS = {
    "symbols": _OWN_COUNTER_STYLE, "string": _COPIES_TEXT, "running": _COPIES_ELEMENT, "element": _COPIES_ELEMENT,
    "leader": ("fills the rest of its line with copies of its text, as many as its font size allows",
               "draw the line with a border, such as `border-bottom: 0.6pt dotted`"),
    "target-text": ("copies the text of the element a link points to into each box that shows it",
                    "write the text itself"),
    # 18-verify20 B7: 2,000 links to 100 targets over 101 pages (60 KB) took WeasyPrint 29 s
    **dict.fromkeys(("target-counter", "target-counters"), (
        "shows a counter of the element a link points to (its page number, say), which WeasyPrint knows only once "
        "it has laid out the pages, and then lays them out again for it", "write the numbers in the template, and "
        "number the pages in their margin boxes with `counter(page)`"))}
#: The longest string a kit document's `hyphenate-character` may be (WeasyPrint's own is one character, `‐`):
#: WeasyPrint adds it at the end of each hyphenated line, and lays the line out again with it for each place the
#: line may break (18-verify20 B6: a 20,000-character one over 300 soft hyphens ran it past its 30 s). A function
#: (`var()`) there is refused too: its text is known only once laid out.
MAX_HYPHENATE_CHARACTER = 4
_LONG_HYPHEN = (f"adds text longer than {MAX_HYPHENATE_CHARACTER} characters (or text known only once laid out, "
                "by `var()`) at the end of each hyphenated line, which WeasyPrint lays out again with it for each "
                "place the line may break", f"write a string of at most {MAX_HYPHENATE_CHARACTER} characters, such "
                "as `\"-\"`, or `auto`")


_TABLE_PART = ("makes a box a part of a table, or takes one out of its row, other than its HTML element does: "
               "WeasyPrint then reads the `span` and `colspan` of any element, and puts the cells of many rows in one, "
               "so that its columns cannot be counted before it lays the document out (a `<div>` of "
               "`display: table-column-group` and `span=\"1000000\"` ran it out of memory)",
               "make tables of `<table>`, `<tr>`, `<th>`, `<td>`, `<col>` and `<colgroup>`, whose own display it keeps")
_GRID = ("lays out its content on a grid whose tracks are as many as its `repeat()`, line numbers, spans and areas "
         "say (`repeat(1000000, 1px)`, 40 bytes, ran WeasyPrint out of memory)",
         "lay out side by side with `display: flex` or `inline-block`, or with a table")
#: The `display` values a kit document's style sheets may not write (nor a custom property, which `var()` may bring
#: to `display`), nor `display: inherit` (a `<div>` in a `<td>` would be a cell too), with why and how to do without
#: (issue 18, nineteenth verification, D1: a `display: table-column-group` element of `span="1000000"`, or cells
#: of many rows gathered in one by `display: contents`, passed the table column bound; D3: grids of a million
#: tracks). The built-in templates use none of them; a table of HTML elements is counted (`kit.table_columns`).
_UNNEEDED_DISPLAYS = {
    **dict.fromkeys(("table-row-group", "table-header-group", "table-footer-group", "table-row", "table-cell",
                     "table-column-group", "table-column", "table-caption", "contents"), _TABLE_PART),
    "grid": _GRID, "inline-grid": _GRID}
_BREAKS_INSIDE_WORDS = ("breaks lines inside words, which WeasyPrint does by laying out the rest of a word again for "
                        "each line it breaks in it (a paragraph of one 60,000-letter word took it more than 60 s)",
                        "leave words whole, and put spaces in long runs of text")
_HYPHENATES = ("hyphenates words from a dictionary, which WeasyPrint does by laying out the text up to each "
               "hyphenation point of a word again for each line (3,000 words in one paragraph took it more than 30 s)",
               "hyphenate the few words that need it with soft hyphens (`&shy;`)")
_FOOTNOTES = ("makes footnotes, which WeasyPrint lays out again and again to fit them on their pages (1,500 in one "
              "paragraph took it more than 60 s)", "write the notes at the end of their section")
_KEYWORD_UNKNOWN = ("gives a property that may break words or make footnotes a value known only when it is laid out",
                    "write its value in the declaration itself")
#: The values of line-breaking and footnote properties a kit document's style sheets may not write (WeasyPrint
#: accepts a `-weasy-` prefix on `hyphens`), nor `var()` or `env()` in them (`_KEYWORD_UNKNOWN`), with why and how
#: to do without (issue 18, twentieth verification, B3: each of 33-60 KB took `kit` past its 30 s or 100 s bound).
#: The built-in templates use none of them; a kit document's soft hyphens and runs of text without a space are
#: priced (`kit.relaid_text`).
_UNNEEDED_KEYWORDS = {
    "hyphens": {"auto": _HYPHENATES},
    **dict.fromkeys(("word-break", "overflow-wrap", "word-wrap"), dict.fromkeys(("break-all", "break-word", "anywhere"),
                                                                               _BREAKS_INSIDE_WORDS)),
    "float": {"footnote": _FOOTNOTES}}
#: The properties whose values write text of their own into the boxes they apply to: each is counted, for every
#: box its rule may reach, by `generated_text` (`kit.MAX_KIT_GENERATED_TEXT`). (`string-set` is refused.)
_GENERATING = frozenset({"content", "list-style", "list-style-type", "bookmark-label"})
#: Those of _GENERATING every element inherits: a string `list-style-type` of a `<ul>` is the marker of each of its
#: list items.
_INHERITED = frozenset({"list-style", "list-style-type"})
_GENERATED_UNKNOWN = ("writes text with `inherit`, or with `var()` or `env()` while a custom property of the document "
                      "holds text, known only when it is laid out, which "
                      "cannot be counted against the bound on text a kit document's style sheets write",
                      "write the text, `counter()` or `attr()` in the declaration itself")
#: At most how many characters a counter of small values shows in a built-in counter style (WeasyPrint's additive
#: styles have ranges, past which it writes decimal digits).
_COUNTER_TEXT = 24


def counter_text(styles: _Styles) -> int:
    """At most how many characters one counter of the document of `styles` shows: _COUNTER_TEXT, or the digits of
    its longest `counter-reset`, `counter-set` or `counter-increment` integer (WeasyPrint's counters have no bound:
    `counter-reset: c 1000…` of 4,000 digits writes them all) and a sign, with 4 more for the 5,000 elements that
    may add to it (`kit.MAX_KIT_ELEMENTS`)."""
    return max([_COUNTER_TEXT] + [len(str(abs(token.int_value))) + 5 for d in styles.everything
                                  if d.lower_name in ("counter-reset", "counter-set", "counter-increment")
                                  for token in _all_tokens(d.value) if token.type == "number" and token.is_integer])


def _writes_text(tokens: Iterable[Any]) -> bool:
    """Whether the CSS `tokens` may write text into generated content: a string (not a `url()`'s), a function
    other than `url()` (`attr()`, `counter()`, `var()`, …) or `open-quote`/`close-quote`."""
    return any(token.type == "string" or token.type == "function" and token.lower_name != "url"
               or token.type == "ident" and token.lower_value in ("open-quote", "close-quote")
               or token.type in ("() block", "[] block", "{} block") and _writes_text(token.content)
               for token in tokens)


def generated_text(declarations: list[Any], attribute: int, quote: int, counter: int) -> tuple[int, int, int]:
    """At most how many characters the declarations `declarations` write into one box (`_GENERATING`), as (those
    written once, those written once for each level of nesting of the box, those written once for it and each box
    in it, which inherit them: `_INHERITED`): their strings, `counter()` as _COUNTER_TEXT, `counters()` as that and
    their separator at each level, `attr()` as `attribute` (the longest attribute value of the document),
    `open-quote` and `close-quote` as `quote` (the longest string of a `quotes`). (`var()`, `env()`, `inherit` and
    `target-counter()` are refused: `_unneeded`.)"""
    def size(tokens: Iterable[Any]) -> int:
        total = 0
        for token in tokens:
            if token.type == "string":
                total += len(token.value)
            elif token.type == "ident" and token.lower_value in ("open-quote", "close-quote"):
                total += quote
            elif token.type == "function" and token.lower_name == "attr":
                total += attribute
            elif token.type == "function" and token.lower_name == "counter":
                total += counter + size(token.arguments)
            elif token.type == "function" and token.lower_name not in ("url", "counters"):
                total += size(token.arguments)
            elif token.type in ("() block", "[] block", "{} block"):
                total += size(token.content)
        return total

    values = [d.value for d in declarations if d.lower_name in _GENERATING - _INHERITED]
    return sum(size(value) for value in values), sum(
        counter + size(token.arguments) for value in values for token in _all_tokens(value)
        if token.type == "function" and token.lower_name == "counters"), sum(
        size(d.value) for d in declarations if d.lower_name in _INHERITED)


def longest_quote(styles: _Styles) -> int:
    """The longest string of the `quotes` declarations of `styles` (1, WeasyPrint's own quotes, if none)."""
    return max((len(token.value) for d in styles.everything if d.lower_name == "quotes"
                for token in _all_tokens(d.value) if token.type == "string"), default=1)


def _unneeded(declaration: Any) -> Iterator[tuple[int, str, tuple[str, str]]]:
    """(line, the construct as written, (why a kit may not use it, how to do without)) of the declaration
    `declaration` if it sets a property of _UNNEEDED_PROPERTIES (WeasyPrint ignores a `-weasy-` prefix on them), of
    each function of _UNNEEDED_FUNCTIONS in its value (in a custom property too: `var()` may bring it
    anywhere), of each keyword of _UNNEEDED_KEYWORDS (or `var()`) in a property of it, and of a
    `hyphenate-character` longer than MAX_HYPHENATE_CHARACTER or with a function. tinycss2 reads escaped names as
    WeasyPrint does (`le\\61 der(` is `leader(`)."""
    if declaration.lower_name in _UNNEEDED_PROPERTIES:
        yield declaration.source_line, declaration.name, _UNNEEDED_PROPERTIES[declaration.lower_name]
    if _property(declaration) == "hyphenate-character" and any(
            token.type == "function" or token.type == "string" and len(token.value) > MAX_HYPHENATE_CHARACTER
            for token in declaration.value):
        yield declaration.source_line, f"{declaration.name}: {_text(declaration.value)}", _LONG_HYPHEN
    if declaration.lower_name == "display" or declaration.name.startswith("--"):  # `var()` may bring it to one
        for token in _all_tokens(declaration.value):
            if token.type == "ident" and (token.lower_value in _UNNEEDED_DISPLAYS or token.lower_value == "inherit"):
                yield (token.source_line, f"{declaration.name}: {_text(declaration.value)}",
                       _UNNEEDED_DISPLAYS.get(token.lower_value, _TABLE_PART))
    if (keywords := _UNNEEDED_KEYWORDS.get(declaration.lower_name.removeprefix("-weasy-"))) is not None:
        for token in _all_tokens(declaration.value):
            if token.type == "ident" and token.lower_value in keywords or _is_var(token):
                yield (token.source_line, f"{declaration.name}: {_text(declaration.value)}",
                       keywords[token.lower_value] if token.type == "ident" else _KEYWORD_UNKNOWN)
    if declaration.lower_name in _GENERATING or declaration.lower_name == "quotes":
        for token in _all_tokens(declaration.value):
            if token.type == "ident" and token.lower_value == "inherit":
                yield token.source_line, f"{declaration.name}: {_text(declaration.value)}", _GENERATED_UNKNOWN
    for token in _all_tokens(declaration.value):
        if token.type == "function" and token.lower_name in _UNNEEDED_FUNCTIONS:
            yield token.source_line, f"{token.name}(", _UNNEEDED_FUNCTIONS[token.lower_name]


_COLUMN_PROPERTIES = frozenset({"columns", "column-count", "column-width"})
_RELAYING_DISPLAYS = frozenset({"flex", "inline-flex"})  # grid is refused outright (`_unneeded`: 18-verify19 D3)


def _relayout(declarations: list[Any]) -> bool | None:
    """Whether the declarations `declarations` make a box a multi-column container (True: `columns`,
    `column-count` or `column-width` other than `auto`) or a flex container (False), or neither (None):
    boxes that WeasyPrint lays out again and again to fit their content, so that the time of nested ones grows
    with the power of their depth (`kit.MAX_KIT_RELAYOUT_DEPTH`). A value with `var()` or `inherit` is taken to make
    one (an upper bound)."""
    def words(declaration: Any) -> set[str]:
        return {"var" if _is_var(token) else token.lower_value if token.type == "ident" else token.type
                for token in declaration.value if token.type not in ("whitespace", "comment")}

    if any(d.lower_name in _COLUMN_PROPERTIES and words(d) - {"auto"} for d in declarations):
        return True
    if any(d.lower_name == "display" and words(d) & (_RELAYING_DISPLAYS | {"var", "inherit"}) for d in declarations):
        return False
    return None


def _url_of(token: Any) -> str | None:
    """The URL of a `url(…)` token or function, or of an `@import` string; None for anything else."""
    if token.type in ("url", "string"):
        return str(token.value)
    if token.type == "function" and token.lower_name == "url":
        return next((str(t.value) for t in token.arguments if t.type == "string"), None)
    return None


def _layers(tokens: list[Any]) -> list[list[Any]]:
    """A comma-separated value's layers, each its tokens without white space and comments."""
    layers: list[list[Any]] = [[]]
    for token in tokens:
        if token.type == "literal" and token.value == ",":
            layers.append([])
        elif token.type not in ("whitespace", "comment"):
            layers[-1].append(token)
    return layers


@dataclass(frozen=True)
class _Layer:
    """What the declarations that may reach one box say of its background layers (all of them together)."""

    images: list[Any]  # url/function tokens, or the `var()` function of a value that may be any image
    sizes: list[list[Any]]  # each layer's size tokens ([] for auto)
    repeats: list[list[Any]]  # each layer's repeat tokens ([] for repeat)
    folders: dict[int, str]  # the folder each image's url starts from, by id of its token


def _gathered(declared: list[tuple[list[Any], str]]) -> _Layer:
    images: list[Any] = []
    sizes: list[list[Any]] = []
    repeats: list[list[Any]] = []
    folders: dict[int, str] = {}
    unread = None
    sized = repeated = False
    for declarations, folder in declared:
        for declaration in declarations:
            name = declaration.lower_name
            if _inherits(declaration):
                continue  # the holder's declarations stand for it (`_with_inherited`)
            layers = _layers(declaration.value)
            if name in _LAYER_PROPERTIES and any(_is_var(token) for layer in layers for token in layer):
                unread = f"`{name}: {_text(declaration.value)}` is known only when it is laid out"
                if name in ("background", "background-image"):
                    raise Unbounded(unread)
            if name in ("background", "background-image"):
                for layer in layers:
                    for token in layer:
                        if _is_image(token):
                            images.append(token)
                            folders[id(token)] = folder
            if name == "background":
                for layer in layers:
                    size, repeat = _shorthand_layer(layer)
                    sizes.append(size)
                    repeats.append(repeat)
                sized = repeated = True
            elif name == "background-size":
                sizes += layers
                sized = True
            elif name == "background-repeat":
                repeats += layers
                repeated = True
    if unread and images:
        raise Unbounded(unread)
    return _Layer(images, sizes if sized else [[]], repeats if repeated else [[]], folders)


def _size_tokens(tokens: list[Any]) -> list[Any]:
    """The (one or two) tokens of a size after the `/` of a `background` layer."""
    size = []
    for token in tokens:
        if token.type in ("dimension", "percentage", "number", "function") or (
                token.type == "ident" and token.lower_value in ("auto", "cover", "contain")):
            size.append(token)
            if len(size) == 2 or token.type == "ident" and token.lower_value in ("cover", "contain"):
                break
        else:
            break
    return size


def _all_tokens(tokens: list[Any]) -> Iterator[Any]:
    """The tokens `tokens` and those inside their functions and blocks."""
    pending = list(tokens)
    while pending:
        token = pending.pop()
        yield token
        if token.type == "function":
            pending += token.arguments
        elif token.type in ("() block", "[] block", "{} block"):
            pending += token.content


#: The properties that draw a picture they name (besides the background layers, read by `_gathered`).
_PICTURE_PROPERTIES = frozenset({"background", "background-image", "list-style", "list-style-image", "content",
                                 *_BORDER_IMAGES, *(f"{name}-source" for name in _BORDER_IMAGES)})


def _shows_picture(declaration: Any) -> bool:
    """Whether a declaration may draw a picture (`_PICTURE_PROPERTIES`, `-weasy-` prefixed or not): one a `url()` in
    it names, one a custom property names (`var()`, `_Styles.urls`), or its holder's (`inherit`, `_with_inherited`)."""
    return _property(declaration) in _PICTURE_PROPERTIES and (_inherits(declaration) or any(
        _is_url(token) or _is_var(token) for token in _all_tokens(declaration.value)))


#: The properties that say what picture a box draws, or how, that a box takes from its parent only when a declaration
#: sets them to `inherit` (the others of `_PICTURE_PROPERTIES` are inherited anyway), by the group of properties
#: whose declarations are taken with them: `p { background-image: inherit }` draws the background of the `<div>`
#: it is in again for each `<p>` (twenty `<p>` over a figure estimated at 1.89 s passed `check`, counted once, and
#: took `kit` past its 30 s; issue 18, eleventh verification, A5).
_INHERITABLE = {"background": "background", "background-image": "background", "background-size": "background",
                "background-repeat": "background", "content": "content",
                **{name: shorthand for shorthand in _BORDER_IMAGES for name in (shorthand, f"{shorthand}-source")}}


def _inherits(declaration: Any) -> bool:
    """Whether a declaration sets one of `_INHERITABLE` to `inherit` (its one keyword, as WeasyPrint reads it)."""
    value = [token for token in declaration.value if token.type not in ("whitespace", "comment")]
    return _property(declaration) in _INHERITABLE and len(value) == 1 and value[0].type == "ident" and (
        value[0].lower_value == "inherit")


def _with_inherited(declared: list[tuple[list[Any], str]],
                    parent: list[tuple[list[Any], str]]) -> list[tuple[list[Any], str]]:
    """The declarations that may reach a box (`declared`, each with the folder of its urls), with those of the box
    it inherits from (`parent`, so completed itself) for the properties of `_INHERITABLE` that one of them sets to
    `inherit`: all the parent's of those groups (an upper bound, as for the cascade), but of the background only
    what sets the properties inherited (`_background_part`), or their initial value if none does. The `inherit`
    declarations themselves are left for `_gathered` to pass over."""
    inherited = {_property(d) for declarations, _ in declared for d in declarations if _inherits(d)}
    if not inherited:
        return declared
    groups = {_INHERITABLE[name] for name in inherited} - {"background"}
    taken = [(kept, folder) for declarations, folder in parent
             if (kept := [d for d in declarations if _INHERITABLE.get(_property(d)) in groups and not _inherits(d)])]
    for name in _BACKGROUND_PARTS if "background" in inherited else sorted(inherited & set(_BACKGROUND_PARTS)):
        given = [([_background_part(d, name)], folder) for declarations, folder in parent for d in declarations
                 if d.lower_name in ("background", name) and not _inherits(d)]
        taken += given or [([_background_part(None, name)], _DOCUMENT_FOLDER)]
    return declared + taken


#: The background properties a box inherits one by one, as `_gathered` reads them.
_BACKGROUND_PARTS = ("background-image", "background-size", "background-repeat")


def _background_part(declaration: Any, name: str) -> Any:
    """A declaration of the background property `name` (of _BACKGROUND_PARTS) that sets what `declaration` sets it
    to: itself, or the part of a `background` shorthand that sets it (its images, sizes or repeats, layer by
    layer), or its initial value (None: `none`, `auto`, `repeat`)."""
    from tinycss2.ast import Declaration, LiteralToken  # noqa: PLC0415

    if declaration is not None and declaration.lower_name == name:
        return declaration
    value: list[Any] = []
    if declaration is not None and name == "background-image":
        value = declaration.value  # `_gathered` takes only the images of a layer
    elif declaration is not None:
        for number, layer in enumerate(_layers(declaration.value)):
            value += [LiteralToken(1, 1, ",")] if number else []
            value += _shorthand_layer(layer)[0 if name == "background-size" else 1]
    return Declaration(1, 1, name, name, value, False)


def _shorthand_layer(layer: list[Any]) -> tuple[list[Any], list[Any]]:
    """The size tokens (after its `/`) and the repeat keywords of a layer of a `background` shorthand."""
    slash = next((i for i, t in enumerate(layer) if t.type == "literal" and t.value == "/"), None)
    return ([] if slash is None else _size_tokens(layer[slash + 1:]),
            [t for t in layer if t.type == "ident" and t.lower_value in _REPEATS])


def _is_url(token: Any) -> bool:
    return bool(token.type == "url" or token.type == "function" and token.lower_name == "url")


def _is_image(token: Any) -> bool:
    return _is_url(token) or token.type == "function" and token.lower_name in _GRADIENTS


def _is_var(token: Any) -> bool:
    return token.type == "function" and (token.lower_name in ("var", "env", "attr")
                                         or any(_is_var(t) for t in token.arguments))


def _text(tokens: list[Any], spaced: bool = False) -> str:
    """CSS tokens as written (`spaced`: tokens of a layer, white space taken out, written one space apart), on one
    line, cut to 60 characters."""
    import tinycss2  # noqa: PLC0415

    text = " ".join(tinycss2.serialize([token]) for token in tokens) if spaced else tinycss2.serialize(tokens)
    text = " ".join(text.split())
    return text if len(text) <= 60 else text[:57] + "…"


def _box_tiles(styles: _Styles, declared: list[tuple[list[Any], str]], inline: bool, side: float,
               resolution: bool) -> float:
    """At most how many tiles the repeated backgrounds of one box make on a page (`declared`: the declarations
    that may reach it, with the folder of their urls); Unbounded if that cannot be told."""
    layer = _gathered(declared)
    if not layer.images:
        return 0
    pictures = {id(image): styles.picture(image, layer.folders[id(image)]) for image in layer.images}
    repeating = [_axes(repeat) for repeat in layer.repeats]
    if all(axes == (False, False) for axes in repeating):
        return 0
    if _may_split(declared, inline):
        raise Unbounded("a repeated background on a box that is inline, each of whose lines is drawn apart",
                        "show repeated backgrounds on blocks (`display: block` or `inline-block`), or set "
                        "`background-repeat: no-repeat`")
    worst = 0.0
    # each picture, size and repeat once: a box may take many of each, from its parent's rules too (`inherit`)
    sizes = {tuple(token.serialize() for token in size): size for size in layer.sizes}.values()
    for image in {id(pictures[id(image)]): image for image in layer.images}.values():
        picture = pictures[id(image)]
        intrinsic = _intrinsic(picture, resolution)
        for size in sizes:
            width, height = _tile(size, intrinsic, image)
            for axes in dict.fromkeys(repeating):
                if axes != (False, False) and 0 not in (width, height):
                    tiles = (side / width + 2 if axes[0] else 1) * (side / height + 2 if axes[1] else 1)
                    tiles *= 1 if all(axes) else _ONE_AXIS_TILE_COST
                    worst = max(worst, tiles * (1 + picture.tiles))  # each tile draws the SVG's own patterns
    layers = max(len(_layers(d.value)) for declarations, _ in declared for d in declarations
                 if d.lower_name in ("background", "background-image"))
    return layers * worst


def _axes(repeat: list[Any]) -> tuple[bool, bool]:
    """Whether a layer's `background-repeat` (its keywords) repeats across and down; Unbounded for `round` and
    `space`, which fit the tiles to the box."""
    words = [token.lower_value for token in repeat]
    if "round" in words or "space" in words:
        raise Unbounded(f"`background-repeat: {' '.join(words)}` fits the tiles to the box")
    if words == ["repeat-x"]:
        return True, False
    if words == ["repeat-y"]:
        return False, True
    if len(words) == 2:
        return words[0] == "repeat", words[1] == "repeat"
    return words != ["no-repeat"], words != ["no-repeat"]


def _may_split(declared: list[tuple[list[Any], str]], inline: bool) -> bool:
    """Whether a box may break across lines: inline by default (`inline`) and never given another `display`, or
    given an inline one by any declaration that may reach it, or its parent's (`inherit`, which may be inline)."""
    import tinycss2  # noqa: PLC0415

    displays = [" ".join(tinycss2.serialize(d.value).lower().split()) for declarations, _ in declared
                for d in declarations if d.lower_name == "display"]
    if any(value in _SPLIT_DISPLAYS or "var(" in value or value == "inherit" for value in displays):
        return True
    return inline and not displays


@dataclass(frozen=True)
class _Picture:
    """What a background image is at `auto` size, for counting its tiles."""

    path: str | None = None  # its project path (None: a gradient, or a file WeasyPrint is not given)
    pixels: tuple[int, int] | None = None  # a raster picture's pixels across and down
    svg: tuple[float | None, float | None, float | None] | None = None  # an SVG's (`_svg_size`)
    tiles: int = 0  # the tiles of an SVG's own patterns (`media.svg_tiles`)
    drawn: bool = True  # False for a file that is neither a picture nor an SVG


def _picture(url: str | None, folder: str, project: Path) -> _Picture:
    """The image whose `url` starts from `folder` (None: a gradient), the file it names read; DrawingRefused for an
    SVG that makes more copies or tiles than `media.svg_drawing_problem` allows, wherever it is drawn."""
    if url is None:
        return _Picture()
    path = _project_path(url, folder, project)
    if path is None:
        return _Picture(drawn=False)  # not fetched: no image is drawn
    pixels = _raster_size(project / path)
    if pixels is not None:
        return _Picture(path, pixels=pixels)
    if (project / path).stat().st_size > MAX_TEXT_MEDIA_BYTES:
        raise Unbounded(f"{path} is too large to read as an SVG", "make the picture smaller")
    data = (project / path).read_bytes()
    if left_out(path, data):
        return _Picture(path, drawn=False)  # a picture whose content is not what its name says is not fetched
    if drawing := svg_drawing_problem(data):  # bounded, and kept: before the whole tree is parsed here
        raise DrawingRefused(path, *drawing)
    drawn = svg_drawing(data)
    root = None if drawn is None else svg_tree(data)  # as svg_drawing parses it: internal entities expanded
    if drawn is None or root is None:
        return _Picture(path, drawn=False)  # neither a picture nor an SVG: not drawn
    return _Picture(path, svg=_svg_size(root, path), tiles=drawn[1].tiles)


def _intrinsic(picture: _Picture, resolution: bool) -> tuple[float | None, float | None, float | None]:
    """(width, height, width / height) of an image at `auto` size, in px, each None if it has none: a gradient has
    none; a raster picture its pixels (Unbounded if the document sets `image-resolution`); an SVG its absolute
    `width` and `height`, or the proportions of its `viewBox`; a file that is not drawn (0, 0)."""
    if not picture.drawn:
        return 0.0, 0.0, None
    if picture.pixels is not None:
        if resolution:
            raise Unbounded(f"{picture.path} is sized by the document's `image-resolution`",
                            "give the repeated background a `background-size` in absolute units, or remove "
                            "`image-resolution`")
        across, down = picture.pixels
        return float(across), float(down), across / down if down else None
    return picture.svg or (None, None, None)


def _raster_size(file: Path) -> tuple[int, int] | None:
    """The pixels across and down of the raster picture `file` (from its header: Pillow opens lazily), or None if
    Pillow cannot read it (or refuses it as over twice its bomb limit, which the kit's fetcher leaves out too, as it
    leaves out a JPEG or PNG `media.decoding_problem` refuses, which is not opened: `media.picture_pixels`)."""
    from PIL import Image, UnidentifiedImageError  # noqa: PLC0415

    if decoding_problem(file.read_bytes()):
        return None
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", Image.DecompressionBombWarning)
            with Image.open(file) as picture:
                return picture.size
    except (UnidentifiedImageError, Image.DecompressionBombError, OSError, ValueError, SyntaxError):
        return None


def _svg_size(root: Any, path: str) -> tuple[float | None, float | None, float | None]:
    """An SVG's intrinsic (width, height, width / height) in px from its root's `width`, `height` and `viewBox`;
    Unbounded if `width` or `height` is not in absolute units (`1em` follows the font, `50%` the box)."""
    width, height = root.get("width"), root.get("height")
    sizes = [_absolute(value) for value in (width, height)]
    if (width is not None and sizes[0] is None) or (height is not None and sizes[1] is None):
        raise Unbounded(f"the size of {path} (`width`, `height`) is not in absolute units")
    box = [float(n) for n in re.findall(r"[-+]?(?:\d+\.?\d*|\.\d+)(?:[eE][-+]?\d+)?", root.get("viewBox") or "")]
    ratio = box[2] / box[3] if len(box) == 4 and box[2] > 0 and box[3] > 0 else None
    across, down = sizes
    if across is not None and down is not None:
        return across, down, across / down if down else None
    if ratio is not None and across is not None:
        return across, across / ratio, ratio
    if ratio is not None and down is not None:
        return down * ratio, down, ratio
    return None, None, ratio


def _absolute(value: str | None) -> float | None:
    """A length attribute (`12`, `5mm`) in px, or None unless it is a finite absolute length."""
    match = re.fullmatch(r"\s*([-+]?(?:\d+\.?\d*|\.\d+)(?:[eE][-+]?\d+)?)\s*([a-zA-Z]*)\s*", value or "")
    if match is None or match.group(2).lower() not in (*_UNITS, ""):
        return None
    number = float(match.group(1)) * _UNITS.get(match.group(2).lower(), 1.0)
    return number if math.isfinite(number) else None


def _tile(size: list[Any], intrinsic: tuple[float | None, float | None, float | None],
          image: Any) -> tuple[float, float]:
    """A layer's tile (width, height) in px, from its `background-size` tokens and the image's intrinsic size
    (CSS Backgrounds 3, 3.9); Unbounded if it depends on the box."""
    def described() -> str:  # only for a problem: serialising took most of the time of a box of many layers
        return f"`background-size: {_text(size, spaced=True) or 'auto'}` of `{_text([image])}`"

    given = [_length(token) for token in size] or [None]
    if len(given) == 1:
        given.append(None)  # one value: the height is `auto`
    width, height = given
    if isinstance(width, bool) or isinstance(height, bool):
        raise Unbounded(f"{described()} depends on the box or the font, not only on absolute units")
    across, down, ratio = intrinsic
    if width is None and height is not None:
        width = height * ratio if ratio else across
    elif height is None and width is not None:
        height = width / ratio if ratio else down
    elif width is None:  # `auto auto`
        width, height = across, down
    if width is None or height is None:
        raise Unbounded(f"{described()} fills the box it is drawn in")
    return float(width), float(height)


def _length(token: Any) -> float | None | bool:
    """A size token in px; None for `auto`; False for what depends on the box or the font."""
    if token.type == "ident" and token.lower_value == "auto":
        return None
    if token.type == "number" and token.value == 0:
        return 0.0
    if token.type == "dimension" and token.lower_unit in _UNITS and math.isfinite(token.value):
        return max(float(token.value), 0.0) * _UNITS[token.lower_unit]
    return False


def _property(declaration: Any) -> str:
    """A declaration's property as WeasyPrint takes it: `-weasy-size`, `-weasy-bleed` and `-weasy-image-resolution`
    are `size`, `bleed` and `image-resolution` (its "unstable" properties; it ignores the prefix on any other)."""
    return str(declaration.lower_name).removeprefix("-weasy-")


def _page_side(declarations: list[Any]) -> float:
    """The longest side (px) a page of the document may have, bleed included: the largest any `size` declaration
    gives (A4 by default), plus twice the largest `bleed`; infinite if one is not in absolute units."""
    side, bleed = _DEFAULT_PAGE_SIDE, 0.0
    for declaration in declarations:
        name = _property(declaration)
        if name != "size" and not name.startswith("bleed"):
            continue
        for token in _layers(declaration.value)[0]:
            if token.type == "ident" and token.lower_value in _PAGE_SIZES:
                side = max(side, _PAGE_SIZES[token.lower_value])
            elif token.type == "ident" and token.lower_value in ("auto", "portrait", "landscape"):
                continue
            else:
                length = _length(token)
                if not isinstance(length, float):
                    return math.inf
                if name == "size":
                    side = max(side, length)
                else:
                    bleed = max(bleed, length)
    return side + 2 * bleed


def _longest_line(declarations: list[Any], side: float) -> float:
    """At most how long (px) a gradient line of the document may be, without laying it out: the diagonal of a square
    of the page's longest side (`side`) or of the longest absolute length any declaration writes (a box's `width`,
    a `background-size`), whichever is longer. (A box sized by its content alone, wider than the page and than any
    length written, is not bounded by this.)"""
    longest = side
    for declaration in declarations:
        for token in _all_tokens(declaration.value):
            length = _length(token) if token.type == "dimension" else None
            if isinstance(length, float):
                longest = max(longest, length)
    return longest * math.sqrt(2)


def _check_repeating_gradient(image: Any, longest: float) -> None:
    """Unbounded if the image token `image` is a repeating gradient drawn with more than MAX_GRADIENT_STOPS stops
    along a gradient line of at most `longest` px: its stops times (line ÷ the span of its stop positions), positions
    in percent counted against the line whatever its length; or if its stop positions cannot be counted (in units
    other than absolute ones and percent, `calc()`, `var()`, or both absolute lengths and percentages)."""
    if image.type != "function" or not image.lower_name.startswith("repeating-"):
        return
    stops = [layer for layer in _layers(image.arguments) if layer]
    first = stops[0] if stops else []
    described = f"`{_text([image])}`"
    ray = 1.0  # how long the line along which percentages are placed is, in lines (`_radial_line`)
    if not any(token.type in ("hash", "function") or token.type == "ident"
               and token.lower_value not in _GRADIENT_PRELUDE for token in first):
        stops = stops[1:]  # its direction, or its shape, size and centre
        if image.lower_name == "repeating-radial-gradient":
            longest, ray = _radial_line(first, longest, described)
    placed: list[list[tuple[float, bool]]] = []  # each stop's (or hint's) positions: (value, whether a percentage)
    for stop in stops:
        placed.append([])
        for token in stop:
            if token.type == "percentage" and math.isfinite(token.value):
                placed[-1].append((float(token.value) / 100, True))
            elif token.type == "number" and token.value == 0:
                placed[-1].append((0.0, False))
            elif token.type == "dimension":  # signed: a stop may be placed before the line's start
                if token.lower_unit not in _UNITS or not math.isfinite(token.value):
                    raise TooManyStops(f"{described} places its stops in units that depend on the box or the font")
                placed[-1].append((float(token.value) * _UNITS[token.lower_unit], False))
            elif token.type == "function" and token.lower_name not in _COLOUR_FUNCTIONS:
                raise TooManyStops(f"{described} places its stops with `{token.lower_name}()`")
    if not placed:
        return
    placed[0] = placed[0] or [(0.0, False)]  # the first stop is at 0 unless placed, the last at 100%
    placed[-1] = placed[-1] or [(1.0, True)]
    kinds = {percentage for positions in placed for value, percentage in positions if value}
    if len(kinds) > 1:
        raise TooManyStops(f"{described} places its stops in both absolute lengths and percentages")
    line = ray if kinds == {True} else longest  # percentages repeat as often on any line of the same ray
    values = [value for positions in placed for value, _ in positions]
    span = max(values) - placed[0][0][0]  # the period: later stops placed before the first are moved up to it
    drawn = len(stops) * line / span if span > 0 else 0.0
    if drawn > MAX_GRADIENT_STOPS:
        raise TooManyStops(f"{described} repeats its stops about {_rounded(drawn / max(len(stops), 1))} times along a "
                        f"line of up to {longest:,.0f} px, more than the {MAX_GRADIENT_STOPS:,} stops WeasyPrint "
                        "can make quickly")


def _radial_line(prelude: list[Any], longest: float, described: str) -> tuple[float, float]:
    """How far a `repeating-radial-gradient` whose shape, size and centre are the tokens `prelude` repeats its stops,
    in a box whose lines are at most `longest` px: (in px, in lengths of its ray). WeasyPrint repeats them from the
    centre to the farthest corner (`RadialGradient._repeat`), which a centre placed outside the box puts further
    away, and percentages along an explicit ray (`circle 0.01px`) as often as it fits (issue 18, tenth verification,
    Z4). TooManyStops for a centre or a size that cannot be counted: outside the box in percent, in units that
    depend on the box or the font, or with functions; or a size in percent. Its ray is counted as infinitely many
    (stops in percent refused) when its size is 0 or a `closest-` keyword."""
    words = [token for token in prelude if token.type not in ("whitespace", "comment")]
    at = next((i for i, token in enumerate(words) if token.type == "ident" and token.lower_value == "at"), len(words))
    offset, sizes = 0.0, []
    for i, token in enumerate(words):
        if token.type == "percentage" and (i < at or not 0 <= token.value <= 100):
            raise TooManyStops(f"{described} places its centre outside the box, or sizes its ray, in percent")
        if token.type == "dimension" and (token.lower_unit not in _UNITS or not math.isfinite(token.value)) or (
                token.type == "function"):
            raise TooManyStops(f"{described} places its centre or sizes its ray in units that depend on the box or "
                               "the font")
        if token.type == "dimension":
            length = abs(float(token.value)) * _UNITS[token.lower_unit]
            if i > at:
                offset += length
            else:
                sizes.append(length)
    line = longest + offset
    if sizes:
        return line, line / min(sizes) if min(sizes) > 0 else math.inf
    closest = any(token.type == "ident" and token.lower_value.startswith("closest-") for token in words[:at])
    return line, math.inf if closest else 1.0  # the ray to a closest side may be as short as the centre is near it


#: How to fix a repeating gradient whose repeats are too many or cannot be counted.
_SPACE_STOPS = ("space a repeating gradient's first and last stops further apart, in px, mm or percent (a stripe "
                "of at least a tenth of a millimetre), or use `linear-gradient` or `radial-gradient`")
#: The CSS functions that give a colour, which a gradient's stops may hold.
_COLOUR_FUNCTIONS = frozenset({"rgb", "rgba", "hsl", "hsla", "hwb", "lab", "lch", "oklab", "oklch", "color",
                               "color-mix", "device-cmyk"})


def _check_border_images(declarations: list[Any]) -> None:
    """Unbounded if, for one of `_BORDER_IMAGES` (`border-image`, `mask-border`), any declaration may give a box
    its image (the shorthand or its `-source`: any function or `url`, `var()` included) and any may repeat it (the
    shorthand or its `-repeat`: `repeat`, `round`, `space`, or `var()`), `-weasy-` prefixed or not. WeasyPrint 70
    draws each tile of a repeated border image apart (`draw/border.py`, `draw_border_image_region`), as many as the
    border's width over the slice's allows: `border: 0.01px` with `border-image: url(dot.png) 1 repeat` over a
    150 mm box took `kit` 18 s of processor time and 309 MB (issue 18, seventh verification, W6), and as much with
    `mask-border` (sixteenth, F3). A stretched one (the default) is nine draws."""
    for shorthand in _BORDER_IMAGES:
        source = repeat = None
        for declaration in declarations:
            name = _property(declaration)
            if name not in (shorthand, f"{shorthand}-source", f"{shorthand}-repeat"):
                continue
            tokens = list(_all_tokens(declaration.value))
            if name != f"{shorthand}-repeat" and any(token.type in ("url", "function") for token in tokens):
                source = source or declaration
            if name != f"{shorthand}-source" and any(
                    _is_var(token) or token.type == "ident" and token.lower_value in _BORDER_IMAGE_REPEATS
                    for token in tokens):
                repeat = repeat or declaration
        if source is not None and repeat is not None:
            described = " and ".join(dict.fromkeys(f"`{d.name}: {_text(d.value)}`" for d in (source, repeat)))
            raise Unbounded(f"{described} may repeat a border image in tiles, each of which WeasyPrint draws apart",
                            f"stretch border images (`{shorthand}-repeat: stretch`, the default), or use a plain "
                            "`border`, or a repeated `background` with a `background-size` in absolute units")


def _check_transforms(declarations: list[Any]) -> None:
    """Unbounded if any `transform` may shrink, rotate or skew a box (anything but `none`, `translate…` and a
    `scale…` of at least 1)."""
    for declaration in declarations:
        if declaration.lower_name != "transform":
            continue
        for token in _layers(declaration.value)[0]:
            if token.type == "ident" and token.lower_value == "none":
                continue
            if token.type == "function" and token.lower_name in ("translate", "translatex", "translatey"):
                continue
            if token.type == "function" and token.lower_name in ("scale", "scalex", "scaley") and all(
                    t.type == "number" and abs(t.value) >= 1 for t in token.arguments
                    if t.type not in ("whitespace", "comment", "literal")):
                continue
            raise Unbounded(f"`transform: {_text(declaration.value)}` may shrink or skew its tiles on the page",
                            "transform only with `translate` and `scale` of at least 1 in a document that repeats "
                            "backgrounds, or set `background-repeat: no-repeat`")
