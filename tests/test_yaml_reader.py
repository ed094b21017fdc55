"""The YAML reader gives the values PyYAML's safe loader gives, plus the line of every key and item."""

from __future__ import annotations

import pytest
import yaml

from builder.errors import summarise
from builder.sourcemap import YamlError
from builder.yaml_reader import parse_yaml

DOCUMENTS = [
    "id: m1\ntitle: 'Quoted: yes'\nminutes: 12\nratio: 0.5\nlock: true\nnone: ~\nempty:\nwhen: 2026-11-23\n",
    "flags: [yes, no, on, off, True, FALSE, null, Null, '', \"\"]\nnumbers: [0x1f, 0o17, 1_000, -3, +4, .inf, -.5e3]\n",
    "base: &base {kind: assessment, draw: 2}\nbank:\n  <<: *base\n  draw: 3\nitems: [*base, *base]\n",
    "text: |\n  First line\n  second: line\nfolded: >\n  one\n  two\nlist:\n  - a\n  - - nested\n    - deeper\n",
    "'quoted key': 1\n\"7\": seven\n? complex\n: value\n",
]


@pytest.mark.parametrize("text", DOCUMENTS)
def test_values_match_pyyaml(text: str) -> None:
    data, _ = parse_yaml(text, "x.yaml")
    assert data == yaml.safe_load(text)


def test_lines_of_keys_items_and_block_text() -> None:
    text = "title: Course\nmodules:\n  - id: m1\n    pages: [a, b]\n  - id: m2\nnotes: |\n  Block text\n"
    _, source = parse_yaml(text, "course/course.yaml", first_line=2)
    assert source.line("title") == 2
    assert source.line("modules", 1) == 6
    assert source.line("modules", 1, "id") == 6
    assert source.line("modules", 0, "pages", 1) == 5
    assert source.line("notes") == 8  # a block scalar's text starts on the line after its key


def test_merge_lists_and_shared_anchors_match_pyyaml() -> None:
    text = "a: &a {x: 1, y: 1}\nb: &b {x: 2, z: 2}\nm:\n  <<: [*a, *b]\n  y: 3\nn: {<<: *b}\n"
    assert parse_yaml(text, "x.yaml")[0] == yaml.safe_load(text)


@pytest.mark.parametrize(("text", "line", "message"), [
    ("a: &x 1\nb: &x 2\n", 2, "the anchor `&x` is also set on line 1"),
    ("a: 1\nb: *nope\n", 2, "`*nope` refers to no anchor"),
    ("a: 1\nb: {<<: 3}\n", 2, "YAML syntax error: `<<` must be followed by a block or a list of blocks to merge"),
    ("a: 1\n? &k [1]\n: 1\n", 2, "a key is a list or block, not a name"),
    ("a: 1\n---\nb: 2\n", 2, "a second YAML document starts here"),
])
def test_problems_name_their_line(text: str, line: int, message: str) -> None:
    with pytest.raises(YamlError) as caught:
        parse_yaml(text, "x.yaml")
    (problem,) = caught.value.problems
    assert (problem.line, problem.message) == (line, message)


@pytest.mark.parametrize("text", ["pass_mark: 0x" + "f" * 4000 + "\n", "pass_mark: " + "1:" * 150_000 + "1\n",
                                  "ratio: " + "1" * 5000 + ".5\n", "pass_mark: !!int '" + "9" * 5000 + "'\n"])
def test_a_number_too_long_to_print_or_read_quickly_is_one_problem(text: str) -> None:
    with pytest.raises(YamlError) as caught:
        parse_yaml(text, "course/course.yaml")
    (problem,) = caught.value.problems
    assert problem.line == 1 and "is a number of more than 100 characters" in problem.message


