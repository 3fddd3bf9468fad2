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
from dataclasses import dataclass
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
        return canonical_record(self.seq, self.recorded_us, self.decision, self.format)


@functools.lru_cache(maxsize=4096)  # a batch shares one time; strftime is slow
def format_us(us: int) -> str:
    """Microseconds since 1970 (UTC) as ``YYYY-MM-DDTHH:MM:SS.ffffffZ``."""
    stamp = dt.datetime(1970, 1, 1, tzinfo=dt.UTC) + dt.timedelta(microseconds=us)
    return stamp.strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def canonical_record(
    seq: int, recorded_us: int, decision: Decision, fmt: int = RECORD_FORMAT
) -> bytes:
    """The bytes hashed for a record: sorted-key JSON of every proof field.

    Values go in as they are: a choice stored as the string ``"false"`` hashes
    differently from ``false``, so a type-confused row cannot verify.
    """
    d = decision
    content: dict[str, Any] = {
        "format": fmt,
        "seq": seq,
        "record_id": d.record_id,
        "consent_id": d.consent_id,
        "site": d.site,
        "recorded_at": format_us(recorded_us),
        "revision": d.revision,
        "fingerprint": d.fingerprint,
        "language": d.language,
        "method": d.method,
        "choices": dict(d.choices),
        "url": d.url,
        "ip": d.ip,
        "user_agent": d.user_agent,
    }
    if fmt >= 2:
        content["decision_id"] = d.decision_id
        content["refused_services"] = list(d.refused_services)
        content["source"] = d.source
    return json.dumps(content, sort_keys=True, separators=(",", ":"), ensure_ascii=True).encode()


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
