"""Validation finds where a link's target is written by string search when the text has no escapes: the
places must be those the patterns `_LINK_SYNTAX(target)` and `(target)` find, which the search replaced."""

from __future__ import annotations

import re

from hypothesis import given, settings
from hypothesis import strategies as st

from builder.validation import _LINK_SYNTAX, LINK_SYNTAX, _after_syntax, _anywhere

#: Pieces texts and targets are made of: every link syntax, parts of them, and plain letters.
PIECES = st.sampled_from([*LINK_SYNTAX, "]", "(", ":", " ", '"', "'", "a", "b", "ab"])


@settings(max_examples=600, deadline=None)
@given(st.lists(PIECES, max_size=12).map("".join), st.lists(PIECES, min_size=1, max_size=3).map("".join),
       st.integers(min_value=0, max_value=40))
def test_string_search_finds_what_the_patterns_find(text: str, target: str, start: int) -> None:
    start = min(start, len(text))
    for syntax, search in (("", _anywhere), (_LINK_SYNTAX, _after_syntax)):
        pattern = re.compile(syntax + f"({re.escape(target)})")
        assert list(search(text, target, start)) == [match.span(1) for match in pattern.finditer(text, start)]


def test_the_first_syntax_wins_where_two_start_at_the_same_place() -> None:
    # `](<` and `](` both start at 0, each followed by `<<`: the pattern tries `](<` first
    assert list(_after_syntax("](<<<", "<<", 0)) == [(3, 5)]
    # `]: ` is followed by `<<` at 3, but `]: <`, listed first, by `<<` at 4: found after the search passed 3
    assert list(_after_syntax("]: <<<", "<<", 0)) == [(4, 6)]
    assert list(_after_syntax('="x =x', "x", 0)) == [(2, 3), (5, 6)]
