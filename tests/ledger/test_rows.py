"""The strict row reader's column list against the table it reads."""

from __future__ import annotations

import sqlite3
from pathlib import Path

from samtycke.ledger import Ledger, schema
from samtycke.ledger.rows import RECORD_COLUMNS


def test_record_columns_are_the_tables_in_order() -> None:
    assert tuple(c.name for c in schema.records.columns) == RECORD_COLUMNS


def test_record_columns_are_what_the_migrations_create(tmp_path: Path) -> None:
    path = tmp_path / "ledger.db"
    Ledger(f"sqlite:///{path}", migrate=True).close()
    with sqlite3.connect(path) as conn:
        created = tuple(row[1] for row in conn.execute("PRAGMA table_info(consent_records)"))
    assert created == RECORD_COLUMNS
