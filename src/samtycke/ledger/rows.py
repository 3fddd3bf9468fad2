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
from samtycke.ledger.records import (
    FORMATS,
    Decision,
    Record,
    canonical_values,
    compact_json,
)

# The columns of ``consent_records`` in table order (``schema.records``; a test
# keeps the two the same). Spelled out so the strict reader, and verify's checker
# process with it, need no SQLAlchemy.
RECORD_COLUMNS = (
    "seq",
    "record_id",
    "consent_id",
    "site",
    "recorded_us",
    "revision",
    "fingerprint",
    "language",
    "method",
    "choices",
    "url",
    "ip",
    "user_agent",
    "prev_hash",
    "hash",
    "format",
    "decision_id",
    "refused_services",
    "source",
)
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


# Stored JSON texts already found well-formed: a ledger holds few distinct choice
# sets, and checking each again for a million rows would dominate verify.
_CHOICES: dict[str, dict[str, bool]] = {}
_SERVICES: dict[str, tuple[str, ...]] = {}
_CACHE_MAX = 4096


def _choices(where: str, value: object, seq: int) -> dict[str, bool]:
    if isinstance(value, str):
        hit = _CHOICES.get(value)
        if hit is not None:
            return dict(hit)
    parsed = _json_text(where, "choices", value, seq)
    if not isinstance(parsed, dict) or not all(type(v) is bool for v in parsed.values()):
        raise _bad(where, "choices", value, "an object of true/false", seq)
    if len(_CHOICES) >= _CACHE_MAX:
        _CHOICES.clear()
    _CHOICES[value] = parsed  # type: ignore[index]
    return dict(parsed)


def _services(where: str, value: object, seq: int) -> tuple[str, ...]:
    if isinstance(value, str):
        hit = _SERVICES.get(value)
        if hit is not None:
            return hit
    parsed = _json_text(where, "refused_services", value, seq)
    if not isinstance(parsed, list) or not all(isinstance(x, str) for x in parsed):
        raise _bad(where, "refused_services", value, "a list of service ids", seq)
    if len(_SERVICES) >= _CACHE_MAX:
        _SERVICES.clear()
    _SERVICES[value] = tuple(parsed)  # type: ignore[index]
    return tuple(parsed)


_INTS = ("recorded_us", "revision", "format")
_IDS = (
    ("record_id", ids.is_hex32, "32 hex digits"),
    ("consent_id", ids.is_hex32, "32 hex digits"),
    ("fingerprint", ids.is_hex64, "64 hex digits"),
)
_TEXTS = ("site", "language", "method", "prev_hash", "hash")
_OPTIONAL_TEXTS = ("url", "ip", "user_agent")


def _name_problem(row: Sequence[Any]) -> MalformedRow | None:
    """The first wrong value of a row, named (None when every value is well-typed)."""
    seq = row[0]
    if type(seq) is not int:
        return _bad("a record", "seq", seq, "an integer", None)
    where = f"record {seq}"
    for column in _INTS:
        value = row[_COL[column]]
        if type(value) is not int:
            return _bad(where, column, value, "an integer", seq)
    fmt = row[_COL["format"]]
    if fmt not in FORMATS:
        return _bad(where, "format", fmt, f"one of {FORMATS}", seq)
    for column, check, want in _IDS:
        if not check(row[_COL[column]]):
            return _bad(where, column, row[_COL[column]], want, seq)
    for column in _TEXTS:
        if type(row[_COL[column]]) is not str:
            return _bad(where, column, row[_COL[column]], "text", seq)
    for column in _OPTIONAL_TEXTS:
        value = row[_COL[column]]
        if value is not None and type(value) is not str:
            return _bad(where, column, value, "text or NULL", seq)
    v2 = (("decision_id", "32 hex digits or NULL"), ("source", "text"))
    for column, want in v2 if fmt == 2 else ():
        value = row[_COL[column]]
        ok = ids.is_hex32(value) or value is None if column == "decision_id" else type(value) is str
        if not ok:
            return _bad(where, column, value, want, seq)
    for column in ("decision_id", "refused_services", "source") if fmt == 1 else ():
        if row[_COL[column]] is not None:
            return _bad(
                where, column, row[_COL[column]], "NULL (format 1 records do not hold it)", seq
            )
    return None


