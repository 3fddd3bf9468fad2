"""What an attacker with database access does, as functions the tamper tests draw from.

Each takes an open ledger filled with ``n`` records (seq 1..n) and changes it
with plain SQL, the way a database administrator could; where hashes must be
recomputed to fool a chain walk, they use samtycke's own (public) algorithm.
"""

from __future__ import annotations

import dataclasses

from samtycke.ledger import Ledger, merkle, seal
from samtycke.ledger.purge_entry import PurgeEntry
from samtycke.ledger.records import compact_json, link_hash
from samtycke.ledger.retention import DAY_US
from samtycke.ledger.rows import RECORD_COLUMNS, record_values
from samtycke.ledger.tree import tree_of
from samtycke.ledger.view import PURGE_COLUMNS


def sql(led: Ledger, statement: str, params: tuple[object, ...] = ()) -> None:
    """Run raw SQL (``?`` marks parameters) as an attacker with database access would."""
    with led.engine.begin() as conn:
        mark = "?" if conn.dialect.paramstyle == "qmark" else "%s"
        conn.exec_driver_sql(statement.replace("?", mark), params)


def set_head(led: Ledger, seq: int, digest: str, us: int) -> None:
    """Point the chain head anywhere."""
    sql(
        led,
        "UPDATE chain_head SET seq = ?, hash = ?, recorded_us = ? WHERE id = 1",
        (seq, digest, us),
    )


def records(led: Ledger) -> list:  # type: ignore[type-arg]
    """Every stored record, in order."""
    return list(led.iter_records())


def alter(led: Ledger, seq: int, column: str, value: str) -> None:
    """Change one column of one row to an SQL expression."""
    sql(led, f"UPDATE consent_records SET {column} = {value} WHERE seq = {seq}")


def delete_rows(led: Ledger, first: int, last: int) -> None:
    """Remove rows ``first..last``."""
    sql(led, f"DELETE FROM consent_records WHERE seq >= {first} AND seq <= {last}")


def truncate_tail(led: Ledger, keep: int) -> None:
    """Delete every record after ``keep`` and move the head back to it, consistently."""
    rows = records(led)
    delete_rows(led, keep + 1, 10**9)
    if keep == 0:
        set_head(led, 0, "0" * 64, 0)
    else:
        last = rows[keep - 1]
        set_head(led, last.seq, last.hash, last.recorded_us)


def insert_row(led: Ledger, at: int) -> None:
    """A well-formed forged record at ``at`` (may be ≤ 0 or past the head); later rows shift."""
    rows = records(led)
    n = len(rows)
    base = rows[0]
    if 1 <= at <= n:
        sql(led, f"UPDATE consent_records SET seq = seq + 1000000 WHERE seq >= {at}")
        sql(led, "UPDATE consent_records SET seq = seq - 999999 WHERE seq >= 1000000")
    prev = rows[at - 2].hash if 2 <= at <= n + 1 else "0" * 64
    forged = dataclasses.replace(
        base.decision, record_id="9" * 32, method="accept-all", choices={"necessary": True}
    )
    rec = seal(at, rows[min(max(at, 1), n) - 1].recorded_us, prev, forged)
    marks = ", ".join("?" * len(RECORD_COLUMNS))
    sql(
        led,
        f"INSERT INTO consent_records ({', '.join(RECORD_COLUMNS)}) VALUES ({marks})",
        record_values(rec),
    )


def swap(led: Ledger, i: int, j: int) -> None:
    """Exchange the places of two rows."""
    sql(led, f"UPDATE consent_records SET seq = -1 WHERE seq = {i}")
    sql(led, f"UPDATE consent_records SET seq = {i} WHERE seq = {j}")
    sql(led, f"UPDATE consent_records SET seq = {j} WHERE seq = -1")


def rewrite_from(led: Ledger, start: int) -> None:
    """Alter record ``start`` and re-hash it and everything after, head included."""
    rows = records(led)
    prev = rows[start - 2].hash if start >= 2 else "0" * 64
    delete_rows(led, start, 10**9)
    marks = ", ".join("?" * len(RECORD_COLUMNS))
    last = None
    for k, rec in enumerate(rows[start - 1 :]):
        d = rec.decision
        if k == 0:
            d = dataclasses.replace(d, choices={c: True for c in d.choices}, method="accept-all")
        last = seal(rec.seq, rec.recorded_us, prev, d)
        prev = last.hash
        sql(
            led,
            f"INSERT INTO consent_records ({', '.join(RECORD_COLUMNS)}) VALUES ({marks})",
            record_values(last),
        )
    assert last is not None
    set_head(led, last.seq, last.hash, last.recorded_us)


def forge_purge(led: Ledger, through: int, *, lie_about_time: bool) -> None:
    """Delete records 1..through and chain a purge entry claiming a 0-day retention."""
    rows = records(led)
    head = led.head()
    cut = rows[through - 1]
    now = head.recorded_us
    cutoff = (now // DAY_US) * DAY_US
    through_us = cutoff - 1 if lie_about_time else cut.recorded_us
    with led.reading() as view:  # a careful forger keeps the Merkle frontier right
        tree = tree_of(view)
        front = [(lo, hi, tree.subtree(lo, hi).hex()) for lo, hi in merkle.frontier(through)]
    entry = PurgeEntry(
        head.seq + 1, now, cut.seq, cut.hash, through_us, cutoff, 0, through, front, head.hash, ""
    )
    digest = link_hash(head.hash, entry.canonical())
    values = [getattr(entry, c) for c in PURGE_COLUMNS]
    values[PURGE_COLUMNS.index("frontier")] = compact_json([list(f) for f in front])
    values[PURGE_COLUMNS.index("hash")] = digest
    delete_rows(led, 1, through)
    marks = ", ".join("?" * len(PURGE_COLUMNS))
    sql(
        led,
        f"INSERT INTO chain_purges ({', '.join(PURGE_COLUMNS)}) VALUES ({marks})",
        tuple(values),
    )
    set_head(led, entry.seq, digest, now)


def legacy_checkpoint(led: Ledger, through: int) -> None:
    """Delete a prefix and leave a 0.1-style checkpoint outside the chain."""
    cut = records(led)[through - 1]
    delete_rows(led, 1, through)
    sql(
        led,
        "INSERT INTO chain_checkpoints (seq, hash, recorded_us, purged_us, purged_count) "
        "VALUES (?, ?, ?, ?, ?)",
        (cut.seq, cut.hash, cut.recorded_us, cut.recorded_us, through),
    )
