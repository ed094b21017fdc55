"""Issue 18, eighteenth verification: YAML a project's author writes to get past the checks or hold `check`.

C1: `!!binary` text skipped the control-character and bidi checks (pydantic turned the bytes into text after them).
C3: repeated `<<` keys took time quadratic in their number. C5: a 16 MB bank of `[{},{},…]` made `check` abort at
3.5 GB. C11: keys that are not text reported at line 1 or named `document`; two BOMs; a FIFO competency framework
passed over. 18-verify19 D4: a 2 MB bank of `questions: [1,1,…]` took check 1.57 GB, each of its million
validation errors described before being counted; D5: the summary counted the lines shown, not the errors.
The verifiers' inputs are scaled down here, with the bounds lowered where needed.
"""

from __future__ import annotations

import base64
import os
import time
import tracemalloc
from pathlib import Path

import pytest
from pydantic import ValidationError

from builder import schema_errors, yaml_reader
from builder.errors import MAX_SHOWN_PER_FILE, summarise
from builder.model import BankSettings
from builder.schema_errors import schema_problems
from builder.sourcemap import YamlError
from builder.yaml_reader import parse_yaml

from conftest import edit, run


def problems_of(text: str) -> list[str]:
    with pytest.raises(YamlError) as caught:
        parse_yaml(text, "x.yaml")
    return [str(problem) for problem in caught.value.problems]


def check_lines(project: Path) -> list[str]:
    result = run("check", project)
    assert result.exit_code == 1, result.output
    assert "Traceback" not in result.output
    return result.stderr.splitlines()


@pytest.mark.parametrize("text", ["title: !!binary R2V0dGluZyABIHRv\n", "a: 1\n!!binary aGVsbG8=: x\n"])
def test_binary_is_refused_like_other_tags(text: str) -> None:
    """C1: as a value or a key; its bytes would become text no check had read."""
    assert problems_of(text) == [f"x.yaml:{text.count(chr(10))}: the YAML tag `!!binary` is not allowed: course "
                                 "files hold plain data (remove the tag (the `!` or `!!` word before the value))"]


def test_binary_control_characters_never_reach_a_build(project: Path) -> None:
    """C1: `check` passed and `build` ended in lxml's traceback."""
    hidden = base64.b64encode("Mini \x01 course".encode()).decode()
    edit(project / "course/course.yaml", "title: Mini fixture course", f"title: !!binary {hidden}")
    assert "course/course.yaml:3: the YAML tag `!!binary` is not allowed: course files hold plain data (remove the " \
        "tag (the `!` or `!!` word before the value))" in check_lines(project)


def test_repeated_merge_keys_take_linear_time() -> None:
    """C3: each `<<` key's mappings were put before all the earlier ones' (600,000 lines: 64 s)."""
    def seconds(lines: int) -> float:
        text = "block:\n  <<: {a: 1}\n" + "  <<: {}\n" * lines
        start = time.process_time()
        data, _ = parse_yaml(text, "x.yaml")
        assert data == {"block": {"a": 1}}
        return time.process_time() - start

    # eight times the lines: about eight times the time (linear: 0.08 s and 0.66 s), where the quadratic merge took
    # 27 times (0.12 s and 3.2 s); a ratio, not a time, so that a loaded machine does not fail it (CI: 5.7 s for
    # 200,000 lines against a bound of 3 s)
    assert seconds(160_000) / seconds(20_000) < 16


def test_merge_precedence_is_kept() -> None:
    """Keys written win, then a later `<<` key's mappings, then the first mapping of a `<<` list (as PyYAML)."""
    import yaml

    text = ("a: &a {x: a, y: a, z: a, w: a}\nb: &b {x: b, y: b, v: b}\nc: &c {x: c, u: c}\n"
            "m:\n  <<: [*a, *b]\n  <<: *c\n  x: own\n")
    assert parse_yaml(text, "x.yaml")[0] == yaml.safe_load(text)
    assert parse_yaml(text, "x.yaml")[0]["m"] == {"x": "own", "u": "c", "y": "a", "z": "a", "w": "a", "v": "b"}


