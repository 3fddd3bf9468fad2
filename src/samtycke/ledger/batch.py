"""Where one append reads the chain head and writes its records.

An append is two steps whatever the database: *read* locks the chain head and
finds the decisions already stored under the batch's retry ids; *write* stores
the new records, moves the head and commits. ``ConnectionBatch`` runs them as
ordinary statements on a SQLAlchemy connection (SQLite, and PostgreSQL when a
decision must be isolated behind a savepoint). ``PostgresBatch`` is the hot
path on PostgreSQL: each step is one message and one network round trip
(BEGIN, the lock and the lookup; then the inserts, the head update and
COMMIT), where plain statements take seven, a pool pre-ping included. Its
records go in as one statement with one JSON value, which the C JSON encoder
writes in one call, where ``executemany`` adapts each value in Python.

Without the pre-ping a pooled session the server has dropped (PostgreSQL
restarted, a proxy cut it) is only found out by the first step. That step only
reads, so the caller may open a fresh session and run the append again:
``PostgresBatch.retryable`` says when that is safe.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, Any, Protocol

from sqlalchemy import Connection, select

from samtycke.errors import LedgerError
from samtycke.ledger import schema
from samtycke.ledger.records import compact_json
from samtycke.ledger.rows import RECORD_COLUMNS
from samtycke.ledger.view import ChainHead

if TYPE_CHECKING:
    import psycopg

Row = tuple[Any, ...]
HeadUpdate = tuple[int, str, int]  # seq, hash, recorded_us


class Batch(Protocol):
    """The two steps of one append."""

    def read(self, ids: Sequence[str]) -> tuple[ChainHead, list[Row]]:
        """Lock the chain head; the stored records whose decision id is in ``ids``."""
        ...

    def write(self, rows: list[Row], head: HeadUpdate | None) -> None:
        """Store ``rows`` (record values) and move the head to ``head``."""
        ...


class Statements:
    """The SQL of an append, in the driver's parameter style."""

    def __init__(self, mark: str) -> None:
        self.mark = mark
        self.insert = (
            f"INSERT INTO consent_records ({', '.join(RECORD_COLUMNS)}) "
            f"VALUES ({', '.join([mark] * len(RECORD_COLUMNS))})"
        )
        self.move_head = (
            f"UPDATE chain_head SET seq = {mark}, hash = {mark}, recorded_us = {mark} WHERE id = 1"
        )

    def stored(self, count: int) -> str:
        """Records whose decision id is one of ``count`` parameters."""
        marks = ", ".join([self.mark] * count)
        return (
            f"SELECT {', '.join(RECORD_COLUMNS)} FROM consent_records "
            f"WHERE decision_id IN ({marks})"
        )


LOCK_HEAD_SQL = "SELECT seq, hash, recorded_us FROM chain_head WHERE id = 1 FOR UPDATE"
# PostgreSQL reads each object of the JSON array as a consent_records row, each
# value converted to its column's type (text exactly as it was, escapes undone).
INSERT_JSON_SQL = (
    f"INSERT INTO consent_records ({', '.join(RECORD_COLUMNS)}) "
    f"SELECT {', '.join(RECORD_COLUMNS)} "
    "FROM json_populate_recordset(NULL::consent_records, %s::json)"
)


def lock_head(conn: Connection) -> ChainHead:
    """Read the chain head inside a transaction, locking it until commit."""
    h = schema.chain_head
    row = conn.execute(
        select(h.c.seq, h.c.hash, h.c.recorded_us).where(h.c.id == 1).with_for_update()
    ).one()
    return ChainHead(int(row[0]), row[1], int(row[2]))


class ConnectionBatch:
    """An append as plain statements inside ``conn``'s transaction."""

    def __init__(self, conn: Connection, sql: Statements) -> None:
        self.conn, self.sql = conn, sql

    def read(self, ids: Sequence[str]) -> tuple[ChainHead, list[Row]]:
        head = lock_head(self.conn)
        if not ids:
            return head, []
        rows = self.conn.exec_driver_sql(self.sql.stored(len(ids)), tuple(ids)).all()
        return head, [tuple(r) for r in rows]

    def write(self, rows: list[Row], head: HeadUpdate | None) -> None:
        # Driver-level SQL: the hot path skips SQLAlchemy's per-row processing.
        if rows:
            self.conn.exec_driver_sql(self.sql.insert, rows)
        if head is not None:
            self.conn.exec_driver_sql(self.sql.move_head, head)


class PostgresBatch:
    """An append in two round trips on a psycopg session, committed by ``write``.

    Each step is one message of several statements (the simple query protocol,
    values bound by psycopg on the client): one send and one answer each,
    where a statement at a time, pipelined or not, costs a send per statement.
    The session must be in autocommit mode (the ledger opens its engine so):
    the batch sends BEGIN and COMMIT itself.
    """

    def __init__(self, pg: psycopg.Connection[Any], sql: Statements) -> None:
        import psycopg

        self.cur = psycopg.ClientCursor(pg)
        self.pg, self.sql = pg, sql
        self.writing = False

    @property
    def retryable(self) -> bool:
        """The session was found dead before anything but reads was sent."""
        return self.pg.broken and not self.writing

    def read(self, ids: Sequence[str]) -> tuple[ChainHead, list[Row]]:
        script = f"BEGIN; {LOCK_HEAD_SQL}"
        if ids:
            script += f"; {self.sql.stored(len(ids))}"
        cur = self.cur
        cur.execute(script, tuple(ids))
        cur.nextset()  # past BEGIN
        top = cur.fetchone()
        rows = [tuple(r) for r in cur.fetchall()] if ids and cur.nextset() else []
        if top is None:
            raise LedgerError("the ledger has no chain head row; run: samtycke ledger verify")
        return ChainHead(int(top[0]), str(top[1]), int(top[2])), rows

    def write(self, rows: list[Row], head: HeadUpdate | None) -> None:
        self.writing = True
        parts: list[str] = []
        params: list[Any] = []
        if rows:
            parts.append(INSERT_JSON_SQL)
            params.append(compact_json([dict(zip(RECORD_COLUMNS, r, strict=True)) for r in rows]))
        if head is not None:
            parts.append(self.sql.move_head)
            params.extend(head)
        parts.append("COMMIT")
        self.cur.execute("; ".join(parts), params)
