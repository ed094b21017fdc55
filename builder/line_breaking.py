"""What breaking the lines of one text costs WeasyPrint when its `split_first_line` takes its slow path, priced
before any layout for the kit's check (`kit.relaid_text`).

WeasyPrint (70, `text/line_break.split_first_line`) breaks each line of a text in a box `width` wide, of font
size `size`, by laying out a prefix of the rest of the text: up to its first space (and a letter) if
`width < 4 × size`, else its first `int(4 × width / size)` characters. If that prefix fits on one line, it "gives up"
and lays out the whole rest of the text, for each line it breaks: a cost of the text's length times its lines.
Measured on the kit's font and page (DejaVu Sans 10 pt, A4 less 16 mm each side, `docs/security.md`): `i`
and U+200B ZERO WIDTH SPACE × 10,000 in a paragraph, 1.7 s (× 20,000, 9.4 s; `i ` × 20,000, 0.3 s); `x y ` × 1,000
in a list item 16 lists deep (2.5 em wide), 15.6 s (× 2,000, 67 s; one list deep, 0.1 s). Issue 18,
twenty-first verification, D2 and D3. A table cell may be laid out as narrow as its widest word (`least_min_content`):
`x y ` × 2,000 beside a cell of one 90-character word, 31 s (18-verify24 H3).
"""

from __future__ import annotations

import functools
import math
import unicodedata

#: The advance of glyphs of the kit's font (DejaVu Sans, `kit/base.html`) narrower than DEFAULT_ADVANCE, in em,
#: rounded down to 0.01 (read from the font's `hmtx` table with fontTools): a prefix of them may fit on one line.
NARROW_GLYPHS = (
    (0.0, "\ufffc"),
    (0.09, "\u200a"),
    (0.16, "\u02e1\u2006\u2044\u2097"),
    (0.17, "\u02b2\u1d4e\u1d62\u2071\u2c7c"),
    (0.18, "\u1d35\u1d36"),
    (0.19, "\u144a\u2009\u202f"),
    (0.22, "\u05d9\u2032\u2035\u205f\ufb1d"),
    (0.23, "\u055b\u055d\u1da1\u1da8\u1daa"),
    (0.24, "\u1da5\u1da9\u207d\u207e\u208d\u208e"),
    (0.25, "\u02b3\u141d\u1427\u1d63\u2005\u2041\ua71d\ua71e\ua71f"),
    (0.26, "\u1da4\u1da6\u1da7\u2236\ufe73"),
    (0.27, "'ijl\u00ec\u00ed\u00ee\u00ef\u0129\u012b\u012d\u012f\u0131\u0135\u013a\u013c\u019a\u01d0\u01f0"
           "\u0209\u020b\u0237\u0249\u025f\u0268\u026d\u02b9\u02c8\u02cc\u0374\u0375\u03f3\u0456\u0457\u0458"
           "\u04cf\u056c\u0575\u05d5\u05df\u0622\u0623\u0625\u0627\u07ca\u1d09\u1d85\u1e2d\u1e2f\u1e3b\u1e3d"
           "\u1ec9\u1ecb\u2170\u217c\u2c61\ua781\ua78c\ufb4b\ufb54\ufb58\ufb5c\ufb60\ufb64\ufb68\ufba2\ufbe6"
           "\ufbe8\ufbfe\ufe81\ufe83\ufe87\ufe8b\ufe8d\ufe91\ufe97\ufe9b\ufee7\ufef3\U0001d5c2\U0001d5c3"
           "\U0001d5c5\U0001ee00"),
    (0.28, "\u0142\u1db4\u1e37\u1e39\U00010309\U00010320"),
    (0.29, "IJ\u00cc\u00cd\u00ce\u00cf\u0128\u012a\u012c\u012e\u0130\u0134\u0197\u01c0\u01c3\u01cf\u0208"
           "\u020a\u0248\u029d\u02b4\u02b5\u037f\u0399\u03aa\u0406\u0407\u0408\u04c0\u05c0\u05c3\u0640\u0674"
           "\u1d57\u1da0\u1db5\u1e2c\u1e2e\u1ec8\u1eca\u1fd8\u1fd9\u209c\u2160\u2d4f\u2d51\ua4f2\ua4f8\ua4f9"
           "\ua4fc\ua4fd\ua7fe\ufe70\ufe71\ufe72\ufe74\ufe76\ufe77\ufe78\ufe79\ufe7a\ufe7b\ufe7c\ufe7d\ufe7e"
           "\ufe7f\U0001d5a9"),
)
#: The advance of any other character that shows (in em), at least: the narrowest of the kit's font's other glyphs.
#: A character the font has no glyph for is drawn in a fallback font, whose glyphs are taken to be as wide.
DEFAULT_ADVANCE = 0.3
#: The advance of a letter of a script whose letters join (Arabic, Syriac, N'Ko, Mongolian), at least: WeasyPrint's
#: shaping draws them in their initial, medial or final forms, which the character's own glyph does not show
#: (DejaVu Sans' narrowest: 0.262 em, U+FE73 ARABIC TAIL FRAGMENT).
JOINED_ADVANCE = 0.26
_JOINING_SCRIPTS = ((0x0600, 0x08FF), (0x1800, 0x18AF))
_ADVANCES = {character: advance for advance, characters in NARROW_GLYPHS for character in characters}
#: Unicode general categories of characters with no advance of their own: marks (drawn over another), format
#: characters (U+200B ZERO WIDTH SPACE, joiners, bidi controls), controls, line and paragraph separators,
#: surrogates, private-use and unassigned code points (whose fallback glyph may be of any width).
_UNSEEN = frozenset({"Mn", "Me", "Mc", "Cf", "Cc", "Cs", "Co", "Cn", "Zl", "Zp"})
#: White space as WeasyPrint lays it out (`white-space: normal`: as a space, 0.318 em).
_WHITE_SPACE = frozenset(" \t\n\r\f")
#: Scripts whose words Pango breaks between letters (by a dictionary: Thai, Lao, Myanmar, Khmer; Unicode's line
#: breaking class SA), as code point ranges.
_DICTIONARY_BROKEN = ((0x0E00, 0x0EFF), (0x1000, 0x109F), (0x1780, 0x17FF), (0x19E0, 0x19FF), (0xAA60, 0xAA7F))
#: The narrowest box (in em of its font size) in which WeasyPrint takes its slow path whatever the text: it then
#: lays out the text up to its first space and a letter, all of it if that fits on a line.
NARROW_BOX = 4


