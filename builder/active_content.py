"""Script in media files: found, reported and removed before a file goes into a package.

An SVG or HTML file linked from a page opens inside the package, on the package's origin, where a
script could call the LMS API (and set a score of 100). The pages' Content-Security-Policy does not
cover such files, so what would run is taken out of them: `<script>` elements, event-handler
attributes (`onload=`), `javascript:` URLs, animations that would set an attribute to any of these, and
elements that load other documents or plug-ins (`<iframe>`, `<object>`, `<embed>`, `<foreignObject>`,
`<meta http-equiv>`, `<base>`); an HTML or XHTML file gets a policy of its own (MEDIA_POLICY) that lets
nothing in it run. Every cleaned file, HTML as SVG, XML and XHTML (a policy's `'self'` is no bar to `//host/…` in
a file opened from disk), loses every attribute that names another site or a file (`_reference_elsewhere`; a link,
`<a href="https://…">`, stays, but not one of `file:` (FILE_URL) or with no scheme (SCHEME_RELATIVE), a network share
in a file opened from disk) and style that loads from elsewhere (`_external_css`). Every such
file is packaged written again from the tree that was checked, without comments or processing instructions (which a
web server may run: Server Side Includes), so that a browser reads what was checked (`without_script`). Script files
themselves (`.js`) are not packaged at all.
"""

from __future__ import annotations

import codecs
import functools
import hashlib
import json
import re
from typing import Any, NamedTuple

from lxml import etree
from lxml import html as lxml_html

from builder import cache, media_time

#: Media types that can hold script, by file suffix. Browsers read the first (SVG and XHTML) as XML, so
#: they are parsed as XML here too; `.shtml` is HTML (packaged as `.html`: `media.PACKAGED_SUFFIXES`). Compressed
#: SVG (`.svgz`) cannot be checked, so it is refused like a script.
SVG_TYPES = {".svg", ".xhtml", ".xht", ".xml"}
HTML_TYPES = {".html", ".htm", ".shtml"}
SCRIPT_TYPES = {".js", ".mjs"}
COMPRESSED_TYPES = {".svgz"}
#: What an internal DTD subset (`<!DOCTYPE svg [<!ENTITY s "<script>…">]>`) is reported as: its entities
#: are never expanded, and the subset is removed, with every reference to its entities.
INTERNAL_SUBSET = "a DOCTYPE with an internal subset (its entities or attribute defaults could hide script)"
ACTIVE_ELEMENTS = {"script", "iframe", "frame", "object", "embed", "foreignobject", "meta", "base", "handler",
                   "listener"}
#: The elements whose content an HTML parser reads as text, not markup (WHATWG HTML, "raw text" and "escapable raw
#: text" elements, and those read so by a parser without script or with frames: `noscript`, `noframes`, `iframe`,
#: `noembed`, `xmp`, `plaintext`), but only in HTML: inside `<svg>` or `<math>` (foreign content) a browser reads
#: their content as elements and decodes its character references, while libxml2's parser still reads text there.
#: `<svg><style><img src=//host/x.png></style></svg>` was checked as a sheet and packaged unchanged, and Chromium
#: loaded the `<img>` (18-verify26-L L2). What the two parsers may read differently is removed (`_mutable_text`).
RAW_TEXT_ELEMENTS = {"style", "script", "title", "textarea", "xmp", "noembed", "noframes", "iframe", "noscript",
                     "plaintext"}
#: The elements that start foreign content in HTML (WHATWG HTML, "parsing main in foreign content").
FOREIGN_ROOTS = {"svg", "math"}
#: URL schemes that run script or make a document that could: any `data:` URL of text (`data:text/xml` is read as
#: XML, which may hold XHTML or SVG), SVG, or an application's type (`application/xhtml+xml`).
ACTIVE_URL_SCHEMES = ("javascript:", "vbscript:", "data:text", "data:image/svg", "data:application")
#: The attributes of an animation (`_animation_problem`) that give the values it sets its attribute to: `values` is a
#: list of them separated by `;` (SMIL 3.0, 3.5.1; SVG 2 Animations), the others one each (each is split at `;` too).
ANIMATION_VALUES = ("values", "from", "to", "by")
INTERNAL_SUBSET_START = re.compile(rb"<!DOCTYPE[^>\[]*\[", re.IGNORECASE)
#: The start of a URL of another host without a scheme, read as `_as_parsed` reads it (`//host/…`, `\\host\…`,
#: `/\host/…`, `\/host/…`): it takes the scheme of the document, so in the web folder opened from disk it is
#: `file://host/…`, a network share that Windows fetches over SMB with the learner's sign-in, and which the policy's
#: `'self'` did not stop in Chromium (18-verify25-K K3). Removed from every cleaned file, an `<a href>` too, as a
#: `file:` URL is; a link to another site says its scheme (`https://…`).
SCHEME_RELATIVE = "//"
#: The start of a URL that names a file on the learner's computer or on a network share: any `file:` URL, with a host
#: (`file://198.51.100.7/share/a.png`, `file:////host/…`: on Windows a share fetched over SMB with the learner's
#: sign-in) or without (`file:///C:/…`: a package has no business naming a learner's files; pages refuse both). Read
#: as `_as_parsed` reads it (`FILE:\\host\a` too), and removed from every cleaned file, HTML and XHTML too (the
#: policy's `'self'` is no sure bar in a file opened from disk, whose origin is `file:`), in any attribute of any
#: namespace and in an `<a href>` (`_reference_elsewhere`), and in CSS (`_external_css`): the media cleaners kept
#: `file://host/…` in SVG, XML and HTML files (18-verify24-H H6). Not one with a space after its colon, which names
#: no host (a URL parser keeps the space in the path: `file:/// //host/…`) and is text: `alt="File: the budget"`.
FILE_URL = re.compile(r"file:(?!\s)", re.IGNORECASE)
#: The start of a URL that loads from elsewhere than the package (a package plays offline, and what another site serves
#: can change after the review), read as a browser's URL parser reads it (`_as_parsed`): of another site (`http:`,
#: `https:`, `ftp:`, SCHEME_RELATIVE) or a file (FILE_URL). What the cleaners remove from every file they clean, HTML as
#: SVG and XML (`_reference_elsewhere`, `_external_css`); only an `<a href>` with a scheme of a site may stay.
EXTERNAL_URL = re.compile(rf"(?:https?:|ftp:|{SCHEME_RELATIVE}|{FILE_URL.pattern})", re.IGNORECASE)
#: What `_attribute_problem` calls an attribute that names another site, one that names a file (FILE_URL), and one that
#: names another host without a scheme (SCHEME_RELATIVE).
ELSEWHERE_PROBLEM = "reference to another site in `{}`"
FILE_PROBLEM = "`file:` URL (a file on the learner's computer or network) in `{}`"
SCHEME_RELATIVE_PROBLEM = ("URL of another host without a scheme (a network share when the web folder is opened from "
                           "disk; a link to another site says `https://`) in `{}`")
