"""Markdown to safe HTML, and the files and links a piece of Markdown refers to."""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass
from typing import Any

import nh3
from lxml import html as lxml_html

from builder import cache

EXTENSIONS = ["tables", "footnotes", "attr_list", "def_list", "sane_lists", "pymdownx.blocks.admonition"]
#: Caption blocks, loaded only for texts that have one: importing the extension compiles a
#: Unicode-wide regular expression that costs about 0.1 s, a fifth of a whole build.
CAPTION_EXTENSION = "pymdownx.blocks.caption"
CAPTION_BLOCK = re.compile(r"^\s*/{3,} *(?:figure-|table-)?caption\b", re.M)
EXTENSION_CONFIGS: dict[str, dict[str, Any]] = {
    "tables": {"use_align_attribute": True},
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
REMOVED_TAGS = {"script", "style", "iframe", "object", "embed", "form", "input", "button", "textarea",
                "select", "link", "meta", "base", "frame", "frameset"}
URL_ATTRIBUTES = ("href", "src", "poster")
#: One line of plain words and punctuation, which Markdown would only wrap in <p>: converted directly.
PLAIN_TEXT = re.compile(r"[A-Za-z][A-Za-z0-9 ,.;:?!'\"()/%-]*")


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
    references: tuple[Reference, ...]
    removed: tuple[tuple[str, str], ...]  # (what was removed, text to find it by in the source)


def convert(text: str) -> Converted:
    """Convert Markdown to sanitised HTML; results are cached by text."""
    if PLAIN_TEXT.fullmatch(text):
        return Converted(f"<p>{text}</p>", (), ())
    return _convert(text)


_CONVERSIONS: cache.Store[str, Converted] = cache.Store("markdown")


def remember(text: str, converted: Converted) -> None:
    """Keep a conversion made elsewhere (in another process) for this build."""
    _CONVERSIONS.put(text, converted)


def _convert(text: str) -> Converted:
    converted = _CONVERSIONS.get(text)
    if converted is None:
        converted = _convert_uncached(text)
        _CONVERSIONS.put(text, converted)
    return converted


def _convert_uncached(text: str) -> Converted:
    raw_html = _markdown(bool(CAPTION_BLOCK.search(text))).reset().convert(text)
    if not raw_html.strip():
        return Converted("", (), ())
    references, removed = _inspect(raw_html)
    safe = nh3.clean(raw_html, tags=ALLOWED_TAGS, attributes=ALLOWED_ATTRIBUTES, link_rel=None,
                     clean_content_tags={"script", "style"})
    return Converted(safe, references, removed)


@functools.cache
def _markdown(captions: bool) -> Any:
    import markdown  # only when a text is not in the cache: importing it costs a fifth of a small build

    extensions = [*EXTENSIONS, CAPTION_EXTENSION] if captions else EXTENSIONS
    return markdown.Markdown(extensions=extensions, extension_configs=EXTENSION_CONFIGS)


def _inspect(raw_html: str) -> tuple[tuple[Reference, ...], tuple[tuple[str, str], ...]]:
    references: list[Reference] = []
    removed: list[tuple[str, str]] = []
    for element in lxml_html.fragment_fromstring(raw_html, create_parent="div").iter():
        if not isinstance(element.tag, str):
            continue
        if element.tag in REMOVED_TAGS:
            removed.append((f"<{element.tag}> element", f"<{element.tag}"))
            continue
        for name, value in element.attrib.items():
            if name.lower().startswith("on"):
                removed.append((f"event-handler attribute `{name}`", name))
            elif name in URL_ATTRIBUTES:
                if value.strip().lower().startswith(("javascript:", "vbscript:", "data:text")):
                    removed.append((f"`{value.split(':')[0]}:` URL", value.split(":")[0] + ":"))
                else:
                    alt = element.get("alt") if element.tag == "img" else None
                    references.append(Reference(element.tag, name, value, alt))
    return tuple(references), tuple(removed)
