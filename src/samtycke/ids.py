"""Every identifier samtycke accepts from outside, checked in one place.

Each check is a full-string match (``re.fullmatch``): Python's ``$`` also
matches before a final newline, so ``"…\\n"`` would pass an ``^…$`` pattern
and then break whatever stores or compares the value. Nothing else in the
package compiles a pattern for these shapes; it calls the functions here.
"""

from __future__ import annotations

import re
import secrets

_HEX32 = re.compile(r"[0-9a-f]{32}")
_HEX64 = re.compile(r"[0-9a-f]{64}")
_HEX12 = re.compile(r"[0-9a-f]{12}")
_SLUG = re.compile(r"[a-z0-9]+(?:-[a-z0-9]+)*")
_UINT = re.compile(r"[0-9]{1,12}")
_DOMAIN = re.compile(
    r"\.?(?:[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\.)*[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?"
)


def _matches(pattern: re.Pattern[str], value: object) -> bool:
    return isinstance(value, str) and pattern.fullmatch(value) is not None


def is_hex32(value: object) -> bool:
    """True for 32 lower-case hex digits (consent, record and decision ids)."""
    return _matches(_HEX32, value)


def is_hex64(value: object) -> bool:
    """True for 64 lower-case hex digits (sha256 fingerprints and hashes)."""
    return _matches(_HEX64, value)


def is_hex12(value: object) -> bool:
    """True for 12 lower-case hex digits (the fingerprint prefix in the consent cookie)."""
    return _matches(_HEX12, value)


def are_record_ids(
    record_id: object, consent_id: object, fingerprint: object, decision_id: object
) -> bool:
    """is_hex32 of both ids, is_hex64 of the fingerprint and is_hex32 (or None) of the decision id.

    In one pass: verify checks them for each of millions of stored rows.
    ``bytes.fromhex`` reads hex digits of either case and skips spaces, so its
    bytes written back as lower-case hex equal the text only when the text is
    lower-case hex digits alone; the lengths are checked on their own.
    """
    if not (
        type(record_id) is str
        and type(consent_id) is str
        and type(fingerprint) is str
        and len(record_id) == 32
        and len(consent_id) == 32
        and len(fingerprint) == 64
    ):
        return False
    text = record_id + consent_id + fingerprint
    if decision_id is not None:
        if type(decision_id) is not str or len(decision_id) != 32:
            return False
        text += decision_id
    try:
        return bytes.fromhex(text).hex() == text
    except ValueError:
        return False


def is_slug(value: object) -> bool:
    """True for a site, category or service id: a-z, 0-9 and single inner hyphens."""
    return _matches(_SLUG, value)


def is_uint(value: object) -> bool:
    """True for 1 to 12 decimal digits (revisions and times in the consent cookie)."""
    return _matches(_UINT, value)


def is_domain(value: object) -> bool:
    """True for a lower-case host name, optionally with a leading dot."""
    return _matches(_DOMAIN, value)


def is_site_domain(value: object) -> bool:
    """A domain a site may declare: a host name with a dot, or ``localhost`` for development."""
    return is_domain(value) and isinstance(value, str) and ("." in value or value == "localhost")


def new_id() -> str:
    """A fresh random 128-bit id as 32 hex digits (consent and decision ids)."""
    return secrets.token_hex(16)
