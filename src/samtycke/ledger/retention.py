"""Retention: delete whole days of old records and leave a chain checkpoint.

Only a prefix of the chain can be purged (time never runs backwards along it),
and only whole UTC days: the cut is midnight of the day ``older_than_days``
ago. The last purged record's seq and hash become a checkpoint, so the kept
records still verify, and an export made before the purge still matches it.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import delete, func, insert, select
from sqlalchemy.exc import SQLAlchemyError

from samtycke.errors import LedgerError
from samtycke.ledger import schema
from samtycke.ledger.store import Ledger, lock_head, now_us

DAY_US = 86_400 * 1_000_000


@dataclass(frozen=True)
class Purged:
    """What a purge removed: how many records, up to which seq, before which time."""

    count: int
    through_seq: int | None
    cutoff_us: int


def purge(ledger: Ledger, older_than_days: int, *, at_us: int | None = None) -> Purged:
    """Delete every record from before UTC midnight ``older_than_days`` days ago."""
    if older_than_days < 0:
        raise LedgerError(f"--older-than {older_than_days}: must be 0 or more days")
    now = now_us() if at_us is None else int(at_us)
    cutoff = (now // DAY_US - older_than_days) * DAY_US
    r = schema.records
    try:
        with ledger.writing() as conn:
            lock_head(conn)  # no append may interleave with the cut
            last = conn.execute(select(func.max(r.c.seq)).where(r.c.recorded_us < cutoff)).scalar()
            if last is None:
                return Purged(0, None, cutoff)
            row = conn.execute(select(r.c.hash, r.c.recorded_us).where(r.c.seq == last)).one()
            count = conn.execute(delete(r).where(r.c.seq <= last)).rowcount
            conn.execute(
                insert(schema.checkpoints).values(
                    seq=last,
                    hash=row[0],
                    recorded_us=row[1],
                    purged_us=now,
                    purged_count=count,
                )
            )
    except SQLAlchemyError as exc:
        raise LedgerError(f"cannot purge the ledger: {exc.__class__.__name__}: {exc}") from None
    return Purged(int(count), int(last), cutoff)
