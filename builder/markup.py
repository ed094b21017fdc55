"""Markdown to safe HTML, and the files and links a piece of Markdown refers to."""

from __future__ import annotations

import functools
import importlib
import json
import re
import time
from collections import Counter
from dataclasses import dataclass, replace
from typing import Any, Callable, Iterable

import nh3
from lxml import html as lxml_html
from lxml.html.defs import empty_tags

from builder import cache
from builder.timeout import TimedOut, held, time_limit

#: Python-Markdown's extensions by module: given as objects, not names, because Python-Markdown looks
#: each name up among the entry points of every installed distribution first (a fifth of a first build).
EXTENSIONS = ["markdown.extensions.tables", "markdown.extensions.footnotes", "markdown.extensions.attr_list",
              "markdown.extensions.def_list", "markdown.extensions.sane_lists", "pymdownx.blocks.admonition"]
#: Caption blocks, loaded only for texts that have one: importing the extension compiles a
#: Unicode-wide regular expression that costs about 0.1 s, a fifth of a whole build.
CAPTION_EXTENSION = "pymdownx.blocks.caption"
#: Found wherever a run of slashes starts (not only at a line's start: a superset), in time linear in the length.
CAPTION_BLOCK = re.compile(r"(?<!/)/{3,} *(?:figure-|table-)?caption\b")
#: What a text must hold for an extension to act on it, found in the text as Python-Markdown reads it (with
#: STX and ETX, which it deletes first, deleted): a converter without the extension gives the same HTML for a
#: text without it, so a text is converted by one with only the extensions it can use (each costs time on
#: every text: footnotes, tables and definition lists together about a third of converting this course).
#: Every extension's processors test for their syntax and do nothing without it:
#: tables need a `|` in a block (and add `|` to the backslash escapes); footnotes a `[^`; attribute lists
#: a `{`; blocks (admonitions, captions) a `///` line, and make `\/` an escape.
#: A definition is a line that starts with `:` and a space once Python-Markdown has taken off what holds it:
#: indentation, `>` of quotes, list markers, a footnote's `[^id]:`, and the raw HTML block before it on
#: its line (which ends in `>`: the rest of the line starts a block); a lone CR also ends a line. It is
#: looked for in the reversed text, from each `: ` back over such characters, so that the time is linear
#: in the length (forwards, each of 20,000 `>` would start a search to the end of the run: 16 s).
#: tests/test_markup.py converts tricky texts both ways.
DEFINITION_REVERSED = re.compile(r"[ \t]:[ \t>*+\-.)0-9]*(?:\Z|[\r\n>]|:\])")
TRIGGERS: dict[str, Callable[[str], object]] = {
    "markdown.extensions.tables": re.compile(r"\|").search,
    "markdown.extensions.footnotes": re.compile(r"\[\^").search,
    "markdown.extensions.attr_list": re.compile(r"\{").search,
    "markdown.extensions.def_list": lambda text: DEFINITION_REVERSED.search(text[::-1]),
    "pymdownx.blocks.admonition": re.compile(r"///|\\/").search,
    CAPTION_EXTENSION: CAPTION_BLOCK.search,
}
EXTENSION_CONFIGS: dict[str, dict[str, Any]] = {
    "markdown.extensions.tables": {"use_align_attribute": True},
    "pymdownx.blocks.admonition": {"types": [
        {"name": "key-point", "class": "key-point", "title": "Key learning point"},
        {"name": "practice-tip", "class": "practice-tip", "title": "Practice tip"},
        "note", "warning",
    ]},
}

ALLOWED_TAGS = nh3.ALLOWED_TAGS | {"video", "audio", "source", "track"}
ALLOWED_ATTRIBUTES = {
    **{tag: set(attrs) for tag, attrs in nh3.ALLOWED_ATTRIBUTES.items()},
    "*": {"class", "id", "lang", "title"},
    "video": {"src", "controls", "poster", "preload", "width", "height"},
    "audio": {"src", "controls", "preload"},
    "source": {"src", "type"},
    "track": {"src", "kind", "srclang", "label", "default"},
}


#: HTML's rules for parsing integers (the HTML Standard's, as WeasyPrint reads `start`, `span` and `colspan`,
#: `weasyprint.html.parse_integer`): white space, a sign, then all the digits, with no bound.
HTML_INTEGER = re.compile(r"[ \t\n\f\r]*([+-]?)([0-9]+)")
#: The most digits of the number an `<ol start>` numbers a list from: a browser and the kit's PDFs (WeasyPrint)
#: write the number of each item in full, so `start` of 4,290 digits on 4,900 items wrote 21 million characters of
#: markers from a 53 KB page, which took `kit` 17 s of processor time (issue 18, twenty-second verification, F3).
MAX_LIST_START_DIGITS = 9


def _long_list_start(tag: str, name: str, value: str) -> bool:
    """Whether the attribute `name` of an element `tag` is an `<ol>`'s `start` of more than MAX_LIST_START_DIGITS
    digits (leading zeros not counted), read as HTML reads it (HTML_INTEGER)."""
    number = HTML_INTEGER.match(value) if tag == "ol" and name == "start" else None
    return number is not None and len(number.group(2).lstrip("0")) > MAX_LIST_START_DIGITS

REMOVED_TAGS = {"script", "style", "iframe", "object", "embed", "form", "input", "button", "textarea",
                "select", "link", "meta", "base", "frame", "frameset"}
URL_ATTRIBUTES = ("href", "src", "poster")
#: What any HTML text holding one of URL_ATTRIBUTES holds (an attribute's name is written out, never escaped): a text
#: without it refers to nothing, unparsed (`Converted.references`; most of a course's texts are plain prose).
MAY_REFER = re.compile("|".join(URL_ATTRIBUTES), re.IGNORECASE)
#: The attributes whose URL the cleaner keeps only with a scheme of nh3.ALLOWED_URL_SCHEMES (or none: a relative URL),
#: and whose URL of ACTIVE_SCHEMES is removed with a warning (`removals`): URL_ATTRIBUTES, which nh3 (ammonia) judges
#: itself, and `cite` (of <blockquote>, <q>, <del>, <ins>), which it keeps as written, `javascript:` and all
#: (18-verify22 E8), so `_kept_value` judges it as ammonia judges `href`. No browser follows a `cite`.
SCHEMED_ATTRIBUTES = (*URL_ATTRIBUTES, "cite")
#: What browsers ignore in a URL (WHATWG URL): tabs and line breaks anywhere, controls and spaces at either end.
_URL_IGNORED = re.compile("[\t\n\r]")
_C0_AND_SPACE = "".join(map(chr, range(33)))
#: A URL's scheme (WHATWG URL, "scheme state"): a URL without one is relative.
_SCHEME = re.compile(r"([A-Za-z][A-Za-z0-9+.-]*):")


