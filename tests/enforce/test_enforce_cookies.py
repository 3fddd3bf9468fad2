"""Cookie-header reading used on the hot path."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from samtycke.enforce.cookies import consent_cookie_value, cookie_names, set_cookie_name


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


def test_set_cookie_names_trim_only_spaces_and_tabs() -> None:
    assert set_cookie_name("_ga=1; Path=/") == "_ga"
    assert set_cookie_name(" spaced\t=1") == "spaced"
    assert set_cookie_name("novalue") == ""
    assert set_cookie_name("flag; a=b") == ""
    # To a browser these are other cookies than "sessionid": so they are here.
    assert set_cookie_name("sessionid\xa0=1") == "sessionid\xa0"
    assert set_cookie_name("\x85sessionid=1") == "\x85sessionid"


def test_request_cookie_names() -> None:
    assert cookie_names("_ga=1; samtycke=v=1&x; _ga=2;lang=sv; noeq; =x") == [
        "_ga",
        "samtycke",
        "lang",
    ]
    assert cookie_names(None) == [] and cookie_names("x=" + "1" * 20000) == []


@settings(deadline=None)  # a loaded machine must not fail a test that asserts no time
@given(st.text(max_size=300))
def test_readers_never_raise(text: str) -> None:
    consent_cookie_value(text)
    set_cookie_name(text)
    cookie_names(text)
