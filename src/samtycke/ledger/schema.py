"""The ledger's tables as the running code queries them (SQLAlchemy Core).

These objects describe the *current* schema for queries only; migrations never
create tables from them (each migration keeps its own frozen DDL, see
``migrations.py``). Times are integers (microseconds since 1970, UTC) so the
hashed ISO text can be rebuilt exactly on every database. Hashes are 64 hex.
"""

from __future__ import annotations

from sqlalchemy import BigInteger, Column, Integer, MetaData, String, Table, Text

metadata = MetaData()

schema_migrations = Table(
    "schema_migrations",
    metadata,
    Column("name", String(100), primary_key=True),
    Column("applied_us", BigInteger, nullable=False),
)

records = Table(
    "consent_records",
    metadata,
    Column("seq", BigInteger, primary_key=True, autoincrement=False),
    Column("record_id", String(32), nullable=False, unique=True),
    Column("consent_id", String(32), nullable=False, index=True),
    Column("site", String(100), nullable=False),
    Column("recorded_us", BigInteger, nullable=False, index=True),
    Column("revision", Integer, nullable=False),
    Column("fingerprint", String(64), nullable=False),
    Column("language", String(16), nullable=False),
    Column("method", String(16), nullable=False),
    Column("choices", Text, nullable=False),
    Column("url", Text),
    Column("ip", String(64)),
    Column("user_agent", Text),
    Column("prev_hash", String(64), nullable=False),
    Column("hash", String(64), nullable=False),
    # Record format 2 (NULL in format 1 rows, which did not record them).
    Column("format", Integer, nullable=False),
    Column("decision_id", String(32)),
    Column("refused_services", Text),
    Column("source", String(16)),
)

# One row (id = 1): the end of the chain. Appends lock it, so every writer in
# every process links to the true last record.
chain_head = Table(
    "chain_head",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=False),
    Column("seq", BigInteger, nullable=False),
    Column("hash", String(64), nullable=False),
    Column("recorded_us", BigInteger, nullable=False),
)

# Left behind by a purge of samtycke 0.1: outside the chain, so its cut cannot
# be checked; verify names any such row.
checkpoints = Table(
    "chain_checkpoints",
    metadata,
    Column("seq", BigInteger, primary_key=True, autoincrement=False),
    Column("hash", String(64), nullable=False),
    Column("recorded_us", BigInteger, nullable=False),
    Column("purged_us", BigInteger, nullable=False),
    Column("purged_count", BigInteger, nullable=False),
)

# A purge is a chained entry of its own at the next seq: what was cut, where
# and why (the retention), and the Merkle frontier of the purged prefix.
purges = Table(
    "chain_purges",
    metadata,
    Column("seq", BigInteger, primary_key=True, autoincrement=False),
    Column("recorded_us", BigInteger, nullable=False),
    Column("through_seq", BigInteger, nullable=False),
    Column("through_hash", String(64), nullable=False),
    Column("through_us", BigInteger, nullable=False),
    Column("cutoff_us", BigInteger, nullable=False),
    Column("retention_days", Integer, nullable=False),
    Column("purged_count", BigInteger, nullable=False),
    Column("frontier", Text, nullable=False),
    Column("prev_hash", String(64), nullable=False),
    Column("hash", String(64), nullable=False),
)

# Merkle subtree hashes: every perfect subtree of at least a block of leaves
# (``lo``, ``size``), a cache any writer may fill; a wrong row only makes a root
# disagree with the signed one, never a forged record verify.
merkle_nodes = Table(
    "merkle_nodes",
    metadata,
    Column("lo", BigInteger, primary_key=True, autoincrement=False),
    Column("size", BigInteger, primary_key=True, autoincrement=False),
    Column("hash", String(64), nullable=False),
)

