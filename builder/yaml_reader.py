"""YAML parsing that remembers the line of every key and list item.

Imported only when a file has to be read: a rebuild whose files are all unchanged never needs PyYAML.
"""

from __future__ import annotations

from dataclasses import replace
from typing import Any, NoReturn, cast

import yaml
from yaml.constructor import ConstructorError

from builder.errors import Problem
from builder.sourcemap import Location, SourceFile, YamlError

_STR, _INT, _BOOL, _NULL = (f"tag:yaml.org,2002:{name}" for name in ("str", "int", "bool", "null"))
_MERGE = "tag:yaml.org,2002:merge"
_FLOAT = "tag:yaml.org,2002:float"
#: The tags a scalar may have (YAML 1.1's, as PyYAML's safe loader makes them); any other tag is refused.
#: `!!binary` is refused too: no course field takes bytes, and pydantic would turn them into text that the checks
#: for control and bidirectional characters, which read the file's text and its values' texts, never saw.
SCALAR_TAGS = {f"tag:yaml.org,2002:{name}" for name in ("str", "int", "float", "bool", "null", "timestamp", "merge")}
#: The kind of node each allowed tag tags: a scalar one of SCALAR_TAGS, a list `!!seq`, a block `!!map` (`!!set`,
#: `!!omap`, `!!pairs` and every application tag are refused). A standard tag on the wrong kind of node
#: (`!!str {a: 1}`, `!!seq {a: 1}`) is named as such, not as a tag "not allowed" (18-verify20 C7).
_TAGGED = {**{tag: "a single value" for tag in SCALAR_TAGS}, "tag:yaml.org,2002:seq": "a list",
           "tag:yaml.org,2002:map": "a block"}
#: The longest text read as a number: Python refuses to print an integer of more than 4,300 digits, and
#: base-60 numbers (`1:2:3`) take time quadratic in their length to read.
MAX_NUMBER_CHARS = 100
#: Duplicate keys reported per file; the last of them counts the rest (`Problem.more`).
MAX_DUPLICATES = 20
#: PyYAML's safe loader, with libyaml's fast parser where PyYAML was built with it.
_Loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
_IMPLICIT_TAGS = _Loader.yaml_implicit_resolvers  # first character -> [(tag, pattern)], as PyYAML resolves
SHORT_TEXT = 40  # plain scalars up to this long have their tags remembered: keys and short values repeat
#: Deepest nesting of lists and blocks in a file (a course file needs fewer than 10 levels).
MAX_DEPTH = 64
#: Most values a file may reach through aliases (`*name`), counting every value inside the anchored one:
#: a few aliases of aliases ("billion laughs") would otherwise stand for billions of values.
MAX_ALIASED_VALUES = 100_000
#: Most characters of text a file may reach through aliases: aliases of one long text (`*s`, with `s`
#: 250,000 characters, a thousand times) would otherwise make a small file stand for gigabytes of text.
MAX_ALIASED_CHARACTERS = 1_000_000
#: Most values a file may hold, each list item, block, key's value and alias's values counted: the question
#: bank of a synthetic 5,000-page course (`bench/run.py`, 9.5 MB) holds 725,000, this course's largest file 1,746.
#: A 16 MB file of `[1,1,…]` would hold 8 million, each taking memory as read, and as a validation error.
MAX_VALUES = 1_000_000
#: Most lists and blocks a file may hold: validation reports each required field missing from each block, so
#: 16 MB of `{},` (5.6 million empty blocks, 22 million errors) took more than 4 GB. The 5,000-page course's
#: bank holds 150,000 lists and blocks.
MAX_COLLECTIONS = 250_000


def parse_yaml(text: str, path: str, first_line: int = 1) -> tuple[Any, SourceFile]:
    """Parse one YAML document, returning the data and a line map of it.

    `first_line` is the file line the text starts on (front matter starts on line 2).
    Raises YamlError for syntax errors, duplicate keys, nesting deeper than MAX_DEPTH, more than MAX_VALUES
    values or MAX_COLLECTIONS lists and blocks, and aliases that stand for more than MAX_ALIASED_VALUES values
    or MAX_ALIASED_CHARACTERS characters of text.
    """
    offset = first_line - 1
    loader = _Loader(text)
    reader = _Reader(loader, path, offset)
    try:
        data = reader.document()
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line = (mark.line + 1 + offset) if mark else first_line
        raise YamlError([Problem(path, line, *_syntax_error(exc, text))]) from None
    except yaml.reader.ReaderError as exc:  # a character YAML does not allow, at a position in the text
        line = text.count("\n", 0, exc.position) + first_line
        what = f"U+{exc.character:04X}" if isinstance(exc.character, int) else repr(exc.character)
        raise YamlError([Problem(path, line, f"the text contains a control character ({what}) that YAML does not allow",
                                 "delete it: it is invisible, and often comes from copying and pasting")]) from None
    except yaml.YAMLError as exc:
        raise YamlError([Problem(path, first_line, f"YAML syntax error: {' '.join(str(exc).split())}",
                                 "check the YAML syntax")]) from None
    finally:
        loader.dispose()
    if reader.duplicates:  # the last reported stands for the rest
        reader.duplicates[-1] = replace(reader.duplicates[-1], more=reader.more_duplicates)
        raise YamlError(reader.duplicates)
    reader.lines[()] = first_line
    return data, SourceFile(path, reader.lines)