def _kept_value(element: str, attribute: str, value: str) -> str | None:
    """nh3's `attribute_filter`: `value` (decoded) as kept, or None to drop the attribute: a `cite` whose scheme
    is not one of nh3.ALLOWED_URL_SCHEMES, read as browsers read a URL (a relative one has none and is kept)."""
    if attribute != "cite":
        return value
    scheme = _SCHEME.match(_URL_IGNORED.sub("", value).strip(_C0_AND_SPACE))
    return value if scheme is None or scheme.group(1).lower() in nh3.ALLOWED_URL_SCHEMES else None


def cleaner(attribute_filter: Callable[[str, str, str], str | None] | None = None) -> nh3.Cleaner:
    """The sanitiser of converted Markdown: ALLOWED_TAGS with ALLOWED_ATTRIBUTES, `<script>` and `<style>` emptied,
    a list's `start` of too many digits and a `cite` of another scheme dropped (`removals`, `_kept_value`), each other
    attribute kept as `attribute_filter(tag, name, value)` returns it (None: dropped), if given."""
    def kept(tag: str, name: str, value: str) -> str | None:
        if _long_list_start(tag, name, value) or _kept_value(tag, name, value) is None:
            return None
        return value if attribute_filter is None else attribute_filter(tag, name, value)

    return nh3.Cleaner(tags=ALLOWED_TAGS, attributes=ALLOWED_ATTRIBUTES, link_rel=None,
                       clean_content_tags={"script", "style"}, attribute_filter=kept)


#: The sanitiser, set up once: `nh3.clean` converts the allowed tags and attributes on every call (a
#: tenth of converting a short text).
CLEANER = cleaner()
#: The longest a piece of Markdown may take to convert: a page of 20,000 words takes well under 0.1 s,
#: while 20 KB of `[` would take Python-Markdown minutes.
MARKDOWN_SECONDS = 3.0
#: The longest all the Markdown of one file may take to convert, piece after piece: 30 stems that
#: each take just under MARKDOWN_SECONDS would otherwise hold `check` for minutes.
FILE_MARKDOWN_SECONDS = 10.0
#: `Converted.refused` of a piece not converted because its file's FILE_MARKDOWN_SECONDS were spent.
OVER_BUDGET = "the file's Markdown takes too long to convert"
#: How much processor time all the Markdown of one project may take to convert beyond what its length
#: explains (MARKDOWN_SECONDS_PER_CHAR for each character of a piece, with no allowance per piece: 20 ms
#: each let 4,000 pieces of 250 `[` take 76 s), in one process: once spent, every piece not yet converted
#: is refused with PROJECT_OVER_BUDGET without being tried, so 300 pages of 2,500 `[` stop after about 10 s
#: instead of 15 minutes. Python-Markdown converts this course at about 0.8 MB/s (a one-word piece in
#: 0.1 ms), so it spends under 1 ms of it.
PROJECT_MARKDOWN_SECONDS = 10.0
MARKDOWN_SECONDS_PER_CHAR = 5e-6
#: The most processor time all the Markdown of one project may take to convert in one process, whatever its
#: length explains: text that converts at just under MARKDOWN_SECONDS_PER_CHAR (pieces of about 27 `[`) spends
#: none of PROJECT_MARKDOWN_SECONDS, so without it 10,000 files of such pieces would each run free. A build of this
#: course spends about 0.17 s on Markdown in all, of a synthetic course of 1,000 pages (bench/run.py) about 1.5 s
#: (measured at load 11 on 2 cores); 30 s leaves 20 times that, and stops a hostile project within half a minute.
PROJECT_MARKDOWN_TOTAL_SECONDS = 30.0
#: `Converted.refused` of a piece not tried because the project's PROJECT_MARKDOWN_TOTAL_SECONDS were spent.
PROJECT_OVER_TOTAL = "the project's Markdown took too long to convert in all"
#: `Converted.refused` of a piece not tried because the project's PROJECT_MARKDOWN_SECONDS were spent.
PROJECT_OVER_BUDGET = (f"the project's Markdown took more than {PROJECT_MARKDOWN_SECONDS:g} s to convert in all, "
                       "in texts that are very slow to convert (reported here or in other files), so this one and "
                       "those after it in this file were not tried")
#: The longest piece of Markdown converted (about 40,000 words).
MAX_MARKDOWN_CHARS = 256 * 1024
#: The deepest nesting of HTML elements converted: nh3 (the cleaner, in Rust) takes time quadratic in the depth,
#: and Python cannot stop it once it runs (`<div>` 52,000 times takes it 40 s). A page needs fewer than 20.
MAX_HTML_DEPTH = 200
#: Start and end tags, for counting how deep elements nest (void elements and `<x/>` do not nest): each read to its
#: first `>`, or to the end of the text if none follows (then a tag too: an upper bound), so that it matches wherever a
#: tag starts and no search starts again inside one. Read lazily up to a `>` that had to follow, `<a` repeated without
#: one was searched to the end of the text from each: 7 s for 32 KB, in the parent on a kit document (issue 18,
#: twentieth verification, A5).
_TAG = re.compile(r"<(/?)([A-Za-z][A-Za-z0-9-]*+)(?:[^>]*+(?<=(/))>|[^>]*+>?)")
VOID_TAGS = frozenset({"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "track",
                       "wbr", "param", "keygen"})