#: The namespaces of the attributes a browser reads on an element of an XML file: none, XLink's (`xlink:href`) and
#: XML's (`xml:base`). One of any other namespace loads nothing (Inkscape's metadata, `<cc:license
#: rdf:resource="http://creativecommons.org/…">`, stays), so it is not read as a URL (`_reference_elsewhere`).
READ_ATTRIBUTE_NAMESPACES = {"", "http://www.w3.org/1999/xlink", "http://www.w3.org/XML/1998/namespace"}
#: The attributes whose value is a list of URLs (HTML's `srcset` and `imagesrcset`: candidates separated by commas,
#: each a URL and its descriptors; `ping` and `archive`: URLs separated by spaces): each item is read as a URL.
URL_LIST_ATTRIBUTES = {"srcset", "imagesrcset", "ping", "archive"}
_URL_LIST_SEPARATORS = re.compile(r"[\s,]+")
#: The start of a URL of any scheme, or of another site: what a CSS `url()` may not name (`_external_css`).
ANY_SCHEME = re.compile(r"(?:[a-z][a-z0-9+.-]*:|//)", re.IGNORECASE)
#: The characters a browser's URL parser strips from both ends of a URL (C0 controls and space), and those it drops
#: anywhere in it (tab and newlines) (WHATWG URL, "basic URL parser").
_URL_ENDS = "".join(map(chr, range(0x21)))
_URL_DROPPED = str.maketrans("", "", "\t\n\r")
#: What CSS needs to load anything: an at-rule's `@`, a quote of a string, a `\` that may escape the name of `url(`
#: (`\75rl(`); else a `url(` as it is. A text without any of them is not read with tinycss2 (`_external_css`).
_LOADING_MARKS = ("@", '"', "'", "\\")
#: The blocks among tinycss2's tokens.
_CSS_BLOCKS = ("() block", "[] block", "{} block")
#: How libxml2 names an entity it found no declaration of (its message "Entity 'colon' not defined").
_UNDECLARED_NAME = re.compile(r"'([^']*)'")
#: The most elements an SVG, XML or HTML file may have to be checked for script (`too_many_elements`): its tree takes
#: libxml2 about 330 bytes an element, and walking it 3 µs, so 15.6 MB of `<div a=1><b>x</b></div>` (1.36 million
#: elements) took 538 MB and 8 s (18-verify8 X1). A 300-page report saved as HTML has about 30,000; a detailed map as
#: SVG about 50,000.
MAX_MARKUP_ELEMENTS = 200_000
#: What a file with more than MAX_MARKUP_ELEMENTS elements is refused with (what is wrong, how to fix it).
TOO_MANY_ELEMENTS = (f"has more than {MAX_MARKUP_ELEMENTS:,} elements, too many to check for script",
                     "split it into smaller files, or offer it as a PDF")
#: The most attributes one tag of an HTML file, or of a kit document, may have (`crowded_tag`). libxml2's HTML parser
#: takes time that grows about as their count to the power 2.8 (20,000 on one `<div>`: 2.1 s; 80,000: about 100 s),
#: tinyhtml5 (WeasyPrint's) as its square (10,000: 5.3 s), and neither can be stopped once it has begun (18-verify9
#: Y1). 256 KB of tags of 200 attributes each take either parser about 1.3 times what tags of one take (of 1,000
#: each: 4 times). An element of a real page has a few dozen at most.
MAX_TAG_ATTRIBUTES = 200
#: What a file with a tag of more than MAX_TAG_ATTRIBUTES attributes is refused with (what is wrong, how to fix it).
TOO_MANY_ATTRIBUTES = (f"has an element with more than {MAX_TAG_ATTRIBUTES:,} attributes, too many to check for "
                       "script", "give that element fewer attributes, or offer the file as a PDF")
#: What an HTML file is refused with when libxml2's HTML parser stopped at one of its limits (without `huge_tree`) and
#: dropped the rest of the file, which the cleaned copy would then lack (18-verify12 B6): its input buffer passes
#: 10,000,000 characters (one text of that many; or, measured with libxml2 2.14, a line of 9.4 million characters
#: in texts of a million each, never shortened as it is read), or elements nest more than 256 deep.
TOO_LONG_TO_READ = ("is cut short here by the HTML parser, which stops at very long runs of text, comments or "
                    "attribute values, or at elements nested more than 256 deep: the rest cannot be checked for script",
                    "break long runs of text with line breaks or tags, nest elements less deeply, or offer the file "
                    "as a PDF")
#: The most bytes the cleaned copy of an SVG, XML or HTML file (`without_script`, what is packaged) may have: as many as
#: any such file of the course (`media.MAX_TEXT_MEDIA_BYTES`, 16 MiB; not imported: media imports this module). An
#: HTML file is always written again, and `&` becomes `&amp;`: twelve files of 9.5 MB (124 KB as a `.tar.gz`) were
#: packaged as 47.5 MB each, a 544 MB web folder, and `check` said ok (18-verify13 C2). An SVG or XML file is
#: written again too (18-verify20 C1), where `>` becomes `&gt;`: 4.2 MB of `>` in ISO-8859-1 grew past this
#: (18-verify14 D2).
MAX_CLEANED_BYTES = 16 * 1024 * 1024
#: What a file whose cleaned copy has more than MAX_CLEANED_BYTES is refused with (what is wrong, how to fix it).
TOO_LARGE_CLEANED = (f"grows to more than {MAX_CLEANED_BYTES // 1024 ** 2} MB when it is written again without "
                     "script (characters are escaped again: `&` as `&amp;`, `<` as `&lt;`, `>` as `&gt;`, a quote in "
                     "an attribute as `&quot;`; and text in another encoding becomes UTF-8)",
                     "make the file smaller, or offer it as a PDF")
#: How deep libxml2's XML parser nests elements without `huge_tree` (its `xmlParserMaxDepth`; never turned on: the
#: limits bound what a hostile file takes). A browser, and the kit's WeasyPrint, draw an SVG nested deeper.
MAX_XML_DEPTH = 256
#: What an SVG, XML or XHTML file is refused with when libxml2's XML parser stopped at its depth limit: well-formed, but
#: not checked, so packaged empty (18-verify15 E5: it was "not a valid SVG file", a warning, and a 0-byte picture).
TOO_DEEP = (f"nests elements more than {MAX_XML_DEPTH} levels deep, more than coursebuild can check for script",
            "flatten its groups or nest its elements less deeply, or offer it as a PDF")
