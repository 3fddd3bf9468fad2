"""Just enough cookie parsing for the hot path.

The request side reads one cookie (``samtycke``) out of the ``Cookie`` header
without building a dict of every cookie. The response side reads the name of a
``Set-Cookie`` header, and only when a cookie would be stripped its ``Domain``
and whether it deletes the cookie (a deletion must always pass: it is how an
app honours a withdrawal).
"""

from __future__ import annotations

import time
from email.utils import parsedate_to_datetime

from samtycke.consent import COOKIE_NAME

_NEEDLE = COOKIE_NAME + "="
# A Cookie header longer than this is not read at all: browsers cap a header at
# a few KiB, so a longer one is hostile and scanning it would only cost time.
MAX_COOKIE_HEADER = 16384


def consent_cookie_value(header: str | None) -> str | None:
    """The value of the ``samtycke`` cookie in a ``Cookie`` request header, if any.

    When the cookie appears twice (a path- or domain-scoped duplicate) the first
    one wins, as in browsers' ordering by most specific path.
    """
    if not header or len(header) > MAX_COOKIE_HEADER:
        return None
    start = 0
    while True:
        i = header.find(_NEEDLE, start)
        if i < 0:
            return None
        # Only a match at the start of a cookie-pair counts ("xsamtycke=" does not).
        if i == 0 or header[i - 1] in "; \t":
            j = header.find(";", i)
            return (header[i + len(_NEEDLE) :] if j < 0 else header[i + len(_NEEDLE) : j]).strip()
        start = i + 1


def set_cookie_name(header: str) -> str:
    """The cookie name of a ``Set-Cookie`` header value (``""`` when it has none)."""
    name, sep, _ = header.partition("=")
    if not sep or ";" in name:
        return ""
    return name.strip()


def set_cookie_attributes(header: str) -> dict[str, str]:
    """The attributes of a ``Set-Cookie`` value, lower-cased names (``domain``, ``max-age``…)."""
    attrs: dict[str, str] = {}
    for part in header.split(";")[1:]:
        key, _, val = part.partition("=")
        attrs[key.strip().lower()] = val.strip()
    return attrs


def set_cookie_domain(attrs: dict[str, str]) -> str | None:
    """The ``Domain`` attribute without its legacy leading dot, or ``None``."""
    domain = attrs.get("domain", "").strip().lstrip(".").lower()
    return domain or None


def is_deletion(attrs: dict[str, str], now: float | None = None) -> bool:
    """True when the header removes the cookie (``Max-Age`` ≤ 0 or ``Expires`` in the past)."""
    max_age = attrs.get("max-age")
    if max_age is not None:
        try:
            return int(max_age) <= 0
        except ValueError:
            return False  # an unreadable Max-Age is ignored by browsers; so here
    expires = attrs.get("expires")
    if not expires:
        return False
    try:
        when = parsedate_to_datetime(expires).timestamp()
    except (TypeError, ValueError, IndexError, OverflowError):
        return False
    return when < (time.time() if now is None else now)