#: Where `<x/>` closes the element it opens (HTML's foreign content); elsewhere the HTML parser ignores the `/`.
FOREIGN_TAGS = frozenset({"svg", "math"})
#: Searches of Python-Markdown's extensions that are one call into C, which the time bound (MARKDOWN_SECONDS, sent
#: between bytecodes) cannot stop, and that take time super-linear in one line, so the lines that would feed them
#: too much are refused before converting (`slow_line`; issue 18, twenty-sixth verification, L1). attr_list's
#: HEADER_RE (`[ ]+\{…[^\n]*…\}[ ]*$`), searched on every heading, definition term and table cell, starts at each
#: space of a run and reads to the run's end from each, and on to the line's end from each space of a run before a
#: `{`: a heading of ` {` 64,000 times (128 KB) took 39 s of processor time, one of `{` and 250,000 spaces 43 s. Its
#: work on a line is at most, for each run of spaces, its length times the rest of the line from its first space if
#: a `{` follows it, else times its length; 4.5 ns a unit measured, so MAX_BRACE_WORK is about 0.05 s (0.3 s if
#: every character were a backslash escape, which Python-Markdown makes seven characters long before attr_list reads
#: the line). A heading `# Title {#id .class}` is a few hundred; a 5,000-character line with 100 ` {`, 500,000.
MAX_BRACE_WORK = 10_000_000
#: The runs of spaces of a line (HEADER_RE starts a search at each space), found in time linear in the length: each
#: run is read once, from its first space.
_SPACES = re.compile(r"(?<! ) ++")
#: pymdownx.blocks' RE_NORMAL_HEADING (`(?:\\.|[^\\]|#+(?=[^#\n]))*?`), matched on the title of a `///` block
#: that starts with `#`, tries every way of sharing the `#` between its two alternatives and reads the rest of the
#: title again for each: time about 2 to the number of `#`, times the title's length (`/// note | #a#a…#a\` of 22
#: `#` took 1 s, of 30 minutes; 16 `#` 15,000 characters apart, 240 KB, held `check` 30 s with one call: 18-verify28
#: P2). 1.7 to 3.7 ns a unit measured, so MAX_BLOCK_HEADING_WORK is about 0.02 to 0.04 s: a title of 20 characters
#: may hold 18 `#`, one of 150 characters 16, one of 2,400 12; a title needs one or two.
MAX_BLOCK_HEADING_WORK = 10_000_000
#: pymdownx.blocks' RE_START (`[ ]{0,3}(/{3,})[ ]*([\w-]+)[ ]*(?:\|[ ]*(.*?)[ ]*)?(?:\n|$)`), searched on every block
#: (paragraph) for a `///` line, reads a title's run of spaces to its end from each of its spaces (`.*?` stops at each
#: to try `[ ]*` and the line's end): `/// note | a`, 60,000 spaces and `b` took `check` 45 s, a caption block the same
#: (issue 18, twenty-seventh verification, N1). Its work on a block's first line is at most the sum of the squares of
#: its runs of spaces; 5.3 ns a unit measured, so MAX_BLOCK_TITLE_WORK is about 0.05 s (a run of 3,162 spaces). A title
#: has runs of one or two. pymdownx's other searches of a block's lines (RE_END, RE_INDENT_YAML_LINE, RE_INDENT,
#: FENCED_BLOCK_RE, the caption's RE_FIG_NUM, the admonition's title heading but for its `#`) start only at a line's
#: start and were tried on long runs of spaces and `/`: linear.
MAX_BLOCK_TITLE_WORK = 10_000_000
#: Where a line may start a `///` block once Python-Markdown has taken off what holds it (as for a definition, see
#: DEFINITION_REVERSED): a run of indentation, `>` of quotes, list markers and `:` of definitions before `///`, at the
#: line's start, after a footnote's `[^id]` (its `:` starts the run) or after a raw HTML block (its `>` starts the run;
#: any `>` is taken for one, a superset). Each run is read once, from its first character: linear in the length.
BLOCK_FIRST_LINE = re.compile(r"(?<![ \t>*+\-.)0-9:])(?:^|(?<=\])(?=:)|(?=>))[ \t>*+\-.)0-9:]*+///")
#: Python-Markdown's reference definitions (`ReferenceProcessor.RE`, `[label]: url "title"`, searched on every block):
#: when the URL is a run of quotes or `(` that does not end the line, `([^\s]+)` gives back one character at a time
#: and the title (`(["'])(.*)\4` or `\((.*)\)`) reads the rest of the line from each quote or `(` again, in one call:
#: `[x]: ` and 20,000 `"` took 4 s, 250,000 held `check` past 120 s (18-verify29 Q1). Its work on a line after a `]:`
#: (or on the line after one, where the URL may be) is at most the sum, over each quote and `(`, of the characters
#: from it to the line's end; 6 to 21 ns a unit measured, so MAX_REFERENCE_WORK is about 0.05 s (a run of 2,200 `"`).
MAX_REFERENCE_WORK = 2_500_000
#: What may open a reference definition's title (MAX_REFERENCE_WORK).
_TITLE_OPENERS = re.compile(r"[\"'(]")
#: Where a line's `[label]:` may be a reference definition's once Python-Markdown has taken off what holds it (as
#: BLOCK_FIRST_LINE reads a block's first line): not in prose, where `[aside]: "…"` is text (18-verify30 R3). A line
#: whose first `]:` has no `[` before it may end a label begun on a line before, and is counted too.
_REFERENCE_LABEL = re.compile(r"(?<![ \t>*+\-.)0-9:])(?:^|(?<=\])(?=:)|(?=>))[ \t>*+\-.)0-9:]*+\[[^\[\]]*+\]:")
#: Python-Markdown's footnotes search from each `[^` to the next `]` (or the end) in one call into C: the inline
#: pattern `\[\^([^\]]*)\]` on each text, the block processor's `^[ ]{0,3}\[\^([^\]]*)\]:` (multiline) on each
#: block from each line that starts with one; `[^` 15,000 times (30 KB) took 37 s, 240 KB 98 s (issue 18,
#: twenty-seventh verification, N2). Their work on a text is at most the sum, over each `[^`, of the characters to the
#: next `]`: one escaped (`\[^`, `\]`) is not one to the inline pattern, a `]` after a backtick may be in a code span
#: (which is read first and hidden from it), so each `[^` before a backtick counts to the end of the text. 4 ns a unit
#: measured, so MAX_FOOTNOTE_WORK is about 0.04 s (about five times that if each character were an escape or code
#: span, which Python-Markdown makes longer before the footnotes read them). A footnote `[^note]` counts 6.
#: Python-Markdown's links (`[`) and reference definitions stop at the next `[` or are read in Python, which the time
#: bound stops.
MAX_FOOTNOTE_WORK = 10_000_000
#: What ends the footnotes' search from a `[^` (`]`), starts one (`[^`), or may hide a `]` from it (a backtick), as
#: the inline pattern reads them: a `[` or `]` escaped by an odd run of backslashes is neither. Linear in the length:
#: a run of backslashes is read once, from its first.
_FOOTNOTE_TOKENS = re.compile(r"(?<!\\)(?:\\\\)*+(\[\^|\])|`")
#: `Converted.refused` of a piece whose HTML nests too deeply to clean in time.
TOO_DEEP = f"the text's HTML elements are nested more than {MAX_HTML_DEPTH} levels deep"
#: HTML's formatting elements (WHATWG HTML, "the list of active formatting elements"): one left open is
#: made again by the HTML parser inside every element after the block that closed it ("reconstruct the active
#: formatting elements"), so 190 of them before `<div>x</div>` repeated make each 12 bytes into 190 elements.
FORMATTING_TAGS = frozenset({"a", "b", "big", "code", "em", "font", "i", "nobr", "s", "small", "strike", "strong",
                             "tt", "u"})