def stored_canonical(row: Sequence[Any]) -> bytes:
    """The canonical bytes of exactly a row's stored values, or MalformedRow naming a wrong one.

    The strict reader's one pass over a ``consent_records`` row (in
    ``RECORD_COLUMNS`` order): every type is checked in one expression for
    the common case (``_name_problem`` explains a failure), and the stored JSON
    texts go into the hashed bytes as they are. Verify calls it for each of
    millions of rows without building a record.
    """
    (seq, record_id, consent_id, site, recorded_us, revision, fingerprint, language, method,
     choices_text, url, ip, user_agent, prev_hash, digest, fmt, decision_id, refused,
     source) = row  # fmt: skip
    str_ = str
    if not (
        type(seq) is int
        and type(recorded_us) is int
        and type(revision) is int
        and type(site) is str_
        and type(language) is str_
        and type(method) is str_
        and type(prev_hash) is str_
        and type(digest) is str_
        and (url is None or type(url) is str_)
        and (ip is None or type(ip) is str_)
        and (user_agent is None or type(user_agent) is str_)
        and ids.are_record_ids(record_id, consent_id, fingerprint, decision_id)
        and (
            (fmt == 2 and type(source) is str_)
            or (fmt == 1 and decision_id is None and refused is None and source is None)
        )
    ):
        problem = _name_problem(row)
        raise problem if problem is not None else MalformedRow(f"record {seq!r}: malformed")
    if type(choices_text) is not str_ or choices_text not in _CHOICES:
        _choices(f"record {seq}", choices_text, seq)
    if fmt == 2 and (type(refused) is not str_ or refused not in _SERVICES):
        _services(f"record {seq}", refused, seq)
    try:
        return canonical_values(
            fmt, seq, recorded_us, record_id, consent_id, site, revision, fingerprint,
            language, method, choices_text, url, ip, user_agent, decision_id, refused, source,
            ids_checked=True,  # by are_record_ids above
        )  # fmt: skip
    except OverflowError:
        raise _bad(
            f"record {seq}", "recorded_us", recorded_us, "a time in the years 1 to 9999", seq
        ) from None


def decode_record(row: Sequence[Any]) -> Record:
    """A ``consent_records`` row (in ``RECORD_COLUMNS`` order) as a record, or MalformedRow.

    The record carries the canonical bytes of exactly the stored values
    (``Record.stored``), which is what verify hashes.
    """
    stored = stored_canonical(row)
    (seq, record_id, consent_id, site, recorded_us, revision, fingerprint, language, method,
     choices_text, url, ip, user_agent, prev_hash, digest, fmt, decision_id, refused,
     source) = row  # fmt: skip
    choices = _choices(f"record {seq}", choices_text, seq)  # found well-formed above: cached
    if fmt == 1:
        services: tuple[str, ...] = ()
        source = "banner"
    else:
        services = _services(f"record {seq}", refused, seq)
    decision = Decision(
        record_id=record_id, consent_id=consent_id, site=site, revision=revision,
        fingerprint=fingerprint, language=language, method=method, choices=choices, url=url,
        ip=ip, user_agent=user_agent, decision_id=decision_id, refused_services=services,
        source=source,
    )  # fmt: skip
    return Record(seq, recorded_us, prev_hash, digest, decision, fmt, stored)


def record_values(rec: Record) -> tuple[Any, ...]:
    """A record as a tuple in ``RECORD_COLUMNS`` order, ready to insert."""
    d = rec.decision
    v2 = rec.format >= 2
    return (
        rec.seq, d.record_id, d.consent_id, d.site, rec.recorded_us, d.revision, d.fingerprint,
        d.language, d.method, compact_json(dict(d.choices)), d.url, d.ip, d.user_agent,
        rec.prev_hash, rec.hash, rec.format, d.decision_id if v2 else None,
        compact_json(list(d.refused_services)) if v2 else None, d.source if v2 else None,
    )  # fmt: skip
