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
import json
from collections.abc import Mapping
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
    # The canonical bytes of the values as stored, when read from the database.
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


@functools.lru_cache(maxsize=4096)  # a batch shares one time; strftime is slow
def format_us(us: int) -> str:
    """Microseconds since 1970 (UTC) as ``YYYY-MM-DDTHH:MM:SS.ffffffZ``."""
    stamp = dt.datetime(1970, 1, 1, tzinfo=dt.UTC) + dt.timedelta(microseconds=us)
    return stamp.strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def _s(value: str | None) -> str:
    # Exactly what json.dumps(..., ensure_ascii=True) writes for a string or None.
    return "null" if value is None else _ascii_string(value)


def canonical_record(
    seq: int,
    recorded_us: int,
    decision: Decision,
    fmt: int = RECORD_FORMAT,
    *,
    choices_text: str | None = None,
    services_text: str | None = None,
) -> bytes:
    """The bytes hashed for a record: sorted-key JSON of every proof field.

    The same bytes as ``json.dumps(content, sort_keys=True, separators=(",",
    ":"), ensure_ascii=True)`` of the field object (docs/ledger.md), written
    out key by key because verify builds millions of them. Values go in as
    they are: a choice stored as the string ``"false"`` hashes differently
    from ``false``, so a type-confused row cannot verify. ``choices_text`` and
    ``services_text`` are the stored JSON texts, used as they are when given
    (the reader has checked they are the compact form of those values).
    """
    d = decision
    choices = compact_json(dict(d.choices)) if choices_text is None else choices_text
    parts = ['{"choices":', choices, ',"consent_id":', _s(d.consent_id)]
    if fmt >= 2:
        parts += [',"decision_id":', _s(d.decision_id)]
    parts += [
        ',"fingerprint":', _s(d.fingerprint),
        ',"format":', str(fmt),
        ',"ip":', _s(d.ip),
        ',"language":', _s(d.language),
        ',"method":', _s(d.method),
        ',"record_id":', _s(d.record_id),
        ',"recorded_at":"', format_us(recorded_us), '"',  # digits and punctuation only
    ]  # fmt: skip
    if fmt >= 2:
        services = (
            compact_json(list(d.refused_services)) if services_text is None else services_text
        )
        parts += [',"refused_services":', services]
    parts += [',"revision":', str(d.revision), ',"seq":', str(seq), ',"site":', _s(d.site)]
    if fmt >= 2:
        parts += [',"source":', _s(d.source)]
    parts += [',"url":', _s(d.url), ',"user_agent":', _s(d.user_agent), "}"]
    return "".join(parts).encode()


def link_hash(prev_hash: str, canonical: bytes) -> str:
    """The chain link: sha256 over the previous hash (32 raw bytes) then the record."""
    return hashlib.sha256(bytes.fromhex(prev_hash) + canonical).hexdigest()


def seal(seq: int, recorded_us: int, prev_hash: str, decision: Decision) -> Record:
    """Place ``decision`` at ``seq`` after a record whose hash is ``prev_hash``."""
    digest = link_hash(prev_hash, canonical_record(seq, recorded_us, decision))
    return Record(seq, recorded_us, prev_hash, digest, decision)


def compact_json(value: object) -> str:
    """JSON as stored in the ledger's text columns: sorted keys, no spaces."""
    return json.dumps(value, sort_keys=True, separators=(",", ":"), ensure_ascii=True)


def choices_json(choices: Mapping[str, bool]) -> str:
    """Choices as stored in the database: compact sorted JSON."""
    return compact_json(dict(choices))
