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

import bisect
import functools
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
#: The advance of any other character of the kit's font that shows (in em), at least: the narrowest of its other
#: glyphs.
DEFAULT_ADVANCE = 0.3
#: The code points the kit's font (DejaVu Sans 2.37) has a glyph for, as ranges (read from its `cmap` table with
#: fontTools). Another character is drawn from whichever fallback font fontconfig finds on the machine, of any
#: advance: U+23D0 VERTICAL LINE EXTENSION is 0.23 em in DejaVu Math TeX Gyre (18-verify25 K1).
KIT_FONT_CHARACTERS = (
    (0x0020, 0x007E), (0x00A0, 0x02E9), (0x02EC, 0x02EE), (0x02F3, 0x02F3), (0x02F7, 0x02F7), (0x0300, 0x034F),
    (0x0351, 0x0353), (0x0357, 0x0358), (0x035A, 0x035A), (0x035C, 0x0362), (0x0370, 0x0377), (0x037A, 0x037F),
    (0x0384, 0x038A), (0x038C, 0x038C), (0x038E, 0x03A1), (0x03A3, 0x0525), (0x0531, 0x0556), (0x0559, 0x055F),
    (0x0561, 0x0587), (0x0589, 0x058A), (0x05B0, 0x05C3), (0x05C6, 0x05C7), (0x05D0, 0x05EA), (0x05F0, 0x05F4),
    (0x0606, 0x0607), (0x0609, 0x060A), (0x060C, 0x060C), (0x0615, 0x0615), (0x061B, 0x061B), (0x061F, 0x061F),
    (0x0621, 0x063A), (0x0640, 0x0655), (0x0657, 0x0657), (0x065A, 0x065A), (0x0660, 0x0670), (0x0674, 0x0674),
    (0x0679, 0x06BF), (0x06C6, 0x06C8), (0x06CB, 0x06CC), (0x06CE, 0x06CE), (0x06D0, 0x06D0), (0x06D5, 0x06D5),
    (0x06F0, 0x06F9), (0x07C0, 0x07E7), (0x07EB, 0x07F5), (0x07F8, 0x07FA), (0x0E3F, 0x0E3F), (0x0E81, 0x0E82),
    (0x0E84, 0x0E84), (0x0E87, 0x0E88), (0x0E8A, 0x0E8A), (0x0E8D, 0x0E8D), (0x0E94, 0x0E97), (0x0E99, 0x0E9F),
    (0x0EA1, 0x0EA3), (0x0EA5, 0x0EA5), (0x0EA7, 0x0EA7), (0x0EAA, 0x0EAB), (0x0EAD, 0x0EB9), (0x0EBB, 0x0EBD),
    (0x0EC0, 0x0EC4), (0x0EC6, 0x0EC6), (0x0EC8, 0x0ECD), (0x0ED0, 0x0ED9), (0x0EDC, 0x0EDD), (0x10A0, 0x10C5),
    (0x10D0, 0x10FC), (0x1401, 0x1407), (0x1409, 0x141B), (0x141D, 0x1435), (0x1437, 0x144A), (0x144C, 0x1452),
    (0x1454, 0x14BD), (0x14C0, 0x14EA), (0x14EC, 0x1507), (0x1510, 0x153E), (0x1540, 0x1550), (0x1552, 0x156A),
    (0x1574, 0x1585), (0x158A, 0x1596), (0x15A0, 0x15AF), (0x15DE, 0x15DE), (0x15E1, 0x15E1), (0x1646, 0x1647),
    (0x166E, 0x1676), (0x1680, 0x169C), (0x1D00, 0x1D14), (0x1D16, 0x1D23), (0x1D26, 0x1D2E), (0x1D30, 0x1D5B),
    (0x1D5D, 0x1D6A), (0x1D77, 0x1D78), (0x1D7B, 0x1D7B), (0x1D7D, 0x1D7D), (0x1D85, 0x1D85), (0x1D9B, 0x1DBF),
    (0x1DC4, 0x1DC9), (0x1E00, 0x1EFB), (0x1F00, 0x1F15), (0x1F18, 0x1F1D), (0x1F20, 0x1F45), (0x1F48, 0x1F4D),
    (0x1F50, 0x1F57), (0x1F59, 0x1F59), (0x1F5B, 0x1F5B), (0x1F5D, 0x1F5D), (0x1F5F, 0x1F7D), (0x1F80, 0x1FB4),
    (0x1FB6, 0x1FC4), (0x1FC6, 0x1FD3), (0x1FD6, 0x1FDB), (0x1FDD, 0x1FEF), (0x1FF2, 0x1FF4), (0x1FF6, 0x1FFE),
    (0x2000, 0x2064), (0x206A, 0x2071), (0x2074, 0x208E), (0x2090, 0x209C), (0x20A0, 0x20B5), (0x20B8, 0x20BA),
    (0x20BD, 0x20BD), (0x20D0, 0x20D1), (0x20D6, 0x20D7), (0x20DB, 0x20DC), (0x20E1, 0x20E1), (0x2100, 0x2109),
    (0x210B, 0x2149), (0x214B, 0x214B), (0x214E, 0x214E), (0x2150, 0x2185), (0x2189, 0x2189), (0x2190, 0x2311),
    (0x2318, 0x2319), (0x231C, 0x2321), (0x2324, 0x2328), (0x232B, 0x232C), (0x2373, 0x2375), (0x237A, 0x237A),
    (0x237D, 0x237D), (0x2387, 0x2387), (0x2394, 0x2394), (0x239B, 0x23AE), (0x23CE, 0x23CF), (0x23E3, 0x23E3),
    (0x23E5, 0x23E5), (0x23E8, 0x23E8), (0x2422, 0x2423), (0x2460, 0x2469), (0x2500, 0x269C), (0x269E, 0x26B8),
    (0x26C0, 0x26C3), (0x26E2, 0x26E2), (0x2701, 0x2704), (0x2706, 0x2709), (0x270C, 0x2727), (0x2729, 0x274B),
    (0x274D, 0x274D), (0x274F, 0x2752), (0x2756, 0x2756), (0x2758, 0x275E), (0x2761, 0x2794), (0x2798, 0x27AF),
    (0x27B1, 0x27BE), (0x27C5, 0x27C6), (0x27E0, 0x27E0), (0x27E6, 0x27EB), (0x27F0, 0x28FF), (0x2906, 0x2907),
    (0x290A, 0x290B), (0x2940, 0x2941), (0x2983, 0x2984), (0x29CE, 0x29D5), (0x29EB, 0x29EB), (0x29FA, 0x29FB),
    (0x2A00, 0x2A02), (0x2A0C, 0x2A1C), (0x2A2F, 0x2A2F), (0x2A6A, 0x2A6B), (0x2A7D, 0x2AA0), (0x2AAE, 0x2ABA),
    (0x2AF9, 0x2AFA), (0x2B00, 0x2B1A), (0x2B1F, 0x2B24), (0x2B53, 0x2B54), (0x2C60, 0x2C77), (0x2C79, 0x2C7F),
    (0x2D00, 0x2D25), (0x2D30, 0x2D65), (0x2D6F, 0x2D6F), (0x2E18, 0x2E18), (0x2E1F, 0x2E1F), (0x2E22, 0x2E25),
    (0x2E2E, 0x2E2E), (0x4DC0, 0x4DFF), (0xA4D0, 0xA4FF), (0xA644, 0xA647), (0xA64C, 0xA64D), (0xA650, 0xA651),
    (0xA654, 0xA657), (0xA662, 0xA66E), (0xA68A, 0xA68D), (0xA694, 0xA695), (0xA698, 0xA699), (0xA708, 0xA716),
    (0xA71B, 0xA71F), (0xA722, 0xA72B), (0xA730, 0xA741), (0xA746, 0xA74B), (0xA74E, 0xA753), (0xA756, 0xA757),
    (0xA764, 0xA767), (0xA780, 0xA783), (0xA789, 0xA78E), (0xA790, 0xA791), (0xA7A0, 0xA7AA), (0xA7F8, 0xA7FF),
    (0xEF00, 0xEF19), (0xF000, 0xF003), (0xF400, 0xF426), (0xF428, 0xF441), (0xF6C5, 0xF6C5), (0xFB00, 0xFB06),
    (0xFB13, 0xFB17), (0xFB1D, 0xFB36), (0xFB38, 0xFB3C), (0xFB3E, 0xFB3E), (0xFB40, 0xFB41), (0xFB43, 0xFB44),
    (0xFB46, 0xFB4F), (0xFB52, 0xFBA3), (0xFBAA, 0xFBAD), (0xFBD3, 0xFBDC), (0xFBDE, 0xFBDF), (0xFBE4, 0xFBE9),
    (0xFBFC, 0xFBFF), (0xFE00, 0xFE0F), (0xFE20, 0xFE23), (0xFE70, 0xFE74), (0xFE76, 0xFEFC), (0xFEFF, 0xFEFF),
    (0xFFF9, 0xFFFD), (0x10300, 0x1031E), (0x10320, 0x10323), (0x1D300, 0x1D356), (0x1D538, 0x1D539),
    (0x1D53B, 0x1D53E), (0x1D540, 0x1D544), (0x1D546, 0x1D546), (0x1D54A, 0x1D550), (0x1D552, 0x1D56B),
    (0x1D5A0, 0x1D5D3), (0x1D7D8, 0x1D7EB), (0x1EE00, 0x1EE03), (0x1EE05, 0x1EE1F), (0x1EE21, 0x1EE22),
    (0x1EE24, 0x1EE24), (0x1EE27, 0x1EE27), (0x1EE29, 0x1EE32), (0x1EE34, 0x1EE37), (0x1EE39, 0x1EE39),
    (0x1EE3B, 0x1EE3B), (0x1EE61, 0x1EE62), (0x1EE64, 0x1EE64), (0x1EE67, 0x1EE6A), (0x1EE6C, 0x1EE72),
    (0x1EE74, 0x1EE77), (0x1EE79, 0x1EE7C), (0x1EE7E, 0x1EE7E), (0x1F030, 0x1F093), (0x1F0A0, 0x1F0AE),
    (0x1F0B1, 0x1F0BE), (0x1F0C1, 0x1F0CF), (0x1F0D1, 0x1F0DF), (0x1F311, 0x1F318), (0x1F42D, 0x1F42E),
    (0x1F431, 0x1F431), (0x1F435, 0x1F435), (0x1F600, 0x1F623), (0x1F625, 0x1F62B), (0x1F62D, 0x1F640),
    (0x1F643, 0x1F643),
)
_COVERED_STARTS = [low for low, _ in KIT_FONT_CHARACTERS]
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