#: What such a file is refused with when the parser stopped at a length limit (without `huge_tree`): a text, comment,
#: CDATA section, processing instruction or attribute value of more than 10,000,000 characters (`XML_MAX_TEXT_LENGTH`),
#: or a name of more than 50,000 (`XML_MAX_NAME_LENGTH`).
TOO_LONG_FOR_XML = ("has a text, comment or attribute value of more than 10,000,000 characters (or a name of more than "
                    "50,000), more than coursebuild can check for script",
                    "break the long text into shorter ones, or offer the file as a PDF")
#: The fix for each reason a markup file is too large to be checked or packaged (`unreadable`'s what), by that reason.
TOO_LARGE_TO_CHECK = dict([TOO_MANY_ELEMENTS, TOO_MANY_ATTRIBUTES, TOO_LONG_TO_READ, TOO_LARGE_CLEANED, TOO_DEEP,
                           TOO_LONG_FOR_XML])
#: The errors libxml2's parsers stop at, dropping the rest of the file (the HTML parser carries on after any other).
_HALTED = {etree.ErrorTypes.ERR_RESOURCE_LIMIT, etree.ErrorTypes.ERR_NO_MEMORY}
#: One attribute of a tag as HTML's tokenizer reads it (WHATWG HTML 13.2.5.32-38): separators, a name (which may start
#: with `=`), and a value after `=`, quoted or not; possessive, so each is read once, without backtracking.
_ATTRIBUTE = r"""[\s/]*+(?:=[^\s/>=]*+|[^\s/>=]++)(?:\s*+=\s*+(?:"{0}"|'{1}'|[^\s"'>][^\s>]*+))?+"""
#: What a quoted value (`_ATTRIBUTE`'s `{0}` and `{1}`) may hold, as the tokenizer reads it: anything but its quote.
_VALUE_AS_READ = (r'[^"]*+', r"[^']*+")
#: What a quoted value may hold in the second count (`_UNCROWDED_NO_TAG_IN_VALUE`): no `<` that could start a tag. A
#: quote inside a comment, `<title>` or `<script>` (`<!-- <x a=" -->`) is read by the first count as opening a value
#: that runs to the next quote, past the comment's end, so that a crowded tag there goes uncounted (18-verify10 Z1);
#: in this count such a quote is part of a name, and a `>` ends the tag, so that no tag is hidden in a value.
_VALUE_WITHOUT_TAG = (r'(?:[^"<]++|<++(?!/?[A-Za-z]))*+', r"(?:[^'<]++|<++(?!/?[A-Za-z]))*+")


def _uncrowded(value: tuple[str, str]) -> re.Pattern[str]:
    """Text and tags up to the first tag of more than MAX_TAG_ATTRIBUTES attributes (the whole text if there is
    none), quoted values holding `value` (double, single): runs of text; a tag with no quote before its `>` within
    2 × MAX_TAG_ATTRIBUTES characters (each attribute takes two at least: so it has at most that many); a `<` that
    starts no tag; any other tag, read attribute by attribute up to MAX_TAG_ATTRIBUTES, if no other follows. Linear:
    what one alternative reads, no other reads again."""
    attribute = _ATTRIBUTE.format(*value)
    return re.compile(
        rf"""(?:[^<]++|</?[A-Za-z][^>"']{{0,{2 * MAX_TAG_ATTRIBUTES}}}+>|<(?!/?[A-Za-z])"""
        rf"""|</?[A-Za-z][^\s/>]*+(?:{attribute}){{0,{MAX_TAG_ATTRIBUTES}}}+(?!{attribute}))*+""")


_UNCROWDED = _uncrowded(_VALUE_AS_READ)
#: The same with quoted values that hold no tag (`_VALUE_WITHOUT_TAG`): it counts the attributes of a tag that a
#: stray quote before it hides from `_UNCROWDED`, unless that tag has a value holding a tag and a `>` itself.
_UNCROWDED_NO_TAG_IN_VALUE = _uncrowded(_VALUE_WITHOUT_TAG)


#: How libxml2 says a text, comment, CDATA section, processing instruction or attribute value passed its length limit.
_TOO_LONG = re.compile(r"text node too long|buffer size limit|comment too big")


def xml_limit(error_log: Any) -> str | None:
    """TOO_DEEP's or TOO_LONG_FOR_XML's what if the first error in `error_log`, an XML parser's (`XMLParser.error_log`,
    after it raised `XMLSyntaxError`), is one of libxml2's limits without `huge_tree` (depth; length of a text, comment
    or name), by its type and message (libxml2 2.14's), else None: the file is not well-formed, or its entities
    expand too far (a billion laughs: "Maximum entity amplification factor exceeded", a resource limit too)."""
    error = next((error for error in error_log if error.level >= etree.ErrorLevels.ERROR), None)
    if error is None:
        return None
    message = error.message.lower()
    if error.type == etree.ErrorTypes.ERR_RESOURCE_LIMIT and "depth" in message:
        return TOO_DEEP[0]
    if error.type == etree.ErrorTypes.ERR_NAME_TOO_LONG or (
            error.type in (etree.ErrorTypes.ERR_RESOURCE_LIMIT, etree.ErrorTypes.ERR_COMMENT_NOT_FINISHED)
            and _TOO_LONG.search(message)):
        return TOO_LONG_FOR_XML[0]
    return None


def local_name(element: Any) -> str:
    """An element's name without its namespace, in lower case; "" for a comment or processing instruction."""
    return etree.QName(element).localname.lower() if isinstance(element.tag, str) else ""


class _Enough(Exception):
    """More elements were counted than were asked for (`_ElementCount`)."""


class _ElementCount:
    """A parser target that counts start tags, and stops the parse past `most` (no tree is made)."""

    def __init__(self, most: int) -> None:
        self.most, self.count = most, 0

    def start(self, tag: str, attributes: Any) -> None:  # noqa: ARG002 - lxml's target interface
        self.count += 1
        if self.count > self.most:
            raise _Enough

    def close(self) -> None:
        """The end of the document (lxml's target interface): nothing to make."""


