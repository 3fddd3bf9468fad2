"""Schema migrations: named functions with frozen DDL, each in its own transaction.

Each migration holds the exact SQL it ran when it was written, never the live
table objects of ``schema.py``: a migration applied in a year must create what
it created on the day it shipped. Opening a ledger never migrates; ``samtycke
ledger migrate`` and ``samtycke serve`` (at start) call :func:`migrate`.

Several server processes may start at once against one database, so each
migration runs under the database's write lock (PostgreSQL advisory lock,
SQLite ``BEGIN IMMEDIATE``) and checks ``schema_migrations`` again inside it.
"""

from __future__ import annotations

import time
from collections.abc import Callable

from sqlalchemy import Connection, Engine, inspect, text

_PG_MIGRATION_LOCK = 7_316_172_001  # arbitrary, constant advisory-lock key

_M001 = (
    """CREATE TABLE IF NOT EXISTS consent_records (
        seq BIGINT NOT NULL, record_id VARCHAR(32) NOT NULL, consent_id VARCHAR(32) NOT NULL,
        site VARCHAR(100) NOT NULL, recorded_us BIGINT NOT NULL, revision INTEGER NOT NULL,
        fingerprint VARCHAR(64) NOT NULL, language VARCHAR(16) NOT NULL,
        method VARCHAR(16) NOT NULL, choices TEXT NOT NULL, url TEXT, ip VARCHAR(64),
        user_agent TEXT, prev_hash VARCHAR(64) NOT NULL, hash VARCHAR(64) NOT NULL,
        PRIMARY KEY (seq), UNIQUE (record_id))""",
    "CREATE INDEX IF NOT EXISTS ix_consent_records_recorded_us ON consent_records (recorded_us)",
    "CREATE INDEX IF NOT EXISTS ix_consent_records_consent_id ON consent_records (consent_id)",
    """CREATE TABLE IF NOT EXISTS chain_head (
        id INTEGER NOT NULL, seq BIGINT NOT NULL, hash VARCHAR(64) NOT NULL,
        recorded_us BIGINT NOT NULL, PRIMARY KEY (id))""",
    """CREATE TABLE IF NOT EXISTS chain_checkpoints (
        seq BIGINT NOT NULL, hash VARCHAR(64) NOT NULL, recorded_us BIGINT NOT NULL,
        purged_us BIGINT NOT NULL, purged_count BIGINT NOT NULL, PRIMARY KEY (seq))""",
    """CREATE TABLE IF NOT EXISTS declaration_snapshots (
        fingerprint VARCHAR(64) NOT NULL, site VARCHAR(100) NOT NULL,
        revision INTEGER NOT NULL, content TEXT NOT NULL, created_us BIGINT NOT NULL,
        PRIMARY KEY (fingerprint))""",
    "CREATE INDEX IF NOT EXISTS ix_declaration_snapshots_site ON declaration_snapshots (site)",
    "INSERT INTO chain_head (id, seq, hash, recorded_us) VALUES (1, 0, '" + "0" * 64 + "', 0)",
)

_M002 = ("CREATE INDEX IF NOT EXISTS ix_records_site_time ON consent_records (site, recorded_us)",)

_M003 = (
    "ALTER TABLE consent_records ADD COLUMN format INTEGER NOT NULL DEFAULT 1",
    "ALTER TABLE consent_records ADD COLUMN decision_id VARCHAR(32)",
    "ALTER TABLE consent_records ADD COLUMN refused_services TEXT",
    "ALTER TABLE consent_records ADD COLUMN source VARCHAR(16)",
    # NULLs are distinct in both databases: format 1 rows never collide.
    "CREATE UNIQUE INDEX IF NOT EXISTS ux_records_site_decision "
    "ON consent_records (site, decision_id)",
    """CREATE TABLE IF NOT EXISTS chain_purges (
        seq BIGINT NOT NULL, recorded_us BIGINT NOT NULL, through_seq BIGINT NOT NULL,
        through_hash VARCHAR(64) NOT NULL, through_us BIGINT NOT NULL,
        cutoff_us BIGINT NOT NULL, retention_days INTEGER NOT NULL,
        purged_count BIGINT NOT NULL, frontier TEXT NOT NULL,
        prev_hash VARCHAR(64) NOT NULL, hash VARCHAR(64) NOT NULL, PRIMARY KEY (seq))""",
    """CREATE TABLE IF NOT EXISTS merkle_blocks (
        block BIGINT NOT NULL, hash VARCHAR(64) NOT NULL, PRIMARY KEY (block))""",
)

