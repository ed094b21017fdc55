"""Templates and static assets: the built-in set, overridden file by file by the project's own."""

from __future__ import annotations

import functools
import hashlib
import importlib.util
import os
import re
import stat
import string
import time
import unicodedata
from dataclasses import dataclass, field
from importlib import resources
from importlib.abc import InspectLoader
from pathlib import Path
from types import CodeType
from typing import Any, Callable, Iterator, Mapping, MutableMapping, Optional, cast

import jinja2
from jinja2 import filters as jinja_filters
from jinja2.compiler import CodeGenerator, Frame
from jinja2.environment import TemplateModule
from jinja2.exceptions import SecurityError
from jinja2.nodes import Concat, For, Getitem, Node, Slice
from jinja2.runtime import BlockReference, Context, Macro
from jinja2.sandbox import ImmutableSandboxedEnvironment
from jinja2.utils import Namespace
from markupsafe import Markup, soft_str
from pydantic import BaseModel

from builder import bounded, cache, compiled_templates
from builder.active_content import SCRIPT_TYPES
from builder.errors import CoursebuildError, Problem
from builder.media import RASTER_PICTURE_TYPES, OnDisk, real_path, unfollowed_link
from builder.sources import A_FOLDER

STATIC_DIR = "static"
#: The project's own template deck in its templates folder, which `slides` and `kit` use for the built-in look.
DECK = "slides.pptx"
#: The most entries (files and folders, counted together) a templates folder may hold (`folder_listing`): the built-in
#: one holds 27; a JavaScript library copied whole into static/ may hold a few thousand. Each static file costs `check`
#: and `build` about 0.35 ms of processor time (10,000 empty ones: 3.6 s each, against 0.6 s; 100,000 took `build`
#: 82 s of wall-clock time: issue 18, twentieth verification, A8).
MAX_TEMPLATE_ENTRIES = 10_000
#: The largest template or static file read from a templates folder (a 16 MB file is a mistake, or an attack).
MAX_TEMPLATE_BYTES = 16 * 1024 * 1024
#: The longest string or list a template may make (with `*`, `+`, `~`, a filter or a string method), and
#: the largest exponent of `**`.
MAX_TEMPLATE_PRODUCT, MAX_EXPONENT = 1_000_000, 64
#: The widest field a template may pad to: `center(80)` is fine, `"%01000000000d"|format(1)` is not.
MAX_FORMAT_WIDTH = 10_000
#: The most bytes (UTF-8) one template may render, its output read piece by piece: a loop of long texts
#: (`"😀" * 1000000` 127 times) would otherwise make gigabytes, in memory and on disk, for every page. A page
#: of this course is at most 120 KB.
MAX_RENDERED_BYTES = 16 * 1024 * 1024
#: The most bytes all the templates of one build may render together (counted afresh at each build's start):
#: many pages just under MAX_RENDERED_BYTES stop here. A course of 5,000 pages renders about 100 MB.
MAX_BUILD_RENDERED_BYTES = 256 * 1024 * 1024
#: The most bytes (UTF-8) one template's rendering may capture in all (set blocks, macro and `caller()` bodies,
#: filter blocks, each bounded by MAX_RENDERED_BYTES too): a recursive macro holds a buffer at every level.
MAX_CAPTURED_BYTES = 4 * MAX_RENDERED_BYTES
#: The most one rendering of a template may make, in bytes: every text its operators, filters and calls make
#: (`~`, `+`, `*`, `%`, `join`, `format`, `replace`, `s.upper()`…) counts its UTF-8 bytes, every list, tuple or
#: dict they make 8 bytes an item (a dict entry 24), and every set of a `namespace` attribute 64 bytes plus the
#: items of its value. What a template keeps in a namespace is never rendered nor captured: 1,500 texts of 1 MB
#: kept in a namespace's list took 1.5 GB. A page of this course makes at most 1 MB (see docs/security.md).
MAX_MADE_BYTES = 4 * MAX_RENDERED_BYTES
#: The most times one rendering of a template may go round its loops, all together (`_Sandbox.iterated`): loops
#: inside loops (`range(100000)` in `range(100000)`) make nothing to count, yet ran for hours (issue 18,
#: 18-verify16). The largest rendering of this course takes 473 steps (page.html, for its largest page).
MAX_LOOP_STEPS = 1_000_000
#: The most processor time (of the thread that renders) one rendering of a template may take, in seconds: what
#: counting cannot see, such as a macro that calls itself twice (2^40 calls rendering nothing), a recursive loop's
#: `loop(…)`, or a filter that works through a long list at each step, all ran `check` for hours (18-verify17
#: G1–G3). A page of this course renders in a few milliseconds. Looked at every _TICKS_PER_LOOK loop steps,
#: calls and filters (`_Sandbox.tick`); each of these is bounded by the other limits.
MAX_RENDER_SECONDS = 5.0
_TICKS_PER_LOOK = 16
#: The largest number a template may make by `*` or `**`, in bits (about 30,000 decimal digits).
MAX_NUMBER_BITS = 100_000
#: The most values a list or dict shown by a template may hold, counting nested ones each time they appear
#: (a list of itself twice, 30 times over, stands for a billion values).
MAX_SHOWN_VALUES = 1_000_000
#: A %-style field: its width and precision (`*` takes them from the arguments).
_PERCENT_FIELD = re.compile(r"%(?:\([^)]*\))?[#0 +-]*(\*|[0-9]+)?(?:\.(\*|[0-9]*))?")
FIX = "fix the template, or delete your copy to use the built-in one"
#: The fix of a bound a built-in template passed (`BuiltInBound`), where the caller does not know the author's line.
BUILT_IN_FIX = "the course's content made one of coursebuild's built-in templates too large: make it shorter"
#: Languages written right to left (primary subtags), and scripts that are, for tags such as `ks-Arab`.
#: (Languages whose likely script in CLDR's likelySubtags is Arabic, Hebrew, Thaana, Syriac or N'Ko.)
RTL_LANGUAGES = frozenset({"ar", "arc", "azb", "bal", "bgn", "bqi", "brh", "ckb", "dv", "fa", "glk", "he", "iw", "ji",
                           "khw", "ks", "lki", "lrc", "luz", "mzn", "nqo", "pnb", "prs", "ps", "sd", "sdh", "skr",
                           "syr", "ug", "ur", "yi"})
RTL_SCRIPTS = frozenset({"arab", "hebr", "thaa", "syrc", "nkoo", "adlm", "rohg", "samr", "mand", "mend", "yezi"})


class TemplateProblem(CoursebuildError):
    """A template could not be read or rendered."""


class BuiltInBound(TemplateProblem):
    """A built-in template passed one of the bounds of what a rendering may do (render, make, capture, loop, take;
    `SecurityError`): the course's content made it so, as a built-in template writes nothing unbounded of its own
    (issue 18, 18-verify18 C8). `reason` is the bound's own words, for a caller that knows which author's line
    filled the template to say where; the message, for one that does not, is the template's line."""

    def __init__(self, message: str, reason: str) -> None:
        super().__init__(message, reason)  # both in `args`, so that it comes back whole from a pool worker
        self.reason = reason

    def __str__(self) -> str:
        return str(self.args[0])


def inside_templates(folder: Path, path: Path) -> Optional[Path]:
    """The real location of `path` (symlinks followed) if it is a regular file inside `folder` that this process may
    read; else None (`_unusable` says why)."""
    real = _inside(folder, path)
    return real if real is not None and os.access(real, os.R_OK) else None


def _inside(folder: Path, path: Path) -> Optional[Path]:
    """The real location of `path` (symlinks followed) if it is a regular file inside `folder`, readable or not;
    else None."""
    real = _real_regular(path)
    return real if real is not None and real.is_relative_to(real_path(folder)) else None


def _real_regular(path: Path) -> Optional[Path]:
    """The real location of `path` (symlinks followed) if it is a regular file there; else None."""
    try:
        real = real_path(path, strict=True)
        return real if stat.S_ISREG(real.stat().st_mode) else None
    except OSError:  # missing, in a folder that may not be searched, or a symlink loop
        return None


def _permission_denied(folder: Path, path: Path) -> bool:
    """Whether `path` would be a usable file of `folder` but that this process may not read it: the file has no read
    permission, or a folder on its way no search (`x`) permission (listed, its files cannot be opened)."""
    try:
        real_path(path, strict=True)
    except PermissionError:
        return True
    except OSError:
        return False
    real = _inside(folder, path)
    return real is not None and not os.access(real, os.R_OK)