#: What may come before an XML file's first `<` in an encoding that writes `<` and `&` as their ASCII bytes (UTF-8,
#: UTF-16 and UTF-32 with or without a byte order mark): whitespace, byte order marks, the zero bytes of UTF-16.
_BEFORE_XML = b" \t\r\n\x00\xef\xbb\xbf\xfe\xff"
#: How much of a file a parse that counts its elements reads at a time: it stops within one of these past the bound.
_COUNT_CHUNK = 1 << 16


def too_many_elements(data: bytes, suffix: str) -> bool:
    """Whether the SVG, XML (`SVG_TYPES`) or HTML file `data` has more than MAX_MARKUP_ELEMENTS elements, counted by
    a parse that makes no tree (lxml's parser target; HTML decoded as `decode_html` decodes it, XML's internal
    entities expanded, as the drawing estimate expands them); false for any other file, or one that cannot be parsed
    before the bound (reported elsewhere). Stops soon after the bound: 15.6 MB of HTML in about 0.2 s; XML with at
    most that many `<` and no `&` (no entity) is not parsed at all."""
    suffix = suffix.lower()
    if suffix not in SVG_TYPES | HTML_TYPES:
        return False
    if suffix in SVG_TYPES and data.count(b"<") <= MAX_MARKUP_ELEMENTS and b"&" not in data \
            and data.lstrip(_BEFORE_XML)[:1] == b"<":
        return False  # each element starts with a `<`, and no entity can add any (in any encoding but EBCDIC)
    counter = _ElementCount(MAX_MARKUP_ELEMENTS)
    text: str | bytes = data
    if suffix in SVG_TYPES:
        parser: Any = etree.XMLParser(target=counter, resolve_entities="internal",  # type: ignore[arg-type]
                                      no_network=True, load_dtd=False, huge_tree=False)
    else:
        parser, text = etree.HTMLParser(target=counter), decode_html(data)  # type: ignore[arg-type] # a target
    try:
        for start in range(0, len(text), _COUNT_CHUNK):
            parser.feed(text[start:start + _COUNT_CHUNK])
        parser.close()
    except _Enough:
        return True
    except (etree.XMLSyntaxError, etree.ParserError, ValueError, LookupError):
        pass
    return counter.count > MAX_MARKUP_ELEMENTS


def crowded_tag(html: str) -> int | None:
    """The line of the first tag of the HTML text `html` with more than MAX_TAG_ATTRIBUTES attributes (`crowded_at`),
    None if none has."""
    start = crowded_at(html)
    return None if start is None else html.count("\n", 0, start) + 1


def crowded_at(html: str) -> int | None:
    """Where (index of its `<`) the first tag of the HTML text `html` with more than MAX_TAG_ATTRIBUTES attributes
    starts (end tags and tags in comments or scripts counted too: an upper bound), None if none has: found by two
    regular expressions in C (`_UNCROWDED`, `_UNCROWDED_NO_TAG_IN_VALUE`), the earlier end counting, before a parser
    reads them (16 MB of small tags in 0.5 s; the first tag past the bound at once). A quick path: what they miss
    is bounded by `media_time.analysed`."""
    end = min(_UNCROWDED.match(html).end(),  # type: ignore[union-attr] # each matches the empty text at least
              _UNCROWDED_NO_TAG_IN_VALUE.match(html).end())  # type: ignore[union-attr]
    return None if end == len(html) else end


def _parse(data: bytes, suffix: str) -> tuple[Any, list[tuple[int, str]]] | None:
    """The document tree, and `_undeclared` of an XML file (none of an HTML file); None if it is not SVG or HTML.
    Raises `Unreadable` if it cannot be parsed, has more than MAX_MARKUP_ELEMENTS elements (`too_many_elements`), or
    is HTML with a tag of more than MAX_TAG_ATTRIBUTES attributes (`crowded_tag`): either is never parsed into a
    tree; or is HTML that the parser stopped reading at one of its limits (`TOO_LONG_TO_READ`), or XML that its parser
    stopped at (`xml_limit`: TOO_DEEP, TOO_LONG_FOR_XML)."""
    if suffix not in SVG_TYPES | HTML_TYPES:
        return None
    if suffix in HTML_TYPES and (line := crowded_tag(decode_html(data))):  # XML's parser reads 40,000 in 0.03 s
        raise Unreadable(line, TOO_MANY_ATTRIBUTES[0])
    if too_many_elements(data, suffix):
        raise Unreadable(1, TOO_MANY_ELEMENTS[0])
    parser = etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False)
    try:
        if suffix in SVG_TYPES:
            return etree.fromstring(data, parser).getroottree(), _undeclared(parser.error_log)
        html_parser = lxml_html.HTMLParser()
        tree = lxml_html.document_fromstring(decode_html(data), parser=html_parser).getroottree()
    except etree.XMLSyntaxError as error:
        raise Unreadable(error.lineno or 1, xml_limit(parser.error_log) or f"cannot be read as XML ({error.msg})") \
            from None
    except (etree.ParserError, ValueError, LookupError) as error:
        kind = "XML" if suffix in SVG_TYPES else "HTML"
        raise Unreadable(1, f"cannot be read as {kind} ({error})") from None
    if halted := next((error for error in html_parser.error_log if error.type in _HALTED), None):
        raise Unreadable(halted.line or 1, TOO_LONG_TO_READ[0])
    return tree, []


class Unreadable(Exception):
    """An SVG, XML or HTML file that cannot be parsed, so cannot be cleaned: it is never packaged as it is.

    A browser may still run what comes before the first error (Chromium runs the script of an SVG up to a
    trailing `<bad`, in UTF-16 too), and no scan of the raw bytes finds script hidden by an encoding or by
    character references, so such a file is refused (`unreadable`) and packaged empty.
    """

    def __init__(self, line: int, what: str) -> None:
        super().__init__(what)
        self.line = line
        self.what = what


def unreadable(data: bytes, suffix: str) -> tuple[int, str] | None:
    """(line, what is wrong) if the SVG, XML or HTML file cannot be parsed to be cleaned, else None."""
    return _checked(data, suffix).broken


#: How a picture that `emptied` finds is fixed (one TOO_DEEP: TOO_DEEP_PICTURE_FIX).
EMPTIED_PICTURE_FIX = "make the figure smaller or simpler, or save it as a PNG picture"
#: How a picture refused with TOO_DEEP is fixed.
TOO_DEEP_PICTURE_FIX = "flatten its groups, or save it as a PNG picture"


