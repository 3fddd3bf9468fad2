"""The ledger: append decisions to the hash chain, keep snapshots, read records back."""

from __future__ import annotations

import contextlib
import fcntl
import json
import threading
import time
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from sqlalchemy import Connection, Row, func, insert, select
from sqlalchemy.exc import IntegrityError, SQLAlchemyError

from samtycke.errors import LedgerError
from samtycke.ledger import schema
from samtycke.ledger.engine import open_engine
from samtycke.ledger.migrations import applied_migrations, migrate
from samtycke.ledger.records import Decision, Record, choices_json, seal

_R = schema.records
CHECKPOINT_SECONDS = 1.0


def now_us() -> int:
    """The current UTC time in microseconds since 1970."""
    return time.time_ns() // 1000


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


@dataclass(frozen=True)
class ChainHead:
    """The end of the chain: last sequence number, its hash and its time."""

    seq: int
    hash: str
    recorded_us: int


@dataclass(frozen=True)
class Checkpoint:
    """Where a purge cut the chain: the last purged record's place and hash."""

    seq: int
    hash: str
    recorded_us: int
    purged_us: int
    purged_count: int


class Ledger:
    """A consent ledger in SQLite or PostgreSQL, migrated on open."""

    def __init__(self, url: str, *, pool_size: int = 5, create: bool = True) -> None:
        self.url = url
        self.engine = open_engine(url, pool_size=pool_size)
        if not create:
            self._require_existing()
        self._thread_lock = threading.Lock()
        self._closing = threading.Event()
        self._checkpointer: threading.Thread | None = None
        db = self.engine.url.database
        self._lock_path = f"{db}.lock" if self.engine.dialect.name == "sqlite" and db else None
        mark = "?" if self.engine.dialect.paramstyle == "qmark" else "%s"
        self._insert_sql = (
            f"INSERT INTO consent_records ({', '.join(RECORD_COLUMNS)}) "
            f"VALUES ({', '.join([mark] * len(RECORD_COLUMNS))})"
        )
        self._head_sql = (
            f"UPDATE chain_head SET seq = {mark}, hash = {mark}, recorded_us = {mark} WHERE id = 1"
        )
        try:
            migrate(self.engine)
        except SQLAlchemyError as exc:
            self.engine.dispose()
            raise LedgerError(f"cannot open the ledger: {_short(exc)}") from None
        if self.engine.dialect.name == "sqlite":
            self._checkpointer = threading.Thread(
                target=self._checkpoint_loop, name="samtycke-checkpoint", daemon=True
            )
            self._checkpointer.start()

    def _require_existing(self) -> None:
        db = self.engine.url.database
        if self.engine.dialect.name == "sqlite" and db and not Path(db).is_file():
            self.engine.dispose()
            raise LedgerError(f"no ledger at {db} (the file does not exist)")
        try:
            known = applied_migrations(self.engine)
        except SQLAlchemyError as exc:
            self.engine.dispose()
            raise LedgerError(f"cannot open the ledger: {_short(exc)}") from None
        if not known:
            self.engine.dispose()
            raise LedgerError("this database holds no samtycke ledger (no schema_migrations)")

    def close(self) -> None:
        """Stop the checkpointer and close every pooled connection."""
        self._closing.set()
        if self._checkpointer is not None:
            self._checkpointer.join(timeout=10)
        self.checkpoint()
        self.engine.dispose()

    def checkpoint(self) -> None:
        """Copy SQLite's write-ahead log into the database file (no-op on PostgreSQL)."""
        if self.engine.dialect.name != "sqlite":
            return
        try:
            with self.engine.connect() as conn:
                conn.exec_driver_sql("PRAGMA wal_checkpoint(PASSIVE)")
        except SQLAlchemyError:
            pass  # the next round tries again; nothing is lost by waiting

    def _checkpoint_loop(self) -> None:
        while not self._closing.wait(CHECKPOINT_SECONDS):
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

    def append(self, decisions: Sequence[Decision], at_us: int | None = None) -> list[Record]:
        """Chain and store ``decisions`` in one transaction; returns them as records.

        When this returns, the records are committed. The chain head row is
        locked for the transaction so concurrent writers in other processes
        queue behind it; the time never runs backwards along the chain.
        """
        if not decisions:
            return []
        try:
            with self.writing() as conn:
                head = lock_head(conn)
                stamp = max(now_us() if at_us is None else at_us, head.recorded_us)
                seq, prev = head.seq, head.hash
                sealed: list[Record] = []
                for d in decisions:
                    seq += 1
                    rec = seal(seq, stamp, prev, d)
                    prev = rec.hash
                    sealed.append(rec)
                # Driver-level SQL: the hot path skips SQLAlchemy's per-row processing.
                conn.exec_driver_sql(self._insert_sql, [record_values(r) for r in sealed])
                conn.exec_driver_sql(self._head_sql, (seq, prev, stamp))
        except SQLAlchemyError as exc:
            raise LedgerError(f"cannot store consent records: {_short(exc)}") from None
        return sealed

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
            raise LedgerError(f"cannot store the declaration snapshot: {_short(exc)}") from None
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
        s = schema.snapshots
        query = select(s.c.fingerprint, s.c.site, s.c.revision, s.c.content).order_by(
            s.c.created_us, s.c.fingerprint
        )
        if site is not None:
            query = query.where(s.c.site == site)
        return [Snapshot(r[0], r[1], int(r[2]), r[3]) for r in self._all(query)]

    def history(self, consent_id: str) -> list[Record]:
        """Every record of one consent id, in chain order."""
        rows = self._all(select(_R).where(_R.c.consent_id == consent_id).order_by(_R.c.seq))
        return [row_record(r) for r in rows]

    def record(self, record_id: str) -> Record | None:
        """One record by its id."""
        row = self._first(select(_R).where(_R.c.record_id == record_id))
        return None if row is None else row_record(row)

    def iter_records(
        self,
        since_us: int | None = None,
        until_us: int | None = None,
        *,
        after_seq: int | None = None,
        batch: int = 5000,
    ) -> Iterator[Record]:
        """Records in chain order, read in keyset pages so memory stays flat."""
        last = after_seq if after_seq is not None else -1
        while True:
            query = select(_R).where(_R.c.seq > last).order_by(_R.c.seq).limit(batch)
            if since_us is not None:
                query = query.where(_R.c.recorded_us >= since_us)
            if until_us is not None:
                query = query.where(_R.c.recorded_us < until_us)
            rows = self._all(query)
            for row in rows:
                yield row_record(row)
            if len(rows) < batch:
                return
            last = int(rows[-1].seq)

    def head(self) -> ChainHead:
        """The end of the chain."""
        h = schema.chain_head
        row = self._first(select(h.c.seq, h.c.hash, h.c.recorded_us).where(h.c.id == 1))
        if row is None:
            raise LedgerError("the ledger has no chain head row (was it created by samtycke?)")
        return ChainHead(int(row[0]), row[1], int(row[2]))

    def checkpoints(self) -> list[Checkpoint]:
        """Every purge checkpoint, in chain order."""
        c = schema.checkpoints
        rows = self._all(select(c).order_by(c.c.seq))
        return [Checkpoint(int(r[0]), r[1], int(r[2]), int(r[3]), int(r[4])) for r in rows]

    def count(self) -> int:
        """How many records are stored."""
        row = self._first(select(func.count()).select_from(_R))
        return int(row[0]) if row is not None else 0

    def ping(self) -> None:
        """Raise LedgerError when the database does not answer."""
        self._first(select(1))

    def _first(self, query: Any) -> Any:
        try:
            with self.engine.connect() as conn:
                return conn.execute(query).first()
        except SQLAlchemyError as exc:
            raise LedgerError(f"cannot read the ledger: {_short(exc)}") from None

    def _all(self, query: Any) -> list[Any]:
        try:
            with self.engine.connect() as conn:
                return list(conn.execute(query).all())
        except SQLAlchemyError as exc:
            raise LedgerError(f"cannot read the ledger: {_short(exc)}") from None


