"""Retention: delete whole days of old records, as a chained purge entry.

Only a prefix of the chain can be purged (time never runs backwards along it),
and only whole UTC days: the cut is midnight of the day ``older_than_days``
ago. The purge itself joins the chain as an entry at the next seq, hashed like
a record, saying what it cut (through which seq, that record's hash and time),
the cutoff and retention it applied, and the Merkle frontier of the purged
prefix (so tree roots signed before the purge can still be recomputed). The
verifier checks the cut: midnight, ``retention_days`` whole days before the
entry's own time, every purged record older than the cutoff, every kept one not.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import Connection
from sqlalchemy.exc import SQLAlchemyError

from samtycke.errors import LedgerError
from samtycke.ledger import merkle
from samtycke.ledger.batch import lock_head
from samtycke.ledger.purge_entry import PurgeEntry
from samtycke.ledger.records import compact_json, link_hash
from samtycke.ledger.store import Ledger, now_us
from samtycke.ledger.tree import tree_of
from samtycke.ledger.view import PURGE_COLUMNS, View

DAY_US = 86_400 * 1_000_000
MAX_DAYS = 100_000  # about 270 years: anything larger is a typo, not a retention


@dataclass(frozen=True)
class Purged:
    """What a purge removed: how many records, up to which seq, before which time."""

    count: int
    through_seq: int | None
    cutoff_us: int


def purge(ledger: Ledger, older_than_days: int, *, at_us: int | None = None) -> Purged:
    """Delete every record from before UTC midnight ``older_than_days`` days ago."""
    if not 0 <= older_than_days <= MAX_DAYS:
        raise LedgerError(f"--older-than {older_than_days}: must be between 0 and {MAX_DAYS} days")
    now = now_us() if at_us is None else int(at_us)
    cutoff = (now // DAY_US - older_than_days) * DAY_US
    try:
        with ledger.writing() as conn:
            return _purge(conn, now, cutoff, older_than_days)
    except SQLAlchemyError as exc:
        raise LedgerError(f"cannot purge the ledger: {exc.__class__.__name__}: {exc}") from None


def _purge(conn: Connection, now: int, cutoff: int, days: int) -> Purged:
    head = lock_head(conn)  # no append may interleave with the cut
    view = View(conn)
    rows = view.rows(
        "SELECT seq, hash, recorded_us FROM consent_records WHERE recorded_us < ? "
        "AND seq > 0 ORDER BY seq DESC LIMIT 1",
        (cutoff,),
    )
    if not rows:
        return Purged(0, None, cutoff)
    last, last_hash, last_us = rows[0]
    tree = tree_of(view)
    front = [(lo, hi, tree.subtree(lo, hi).hex()) for lo, hi in merkle.frontier(last)]
    count = view.execute("DELETE FROM consent_records WHERE seq <= ?", (last,))
    view.execute("DELETE FROM chain_purges WHERE seq <= ?", (last,))
    stamp = max(now, head.recorded_us)
    entry = PurgeEntry(
        head.seq + 1, stamp, last, last_hash, last_us, cutoff, days, count, front, head.hash, ""
    )
    digest = link_hash(head.hash, entry.canonical())
    values = [getattr(entry, c) for c in PURGE_COLUMNS]
    values[PURGE_COLUMNS.index("frontier")] = compact_json([list(f) for f in front])
    values[PURGE_COLUMNS.index("hash")] = digest
    view.execute(
        f"INSERT INTO chain_purges ({', '.join(PURGE_COLUMNS)}) "
        f"VALUES ({', '.join('?' * len(PURGE_COLUMNS))})",
        tuple(values),
    )
    view.execute(
        "UPDATE chain_head SET seq = ?, hash = ?, recorded_us = ? WHERE id = 1",
        (entry.seq, digest, stamp),
    )
    return Purged(int(count), int(last), cutoff)