#: The most elements the HTML parser may make again that way in one piece of Markdown, counted before nh3
#: runs (it cannot be stopped, and 190 open `<b>` before 20,000 `<div>x</div>` took it 17 s and 1 GB).
#: Markdown's own HTML closes every formatting element it opens, so a page makes none.
MAX_RECONSTRUCTED = 20_000
#: `Converted.refused` of a piece whose HTML leaves formatting elements open before too many others.
TOO_MANY_REOPENED = (f"the text's HTML leaves formatting elements (<b>, <i>, <a>, <font>…) open before other "
                     f"elements, which would make over {MAX_RECONSTRUCTED:,} copies of them")
#: One line of plain words and punctuation, which Markdown would only wrap in <p>: converted directly.
PLAIN_TEXT = re.compile(r"[A-Za-z][A-Za-z0-9 ,.;:?!'\"()/%-]*")
#: Lines of plain words and punctuation, which Markdown would also only wrap in one <p>, dropping a last line break:
#: each line starts with a letter or `"` (never block syntax), no line is blank (that would start a paragraph), and
#: none but the last ends in a space (two make a line break). Converted directly too, within MAX_MARKDOWN_CHARS
#: (PLAIN_TEXT, older, is exempt from it): 34 of the 48 texts a build of this course converts in its main process
#: (timetable, case studies, quoted options) are such lines. ASCII only: a class with typographic quotes and dashes
#: takes 5 M instructions more to compile, more than the four more texts of this course it would take.
#: tests/test_markup.py compares both patterns' texts with Python-Markdown's HTML.
_PLAIN_LINE = "[A-Za-z\"][A-Za-z0-9 ,.;:?!'\"()/%-]*"
PLAIN_LINES = re.compile(f"{_PLAIN_LINE}(?:(?<! )\n{_PLAIN_LINE})*(?:(?<! )\n)?")
#: What makes one line of Markdown a block other than a paragraph: a heading, quote, list item, rule,
#: block (`///`) or reference definition. The named group that matched is the character to escape.
BLOCK_START = re.compile(r"^(?:[0-9]{1,9}(?P<list>[.)])(?=\s|$)|(?P<mark>[#>])|(?P<item>[-+*])(?=\s|$)"
                         r"|(?P<rule>[-*_])(?:\s*(?P=rule)){2,}\s*$|(?P<block>/)//|(?P<ref>\[)[^\]]*\]:)")


@dataclass(frozen=True)
class Reference:
    """A link or embedded file named in Markdown."""

    tag: str
    attribute: str
    target: str
    alt: str | None


@dataclass(frozen=True)
class Converted:
    """Markdown converted to sanitised HTML, with what it refers to and what was removed."""

    html: str
    removed: tuple[tuple[str, str], ...]  # (what was removed, text to find it by in the source)
    #: Why the text was not converted (too long, too slow, nested too deeply); empty if it was.
    refused: str = ""
    #: Block elements written in a stem or option and shown as inline text (`convert_inline`), e.g. ("h1",).
    flattened: tuple[str, ...] = ()
    #: The references written in the HTML before cleaning, as libxml2 reads it (but those of removed elements and
    #: active URLs, which are `removed`): `checked` adds those the cleaner dropped, so that the author still hears of
    #: a broken one (nh3 drops `href="http://[x/"` and `src="data:…"`), though nothing shows or packages them.
    written: tuple[Reference, ...] = ()
    #: The line of the text (1 for its first) that made it `refused` (`slow_line`, whose `refused` ends with how to fix
    #: it, in brackets); 0 if the whole text did.
    refused_line: int = 0

    @functools.cached_property
    def references(self) -> tuple[Reference, ...]:
        """What `html` links to or embeds, in document order: each of `linked(fragment(html))`, the very elements
        the renderer and the exports rewrite and package. Read from the cleaned HTML, never from the HTML before
        cleaning: the two parsers need not agree (nh3 reads `<noscript>`'s content as text, so the `<a>` inside
        `<p title="</noscript><a href=…>">` is an element only after cleaning; 18-verify20 C2)."""
        return _references(fragment(self.html)) if MAY_REFER.search(self.html) else ()

    @functools.cached_property
    def checked(self) -> tuple[Reference, ...]:
        """What validation checks: every one of `references` (all the packages show, rewrite and package), then each
        of `written` the cleaner dropped, in the order written (a target written twice and kept once counts once)."""
        kept = Counter(self.references)
        dropped = [reference for reference in self.written if not _take(kept, reference)]
        return (*self.references, *dropped)


