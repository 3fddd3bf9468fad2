"""Verifying the chain over one consistent snapshot: every row inside it or named.

Walking the entries (records and purge entries) in ``seq`` order from the
latest purge's cut (or the genesis hash), each entry must

1. sit at the next sequence number (a gap means deleted rows),
2. name the previous entry's hash as ``prev_hash`` (else rows were inserted
   or reordered),
3. hash to its stored ``hash`` over exactly the stored values (else a field
   was altered or its type confused), and
4. be no older than the entry before it and not dated in the future.

The last entry must be the chain head, time included. Rows outside the walked
range are named: ``seq`` ≤ 0, before the latest cut, beyond the head, a seq
used twice, a record id stored twice, a purge checkpoint of samtycke 0.1 (its
cut cannot be checked). Every purge entry's cut is checked (whole days, older
than its retention). Every snapshot must hash to its fingerprint and say the
site and revision its columns say; snapshots no record refers to are listed.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
from collections.abc import Callable
from collections.abc import Set as AbstractSet
from dataclasses import dataclass, field

from samtycke.errors import ChainError
from samtycke.ledger.checker import Row, checked_pages, helper_process
from samtycke.ledger.purge_entry import PurgeEntry, decode_purge
from samtycke.ledger.records import GENESIS_HASH, Record, link_hash
from samtycke.ledger.rows import RECORD_COLUMNS, MalformedRow, decode_record, stored_canonical
from samtycke.ledger.store import Ledger, now_us
from samtycke.ledger.view import ChainHead, View

DAY_US = 86_400 * 1_000_000
FUTURE_SLACK_US = 300 * 1_000_000  # clock skew tolerated between a replica and the verifier
PAGE = 20_000  # records read at a time
_SEQ, _RECORDED_US, _FINGERPRINT, _PREV_HASH, _HASH = (
    RECORD_COLUMNS.index(c) for c in ("seq", "recorded_us", "fingerprint", "prev_hash", "hash")
)


class BrokenChain(ChainError):
    """The chain does not verify; ``seq`` and ``record_id`` name the first bad entry."""

    def __init__(self, message: str, seq: int | None = None, record_id: str | None = None):
        self.seq = seq
        self.record_id = record_id
        super().__init__(message)


@dataclass(frozen=True)
class Verified:
    """What a successful verification covered."""

    records: int
    first_seq: int | None
    head: ChainHead
    purge: PurgeEntry | None
    snapshots: int
    unreferenced: list[str] = field(default_factory=list)


def record_hash_ok(record: Record) -> bool:
    """True when the record's stored hash is the hash of its content and prev_hash."""
    try:
        return link_hash(record.prev_hash, record.canonical()) == record.hash
    except ValueError:  # a prev_hash that is not hex
        return False


def _name(rec: Record) -> str:
    return f"record {rec.seq} (id {rec.decision.record_id})"


def verify_chain(
    ledger: Ledger,
    *,
    at_us: int | None = None,
    also: Callable[[View, Verified], None] | None = None,
    page: int = PAGE,
) -> Verified:
    """Verify the whole ledger in one snapshot; raises BrokenChain naming the first bad entry.

    ``also`` runs further checks (anchors) inside the same snapshot; records
    are read ``page`` rows at a time (from the second page on, a helper
    process hashes some of them: see ``checker.py``).
    """
    with ledger.reading() as view:
        try:
            result = verify_view(view, now_us() if at_us is None else at_us, page)
            if also is not None:
                also(view, result)
        except MalformedRow as exc:
            raise BrokenChain(str(exc), exc.seq) from None
        return result


