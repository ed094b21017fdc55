"""The YAML reader gives the values PyYAML's safe loader gives, plus the line of every key and item."""

from __future__ import annotations

import pytest
import yaml

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