def test_values_per_file_are_bounded(monkeypatch: pytest.MonkeyPatch) -> None:
    """C5: `audience: [a,a,…]` of 16 MB (8 million values) took 1.4 GB."""
    monkeypatch.setattr(yaml_reader, "MAX_VALUES", 1_000)
    assert parse_yaml("items: [" + "a, " * 996 + "a]\n", "x.yaml")[0]["items"] == ["a"] * 997  # and 3 more values
    assert problems_of("id: x\nitems:\n" + "- a\n" * 1_000) == [  # the 996th item is the 1,001st value
        "x.yaml:998: the file holds more than 1,000 values (list items, fields and their values) (split it into "
        "several files: a question bank into banks of fewer questions)"]


def test_lists_and_blocks_per_file_are_bounded(monkeypatch: pytest.MonkeyPatch) -> None:
    """C5: 16 MB of `{},` were 5.6 million blocks and 22 million validation errors: a Rust abort at 3.5 GB."""
    monkeypatch.setattr(yaml_reader, "MAX_COLLECTIONS", 100)
    parse_yaml("questions:\n" + "- {}\n" * 98, "x.yaml")  # and the file's block and list
    assert problems_of("questions:\n" + "- {}\n" * 99) == [
        "x.yaml:100: the file holds more than 100 lists and blocks (split it into several files: a question bank "
        "into banks of fewer questions)"]


def test_the_real_bounds_refuse_the_verifiers_bank(project: Path) -> None:
    """C5 at its real size, scaled down to the bounds: one line, fast, little memory."""
    bank = project / "quizzes/extra.yaml"
    bank.write_text("id: extra\ntitle: Extra\nkind: practice\nquestions: [" + "{}," * yaml_reader.MAX_COLLECTIONS
                    + "{}]\n")
    start = time.process_time()
    lines = check_lines(project)
    assert time.process_time() - start < 10
    assert f"quizzes/extra.yaml:4: the file holds more than {yaml_reader.MAX_COLLECTIONS:,} lists and blocks (split " \
        "it into several files: a question bank into banks of fewer questions)" in lines


def test_validation_problems_of_a_file_are_counted_past_those_shown(project: Path) -> None:
    """C5: each of a million validation errors was made into a problem, though at most 50 a file are shown."""
    (project / "quizzes/extra.yaml").write_text("id: extra\ntitle: Extra\nkind: assessment\nquestions: ["
                                                + "{}, " * 999 + "{}]\n")
    all_lines = check_lines(project)
    lines = [line for line in all_lines if line.startswith("quizzes/extra.yaml")]
    assert len(lines) == MAX_SHOWN_PER_FILE
    assert lines[-1] == (f"quizzes/extra.yaml:4: missing required field `stem`, and {4_000 - MAX_SHOWN_PER_FILE:,} "
                         "more after it (add `stem: ...`)")
    # 18-verify19 D5: the summary counted the 50 lines shown, not the errors they stand for
    assert all_lines[-1] == "course invalid: 4,000 errors"


def bank_errors(text: str) -> ValidationError:
    with pytest.raises(ValidationError) as caught:
        BankSettings.model_validate(parse_yaml(text, "x.yaml")[0])
    return caught.value