class Budget:
    """The time left to convert the Markdown of one file, shared by its pieces (seconds of wall time).

    A piece found in the cache costs nothing; a piece converted when nothing is left is refused
    with `OVER_BUDGET` (and not cached, so it is converted when asked for without a budget).
    """

    def __init__(self, seconds: float | None = None) -> None:
        self.seconds = FILE_MARKDOWN_SECONDS if seconds is None else seconds
        self.left = self.seconds
        #: Whether a piece refused for want of time has been reported (once per file is enough).
        self.reported = False


def convert(text: str, budget: Budget | None = None) -> Converted:
    """Convert Markdown to sanitised HTML; results are cached by text."""
    if PLAIN_TEXT.fullmatch(text) or (len(text) <= MAX_MARKDOWN_CHARS and PLAIN_LINES.fullmatch(text)):
        return Converted(f"<p>{text.removesuffix(chr(10))}</p>", ())
    return _convert(text, budget)


def _kept(converted: Converted) -> bool:
    """Whether a conversion may be kept for later: not one refused for want of the file's or the project's time
    (it is converted when asked for again with time left, or in the next build)."""
    return converted.refused not in (OVER_BUDGET, PROJECT_OVER_BUDGET, PROJECT_OVER_TOTAL)


@cache.kept(key=lambda text, budget=None: text, keep=_kept)  # asked for by several checks and by rendering
def convert_inline(text: str, budget: Budget | None = None) -> Converted:
    """Markdown as phrasing content (one paragraph), for question stems and options; cached by text.

    The text is read as one line whose start is never block syntax, so "1999. A good year",
    "- none" or "# of visits" stay text instead of becoming a list or heading inside a label.
    Block HTML written in the text (`<h1>`, `<div>`, `<p>`) is unwrapped: its content stays, as inline
    text, and `Converted.flattened` names the tags (HTML: a <legend> or <label> holds phrasing content only).
    """
    line = " ".join(text.split())
    match = BLOCK_START.match(line)
    if match:
        index = match.start(next(name for name, value in match.groupdict().items() if value is not None))
        line = f"{line[:index]}&#{ord(line[index])};{line[index + 1:]}"
    converted = convert(line, budget)
    tags = [tag.lower() for tag in _START_TAG.findall(converted.html)]
    blocks = tuple(dict.fromkeys(tag for i, tag in enumerate(tags)
                                 if tag not in PHRASING_TAGS and (i, tag) != (0, "p")))
    if not blocks:
        return converted
    written = tuple(tag for tag in blocks if f"<{tag}" in line.lower())  # not Markdown's own <p>
    return replace(converted, html=_as_one_paragraph(converted.html), flattened=written)


#: HTML's phrasing content, which a <label> or <legend> may hold (WHATWG HTML, "Phrasing content").
PHRASING_TAGS = frozenset({"a", "abbr", "audio", "b", "bdi", "bdo", "br", "cite", "code", "data", "del", "dfn",
                           "em", "i", "img", "ins", "kbd", "mark", "q", "rp", "rt", "ruby", "s", "samp", "small",
                           "source", "span", "strong", "sub", "sup", "time", "track", "u", "var", "video", "wbr"})
_START_TAG = re.compile(r"<([A-Za-z][A-Za-z0-9]*)")


def _as_one_paragraph(html: str) -> str:
    """`html` as one <p> of phrasing content: every other element unwrapped, its content kept, words apart."""
    root = fragment(html)
    for element in list(root.iterdescendants()):
        if isinstance(element.tag, str) and element.tag not in PHRASING_TAGS:
            element.tail = " " + (element.tail or "")
            element.text = " " + (element.text or "")
            element.drop_tag()
    inner = (root.text or "") + "".join(lxml_html.tostring(child, encoding="unicode") for child in root)
    return f"<p>{' '.join(inner.split())}</p>"


_CONVERSIONS: cache.Store[str, Converted] = cache.Store()
#: What is left of PROJECT_MARKDOWN_SECONDS and of PROJECT_MARKDOWN_TOTAL_SECONDS in this process (`new_project`
#: fills them again).
_project_budget = Budget(PROJECT_MARKDOWN_SECONDS)
_project_total = Budget(PROJECT_MARKDOWN_TOTAL_SECONDS)


def new_project() -> None:
    """Give the project about to be loaded its own PROJECT_MARKDOWN_SECONDS and PROJECT_MARKDOWN_TOTAL_SECONDS (a
    preview rebuilds in one process)."""
    _project_budget.left = PROJECT_MARKDOWN_SECONDS
    _project_total.left = _project_total.seconds = PROJECT_MARKDOWN_TOTAL_SECONDS


def remember(text: str, converted: Converted) -> None:
    """Keep a conversion made elsewhere (in another process) for this build."""
    _CONVERSIONS.put(text, converted)


def exported(conversions: Iterable[tuple[str, Converted]]) -> bytes:
    """Conversions made in this process since `new_project` (texts and what they gave), with the processor time
    they took of the project's budgets, as data for `adopt` in another process (JSON: nothing in it is run).
    Conversions refused for want of the file's or the project's time are left out, as they are not kept."""
    return json.dumps({
        "conversions": [[text, converted.html, converted.removed, converted.refused, converted.flattened,
                         [[r.tag, r.attribute, r.target, r.alt] for r in converted.written], converted.refused_line]
                        for text, converted in conversions if _kept(converted)],
        "spent": [_project_total.seconds - _project_total.left, PROJECT_MARKDOWN_SECONDS - _project_budget.left],
    }).encode("utf-8")


def adopt(data: bytes) -> None:
    """Keep the conversions another process `exported` for this build, and take the processor time they took off
    this project's budgets (PROJECT_MARKDOWN_TOTAL_SECONDS, PROJECT_MARKDOWN_SECONDS), as if made here."""
    found = json.loads(data)
    for text, html, removed, refused, flattened, written, refused_line in found["conversions"]:
        remember(text, Converted(html, tuple((what, where) for what, where in removed), refused, tuple(flattened),
                                 tuple(Reference(*reference) for reference in written), refused_line))
    total, over = found["spent"]
    _project_total.left -= total
    _project_budget.left -= over


