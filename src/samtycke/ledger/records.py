"""Consent records and their canonical form, the unit the hash chain links.

A record's hash is ``sha256(prev_hash_bytes || canonical_record(record))``: the
canonical form is a JSON object with sorted keys, no spaces and ASCII escapes,
so any auditor can recompute it with a few lines in any language (see
``docs/ledger.md``). ``seq`` is the record's place in the chain; it is part of
the hashed content so a moved row cannot verify in its new place.
"""

from __future__ import annotations

import datetime as dt
import functools
import hashlib
import json.encoder
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from json.encoder import encode_basestring_ascii as _ascii_string  # the C escaper json uses
from typing import Any

GENESIS_HASH = "0" * 64
# Format 2 hashes the decision id, refused services and source too, and hashes
# the stored values as they are (format 1 hashed ``bool(v)`` of each choice).
RECORD_FORMAT = 2
FORMATS = (1, 2)


@dataclass(frozen=True)
class Decision:
    """One consent decision as validated by the server, before it joins the chain."""

    record_id: str
    consent_id: str
    site: str
    revision: int
    fingerprint: str
    language: str
    method: str
    choices: Mapping[str, bool]
    url: str | None = None
    ip: str | None = None
    user_agent: str | None = None
    # The client's id for this one decision: a retried POST carries the same one.
    decision_id: str | None = None
    # Services refused inside an accepted category, sorted.
    refused_services: tuple[str, ...] = ()
    # Where the person decided: banner, settings, api, placeholder, gpc or dnt.
    source: str = "banner"


@dataclass(frozen=True)
class Record:
    """A decision placed in the chain: position, server time and hashes added."""

    seq: int
    recorded_us: int
    prev_hash: str
    hash: str
    decision: Decision
    format: int = RECORD_FORMAT
    # The canonical bytes of the values: as stored when read from the database,
    # as hashed when sealed (so a receipt does not build them a second time).
    stored: bytes | None = field(default=None, compare=False, repr=False)

    @property
    def recorded_at(self) -> str:
        """Server UTC time as ISO 8601 with microseconds and a ``Z``."""
        return format_us(self.recorded_us)

    def as_dict(self) -> dict[str, Any]:
        """Every field as plain JSON-ready data (what export and the API show)."""
        d = self.decision
        return {
            "seq": self.seq,
            "record_id": d.record_id,
            "consent_id": d.consent_id,
            "site": d.site,
            "recorded_at": self.recorded_at,
            "revision": d.revision,
            "fingerprint": d.fingerprint,
            "language": d.language,
            "method": d.method,
            "choices": dict(sorted(d.choices.items())),
            "url": d.url,
            "ip": d.ip,
            "user_agent": d.user_agent,
            "decision_id": d.decision_id,
            "refused_services": list(d.refused_services) if self.format >= 2 else None,
            "source": d.source if self.format >= 2 else None,
            "format": self.format,
            "prev_hash": self.prev_hash,
            "hash": self.hash,
        }

    def canonical(self) -> bytes:
        """The exact bytes this record's hash covers."""
        if self.stored is not None:
            return self.stored
        return canonical_record(self.seq, self.recorded_us, self.decision, self.format)


_EPOCH = dt.datetime(1970, 1, 1, tzinfo=dt.UTC)


@functools.lru_cache(maxsize=4096)  # records of one day share it; strftime is slow
def _day(days: int) -> str:
    return (_EPOCH + dt.timedelta(days=days)).strftime("%Y-%m-%dT")


def format_us(us: int) -> str:
    """Microseconds since 1970 (UTC) as ``YYYY-MM-DDTHH:MM:SS.ffffffZ``.

    Raises OverflowError for a time outside the years 1 to 9999.
    """
    days, rest = divmod(us, 86_400_000_000)
    seconds, micros = divmod(rest, 1_000_000)
    minutes, seconds = divmod(seconds, 60)
    hours, minutes = divmod(minutes, 60)
    # %-format, not an f-string: a third fewer instructions per call (callgrind), and
    # verify formats a time for each of millions of records
    return "%s%02d:%02d:%02d.%06dZ" % (_day(days), hours, minutes, seconds, micros)  # noqa: UP031


# The keys of the hashed object, sorted as json.dumps(sort_keys=True) writes them;
# format 1 lacks the last three of these.
_KEYS = sorted(
    ("choices", "consent_id", "fingerprint", "format", "ip", "language", "method", "record_id",
     "recorded_at", "revision", "seq", "site", "url", "user_agent",
     "decision_id", "refused_services", "source")
)  # fmt: skip
_FORMAT_2_KEYS = ("decision_id", "refused_services", "source")
# Keys whose value is always text of hex digits (the time: digits and punctuation)
# once the caller has checked the ids: JSON writes it between quotes as it is.
_PLAIN_IDS = ("consent_id", "fingerprint", "record_id")
# One %-template per format and per (unchecked, checked) ids: the format number is
# fixed text, every other key a %s slot, quoted where the value needs no escaping.
_TEMPLATE = {
    (fmt, checked): "{"
    + ",".join(
        f'"{k}":{fmt}'
        if k == "format"
        else f'"{k}":"%s"'
        if k == "recorded_at" or (checked and k in _PLAIN_IDS)
        else f'"{k}":%s'
        for k in _KEYS
        if fmt >= 2 or k not in _FORMAT_2_KEYS
    )
    + "}"
    for fmt in FORMATS
    for checked in (False, True)
}


