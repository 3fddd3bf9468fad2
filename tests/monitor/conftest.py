"""Monitor fixtures: a migrated ledger database on SQLite and on the real PostgreSQL."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from sqlalchemy import Engine

from tests.databases import db_url, migrated_ledger

__all__ = ["db_url"]


@pytest.fixture
def engine(db_url: str) -> Iterator[Engine]:
    """The engine of a freshly migrated ledger on each database kind."""
    led = migrated_ledger(db_url)
    yield led.engine
    led.close()


@pytest.fixture
def sqlite_engine(tmp_path: object) -> Iterator[Engine]:
    """The engine of a freshly migrated SQLite ledger."""
    led = migrated_ledger(f"sqlite:///{tmp_path}/ledger.db")
    yield led.engine
    led.close()