def lock_head(conn: Connection) -> ChainHead:
    """Read the chain head inside a transaction, locking it until commit."""
    h = schema.chain_head
    row = conn.execute(
        select(h.c.seq, h.c.hash, h.c.recorded_us).where(h.c.id == 1).with_for_update()
    ).one()
    return ChainHead(int(row[0]), row[1], int(row[2]))


RECORD_COLUMNS = tuple(c.name for c in _R.columns)


def record_values(rec: Record) -> tuple[Any, ...]:
    """A record as a tuple in ``RECORD_COLUMNS`` order."""
    row = record_row(rec)
    return tuple(row[c] for c in RECORD_COLUMNS)


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


def record_row(rec: Record) -> dict[str, Any]:
    """A record as a row of ``consent_records``."""
    row = rec.as_dict()
    del row["recorded_at"]
    row["recorded_us"] = rec.recorded_us
    row["choices"] = choices_json(rec.decision.choices)
    return row


def row_record(row: Row[Any]) -> Record:
    """A ``consent_records`` row as a record (stored values, not re-validated)."""
    m = row._mapping
    try:
        choices = json.loads(m["choices"])
    except ValueError:
        choices = {"<unreadable>": False}  # verify will report the hash mismatch
    if not isinstance(choices, dict):
        choices = {"<unreadable>": False}
    decision = Decision(
        record_id=m["record_id"],
        consent_id=m["consent_id"],
        site=m["site"],
        revision=int(m["revision"]),
        fingerprint=m["fingerprint"],
        language=m["language"],
        method=m["method"],
        choices=choices,
        url=m["url"],
        ip=m["ip"],
        user_agent=m["user_agent"],
    )
    return Record(int(m["seq"]), int(m["recorded_us"]), m["prev_hash"], m["hash"], decision)


def _short(exc: SQLAlchemyError) -> str:
    # The driver's first line says what went wrong; SQLAlchemy adds SQL and a URL.
    orig = getattr(exc, "orig", None) or exc
    return str(orig).strip().splitlines()[0] if str(orig).strip() else type(orig).__name__