def verify_view(view: View, now: int, page: int = PAGE) -> Verified:
    """The checks of :func:`verify_chain` over an open view."""
    head = view.head()
    for seq in view.legacy_checkpoints():
        raise BrokenChain(
            f"purge checkpoint at seq {seq} lies outside the chain (written by samtycke 0.1): "
            "its cut cannot be checked",
            seq,
        )
    purges = {e.seq: e for e in (decode_purge(r) for r in view.purges())}
    latest = max(purges.values(), key=lambda e: e.through_seq) if purges else None
    start = latest.through_seq if latest else 0
    prev = latest.through_hash if latest else GENESIS_HASH
    prev_us = latest.through_us if latest else 0
    # started now, its start-up overlaps the checks before the walk
    with helper_process(head.seq - start > page) as helper:
        _outside(view, start, purges)
        snapshots = _snapshots(view)
        # a scan of the whole table: read while the helper starts rather than after
        # the walk, when the other core has nothing left to do
        referenced = view.referenced_fingerprints()
        expected, count, first = start + 1, 0, None
        fingerprints, latest_us = snapshots.keys(), now + FUTURE_SLACK_US
        # closed on leaving, also by an exception: that stops the helper process
        pages = checked_pages(view.record_pages(start, page), helper)
        with contextlib.closing(pages):
            for rows, hashed in pages:
                i, n = 0, len(rows)
                while i < n:
                    entry = purges.get(expected)
                    if entry is not None:
                        if rows[i][_SEQ] == expected:
                            raise BrokenChain(
                                f"seq {expected} is used by a record and a purge entry", expected
                            )
                        _check_purge(entry, prev, prev_us, now)
                        prev, prev_us, expected = entry.hash, entry.recorded_us, expected + 1
                        continue
                    if count:
                        last = min([head.seq] + [s - 1 for s in purges if s > expected])
                        j, prev, prev_us = _run(
                            rows, i, hashed, expected, last, prev, prev_us, latest_us, fingerprints
                        )
                        if j > i:  # on from there: a purge entry may come next
                            expected, count, i = expected + j - i, count + j - i, j
                            continue
                    rec = decode_record(rows[i])
                    if rec.seq > head.seq and rec.seq == expected:
                        raise BrokenChain(
                            f"{_name(rec)} lies beyond the chain head (seq {head.seq}): "
                            "inserted outside the chain",
                            rec.seq,
                            rec.decision.record_id,
                        )
                    _check_record(rec, expected, prev, prev_us, now, fingerprints)
                    if latest is not None and count == 0 and rec.recorded_us < latest.cutoff_us:
                        raise BrokenChain(
                            f"{_name(rec)} is older than the purge cutoff {latest.cutoff_us} µs "
                            "but was kept: the purge did not cut at whole days",
                            rec.seq,
                        )
                    first = rec.seq if first is None else first
                    prev, prev_us, count = rec.hash, rec.recorded_us, count + 1
                    expected, i = rec.seq + 1, i + 1
        while expected in purges:
            _check_purge(purges[expected], prev, prev_us, now)
            prev, prev_us, expected = (
                purges[expected].hash,
                purges[expected].recorded_us,
                expected + 1,
            )
    last = expected - 1
    if head.seq > last:
        raise BrokenChain(
            f"record {last + 1} is missing: the chain ends at seq {last} "
            f"but its head says {head.seq} (records were deleted)",
            last + 1,
        )
    if head.seq < last or head.hash != prev:
        raise BrokenChain(
            f"record {last}: does not match the chain head (seq {head.seq}); "
            "the end of the chain was rewritten",
            last,
        )
    if last > 0 and head.recorded_us != prev_us:
        raise BrokenChain(
            f"the chain head's time ({head.recorded_us} µs) is not the time of its last "
            f"entry, seq {last} ({prev_us} µs): the head was altered",
            last,
        )
    _all_walked(view, count)
    unreferenced = sorted(set(snapshots) - referenced)
    return Verified(count, first, head, latest, len(snapshots), unreferenced)


def _all_walked(view: View, walked: int) -> None:
    """Every stored record was one the walk checked.

    The walk reads a page at a time, each after the last seq of the one
    before. With the primary key dropped, a second row at that seq would be
    skipped, yet shown in its person's history; without NOT NULL, a row could
    have no seq at all. One count in the same snapshot finds either.
    """
    [(stored,)] = view.rows("SELECT COUNT(*) FROM consent_records")
    if int(stored) == walked:
        return
    for seq, n in view.rows(
        "SELECT seq, COUNT(*) FROM consent_records GROUP BY seq HAVING COUNT(*) > 1 LIMIT 1"
    ):
        if seq is not None:
            raise BrokenChain(
                f"seq {seq} is stored {n} times: a record was inserted beside the chain", seq
            )
    for (rid,) in view.rows("SELECT record_id FROM consent_records WHERE seq IS NULL LIMIT 1"):
        raise BrokenChain(f"record id {rid} has no seq: inserted outside the chain", None, rid)
    raise BrokenChain(
        f"{int(stored) - walked} stored records are not in the chain the walk checked"
    )


def _run(
    rows: list[Row],
    i: int,
    hashed: int,
    expected: int,
    last: int,
    prev: str,
    prev_us: int,
    latest_us: int,
    fingerprints: AbstractSet[str],
) -> tuple[int, str, int]:
    """Walk ``rows`` from ``i`` (at seq ``expected``) while every check passes.

    Returns where it stopped and the last link's hash and time. The common
    case in one expression, with no record built: every check of
    _check_record passes (``prev`` is a hash verified before, so it is hex) and
    the seq stays at or below ``last``. The first ``hashed`` rows were found to
    hash right; any other row is read first, as decode_record reads it, so a
    malformed row is named before anything else.
    """
    for j in range(i, len(rows)):
        row = rows[j]
        stored = None if j < hashed else stored_canonical(row)
        us = row[_RECORDED_US]
        if not (
            row[_SEQ] == expected <= last
            and row[_PREV_HASH] == prev
            and prev_us <= us <= latest_us
            and row[_FINGERPRINT] in fingerprints
            and (stored is None or link_hash(prev, stored) == row[_HASH])
        ):
            return j, prev, prev_us
        prev, prev_us, expected = row[_HASH], us, expected + 1
    return len(rows), prev, prev_us


