"""Monitor fixtures: a migrated ledger database on SQLite and on the real PostgreSQL."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from sqlalchemy import Engine

from samtycke.ledger import Ledger
from tests.databases import db_url

__all__ = ["db_url"]


@pytest.fixture
def engine(db_url: str) -> Iterator[Engine]:
    """The engine of a freshly migrated ledger on each database kind."""
    led = Ledger(db_url, migrate=True)
    yield led.engine
    led.close()


@pytest.fixture
def sqlite_engine(tmp_path: object) -> Iterator[Engine]:
    """The engine of a freshly migrated SQLite ledger."""
    led = Ledger(f"sqlite:///{tmp_path}/ledger.db", migrate=True)
    yield led.engine
    led.close()