def json_string(value: str | None) -> str:
    """Exactly what json.dumps(..., ensure_ascii=True) writes for a string or None."""
    return "null" if value is None else _ascii_string(value)


def canonical_values(
    fmt: int, seq: int, recorded_us: int, record_id: str, consent_id: str, site: str,
    revision: int, fingerprint: str, language: str, method: str, choices_text: str,
    url: str | None, ip: str | None, user_agent: str | None, decision_id: str | None,
    services_text: str | None, source: str | None, ids_checked: bool = False,
) -> bytes:  # fmt: skip
    """The hashed bytes of these values; ``choices_text`` and ``services_text`` are JSON.

    The one place the canonical object is written, through one template
    because verify builds millions: :func:`canonical_record` fills it from a
    decision, the strict row reader from the stored values as they are. With
    ``ids_checked`` the caller has found the record id, consent id and
    fingerprint to be hex digits (``ids.are_record_ids``): they go in unescaped.
    Raises OverflowError for a time outside the years 1 to 9999.
    """
    e, s = _ascii_string, json_string  # e for the values that are never None
    if ids_checked:
        rid, cid, fp = record_id, consent_id, fingerprint
    else:
        rid, cid, fp = e(record_id), e(consent_id), e(fingerprint)
    stamp = format_us(recorded_us)
    if fmt < 2:
        values: tuple[object, ...] = (
            choices_text, cid, fp, s(ip), e(language), e(method), rid, stamp, revision, seq,
            e(site), s(url), s(user_agent),
        )  # fmt: skip
    else:
        values = (
            choices_text, cid, s(decision_id), fp, s(ip), e(language), e(method), rid, stamp,
            services_text, revision, seq, e(site), s(source), s(url), s(user_agent),
        )  # fmt: skip
    return (_TEMPLATE[fmt, ids_checked] % values).encode()


def canonical_record(
    seq: int, recorded_us: int, decision: Decision, fmt: int = RECORD_FORMAT
) -> bytes:
    """The bytes hashed for a record: sorted-key JSON of every proof field.

    The same bytes as ``json.dumps(content, sort_keys=True, separators=(",",
    ":"), ensure_ascii=True)`` of the field object (docs/ledger.md). Values go
    in as they are: a choice stored as the string ``"false"`` hashes
    differently from ``false``, so a type-confused row cannot verify.
    """
    d = decision
    return canonical_values(
        fmt, seq, recorded_us, d.record_id, d.consent_id, d.site, d.revision, d.fingerprint,
        d.language, d.method, compact_json(dict(d.choices)), d.url, d.ip, d.user_agent,
        d.decision_id, compact_json(list(d.refused_services)), d.source,
    )  # fmt: skip


def link_hash(prev_hash: str, canonical: bytes) -> str:
    """The chain link: sha256 over the previous hash (32 raw bytes) then the record."""
    return hashlib.sha256(bytes.fromhex(prev_hash) + canonical).hexdigest()


def seal(seq: int, recorded_us: int, prev_hash: str, decision: Decision) -> Record:
    """Place ``decision`` at ``seq`` after a record whose hash is ``prev_hash``."""
    content = canonical_record(seq, recorded_us, decision)
    return Record(
        seq, recorded_us, prev_hash, link_hash(prev_hash, content), decision, stored=content
    )


_COMPACT = json.encoder.JSONEncoder(sort_keys=True, separators=(",", ":"), ensure_ascii=True)
# json.dumps with these options builds an encoder per call, and JSONEncoder.encode
# builds its C scanner per call: a few microseconds each, four times per consent. Built
# once here, without the circular-reference check (the values are parsed JSON or
# plain records, never cyclic).
_MAKE_C: Callable[..., Callable[[object, int], Iterable[str]]] | None = getattr(
    json.encoder, "c_make_encoder", None
)
_COMPACT_C = (
    None
    if _MAKE_C is None
    else _MAKE_C(None, _COMPACT.default, _ascii_string, None, ":", ",", True, False, True)
)


def compact_json(value: object) -> str:
    """JSON as stored in the ledger's text columns: sorted keys, no spaces."""
    if _COMPACT_C is None:
        return _COMPACT.encode(value)
    return "".join(_COMPACT_C(value, 0))


def choices_json(choices: Mapping[str, bool]) -> str:
    """Choices as stored in the database: compact sorted JSON."""
    return compact_json(dict(choices))
