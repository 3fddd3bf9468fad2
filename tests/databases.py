"""The ledger-database fixture shared by tests/ledger and tests/server, and migrated ledgers."""

from __future__ import annotations

import contextlib
import functools
import sqlite3
import tempfile
from pathlib import Path

import pytest

from samtycke.ledger import Ledger

# Lives as long as the test process: the template every migrated SQLite ledger copies.
_TEMPLATE_DIR = tempfile.TemporaryDirectory(prefix="samtycke-template-")


@pytest.fixture(params=["sqlite", "postgres"])
def db_url(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    """A fresh ledger database: SQLite, then the real PostgreSQL."""
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path / 'ledger.db'}"
    url: str = request.getfixturevalue("pg_url")
    return url


@functools.cache
def _migrated_template() -> Path:
    path = Path(_TEMPLATE_DIR.name) / "ledger.db"
    Ledger(f"sqlite:///{path}", migrate=True).close()
    return path


def migrated_ledger(url: str) -> Ledger:
    """``Ledger(url, migrate=True)``; a new SQLite file starts as a copy of one migrated before.

    Running every migration costs more than the tests that want a ready ledger;
    the copy is made once per test process and opened with ``migrate=True``
    all the same, which finds nothing left to apply. PostgreSQL is migrated.
    """
    prefix = "sqlite:///"
    if url.startswith(prefix) and not Path(url[len(prefix) :]).exists():
        # The backup API copies a WAL database whole, whatever its -wal file holds.
        with (
            contextlib.closing(sqlite3.connect(_migrated_template())) as source,
            contextlib.closing(sqlite3.connect(url[len(prefix) :])) as target,
        ):
            source.backup(target)
    return Ledger(url, migrate=True)