# No row of these names a person: counts of consenting recipients per campaign,
# and for the deliverability exemption only the day of a recipient id's last open.
_M004 = (
    """CREATE TABLE IF NOT EXISTS mail_counts (
        site VARCHAR(100) NOT NULL, campaign VARCHAR(64) NOT NULL, kind VARCHAR(8) NOT NULL,
        count BIGINT NOT NULL, PRIMARY KEY (site, campaign, kind))""",
    """CREATE TABLE IF NOT EXISTS mail_last_open (
        site VARCHAR(100) NOT NULL, recipient VARCHAR(32) NOT NULL, day VARCHAR(10) NOT NULL,
        PRIMARY KEY (site, recipient))""",
)


_M005 = (
    # Every perfect subtree of ≥ 1024 leaves, not only the bottom blocks: a proof
    # at ten million records then reads a few dozen hashes instead of recombining
    # ten thousand. The block table it replaces was only ever a cache.
    "DROP TABLE IF EXISTS merkle_blocks",
    """CREATE TABLE IF NOT EXISTS merkle_nodes (
        lo BIGINT NOT NULL, size BIGINT NOT NULL, hash VARCHAR(64) NOT NULL,
        PRIMARY KEY (lo, size))""",
)

# The privacy console: its users and sessions, and aggregates that name nobody
# (banner displays and decisions summed per site, day and a few properties).
# None of these is a ledger entry: verify walks consent_records and chain_purges
# only, so these tables are outside its "every row" rule by construction.
_M006 = (
    """CREATE TABLE IF NOT EXISTS console_users (
        name VARCHAR(64) NOT NULL, role VARCHAR(8) NOT NULL, password_hash TEXT NOT NULL,
        changed_us BIGINT NOT NULL, PRIMARY KEY (name))""",
    # Only the sha256 of a session id is stored: a copy of the table opens no session.
    """CREATE TABLE IF NOT EXISTS console_sessions (
        id_hash VARCHAR(64) NOT NULL, user_name VARCHAR(64) NOT NULL, csrf VARCHAR(64) NOT NULL,
        created_us BIGINT NOT NULL, seen_us BIGINT NOT NULL, PRIMARY KEY (id_hash))""",
    "CREATE INDEX IF NOT EXISTS ix_console_sessions_user ON console_sessions (user_name)",
    """CREATE TABLE IF NOT EXISTS console_displays (
        site VARCHAR(100) NOT NULL, day VARCHAR(10) NOT NULL, language VARCHAR(16) NOT NULL,
        layer VARCHAR(8) NOT NULL, count BIGINT NOT NULL,
        PRIMARY KEY (site, day, language, layer))""",
    """CREATE TABLE IF NOT EXISTS console_decisions (
        site VARCHAR(100) NOT NULL, day VARCHAR(10) NOT NULL, language VARCHAR(16) NOT NULL,
        revision INTEGER NOT NULL, method VARCHAR(16) NOT NULL, source VARCHAR(16) NOT NULL,
        count BIGINT NOT NULL, PRIMARY KEY (site, day, language, revision, method, source))""",
    """CREATE TABLE IF NOT EXISTS console_optins (
        site VARCHAR(100) NOT NULL, day VARCHAR(10) NOT NULL, revision INTEGER NOT NULL,
        kind VARCHAR(8) NOT NULL, name VARCHAR(64) NOT NULL, count BIGINT NOT NULL,
        PRIMARY KEY (site, day, revision, kind, name))""",
    # How far the decision aggregates have read the chain: each seq counted once.
    """CREATE TABLE IF NOT EXISTS console_rollup (
        id INTEGER NOT NULL, seq BIGINT NOT NULL, PRIMARY KEY (id))""",
    "INSERT INTO console_rollup (id, seq) VALUES (1, 0)",
    """CREATE TABLE IF NOT EXISTS console_runs (
        kind VARCHAR(16) NOT NULL, ran_us BIGINT NOT NULL, ok INTEGER NOT NULL,
        detail TEXT NOT NULL, PRIMARY KEY (kind))""",
)

