"""The one module of id checks: full-string matches only."""

from __future__ import annotations

import pytest

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
