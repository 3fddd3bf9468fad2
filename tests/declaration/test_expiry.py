"""The expiry grammar."""

from __future__ import annotations

import contextlib

import pytest
from hypothesis import given
from hypothesis import strategies as st

from samtycke.declaration.expiry import UNITS, Expiry, ExpiryGrammarError, parse_expiry


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("session", Expiry("session")),
        ("Persistent", Expiry("persistent")),
        ("730 days", Expiry("duration", 730, "days")),
        ("1 year", Expiry("duration", 1, "years")),
        (" 5 minutes ", Expiry("duration", 5, "minutes")),
        ("3months", Expiry("duration", 3, "months")),
    ],
)
def test_parses_the_grammar(text: str, expected: Expiry) -> None:
    assert parse_expiry(text) == expected


@pytest.mark.parametrize(
    ("text", "hint"),
    [
        ("2 yeers", '(try "2 years", "session" or "persistent")'),
        ("10 dayz", '(try "10 days", "session" or "persistent")'),
        ("forever", '(try "persistent", for a cookie that does not expire)'),
        ("Lives forever", '(try "persistent", for a cookie that does not expire)'),
        ("until further notice", '(try "persistent", for a cookie that does not expire)'),
        (
            "until the browser closes",
            '(try "session", for a cookie deleted when the browser closes)',
        ),
        ("soon", '(try "30 days", "session" or "persistent")'),
        ("", '(try "30 days", "session" or "persistent")'),
        ("-1 days", '(try "30 days", "session" or "persistent")'),
    ],
)
def test_bad_expiry_has_a_hint(text: str, hint: str) -> None:
    with pytest.raises(ExpiryGrammarError) as info:
        parse_expiry(text)
    assert str(info.value) == hint


def test_zero_is_rejected() -> None:
    with pytest.raises(ExpiryGrammarError, match="at least 1"):
        parse_expiry("0 days")


def test_lengths() -> None:
    assert parse_expiry("1 day").seconds == 86400
    assert parse_expiry("2 weeks").days == 14
    assert parse_expiry("session").seconds is None
    assert str(parse_expiry("1 years")) == "1 year"
    assert str(parse_expiry("30 day")) == "30 days"


@given(st.integers(min_value=1, max_value=10**6), st.sampled_from(UNITS), st.booleans())
def test_round_trips_through_str(amount: int, unit: str, singular: bool) -> None:
    word = unit[:-1] if singular else unit
    e = parse_expiry(f"{amount} {word}")
    assert parse_expiry(str(e)) == e
    assert e.seconds is not None and e.seconds >= 60 * amount


@given(st.text(max_size=40))
def test_never_raises_anything_but_the_grammar_error(text: str) -> None:
    with contextlib.suppress(ExpiryGrammarError):
        parse_expiry(text)
