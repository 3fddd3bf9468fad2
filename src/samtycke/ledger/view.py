"""One consistent read of the ledger: every query sees the same committed state.

``verify`` used to read the head and the records in separate transactions, so
on a live ledger it saw records committed after the head it had read and
reported them as tampering. A :class:`View` runs every read in one transaction:
``REPEATABLE READ, READ ONLY`` on PostgreSQL, a deferred read transaction on
SQLite (in WAL mode it keeps the snapshot of its first read). Writers are never
blocked by it and it needs no write permission.
"""

from __future__ import annotations

import contextlib
import json
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Connection, Engine
from sqlalchemy.exc import SQLAlchemyError

from samtycke.errors import LedgerError
from samtycke.ledger.records import Record
from samtycke.ledger.rows import RECORD_COLUMNS, MalformedRow, decode_record

_SELECT = f"SELECT {', '.join(RECORD_COLUMNS)} FROM consent_records"
PURGE_COLUMNS = (
    "seq",
    "recorded_us",
    "through_seq",
    "through_hash",
    "through_us",
    "cutoff_us",
    "retention_days",
    "purged_count",
    "frontier",
    "prev_hash",
    "hash",
)


@dataclass(frozen=True)
class ChainHead:
    """The end of the chain: last sequence number, its hash and its time."""

    seq: int
    hash: str
    recorded_us: int


@dataclass(frozen=True)
class Snapshot:
    """The canonical declaration content a fingerprint stands for."""

    fingerprint: str
    site: str
    revision: int
    content: str

    def content_data(self) -> dict[str, Any]:
        """The content parsed from its canonical JSON."""
        data: dict[str, Any] = json.loads(self.content)
        return data


class View:
    """Reads over one transaction (see the module docstring)."""

    def __init__(self, conn: Connection) -> None:
        self.conn = conn
        self._mark = "?" if conn.dialect.paramstyle == "qmark" else "%s"

    def rows(self, sql: str, params: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
        """Raw rows of driver-level SQL (``?`` marks the parameters)."""
        return [tuple(r) for r in self.conn.exec_driver_sql(sql.replace("?", self._mark), params)]

    def execute(self, sql: str, params: tuple[Any, ...] = ()) -> int:
        """Run one driver-level write statement; the number of rows it touched."""
        return int(self.conn.exec_driver_sql(sql.replace("?", self._mark), params).rowcount)

    def head(self) -> ChainHead:
        """The chain head row, checked for its shape."""
        rows = self.rows("SELECT seq, hash, recorded_us FROM chain_head WHERE id = 1")
        if not rows:
            raise LedgerError("the ledger has no chain head row (was it created by samtycke?)")
        seq, digest, us = rows[0]
        if not all(isinstance(v, int) and not isinstance(v, bool) for v in (seq, us)):
            raise MalformedRow(f"the chain head holds seq {seq!r} and time {us!r}, not integers")
        if not isinstance(digest, str):
            raise MalformedRow(f"the chain head holds hash {digest!r}, not text")
        return ChainHead(seq, digest, us)

    def _raw_rows(self, sql: str, params: tuple[Any, ...]) -> list[tuple[Any, ...]]:
        # The DB-API cursor itself, in this view's transaction: SQLAlchemy's result
        # objects cost more than decoding the row when verify reads millions.
        raw = self.conn.connection.dbapi_connection
        assert raw is not None
        cur = raw.cursor()
        try:
            cur.execute(sql.replace("?", self._mark), params)
            return list(cur.fetchall())
        finally:
            cur.close()

    def record_pages(
        self, after_seq: int = 0, batch: int = 20_000
    ) -> Iterator[list[tuple[Any, ...]]]:
        """Raw ``consent_records`` rows with seq > ``after_seq`` in chain order, a page at a time."""
        last = after_seq
        sql = f"{_SELECT} WHERE seq > ? ORDER BY seq LIMIT {int(batch)}"
        while True:
            rows = self._raw_rows(sql, (last,))
            if rows:
                yield rows
            if len(rows) < batch:
                return
            last = rows[-1][0]

    def records(self, after_seq: int = 0, batch: int = 5000) -> Iterator[Record]:
        """Records with seq > ``after_seq`` in chain order, decoded strictly, in pages."""
        for page in self.record_pages(after_seq, batch):
            for row in page:
                yield decode_record(row)

    def records_where(self, condition: str, params: tuple[Any, ...] = ()) -> list[Record]:
        """Records matching a driver-level SQL condition, in chain order."""
        return [
            decode_record(r) for r in self.rows(f"{_SELECT} WHERE {condition} ORDER BY seq", params)
        ]

    def purges(self) -> list[tuple[Any, ...]]:
        """Every chained purge entry (raw), in chain order."""
        return self.rows(f"SELECT {', '.join(PURGE_COLUMNS)} FROM chain_purges ORDER BY seq")

    def legacy_checkpoints(self) -> list[int]:
        """Seqs of purge checkpoints written outside the chain (samtycke 0.1)."""
        return [r[0] for r in self.rows("SELECT seq FROM chain_checkpoints ORDER BY seq")]

    def snapshots(self) -> list[Snapshot]:
        """Every stored declaration snapshot."""
        rows = self.rows(
            "SELECT fingerprint, site, revision, content FROM declaration_snapshots "
            "ORDER BY created_us, fingerprint"
        )
        return [Snapshot(*r) for r in rows]

    def referenced_fingerprints(self) -> set[str]:
        """The fingerprints kept records refer to."""
        return {r[0] for r in self.rows("SELECT DISTINCT fingerprint FROM consent_records")}

    def leaf_hashes(self, lo_seq: int, hi_seq: int) -> dict[int, str]:
        """Chain hashes of records and purge entries with ``lo_seq <= seq < hi_seq``."""
        out: dict[int, str] = {}
        for table in ("consent_records", "chain_purges"):
            for seq, digest in self.rows(
                f"SELECT seq, hash FROM {table} WHERE seq >= ? AND seq < ?", (lo_seq, hi_seq)
            ):
                out[seq] = digest
        return out

    def merkle_nodes(self) -> dict[tuple[int, int], str]:
        """Every cached Merkle subtree hash, keyed by its leaf range ``(lo, hi)``."""
        rows = self.rows("SELECT lo, size, hash FROM merkle_nodes")
        return {(int(lo), int(lo) + int(size)): str(h) for lo, size, h in rows}


@contextlib.contextmanager
def read_view(engine: Engine) -> Iterator[View]:
    """A :class:`View` over one consistent snapshot, closed on leaving."""
    try:
        conn = engine.connect()
        if engine.dialect.name == "postgresql":
            conn = conn.execution_options(isolation_level="REPEATABLE READ")
        with conn, conn.begin():
            if engine.dialect.name == "postgresql":
                conn.exec_driver_sql("SET TRANSACTION READ ONLY")
            yield View(conn)
    except SQLAlchemyError as exc:
        raise LedgerError(f"cannot read the ledger: {short_error(exc)}") from None


def short_error(exc: Exception) -> str:
    """The driver's first line; SQLAlchemy's own text adds SQL and a URL."""
    orig = getattr(exc, "orig", None) or exc
    text = str(orig).strip()
    return text.splitlines()[0] if text else type(orig).__name__
