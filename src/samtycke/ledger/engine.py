"""Opening a ledger database: URL forms, SQLite pragmas, the write lock.

``sqlite:///path`` is the embedded default; ``postgresql://…`` (psycopg 3) is for
production. SQLite runs in WAL mode with ``synchronous=FULL`` so a commit
survives a power cut, which is what a 2xx promises. Connections opened with
the execution option ``samtycke_lock=True`` start their transaction with
``BEGIN IMMEDIATE``: SQLite's write lock serialises chain appends across
processes, as ``SELECT … FOR UPDATE`` on the chain head does on PostgreSQL.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import Connection, Engine, create_engine, event
from sqlalchemy.engine import make_url
from sqlalchemy.exc import ArgumentError
from sqlalchemy.pool import ConnectionPoolEntry

from samtycke.errors import LedgerError

SQLITE_BUSY_MS = 30_000


def normalize_url(url: str) -> str:
    """Accept ``postgres://``, ``postgresql://`` and ``sqlite:///``; pick the drivers."""
    if url.startswith("postgres://"):
        url = "postgresql://" + url[len("postgres://") :]
    if url.startswith("postgresql://"):
        url = "postgresql+psycopg://" + url[len("postgresql://") :]
    if not (url.startswith("postgresql+psycopg://") or url.startswith("sqlite://")):
        raise LedgerError(
            f"database URL {_redact(url)!r} is not supported "
            "(use sqlite:///FILE or postgresql://USER@HOST/DB)"
        )
    return url


def open_engine(
    url: str, *, pool_size: int = 5, pre_ping: bool = True, autocommit: bool = False
) -> Engine:
    """An engine for the ledger at ``url`` (raises LedgerError for a bad URL).

    On PostgreSQL each checkout first checks its session is alive (``pre_ping``)
    unless told not to, by a caller that finds a dead one out itself; with
    ``autocommit`` the driver starts no transactions, the caller sends BEGIN.
    """
    norm = normalize_url(url)
    try:
        parsed = make_url(norm)
    except (ArgumentError, ValueError) as exc:
        raise LedgerError(f"database URL {_redact(url)!r} is malformed ({exc})") from None
    if parsed.get_backend_name() == "sqlite":
        if not parsed.database or parsed.database == ":memory:":
            raise LedgerError("an in-memory SQLite ledger would lose every record; give a file")
        engine = create_engine(norm, pool_size=pool_size, max_overflow=10)
        _configure_sqlite(engine)
        return engine
    return create_engine(
        norm,
        pool_size=pool_size,
        max_overflow=10,
        pool_pre_ping=pre_ping,
        connect_args={"connect_timeout": 10},
        **({"isolation_level": "AUTOCOMMIT"} if autocommit else {}),
    )


def _configure_sqlite(engine: Engine) -> None:
    @event.listens_for(engine, "connect")
    def _connect(dbapi_conn: Any, _record: ConnectionPoolEntry) -> None:
        # Take transaction control from the sqlite3 module so BEGIN is ours.
        dbapi_conn.isolation_level = None
        cur = dbapi_conn.cursor()
        cur.execute(f"PRAGMA busy_timeout = {SQLITE_BUSY_MS}")
        cur.execute("PRAGMA journal_mode = WAL")
        cur.execute("PRAGMA synchronous = FULL")
        # Checkpoints run in the background (Ledger's checkpointer), not inside
        # whichever commit crosses 1000 WAL pages: that commit would stall every
        # request waiting on it.
        cur.execute("PRAGMA wal_autocheckpoint = 0")
        cur.close()

    @event.listens_for(engine, "begin")
    def _begin(conn: Connection) -> None:
        immediate = conn.get_execution_options().get("samtycke_lock", False)
        conn.exec_driver_sql("BEGIN IMMEDIATE" if immediate else "BEGIN")


def _redact(url: str) -> str:
    # Never echo a password back in an error message.
    try:
        return make_url(url).render_as_string(hide_password=True)
    except (ArgumentError, ValueError):
        return url.split("@")[-1]