def test_many_validation_errors_are_not_each_described() -> None:
    """18-verify19 D4: describing every pydantic error (`errors()`, about 1 KB each) before counting them took a 2 MB
    bank of `questions: [1,1,…]` to 1.57 GB and 7 s; past MAX_DESCRIBED, a cut-down copy's errors are described."""
    text = "id: extra\ntitle: Extra\nkind: practice\nquestions: [" + "1, " * 19_999 + "1]\n"
    data, source = parse_yaml(text, "x.yaml")
    error = bank_errors(text)
    tracemalloc.start()
    try:
        problems = schema_problems(error, BankSettings, data, source)
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert peak < 5_000_000  # 20,000 errors described took 20 MB
    assert len(problems) == MAX_SHOWN_PER_FILE and {problem.line for problem in problems} == {3, 4}
    assert str(problems[-1]) == (f"x.yaml:4: `questions[{MAX_SHOWN_PER_FILE - 1}]` should be a block of fields, not a "
                                 f"number `1`, and {20_001 - MAX_SHOWN_PER_FILE:,} more after it (write it as indented "
                                 "`key: value` lines)")
    assert summarise(problems) == "20,001 errors"


def test_a_block_of_too_many_mistakes_to_list_is_one_line_at_it(monkeypatch: pytest.MonkeyPatch) -> None:
    """18-verify19 D4: mistakes the cut-down copy keeps too (unknown keys) are one line at the largest block."""
    monkeypatch.setattr(schema_errors, "MAX_DESCRIBED", 100)
    text = ("id: extra\ntitle: Extra\nkind: practice\nquestions:\n  - id: q1\n    stem: Why?\n    options: []\n"
            + "".join(f"    k{i}: 1\n" for i in range(200)))
    problems = schema_problems(bank_errors(text), BankSettings, *parse_yaml(text, "x.yaml"))
    assert [str(problem) for problem in problems] == [
        "x.yaml:5: the file's fields have too many mistakes to list; its largest list or block, of 203 items, is here, "
        "and 201 more after it (see docs/authoring.md for the fields this file takes)"]
    assert summarise(problems) == "202 errors"


@pytest.mark.parametrize(("key", "message"), [
    ("~", "a key was read as empty, not a name (write a name, or put the key in quotes)"),
    ("2020-01-01", "a key was read as date `2020-01-01`, not a name (write a name, or put the key in quotes)"),
    ("1.5", "a key was read as a number `1.5`, not a name (write a name, or put the key in quotes)"),
    ("yes", 'a key was read as true, not a name: YAML treats yes, no, on, off, true and false as true/false (put '
            'the key in quotes, e.g. "yes":)'),
])
def test_a_key_that_is_not_text_is_reported_at_its_line(project: Path, key: str, message: str) -> None:
    """C11: at line 1, or named `document`."""
    course = project / "course/course.yaml"
    text = course.read_text()
    course.write_text(f"{text}{key}: x\n")
    assert f"course/course.yaml:{text.count(chr(10)) + 1}: {message}" in check_lines(project)


def test_byte_order_marks_before_the_text_are_passed_over(project: Path) -> None:
    """C11: a second BOM became part of the first key, or kept a page's `---` from being its first line."""
    for path in ("course/course.yaml", "course/pages/welcome.md"):
        file = project / path
        file.write_bytes(b"\xef\xbb\xbf" * 3 + file.read_bytes().split(b"\n", 1)[1] if path.endswith(".yaml")
                         else b"\xef\xbb\xbf" * 2 + file.read_bytes())
    result = run("check", project)
    assert result.exit_code == 0, result.output


@pytest.mark.parametrize("kind", ["fifo", "folder", "broken link"])
def test_a_competency_framework_that_is_not_a_file_is_one_problem(project: Path, kind: str) -> None:
    """C11: a FIFO was passed over, then every page naming a unit said "create course/competencies.yaml"."""
    framework = project / "course/competencies.yaml"
    framework.unlink()
    {"fifo": os.mkfifo, "folder": os.mkdir, "broken link": lambda path: os.symlink("nowhere", path)}[kind](framework)
    lines = check_lines(project)
    assert len(lines) == 2, lines  # the problem and the summary
    assert lines[0].startswith("course/competencies.yaml:1: ")


# --- 18-verify20 C6, C7: what a problem line says of a value --------------------------------------------------

