"""YAML parsing that remembers the line of every key and list item."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Mapping

import yaml

from builder.errors import Problem

Location = tuple[Any, ...]
_STR, _INT, _BOOL, _NULL = (f"tag:yaml.org,2002:{name}" for name in ("str", "int", "bool", "null"))
_MERGE = "tag:yaml.org,2002:merge"
_DEFAULT_TAGS = {yaml.ScalarNode: _STR, yaml.SequenceNode: "tag:yaml.org,2002:seq",
                 yaml.MappingNode: "tag:yaml.org,2002:map"}


class _Loader(getattr(yaml, "CSafeLoader", yaml.SafeLoader)):  # type: ignore[misc]
    """PyYAML's safe loader (libyaml's parser where built with it), resolving tags with less overhead.

    libyaml calls back into Python for every node; with no path resolvers registered (the safe
    loader has none), resolution needs only the implicit resolvers keyed by the first character.
    """

    def descend_resolver(self, current_node: Any, current_index: Any) -> None:
        pass

    def ascend_resolver(self) -> None:
        pass

    def resolve(self, kind: type, value: Any, implicit: tuple[bool, bool]) -> str:
        if kind is yaml.ScalarNode and implicit[0]:
            for tag, pattern in self.yaml_implicit_resolvers.get(value[:1], ()):
                if pattern.match(value):
                    return tag
        return _DEFAULT_TAGS[kind]


@dataclass(frozen=True)
class SourceFile:
    """A parsed file: its project-relative path and the line of each location in it."""

    path: str
    lines: Mapping[Location, int] = field(default_factory=dict)

    def line(self, *location: Any) -> int:
        """Line of the deepest recorded part of `location` (1 if nothing is recorded)."""
        loc = tuple(location)
        while loc:
            if loc in self.lines:
                return self.lines[loc]
            loc = loc[:-1]
        return self.lines.get((), 1)

    def text_line(self, location: Location, text: str, needle: str) -> int:
        """Line of `needle` inside the text value stored at `location`."""
        start = self.line(*location)
        index = text.find(needle)
        return start + (text.count("\n", 0, index) if index > 0 else 0)

    def problem(self, location: Location, message: str, fix: str = "", **kw: Any) -> Problem:
        """A problem at `location` in this file."""
        return Problem(self.path, self.line(*location), message, fix, **kw)


class YamlError(Exception):
    """A YAML document could not be parsed; carries the problems."""

    def __init__(self, problems: list[Problem]):
        super().__init__(problems)
        self.problems = problems


def parse_yaml(text: str, path: str, first_line: int = 1) -> tuple[Any, SourceFile]:
    """Parse one YAML document, returning the data and a line map of it.

    `first_line` is the file line the text starts on (front matter starts on line 2).
    Raises YamlError for syntax errors and duplicate keys.
    """
    offset = first_line - 1
    loader = _Loader(text)
    try:
        node = loader.get_single_node()
        reader = _Reader(loader, path, offset)
        data = reader.value(node, ()) if node is not None else None
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line = (mark.line + 1 + offset) if mark else first_line
        what = exc.problem or exc.context or "cannot be read"
        raise YamlError([Problem(path, line, f"YAML syntax error: {what}",
                                 "check the indentation, and put text containing ': ' or '#' in quotes")])
    except yaml.YAMLError as exc:
        raise YamlError([Problem(path, first_line, f"YAML syntax error: {exc}", "check the YAML syntax")])
    finally:
        loader.dispose()
    if reader.duplicates:
        raise YamlError(reader.duplicates)
    reader.lines[()] = first_line
    return data, SourceFile(path, reader.lines)


class _Reader:
    """Builds Python values from the node tree and records each location's line, in one walk."""

    def __init__(self, loader: Any, path: str, offset: int):
        self.loader, self.path, self.offset = loader, path, offset
        self.lines: dict[Location, int] = {}
        self.duplicates: list[Problem] = []
        self.open_nodes: set[int] = set()

    def value(self, node: yaml.Node, loc: Location) -> Any:
        """The Python value of `node`; a collection that contains itself (through an alias) is refused."""
        if isinstance(node, yaml.ScalarNode):
            return self._value(node, loc)
        if id(node) in self.open_nodes:
            line = node.start_mark.line + 1 + self.offset
            raise YamlError([Problem(self.path, line, "an alias (`*name`) refers to the block that contains it",
                                     "remove the alias, or point it at another block")])
        self.open_nodes.add(id(node))
        try:
            return self._value(node, loc)
        finally:
            self.open_nodes.discard(id(node))

    def _value(self, node: yaml.Node, loc: Location) -> Any:
        if isinstance(node, yaml.ScalarNode):
            tag = node.tag
            if tag == _STR:
                return node.value
            if tag == _NULL:
                return None
            if tag == _BOOL:
                return self.loader.construct_yaml_bool(node)
            if tag == _INT:
                return self.loader.construct_yaml_int(node)
            return self.loader.construct_object(node, deep=True)
        if isinstance(node, yaml.SequenceNode):
            items = []
            for index, item in enumerate(node.value):
                self.lines[loc + (index,)] = item.start_mark.line + 1 + self.offset
                items.append(self.value(item, loc + (index,)))
            return items
        if isinstance(node, yaml.MappingNode):
            mapping: dict[Any, Any] = {}
            for key_node, value_node in node.value:
                if key_node.tag == _MERGE:
                    return self.loader.construct_object(node, deep=True)  # rare `<<` merge keys
                line = key_node.start_mark.line + 1 + self.offset
                if not isinstance(key_node, yaml.ScalarNode):
                    raise YamlError([Problem(self.path, line, "a key is a list or block, not a name",
                                             "write keys as plain names followed by `:`")])
                key = self.value(key_node, loc)
                if key in mapping:
                    self.duplicates.append(Problem(self.path, line, f"`{key}` is given twice in the same block",
                                                   "remove one of them"))
                self.lines[loc + (key,)] = _value_line(value_node, line, self.offset)
                mapping[key] = self.value(value_node, loc + (key,))
            return mapping
        return self.loader.construct_object(node, deep=True)


def _value_line(value: yaml.Node, key_line: int, offset: int) -> int:
    """The line where a key's value text begins (block scalars start on the next line)."""
    if isinstance(value, yaml.ScalarNode) and value.style in ("|", ">"):
        return value.start_mark.line + 2 + offset
    if isinstance(value, yaml.ScalarNode):
        return value.start_mark.line + 1 + offset
    return key_line