def in_kit_font(character: str) -> bool:
    """Whether the kit's font has a glyph for `character` (KIT_FONT_CHARACTERS)."""
    code = ord(character)
    index = bisect.bisect_right(_COVERED_STARTS, code) - 1
    return index >= 0 and code <= KIT_FONT_CHARACTERS[index][1]


@functools.lru_cache(maxsize=4096)
def least_advance(character: str) -> float:
    """The least advance of `character` in the kit's text (in em): 0 for one of no advance of its own (`_UNSEEN`) or
    that the kit's font has no glyph for (`in_kit_font`: a fallback font's may be of any advance), unless it is wide
    (East Asian Width W or F); its glyph's (NARROW_GLYPHS), JOINED_ADVANCE in a joining script, else
    DEFAULT_ADVANCE."""
    if character in _WHITE_SPACE:
        return DEFAULT_ADVANCE
    if unicodedata.category(character) in _UNSEEN:
        return 0.0
    if not in_kit_font(character):  # a wide (Chinese, Japanese, Korean) one is drawn full width, 1 em (UAX #11)
        return DEFAULT_ADVANCE if unicodedata.east_asian_width(character) in "WF" else 0.0
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


#: The widest glyph of the kit's font for a character it has (KIT_FONT_CHARACTERS), by block of 256 code points
#: (`ord(character) >> 8`), in em, rounded up to 0.01: the greatest advance in any face WeasyPrint may draw the kit's
#: text in (DejaVu Sans 2.37 regular, bold for `<th>` and `<strong>`, oblique, bold oblique, and DejaVu Sans Mono's
#: four for `<code>`), read from their `cmap` and `hmtx` tables with fontTools; an upper bound of such a character's
#: advance (`W`, `@` and `m` are 1 em; U+2031 PER TEN THOUSAND SIGN 1.91 em; 18-verify26 M1).
KIT_FONT_MOST_ADVANCES = {
    0x000: 1.11, 0x001: 1.56, 0x002: 1.22, 0x003: 1.1, 0x004: 1.41, 0x005: 1.29, 0x006: 1.38, 0x007: 1.03,
    0x00E: 1.37, 0x010: 1.08, 0x014: 1.3, 0x015: 1.6, 0x016: 2.02, 0x01D: 1.1, 0x01E: 1.11, 0x01F: 1.26, 0x020: 1.91,
    0x021: 1.68, 0x022: 1.43, 0x023: 1.45, 0x024: 0.9, 0x025: 1.12, 0x026: 1.26, 0x027: 1.44, 0x028: 0.79,
    0x029: 1.05, 0x02A: 1.67, 0x02B: 1.12, 0x02C: 1.23, 0x02D: 1.05, 0x02E: 0.84, 0x04D: 0.9, 0x0A4: 1.11,
    0x0A6: 1.41, 0x0A7: 1.41, 0x0EF: 0.29, 0x0F0: 0.98, 0x0F4: 1.17, 0x0F6: 0.69, 0x0FB: 1.72, 0x0FE: 1.42,
    0x0FF: 1.12, 0x103: 1.43, 0x1D3: 0.9, 0x1D5: 1.15, 0x1D7: 0.7, 0x1EE: 1.23, 0x1F0: 1.37, 0x1F3: 1.05,
    0x1F4: 1.19, 0x1F6: 1.61,
}
#: The widest glyph of those faces, mapped to a character or not (their `hhea` table's `advanceWidthMax`: DejaVu Sans
#: Bold's U+1676 CANADIAN SYLLABICS NNGAA, 2.016 em), in em: an upper bound of a letter of a joining script
#: (`_JOINING_SCRIPTS`), which shaping may draw by a glyph of no character of its own.
KIT_FONT_MOST_ADVANCE = 2.02
#: An upper bound of the advance of a wide character (East Asian Width W or F) the kit's font lacks, in em: a fallback
#: font draws it full width, 1 em (UAX #11), taken twice over.
WIDE_MOST_ADVANCE = 2.0
#: An upper bound of the advance of any other character the kit's font lacks, in em, drawn from whichever fallback
#: font fontconfig finds (a Devanagari or Bengali letter, a private-use or unassigned code point's box): the widest
#: glyph mapped to a character in this machine's 39 fonts is 2.02 em (DejaVu Sans Bold's above; `docs/security.md`).
FALLBACK_MOST_ADVANCE = 3.0