@pytest.mark.parametrize(("file", "old", "new"), [("course/pages/welcome.md", "id: welcome", "id: w"),
                                                  ("course/course.yaml", 'version: "1.0"', "version: 1.0"),
                                                  ("course/course.yaml", "language: en-GB", "language: en")])
def test_a_value_that_fails_its_pattern_is_cut_in_its_line(project: Path, file: str, old: str, new: str) -> None:
    """C6: a 1 MB `id` made a 1 MB problem line; a quoted text is cut to MAX_QUOTED_CHARS characters and `…`."""
    edit(project / file, old, new + "w" * 200_000)
    lines = check_lines(project)
    assert len(lines) == 2 and len(lines[0]) < 1000 and "w" * 90 + "…` is not in the right form (" in lines[0]


def test_an_explicit_key_of_a_megabyte_is_cut_in_its_line(project: Path) -> None:
    """C6: `? key` takes no length limit from YAML (a plain key does: 1,024 characters)."""
    path = project / "course/course.yaml"
    path.write_text(path.read_text(encoding="utf-8") + "? " + "k" * 1_000_000 + "\n: 1\n", encoding="utf-8")
    from builder.errors import MAX_QUOTED_CHARS

    lines = check_lines(project)
    assert len(lines) == 2 and len(lines[0]) < 1000 and f"unknown field `{'k' * MAX_QUOTED_CHARS}…` (" in lines[0]


def test_a_quoted_text_is_cut_apart_in_the_message_and_the_fix() -> None:
    """A backquote inside a value cannot pair with one of the fix and cut the text between them."""
    from builder.errors import MAX_QUOTED_CHARS, Problem

    long = "x" * (MAX_QUOTED_CHARS + 1)
    assert str(Problem("a", 1, f"`{long}` and a stray `", f"fix `{long}`")) == \
        f"a:1: `{long[:-1]}…` and a stray ` (fix `{long[:-1]}…`)"
    assert str(Problem("a", 1, f"`{long[:-1]}`")) == f"a:1: `{long[:-1]}`"
    between = f"`a` {long} `b`"  # the text between two short quoted texts is not one
    assert str(Problem("a", 1, between)) == f"a:1: {between}"


@pytest.mark.parametrize(("value", "tag", "kind"), [("!!str {a: 1}", "!!str", "tags a single value, not a block"),
                                                    ("!!int [1]", "!!int", "tags a single value, not a list"),
                                                    ("!!map 80", "!!map", "tags a block, not a single value"),
                                                    ("!!seq {a: 1}", "!!seq", "tags a list, not a block")])
def test_a_standard_tag_on_the_wrong_kind_of_node_says_so(value: str, tag: str, kind: str) -> None:
    """C7: these tags are allowed (`!!int '80'` is read), on another kind of node: not "not allowed"."""
    assert problems_of(f"pass_mark: {value}\n") == [
        f"x.yaml:1: the YAML tag `{tag}` {kind} (remove the tag (the `!` or `!!` word before the value))"]


@pytest.mark.parametrize(("value", "read"), [(".nan", "nan"), ("-.inf", "-inf"), ("!!float 1e999999999999", "inf")])
def test_a_number_that_is_not_finite_says_what_to_write(project: Path, value: str, read: str) -> None:
    """C7: pydantic's own words ("Input should be a finite number") where every other number says what to write."""
    edit(project / "course/course.yaml", "pass_mark: 80", f"pass_mark: {value}")
    assert check_lines(project)[0] == (
        f"course/course.yaml:{_line_of(project, 'pass_mark:')}: `pass_mark` is `{read}`, not a finite number: YAML "
        "reads `.nan`, `.inf` and a number too large to hold as not-a-number or infinity (write an ordinary number)")


def _line_of(project: Path, start: str) -> int:
    lines = (project / "course/course.yaml").read_text(encoding="utf-8").splitlines()
    return next(number for number, line in enumerate(lines, start=1) if line.startswith(start))