def _read_limited(path: Path, shown: str) -> bytes:
    """The bytes of a regular file of a templates folder; TemplateProblem if it is too large, or cannot be read (its
    permissions changed since it was listed: one line, never an OSError in a template's place)."""
    try:
        _refuse_large(path, shown)
        return path.read_bytes()
    except OSError as error:
        raise _unreadable(shown, error) from None


def _unreadable(shown: str, error: OSError) -> TemplateProblem:
    """The line for a file of a templates folder that could not be read, though it was listed as readable (its
    permissions changed since)."""
    return TemplateProblem(f"{shown}:1: the file cannot be read ({error.strerror or type(error).__name__}) "
                           f"({_READ_PERMISSION})")


def _refuse_large(path: Path, shown: str) -> None:
    """Raise TemplateProblem if the file of a templates folder at `path` has more than MAX_TEMPLATE_BYTES (by its
    size: it is not opened)."""
    if path.stat().st_size > MAX_TEMPLATE_BYTES:
        raise TemplateProblem(f"{shown}: the file is larger than {MAX_TEMPLATE_BYTES // 2**20} MB ({FIX})")


def _on_disk(path: Path, shown: str) -> OnDisk:
    """A static file of a templates folder, at its real location `path`, as `media.OnDisk`; TemplateProblem if it is
    too large (MAX_TEMPLATE_BYTES, by its size before it is read), no longer a regular file or cannot be read."""
    try:
        _refuse_large(path, shown)
        on_disk = OnDisk.of(shown, path, MAX_TEMPLATE_BYTES)
    except OSError as error:
        raise _unreadable(shown, error) from None
    if on_disk is None:
        raise TemplateProblem(f"{shown}: changed while it was read: it is no longer a regular file, or is larger "
                              f"than {MAX_TEMPLATE_BYTES // 2**20} MB (build again once nothing writes to it)")
    return on_disk


class _NotATemplateName(jinja2.TemplateError):
    """An include, import or extends names no template (`/etc/passwd`, `../course/course.yaml`): reported at
    the line of the template that names it."""

    fix = ("include templates by their name in templates/, such as `head.html`; absolute paths and `..` are "
           "not allowed")


class _FolderLoader(jinja2.BaseLoader):
    """Templates by name from the project's `templates/`, then the built-in ones, and from nowhere else.

    A name is a relative path of plain parts (`kit/cards.html`): absolute paths, `..` and
    backslashes are refused, and so is a file that is not a regular file inside its folder
    (a symlink to `/etc/passwd`, a FIFO, a device). A folder's file is opened only if its listing found it
    (`folder_listing`, made once with the `Theme`): what decides that the project has templates of its own
    (`overrides_templates`, so that they are compiled and rendered in a bounded child) is the same listing, and
    a file in a folder that cannot be listed, which `open` by name would still reach, is never opened (issue 18,
    twentieth verification, A6).
    """

    def __init__(self, listed: tuple[tuple[Path, frozenset[str]], ...], precompiled: Optional[Path] = None):
        #: Each folder, and the names of the files its listing found (`folder_listing`): the only ones it opens.
        self.listed = listed
        #: The folder whose templates may come compiled ahead (the built-in one; see `load`).
        self.precompiled = precompiled

    def get_source(self, environment: jinja2.Environment,
                   template: str) -> tuple[str, str, Callable[[], bool]]:
        source, filename, uptodate, _ = self._source(template)
        return source, filename, uptodate

    def load(self, environment: jinja2.Environment, name: str,
             globals: Optional[MutableMapping[str, Any]] = None) -> jinja2.Template:
        """The template `name`, as Jinja's own loaders make it, but a built-in template whose module compiled
        ahead matches it (`_precompiled_code`) is not compiled again. A project's own templates are always
        compiled from their text, in the sandbox."""
        bounded.note(f"compiling {name}")
        source, filename, uptodate, folder = self._source(name)
        code = _precompiled_code(environment, name, source) if folder == self.precompiled else None
        if code is None:
            code = environment.compile(source, name, filename)
        else:  # the template's file, not the module's, in tracebacks (`_where`, `_template_fix`)
            code = code.replace(co_filename=filename)
        return environment.template_class.from_code(environment, code, {} if globals is None else globals, uptodate)

    def _source(self, template: str) -> tuple[str, str, Callable[[], bool], Path]:
        """`get_source`'s (text, file, uptodate), and the folder the template was found in."""
        parts = template.split("/")
        if "\\" in template or any(part in ("", ".", "..") for part in parts):
            raise _NotATemplateName(f"`{template}` is not a template name")
        found = self._find(parts)
        if found is None:
            raise jinja2.TemplateNotFound(template)
        folder, path = found
        real = inside_templates(folder, path) if self._listed(folder, template) else None
        if real is None:
            unusable = _unusable(folder, path) if self._listed(folder, template) else None
            shown, what, fix = unusable or (f"templates/{template}", *_NOT_REGULAR)
            raise TemplateProblem(f"{shown}:1: {what} ({fix})")
        try:
            source = _read_limited(real, f"templates/{template}").decode("utf-8")
        except UnicodeDecodeError as exc:
            raise TemplateProblem(f"templates/{template}: the file is not UTF-8 text (byte "
                                  f"0x{exc.object[exc.start]:02x}) (save it with UTF-8 encoding)") from None
        return source, str(path), functools.partial(self._unchanged, folder, path, real, source), folder

    def _find(self, parts: list[str]) -> Optional[tuple[Path, Path]]:
        """The first of the folders whose listing has the template, or has something there behind a link on its way
        (which `_source` refuses), and its path there; None if none has it."""
        for folder, names in self.listed:
            path = folder.joinpath(*parts)
            if "/".join(parts) in names or (any("/".join(parts[:count]) in names for count in range(1, len(parts)))
                                            and os.path.lexists(path)):
                return folder, path
        return None

    def _listed(self, folder: Path, name: str) -> bool:
        return name in dict(self.listed)[folder]

    @staticmethod
    def _unchanged(folder: Path, path: Path, real: Path, source: str) -> bool:
        """Whether the template at `path` of `folder` is still the file `real`, with the same text (Jinja's
        `uptodate`).

        By content, not modification time: two saves within the file system's clock tick (a few ms) have
        the same time, and `preview` keeps compiled templates from one build to the next. A project's new copy of
        a built-in template is a new listing, so a new environment (`Theme.environment`).
        """
        if inside_templates(folder, path) != real:
            return False
        try:
            return real.read_bytes() == source.encode("utf-8")
        except OSError:
            return False


def _too_long(length: int) -> None:
    if length > MAX_TEMPLATE_PRODUCT:
        raise SecurityError(f"a template may not make a text or list longer than {MAX_TEMPLATE_PRODUCT:,}")


def _too_wide(width: object) -> None:
    if isinstance(width, int) and width > MAX_FORMAT_WIDTH:
        raise SecurityError(f"a template may not pad a text wider than {MAX_FORMAT_WIDTH:,}")


def _text_length(value: object) -> int:
    """The most characters a `%` or `format` field can show of `value`, counted without making its text: a text's
    length, a number's digits, a list's, tuple's or dict's items (keys too, nested ones each time they appear) and 4
    characters of punctuation each; other values 0. Counting stops past MAX_TEMPLATE_PRODUCT. A dict's values
    counted 0, so `"%(a)s" * 2000 % {"a": "x" * 1000000}` took 2 GB before the bytes made were counted (18-verify18
    A4)."""
    stack, length = [value], 0
    while stack and length <= MAX_TEMPLATE_PRODUCT:
        item = stack.pop()
        if isinstance(item, str):
            length += len(item)
        elif isinstance(item, int):
            length += item.bit_length() * 3 // 10 + 2
        elif isinstance(item, (list, tuple, dict)):
            length += 4 * len(item)
            stack.extend(item.items() if isinstance(item, dict) else item)
    return length


def _check_percent_format(template: str, values: object) -> None:
    """Refuse `template % values` if it pads wider than MAX_FORMAT_WIDTH or makes too long a text."""
    fields = 0
    for match in _PERCENT_FIELD.finditer(template):
        fields += 1
        for number in match.groups():
            if number == "*":
                raise SecurityError("a template may not take a field's width from its values (`*`)")
            _too_wide(int(number) if number else 0)
    items = values if isinstance(values, tuple) else (values,)
    _too_long(len(template) + fields * max((_text_length(item) for item in items), default=0))


def _check_brace_format(template: str, args: tuple[Any, ...], kwargs: dict[str, Any]) -> None:
    """Refuse `template.format(...)` if it pads wider than MAX_FORMAT_WIDTH or makes too long a text."""
    fields = 0
    for _, name, spec, _ in string.Formatter().parse(template):
        if name is None:
            continue
        fields += 1
        if "{" in (spec or ""):
            raise SecurityError("a template may not take a field's width from its values (`{:{}}`)")
        for number in re.findall(r"[0-9]+", spec or ""):
            _too_wide(int(number))
    longest = max((_text_length(value) for value in (*args, *kwargs.values())), default=0)
    _too_long(len(template) + fields * longest)