def _convert(text: str, budget: Budget | None = None) -> Converted:
    return _CONVERSIONS.make(text, lambda: _convert_uncached(text, budget), _kept)


def _convert_uncached(text: str, budget: Budget | None) -> Converted:
    if len(text) > MAX_MARKDOWN_CHARS:
        return Converted("", (), f"the text is longer than {MAX_MARKDOWN_CHARS:,} characters")
    if _project_total.left <= 0:
        return Converted("", (), PROJECT_OVER_TOTAL)
    if _project_budget.left <= 0:
        return Converted("", (), PROJECT_OVER_BUDGET)
    seconds = MARKDOWN_SECONDS if budget is None else min(MARKDOWN_SECONDS, budget.left)
    if seconds <= 0:
        return Converted("", (), OVER_BUDGET)
    slow = slow_line(text)
    if slow:
        return Converted("", (), slow[1], refused_line=slow[0])
    names = extensions_for(text)
    _markdown(names)  # imported and set up outside the time bound
    start, processor = time.monotonic(), time.thread_time()
    try:
        with time_limit(seconds):
            return _convert_in_time(names, text)
    except TimedOut:
        if seconds < MARKDOWN_SECONDS:
            return Converted("", (), OVER_BUDGET)
        return Converted("", (), f"the text takes more than {MARKDOWN_SECONDS:g} s to convert")
    except RecursionError:
        return Converted("", (), "the text is nested too deeply to convert")
    except BlockOptionsRefused as refused:
        return Converted("", (), str(refused))
    finally:
        spent = time.thread_time() - processor
        _project_total.left -= spent
        _project_budget.left -= max(spent - len(text) * MARKDOWN_SECONDS_PER_CHAR, 0)
        if budget is not None:
            budget.left -= time.monotonic() - start


def slow_line(text: str) -> tuple[int, str] | None:
    """The first line of `text` that would hold one of Python-Markdown's searches that the time bound cannot stop
    past it (MAX_REFERENCE_WORK, MAX_BRACE_WORK, MAX_BLOCK_HEADING_WORK, MAX_BLOCK_TITLE_WORK, then MAX_FOOTNOTE_WORK
    over the whole text): its number in `text` (1 for the first) and why, as `Converted.refused`; None if none would.
    Lines as Python-Markdown reads them (`NormalizeWhitespace`: STX and ETX deleted, CR LF and CR end a line, tabs are
    spaces to the next multiple of 4). Linear in the length."""
    read = text.replace("\x02", "").replace("\x03", "").replace("\r\n", "\n").replace("\r", "\n")
    defines = False  # whether the line may hold a reference definition's `[label]:` (_REFERENCE_LABEL)
    for number, line in enumerate(read.split("\n"), 1):
        line = line.expandtabs(4)
        defined_before, defines = defines, "]:" in line and (
            "[" not in line[:line.index("]:")] or _REFERENCE_LABEL.search(line) is not None)
        if (defines or defined_before) and sum(len(line) - opener.start()
                                               for opener in _TITLE_OPENERS.finditer(line)) > MAX_REFERENCE_WORK:
            return number, (f"a line of {len(line):,} characters with {len(_TITLE_OPENERS.findall(line)):,} quotes or "
                            "`(`, in or after a link reference's `[label]:`, would take Python-Markdown's reference "
                            "definitions too long to read (write fewer quotes or `(` on the line, or break it)")
        block = BLOCK_FIRST_LINE.search(line)
        if "{" not in line and not block:
            continue
        runs = [(run.end() - run.start(), run.end()) for run in _SPACES.finditer(line)]
        in_runs = sum(spaces for spaces, _ in runs)
        if "{" in line and sum(spaces * (len(line) - end + spaces if line.startswith("{", end) else spaces)
                               for spaces, end in runs) > MAX_BRACE_WORK:
            return number, (f"a line of {len(line):,} characters ({in_runs:,} of them spaces, with a `{{`) would "
                            "take Python-Markdown's attribute lists too long to read (break the line, shorten its "
                            "runs of spaces, or write a `{` that starts no attribute list as `&#123;`)")
        if not block:
            continue
        hashes = line.count("#")
        if hashes and 2 ** min(hashes, 64) * len(line) > MAX_BLOCK_HEADING_WORK:
            return number, (f"a `///` block's line of {len(line):,} characters has {hashes} `#`, which "
                            "Python-Markdown's blocks take too long to read (write fewer `#` in the block's title, or "
                            "a shorter title)")
        if sum(spaces * spaces for spaces, _ in runs) > MAX_BLOCK_TITLE_WORK:
            return number, (f"a `///` block's line of {len(line):,} characters has runs of spaces ({in_runs:,} "
                            "spaces) that Python-Markdown's blocks take too long to read (shorten the runs of spaces)")
    return _unclosed_footnotes(read.expandtabs(4))


def _unclosed_footnotes(read: str) -> tuple[int, str] | None:
    """The line of the first `[^` still open where the footnotes' work on `read` (MAX_FOOTNOTE_WORK; the text with
    its lines' ends and tabs as Python-Markdown reads them) passes its bound, and why, as `Converted.refused`; None if
    it does not. One pass over `_FOOTNOTE_TOKENS`."""
    work = 0
    opened = open_sum = 0  # `[^` since the last `]` (its count, the sum of its offsets)
    unclosed = unclosed_sum = 0  # `[^` before a backtick, which count to the end of the text
    first = -1  # the offset of the first `[^` counted in neither yet, or of the last group closed
    for match in _FOOTNOTE_TOKENS.finditer(read):
        token = match.group(1)
        if token == "[^":
            if not (opened or unclosed):
                first = match.start(1)
            opened, open_sum = opened + 1, open_sum + match.start(1)
        elif token == "]":
            work, opened, open_sum = work + opened * match.start(1) - open_sum, 0, 0
        else:
            unclosed, unclosed_sum, opened, open_sum = unclosed + opened, unclosed_sum + open_sum, 0, 0
        if work > MAX_FOOTNOTE_WORK:
            break
    work += (opened + unclosed) * len(read) - open_sum - unclosed_sum
    if work <= MAX_FOOTNOTE_WORK:
        return None
    return read.count("\n", 0, first) + 1, (
        "`[^` starts footnote references here and after that are closed by a `]` too far on or never, which "
        "Python-Markdown's footnotes would take too long to read (close each with `]`, e.g. `[^1]`, or write `\\[^` "
        "where no footnote is meant)")


