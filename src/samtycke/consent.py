"""The consent cookie: one codec and one validity rule, shared by server, middleware and docs.

The banner writes a first-party cookie named ``samtycke`` whose value is::

    v=2&id=<32 hex>&r=<revision>&f=<12 hex>&t=<unix seconds>&m=<method>&c=<cat>.<cat>&x=<service>.<service>

- ``v``  format version, ``2``
- ``id`` consent id: 128 random bits as 32 lower-case hex digits
- ``r``  the declaration revision the person answered
- ``f``  the first 12 hex digits of the declaration's fingerprint: any change of
         what the person was shown (a service, cookie, category, purpose, text)
         changes it, so they are asked again without a raised ``revision``
- ``t``  when they answered, UTC, seconds since 1970
- ``m``  how: ``a`` accept-all, ``r`` reject-all, ``c`` custom, ``w`` withdraw,
         ``g`` Global Privacy Control, ``d`` Do Not Track
- ``c``  accepted categories (``necessary`` is always accepted)
- ``x``  services refused inside an accepted category (optional)

A format-1 cookie (no ``f``) still decodes, so a renewed decision keeps its
consent id, but it is never current: nobody can tell which content it was
given for. Every character is legal in a cookie value without quoting.
Decoding is strict and total: anything malformed, oversized or hostile gives
``None``. tests/vectors/consent-cookie.json holds the cases both this codec and
banner/src/cookie.ts must agree on.
"""

from __future__ import annotations

import time
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from samtycke import ids
from samtycke.contract import COOKIE_FINGERPRINT_DIGITS

COOKIE_NAME = "samtycke"
FORMAT_VERSION = 2
READ_VERSIONS = ("1", "2")
MAX_COOKIE_LENGTH = 2048
MAX_SLUGS = 64
# Seconds a stored decision may be "from the future" or past its end and still
# count: a visitor's clock that is off by a few minutes either way must not
# make banner and middleware disagree (the banner applies the same slack).
CLOCK_SLACK = 300

METHODS = {
    "a": "accept-all",
    "r": "reject-all",
    "c": "custom",
    "w": "withdraw",
    "g": "gpc",
    "d": "dnt",
}
METHOD_CODES = {name: code for code, name in METHODS.items()}
EXPLICIT_METHODS = frozenset({"accept-all", "reject-all", "custom", "withdraw"})


@dataclass(frozen=True)
class ConsentState:
    """A person's current decision as stored in their consent cookie (contract: ConsentCookie)."""

    consent_id: str
    revision: int
    timestamp: int
    categories: frozenset[str]
    method: str = "custom"
    refused_services: frozenset[str] = frozenset()
    # The fingerprint prefix of the declaration answered; None in a format-1 cookie.
    fingerprint: str | None = None

    @property
    def explicit(self) -> bool:
        """True for a choice the person made, False for one derived from GPC or DNT."""
        return self.method in EXPLICIT_METHODS

    def allows(self, category: str) -> bool:
        """True when ``category`` is accepted (``necessary`` always is)."""
        return category == "necessary" or category in self.categories

    def allows_service(self, service: str, category: str) -> bool:
        """True when the service's category is accepted and the service not refused."""
        return self.allows(category) and service not in self.refused_services

    def window(self, revision: int, fingerprint: str, consent_days: int) -> tuple[int, int] | None:
        """The times ``[start, end)`` in which this decision is current; None if never.

        THE validity rule: given for this revision and this fingerprint, and
        ``0 <= now - timestamp < consent_days`` with :data:`CLOCK_SLACK` on both sides.
        """
        if self.revision != revision or self.fingerprint is None:
            return None
        if self.fingerprint != fingerprint[:COOKIE_FINGERPRINT_DIGITS]:
            return None
        return (
            self.timestamp - CLOCK_SLACK,
            self.timestamp + consent_days * 86400 + CLOCK_SLACK,
        )

    def is_current(
        self, revision: int, fingerprint: str, consent_days: int, now: float | None = None
    ) -> bool:
        """True when this decision holds at ``now`` for the declaration described (see :meth:`window`)."""
        span = self.window(revision, fingerprint, consent_days)
        now = time.time() if now is None else now
        return span is not None and span[0] <= now < span[1]


