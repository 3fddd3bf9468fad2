"""Schema migrations: named functions, each run in its own transaction and recorded.

Several server processes may start at once against one database, so each
migration runs under the database's write lock (PostgreSQL advisory lock,
SQLite ``BEGIN IMMEDIATE``) and checks ``schema_migrations`` again inside it.
"""

from __future__ import annotations

import time
from collections.abc import Callable

from sqlalchemy import Connection, Engine, insert, inspect, select, text

from samtycke.ledger import schema
from samtycke.ledger.records import GENESIS_HASH

_PG_MIGRATION_LOCK = 7_316_172_001  # arbitrary, constant advisory-lock key


def m001_initial(conn: Connection) -> None:
    """The records, chain head, checkpoints and snapshot tables."""
    for table in (schema.records, schema.chain_head, schema.checkpoints, schema.snapshots):
        table.create(conn, checkfirst=True)
    conn.execute(insert(schema.chain_head).values(id=1, seq=0, hash=GENESIS_HASH, recorded_us=0))


def m002_site_time_index(conn: Connection) -> None:
    """Stats and per-site exports read by site and time."""
    conn.execute(
        text(
            "CREATE INDEX IF NOT EXISTS ix_records_site_time ON consent_records (site, recorded_us)"
        )
    )


def m010_mail_counts(conn: Connection) -> None:
    """E-mail tracking: per-campaign counts and the last-open day (deliverability)."""
    for table in (schema.mail_counts, schema.mail_last_open):
        table.create(conn, checkfirst=True)


MIGRATIONS: list[Callable[[Connection], None]] = [
    m001_initial,
    m002_site_time_index,
    m010_mail_counts,
]


def migrate(engine: Engine) -> list[str]:
    """Apply every migration not yet recorded; returns the names applied now."""
    with engine.connect().execution_options(samtycke_lock=True) as conn, conn.begin():
        _lock(conn)
        schema.schema_migrations.create(conn, checkfirst=True)
    applied: list[str] = []
    for migration in MIGRATIONS:
        name = migration.__name__
        with engine.connect().execution_options(samtycke_lock=True) as conn, conn.begin():
            _lock(conn)
            done = conn.execute(
                select(schema.schema_migrations.c.name).where(
                    schema.schema_migrations.c.name == name
                )
            ).first()
            if done is not None:
                continue
            migration(conn)
            conn.execute(
                insert(schema.schema_migrations).values(
                    name=name, applied_us=int(time.time() * 1_000_000)
                )
            )
            applied.append(name)
    return applied


def applied_migrations(engine: Engine) -> list[str]:
    """Names of the migrations recorded in the database (empty for a new one)."""
    with engine.connect() as conn:
        if not inspect(conn).has_table("schema_migrations"):
            return []
        rows = conn.execute(select(schema.schema_migrations.c.name)).scalars()
        return sorted(rows)


def _lock(conn: Connection) -> None:
    # SQLite already holds its write lock (BEGIN IMMEDIATE); PostgreSQL needs one.
    if conn.dialect.name == "postgresql":
        conn.execute(text("SELECT pg_advisory_xact_lock(:k)"), {"k": _PG_MIGRATION_LOCK})