def _convert_in_time(names: tuple[str, ...], text: str) -> Converted:
    raw_html = raw_markdown_html(names, text)
    if not raw_html.strip():
        return Converted("", ())
    if html_depth(raw_html) > MAX_HTML_DEPTH:
        return Converted("", (), TOO_DEEP)
    if reconstructed_elements(raw_html) > MAX_RECONSTRUCTED:
        return Converted("", (), TOO_MANY_REOPENED)
    removed, written = _inspect(raw_html)
    with held():  # nh3 calls `cleaner`'s filter for each attribute, and would print and drop a TimedOut raised in it
        html = CLEANER.clean(raw_html)
    return Converted(html, removed, written=written)


def html_depth(html: str) -> int:
    """How deep the elements of `html` nest at most, counting every start tag still open (an upper bound:
    an end tag HTML leaves out, as after `<p>`, is counted as open). `<b/>` opens a `<b>` as in the HTML
    parser, which reads `/>` as closing only in SVG and MathML. One pass, linear in the length."""
    depth = deepest = foreign = 0
    for match in _TAG.finditer(html):
        closing, name, self_closing = match.groups()
        name = name.lower()
        if name in FOREIGN_TAGS:
            foreign = max(foreign + (-1 if closing else 0 if self_closing else 1), 0)
        if closing:
            depth = max(depth - 1, 0)
        elif not (self_closing and (foreign or name in FOREIGN_TAGS)) and name not in VOID_TAGS:
            depth += 1
            deepest = max(deepest, depth)
    return deepest


def reconstructed_elements(html: str) -> int:
    """At most how many formatting elements the HTML parser would make again in `html` (an upper bound: each
    tag of another element, after which text may follow, counts every formatting element still open). One
    pass, linear in the length; 0 for HTML whose formatting elements are closed before other tags."""
    open_tags: dict[str, int] = {}
    still_open = total = 0
    for closing, name, _ in _TAG.findall(html):
        if name not in FORMATTING_TAGS and (name := name.lower()) not in FORMATTING_TAGS:
            total += still_open
        elif not closing:
            open_tags[name] = open_tags.get(name, 0) + 1
            still_open += 1
        elif open_tags.get(name):
            open_tags[name] -= 1
            still_open -= 1
    return total


def extensions_for(text: str) -> tuple[str, ...]:
    """The extensions (module names, in the order of EXTENSIONS, then CAPTION_EXTENSION) whose syntax `text`
    holds (TRIGGERS), and those that have none (sane lists): converting `text` with only these gives the HTML
    all of them give."""
    read = text.replace("\x02", "").replace("\x03", "")  # as Python-Markdown deletes them before reading
    return tuple(name for name in (*EXTENSIONS, CAPTION_EXTENSION)
                 if name not in TRIGGERS or TRIGGERS[name](read))


@functools.cache
def _markdown(names: tuple[str, ...]) -> Any:
    """A converter with the extensions `names` (module names), made once per process and reset for each text.
    The blocks (`///`) read their option lines with `block_options`."""
    import markdown  # only when a text is not in the cache: importing it costs a fifth of a small build

    if any(name.startswith("pymdownx.blocks.") for name in names):
        blocks: Any = importlib.import_module("pymdownx.blocks")  # untyped
        blocks.get_frontmatter = block_options
    return markdown.Markdown(extensions=[importlib.import_module(name).makeExtension(**EXTENSION_CONFIGS.get(name, {}))
                                         for name in names])


def raw_markdown_html(names: tuple[str, ...], text: str) -> str:
    """The HTML Python-Markdown makes of `text` with the extensions `names` (module names), not yet cleaned.

    A converter whose conversion raised (a time bound's TimedOut, RecursionError, BlockOptionsRefused) is not used
    again: `Markdown.reset()` does not undo a conversion stopped halfway (the block parser's state stack keeps a
    list's state: after a refused `///` block in a list, later texts of the same `check` or `preview` lost their
    paragraphs, `: def` giving `: def`, not `<p>: def</p>`). Raises what the conversion raised."""
    try:
        return str(_markdown(names).reset().convert(text))
    except BaseException:
        _markdown.cache_clear()
        raise


#: The most characters of a text (a key or a value) in a `///` block's options (`block_options`): pymdownx.blocks
#: checks each attribute's name, `id` and class with `RE_IDENT.fullmatch`, whose two loops take the same characters,
#: so a name that fails at its end is split every way, in one call: 100,000 `a` and `!` held `check` 24 s
#: (18-verify29 Q2). 1,000 take it 2.5 ms; a class or an id needs a few dozen.
MAX_BLOCK_OPTION_CHARS = 1_000


class BlockOptionsRefused(Exception):
    """A `///` block's option lines break the project's YAML rules; the text is refused (`Converted.refused`)."""


def block_options(text: str) -> dict[str, Any] | None:
    """pymdownx.blocks' reader of a `///` block's option lines (`    attrs: {class: wide}` under its header, taken
    out of their indentation), in its place (`pymdownx.blocks.get_frontmatter`): the options as a dict, or None if
    they are not a block of keys (pymdownx then reads the `///` line as text, as it does).

    Read by the project's YAML reader (`yaml_reader.parse_yaml`: libyaml, and the project's bounds on nesting,
    values, aliases and tags), not by PyYAML's pure-Python loader with none: 12 blocks of `[` 900 deep took 5 s
    to read, and their errors were caught with the time bound's TimedOut (18-verify24 I1).
    A text of more than MAX_BLOCK_OPTION_CHARS characters in them (a key or a value) is refused too.
    Raises BlockOptionsRefused with what is wrong when they break those rules or are not YAML."""
    from builder.sourcemap import YamlError
    from builder.yaml_reader import parse_yaml

    try:
        options = parse_yaml(text, "")[0]
    except YamlError as error:
        raise BlockOptionsRefused(f"the options under a `///` block's first line cannot be read: "
                                  f"{error.problems[0].message}") from None
    pending = [options]
    while pending:  # nested at most as deep as the YAML reader allows
        value = pending.pop()
        if isinstance(value, dict):
            pending += [*value, *value.values()]
        elif isinstance(value, list):
            pending += value
        elif isinstance(value, str) and len(value) > MAX_BLOCK_OPTION_CHARS:
            raise BlockOptionsRefused(f"the options under a `///` block's first line hold a text of {len(value):,} "
                                      f"characters, more than the {MAX_BLOCK_OPTION_CHARS:,} an option may have "
                                      f"(`{value[:40]}…`)")
    return {} if options is None else options if isinstance(options, dict) else None


