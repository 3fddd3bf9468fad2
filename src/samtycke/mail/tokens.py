"""Signed tokens: what a pixel, a tracked link or a preference link stands for.

A token is ``base64url(payload) "." base64url(signature)``: the payload is
compact JSON naming the kind, site, campaign, recipient id, language and (for a
link) its target; the signature is HMAC-SHA256 under the mail key's token
sub-key, cut to 128 bits, checked with a constant-time compare. A token whose
payload was changed — another target, another recipient — does not verify, so
the click endpoint redirects only to targets this server signed.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import hmac
import json
from dataclasses import dataclass
from typing import Any, Literal

from samtycke import ids
from samtycke.mail.errors import MailError
from samtycke.mail.keys import MailKey
from samtycke.redirects import safe_redirect

TokenKind = Literal["open", "click", "prefs"]
MAX_TOKEN = 4096  # longer path segments are refused before any decoding
_SIG_BYTES = 16
_KINDS: dict[str, TokenKind] = {"o": "open", "c": "click", "p": "prefs"}
_CODES = {v: k for k, v in _KINDS.items()}


@dataclass(frozen=True)
class Token:
    """What a verified token says."""

    kind: TokenKind
    site: str
    recipient: str
    language: str
    campaign: str | None = None
    target: str | None = None


def is_safe_target(url: str) -> bool:
    """True for a link target the click endpoint may redirect to (see samtycke.redirects)."""
    return safe_redirect(url) is not None


def sign(key: MailKey, token: Token) -> str:
    """The token text for ``token`` (MailError for a value a token cannot carry)."""
    if not ids.is_slug(token.site):
        raise MailError(f"site {token.site!r} is not a site id")
    if not ids.is_hex32(token.recipient):
        raise MailError("a recipient id is 32 lower-case hex digits")
    if token.campaign is not None and not is_campaign(token.campaign):
        raise MailError(
            f"campaign {token.campaign!r} is not a campaign id "
            '(a-z, 0-9 and single hyphens, at most 64 characters, like "newsletter-2026-12")'
        )
    if token.kind == "click" and (token.target is None or not is_safe_target(token.target)):
        raise MailError(f"link target {token.target!r} is not an absolute http(s) URL")
    body: dict[str, Any] = {"k": _CODES[token.kind], "s": token.site, "r": token.recipient}
    body["l"] = token.language
    if token.campaign is not None:
        body["c"] = token.campaign
    if token.target is not None:
        body["u"] = token.target
    payload = json.dumps(body, separators=(",", ":"), sort_keys=True).encode()
    return f"{_b64(payload)}.{_b64(_signature(key, payload))}"


def verify(key: MailKey, text: str, kind: TokenKind) -> Token | None:
    """The token ``text`` stands for when it is genuine and of ``kind``; else None."""
    if len(text) > MAX_TOKEN or text.count(".") != 1:
        return None
    head, _, tail = text.partition(".")
    payload, sig = _unb64(head), _unb64(tail)
    if payload is None or sig is None:
        return None
    if not hmac.compare_digest(sig, _signature(key, payload)):
        return None
    try:
        body = json.loads(payload)
    except ValueError:
        return None
    return _token_of(body, kind)


def is_campaign(value: object) -> bool:
    """True for a campaign id: a slug of at most 64 characters."""
    return ids.is_slug(value) and len(str(value)) <= 64


def _token_of(body: object, kind: TokenKind) -> Token | None:
    # Signed by us, so malformed bodies mean a key shared with something else:
    # still refused field by field rather than trusted.
    if not isinstance(body, dict) or _KINDS.get(body.get("k", "")) != kind:
        return None
    site, rid, lang = body.get("s"), body.get("r"), body.get("l")
    campaign, target = body.get("c"), body.get("u")
    if not (isinstance(site, str) and isinstance(rid, str) and isinstance(lang, str)):
        return None
    if not (ids.is_slug(site) and ids.is_hex32(rid) and ids.is_slug(lang)):
        return None
    if campaign is not None and not is_campaign(campaign):
        return None
    if kind == "click" and not (isinstance(target, str) and is_safe_target(target)):
        return None
    return Token(kind, site, rid, lang, campaign, target if kind == "click" else None)


def _signature(key: MailKey, payload: bytes) -> bytes:
    return hmac.new(key.sub_key("token"), payload, hashlib.sha256).digest()[:_SIG_BYTES]


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def _unb64(text: str) -> bytes | None:
    if not text or not all(ch.isalnum() or ch in "-_" for ch in text) or not text.isascii():
        return None
    try:
        return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))
    except (binascii.Error, ValueError):
        return None
