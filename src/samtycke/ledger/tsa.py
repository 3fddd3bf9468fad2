"""A minimal RFC 3161 client: ask a time-stamp authority to sign a sha256 digest.

Only what samtycke needs: a ``TimeStampReq`` for one SHA-256 imprint with a
nonce and ``certReq`` set, posted as ``application/timestamp-query``; the reply
is kept as it came (``.tsr``) for anyone to check with ``openssl ts -verify``.
Here the reply is checked for a granted status and for carrying the imprint.
"""

from __future__ import annotations

import secrets
import urllib.error
import urllib.request

from samtycke.declaration.urls import url_problem
from samtycke.errors import LedgerError

_SHA256_OID = bytes.fromhex("0609608648016503040201")  # 2.16.840.1.101.3.4.2.1
TIMEOUT_S = 30
URL_HINT = "give the http:// or https:// URL of an RFC 3161 time-stamp authority"


def _der(tag: int, body: bytes) -> bytes:
    n = len(body)
    if n < 0x80:
        size = bytes([n])
    else:
        raw = n.to_bytes((n.bit_length() + 7) // 8, "big")
        size = bytes([0x80 | len(raw)]) + raw
    return bytes([tag]) + size + body


def _int(value: int) -> bytes:
    raw = value.to_bytes(value.bit_length() // 8 + 1, "big")
    return _der(0x02, raw)


def timestamp_request(digest: bytes, nonce: int) -> bytes:
    """The DER ``TimeStampReq`` for a SHA-256 ``digest``."""
    algorithm = _der(0x30, _SHA256_OID + b"\x05\x00")
    imprint = _der(0x30, algorithm + _der(0x04, digest))
    return _der(0x30, _int(1) + imprint + _int(nonce) + b"\x01\x01\xff")


def _read(data: bytes, at: int) -> tuple[int, int, int]:
    """(tag, start of body, end of body) of the DER element at ``at``."""
    tag, first = data[at], data[at + 1]
    at += 2
    if first < 0x80:
        size = first
    else:
        count = first & 0x7F
        size = int.from_bytes(data[at : at + count], "big")
        at += count
    if at + size > len(data):
        raise ValueError("truncated DER")
    return tag, at, at + size


def reply_status(reply: bytes) -> int:
    """The PKIStatus of a ``TimeStampResp`` (0 granted, 1 granted with changes)."""
    tag, body, _ = _read(reply, 0)
    if tag != 0x30:
        raise ValueError("not a DER SEQUENCE")
    tag, body, _ = _read(reply, body)  # PKIStatusInfo
    if tag != 0x30:
        raise ValueError("no PKIStatusInfo")
    tag, start, end = _read(reply, body)
    if tag != 0x02:
        raise ValueError("no status")
    return int.from_bytes(reply[start:end], "big")


def check_reply(reply: bytes, digest: bytes) -> None:
    """Raise LedgerError unless ``reply`` grants a timestamp over ``digest``."""
    try:
        status = reply_status(reply)
    except (ValueError, IndexError):
        raise LedgerError("the time-stamp authority's reply is not an RFC 3161 response") from None
    if status not in (0, 1):
        raise LedgerError(f"the time-stamp authority refused (PKIStatus {status})")
    if digest not in reply:
        raise LedgerError("the time-stamp authority's token is not over the anchor's digest")


def request_timestamp(url: str, digest: bytes) -> bytes:
    """Post a request for ``digest`` to ``url``; the checked DER reply."""
    problem = url_problem(url)
    if problem is not None:  # never another scheme urllib knows, such as file:
        raise LedgerError(f"time-stamp authority {url!r}: {problem} ({URL_HINT})")
    body = timestamp_request(digest, secrets.randbits(63))
    req = urllib.request.Request(
        url, data=body, method="POST", headers={"Content-Type": "application/timestamp-query"}
    )
    try:
        with urllib.request.urlopen(req, timeout=TIMEOUT_S) as resp:
            reply: bytes = resp.read(1_000_000)
    except (urllib.error.URLError, OSError, ValueError) as exc:
        reason = getattr(exc, "reason", None) or exc
        raise LedgerError(f"cannot reach the time-stamp authority {url}: {reason}") from None
    check_reply(reply, digest)
    return reply