@functools.lru_cache(maxsize=4096)
def most_advance(character: str) -> float:
    """The greatest advance of `character` in the kit's text (in em), `least_advance`'s upper counterpart: a space's
    for white space (laid out as one); for one the kit's font has (`in_kit_font`), KIT_FONT_MOST_ADVANCE in a joining
    script, else KIT_FONT_MOST_ADVANCES of its block; for one it lacks, WIDE_MOST_ADVANCE if it is wide (East Asian
    Width W or F), else FALLBACK_MOST_ADVANCE."""
    if character in _WHITE_SPACE:
        character = " "
    if not in_kit_font(character):
        return WIDE_MOST_ADVANCE if unicodedata.east_asian_width(character) in "WF" else FALLBACK_MOST_ADVANCE
    code = ord(character)
    if any(low <= code <= high for low, high in _JOINING_SCRIPTS):
        return KIT_FONT_MOST_ADVANCE
    return KIT_FONT_MOST_ADVANCES[code >> 8]


def most_max_content(text: str) -> float:
    """The greatest width (in em of the text's font size) `text` may take on one line (CSS's max-content width): the
    sum of its characters' `most_advance` (`least_min_content`'s upper counterpart, for `kit`'s table cells:
    18-verify25 K4, 18-verify26 M1)."""
    return sum(most_advance(character) for character in text)


def slow_path_cost(text: str, width: float) -> int:
    """How many characters WeasyPrint lays out, at most, to break `text` into lines in a box `width` em wide (em
    of the text's font size) if it takes its slow path (the module's docstring): the text's length times its
    lines (at most its length; each of its characters taken 1 em wide, but for those of no advance of their own, not
    one the kit's font lacks), for a box narrower than NARROW_BOX or a text of which some `int(4 × width)` characters
    may fit on one line (their `least_advance` add up to `width` at most); 0 if it takes its quick path for every
    line. Not half of it (the rest of the text on average): in a box of many lines WeasyPrint takes about twice as
    long for each character laid out (3 µs in a wide paragraph, 10 µs in the 2.5 em wide list item above)."""
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
    shown = sum(1 for character, advance in zip(text, advances, strict=True)
                if advance or unicodedata.category(character) not in _UNSEEN and not in_kit_font(character))
    lines = min(len(text), int(shown / max(width, 0.01)) + 1)
    return len(text) * lines