def emptied(data: bytes, suffix: str) -> tuple[int, str, str] | None:
    """(line, what is wrong, how a picture is fixed) if the SVG, XML or HTML file `data` is packaged empty though a
    browser would show it: it is too large or too deep to check or to write again without script (TOO_LARGE_TO_CHECK),
    or its analysis passed a bound (`media_time.Overran`); else None, for a file that cannot be parsed too
    (`unreadable`: a browser shows a broken picture or an error there as well). An error for a picture wherever it is
    shown, with TOO_DEEP_PICTURE_FIX or EMPTIED_PICTURE_FIX: `check` said ok, and the packages carried a 0-byte figure
    (18-verify14 D2, 18-verify15 E5)."""
    broken = unreadable(data, suffix)
    if not broken or not (broken[1] in TOO_LARGE_TO_CHECK or media_time.overran(broken[1])):
        return None
    return broken[0], broken[1], TOO_DEEP_PICTURE_FIX if broken[1] == TOO_DEEP[0] else EMPTIED_PICTURE_FIX


#: A charset declared in the first 1024 bytes of an HTML file (what a browser's prescan looks at).
DECLARED_CHARSET = re.compile(rb"<meta[^>]*charset\s*=\s*[\"']?\s*([A-Za-z0-9._:-]+)", re.IGNORECASE)
#: The Content-Security-Policy of a cleaned HTML or XHTML file: nothing in it may run, should a browser still read
#: something as script that the cleaner did not (a page's own policy, `templates/head.html`, lets the runtime run),
#: and it loads nothing from another site (`default-src 'self'`: an `<img src="http://…">`, `<video poster>` or
#: `srcset` kept in an HTML file would tell that site when a learner opens it: 18-verify21 D1's note); pictures,
#: media and fonts also from `data:` URLs, its own `<style>` and `style=""` as before.
MEDIA_POLICY = ("default-src 'self'; img-src 'self' data:; media-src 'self' data:; font-src 'self' data:; "
                "style-src 'self' 'unsafe-inline'; script-src 'none'; object-src 'none'; base-uri 'none'; "
                "form-action 'none'")
#: What a cleaned HTML file starts with: its encoding, in the first bytes a browser's prescan reads (before
#: `<html>`, whose attributes could otherwise push it past 1024 bytes), and MEDIA_POLICY.
HTML_PROLOG = (b'<!doctype html>\n<meta charset="utf-8">\n<meta http-equiv="Content-Security-Policy" '
               b'content="' + MEDIA_POLICY.encode() + b'">\n')
#: How a Server Side Includes directive starts (Apache's mod_include, its `SSIStartTag`; nginx's `ssi`, which runs
#: on every `text/html` response whatever the file's name), and how a cleaned HTML file writes it instead: the
#: comments that hold directives are removed (`_cleaned`), but libxml2 writes an attribute's value with its `<` as it
#: is (`title="<!--#include virtual=…-->"`), where `&lt;` is the same value; the only other text it writes so is that
#: of a raw-text element, which is removed if it holds a `<` (`_mutable_text`). An SVG or XML file is written with
#: every `<` of a text or value as `&lt;` (18-verify20 C8).
SSI_START = b"<!--#"
SSI_START_WRITTEN = b"&lt;!--#"
#: The namespace of XHTML's elements: a document whose root is its `<html>` is rendered as a web page (`_with_policy`).
XHTML_NAMESPACE = "http://www.w3.org/1999/xhtml"
#: Byte order marks, which decide a browser's encoding before anything the file declares (WHATWG Encoding,
#: "decode"): UTF-8's first, UTF-16's after.
BYTE_ORDER_MARKS = ((codecs.BOM_UTF8, "utf-8"), (codecs.BOM_UTF16_LE, "utf-16-le"), (codecs.BOM_UTF16_BE, "utf-16-be"))


def decode_html(data: bytes) -> str:
    """An HTML file's text, decoded as a browser decodes it (WHATWG HTML, "determining the character encoding").

    A byte order mark wins; then a `<meta charset>` in the first 1024 bytes, except that a declared UTF-16
    or UTF-32 is ignored (a browser reads such a file as if nothing were declared: the declaration is in
    ASCII, so the file is not UTF-16) and so is a name Python does not know as a text encoding; then UTF-8
    if the bytes are valid UTF-8, else Windows-1252 (HTML's default). Bytes not valid in the encoding
    become U+FFFD, as in a browser.
    """
    for mark, name in BYTE_ORDER_MARKS:
        if data.startswith(mark):
            return data[len(mark):].decode(name, "replace")
    declared = DECLARED_CHARSET.search(data[:1024])
    if declared:
        try:
            name = codecs.lookup(declared.group(1).decode("ascii")).name
            if not name.startswith(("utf-16", "utf-32")):
                return data.decode(name, "replace")
        except (LookupError, ValueError):  # unknown, or not a text encoding (`base64`)
            pass
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        return data.decode("windows-1252", "replace")


def _internal_subset(tree: Any) -> bool:
    """Whether the XML document has a DOCTYPE with an internal subset, read from the parsed tree (so in any
    encoding the file was in, UTF-16 too)."""
    return tree.docinfo.internalDTD is not None and bool(INTERNAL_SUBSET_START.search(etree.tostring(tree)))


def _findings(tree: Any, undeclared: list[tuple[int, str]]) -> list[tuple[Any, str | None, int, str]]:
    """(element, attribute or None for the whole element, line, what it is) for everything that can run, in the order
    of their lines; `undeclared` is what `_undeclared` found as the file was parsed (element None: nothing of it is
    in the tree)."""
    found: list[tuple[Any, str | None, int, str]] = []
    if not isinstance(tree.getroot(), lxml_html.HtmlElement) and _internal_subset(tree):
        found.append((None, None, 1, INTERNAL_SUBSET))
    root = tree.getroot()
    for sibling in (*root.itersiblings(preceding=True), *root.itersiblings()):
        if isinstance(sibling, etree._ProcessingInstruction) and sibling.target.lower() == "xml-stylesheet":
            found.append((None, None, getattr(sibling, "sourceline", None) or 1, "`<?xml-stylesheet?>` instruction"))
    for element in tree.iter():
        if isinstance(element, etree._Entity):
            found.append((element, None, element.sourceline or 1, f"entity reference `&{element.name};`"))
            continue
        name, line = local_name(element), element.sourceline or 1
        if name in ACTIVE_ELEMENTS and (name != "meta" or element.get("http-equiv") is not None):
            found.append((element, None, line, f"<{etree.QName(element).localname}> element"))
            continue
        xml = not isinstance(element, lxml_html.HtmlElement)
        if not xml and _mutable_text(element, name):
            found.append((element, None, line, f"<{name}> whose text a browser may read as elements"))
            continue
        if name == "style" and _external_css(_sheet_text(element), True, xml):
            found.append((element, None, line, "<style> that loads from elsewhere"))
            continue
        if animation := _animation_problem(element, xml):
            found.append((element, None, line, f"<{etree.QName(element).localname}> that sets {animation}"))
            continue
        for attribute, value in element.attrib.items():
            if (problem := _attribute_problem(name, attribute, value, xml)) and not (
                    _local(attribute) in ANIMATION_VALUES and _animated(element)):  # checked as what it sets, above
                found.append((element, attribute, line, problem))
    in_text = {(line, what) for _, _, line, what in found}  # an undeclared one in text is an `_Entity` too
    found += [(None, None, line, what) for line, what in undeclared if (line, what) not in in_text]
    return sorted(found, key=lambda finding: finding[2])


