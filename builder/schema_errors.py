"""Turn pydantic validation errors into problems an author can act on."""

from __future__ import annotations

import difflib
import re
import typing
import unicodedata
from dataclasses import replace
from typing import Any

from pydantic import BaseModel, ValidationError
from pydantic_core import ErrorDetails

from builder.errors import MAX_SHOWN_PER_FILE, Problem
from builder.model import MAX_LINE_CHARS, PATTERN_HINTS
from builder.sourcemap import SourceFile

_TYPE_NAMES = {str: "text", int: "a number", float: "a number", bool: "true or false",
               list: "a list", dict: "a block of fields", type(None): "empty"}


def did_you_mean(word: str, choices: typing.Iterable[str]) -> str:
    """' (did you mean `x`?)'-style hint text, or '' when nothing is close."""
    close = difflib.get_close_matches(word, list(choices), n=1, cutoff=0.6)
    return f"did you mean `{close[0]}`?" if close else ""


#: Most validation errors described in full for one file. Describing one (pydantic's `errors()`) takes about
#: 1 KB and 6 µs, a hundred times what validating made it for: a 2 MB bank of `questions: [1,1,…]` (a million
#: errors) took check 1.57 GB and 7 s. Past this many, the errors shown are those of a cut-down copy (`_first_items`).
MAX_DESCRIBED = 10_000


def schema_problems(error: ValidationError, model: type[BaseModel], data: Any, source: SourceFile) -> list[Problem]:
    """One problem per pydantic error of validating `data` as `model`, located in `source`, at most
    MAX_SHOWN_PER_FILE: the last stands for the rest (`Problem.more`), as `loading._each` does, so the count of
    errors stays exact whatever is shown. Of more than MAX_DESCRIBED errors, those shown are the cut-down copy's
    (`_first_items`), real errors of the file too; if that copy has none or too many, one problem at the file's
    largest list or block gives the count."""
    total = error.error_count()
    if total > MAX_DESCRIBED:
        try:
            model.model_validate(_first_items(data))
            shown = 0
        except ValidationError as cut_down:
            shown, error = cut_down.error_count(), cut_down
        if not 0 < shown <= MAX_DESCRIBED:  # most are in blocks of unknown or wrong keys
            size, loc = _largest(data, ())
            return [source.problem(loc, f"the file's fields have too many mistakes to list; its largest list or "
                                   f"block, of {size:,} items, is here", "see docs/authoring.md for the fields "
                                   "this file takes", more=total - 1)]
    problems = []
    for detail in error.errors(include_url=False)[:MAX_SHOWN_PER_FILE]:
        loc = tuple(detail["loc"])
        if detail["type"] == "invalid_key":  # pydantic names a key that is not text by its repr: locate the key
            loc = (*loc[:-1], detail["input"])
        message, fix = _describe(detail, model, loc)
        problems.append(source.problem(loc, message, fix))
    problems[-1] = replace(problems[-1], more=total - len(problems))
    return problems


def _first_items(data: Any) -> Any:
    """`data` with each list cut to its first MAX_SHOWN_PER_FILE items, at every depth. Its validation errors are
    the file's too: coursebuild's models check each list item on its own, and a list they require to be non-empty
    stays so (what a whole list must hold is checked after validation, in `validation`)."""
    if isinstance(data, dict):
        return {key: _first_items(value) for key, value in data.items()}
    if isinstance(data, list):
        return [_first_items(item) for item in data[:MAX_SHOWN_PER_FILE]]
    return data


def _largest(data: Any, loc: tuple[Any, ...]) -> tuple[int, tuple[Any, ...]]:
    """The number of items (keys or list items) of the largest list or block in `data`, and its location."""
    items = data.items() if isinstance(data, dict) else enumerate(data) if isinstance(data, list) else ()
    found = (len(data), loc) if isinstance(data, (dict, list)) else (0, loc)
    return max([found, *(_largest(value, (*loc, key)) for key, value in items)], key=lambda size_loc: size_loc[0])