def _replaced_length(text: str, old: str, new: str, count: int = -1) -> int:
    found = text.count(old) if old else len(text) + 1
    if count is not None and count >= 0:
        found = min(found, count)
    return len(text) + found * (len(new) - len(old))


def _not_too_many(value: Any) -> None:
    """Refuse to show a list, tuple or dict that holds more than MAX_SHOWN_VALUES values, nested ones counted
    each time they appear; stops counting there, so a list of itself twice, 30 times over, is quick."""
    stack, seen = [value], 0
    while stack:
        item = stack.pop()
        seen += 1
        if seen > MAX_SHOWN_VALUES:
            raise SecurityError(f"a template may not show a list or dict of more than {MAX_SHOWN_VALUES:,} values")
        if isinstance(item, (list, tuple, set, frozenset)):
            stack.extend(item)
        elif isinstance(item, dict):
            stack.extend(item.keys())
            stack.extend(item.values())


def _joined_length(items: Any, separator: str) -> int:
    """The most characters `separator.join(map(str, items))` can be, counted without making the texts of texts,
    numbers, lists, tuples and dicts (`_text_length`: `str()` of a list that holds itself twice, 40 times over, ran
    for ever, 18-verify18 A1)."""
    values = list(items)
    return (sum(_text_length(value) if isinstance(value, (str, int, list, tuple, dict)) else len(str(value))
                for value in values) + len(separator) * max(0, len(values) - 1))