def _undeclared(error_log: Any) -> list[tuple[int, str]]:
    """(line, what) of each reference to an undeclared entity (`&colon;`) that the XML parser warned of in its
    `error_log` (the first 100: libxml2 logs no more). A DOCTYPE with an external id makes it a warning, not an error,
    and libxml2 drops such a reference from an attribute's value (keeping one in text as an `_Entity`); Chromium
    reads the HTML named characters for a DOCTYPE of an XHTML public id, so `href="javascript&colon;…"` was packaged
    unchanged and ran on the package's origin when clicked (18-verify20 C1). The cleaned file is written from the tree
    (`_cleaned`), without the reference; this reports it."""
    found = []
    for error in error_log:
        if error.type == etree.ErrorTypes.WAR_UNDECLARED_ENTITY:
            name = _UNDECLARED_NAME.search(error.message)
            found.append((error.line or 1, f"entity reference `&{name.group(1) if name else '…'};`"))
    return found


def _mutable_text(element: Any, name: str) -> bool:
    """Whether the element `element` of an HTML file, named `name` (local, lower case), is one of RAW_TEXT_ELEMENTS
    whose text (`_sheet_text`) a browser may read otherwise than libxml2 did: it holds a `<` (which starts a tag in
    foreign content; no style sheet needs one), or, inside `<svg>` or `<math>` (FOREIGN_ROOTS), a `&` (a character
    reference there: `url(&#47;&#47;host/x)`). libxml2 reads the content of each as text wherever it is, a browser
    only outside foreign content, and libxml2 may end foreign content elsewhere than a browser does, so a `<` is
    refused in every one (18-verify26-L L2)."""
    if name not in RAW_TEXT_ELEMENTS:
        return False
    text = _sheet_text(element)
    return "<" in text or "&" in text and any(local_name(above) in FOREIGN_ROOTS for above in element.iterancestors())


def _sheet_text(style: Any) -> str:
    """The style sheet of the `<style>` element `style` as a browser reads it: its own text and that after each of
    its children (an XML comment between them hides nothing: `@im<!-- -->port` is `@import`)."""
    return (style.text or "") + "".join(child.tail or "" for child in style)


def _local(attribute: str) -> str:
    """An attribute's name without its namespace, in lower case (as etree.QName gives it)."""
    return attribute.rpartition("}")[2].lower()


def _attribute_problem(element: str, name: str, value: str, xml: bool) -> str | None:
    """What can run (or load from elsewhere) in the attribute `name` (as lxml names it: `{namespace}local` or
    `local`) of value `value` on an element named `element` (local name, lower case; "" if not known) of an XML
    (`xml`) or HTML file, else None: an event handler, a URL of ACTIVE_URL_SCHEMES (read as `_squeezed_start` reads
    it), a reference to another site or a file (`_reference_elsewhere`), or CSS that loads from elsewhere
    (`_external_css`, of `style` and, in XML, any attribute: SVG reads presentation attributes such as `fill` as CSS,
    `style` as declarations)."""
    attribute = _local(name)
    if elsewhere := _reference_elsewhere(element, name, value):
        return elsewhere.format(attribute)
    if (xml or attribute == "style") and _external_css(value, attribute == "style", xml):
        return ELSEWHERE_PROBLEM.format(attribute)
    if attribute.startswith("on"):
        return f"event-handler attribute `{attribute}`"
    if _squeezed_start(value).lower().startswith(ACTIVE_URL_SCHEMES):
        url = "".join(value.split()).lower()
        return f"`{url.split(',')[0]}` URL"
    return None


def _reference_elsewhere(element: str, name: str, value: str) -> str | None:
    """What the attribute `name` (as lxml names it) of value `value`, on an element named `element` (local name,
    lower case; "" if not known) of an SVG, XML or HTML file, names that is removed, as a problem to format with the
    attribute's name (FILE_PROBLEM, SCHEME_RELATIVE_PROBLEM, ELSEWHERE_PROBLEM), else None. Its value, or any item of a
    list of URLs (URL_LIST_ATTRIBUTES, split at spaces and commas), is read as a URL (`_as_parsed`): a `file:` one
    (FILE_URL) or one of another host without a scheme (SCHEME_RELATIVE: `//host`, `\\\\host`, `/\\host`) is removed,
    whatever the attribute and its namespace (both name a network share in a file opened from disk); one of another
    site (EXTERNAL_URL) too, only in READ_ATTRIBUTE_NAMESPACES, and not the `href` of an `<a>` (a link to another
    site, which loads nothing until the learner follows it, may stay). Every attribute is read so, not a list of those
    that load: only `href` was, and Chromium fetched an XHTML `<img src>`, `srcset`, `<video poster>` or `<td
    background>` from another site, in an SVG and in an XHTML file (18-verify20 C1's follow-up); an attribute that
    holds such a URL as text (`title="https://…"`) is removed too. HTML files are read as XML files are: their policy's
    `'self'` let `//host/…` (`file://host/…` from disk) load (18-verify25-K K3)."""
    if ":" not in value and "/" not in value and "\\" not in value:  # no scheme, no `//`: most values
        return None
    namespace, _, local = name[1:].partition("}") if name.startswith("{") else ("", "", name)
    local = local.lower()
    urls = [_as_parsed(url) for url in (_URL_LIST_SEPARATORS.split(value) if local in URL_LIST_ATTRIBUTES else [value])]
    if any(FILE_URL.match(url) for url in urls):
        return FILE_PROBLEM
    if any(url.startswith(SCHEME_RELATIVE) for url in urls):
        return SCHEME_RELATIVE_PROBLEM
    if (namespace not in READ_ATTRIBUTE_NAMESPACES or (local == "href" and element == "a")
            or not any(EXTERNAL_URL.match(url) for url in urls)):
        return None
    return ELSEWHERE_PROBLEM