# Scheduled scans (samtycke.monitor): outside the hash chain, as the mail counts
# are. One row per scan of one start URL; ``slot_us`` is the schedule slot it
# was claimed for, unique per site and URL, so replicas never scan a slot twice.
_M007 = (
    """CREATE TABLE IF NOT EXISTS monitor_scans (
        id VARCHAR(32) NOT NULL, site VARCHAR(100) NOT NULL, url TEXT NOT NULL,
        slot_us BIGINT NOT NULL, queued_us BIGINT NOT NULL, started_us BIGINT,
        finished_us BIGINT, status VARCHAR(16) NOT NULL, error TEXT, report TEXT,
        pages INTEGER, cookies INTEGER, violations INTEGER,
        new_cookies TEXT, new_violations TEXT, alerted_us BIGINT, alert_result TEXT,
        PRIMARY KEY (id))""",
    "CREATE UNIQUE INDEX IF NOT EXISTS ux_monitor_scans_slot ON monitor_scans (site, url, slot_us)",
    "CREATE INDEX IF NOT EXISTS ix_monitor_scans_site_time ON monitor_scans (site, queued_us)",
)


def _run(statements: tuple[str, ...]) -> Callable[[Connection], None]:
    def apply(conn: Connection) -> None:
        for statement in statements:
            conn.execute(text(statement))

    return apply


def m001_initial(conn: Connection) -> None:
    """The records, chain head, checkpoints and snapshot tables."""
    _run(_M001)(conn)


def m002_site_time_index(conn: Connection) -> None:
    """Stats and per-site exports read by site and time."""
    _run(_M002)(conn)


def m003_record_format_2(conn: Connection) -> None:
    """Decision ids (unique per site), per-service choices, source; chained purges; Merkle."""
    _run(_M003)(conn)


def m004_mail_counts(conn: Connection) -> None:
    """E-mail tracking: per-campaign counts and the last-open day (deliverability)."""
    _run(_M004)(conn)


def m005_merkle_nodes(conn: Connection) -> None:
    """Cache every Merkle subtree of at least a block, so proofs read only their path."""
    _run(_M005)(conn)


def m006_console(conn: Connection) -> None:
    """The privacy console: users, sessions, display and decision aggregates, runs."""
    _run(_M006)(conn)


def m007_monitor_scans(conn: Connection) -> None:
    """Scheduled scans of every site: each report, what was new in it, its alert."""
    _run(_M007)(conn)


MIGRATIONS: list[Callable[[Connection], None]] = [
    m001_initial,
    m002_site_time_index,
    m003_record_format_2,
    m004_mail_counts,
    m005_merkle_nodes,
    m006_console,
    m007_monitor_scans,
]
MIGRATION_NAMES = tuple(m.__name__ for m in MIGRATIONS)


def migrate(engine: Engine) -> list[str]:
    """Apply every migration not yet recorded; returns the names applied now."""
    with engine.connect().execution_options(samtycke_lock=True) as conn, conn.begin():
        _lock(conn)
        conn.execute(
            text(
                "CREATE TABLE IF NOT EXISTS schema_migrations ("
                "name VARCHAR(100) NOT NULL, applied_us BIGINT NOT NULL, PRIMARY KEY (name))"
            )
        )
    applied: list[str] = []
    for migration in MIGRATIONS:
        name = migration.__name__
        with engine.connect().execution_options(samtycke_lock=True) as conn, conn.begin():
            _lock(conn)
            done = conn.execute(
                text("SELECT name FROM schema_migrations WHERE name = :n"), {"n": name}
            ).first()
            if done is not None:
                continue
            migration(conn)
            conn.execute(
                text("INSERT INTO schema_migrations (name, applied_us) VALUES (:n, :t)"),
                {"n": name, "t": time.time_ns() // 1000},
            )
            applied.append(name)
    return applied


def applied_migrations(engine: Engine) -> list[str]:
    """Names of the migrations recorded in the database (empty for a new one)."""
    with engine.connect() as conn:
        if not inspect(conn).has_table("schema_migrations"):
            return []
        rows = conn.execute(text("SELECT name FROM schema_migrations")).scalars()
        return sorted(rows)


def pending_migrations(engine: Engine) -> list[str]:
    """The migrations this version knows that the database has not recorded."""
    done = set(applied_migrations(engine))
    return [name for name in MIGRATION_NAMES if name not in done]


def _lock(conn: Connection) -> None:
    # SQLite already holds its write lock (BEGIN IMMEDIATE); PostgreSQL needs one.
    if conn.dialect.name == "postgresql":
        conn.execute(text("SELECT pg_advisory_xact_lock(:k)"), {"k": _PG_MIGRATION_LOCK})