#: The longest implicit key YAML reads (the text before `: `, on its line): libyaml says "could not find expected ':'"
#: or "mapping values are not allowed" of a longer one (YAML 1.1 and 1.2, "Implicit keys are restricted to a single
#: line and 1024 characters"; 18-verify24 I6).
MAX_KEY_CHARACTERS = 1024
#: libyaml's problem for a `\u` escape that is no character: half of a surrogate pair (U+D800 to U+DFFF), as JSON
#: writes a character past U+FFFF (`\ud83d\ude00`), which YAML does not join.
_INVALID_ESCAPE = "found invalid Unicode character escape code"


def _syntax_error(exc: yaml.MarkedYAMLError, text: str) -> tuple[str, str]:
    """(what is wrong, how to fix it) for the syntax error `exc` in `text`: a fix for the mistake where its cause is
    known (a key past MAX_KEY_CHARACTERS, a `\\u` escape of half a character, 18-verify24 I5), the advice about
    indentation and quotes otherwise."""
    what = f"YAML syntax error: {exc.problem or exc.context or 'cannot be read'}"
    mark = exc.problem_mark
    if exc.problem == _INVALID_ESCAPE:
        return what, ("write the character itself, or as \\U and 8 hex digits (\\U0001F600 for 😀): YAML does not "
                      "join a pair of \\u escapes, as JSON writes such a character, and a half alone is no character")
    if mark is not None and text[mark.index:mark.index + 1] == ":":  # `mark.column` counts characters, as `index`
        key = text[mark.index - mark.column:mark.index].lstrip(" -?")
        if len(key) > MAX_KEY_CHARACTERS and ": " not in key:
            return (f"YAML syntax error: this key (the text before `:`) is {len(key):,} characters long, more than "
                    f"the {MAX_KEY_CHARACTERS:,} YAML allows a key",
                    "shorten the key: no field of a course file has a name this long")
    return what, "check the indentation, and put text containing ': ' or '#' in quotes"