def _animated(element: Any) -> bool:
    """Whether the element `element` is an animation: it has an `attributeName` (in any namespace and case)."""
    return any(_local(name) == "attributename" for name in element.attrib)


def _animation_problem(element: Any, xml: bool) -> str | None:
    """What `_attribute_problem` finds in any value that the element `element` sets an attribute to, if it is an
    animation (any element with `attributeName`: SVG's `<animate>`, `<set>`, `<animateMotion>`, `<animateTransform>`
    and SMIL's others), else None. An animation sets the attribute `attributeName` names (its prefix, such as
    `xlink:`, dropped) of its target to each of the values it gives (ANIMATION_VALUES): `<animate attributeName="href"
    values="#;javascript:…">` makes a link of its `<a>` run script once the animation has run, which no check of
    the animation's own attributes finds (18-verify18 C2). The target is the element's parent, or, if the animation
    names another (`href`), one taken to be no `<a>` (the stricter reading); an attribute that no value is given for
    is checked with the value "". Each distinct value is checked once: 9.3 MB of 1.3 million distinct numbers take
    about 1.5 s (the file's analysis is bounded by `media_time.analysed`)."""
    if not _animated(element):
        return None
    attributes = {_local(name): value for name, value in element.attrib.items()}
    attribute = attributes["attributename"].strip().rpartition(":")[2].lower()
    parent = element.getparent()
    target = local_name(parent) if parent is not None and "href" not in attributes else ""
    values = dict.fromkeys(item for key in ANIMATION_VALUES if key in attributes for item in attributes[key].split(";"))
    return next((problem for value in values or [""]
                 if (problem := _attribute_problem(target, attribute, value, xml))), None)


@functools.lru_cache(maxsize=256)  # drawing programs give many elements the same `style`: 190,000 took 6.5 s unkept
def _external_css(text: str, sheet: bool, xml: bool) -> bool:
    """Whether the CSS `text` of an XML (`xml`) or HTML file loads what its cleaner removes, read as a browser reads
    it: its tokens as tinycss2 reads them, escapes decoded (`@\\69mport` is `@import`, `\\75rl(` is `url(`: a regular
    expression on the text missed them, 18-verify20 C3). In an XML file it does if it holds an `@import`, a `url()` (a
    URL token, or the function of a string) of any scheme or of another site (ANY_SCHEME: a package plays offline), or
    a string of another site (EXTERNAL_URL: `image-set("https://…")`) inside a function, or anywhere in a style sheet
    or `style=` (`sheet`: a custom property may bring it into a function by `var()`). In an HTML file (whose policy
    lets its own files and `data:` load) a URL of another site or a file (EXTERNAL_URL) counts, in the same places,
    `@import`'s too: `url(//host/…)` loaded `file://host/…` from disk (18-verify25-K K3). URLs read as
    `_as_parsed`. Read only if it holds one of _LOADING_MARKS or a `url(` (a path's 8 MB `d` holds none)."""
    if not any(mark in text for mark in _LOADING_MARKS) and not ("(" in text and "url(" in text.lower()):
        return False
    url_start = ANY_SCHEME if xml else EXTERNAL_URL
    import tinycss2  # type: ignore[import-untyped]  # noqa: PLC0415 - only for CSS that may load something

    # each token, and whether a string there is a URL
    pending = [(token, sheet) for token in tinycss2.parse_component_value_list(text)]
    while pending:
        token, string_is_url = pending.pop()
        if (xml and token.type == "at-keyword" and token.lower_value == "import"
                or token.type == "url" and url_start.match(_as_parsed(token.value))
                or token.type == "string" and string_is_url and EXTERNAL_URL.match(_as_parsed(token.value))
                or token.type == "function" and token.lower_name == "url" and any(
                    part.type == "string" and url_start.match(_as_parsed(part.value)) for part in token.arguments)):
            return True
        if token.type == "function":
            pending += [(part, True) for part in token.arguments]
        elif token.type in _CSS_BLOCKS:
            pending += [(part, string_is_url) for part in token.content]
    return False


def _as_parsed(url: str) -> str:
    """The URL `url` as a browser's URL parser reads it before its scheme (WHATWG URL, "basic URL parser"): C0 controls
    and spaces stripped from its ends, tabs and newlines dropped, and `\\` read as `/`, as in a URL of the package's
    `http:` or `file:` origin (`\\\\host/x` and `/\\host/x` name another site, as `//host/x` does)."""
    return url.strip(_URL_ENDS).translate(_URL_DROPPED).replace("\\", "/")


#: The longest of ACTIVE_URL_SCHEMES.
_LONGEST_SCHEME = max(map(len, ACTIVE_URL_SCHEMES))


def _squeezed_start(value: str) -> str:
    """The start of `value` without its whitespace, at least as long as any of ACTIVE_URL_SCHEMES if `value` is (as a
    browser reads a URL, whose tabs and newlines it drops); only the whole value if its first 256 characters do not
    give enough."""
    start = "".join(value[:256].split())
    return start if len(start) >= _LONGEST_SCHEME or len(value) <= 256 else "".join(value.split())


def script_in(data: bytes, suffix: str) -> list[tuple[int, str]]:
    """(line, what) for every piece of script or active content in an SVG or HTML file, in order; none for a
    file that cannot be parsed (`unreadable` reports it)."""
    return _checked(data, suffix).found


def without_script(data: bytes, suffix: str) -> bytes:
    """The file with everything `script_in` finds taken out.

    An SVG or XML file is always written again as UTF-8 from its tree, its root alone (no DOCTYPE, whose public id
    would have Chromium read HTML's named characters: `_undeclared`), so that what is packaged is what was checked,
    whatever a browser would read differently in the original (an encoding, an entity); an XHTML one (its root
    XHTML's `<html>`) with MEDIA_POLICY in its head (`_with_policy`). An HTML file is always written again, as UTF-8
    that says so in its first `<meta>`: the bytes shipped are the text that was checked, whatever encoding a
    browser would have guessed for the original. Neither keeps a comment or a processing instruction: a browser shows
    none, and a web server may run one (Server Side Includes' `<!--#exec cmd=…-->`, `<?php …?>`; 18-verify20 C8).
    A file that cannot be parsed (`unreadable`) is empty.
    """
    return _checked(data, suffix).cleaned


class _Checked(NamedTuple):
    """What `unreadable`, `script_in` and `without_script` say of one file."""

    broken: tuple[int, str] | None
    found: list[tuple[int, str]]
    cleaned: bytes