def _bounded_filters() -> dict[str, Callable[..., Any]]:
    """Jinja's filters that can make a large text or list from a small one, with their results bounded."""

    def center(value: Any, width: int = 80) -> str:
        _too_wide(width)
        return jinja_filters.do_center(value, width)

    def indent(text: str, width: int | str = 4, first: bool = False, blank: bool = False) -> str:
        _too_wide(width if isinstance(width, int) else len(width))
        _too_long(len(str(text)) + (str(text).count("\n") + 1) * (width if isinstance(width, int) else len(width)))
        return jinja_filters.do_indent(text, width, first, blank)

    def format_(value: str, *args: Any, **kwargs: Any) -> str:
        _check_percent_format(str(value), kwargs or args)
        return jinja_filters.do_format(value, *args, **kwargs)

    @jinja2.pass_eval_context
    def replace(context: Any, text: str, old: str, new: str, count: int | None = None) -> str:
        _too_long(_replaced_length(str(text), str(old), str(new), -1 if count is None else count))
        return jinja_filters.do_replace(context, text, old, new, count)

    @jinja2.pass_eval_context
    def join(context: Any, value: Any, separator: str = "", attribute: Any = None) -> str:
        # an attribute's values are taken first, and counted as any others (18-verify18 A4: `join(attribute=0)` of
        # 3,000 lists of a 1 MB text was not counted, and took 3 GB)
        getter = jinja_filters.make_attrgetter(context.environment, attribute) if attribute is not None else None
        items = [getter(item) for item in value] if getter else list(value)
        _too_long(_joined_length(items, str(separator)))
        return jinja_filters.sync_do_join(context, items, separator)

    def slice_(value: Any, slices: int, fill_with: Any = None) -> Any:
        _too_long(slices)
        return jinja_filters.do_slice(value, slices, fill_with)

    @jinja2.pass_environment
    def wordwrap(environment: Any, text: str, width: int = 79, *args: Any, **kwargs: Any) -> str:
        # textwrap takes time quadratic in the length of a long word, over the width
        if not isinstance(width, int) or width < 10 or len(str(text)) > 100_000:
            raise SecurityError("a template may wrap only texts up to 100,000 characters, 10 or more wide")
        # each line break is `wrapstring`: at most twice a line for each `width` characters (18-verify18 A4)
        wrapstring = args[1] if len(args) > 1 else kwargs.get("wrapstring")
        _too_long(len(str(text)) + (2 * len(str(text)) // width + 1) * len(str(wrapstring or "")))
        return jinja_filters.do_wordwrap(environment, text, width, *args, **kwargs)

    @jinja2.pass_eval_context
    def tojson(context: Any, value: Any, indent: int | None = None) -> Markup:
        if indent is not None and (not isinstance(indent, int) or indent > 16):
            raise SecurityError("a template may not indent JSON by more than 16")
        _not_too_many(value)
        return jinja_filters.do_tojson(context, value, indent)

    @jinja2.pass_environment
    def sum_(environment: Any, iterable: Any, attribute: Any = None, start: Any = 0) -> Any:
        if not isinstance(start, (int, float)) or isinstance(start, bool):  # lists and texts add up quadratically
            raise SecurityError("a template may add up only numbers with `sum`")
        return jinja_filters.sync_do_sum(environment, iterable, attribute, start)

    def string_(value: Any) -> str:
        _not_too_many(value)
        return str(soft_str(value))

    def pprint(value: Any) -> str:
        _not_too_many(value)
        return jinja_filters.do_pprint(value)

    def batch(value: Any, linecount: int, fill_with: Any = None) -> Any:
        _too_long(linecount)
        return jinja_filters.do_batch(value, linecount, fill_with)

    return {"center": center, "indent": indent, "format": format_, "replace": replace, "join": join,
            "slice": slice_, "batch": batch, "wordwrap": wordwrap, "tojson": tojson, "sum": sum_,
            "string": string_, "pprint": pprint}


#: String methods a template may call whose result can be much longer than the string: their checks.
_STRING_METHODS: dict[str, Callable[..., None]] = {
    "center": lambda text, width, *rest: _too_wide(width),
    "ljust": lambda text, width, *rest: _too_wide(width),
    "rjust": lambda text, width, *rest: _too_wide(width),
    "zfill": lambda text, width: _too_wide(width),
    "expandtabs": lambda text, size=8: _too_long(len(text) + text.count("\t") * size),
    "replace": lambda text, old, new, count=-1: _too_long(_replaced_length(text, old, new, count)),
    "join": lambda text, items: _too_long(_joined_length(items, text)),
    "translate": lambda text, table: _refuse("`translate`"),
    "encode": lambda text, *rest, **options: _refuse("`encode` (bytes)"),
}


def _refuse(what: str) -> None:
    raise SecurityError(f"{what} is not available in templates")


def _utf8_length(piece: object) -> int:
    if not isinstance(piece, str):
        return 0
    return len(piece) if piece.isascii() else len(piece.encode("utf-8", "surrogatepass"))


def _made_size(value: object, texts_inside: bool = False) -> int:
    """What a value a template made counts towards MAX_MADE_BYTES: a text its UTF-8 bytes, a list or tuple 8 bytes
    an item, a dict 24 bytes an entry, a namespace 64 bytes, and the lists, tuples and dicts inside them the same
    again (`batch`, `slice` and `groupby` make lists of lists, which counted 96 bytes for 3.6 MB: 18-verify17 G4; a
    list held twice counts twice); anything else (a number, a generator) nothing. With `texts_inside` (what a call
    or filter gives, which may hold texts it made: `s.split()`, `map("string")|list`), each text in a list or tuple
    counts too, with the 49 bytes Python keeps beside a text's characters. Counted without recursion, and only up
    to just past MAX_MADE_BYTES (a value that large is refused whatever the rest)."""
    if isinstance(value, str):
        return _utf8_length(value)
    if isinstance(value, Namespace):
        return 64
    size, pending = 0, [value]
    while pending and size <= MAX_MADE_BYTES:
        held = pending.pop()
        if isinstance(held, dict):
            size += 24 * len(held)
            pending.extend(item for item in held.values() if isinstance(item, (list, tuple, dict)))
        elif isinstance(held, (list, tuple)):
            size += 8 * len(held)
            if texts_inside:
                size += sum(49 + _utf8_length(item) for item in held if isinstance(item, str))
            pending.extend(item for item in held if isinstance(item, (list, tuple, dict)))
    return size


class _Namespace(Namespace):
    """A template's `namespace()`, whose attribute sets (`{% set ns.l = ns.l + [x] %}`) count towards what the
    rendering made (MAX_MADE_BYTES): 64 bytes each, and the value's own size again."""

    def __init__(self, owner: _Sandbox, /, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._owner = owner

    def __setitem__(self, name: str, value: Any) -> None:
        owner: _Sandbox = object.__getattribute__(self, "_owner")
        owner.made(value, 64)
        super().__setitem__(name, value)


def _counted(owner: _Sandbox, function: Callable[..., Any]) -> Callable[..., Any]:
    """A filter whose results count towards what the rendering made (MAX_MADE_BYTES); Jinja's marks kept."""

    @functools.wraps(function)
    def counted(*args: Any, **kwargs: Any) -> Any:
        owner.tick()
        return owner.made(function(*args, **kwargs), texts_inside=True)

    return counted


def _too_much_rendered() -> None:
    raise SecurityError(f"a template may not render more than {MAX_RENDERED_BYTES // 2**20} MB")


class _Captured(list[Any]):
    """The buffer of text a template captures without rendering it (a `{% set %}…{% endset %}` block, a
    macro's or `caller()`'s body, a `{% filter %}` block), its length counted as it grows: refused past
    MAX_RENDERED_BYTES of UTF-8, like rendered text (joining 1,500 copies of a 1 MB text would take 1.5 GB)."""

    __slots__ = ("length", "owner")

    def __init__(self, owner: _Sandbox) -> None:
        super().__init__()
        self.length, self.owner = 0, owner

    def append(self, piece: Any) -> None:
        length = _utf8_length(piece)
        self.length += length
        self.owner.captured_bytes += length
        if self.length > MAX_RENDERED_BYTES:
            _too_much_rendered()
        if self.owner.captured_bytes > MAX_CAPTURED_BYTES:
            raise SecurityError(f"a template may not capture more than {MAX_CAPTURED_BYTES // 2**20} MB of text "
                                "in all (in set blocks, macros and filter blocks)")
        super().append(piece)

    def extend(self, pieces: Any) -> None:
        for piece in pieces:
            self.append(piece)


class _CodeGenerator(CodeGenerator):
    """Jinja's code generator, with `a ~ b` made through the environment so that its length is bounded, slices
    through `environment.getitem` so that what they make is counted, the buffers of captured text counted
    (`_Captured`), and every loop's steps counted (`_Sandbox.iterated`)."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        #: The iterables of the `{% for %}` loops written so far, which `visit` wraps in `environment.iterated(…)`
        #: (Jinja allows no node types of one's own; a recursive loop's iterable is written after its body).
        self.loop_iterables: set[int] = set()  # by id: each node stays in the tree while it is compiled

    def visit_For(self, node: For, frame: Frame) -> None:
        self.loop_iterables.add(id(node.iter))
        super().visit_For(node, frame)

    def visit(self, node: Node, *args: Any, **kwargs: Any) -> Any:
        if id(node) not in self.loop_iterables:
            return super().visit(node, *args, **kwargs)
        self.write("environment.iterated(")
        super().visit(node, *args, **kwargs)
        self.write(")")
        return None

    def buffer(self, frame: Frame) -> None:
        frame.buffer = self.temporary_identifier()
        self.writeline(f"{frame.buffer} = environment.captured()")

    def visit_Concat(self, node: Concat, frame: Frame) -> None:
        self.write("environment.concatenate(")
        super().visit_Concat(node, frame)
        self.write(")")

    def visit_Getitem(self, node: Getitem, frame: Frame) -> None:
        """A slice, `s[i:j:k]`, through `environment.getitem` like any other subscript (Jinja writes it as Python's
        own slice, which the sandbox never sees), so that what it makes is counted."""
        if not isinstance(node.arg, Slice):
            super().visit_Getitem(node, frame)
            return
        self.write("environment.getitem(")
        self.visit(node.node, frame)
        self.write(", slice(")
        for index, part in enumerate((node.arg.start, node.arg.stop, node.arg.step)):
            self.write(", " if index else "")
            if part is None:
                self.write("None")
            else:
                self.visit(part, frame)
        self.write("))")


@functools.cache
def _plain_fields(kind: type) -> frozenset[str]:
    """The fields of a dataclass that a template may read without the sandbox's checks (not `_private`); none for
    any other type. Once per type: templates read fields 12,000 times a build of this course."""
    fields = getattr(kind, "__dataclass_fields__", None) or {}
    return frozenset(name for name in fields if not name.startswith("_"))


class _Template(jinja2.Template):
    """A template whose module, what `{% import %}` and `{% from … import %}` give the importing template, is made
    once per rendering (`_Sandbox.modules`), not once for the environment's life: a `namespace` in a module kept
    from one rendering to the next let `report.md`, which `check` renders first, change what `page.html` rendered
    (`check` passed what `build` failed on), and in `preview` what one build's pages rendered changed the next
    build's (issue 18, 18-verify18 A6)."""

    def _get_default_module(self, ctx: Optional[Context] = None) -> TemplateModule:
        """Jinja's module of this template for an import without context: made afresh when the importing context
        has globals this template lacks (as Jinja does), else the one made earlier in this rendering, if any."""
        if ctx is not None and ctx.globals_keys - self.globals.keys():
            return super()._get_default_module(ctx)
        modules = cast(_Sandbox, self.environment).modules
        if self not in modules:
            modules[self] = self.make_module()
        return modules[self]


#: Whether a template escapes HTML, by its name: all but Markdown templates (Jinja's `select_autoescape`).
AUTOESCAPE = jinja2.select_autoescape(enabled_extensions=(), disabled_extensions=("md",), default_for_string=True,
                                      default=True)


class _Sandbox(ImmutableSandboxedEnvironment):
    """Jinja2's sandbox: no access to Python internals, no changing lists and dicts in place (`l.extend(l)`
    in a loop doubles a list each time), and a bound on every text or list a template makes."""

    intercepted_binops = frozenset({"*", "**", "+", "%"})
    code_generator_class = _CodeGenerator
    template_class = _Template

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        #: The modules of the templates imported so far in the rendering under way (`_Template`), by template.
        self.modules: dict[jinja2.Template, TemplateModule] = {}

    def _compile(self, source: str, filename: str) -> CodeType:
        """Python's compile of a template's code; a MemoryError out of it (CPython's parser, past its depth of
        about 6,000, says no more: 10,000 `{% elif %}` of one `{% if %}`, 170 KB) is a syntax error."""
        try:
            code: CodeType = super()._compile(source, filename)
        except MemoryError:
            raise jinja2.TemplateSyntaxError("Python cannot compile the template: it nests its blocks too deeply "
                                             "(fewer `elif`s, nested blocks or macros) or is too large", 1) from None
        return code

    def concatenate(self, parts: Any) -> Any:
        """`a ~ b`, as Jinja joined it; refused if longer than MAX_TEMPLATE_PRODUCT (so a loop that doubles
        a text stops before it is twice that long)."""
        _too_long(len(parts))
        return self.made(parts)

    #: What the template being rendered made so far, in bytes as `_made_size` counts them (MAX_MADE_BYTES).
    made_bytes = 0

    def made(self, value: Any, extra: int = 0, texts_inside: bool = False) -> Any:
        """`value`, counted (with `extra` bytes) towards what the rendering made; refused past MAX_MADE_BYTES."""
        self.made_bytes += _made_size(value, texts_inside) + extra
        if self.made_bytes > MAX_MADE_BYTES:
            raise SecurityError(f"a template may not make more than {MAX_MADE_BYTES // 2**20} MB of text, lists and "
                                "namespace values in one rendering (what it keeps in variables counts too)")
        return value

    def namespace(self, *args: Any, **kwargs: Any) -> Namespace:
        """A template's `namespace(...)`, its attribute sets counted (see `_Namespace`)."""
        return _Namespace(self, *args, **kwargs)

    def count_filters(self) -> None:
        """Make every filter's result count towards what the rendering made (MAX_MADE_BYTES)."""
        self.filters = {name: _counted(self, function) for name, function in self.filters.items()}

    #: What the template being rendered captured so far, in UTF-8 bytes (bounded by MAX_CAPTURED_BYTES).
    captured_bytes = 0
    #: How many times the template being rendered went round its loops so far (bounded by MAX_LOOP_STEPS).
    loop_steps = 0

    #: When, by `time.thread_time`, the template being rendered passes MAX_RENDER_SECONDS; and how many loop steps,
    #: calls and filters it took since the clock was last looked at.
    deadline = float("inf")
    ticks = 0

    def start_rendering(self) -> None:
        """Count afresh for a new rendering: what it makes, captures, loops and spends (the bounds above); and
        import templates afresh (`_Template`): nothing an earlier rendering made is seen by this one."""
        self.captured_bytes = self.made_bytes = self.loop_steps = self.ticks = 0
        self.modules = {}
        self.deadline = time.thread_time() + MAX_RENDER_SECONDS

    def tick(self) -> None:
        """One loop step, call or filter of the template being rendered: refused once it has taken more than
        MAX_RENDER_SECONDS of processor time (looked at every _TICKS_PER_LOOK)."""
        self.ticks += 1
        if self.ticks % _TICKS_PER_LOOK == 0 and time.thread_time() > self.deadline:
            raise SecurityError(f"a template may not take more than {MAX_RENDER_SECONDS:g} s of processor time in "
                                "one rendering (a macro that calls itself, or loops and filters over long lists)")

    def iterated(self, iterable: Any) -> Iterator[Any]:
        """The items of a `{% for %}` loop's `iterable`, each counted towards MAX_LOOP_STEPS (all the loops of one
        rendering together)."""
        for item in iterable:
            self.tick()
            self.loop_steps += 1
            if self.loop_steps > MAX_LOOP_STEPS:
                raise SecurityError(f"a template may not go round its loops more than {MAX_LOOP_STEPS:,} times in "
                                    "one rendering (all loops together: a loop inside a loop counts each inner step)")
            yield item

    def captured(self) -> _Captured:
        """A new buffer for captured text (see `_Captured`)."""
        return _Captured(self)

    def concat(self, pieces: Any) -> str:
        """Jinja's join of captured text (and of a block called as `self.name()`), refused past
        MAX_RENDERED_BYTES of UTF-8; a piece that is not text (a `{% filter %}` block's filter gave a number)
        is an error."""
        if not isinstance(pieces, _Captured):
            counted = _Captured(self)
            counted.extend(pieces)
            pieces = counted
        for piece in pieces:
            if not isinstance(piece, str):
                raise SecurityError(f"a template may only render text, not {type(piece).__name__}")
        return "".join(pieces)

    def wrap_str_format(self, value: Any) -> Optional[Callable[..., str]]:
        """`text.format(...)` with its field widths and result bounded (see `_check_brace_format`)."""
        wrapped = super().wrap_str_format(value)
        if wrapped is None:
            return None
        template = str(value.__self__)

        def checked(*args: Any, **kwargs: Any) -> str:
            mapping = args[0] if value.__name__ == "format_map" and args else kwargs
            _check_brace_format(template, args if value.__name__ == "format" else (), dict(mapping))
            return wrapped(*args, **kwargs)

        return checked

    def call(__self, __context: Any, __obj: Any, *args: Any, **kwargs: Any) -> Any:  # noqa: N805 - Jinja's names
        __self.tick()
        owner = getattr(__obj, "__self__", None)
        if isinstance(owner, str) and getattr(__obj, "__name__", None) in _STRING_METHODS:
            if __obj.__name__ == "join" and args:  # counted, then joined: a generator must be read once
                args = (list(args[0]), *args[1:])
            # Jinja passes a loop's or block's variables along, for functions that take the context
            _STRING_METHODS[__obj.__name__](owner, *args, **{name: value for name, value in kwargs.items()
                                                            if name not in ("_loop_vars", "_block_vars")})
        result = super().call(__context, __obj, *args, **kwargs)
        # a macro's or block's text is captured, and counted as such (`_Captured`)
        return result if isinstance(__obj, (Macro, BlockReference)) else __self.made(result, texts_inside=True)

    def getitem(self, obj: Any, argument: Any) -> Any:
        """`obj[argument]` through the sandbox's checks. A slice (`s[i:]`, `l[:n]`; see `_CodeGenerator`) makes a
        new text or list, which counts towards what the rendering made (MAX_MADE_BYTES) like any other (issue 18,
        verifier's V3: 1,500 slices of a 1 MB text held 1.5 GB); an item (`l[0]`, `d["k"]`) is what its holder
        already counted."""
        result = super().getitem(obj, argument)
        return self.made(result) if isinstance(argument, slice) else result

    def getattr(self, obj: Any, attribute: str) -> Any:
        """A field of one of coursebuild's own dataclasses (the views given to templates) straight away: it is
        plain data, and reading fields is most of what templates do (the sandbox's checks cost a twentieth of
        a build). Everything else goes through the sandbox's checks."""
        kind: type = type(obj)
        if attribute in _plain_fields(kind):
            return getattr(obj, attribute)
        return super().getattr(obj, attribute)

    def is_safe_attribute(self, obj: Any, attr: str, value: Any) -> bool:
        """Of a model object (pydantic), only its fields and its own computed values: never a method, so
        no template can call `parse_file`, `model_validate_json`, `copy` and the like (pydantic's
        `parse_file(..., allow_pickle=True)` unpickles a file, which runs code)."""
        if isinstance(obj, BaseModel) or (isinstance(obj, type) and issubclass(obj, BaseModel)):
            if attr.startswith("_") or callable(value) or isinstance(obj, type):
                return False
            if attr not in type(obj).model_fields and hasattr(BaseModel, attr):
                return False
        return bool(super().is_safe_attribute(obj, attr, value))

    def call_binop(self, context: Any, operator: str, left: Any, right: Any) -> Any:
        if operator == "**" and isinstance(right, int) and abs(right) > MAX_EXPONENT:
            raise SecurityError(f"an exponent above {MAX_EXPONENT} is not allowed in templates")
        if operator in ("*", "**") and isinstance(left, int) and isinstance(right, int):
            bits = left.bit_length() * abs(right) if operator == "**" else left.bit_length() + right.bit_length()
            if bits > MAX_NUMBER_BITS:
                raise SecurityError(f"a template may not make a number of more than {MAX_NUMBER_BITS:,} bits")
        if operator == "+" and isinstance(left, (str, list, tuple)) and isinstance(right, (str, list, tuple)):
            _too_long(len(left) + len(right))
        if operator == "%" and isinstance(left, str):
            _check_percent_format(left, right)
        if operator == "*":
            for sequence, times in ((left, right), (right, left)):
                if (isinstance(sequence, (str, list, tuple)) and isinstance(times, int)
                        and len(sequence) * times > MAX_TEMPLATE_PRODUCT):
                    raise SecurityError(f"a template may not make a text or list longer than {MAX_TEMPLATE_PRODUCT:,}")
        return self.made(super().call_binop(context, operator, left, right))


def _link_problem(project: Path) -> Optional[Problem]:
    """The problem of a `templates` that is a symbolic link the project's templates may not be read through: out of
    the project (its files would be packaged), to nothing, or back to itself (`media.unfollowed_link`: read as no
    templates, the link was passed over in silence; a loop was a traceback, 18-verify20 C5); None otherwise."""
    own = project / "templates"
    if not own.is_symlink():
        return None
    unfollowed = unfollowed_link(project, "templates")
    if unfollowed is None and real_path(own).is_relative_to(real_path(project)):
        return None
    return Problem("templates", 1, f"`templates` is {unfollowed or 'a link to a folder outside the project'}",
                   "replace the link with a folder of the project's own templates")


def folder_listing(folder: Path) -> tuple[frozenset[str], list[Problem]]:
    """The names (relative, with `/`: `kit/cards.html`) of the entries of the templates folder `folder` that are not
    folders themselves (files, and links and special files, which `_unusable` refuses; a link to a folder is not
    followed), and what kept the listing from being whole, one problem each at `templates/NAME`: a folder in it that
    cannot be listed (no read permission, which zip and tar archives keep: the files in it could still be opened by
    name, yet no listing sees them; issue 18, twentieth verification, A6), or more than MAX_TEMPLATE_ENTRIES entries
    (files and folders; listing stops there: 100,000 empty static files took `build` 82 s, A8).

    A folder where coursebuild reads a file (a built-in template's name, or DECK: `templates/page.html/`), and a
    file where it reads a folder (`templates/static`, `templates/kit`), is one problem each, at it, not listed:
    either was passed over, the built-in file or folder used in silence (18-verify24 J6).

    Every use of a project's templates goes by this listing: whether it has templates of its own
    (`overrides_templates`), its static files and templates checked and compiled, and the only files the loader
    opens (`Theme`)."""
    builtin, _ = _builtin_listing()
    return _listing(folder, builtin | {DECK}, frozenset(name.rpartition("/")[0] for name in builtin) - {""})


def _listing(folder: Path, file_names: frozenset[str],
             folder_names: frozenset[str]) -> tuple[frozenset[str], list[Problem]]:
    """`folder_listing` of `folder`, where `file_names` may not be folders and `folder_names` may not be regular files
    (neither is looked for in the built-in folder itself)."""
    names: list[str] = []
    problems: list[Problem] = []
    folders, count = [folder], 0
    while folders and count <= MAX_TEMPLATE_ENTRIES:
        inside = folders.pop()
        try:
            with os.scandir(inside) as entries:
                for entry in entries:
                    count += 1
                    if count > MAX_TEMPLATE_ENTRIES:
                        problems.append(Problem("templates", 1, f"the folder holds more than {MAX_TEMPLATE_ENTRIES:,} "
                                                "files and folders (`theme.MAX_TEMPLATE_ENTRIES`)",
                                                "keep only the templates and static files the course uses"))
                        break
                    path = Path(entry.path)
                    name = path.relative_to(folder).as_posix()
                    if entry.is_dir(follow_symlinks=False) and name in file_names:
                        problems.append(Problem(f"templates/{_printable(name)}", 1, *A_FOLDER))
                    elif entry.is_dir(follow_symlinks=False):
                        folders.append(path)
                    elif name in folder_names and entry.is_file(follow_symlinks=False):
                        problems.append(Problem(f"templates/{_printable(name)}", 1, "this is a file, not a folder",
                                                f"put your files in a folder `templates/{name}/` instead, or "
                                                "remove it"))
                    else:
                        names.append(name)
        except OSError as error:
            name = inside.relative_to(folder).as_posix()
            problems.append(Problem("templates" if name == "." else f"templates/{_printable(name)}", 1,
                                    f"the folder cannot be listed ({error.strerror or type(error).__name__}), so "
                                    "its templates cannot be checked",
                                    "give it read permission, e.g. `chmod -R u+rwX templates`, or remove it"))
    return frozenset(names), problems


def template_problems(project: Path) -> list[Problem]:
    """What makes the project's templates unusable, found without rendering (for `check`, whatever its targets): a
    `templates` folder that is a link out of the project, to nothing or back to itself (`_link_problem`), what kept
    it from being listed whole (`folder_listing`), and files in it that may not be used (`_unusable`)."""
    if linked := _link_problem(project):
        return [linked]
    own = project / "templates"
    if not own.is_dir():
        return []
    names, problems = folder_listing(own)
    for name in sorted(names):
        if (unusable := _unusable(own, own / name)) is not None:
            shown, what, fix = unusable
            problems.append(Problem(shown, 1, what, fix))
    return problems


def _unusable(folder: Path, path: Path) -> tuple[str, str, str] | None:
    """Why the file `path` of the templates folder `folder` may not be used, as (the file as shown: `templates/NAME`,
    what is wrong, the fix), or None: a name that is not UTF-8, or holds a control character or a line break (a
    static file's name is the name of a file of every package, which lxml could not write into the manifest and
    zipfile not into the zip, and is shown in one-line messages: issue 18, twentieth verification, A4); a link or
    special file, or a file whose real location is not inside `folder` (`inside_templates`); a file this process may
    not read (`_permission_denied`: issue 18, verify21 D5); a static file whose name a URL cannot carry as written
    (`_NOT_IN_A_URL`: verify21 D6)."""
    name = path.relative_to(folder).as_posix()
    shown = f"templates/{_printable(name)}"
    categories = {unicodedata.category(char) for char in name}
    if "Cs" in categories:
        return shown, "the file's name is not UTF-8 text", _RENAME
    if categories & _NOT_IN_A_NAME:
        return shown, "the file's name holds a control character or a line break", _RENAME
    if name.startswith(f"{STATIC_DIR}/") and (odd := sorted(set(_NOT_IN_A_URL.sub("", name)))):
        return shown, (f"a static file's name goes as it is into every package's manifest and URLs, which cannot "
                       f"carry {', '.join(f'`{_printable(char)}`' for char in odd)} there (`?` and `#` end a path, "
                       "LMSs strip spaces and non-ASCII letters)"), _RENAME
    if name.startswith(f"{STATIC_DIR}/") and (kind := _not_a_static_kind(name)):
        return shown, f"{kind}: a web server hosting the web folder may run it, or take its set-up from it", \
            (f"keep in templates/static/ only stylesheets, scripts, fonts, pictures and data "
             f"({', '.join(sorted(STATIC_TYPES))}); remove it or rename it")
    if inside_templates(folder, path) is None:
        return (shown, "cannot be opened (permission denied)", _READ_PERMISSION) if _permission_denied(folder, path) \
            else (shown, *_NOT_REGULAR)
    return None


#: The Unicode categories of characters a file name in templates/ may not hold besides the bytes of a name that is not
#: UTF-8 (which Python reads as lone surrogates, `Cs`): control characters, line and paragraph separators.
_NOT_IN_A_NAME = frozenset({"Cc", "Zl", "Zp"})
_RENAME = "rename it with letters, digits, `-`, `_` and `.`"
#: What a static file's name may hold: what a URL's path and the manifests' `xs:anyURI` carry as written in every LMS
#: (RFC 3986's unreserved characters but `~`; `/` between folders). Not percent-encoded instead: the author's own
#: templates and CSS name the file as it is, and an LMS may compare the manifest's `href` with the zip's names.
_NOT_IN_A_URL = re.compile(r"[A-Za-z0-9._/-]")
#: The only kinds of static file, by suffix: what a theme's pages load (stylesheets, scripts, fonts, pictures, source
#: maps, data its scripts fetch), none of which a web server runs. The web folder is uploaded to any web server, which
#: runs what its set-up says by a file's name: `x.php`, `info.shtml` (Server Side Includes), `.cgi`, `.asp`, and reads
#: its set-up from hidden files such as `.htaccess` and `.user.ini` (which could turn on SSI or CGI for the package's
#: own `.css` and `.js`); all were copied into every package (18-verify23 G3). The package's scripts are the
#: project's to write (docs/security.md, "What a project can still do"): code on the server that hosts it is not.
STATIC_TYPES = frozenset({".css", ".woff", ".woff2", ".ttf", ".otf", ".eot", ".ico", ".svg", ".map", ".json",
                          ".txt", *SCRIPT_TYPES, *RASTER_PICTURE_TYPES})
#: Kinds web servers are commonly set to run, refused anywhere in a static file's name: Apache applies the handler of
#: each of a name's suffixes (`AddHandler application/x-httpd-php .php` runs `x.php.css`), so the last one being a
#: `STATIC_TYPES` is not enough, and the others cannot all be allowed kinds (`jquery.min.js`, `app.3f2a.css`).
SERVER_RUN_TYPES = frozenset({"php", "php3", "php4", "php5", "php7", "php8", "phtml", "phar", "pht", "phps",
                              "shtml", "shtm", "stm", "cgi", "fcgi", "pl", "py", "rb", "sh", "asp", "aspx", "asa",
                              "ashx", "asmx", "cer", "jsp", "jspx", "cfm", "cfml", "var", "ssi"})


def _not_a_static_kind(name: str) -> str | None:
    """What makes the static file `name` (`static/fonts/a.woff2`) a kind the packages may not carry, or None: a
    hidden file or folder (`.htaccess`, `.user.ini`, `.well-known/`), a suffix not in STATIC_TYPES, or one of
    SERVER_RUN_TYPES anywhere in the file's name."""
    parts = name.split("/")[1:]
    if hidden := next((part for part in parts if part.startswith(".")), None):
        return f"a hidden file or folder (`{hidden}`) ships in every package"
    suffix = os.path.splitext(parts[-1])[1].lower()
    if suffix not in STATIC_TYPES:
        return f"a static file of a kind the packages do not carry ({suffix or 'no suffix'})"
    if run := sorted(SERVER_RUN_TYPES.intersection(parts[-1].lower().split(".")[1:])):
        return f"a static file whose name holds `.{run[0]}`, a kind web servers run"
    return None


_NOT_REGULAR = ("not a regular file inside the templates folder",
                "replace the link or special file with an ordinary file")
_READ_PERMISSION = "give it and its folders read permission, e.g. `chmod -R u+rwX templates`"


def _printable(name: str) -> str:
    """`name` on one line: each byte that is not UTF-8 as `\\xff`, each character that is not printable as Python
    writes it in a string (`\\n`, `\\x01`, `\\u2028`)."""
    return "".join(char if char.isprintable() else f"\\x{ord(char) - 0xDC00:02x}" if "\udc80" <= char <= "\udcff"
                   else char.encode("unicode_escape").decode("ascii") for char in name)


def builtin_templates() -> Path:
    """The built-in templates and static assets, shipped inside the `builder` package."""
    return Path(str(resources.files("builder") / "templates"))


@functools.cache
def _builtin_listing() -> tuple[frozenset[str], tuple[Problem, ...]]:
    """`folder_listing` of the built-in templates, listed once a process: the package's folder does not change while
    it runs, and listing it took each `Theme` 0.2 ms (a preview rebuild makes several)."""
    names, problems = _listing(builtin_templates(), frozenset(), frozenset())
    return names, tuple(problems)


def compile_fingerprint(env: jinja2.Environment, name: str) -> str:
    """sha256 (hex) of what Jinja2 bakes into the code it compiles for the template `name`, besides the
    template's text and Jinja2's version: the environment's class, its code generator's and the operators
    its sandbox intercepts; the syntax and whitespace options; whether `name` is HTML-escaped (`AUTOESCAPE`);
    the extensions; and, by name, how each filter and test is called (`pass_context` and the like). Code
    compiled ahead under another fingerprint is not used (`_precompiled_code`).

    The code generator's own methods are not in it: tests/test_theme_precompiled.py compiles every built-in
    template again and fails if any compiled module differs."""

    def calls(functions: Mapping[str, Any]) -> list[tuple[str, str]]:
        return sorted((key, repr(getattr(function, "jinja_pass_arg", None))) for key, function in functions.items())

    def qualified(kind: Any) -> Optional[str]:
        return None if kind is None else f"{kind.__module__}.{kind.__qualname__}"

    options = (qualified(type(env)), qualified(env.code_generator_class),
               sorted(getattr(env, "intercepted_binops", ())), sorted(getattr(env, "intercepted_unops", ())),
               env.block_start_string, env.block_end_string, env.variable_start_string, env.variable_end_string,
               env.comment_start_string, env.comment_end_string, env.line_statement_prefix, env.line_comment_prefix,
               env.trim_blocks, env.lstrip_blocks, env.newline_sequence, env.keep_trailing_newline, env.optimized,
               env.is_async, qualified(env.finalize), env.autoescape(name) if callable(env.autoescape)
               else env.autoescape, sorted(env.extensions), calls(env.filters), calls(env.tests))
    return hashlib.sha256(repr(options).encode("utf-8")).hexdigest()


def _precompiled_code(env: jinja2.Environment, name: str, source: str) -> Optional[CodeType]:
    """The code of the built-in template `name` as compiled ahead into `builder/compiled_templates/` (`make
    templates`), if it was compiled from this very text (sha256), by this version of Jinja2, with these
    options (`compile_fingerprint`); else None, and the template is compiled from its text.

    Only package files are read: Python's import system gives the module's code (from its `.pyc` when
    there is one)."""
    entry = compiled_templates.TEMPLATES.get(name)
    if entry is None or compiled_templates.JINJA2_VERSION != jinja2.__version__:
        return None
    module, text_sha256, fingerprint = entry
    if (hashlib.sha256(source.encode("utf-8")).hexdigest() != text_sha256
            or compile_fingerprint(env, name) != fingerprint):
        return None
    spec = importlib.util.find_spec(f"{compiled_templates.__name__}.{module}")
    if spec is None or not isinstance(spec.loader, InspectLoader):
        return None
    return spec.loader.get_code(spec.name)


@dataclass(frozen=True)
class Theme:
    """Where templates come from: the project's `templates/` first, then the built-in ones; each folder listed once,
    when the Theme is made (`folder_listing`: the only files used).

    Raises TemplateProblem if a folder cannot be listed whole."""

    folders: tuple[Path, ...]
    #: Each folder with the names of its files (`folder_listing`).
    listed: tuple[tuple[Path, frozenset[str]], ...] = field(init=False)

    def __post_init__(self) -> None:
        listings = []
        for folder in self.folders:
            names, problems = _builtin_listing() if folder == builtin_templates() else folder_listing(folder)
            if problems:
                raise TemplateProblem(str(problems[0]))
            listings.append((folder, names))
        object.__setattr__(self, "listed", tuple(listings))

    @classmethod
    def for_project(cls, project: Path) -> "Theme":
        """The project's templates, then the built-in ones.

        Raises TemplateProblem if `templates` is a link to a folder outside the project (its files
        would be packaged), to nothing, or back to itself (`_link_problem`).
        """
        own = project / "templates"
        if linked := _link_problem(project):
            raise TemplateProblem(str(linked))
        builtin = builtin_templates()
        folders = (own, builtin) if own.is_dir() and real_path(own) != real_path(builtin) else (builtin,)
        return cls(folders)

    def environment(self) -> jinja2.Environment:
        """One sandboxed Jinja2 environment, autoescaping, strict about undefined names.

        Templates compile in memory only: no compiled template is written to disk, and the only compiled
        code read is the package's own (its built-in templates compiled ahead, used only when they match:
        `_precompiled_code`), never a project's or a cache's. The environment, with the templates it
        compiled, is kept for the next build in this process (`preview`), and made anew when a template it
        compiled changed. Templates are not checked for changes during a build.
        """
        env = _ENVIRONMENTS.get(self)
        if env is None or env.cache is None or not all(template.is_up_to_date for template in env.cache.values()):
            env = self._new_environment()
        _ENVIRONMENTS.put(self, env)
        return env

    def _new_environment(self) -> jinja2.Environment:
        # HTML escaped in every template but Markdown ones (`report.md`), decided by the template's name when it
        # is compiled: one environment serves both, and its compiled templates are kept between builds.
        # The built-in templates come compiled ahead when they match (`_precompiled_code`).
        env = _Sandbox(loader=_FolderLoader(self.listed, builtin_templates()), autoescape=AUTOESCAPE,
                       undefined=jinja2.StrictUndefined, trim_blocks=True, lstrip_blocks=True,
                       keep_trailing_newline=True, auto_reload=False)
        env.filters.update(_bounded_filters())
        del env.globals["lipsum"]  # `lipsum(3000000)` makes gigabytes of text
        env.filters["inline"] = inline
        env.filters["direction"] = direction
        env.filters["css_string"] = css_string
        env.count_filters()
        env.globals["namespace"] = env.namespace
        return env

    def static_files(self) -> dict[str, OnDisk]:
        """Static assets by name (e.g. `course.css`), the project's copy winning over the built-in (`static_paths`),
        each hashed in pieces and read again only when written (`media.OnDisk`: never held whole).

        Raises TemplateProblem for a file that may not be used (`template_problems`, which `check` reports for every
        target), or is too large.
        """
        return {name: _on_disk(real, shown) for name, (real, shown) in self.static_paths().items()}

    def static_paths(self) -> dict[str, tuple[Path, str]]:
        """The static assets' names (e.g. `course.css`), each with its real location and its name as shown
        (`templates/static/course.css`), the project's copy winning over the built-in; none is opened.

        Raises TemplateProblem for a file that may not be used (`template_problems`, which `check` reports for every
        target).
        """
        paths: dict[str, tuple[Path, str]] = {}
        for folder, names in reversed(self.listed):
            for name in sorted((name for name in names if name.startswith(f"{STATIC_DIR}/")),
                               key=lambda name: name.split("/")):
                path = folder / name
                if (unusable := _unusable(folder, path)) is not None:
                    shown, what, fix = unusable
                    raise TemplateProblem(f"{shown}: {what} ({fix})")
                paths[name.removeprefix(f"{STATIC_DIR}/")] = path.resolve(), f"templates/{name}"
        return paths


#: Jinja2 environments by template folders, kept from one build to the next in the same process.
_ENVIRONMENTS: cache.Store[Theme, jinja2.Environment] = cache.Store()


def render_template(env: jinja2.Environment, name: str, *, max_bytes: int = MAX_RENDERED_BYTES,
                    **context: object) -> str:
    """Render one template, turning any mistake in it into one reported line; it may render at most
    `max_bytes` bytes of UTF-8 (MAX_RENDERED_BYTES unless the caller bounds it lower).

    Every exception a template raises (a Jinja error, a sandbox refusal, `{{ 1/0 }}`, a recursive macro)
    becomes `templates/NAME:LINE: template error: …`, naming the template and line where it happened (an
    included one, not the one rendered), and blaming coursebuild only when that template is a built-in one.
    A MemoryError is raised as it is: the machine's, or the bound of `own_templates`' child.
    """
    rendered: str = _reported(env, name, lambda: _render_bounded(env, name, context, max_bytes))
    return rendered


#: What each environment's templates rendered so far in this build, in UTF-8 bytes (MAX_BUILD_RENDERED_BYTES);
#: forgotten when the next build starts (`cache.start_build`).
_RENDERED: cache.BuildStore[jinja2.Environment, int] = cache.BuildStore()


def _render_bounded(env: jinja2.Environment, name: str, context: dict[str, object], max_bytes: int) -> str:
    """The template `name` rendered, refused as soon as it makes more than `max_bytes` bytes of UTF-8,
    or the build's templates together more than MAX_BUILD_RENDERED_BYTES."""
    pieces, length = [], 0
    before = _RENDERED.get(env) or 0
    if isinstance(env, _Sandbox):
        env.start_rendering()
    template = env.get_template(name)
    bounded.note(f"rendering {name}")
    rendering = template.generate(**context)
    limit = min(max_bytes, MAX_BUILD_RENDERED_BYTES - before)
    for piece in rendering:  # about 20,000 pieces a build of this course: `_utf8_length` written out, one comparison
        if not isinstance(piece, str):  # a `{% filter %}` block whose filter gives a number, say
            shown, line = _rendering_at(env, rendering, name)
            raise TemplateProblem(f"templates/{shown}{f':{line}' if line else ''}: template error: a template "
                                  f"may only render text, not {type(piece).__name__} ({FIX})")
        length += len(piece) if piece.isascii() else len(piece.encode("utf-8", "surrogatepass"))
        if length > limit:
            shown, line = _rendering_at(env, rendering, name)
            own = f"{max_bytes // 2**20} MB" if max_bytes % 2**20 == 0 else f"{max_bytes // 1024:,} KB"
            raise _rendered_too_much(shown, line, own if length > max_bytes else _build_allowance(),
                                     _is_built_in(env.get_template(shown).filename))
        pieces.append(piece)
    _RENDERED.put(env, before + length)
    return "".join(pieces)


def count_rendered(env: jinja2.Environment, name: str, length: int) -> None:
    """Count `length` bytes (UTF-8) that the template `name` rendered in another process towards this build's
    MAX_BUILD_RENDERED_BYTES: a pool worker bounds only what it renders itself (its copy of the count), and the
    pages of all the workers come here. Raises TemplateProblem past the bound."""
    total = (_RENDERED.get(env) or 0) + length
    if total > MAX_BUILD_RENDERED_BYTES:
        raise _rendered_too_much(name, None, _build_allowance(), _is_built_in(env.get_template(name).filename))
    _RENDERED.put(env, total)


def _build_allowance() -> str:
    return f"{MAX_BUILD_RENDERED_BYTES // 2**20} MB in one build, all pages together"


def _rendered_too_much(shown: str, line: Optional[int], allowed: str, built_in: bool) -> TemplateProblem:
    return _bound_passed(f"templates/{shown}{f':{line}' if line else ''}",
                         f"a template may not render more than {allowed}", built_in)


def _bound_passed(where: str, reason: str, built_in: bool) -> TemplateProblem:
    """A template at `where` (`templates/NAME[:LINE]`) passed a bound (`reason`): a BuiltInBound if it is a built-in
    one, which only the course's content can take there."""
    if built_in:
        return BuiltInBound(f"{where}: template error: not allowed in a template: {reason} ({BUILT_IN_FIX})", reason)
    return TemplateProblem(f"{where}: template error: not allowed in a template: {reason} ({FIX})")


def compile_problems(project: Path) -> list[Problem]:
    """The project's own templates (`templates/**/*.html`, `report.md`; not `static/`) that do not compile:
    syntax errors, unknown filters and tests, each at its file and line (for `check`)."""
    own = project / "templates"
    if _link_problem(project) or not own.is_dir():
        return []
    theme = Theme.for_project(project)
    env = theme.environment()
    names = sorted(name for name in dict(theme.listed).get(own, frozenset())
                   if (name.endswith(".html") or name.rpartition("/")[2] == "report.md")
                   and not name.startswith(f"{STATIC_DIR}/") and inside_templates(own, own / name))
    problems = []
    for name in names:
        try:
            _reported(env, name, lambda: env.get_template(name))  # noqa: B023 - called at once
        except TemplateProblem as exc:
            problems.append(problem_of(exc))
    return problems


def overrides_templates(project: Path) -> bool:
    """Whether the project has any template of its own (a file other than `README.md` in `templates/`), or a
    `templates/` that cannot be listed whole (`folder_listing`), whose files no `Theme` uses."""
    own = project / "templates"
    if not own.is_dir():
        return False
    names, problems = folder_listing(own)
    return bool(problems) or any(name.rpartition("/")[2] != "README.md" for name in names)


_WHERE = re.compile(r"(?P<path>[^\n:]+?)(?::(?P<line>[0-9]+))?: (?P<message>.*)", re.DOTALL)


def problem_of(error: TemplateProblem) -> Problem:
    """The one line of a TemplateProblem (`templates/NAME[:LINE]: what (fix)`) as a Problem (line 1 if none)."""
    match = _WHERE.fullmatch(str(error))
    if match is None:
        return Problem("templates", 1, str(error))
    return Problem(match["path"], int(match["line"] or 1), match["message"])


def _reported(env: jinja2.Environment, name: str, action: Callable[[], Any]) -> Any:
    """`action()`, any mistake of the template `name` (or one it includes) raised as one TemplateProblem line."""
    try:
        return action()
    except CoursebuildError:
        raise
    except jinja2.TemplateSyntaxError as exc:
        where = f"templates/{exc.name or name}:{exc.lineno}"
        raise TemplateProblem(f"{where}: template error: {exc.message} ({_template_fix(exc.filename)})") from None
    except MemoryError:  # the machine's (exit code 3), or in `own_templates`' child its bound's (one line there)
        raise
    except (Exception, RecursionError) as exc:  # noqa: BLE001 - a template may raise anything
        shown, filename, line = _where(env, name, exc)
        if isinstance(exc, SecurityError):
            raise _bound_passed(f"templates/{shown}{f':{line}' if line else ''}", str(exc),
                                _is_built_in(filename)) from None
        if isinstance(exc, jinja2.TemplateError):
            what = str(exc)
        else:
            what = f"{type(exc).__name__}: {exc}" if str(exc) else type(exc).__name__
        fix = exc.fix if isinstance(exc, _NotATemplateName) else _template_fix(filename)
        raise TemplateProblem(f"templates/{shown}{f':{line}' if line else ''}: template error: {what} "
                              f"({fix})") from None


def _rendering_at(env: jinja2.Environment, rendering: Any, name: str) -> tuple[str, Optional[int]]:
    """(template name, line) where a paused rendering is: the innermost template it is rendering (an
    included one too), found through the generators each `include` yields from; `name` and no line if none."""
    found: tuple[str, Optional[int]] = (name, None)
    generator = rendering
    while generator is not None and generator.gi_frame is not None:
        template_name = generator.gi_frame.f_globals.get("name")
        if isinstance(template_name, str) and "debug_info" in generator.gi_frame.f_globals:
            line = env.get_template(template_name).get_corresponding_lineno(generator.gi_frame.f_lineno)
            found = (template_name, line)
        generator = generator.gi_yieldfrom
    return found


def _where(env: jinja2.Environment, name: str, exc: BaseException) -> tuple[str, Optional[str], Optional[int]]:
    """(template name, file, line) of the innermost template frame of `exc`'s traceback (Jinja rewrites
    tracebacks so that template frames carry the template's file and line); `name` and no line if none."""
    folders = [folder for folder, _ in getattr(env.loader, "listed", ())]
    found: tuple[str, Optional[str], Optional[int]] = (name, None, None)
    traceback = exc.__traceback__
    while traceback is not None:
        filename = traceback.tb_frame.f_code.co_filename
        for folder in folders:
            if filename.startswith(f"{folder}{os.sep}"):
                found = (Path(filename).relative_to(folder).as_posix(), filename, traceback.tb_lineno)
        traceback = traceback.tb_next
    return found


def _template_fix(filename: Optional[str]) -> str:
    if _is_built_in(filename):
        return "this is a mistake in coursebuild's built-in template, not in your course: please report it"
    return FIX


def _is_built_in(filename: Optional[str]) -> bool:
    """Whether the template file `filename` is one of coursebuild's built-in templates (not the project's)."""
    return bool(filename) and Path(str(filename)).resolve().is_relative_to(builtin_templates().resolve())


_SINGLE_PARAGRAPH = re.compile(r"^\s*<p>((?:(?!<p[ >]).)*)</p>\s*$", re.DOTALL)


def inline(html: str) -> Markup:
    """Unwrap HTML that is one paragraph, for places that take phrasing content (legend, label)."""
    match = _SINGLE_PARAGRAPH.match(str(html))
    return Markup(match.group(1) if match else html)


def direction(language: str) -> str:
    """`rtl` for a BCP 47 tag of a right-to-left language or script (`ar`, `he-IL`, `ks-Arab`), else `ltr`.

    A script subtag (4 letters, right after the language) decides: `ks-Deva` and `ar-Latn` are `ltr`.
    """
    subtags = language.lower().split("-")
    if len(subtags) > 1 and len(subtags[1]) == 4 and subtags[1].isalpha():
        return "rtl" if subtags[1] in RTL_SCRIPTS else "ltr"
    return "rtl" if subtags[0] in RTL_LANGUAGES else "ltr"


def css_string(text: str) -> Markup:
    """`text` as a quoted CSS string, for `content:` in a <style> element (not HTML-escaped: CSS shows
    `&amp;` as it is). Quotes, backslashes, line breaks and `<` are CSS escapes, so nothing ends the style."""
    escaped = "".join(f"\\{ord(char):x} " if char in "\\\"<>\n\r" else char for char in text)
    return Markup(f'"{escaped}"')