# What a fingerprint stands for: the canonical declaration content, stored once.
snapshots = Table(
    "declaration_snapshots",
    metadata,
    Column("fingerprint", String(64), primary_key=True),
    Column("site", String(100), nullable=False, index=True),
    Column("revision", Integer, nullable=False),
    Column("content", Text, nullable=False),
    Column("created_us", BigInteger, nullable=False),
)

# E-mail tracking: aggregate opens and clicks per campaign of consenting
# recipients (no row names a person), and for the deliverability exemption
# only the day of each recipient id's last open.
mail_counts = Table(
    "mail_counts",
    metadata,
    Column("site", String(100), primary_key=True),
    Column("campaign", String(64), primary_key=True),
    Column("kind", String(8), primary_key=True),
    Column("count", BigInteger, nullable=False),
)
mail_last_open = Table(
    "mail_last_open",
    metadata,
    Column("site", String(100), primary_key=True),
    Column("recipient", String(32), primary_key=True),
    Column("day", String(10), nullable=False),
)

# The privacy console (m006): users, sessions (only a hash of each id), the
# aggregates its analytics read (no row names a person), and when verify and
# anchor last ran. None is a ledger entry.
console_users = Table(
    "console_users",
    metadata,
    Column("name", String(64), primary_key=True),
    Column("role", String(8), nullable=False),
    Column("password_hash", Text, nullable=False),
    Column("changed_us", BigInteger, nullable=False),
)
console_sessions = Table(
    "console_sessions",
    metadata,
    Column("id_hash", String(64), primary_key=True),
    Column("user_name", String(64), nullable=False, index=True),
    Column("csrf", String(64), nullable=False),
    Column("created_us", BigInteger, nullable=False),
    Column("seen_us", BigInteger, nullable=False),
)
console_displays = Table(
    "console_displays",
    metadata,
    Column("site", String(100), primary_key=True),
    Column("day", String(10), primary_key=True),
    Column("language", String(16), primary_key=True),
    Column("layer", String(8), primary_key=True),
    Column("count", BigInteger, nullable=False),
)
console_decisions = Table(
    "console_decisions",
    metadata,
    Column("site", String(100), primary_key=True),
    Column("day", String(10), primary_key=True),
    Column("language", String(16), primary_key=True),
    Column("revision", Integer, primary_key=True, autoincrement=False),
    Column("method", String(16), primary_key=True),
    Column("source", String(16), primary_key=True),
    Column("count", BigInteger, nullable=False),
)
console_optins = Table(
    "console_optins",
    metadata,
    Column("site", String(100), primary_key=True),
    Column("day", String(10), primary_key=True),
    Column("revision", Integer, primary_key=True, autoincrement=False),
    Column("kind", String(8), primary_key=True),  # "category" or "service"
    Column("name", String(64), primary_key=True),
    Column("count", BigInteger, nullable=False),
)
console_rollup = Table(
    "console_rollup",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=False),
    Column("seq", BigInteger, nullable=False),
)
console_runs = Table(
    "console_runs",
    metadata,
    Column("kind", String(16), primary_key=True),
    Column("ran_us", BigInteger, nullable=False),
    Column("ok", Integer, nullable=False),
    Column("detail", Text, nullable=False),
)

# Scheduled scans (samtycke.monitor), outside the chain: ``verify`` walks only the
# chained tables and the snapshots. JSON text in report, new_cookies, new_violations.
monitor_scans = Table(
    "monitor_scans",
    metadata,
    Column("id", String(32), primary_key=True),
    Column("site", String(100), nullable=False),
    Column("url", Text, nullable=False),
    Column("slot_us", BigInteger, nullable=False),
    Column("queued_us", BigInteger, nullable=False),
    Column("started_us", BigInteger),
    Column("finished_us", BigInteger),
    Column("status", String(16), nullable=False),
    Column("error", Text),
    Column("report", Text),
    Column("pages", Integer),
    Column("cookies", Integer),
    Column("violations", Integer),
    Column("new_cookies", Text),
    Column("new_violations", Text),
    Column("alerted_us", BigInteger),
    Column("alert_result", Text),
)
