"""The one module of id checks: full-string matches only."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from samtycke import ids

CHECKS = [
    (ids.is_hex32, "0" * 32),
    (ids.is_hex64, "a" * 64),
    (ids.is_slug, "google-analytics"),
    (ids.is_uint, "1700000000"),
    (ids.is_domain, "billogram.com"),
]


@pytest.mark.parametrize(("check", "good"), CHECKS)
def test_accepts_the_plain_value(check: object, good: str) -> None:
    assert check(good)  # type: ignore[operator]


@pytest.mark.parametrize(("check", "good"), CHECKS)
@pytest.mark.parametrize("tail", ["\n", "\r\n", " ", "\x00", "\u2028"])
def test_refuses_a_value_with_anything_after_it(check: object, good: str, tail: str) -> None:
    assert not check(good + tail)  # type: ignore[operator]
    assert not check(tail + good)  # type: ignore[operator]


@pytest.mark.parametrize(("check", "good"), CHECKS)
@pytest.mark.parametrize("other", [None, 1, b"abc", ["x"]])
def test_refuses_what_is_not_a_string(check: object, good: str, other: object) -> None:
    assert not check(other)  # type: ignore[operator]


def test_slug_refuses_edge_hyphens_and_upper_case() -> None:
    for bad in ("-a", "a-", "a--b", "A", ""):
        assert not ids.is_slug(bad)


def test_new_ids_are_fresh_hex32() -> None:
    a, b = ids.new_id(), ids.new_id()
    assert ids.is_hex32(a) and ids.is_hex32(b) and a != b


_HEXISH = st.text("0123456789abcdefABCDEF \n-g\u0660", min_size=30, max_size=34)
_ID_VALUES = (
    _HEXISH
    | st.text("0123456789abcdef", min_size=31, max_size=33)
    | st.none()
    | st.integers()
    | st.binary(min_size=16, max_size=16)
)


@given(
    record_id=_ID_VALUES,
    consent_id=_ID_VALUES,
    fingerprint=_ID_VALUES | st.text("0123456789abcdef ", min_size=62, max_size=66),
    decision_id=_ID_VALUES,
)
def test_record_ids_are_checked_together_as_each_alone(
    record_id: object, consent_id: object, fingerprint: object, decision_id: object
) -> None:
    alone = (
        ids.is_hex32(record_id)
        and ids.is_hex32(consent_id)
        and ids.is_hex64(fingerprint)
        and (decision_id is None or ids.is_hex32(decision_id))
    )
    assert ids.are_record_ids(record_id, consent_id, fingerprint, decision_id) == alone


def test_record_ids_of_a_stored_record_pass() -> None:
    assert ids.are_record_ids("0" * 32, "f" * 32, "9a" * 32, None)
    assert ids.are_record_ids("0" * 32, "f" * 32, "9a" * 32, "1" * 32)
    assert not ids.are_record_ids("0" * 32, "f" * 32, "9a" * 32, "")
