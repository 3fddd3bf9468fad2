"""Signed tokens: they round-trip, and nothing changed or forged verifies."""

from __future__ import annotations

import base64
import hashlib
import hmac
import json

import pytest
from hypothesis import given
from hypothesis import strategies as st

from samtycke.mail import MailError, MailKey, Token, sign, verify
from tests.mail.conftest import KEY

RID = "ab" * 16
CLICK = Token("click", "shop", RID, "sv", "news-1", "https://shop.example/offer?a=1&b=2")


def _parts(text: str) -> tuple[dict[str, str], str]:
    head, sig = text.split(".")
    body = json.loads(base64.urlsafe_b64decode(head + "=" * (-len(head) % 4)))
    return body, sig


def _forge(body: dict[str, str], sig: str) -> str:
    raw = json.dumps(body, separators=(",", ":"), sort_keys=True).encode()
    return base64.urlsafe_b64encode(raw).rstrip(b"=").decode() + "." + sig


def test_a_token_says_what_was_signed() -> None:
    assert verify(KEY, sign(KEY, CLICK), "click") == CLICK
    pixel = Token("open", "shop", RID, "en", "news-1")
    assert verify(KEY, sign(KEY, pixel), "open") == pixel


def test_a_changed_target_does_not_verify() -> None:
    body, sig = _parts(sign(KEY, CLICK))
    body["u"] = "https://evil.example/phish"
    assert verify(KEY, _forge(body, sig), "click") is None


def test_a_changed_recipient_or_campaign_does_not_verify() -> None:
    body, sig = _parts(sign(KEY, CLICK))
    assert verify(KEY, _forge({**body, "r": "cd" * 16}, sig), "click") is None
    assert verify(KEY, _forge({**body, "c": "other"}, sig), "click") is None


def test_another_key_or_kind_does_not_verify() -> None:
    text = sign(KEY, CLICK)
    assert verify(MailKey(b"\x01" * 32), text, "click") is None
    assert verify(KEY, text, "open") is None  # a link token is no pixel token
    assert verify(KEY, text, "prefs") is None


@pytest.mark.parametrize(
    "text",
    ["", ".", "abc", "a.b.c", "!!.??", "x" * 5000, "eyJrIjoiYyJ9.", ".c2ln", "é.é"],
)
def test_garbage_is_refused(text: str) -> None:
    assert verify(KEY, text, "click") is None


@given(st.text(max_size=200))
def test_no_text_verifies_without_the_key(text: str) -> None:
    assert verify(KEY, text, "click") is None


@pytest.mark.parametrize(
    "target",
    [
        "javascript:alert(1)",
        "//evil.example/",
        "/relative",
        "data:text/html,<script>",
        "https://",
        "https://shop.example/a b",
        "https:\\\\evil.example",
        "http://shop.example/\r\nSet-Cookie: x=1",
        "ftp://shop.example/file",
        "http://evil.example\\@shop.example/",  # a browser reads the \\ as /: evil.example
        "https://shop.example@evil.example/",
        "https://shop.example:99999/",
    ],
)
def test_only_absolute_http_targets_are_signed(target: str) -> None:
    with pytest.raises(MailError, match="not an absolute http"):
        sign(KEY, Token("click", "shop", RID, "sv", "news-1", target))


def test_a_token_for_a_bad_target_signed_anyway_is_refused() -> None:
    # A key shared with some other signer must not turn into an open redirect.
    body = {"k": "c", "s": "shop", "r": RID, "l": "sv", "c": "n", "u": "javascript:alert(1)"}
    raw = json.dumps(body, separators=(",", ":"), sort_keys=True).encode()
    sig = hmac.new(KEY.sub_key("token"), raw, hashlib.sha256).digest()[:16]
    text = (
        base64.urlsafe_b64encode(raw).rstrip(b"=").decode()
        + "."
        + base64.urlsafe_b64encode(sig).rstrip(b"=").decode()
    )
    assert verify(KEY, text, "click") is None
