"""The ledger: append decisions to the hash chain, keep snapshots, read records back."""

from __future__ import annotations

import contextlib
import fcntl
import sqlite3
import threading
import time
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import Any

from sqlalchemy import Connection, Engine, func, insert, select
from sqlalchemy.exc import DataError, IntegrityError, SQLAlchemyError

from samtycke.errors import LedgerError
from samtycke.ledger import schema
from samtycke.ledger.batch import Batch, ConnectionBatch, PostgresBatch, Statements
from samtycke.ledger.engine import SQLITE_BUSY_MS, open_engine
from samtycke.ledger.migrations import migrate, pending_migrations
from samtycke.ledger.records import Decision, Record, seal
from samtycke.ledger.rows import decode_record, record_values
from samtycke.ledger.view import ChainHead, Snapshot, View, read_view, short_error

CHECKPOINT_SECONDS = 1.0
# Past this size an append wakes the checkpointer at once instead of waiting a
# round; past four times it the appender checkpoints itself, so the log stays
# under about 64 MB however hard it is written.
WAL_SOFT_LIMIT = 16 * 1024 * 1024
# A checkpoint waits this long for readers, then gives up until the next round:
# waiting longer would hold up the writers queued behind it.
CHECKPOINT_BUSY_MS = 200
# A head dated further ahead than this is refused rather than followed: else a
# forged or skewed head would pin every later record to its time.
MAX_HEAD_AHEAD_US = 300 * 1_000_000


def now_us() -> int:
    """The current UTC time in microseconds since 1970."""
    return time.time_ns() // 1000


class RefusedDecision(LedgerError):
    """The database refused this one decision (the rest of its batch was stored)."""


