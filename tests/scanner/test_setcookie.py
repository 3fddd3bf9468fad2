"""Set-Cookie parsing and the rules by which every browser refuses a cookie."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from samtycke.scanner.setcookie import SetCookie, invalid_reason, is_secure_origin, parse_set_cookie


def test_parse_all_attributes() -> None:
    c = parse_set_cookie(
        "id=a=b; Domain=.Example.com; Path=/x; Max-Age=60; Secure; HttpOnly; SameSite=none; Partitioned"
    )
    assert c == SetCookie(
        name="id",
        value="a=b",
        domain="example.com",
        path="/x",
        max_age=60,
        secure=True,
        http_only=True,
        same_site="None",
        partitioned=True,
    )
    assert c.lifetime() == 60.0 and not c.deletes


def test_expires_and_max_age_precedence() -> None:
    c = parse_set_cookie("a=1; Expires=Wed, 21 Oct 2015 07:28:00 GMT")
    assert c is not None and c.expires_at == 1445412480.0
    assert c.lifetime(now=1445412480.0 - 10) == 10.0
    both = parse_set_cookie("a=1; Expires=Wed, 21 Oct 2015 07:28:00 GMT; Max-Age=5")
    assert both is not None and both.lifetime() == 5.0
    assert parse_set_cookie("a=; Max-Age=0").deletes  # type: ignore[union-attr]
    assert parse_set_cookie("a=1; Max-Age=soon").max_age is None  # type: ignore[union-attr]
    assert parse_set_cookie("a=1").lifetime() is None  # type: ignore[union-attr]


def test_no_pair_is_none() -> None:
    assert parse_set_cookie("justtext; Path=/") is None


@pytest.mark.parametrize(
    ("line", "url", "reason"),
    [
        ("a=1", "http://example.com/", None),
        ("a=1; Domain=example.com", "https://www.example.com/", None),
        (
            "a=1; Domain=example.org",
            "https://example.com/",
            "Domain=example.org does not match the host example.com",
        ),
        (
            "a=1; Domain=ample.com",
            "https://example.com/",
            "Domain=ample.com does not match the host example.com",
        ),
        ("a=1; Secure", "http://example.com/", "Secure cookie set over an insecure connection"),
        ("a=1; Secure", "http://tp.localhost:8000/", None),
        ("a=1; SameSite=None", "https://example.com/", "SameSite=None without Secure"),
        ("a=1; Partitioned", "https://example.com/", "Partitioned without Secure"),
        ("__Secure-a=1", "https://example.com/", "__Secure- prefix without Secure"),
        (
            "__Host-a=1; Secure; Path=/; Domain=example.com",
            "https://example.com/",
            "__Host- prefix needs Secure, Path=/ and no Domain",
        ),
        ("__Host-a=1; Secure; Path=/", "https://example.com/", None),
        ("=", "https://example.com/", "no name and no value"),
    ],
)
def test_invalid_reason(line: str, url: str, reason: str | None) -> None:
    parsed = parse_set_cookie(line)
    assert parsed is not None
    assert invalid_reason(parsed, url) == reason


def test_secure_origins() -> None:
    assert [
        is_secure_origin(u)
        for u in (
            "https://a.com/",
            "http://localhost:1/",
            "http://x.localhost/",
            "http://127.0.0.1/",
            "http://a.com/",
            "http://10.0.0.1/",
        )
    ] == [True, True, True, True, False, False]


@given(st.text(max_size=200))
def test_parser_never_raises(line: str) -> None:
    parsed = parse_set_cookie(line)
    if parsed is not None:
        invalid_reason(parsed, "https://example.com/")
