"""Cookie names and * patterns."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from samtycke.declaration.patterns import PatternError, check_name, matches

NAME_CHARS = st.sampled_from("abcdefghijklmnopqrstuvwxyzABCZ0123456789_-.!#$%&'+^`|~")


@pytest.mark.parametrize(
    ("pattern", "name", "expected"),
    [
        ("_ga", "_ga", True),
        ("_ga", "_gat", False),
        ("_ga_*", "_ga_ABC", True),
        ("_ga_*", "_ga_", True),
        ("_ga_*", "_ga", False),
        ("_gat_UA-*", "_gat_UA-19061048-2", True),
        ("visitor_id*-hash", "visitor_id123-hash", True),
        ("visitor_id*-hash", "visitor_id123-hashX", False),
        ("a.b", "aXb", False),  # regex characters are literal
    ],
)
def test_matches(pattern: str, name: str, expected: bool) -> None:
    assert matches(pattern, name) is expected


@pytest.mark.parametrize(
    "bad", ["", "*", "**", "a**b", "two words", "semi;colon", "eq=al", 'quo"te', "tab\t"]
)
def test_invalid_names(bad: str) -> None:
    with pytest.raises(PatternError):
        check_name(bad)


@given(st.text(NAME_CHARS, min_size=1, max_size=12), st.text(NAME_CHARS, max_size=12))
def test_prefix_pattern_matches_every_extension(prefix: str, rest: str) -> None:
    check_name(prefix + "*")
    assert matches(prefix + "*", prefix + rest)
    assert matches(prefix + rest, prefix + rest)