class Ledger:
    """A consent ledger in SQLite or PostgreSQL.

    Opening never changes the schema: with ``migrate=True`` (``samtycke ledger
    migrate``, ``samtycke serve``) a missing or older schema is brought up to
    date; otherwise it must already be current, and a read-only role suffices.
    """

    def __init__(
        self, url: str, *, pool_size: int = 5, migrate: bool = False, create: bool = False
    ) -> None:
        self.url = url
        self.applied: list[str] = []  # migrations applied by this open
        self.engine = open_engine(url, pool_size=pool_size)
        self._thread_lock = threading.Lock()
        self._closing = threading.Event()
        self._wake = threading.Event()
        self._checkpointer: threading.Thread | None = None
        db = self.engine.url.database
        self._lock_path = f"{db}.lock" if self.engine.dialect.name == "sqlite" and db else None
        self._sql = Statements("?" if self.engine.dialect.paramstyle == "qmark" else "%s")
        # Appends on PostgreSQL take the two-message path, on their own small pool
        # without a pre-ping and in autocommit mode (see batch.py); everything
        # else uses the main one.
        self._pg_appends: Engine | None = None
        self._refusals: tuple[type[Exception], ...] = (IntegrityError, DataError)
        self._failures: tuple[type[Exception], ...] = (SQLAlchemyError,)
        if self.engine.dialect.name == "postgresql":
            import psycopg

            self._pg_appends = open_engine(url, pool_size=1, pre_ping=False, autocommit=True)
            self._refusals += (psycopg.IntegrityError, psycopg.DataError)
            self._failures += (psycopg.Error,)
        try:
            self._open(migrate or create)
        except LedgerError:
            self._dispose()
            raise
        except SQLAlchemyError as exc:
            self._dispose()
            raise LedgerError(f"cannot open the ledger: {short_error(exc)}") from None
        if self.engine.dialect.name == "sqlite":
            self._checkpointer = threading.Thread(
                target=self._checkpoint_loop, name="samtycke-checkpoint", daemon=True
            )
            self._checkpointer.start()

    def _open(self, do_migrate: bool) -> None:
        db = self.engine.url.database
        if (
            self.engine.dialect.name == "sqlite"
            and db
            and not do_migrate
            and not Path(db).is_file()
        ):
            raise LedgerError(f"no ledger at {db} (the file does not exist)")
        if do_migrate:
            self.applied = migrate(self.engine)
            return
        pending = pending_migrations(self.engine)
        if pending and pending[0] == "m001_initial":
            raise LedgerError("this database holds no samtycke ledger (no schema_migrations)")
        if pending:
            raise LedgerError(
                f"the ledger's schema is older than this samtycke ({', '.join(pending)} "
                "not applied); run: samtycke ledger migrate --db URL"
            )

    def close(self) -> None:
        """Stop the checkpointer and close every pooled connection."""
        self._closing.set()
        self._wake.set()
        if self._checkpointer is not None:
            self._checkpointer.join(timeout=10)
        self.checkpoint()
        self._dispose()

    def _dispose(self) -> None:
        self.engine.dispose()
        if self._pg_appends is not None:
            self._pg_appends.dispose()

    def checkpoint(self) -> None:
        """Copy SQLite's write-ahead log into the database file and empty it.

        ``TRUNCATE`` resets the log to zero bytes once every reader has moved
        past it, so it stays bounded under sustained writes (``PASSIVE`` never
        resets it and lets it grow for as long as writes keep coming). It waits
        for readers only briefly; a long reader just defers it a round.
        No-op on PostgreSQL.
        """
        if self.engine.dialect.name != "sqlite":
            return
        try:
            # Queue like a writer (same locks): with writers back to back, a
            # checkpoint that only waited for a gap would never find one.
            with self._thread_lock, _file_lock(self._lock_path), self.engine.connect() as conn:
                # The DB-API connection itself: SQLAlchemy would open a transaction
                # first, and SQLite cannot checkpoint from inside one.
                raw = conn.connection.dbapi_connection
                assert raw is not None
                raw.execute(f"PRAGMA busy_timeout = {CHECKPOINT_BUSY_MS}")
                try:
                    raw.execute("PRAGMA wal_checkpoint(TRUNCATE)").fetchall()
                finally:
                    raw.execute(f"PRAGMA busy_timeout = {SQLITE_BUSY_MS}")
        except (SQLAlchemyError, sqlite3.Error):
            pass  # the next round tries again; nothing is lost by waiting

    def wal_bytes(self) -> int:
        """Size of SQLite's write-ahead log file (0 on PostgreSQL or when absent)."""
        db = self.engine.url.database
        if self.engine.dialect.name != "sqlite" or not db:
            return 0
        wal = Path(f"{db}-wal")
        return wal.stat().st_size if wal.exists() else 0

    def data_folder(self) -> str | None:
        """The folder of a SQLite ledger file (None on PostgreSQL)."""
        db = self.engine.url.database
        if self.engine.dialect.name != "sqlite" or not db:
            return None
        return str(Path(db).resolve().parent)

    def _checkpoint_loop(self) -> None:
        while not self._closing.is_set():
            self._wake.wait(CHECKPOINT_SECONDS)
            self._wake.clear()
            if not self._closing.is_set():
                self.checkpoint()

    def __enter__(self) -> Ledger:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    @contextlib.contextmanager
    def writing(self) -> Iterator[Connection]:
        """A transaction holding the chain's write lock, committed on leaving.

        On SQLite an exclusive file lock (``<db>.lock``) comes first: waiting on
        it wakes the moment it is free, where SQLite's own busy handler sleeps
        and polls, which would stall appends from several processes.
        """
        connect = self.engine.connect
        with (
            self._thread_lock,
            _file_lock(self._lock_path),
            connect().execution_options(samtycke_lock=True) as conn,
            conn.begin(),
        ):
            yield conn

    def reading(self) -> contextlib.AbstractContextManager[View]:
        """One consistent snapshot of the ledger for several reads."""
        return read_view(self.engine)

    def append(self, decisions: Sequence[Decision], at_us: int | None = None) -> list[Record]:
        """Chain and store ``decisions``; raises the first refusal after storing the rest."""
        out = self.append_each(decisions, at_us)
        for item in out:
            if isinstance(item, LedgerError):
                raise item
        return [r for r in out if isinstance(r, Record)]

    def append_each(
        self, decisions: Sequence[Decision], at_us: int | None = None
    ) -> list[Record | LedgerError]:
        """Chain and store ``decisions``; one outcome per decision, in order.

        A decision whose ``decision_id`` the site already stored gets the
        original record and nothing is written (retries are idempotent, also
        across processes: the lookup runs under the chain lock, a unique index
        backs it). A decision the database refuses gets a RefusedDecision and
        only it fails: the batch is retried with a savepoint per decision.
        Raises LedgerError when the database cannot be written at all.
        """
        if not decisions:
            return []
        try:
            try:
                if self._pg_appends is not None:
                    out = self._append_postgres(self._pg_appends, decisions, at_us)
                else:
                    with self.writing() as conn:
                        batch = ConnectionBatch(conn, self._sql)
                        out = self._append(batch, decisions, at_us)
            except self._refusals:
                with self.writing() as conn:
                    out = self._append(ConnectionBatch(conn, self._sql), decisions, at_us, conn)
        except LedgerError:
            raise
        except self._failures as exc:
            raise LedgerError(f"cannot store consent records: {short_error(exc)}") from None
        if self._checkpointer is not None:
            wal = self.wal_bytes()
            if wal > 4 * WAL_SOFT_LIMIT:
                self.checkpoint()  # the background one keeps losing the race: do it here
            elif wal > WAL_SOFT_LIMIT:
                self._wake.set()
        return out

    def _append_postgres(
        self, engine: Engine, decisions: Sequence[Decision], at_us: int | None
    ) -> list[Record | LedgerError]:
        # The first session may be one the server has dropped since it was
        # pooled; it is found out by the read step, which changed nothing.
        for attempt in (1, 2):
            with self._thread_lock:
                pooled = engine.raw_connection()
                batch = PostgresBatch(pooled.dbapi_connection, self._sql)  # type: ignore[arg-type]
                try:
                    return self._append(batch, decisions, at_us)
                except BaseException:
                    if batch.pg.broken:
                        pooled.invalidate()
                    if attempt == 1 and batch.retryable:
                        continue
                    raise
                finally:
                    pooled.close()
        raise AssertionError("unreachable: the second attempt returns or raises")

    def _append(
        self,
        batch: Batch,
        decisions: Sequence[Decision],
        at_us: int | None,
        isolate: Connection | None = None,
    ) -> list[Record | LedgerError]:
        """Chain ``decisions`` onto the head ``batch`` locks.

        With ``isolate`` (the batch's connection) each record is inserted behind
        its own savepoint, so one the database refuses fails alone.
        """
        wanted = {(d.site, d.decision_id) for d in decisions if d.decision_id is not None}
        head, rows = batch.read(sorted({did for _, did in wanted if did is not None}))
        now = now_us() if at_us is None else at_us
        if head.recorded_us - now > MAX_HEAD_AHEAD_US:
            raise LedgerError(
                f"the chain head is dated {head.recorded_us - now} µs in the future; "
                "check the clock (or the head was forged) — nothing was stored"
            )
        stamp = max(now, head.recorded_us)
        found = (decode_record(r) for r in rows)
        known = {
            (r.decision.site, r.decision.decision_id): r
            for r in found
            if (r.decision.site, r.decision.decision_id) in wanted
        }
        seq, prev = head.seq, head.hash
        out: list[Record | LedgerError] = []
        fresh: list[Record] = []
        for d in decisions:
            key = (d.site, d.decision_id)
            if d.decision_id is not None and key in known:
                out.append(known[key])
                continue
            rec = seal(seq + 1, stamp, prev, d)
            if isolate is not None:
                try:
                    with isolate.begin_nested():
                        isolate.exec_driver_sql(self._sql.insert, record_values(rec))
                except (IntegrityError, DataError) as exc:
                    out.append(
                        RefusedDecision(f"the database refused this decision: {short_error(exc)}")
                    )
                    continue
            else:
                fresh.append(rec)
            seq, prev = rec.seq, rec.hash
            if d.decision_id is not None:
                known[key] = rec
            out.append(rec)
        batch.write(
            [record_values(r) for r in fresh], (seq, prev, stamp) if seq != head.seq else None
        )
        return out

    def add_snapshot(self, site: str, revision: int, fingerprint: str, content: str) -> bool:
        """Store what ``fingerprint`` stands for, once; True when it was new."""
        if self.snapshot(fingerprint) is not None:
            return False
        try:
            with self.engine.begin() as conn:
                conn.execute(
                    insert(schema.snapshots).values(
                        fingerprint=fingerprint,
                        site=site,
                        revision=revision,
                        content=content,
                        created_us=now_us(),
                    )
                )
        except IntegrityError:
            return False  # another process stored the same snapshot first
        except SQLAlchemyError as exc:
            raise LedgerError(
                f"cannot store the declaration snapshot: {short_error(exc)}"
            ) from None
        return True

    def snapshot(self, fingerprint: str) -> Snapshot | None:
        """The snapshot of ``fingerprint``, or None when it was never stored."""
        s = schema.snapshots
        row = self._first(
            select(s.c.fingerprint, s.c.site, s.c.revision, s.c.content).where(
                s.c.fingerprint == fingerprint
            )
        )
        return None if row is None else Snapshot(row[0], row[1], int(row[2]), row[3])

    def snapshots(self, site: str | None = None) -> list[Snapshot]:
        """Every stored snapshot (of one site when given), oldest first."""
        with self.reading() as view:
            every = view.snapshots()
        return [s for s in every if site is None or s.site == site]

    def history(self, consent_id: str) -> list[Record]:
        """Every record of one consent id, in chain order (seq ≥ 1 only)."""
        with self.reading() as view:
            return view.records_where("consent_id = ? AND seq > 0", (consent_id,))

    def record(self, record_id: str) -> Record | None:
        """One record by its id."""
        with self.reading() as view:
            found = view.records_where("record_id = ?", (record_id,))
        return found[0] if found else None

    def iter_records(
        self,
        since_us: int | None = None,
        until_us: int | None = None,
        *,
        after_seq: int | None = None,
        batch: int = 5000,
    ) -> Iterator[Record]:
        """Records in chain order from one snapshot, read in pages so memory stays flat."""
        with self.reading() as view:
            for rec in view.records(after_seq or 0, batch):
                if since_us is not None and rec.recorded_us < since_us:
                    continue
                if until_us is not None and rec.recorded_us >= until_us:
                    continue
                yield rec

    def head(self) -> ChainHead:
        """The end of the chain."""
        with self.reading() as view:
            return view.head()

    def count(self) -> int:
        """How many records are stored."""
        row = self._first(select(func.count()).select_from(schema.records))
        return int(row[0]) if row is not None else 0

    def probe_write(self) -> None:
        """Raise LedgerError unless a write transaction can run (it is rolled back)."""
        try:
            with self.engine.connect() as conn:
                trans = conn.begin()
                conn.exec_driver_sql("UPDATE chain_head SET seq = seq WHERE id = 1")
                trans.rollback()
        except SQLAlchemyError as exc:
            raise LedgerError(f"the ledger cannot be written: {short_error(exc)}") from None

    def ping(self) -> None:
        """Raise LedgerError when the database does not answer."""
        self._first(select(1))

    def _first(self, query: Any) -> Any:
        try:
            with self.engine.connect() as conn:
                return conn.execute(query).first()
        except SQLAlchemyError as exc:
            raise LedgerError(f"cannot read the ledger: {short_error(exc)}") from None


@contextlib.contextmanager
def _file_lock(path: str | None) -> Iterator[None]:
    if path is None:
        yield
        return
    with open(path, "a") as handle:
        fcntl.flock(handle.fileno(), fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(handle.fileno(), fcntl.LOCK_UN)