def _outside(view: View, start: int, purges: dict[int, PurgeEntry]) -> None:
    for seq, rid in view.rows(
        "SELECT seq, record_id FROM consent_records WHERE seq <= ? ORDER BY seq LIMIT 1",
        (start,),
    ):
        where = "seq ≤ 0" if seq <= 0 else f"before the purge cut at seq {start}"
        raise BrokenChain(
            f"record {seq} (id {rid}) lies outside the chain ({where}): inserted", seq, rid
        )
    for seq in purges:
        if seq <= start:
            raise BrokenChain(f"purge entry {seq} lies before the purge cut at seq {start}", seq)
    for rid, n in view.rows(
        "SELECT record_id, COUNT(*) FROM consent_records GROUP BY record_id "
        "HAVING COUNT(*) > 1 LIMIT 1"
    ):
        raise BrokenChain(f"record id {rid} is stored {n} times (duplicated rows)", None, rid)


def _snapshots(view: View) -> dict[str, str]:
    out: dict[str, str] = {}
    for snap in view.snapshots():
        fp = snap.fingerprint
        if not isinstance(snap.content, str) or (
            hashlib.sha256(snap.content.encode()).hexdigest() != fp
        ):
            raise BrokenChain(f"snapshot {fp}: its content does not hash to its fingerprint")
        try:
            site = json.loads(snap.content).get("site", {})
        except (ValueError, AttributeError):
            site = {}
        if isinstance(site, dict) and "id" in site and site.get("id") != snap.site:
            raise BrokenChain(
                f"snapshot {fp}: its site column says {snap.site!r}, its content {site['id']!r}"
            )
        if isinstance(site, dict) and "revision" in site and site["revision"] != snap.revision:
            raise BrokenChain(
                f"snapshot {fp}: its revision column says {snap.revision!r}, "
                f"its content {site['revision']!r}"
            )
        out[fp] = snap.site
    return out


def _check_time(what: str, us: int, prev_us: int, now: int, seq: int) -> None:
    if us < prev_us:
        raise BrokenChain(f"{what}: its time runs backwards ({us} µs < {prev_us} µs)", seq)
    if us > now + FUTURE_SLACK_US:
        raise BrokenChain(f"{what}: dated in the future ({us} µs, now {now} µs)", seq)


def _check_record(
    rec: Record, expected: int, prev: str, prev_us: int, now: int, fingerprints: AbstractSet[str]
) -> None:
    rid = rec.decision.record_id
    if rec.seq != expected:
        raise BrokenChain(
            f"record {expected} is missing (deleted): the chain jumps from "
            f"{expected - 1} to {_name(rec)}",
            expected,
        )
    if rec.prev_hash != prev:
        raise BrokenChain(
            f"{_name(rec)}: does not link to record {rec.seq - 1} "
            "(rows inserted, reordered or replaced)",
            rec.seq,
            rid,
        )
    if not record_hash_ok(rec):
        raise BrokenChain(
            f"{_name(rec)}: its content does not match its hash (altered)", rec.seq, rid
        )
    _check_time(_name(rec), rec.recorded_us, prev_us, now, rec.seq)
    if rec.decision.fingerprint not in fingerprints:
        raise BrokenChain(
            f"{_name(rec)}: fingerprint {rec.decision.fingerprint} has no stored snapshot",
            rec.seq,
            rid,
        )


def _check_purge(entry: PurgeEntry, prev: str, prev_us: int, now: int) -> None:
    what = f"purge entry {entry.seq}"
    if entry.prev_hash != prev:
        raise BrokenChain(f"{what}: does not link to entry {entry.seq - 1} (forged)", entry.seq)
    if not entry.hash_ok():
        raise BrokenChain(f"{what}: its content does not match its hash (altered)", entry.seq)
    _check_time(what, entry.recorded_us, prev_us, now, entry.seq)
    want = (entry.recorded_us // DAY_US - entry.retention_days) * DAY_US
    if entry.cutoff_us != want or entry.retention_days < 0:
        raise BrokenChain(
            f"{what}: its cutoff is not midnight {entry.retention_days} whole days before "
            "the purge (forged checkpoint)",
            entry.seq,
        )
    if not entry.through_us < entry.cutoff_us or entry.through_seq >= entry.seq:
        raise BrokenChain(
            f"{what}: it cut records up to seq {entry.through_seq}, which were not older than "
            "its cutoff (forged checkpoint)",
            entry.seq,
        )
