"""Cookie-header and Set-Cookie parsing used on the hot path."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from samtycke.enforce.cookies import (
    consent_cookie_value,
    is_deletion,
    set_cookie_attributes,
    set_cookie_domain,
    set_cookie_name,
)


def test_the_consent_cookie_is_found_only_as_a_whole_name() -> None:
    assert consent_cookie_value("samtycke=abc") == "abc"
    assert consent_cookie_value("a=1; samtycke=abc; b=2") == "abc"
    assert consent_cookie_value("a=1;samtycke=abc") == "abc"
    assert consent_cookie_value("xsamtycke=no; samtycke=yes") == "yes"
    assert consent_cookie_value("xsamtycke=no") is None
    assert consent_cookie_value("a=samtycke=no") is None
    assert consent_cookie_value("samtycke=first; samtycke=second") == "first"
    assert consent_cookie_value(None) is None
    assert consent_cookie_value("") is None
    assert consent_cookie_value("samtycke=" + "a" * 20000) is None


def test_set_cookie_names_and_attributes() -> None:
    assert set_cookie_name("_ga=1; Path=/") == "_ga"
    assert set_cookie_name(" spaced =1") == "spaced"
    assert set_cookie_name("novalue") == ""
    assert set_cookie_name("flag; a=b") == ""
    attrs = set_cookie_attributes("x=1; Domain=.Shop.Example; Secure; Max-Age=5")
    assert attrs == {"domain": ".Shop.Example", "secure": "", "max-age": "5"}
    assert set_cookie_domain(attrs) == "shop.example"
    assert set_cookie_domain({}) is None


def test_deletion_is_max_age_zero_or_a_past_expiry() -> None:
    assert is_deletion({"max-age": "0"})
    assert not is_deletion({"max-age": "10", "expires": "Thu, 01 Jan 1970 00:00:00 GMT"})
    assert is_deletion({"expires": "Thu, 01 Jan 1970 00:00:00 GMT"})
    assert not is_deletion({"expires": "Thu, 01 Jan 1970 00:00:00 GMT"}, now=0)
    assert not is_deletion({"expires": ""})
    assert not is_deletion({})


@given(st.text(max_size=300))
def test_parsers_never_raise(text: str) -> None:
    consent_cookie_value(text)
    set_cookie_name(text)
    attrs = set_cookie_attributes(text)
    set_cookie_domain(attrs)
    is_deletion(attrs)