class _Reader:
    """Builds Python values from the parser's events and records each location's line, in one pass.

    Reading events rather than a composed node tree keeps memory low for large files. Values come
    out as PyYAML's safe loader makes them; an alias stands for the anchored value itself, and the
    locations inside it take the alias's line.
    """

    def __init__(self, loader: Any, path: str, offset: int):
        self.loader, self.path, self.offset = loader, path, offset
        self.lines: dict[Location, int] = {}
        self.duplicates: list[Problem] = []
        self.more_duplicates = 0  # duplicate keys found after the first MAX_DUPLICATES
        # anchor -> (value, line where it was set, values in it, characters of text in it)
        self.anchors: dict[str, tuple[Any, int, int, int]] = {}
        self.values = 0  # values read so far, each value inside a collection counted too
        self.characters = 0  # characters of text read so far, in values and keys
        self.aliased = 0  # values that aliases stand for, counted the same way
        self.aliased_characters = 0  # characters of text that aliases stand for
        self.depth = 0  # collections open
        self.collections = 0  # lists and blocks read so far
        self.open_anchors: set[str] = set()  # collections still being read
        self.plain_tags: dict[str, str] = {}  # tags of short plain scalars (keys, mostly) seen so far

    def document(self) -> Any:
        """The value of the only document in the stream (None for an empty stream)."""
        get = self.loader.get_event
        get()  # stream start
        if isinstance(self.loader.peek_event(), yaml.StreamEndEvent):
            return None
        get()  # document start
        data = self.value(get(), ())
        get()  # document end
        extra = get()
        if not isinstance(extra, yaml.StreamEndEvent):
            self._fail(extra, "a second YAML document starts here",
                       "keep one document per file: remove the `---` line")
        return data

    def value(self, event: yaml.Event, loc: Location) -> Any:
        """The Python value that starts with `event`, reading the events of its contents."""
        if isinstance(event, yaml.ScalarEvent):
            self._count(event)
            self.characters += len(event.value)
            scalar = self._scalar(event)
            if event.anchor is None:  # most values: nothing to remember
                return scalar
            return self._anchored(event, scalar, self.values - 1, self.characters - len(event.value))
        if isinstance(event, yaml.AliasEvent):
            return self._alias(event)
        if isinstance(event, yaml.SequenceStartEvent):
            return self._collection(event, [], self._fill_sequence, loc)
        return self._collection(event, {}, self._fill_mapping, loc)  # the parser allows nothing else here

    def _count(self, event: yaml.Event, collection: bool = False) -> None:
        """Count one more value (a list or block if `collection`), failing past MAX_VALUES or MAX_COLLECTIONS."""
        self.values += 1
        self.collections += collection
        if self.values > MAX_VALUES:
            self._fail(event, f"the file holds more than {MAX_VALUES:,} values (list items, fields and their values)",
                       "split it into several files: a question bank into banks of fewer questions")
        if self.collections > MAX_COLLECTIONS:
            self._fail(event, f"the file holds more than {MAX_COLLECTIONS:,} lists and blocks",
                       "split it into several files: a question bank into banks of fewer questions")

    def _line(self, event: yaml.Event) -> int:
        return _start(event).line + 1 + self.offset

    def _fail(self, event: yaml.Event, message: str, fix: str) -> NoReturn:
        raise YamlError([Problem(self.path, self._line(event), message, fix)])

    def _tag(self, event: yaml.ScalarEvent) -> str:
        """The scalar's tag: written (`!!int 3`), or else implied by how a plain scalar looks."""
        if event.tag is not None and event.tag != "!":
            if event.tag not in SCALAR_TAGS:
                self._refuse_tag(event, "a single value")
            return event.tag
        if not event.implicit[0]:
            return _STR
        tag = self.plain_tags.get(event.value)
        if tag is None:
            tag = next((tag for tag, pattern in _IMPLICIT_TAGS.get(event.value[:1], ())
                        if pattern.match(event.value)), _STR)
            if len(event.value) <= SHORT_TEXT:
                self.plain_tags[event.value] = tag
        return tag

    def _refuse_tag(self, event: Any, kind: str) -> NoReturn:
        """Refuse the tag of `event`, `kind` of node (a single value, a list, a block) it does not tag."""
        tag, tagged = event.tag.replace("tag:yaml.org,2002:", "!!"), _TAGGED.get(event.tag)
        self._fail(event, f"the YAML tag `{tag}` tags {tagged}, not {kind}" if tagged else
                   f"the YAML tag `{tag}` is not allowed: course files hold plain data",
                   "remove the tag (the `!` or `!!` word before the value)")

    def _scalar(self, event: yaml.ScalarEvent) -> Any:
        tag = self._tag(event)
        if tag == _STR:
            return event.value
        if tag == _NULL:
            return None
        if tag in (_INT, _FLOAT) and len(event.value) > MAX_NUMBER_CHARS:
            self._fail(event, f"`{event.value[:40]}…` is a number of more than {MAX_NUMBER_CHARS} characters",
                       "write a shorter number, or put the text in quotes")
        node = yaml.ScalarNode(tag, event.value, _start(event), cast(yaml.Mark, event.end_mark), event.style)
        try:
            if tag == _BOOL:
                return self.loader.construct_yaml_bool(node)
            if tag == _INT:
                return self.loader.construct_yaml_int(node)
            return self.loader.construct_object(node, deep=True)
        except (ArithmeticError, AttributeError, LookupError, TypeError, ValueError):  # PyYAML's, for a bad value
            self._fail(event, f"`{event.value[:40]}` is not a valid {tag.rsplit(':', 1)[-1]}",
                       "correct the value, or remove the `!!` tag before it")

    def _anchored(self, event: Any, value: Any, values_before: int, characters_before: int) -> Any:
        """`value`, remembered under its anchor if it has one, with how many values and characters it holds."""
        if event.anchor is not None:
            if event.anchor in self.anchors:
                first = self.anchors[event.anchor][1]
                self._fail(event, f"the anchor `&{event.anchor}` is also set on line {first}",
                           "give each anchor its own name")
            self.anchors[event.anchor] = (value, self._line(event), self.values - values_before,
                                          self.characters - characters_before)
        return value

    def _alias(self, event: yaml.AliasEvent) -> Any:
        if event.anchor in self.open_anchors:
            self._fail(event, "an alias (`*name`) refers to the block that contains it",
                       "remove the alias, or point it at another block")
        if event.anchor not in self.anchors:
            self._fail(event, f"`*{event.anchor}` refers to no anchor",
                       f"set `&{event.anchor}` on an earlier value, or remove the alias")
        value, _, size, characters = self.anchors[event.anchor]
        self.aliased += size
        self.values += size
        self.aliased_characters += characters
        self.characters += characters
        if self.aliased > MAX_ALIASED_VALUES:
            self._fail(event, f"the aliases in this file stand for more than {MAX_ALIASED_VALUES:,} values",
                       "write the values out, or use fewer aliases of aliases")
        if self.aliased_characters > MAX_ALIASED_CHARACTERS:
            self._fail(event, f"the aliases in this file stand for more than {MAX_ALIASED_CHARACTERS:,} characters "
                       "of text", "write the text out where it is needed, or use fewer aliases of long texts")
        return value

    def _collection(self, event: Any, container: Any, fill: Any, loc: Location) -> Any:
        kind = "a block" if isinstance(event, yaml.MappingStartEvent) else "a list"
        if event.tag is not None and event.tag != "!" and _TAGGED.get(event.tag) != kind:
            self._refuse_tag(event, kind)
        self.depth += 1
        if self.depth > MAX_DEPTH:
            self._fail(event, f"lists and blocks are nested more than {MAX_DEPTH} levels deep",
                       "flatten the structure: course files need only a few levels")
        self._count(event, collection=True)
        before, characters_before = self.values - 1, self.characters
        if event.anchor is not None:
            self.open_anchors.add(event.anchor)
        fill(container, loc)
        self.open_anchors.discard(event.anchor)
        self._anchored(event, container, before, characters_before)
        self.depth -= 1
        return container

    def _fill_sequence(self, items: list[Any], loc: Location) -> None:
        get = self.loader.get_event
        event = get()
        while not isinstance(event, yaml.SequenceEndEvent):
            item_loc = (*loc, len(items))
            self.lines[item_loc] = self._line(event)
            items.append(self.value(event, item_loc))
            event = get()

    def _fill_mapping(self, mapping: dict[Any, Any], loc: Location) -> None:
        get = self.loader.get_event
        merged: list[list[dict[Any, Any]]] = []  # each `<<` key's mappings, in the order the keys are written
        event = get()
        while not isinstance(event, yaml.MappingEndEvent):
            line = self._line(event)
            if isinstance(event, yaml.ScalarEvent) and event.value == "<<" and self._tag(event) == _MERGE:
                value_event = get()
                merged.append(_mappings_to_merge(self.value(value_event, loc), value_event))
                event = get()
                continue
            key = self.value(event, loc)
            if isinstance(key, (list, dict, set)):  # what YAML can make that cannot be a key
                self._fail(event, "a key is a list or block, not a name",
                           "write keys as plain names followed by `:`")
            if key in mapping and len(self.duplicates) >= MAX_DUPLICATES:
                self.more_duplicates += 1
            elif key in mapping:
                self.duplicates.append(Problem(self.path, line, f"`{key}` is given twice in the same block",
                                               "remove one of them"))
            value_event = get()
            key_loc = (*loc, key)
            self.lines[key_loc] = _value_line(value_event, line, self.offset)
            mapping[key] = self.value(value_event, key_loc)
            event = get()
        # `<<: *defaults`: keys written here win, then a later `<<` key's mappings, then the first mapping of a list
        for sources in reversed(merged):
            for source in sources:
                for key, value in source.items():
                    mapping.setdefault(key, value)


def _mappings_to_merge(value: Any, event: yaml.Event) -> list[dict[Any, Any]]:
    """The mappings a `<<` key merges, in order of precedence (the first listed wins)."""
    sources = value if isinstance(value, list) else [value]
    if not all(isinstance(source, dict) for source in sources):
        raise ConstructorError(None, None, "`<<` must be followed by a block or a list of blocks to merge",
                               _start(event))
    return sources


def _value_line(value: yaml.Event, key_line: int, offset: int) -> int:
    """The line where a key's value text begins (block scalars start on the next line)."""
    if isinstance(value, yaml.ScalarEvent) and value.style in ("|", ">"):
        return _start(value).line + 2 + offset
    if isinstance(value, (yaml.ScalarEvent, yaml.AliasEvent)):
        return _start(value).line + 1 + offset
    return key_line


def _start(event: yaml.Event) -> yaml.Mark:
    """Where an event starts (the parser marks every event it makes)."""
    return cast(yaml.Mark, event.start_mark)