#: `_Checked` of each file, by the sha256 of its content and its suffix: the file is parsed once for the check and
#: the package (packaging parsed it again, outside `media_time.PROJECT_MEDIA_SECONDS`: 18-verify9 Y7).
_CHECKED: cache.Store[tuple[bytes, str], _Checked] = cache.Store()


def _checked(data: bytes, suffix: str) -> _Checked:
    """`_Checked` of the file `data` named with `suffix`, worked out once for each content in a build (only for
    SVG, XML and HTML: any other file is packaged as it is, and not kept)."""
    suffix = suffix.lower()
    if suffix not in SVG_TYPES | HTML_TYPES:
        return _Checked(None, [], data)
    return _CHECKED.make(_checked_key(data, suffix), lambda: _check_bounded(data, suffix))


def _checked_key(data: bytes, suffix: str) -> tuple[bytes, str]:
    """What decides `_checked` of the file `data` named with `suffix`: the sha256 of its content, and the suffix."""
    return hashlib.sha256(data).digest(), suffix.lower()


def _check_bounded(data: bytes, suffix: str) -> _Checked:
    """`_check` of the file `data` in a bounded child (`media_time.analysed`: libxml2's HTML parser takes time that
    grows faster than the square of one tag's attributes, which `crowded_tag` may miss), its result sent back as
    data (`checked_data`). A file whose analysis passed a bound is `broken` with `media_time.Overran`'s line, and
    packaged empty."""
    try:
        return _from_data(media_time.analysed(lambda: checked_data(data, suffix), "libxml2"))
    except media_time.Overran as overran:
        return _Checked((1, overran.what), [], b"")


def checked_data(data: bytes, suffix: str) -> bytes:
    """`_check` of the file `data` named with `suffix`, worked out in this process, as data:
    `{"broken": [line, what] or null, "found": [[line, what], …]}` as JSON, a newline, then the cleaned bytes. For a
    bounded child (`_check_bounded`, and the SVG estimate's, `keep_checked`)."""
    checked = _check(data, suffix.lower())
    return json.dumps({"broken": checked.broken, "found": checked.found}).encode() + b"\n" + checked.cleaned


def keep_checked(data: bytes, suffix: str, reply: bytes) -> None:
    """Keep `checked_data` of the file `data` named with `suffix`, worked out in a child that analysed it for
    something else too (the SVG estimate's), as `_checked` would have found it: one child for both."""
    _CHECKED.put(_checked_key(data, suffix), _from_data(reply))


def _from_data(reply: bytes) -> _Checked:
    """The `_Checked` of a file that `checked_data` gave as `reply`."""
    head, _, cleaned = reply.partition(b"\n")
    result = json.loads(head)
    broken = result["broken"]
    return _Checked(None if broken is None else (broken[0], broken[1]),
                    [(line, what) for line, what in result["found"]], cleaned)


def _check(data: bytes, suffix: str) -> _Checked:
    try:
        parsed = _parse(data, suffix)
    except Unreadable as error:
        return _Checked((error.line, error.what), [], b"")
    if parsed is None:
        return _Checked(None, [], data)
    tree, undeclared = parsed
    found = _findings(tree, undeclared)
    cleaned = _cleaned(tree, found, suffix)
    if len(cleaned) > MAX_CLEANED_BYTES:
        return _Checked((1, TOO_LARGE_CLEANED[0]), [], b"")
    return _Checked(None, [(line, what) for _, _, line, what in found], cleaned)


def _cleaned(tree: Any, found: list[tuple[Any, str | None, int, str]], suffix: str) -> bytes:
    """`without_script` of the file named with `suffix`, parsed into `tree`, with what `_findings` `found` in it."""
    xhtml = suffix in SVG_TYPES and tree.getroot().tag == f"{{{XHTML_NAMESPACE}}}html"
    if suffix in SVG_TYPES and tree.docinfo.internalDTD is not None:
        _without_entity_references(tree)
    for element, attribute, _, _ in found:
        if element is None:  # in the prolog, or dropped by the parser: the document is written without it below
            continue
        if attribute is not None:
            del element.attrib[attribute]
        elif element.getparent() is not None:
            element.getparent().remove(element)
        else:  # the root itself: nothing of the document can be kept
            return b""
    # nothing a browser shows: what a web server may run (SSI's `<!--#exec cmd=…-->`, `<?php …?>`; 18-verify20 C8)
    etree.strip_tags(tree.getroot(), etree.Comment, etree.ProcessingInstruction)
    if xhtml:
        _with_policy(tree.getroot())
    if suffix in SVG_TYPES:  # the root alone: no DOCTYPE, no processing instructions around it
        return etree.tostring(tree.getroot(), encoding="utf-8", xml_declaration=True)
    for meta in [meta for meta in tree.getroot().iter("meta") if meta.get("charset") is not None]:
        meta.getparent().remove(meta)
    html: bytes = lxml_html.tostring(tree.getroot(), encoding="utf-8")
    return HTML_PROLOG + html.replace(SSI_START, SSI_START_WRITTEN)


def _without_entity_references(tree: Any) -> None:
    """Write each attribute of the XML document `tree` again with the value it was checked with: libxml2 keeps a
    reference to an entity of the internal subset inside an attribute's value (`href="javascript&c;"`) and writes it
    out so, while it gives that value with the entity's text (`javascript:`); the subset itself is not written
    (`_cleaned`). Only for a document with a DOCTYPE (no other can declare an entity): 1.2 s for 200,000 elements."""
    for element in tree.iter(etree.Element):
        for name, value in element.attrib.items():
            element.set(name, value)


def _with_policy(html: Any) -> None:
    """Put MEDIA_POLICY into the XHTML document whose root is `html` (an `<html>` in the XHTML namespace, which a
    browser renders as HTML whatever the file's name: `.xhtml`, `.xht`, `.xml` or `.svg`), as the first child of its
    first child, a `<head>` (one is added first if that child is anything else): Chromium applies a policy `<meta>`
    only within the document's head, its root's first `<head>` child, and only to what comes after it. An XHTML file
    got no policy, unlike an HTML file (18-verify18 C2). An XML file with any other root has no head to hold one:
    what the cleaner takes out is all that protects it."""
    head = html[0] if len(html) and html[0].tag == f"{{{XHTML_NAMESPACE}}}head" else None
    if head is None:
        head = etree.Element(f"{{{XHTML_NAMESPACE}}}head")
        html.insert(0, head)
    head.insert(0, etree.Element(f"{{{XHTML_NAMESPACE}}}meta",
                                 {"http-equiv": "Content-Security-Policy", "content": MEDIA_POLICY}))