def _take(counts: Counter[Reference], reference: Reference) -> bool:
    """Whether `counts` holds `reference`; if so, one fewer."""
    if counts[reference] <= 0:
        return False
    counts[reference] -= 1
    return True


def _references(root: lxml_html.HtmlElement) -> tuple[Reference, ...]:
    """Each of `linked(root)` as a Reference (an image's alt text with it)."""
    return tuple(Reference(element.tag, attribute, value, element.get("alt") if element.tag == "img" else None)
                 for element, attribute, value in linked(root))


def _inspect(raw_html: str) -> tuple[tuple[tuple[str, str], ...], tuple[Reference, ...]]:
    """What the cleaner removes from `raw_html` (`removals` of each element), to warn about, and the references
    written in it but in those removals (`Converted.written`)."""
    root = fragment(raw_html)
    removed = tuple(found for element in root.iter() if isinstance(element.tag, str)
                    for found in removals(element.tag, element.attrib.items()))
    return removed, tuple(reference for reference in _references(root)
                          if reference.tag not in REMOVED_TAGS and active_scheme(reference.target) is None)


def fragment(html: str) -> lxml_html.HtmlElement:
    """`html` (a converted text's, or part of a page) parsed as the content of a `<div>`, by lxml's HTML parser: as
    every reader of converted HTML parses it, so all see the same elements.

    An element that HTML makes void (`lxml.html.defs.empty_tags`) holds nothing, as the cleaner and browsers read
    it (the HTML Standard's "void elements"): libxml2 knows `<source>`, `<track>`, `<wbr>` and `<embed>` as
    elements with content, and put what follows one inside it (`<video><source><source>` had the second `<source>`
    in the first, where no player was its parent: 18-verify24 H8), so what it put there follows it instead."""
    root = lxml_html.fragment_fromstring(html, create_parent="div")
    for element in [element for element in root.iter(*empty_tags) if len(element) or element.text]:
        children, tail = list(element), element.tail
        element.text, element.tail = None, element.text
        for child in reversed(children):
            element.addnext(child)  # with its own tail
        last = children[-1] if children else element
        last.tail = (last.tail or "") + (tail or "") or None
    return root


def plain_text(markdown: str) -> str:
    """What a reader sees of `markdown` as text: its cleaned HTML's text (`convert`: what the cleaner removed is
    gone, `**bold**` is `bold`, `&amp;` is `&`), without footnote markers and notes, each line's spaces collapsed,
    blank lines dropped ("" for a text not converted). The one plain text of a piece of Markdown: the slides'
    (`slides.plain`, on one line) and the manifests' description (`manifest.lom_texts`, 18-verify22 E3)."""
    root = fragment(convert(markdown).html)
    for marker in root.xpath("//sup[a[contains(@class, 'footnote-ref')]] | //div[contains(@class, 'footnote')]"):
        marker.drop_tree()
    return "\n".join(line for line in (" ".join(line.split()) for line in root.text_content().splitlines()) if line)


def linked(root: lxml_html.HtmlElement) -> list[tuple[lxml_html.HtmlElement, str, str]]:
    """Each (element, attribute, value) of the parsed HTML `root` (`fragment`) that names a file, a page or a site:
    every one of URL_ATTRIBUTES (`href`, `src`, `poster`) on any element, in document order, attributes as written.

    The one definition of what converted HTML refers to: validation checks exactly these (`Converted.references`),
    and the renderer and the exports rewrite, package and embed exactly these, so nothing is packaged that was not
    checked. A list, taken before any is rewritten (a rewrite may add or replace elements)."""
    return [(element, name, value) for element in root.iter() if isinstance(element.tag, str)
            for name, value in element.attrib.items() if name in URL_ATTRIBUTES]


#: URL schemes that run script or make a document; a URL is read as browsers read it (WHATWG URL): without
#: leading and trailing spaces and controls, and without tabs and line breaks anywhere (`java&#9;script:`).
ACTIVE_SCHEMES = ("javascript:", "vbscript:", "data:text")


def removals(tag: str, attributes: Iterable[tuple[str, str]]) -> list[tuple[str, str]]:
    """What the cleaner removes from one element named `tag` (lower case) with `attributes` (names in lower case,
    values decoded), as (what is removed, text to find it by in the source: `<tag`, the attribute's name or the
    URL's scheme): the element if it is one of REMOVED_TAGS, else its event-handler attributes, URLs of
    ACTIVE_SCHEMES in SCHEMED_ATTRIBUTES and a list's `start` of more than MAX_LIST_START_DIGITS digits."""
    if tag in REMOVED_TAGS:
        return [(f"<{tag}> element", f"<{tag}")]
    found = []
    for name, value in attributes:
        if name.lower().startswith("on"):
            found.append((f"event-handler attribute `{name}`", name))
        elif _long_list_start(tag, name, value):
            found.append((f"`start` of an `<ol>` of more than {MAX_LIST_START_DIGITS} digits (the list is numbered "
                          "from 1)", name))
        elif name in SCHEMED_ATTRIBUTES and (scheme := active_scheme(value)):
            found.append((f"`{scheme}` URL", scheme))
    return found


def active_scheme(url: str) -> str | None:
    """The scheme of `url` (`javascript:`) if it is one of ACTIVE_SCHEMES, read as browsers read it; else None."""
    url = _URL_IGNORED.sub("", url).strip(_C0_AND_SPACE).lower()
    return url.split(":")[0] + ":" if url.startswith(ACTIVE_SCHEMES) else None