def _describe(detail: ErrorDetails, model: type[BaseModel], loc: tuple[Any, ...]) -> tuple[str, str]:
    kind = detail["type"]
    name = _field_name(loc)
    value = detail.get("input")
    ctx = detail.get("ctx") or {}
    if kind == "invalid_key" and isinstance(value, bool):
        return (f"a key was read as {str(value).lower()}, not a name: YAML treats yes, no, on, off, true and false "
                "as true/false", 'put the key in quotes, e.g. "yes":')
    if kind == "invalid_key":
        return f"a key was read as {_describe_value(value)}, not a name", "write a name, or put the key in quotes"
    if kind == "missing":
        return f"missing required field `{name}`", f"add `{name}: ...`"
    if kind == "extra_forbidden":
        allowed = sorted(_model_at(model, loc[:-1]).model_fields)
        hint = did_you_mean(str(name), allowed)
        return f"unknown field `{name}`", hint or f"remove it; allowed fields: {', '.join(allowed)}"
    if kind == "literal_error":
        expected = ctx.get("expected", "")
        choices = [c.strip(" '") for c in expected.replace(" or ", ", ").split(",")]
        hint = did_you_mean(str(value), choices)
        return f"`{name}` cannot be `{value}`", hint or f"use one of: {', '.join(choices)}"
    if kind == "string_pattern_mismatch":
        pattern = ctx.get("pattern", "")
        hint = PATTERN_HINTS.get(pattern, f"it must match {pattern}")
        return f"`{name}` value `{value}` is not in the right form", hint + _transliterated(value, pattern)
    if kind == "string_too_short":
        return f"`{name}` is empty", "write some text, or remove the field if it is optional"
    if kind == "string_too_long":  # model.MAX_LINE_CHARS or MAX_TEXT_CHARS
        limit, one_line = ctx.get("max_length", 0), ctx.get("max_length") == MAX_LINE_CHARS
        return (f"`{name}` is {len(str(value)):,} characters long: {'a one-line' if one_line else 'a plain-text'} "
                f"field may have at most {limit:,}", "shorten it; a longer text belongs in "
                + ("the description or a page's body" if one_line else "a page's body"))
    if kind == "too_short":
        need = ctx.get("min_length", 1)
        return f"`{name}` needs at least {need} item{'s' if need != 1 else ''}", "add the missing items"
    if kind in ("greater_than_equal", "less_than_equal", "greater_than", "less_than"):
        limit = next(iter(ctx.values()), "")
        word = {"greater_than_equal": "at least", "less_than_equal": "at most",
                "greater_than": "more than", "less_than": "less than"}[kind]
        return f"`{name}` is {value}, but must be {word} {limit}", f"use a number {word} {limit}"
    if kind == "finite_number":  # `.nan`, `.inf`, `!!float 1e999999999999` (18-verify20 C7)
        return (f"`{name}` is `{value}`, not a finite number: YAML reads `.nan`, `.inf` and a number too large to hold "
                "as not-a-number or infinity", "write an ordinary number")
    if kind == "string_type" and isinstance(value, bool):
        return (f"`{name}` was read as {str(value).lower()}, not text: YAML treats yes, no, on, off, true and "
                "false as true/false", 'put the text in quotes, e.g. "Yes"')
    expected = {
        "string_type": "text", "int_type": "a whole number", "int_parsing": "a whole number",
        "int_from_float": "a whole number", "bool_type": "true or false", "bool_parsing": "true or false",
        "list_type": "a list", "model_type": "a block of fields", "dict_type": "a block of fields",
        "model_attributes_type": "a block of fields",
    }.get(kind)
    if expected:
        fix = {"text": "put it in quotes", "a list": "write each item on its own line starting with '- '",
               "a block of fields": "write it as indented `key: value` lines"}.get(expected, f"write {expected}")
        return f"`{name}` should be {expected}, not {_describe_value(value)}", fix
    return f"`{name}`: {detail['msg']}", "see docs/authoring.md"


def _field_name(loc: tuple[Any, ...]) -> str:
    if loc[-2:-1] and loc[-1] == "[key]":  # a mapping's key is wrong (a level 6): name the mapping
        loc = loc[:-2]
    names = [str(part) for part in loc if not isinstance(part, int)]
    if loc and isinstance(loc[-1], int) and names:
        return f"{names[-1]}[{loc[-1] + 1}]"
    return names[-1] if names else "document"


def _describe_value(value: Any) -> str:
    if isinstance(value, (dict, list)) or value is None:
        return _TYPE_NAMES[type(value)]
    if isinstance(value, bool):  # YAML's true, yes, on...: `true`, not `True`
        return f"`{str(value).lower()}`"
    return f"{_TYPE_NAMES.get(type(value), type(value).__name__)} `{value}`"


def _model_at(model: type[BaseModel], loc: tuple[Any, ...]) -> type[BaseModel]:
    """The model class that describes the mapping at `loc` inside `model`."""
    for part in loc:
        if isinstance(part, str) and part in model.model_fields:
            nested = _find_model(model.model_fields[part].annotation)
            if nested is not None:
                model = nested
    return model


def _find_model(annotation: Any) -> type[BaseModel] | None:
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return annotation
    for arg in typing.get_args(annotation):
        found = _find_model(arg)
        if found is not None:
            return found
    return None


def _transliterated(value: object, pattern: str) -> str:
    """`, e.g. `cafe-frigo`` for a value with accented or full-width letters (`café-frigo`) whose ASCII
    spelling (Unicode NFKD, marks dropped) fits `pattern`; else ``."""
    if not isinstance(value, str) or value.isascii():
        return ""
    ascii_value = unicodedata.normalize("NFKD", value).encode("ascii", "ignore").decode("ascii")
    return f", e.g. `{ascii_value}`" if ascii_value and re.fullmatch(pattern, ascii_value) else ""
