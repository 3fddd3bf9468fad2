"""The package's one Set-Cookie parser: RFC 6265bis as Chromium applies it."""

from __future__ import annotations

import calendar
import re

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from samtycke.setcookie import (
    SetCookie,
    attribute_reason,
    deletion_header,
    parse_cookie_date,
    parse_max_age,
    parse_set_cookie,
)
from tests.enforce.hostile import HOSTILE


@pytest.mark.parametrize(("attributes", "deletes"), HOSTILE)
def test_reads_every_recorded_header_as_chromium_does(attributes: str, deletes: bool) -> None:
    assert parse_set_cookie(f"_ga=new{attributes}").deletes is deletes


@pytest.mark.parametrize("text", ["0_0", "\xa00", "0\x85", "\uff10", "\u0660", " 0", "0x0", "1e0"])
def test_max_age_is_never_read_leniently(text: str) -> None:
    assert parse_max_age(text) is None


def test_max_age_values() -> None:
    assert parse_max_age("0") == 0 and parse_max_age("-0") == 0 and parse_max_age("+7") == 7
    assert parse_max_age("99999999999999999999") == 2**63 - 1
    assert parse_max_age("-99999999999999999999x") == -(2**63 - 1)
    assert parse_max_age("-5x") is None and parse_max_age("") is None


@settings(deadline=None)  # a loaded machine must not fail a test that asserts no time
@given(st.text(max_size=40))
def test_a_readable_max_age_is_ascii_digits(text: str) -> None:
    if parse_max_age(text) is not None:
        assert re.match(r"[+-]?[0-9]+", text, re.ASCII)


def utc(*fields: int) -> float:
    return float(calendar.timegm((*fields, 0, 0, 0)[:6]))


@pytest.mark.parametrize(
    ("text", "when"),
    [
        ("Thu, 01 Jan 69 00:00:00 GMT", utc(2069, 1, 1)),
        ("Thu, 01 Jan 70 00:00:00 GMT", utc(1970, 1, 1)),
        ("Sun, 06 Nov 1994 08:49:37 GMT", utc(1994, 11, 6, 8, 49, 37)),
        ("Sunday, 06-Nov-94 08:49:37 GMT", utc(1994, 11, 6, 8, 49, 37)),
        ("Sun Nov  6 08:49:37 1994", utc(1994, 11, 6, 8, 49, 37)),
        ("2000 01 Jan 000:00:00", utc(2000, 1, 1)),
        ("1 Jan 069 0:0:0", utc(2069, 1, 1)),
        ("29 Feb 2000 00:00:00", utc(2000, 2, 29)),
        ("1 Jan 1600 00:00:00", utc(1601, 1, 1)),
        ("1x 1 Jan 2000 00:00:00", utc(2000, 1, 1)),
        ("29 Feb 2001 00:00:00", None),
        ("1st Jan 2000 00:00:00", None),
        ("1 Jan 2000 24:00:00", None),
        ("1 Jan 2000 1:2:3:4", None),
        ("1 Jan 2000 00:00:00x", None),
        ("1 Jan 123456 00:00:00", None),
        ("junk", None),
    ],
)
def test_cookie_dates(text: str, when: float | None) -> None:
    assert parse_cookie_date(text) == when


def test_the_last_attribute_counts_even_when_unreadable() -> None:
    assert parse_set_cookie("a=1; Max-Age=0; Max-Age=abc").max_age is None
    assert parse_set_cookie("a=1; Expires=1 Jan 2000 00:00:00; Expires=").expires_at is None
    assert parse_set_cookie("a=1; Max-Age=abc; Expires=1 Jan 2000 00:00:00").deletes


def test_lines_every_browser_ignores() -> None:
    assert parse_set_cookie("a=1\x01; Max-Age=0").ignored == "control character in the header"
    assert parse_set_cookie("a=1\tb; Max-Age=0").ignored == "tab inside the name or value"
    assert parse_set_cookie("=; Max-Age=0").ignored == "no name and no value"
    assert parse_set_cookie("a=" + "x" * 4096).ignored is not None
    refused = parse_set_cookie("a=; Max-Age=0; SameSite=None")
    assert attribute_reason(refused) == "SameSite=None without Secure" and not refused.deletes


def test_a_nameless_pair_and_attributes() -> None:
    assert parse_set_cookie("value; Max-Age=0") == SetCookie(name="", value="value", max_age=0)
    c = parse_set_cookie("a=b=c ;Domain=.Shop.Example; Path=nope; SameSite=lax; HttpOnly")
    assert (c.name, c.value, c.domain, c.path, c.same_site, c.http_only) == (
        "a",
        "b=c",
        "shop.example",
        None,
        "Lax",
        True,
    )


def test_deletion_headers_round_trip() -> None:
    header = deletion_header("_ga", "shop.example", "/shop")
    assert (
        header
        == "_ga=; Max-Age=0; Expires=Thu, 01 Jan 1970 00:00:00 GMT; Domain=shop.example; Path=/shop"
    )
    parsed = parse_set_cookie(header)
    assert parsed.deletes and parsed.domain == "shop.example" and parsed.path == "/shop"
    assert deletion_header("__Host-id", None, "/").endswith("; Path=/; Secure")


@settings(deadline=None)  # a loaded machine must not fail a test that asserts no time
@given(st.text(max_size=300))
def test_never_raises(line: str) -> None:
    parsed = parse_set_cookie(line)
    assert isinstance(parsed.deletes, bool)