def new_consent_id() -> str:
    """A fresh random 128-bit consent id (32 hex digits)."""
    return ids.new_id()


def encode_consent_cookie(
    choices: Mapping[str, bool] | Iterable[str],
    revision: int,
    consent_id: str | None = None,
    timestamp: int | float | None = None,
    method: str = "custom",
    refused_services: Iterable[str] = (),
    *,
    fingerprint: str,
) -> str:
    """The cookie value for a decision on the declaration with ``fingerprint``.

    ``choices`` is ``{"analytics": True, …}`` or an iterable of accepted
    category ids. Raises ``ValueError`` for values the format cannot carry.
    """
    accepted = (
        [k for k, v in choices.items() if v] if isinstance(choices, Mapping) else list(choices)
    )
    cats = sorted({"necessary", *accepted})
    refused = sorted(set(refused_services))
    cid = consent_id or new_consent_id()
    fp = fingerprint[:COOKIE_FINGERPRINT_DIGITS]
    if not ids.is_hex32(cid):
        raise ValueError(f"consent id {cid!r} is not 32 lower-case hex digits")
    if not ids.is_hex12(fp):
        raise ValueError(f"fingerprint {fingerprint!r} is not lower-case hex")
    if method not in METHOD_CODES:
        raise ValueError(f"method {method!r} is not one of {', '.join(METHOD_CODES)}")
    if isinstance(revision, bool) or not isinstance(revision, int) or revision < 1:
        raise ValueError(f"revision {revision!r} must be a whole number of at least 1")
    if len(cats) > MAX_SLUGS or len(refused) > MAX_SLUGS:
        raise ValueError(f"at most {MAX_SLUGS} categories and {MAX_SLUGS} refused services")
    for slug in (*cats, *refused):
        if not ids.is_slug(slug):
            raise ValueError(f"{slug!r} is not a category or service id (a-z, 0-9 and '-')")
    t = int(time.time() if timestamp is None else timestamp)
    if t < 0:
        raise ValueError(f"timestamp {t} is before 1970")
    value = (
        f"v={FORMAT_VERSION}&id={cid}&r={revision}&f={fp}&t={t}"
        f"&m={METHOD_CODES[method]}&c={'.'.join(cats)}"
    )
    if refused:
        value += "&x=" + ".".join(refused)
    return value


def decode_consent_cookie(value: str | None) -> ConsentState | None:
    """Parse a consent cookie value; ``None`` for anything that is not a valid one."""
    if not value or not isinstance(value, str) or len(value) > MAX_COOKIE_LENGTH:
        return None
    if value.startswith('"') and value.endswith('"') and len(value) >= 2:
        value = value[1:-1]  # some servers quote cookie values
    fields: dict[str, str] = {}
    for part in value.split("&"):
        key, sep, val = part.partition("=")
        if not sep or key in fields:
            return None
        fields[key] = val
    version = fields.get("v")
    if version not in READ_VERSIONS:
        return None
    cid, rev, ts, m, c = (fields.get(k, "") for k in ("id", "r", "t", "m", "c"))
    if not (ids.is_hex32(cid) and ids.is_uint(rev) and ids.is_uint(ts) and m in METHODS):
        return None
    fp = fields.get("f") if version == "2" else None
    if version == "2" and not ids.is_hex12(fp):
        return None
    cats = _slugs(c)
    refused = _slugs(fields.get("x", ""))
    if cats is None or refused is None or int(rev) < 1:
        return None
    return ConsentState(
        cid,
        int(rev),
        int(ts),
        frozenset(cats | {"necessary"}),
        METHODS[m],
        frozenset(refused),
        fp,
    )


def _slugs(text: str) -> set[str] | None:
    if not text:
        return set()
    parts = text.split(".")
    if len(parts) > MAX_SLUGS or not all(ids.is_slug(p) for p in parts):
        return None
    return set(parts)
