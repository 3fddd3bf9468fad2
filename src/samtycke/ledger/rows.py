"""Reading ledger rows strictly: every stored value must have its exact type.

The database is not trusted. A row whose value has the wrong type (the string
``"false"`` where a choice is a boolean, a revision of ``1.9``, a time stored as
text) is named here rather than coerced, so the hash is always computed over
what is really stored and a type-confused row can never verify.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from typing import Any

from samtycke import ids
from samtycke.errors import ChainError
from samtycke.ledger import schema
from samtycke.ledger.records import FORMATS, Decision, Record, compact_json

RECORD_COLUMNS = tuple(c.name for c in schema.records.columns)
_COL = {name: i for i, name in enumerate(RECORD_COLUMNS)}


class MalformedRow(ChainError):
    """A stored row does not have the shape samtycke writes; ``seq`` names it."""

    def __init__(self, message: str, seq: int | None = None) -> None:
        self.seq = seq
        self.record_id: str | None = None
        super().__init__(message)


def _is_int(value: object) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def _show(value: object) -> str:
    text = repr(value)
    return (text[:57] + "...") if len(text) > 60 else text


def _bad(where: str, column: str, value: object, want: str, seq: int | None) -> MalformedRow:
    kind = type(value).__name__
    return MalformedRow(f"{where}: {column} holds {_show(value)} ({kind}), not {want}", seq)


def _text(where: str, row: Sequence[Any], column: str, seq: int, nullable: bool) -> Any:
    value = row[_COL[column]]
    if value is None and nullable:
        return None
    if not isinstance(value, str):
        raise _bad(where, column, value, "text", seq)
    return value


def _json_text(where: str, column: str, value: object, seq: int) -> Any:
    if not isinstance(value, str):
        raise _bad(where, column, value, "JSON text", seq)
    try:
        parsed = json.loads(value)
    except ValueError:
        raise _bad(where, column, value, "JSON text", seq) from None
    if compact_json(parsed) != value:
        raise _bad(where, column, value, "compact sorted JSON as samtycke writes it", seq)
    return parsed


def decode_record(row: Sequence[Any]) -> Record:
    """A ``consent_records`` row (in ``RECORD_COLUMNS`` order) as a record, or MalformedRow."""
    seq = row[_COL["seq"]]
    if not _is_int(seq):
        raise _bad("a record", "seq", seq, "an integer", None)
    where = f"record {seq}"
    for column in ("recorded_us", "revision", "format"):
        if not _is_int(row[_COL[column]]):
            raise _bad(where, column, row[_COL[column]], "an integer", seq)
    fmt = row[_COL["format"]]
    if fmt not in FORMATS:
        raise _bad(where, "format", fmt, f"one of {FORMATS}", seq)
    for column, check, want in (
        ("record_id", ids.is_hex32, "32 hex digits"),
        ("consent_id", ids.is_hex32, "32 hex digits"),
        ("fingerprint", ids.is_hex64, "64 hex digits"),
        ("prev_hash", ids.is_hex64, "64 hex digits"),
        ("hash", ids.is_hex64, "64 hex digits"),
    ):
        if not check(row[_COL[column]]):
            raise _bad(where, column, row[_COL[column]], want, seq)
    choices = _json_text(where, "choices", row[_COL["choices"]], seq)
    if not isinstance(choices, dict) or not all(isinstance(v, bool) for v in choices.values()):
        raise _bad(where, "choices", row[_COL["choices"]], "an object of true/false", seq)
    decision_id, refused, source = (
        row[_COL[c]] for c in ("decision_id", "refused_services", "source")
    )
    if fmt == 1:
        for column, value in (
            ("decision_id", decision_id),
            ("refused_services", refused),
            ("source", source),
        ):
            if value is not None:
                raise _bad(where, column, value, "NULL (format 1 records do not hold it)", seq)
        services: tuple[str, ...] = ()
        source = "banner"
    else:
        if decision_id is not None and not ids.is_hex32(decision_id):
            raise _bad(where, "decision_id", decision_id, "32 hex digits or NULL", seq)
        parsed = _json_text(where, "refused_services", refused, seq)
        if not isinstance(parsed, list) or not all(isinstance(s, str) for s in parsed):
            raise _bad(where, "refused_services", refused, "a list of service ids", seq)
        services = tuple(parsed)
        source = _text(where, row, "source", seq, nullable=False)
    decision = Decision(
        record_id=row[_COL["record_id"]],
        consent_id=row[_COL["consent_id"]],
        site=_text(where, row, "site", seq, nullable=False),
        revision=row[_COL["revision"]],
        fingerprint=row[_COL["fingerprint"]],
        language=_text(where, row, "language", seq, nullable=False),
        method=_text(where, row, "method", seq, nullable=False),
        choices=choices,
        url=_text(where, row, "url", seq, nullable=True),
        ip=_text(where, row, "ip", seq, nullable=True),
        user_agent=_text(where, row, "user_agent", seq, nullable=True),
        decision_id=decision_id,
        refused_services=services,
        source=source,
    )
    return Record(
        seq, row[_COL["recorded_us"]], row[_COL["prev_hash"]], row[_COL["hash"]], decision, fmt
    )


def record_values(rec: Record) -> tuple[Any, ...]:
    """A record as a tuple in ``RECORD_COLUMNS`` order, ready to insert."""
    d = rec.decision
    v2 = rec.format >= 2
    row = {
        "seq": rec.seq,
        "record_id": d.record_id,
        "consent_id": d.consent_id,
        "site": d.site,
        "recorded_us": rec.recorded_us,
        "revision": d.revision,
        "fingerprint": d.fingerprint,
        "language": d.language,
        "method": d.method,
        "choices": compact_json(dict(d.choices)),
        "url": d.url,
        "ip": d.ip,
        "user_agent": d.user_agent,
        "prev_hash": rec.prev_hash,
        "hash": rec.hash,
        "format": rec.format,
        "decision_id": d.decision_id if v2 else None,
        "refused_services": compact_json(list(d.refused_services)) if v2 else None,
        "source": d.source if v2 else None,
    }
    return tuple(row[c] for c in RECORD_COLUMNS)