@pytest.mark.parametrize("text, tag", [
    ("run: !!python/object/apply:os.system ['touch /tmp/pwned']\n", "!!python/object/apply:os.system"),
    ("run: !!python/object/new:os.system {args: [x]}\n", "!!python/object/new:os.system"),
    ("names: !!set {a, b}\n", "!!set"),
    ("pairs: !!omap [a: 1]\n", "!!omap"),
    ("text: !custom value\n", "!custom"),
])
def test_every_tag_that_is_not_plain_data_is_refused(text: str, tag: str) -> None:
    with pytest.raises(YamlError) as caught:
        parse_yaml(text, "course/course.yaml")
    (problem,) = caught.value.problems
    assert problem.line == 1 and problem.message.startswith(f"the YAML tag `{tag}` is not allowed")


def test_standard_tags_on_lists_and_blocks_are_still_read() -> None:
    assert parse_yaml("a: !!seq [1]\nb: !!map {c: !!str 2}\n", "x.yaml")[0] == {"a": [1], "b": {"c": "2"}}


def test_a_flood_of_duplicate_keys_is_twenty_problems_and_a_count() -> None:
    text = "id: x\n" + "dup: 1\n" * 100_000
    with pytest.raises(YamlError) as caught:
        parse_yaml(text, "course/course.yaml")
    problems = caught.value.problems
    assert len(problems) == 20
    assert str(problems[-1]) == ("course/course.yaml:22: `dup` is given twice in the same block, and 99,979 more after it "
                                 "(remove one of them)")
    assert summarise(problems) == "99,999 errors"  # 18-verify19 D5: was 21


def test_at_most_fifty_problems_are_shown_per_file() -> None:
    from builder.errors import CourseInvalid, Problem

    problems = [Problem("course/course.yaml", line, "unknown field `x`") for line in range(1, 1001)]
    lines = CourseInvalid([*problems, Problem("course/pages/a.md", 3, "bad")]).lines()
    assert len(lines) == 53
    assert lines[50] == "course/course.yaml:51: and 950 more problems in this file (fix those above first)"
    assert lines[51:] == ["course/pages/a.md:3: bad", "course invalid: 1,001 errors"]


def _problem(text: str) -> str:
    with pytest.raises(YamlError) as raised:
        parse_yaml(text, "x.yaml")
    (problem,) = raised.value.problems
    return str(problem)


@pytest.mark.parametrize("escape", ["\\ud83d\\ude00", "\\ud800"])
def test_a_u_escape_of_half_a_character_is_told_how_to_write_the_character(escape: str) -> None:
    """18-verify24 I5: an emoji as JSON writes it (a surrogate pair of `\\u` escapes), or half of one, was told to
    check the indentation."""
    assert _problem(f'id: x\ntitle: "Baby {escape} cues"\n') == (
        "x.yaml:2: YAML syntax error: found invalid Unicode character escape code (write the character itself, or as "
        "\\U and 8 hex digits (\\U0001F600 for 😀): YAML does not join a pair of \\u escapes, as JSON writes such a "
        "character, and a half alone is no character)")


@pytest.mark.parametrize("written", ["{key}: 1\nz: 2\n", "{key}: 1\n", "a:\n  - {key}: 1\n", "é: 1\n'{key}': 1\n"])
def test_a_key_longer_than_yaml_allows_is_told_so(written: str) -> None:
    """18-verify24 I6: a key over YAML's 1,024 characters was "could not find expected ':'" or "mapping values are not
    allowed", with the indentation fix; a long text after a key is still told to be quoted."""
    text = written.format(key="k" * 3000)
    line = text[:text.index("k")].count("\n") + 1
    quoted = 2 * written.startswith("é")
    assert _problem(text) == (
        f"x.yaml:{line}: YAML syntax error: this key (the text before `:`) is {3000 + quoted:,} characters long, more "
        "than the 1,024 YAML allows a key (shorten the key: no field of a course file has a name this long)")
    assert _problem(f"title: {'k' * 3000}: 1\n").endswith("(check the indentation, and put text containing ': ' or '#' "
                                                          "in quotes)")
    assert parse_yaml(f"{'k' * 1024}: 1\n", "x.yaml")[0] == {"k" * 1024: 1}
