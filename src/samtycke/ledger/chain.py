"""Verifying the hash chain: every record, the links, the head, the snapshots.

Walking the records in ``seq`` order from the latest purge checkpoint (or the
genesis hash), each record must

1. sit at the next sequence number (a gap means deleted rows),
2. name the previous record's hash as ``prev_hash`` (else rows were inserted
   or reordered), and
3. hash to its stored ``hash`` (else a field was altered).

The last record must be the chain head. Every fingerprint a record names must
have a snapshot whose content hashes to that fingerprint.
"""

from __future__ import annotations

import hashlib
from collections.abc import Set as AbstractSet
from dataclasses import dataclass

from samtycke.errors import ChainError
from samtycke.ledger.records import GENESIS_HASH, Record, canonical_record, link_hash
from samtycke.ledger.store import ChainHead, Checkpoint, Ledger


class BrokenChain(ChainError):
    """The chain does not verify; ``seq`` and ``record_id`` name the first bad record."""

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
    checkpoint: Checkpoint | None
    snapshots: int


def record_hash_ok(record: Record) -> bool:
    """True when the record's stored hash is the hash of its content and prev_hash."""
    canonical = canonical_record(record.seq, record.recorded_us, record.decision)
    return link_hash(record.prev_hash, canonical) == record.hash


def _name(rec: Record) -> str:
    return f"record {rec.seq} (id {rec.decision.record_id})"


def verify_chain(ledger: Ledger) -> Verified:
    """Verify the whole ledger; raises BrokenChain naming the first bad record."""
    checkpoints = ledger.checkpoints()
    cp = checkpoints[-1] if checkpoints else None
    start_seq, prev = (cp.seq, cp.hash) if cp else (0, GENESIS_HASH)
    if cp is not None:
        early = next(ledger.iter_records(batch=1), None)
        if early is not None and early.seq <= cp.seq:
            raise BrokenChain(
                f"{_name(early)} lies before the purge checkpoint at seq {cp.seq} "
                "(inserted after the purge)",
                early.seq,
                early.decision.record_id,
            )
    head = ledger.head()
    snapshots = {s.fingerprint: s for s in ledger.snapshots()}
    for fp, snap in snapshots.items():
        if hashlib.sha256(snap.content.encode()).hexdigest() != fp:
            raise BrokenChain(f"snapshot {fp}: its content does not hash to its fingerprint")
    expected, count, first = start_seq + 1, 0, None
    for rec in ledger.iter_records(after_seq=start_seq):
        _check_record(rec, expected, prev, snapshots.keys())
        first = rec.seq if first is None else first
        prev, expected, count = rec.hash, rec.seq + 1, count + 1
    last_seq = expected - 1
    if head.seq > last_seq:
        raise BrokenChain(
            f"record {last_seq + 1} is missing: the chain ends at seq {last_seq} "
            f"but its head says {head.seq} (records were deleted)",
            last_seq + 1,
        )
    if head.seq < last_seq or head.hash != prev:
        raise BrokenChain(
            f"record {last_seq}: does not match the chain head (seq {head.seq}); "
            "the end of the chain was rewritten",
            last_seq,
        )
    return Verified(count, first, head, cp, len(snapshots))


def _check_record(rec: Record, expected: int, prev: str, fingerprints: AbstractSet[str]) -> None:
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
    if rec.decision.fingerprint not in fingerprints:
        raise BrokenChain(
            f"{_name(rec)}: fingerprint {rec.decision.fingerprint} has no stored snapshot",
            rec.seq,
            rid,
        )