@functools.lru_cache(maxsize=4096)
def least_advance(character: str) -> float:
    """The least advance of `character` in the kit's text (in em): 0 for one of no advance of its own (`_UNSEEN`),
    its glyph's (NARROW_GLYPHS), JOINED_ADVANCE in a joining script, else DEFAULT_ADVANCE."""
    if character in _WHITE_SPACE:
        return DEFAULT_ADVANCE
    if unicodedata.category(character) in _UNSEEN:
        return 0.0
    if character in _ADVANCES:
        return _ADVANCES[character]
    code = ord(character)
    return JOINED_ADVANCE if any(low <= code <= high for low, high in _JOINING_SCRIPTS) else DEFAULT_ADVANCE


def _joins(character: str) -> bool:
    """Whether no line may break before or after `character` beside another such one (Unicode's line breaking,
    UAX #14, as Pango follows it, taken narrowly): a letter, digit or mark, but not a wide (Chinese, Japanese,
    Korean) character, broken after any, nor one of a script broken by a dictionary (`_DICTIONARY_BROKEN`)."""
    code = ord(character)
    return (unicodedata.category(character)[0] in "LNM" and unicodedata.east_asian_width(character) not in "WF"
            and not any(low <= code <= high for low, high in _DICTIONARY_BROKEN))


def least_min_content(text: str) -> float:
    """The least width (in em of the text's font size) of a box that holds `text` when each of its lines is broken
    at every opportunity (CSS's min-content width, as an automatic table layout may give a cell: CSS 2.1 § 17.5.2.2):
    its widest run of characters that `_joins` (a word), each at its `least_advance`; 0 for an empty text. A lower
    bound: a line may break at fewer places than taken here, and glyphs are wider than their least advance."""
    widest = run = 0.0
    for character in text:
        if _joins(character):
            run += least_advance(character)
            widest = max(widest, run)
        else:  # a character a line may break beside, by itself (white space hangs at a line's end: none)
            widest, run = max(widest, 0.0 if character in _WHITE_SPACE else least_advance(character)), 0.0
    return widest


#: The widest glyph of the kit's font (DejaVu Sans) for a Latin character (below U+0250: all of them in the font), in
#: em, rounded up to 0.01 (U+01F1 LATIN CAPITAL LETTER DZ, 1.422 em; `W`, `@` and `m` are 1 em): an upper bound of
#: such a character's advance. Any other character's glyph may come from a fallback font, of any width.
LATIN_MOST_ADVANCE = 1.43
_LATIN_END = 0x0250


def most_max_content(text: str) -> float:
    """The greatest width (in em of the text's font size) `text` may take on one line (CSS's max-content width): the
    sum of its characters' advances, each taken as LATIN_MOST_ADVANCE; infinite if it has a character not Latin, whose
    advance is not known (`least_min_content`'s upper counterpart, for `kit`'s table cells: 18-verify25 K4)."""
    if all(ord(character) < _LATIN_END for character in text):
        return len(text) * LATIN_MOST_ADVANCE
    return math.inf


def slow_path_cost(text: str, width: float) -> int:
    """How many characters WeasyPrint lays out, at most, to break `text` into lines in a box `width` em wide (em
    of the text's font size) if it takes its slow path (the module's docstring): the text's length times its
    lines (at most its length; each of its characters taken 1 em wide, but for those of no advance), for a box
    narrower than NARROW_BOX or a text of which some `int(4 × width)` characters may fit on one line (their
    `least_advance` add up to `width` at most); 0 if it takes its quick path for every line. Not half of it (the
    rest of the text on average): in a box of many lines WeasyPrint takes about twice as long for each character
    laid out (3 µs in a wide paragraph, 10 µs in the 2.5 em wide list item above)."""
    if width >= NARROW_BOX and text.isascii() and all(character >= " " or character in _WHITE_SPACE
                                                        for character in text):
        return 0  # each of 4 × width - 1 characters at least 0.27 em wide: no prefix fits in a width of 3.4 em or more
    prefix = int(4 * width)
    if len(text) <= prefix:
        return 0  # the first prefix is the whole text: laid out once
    advances = [least_advance(character) for character in text]
    if width >= NARROW_BOX:
        window = sum(advances[:prefix])
        fits = window <= width
        for start in range(prefix, len(text)):
            if fits:
                break
            window += advances[start] - advances[start - prefix]
            fits = window <= width
        if not fits:
            return 0
    shown = sum(1 for advance in advances if advance)
    lines = min(len(text), int(shown / max(width, 0.01)) + 1)
    return len(text) * lines
