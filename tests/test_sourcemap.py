"""The YAML reader gives the values PyYAML's safe loader gives, plus the line of every key and item."""

from __future__ import annotations

import pytest
import yaml

from builder.sourcemap import parse_yaml

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
