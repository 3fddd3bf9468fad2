"""Ledger fixtures: a ledger on SQLite and on the real PostgreSQL, and decisions to fill it."""

from __future__ import annotations

import hashlib
import secrets
from collections.abc import Iterator
from pathlib import Path

import pytest

from samtycke.ledger import Decision, Ledger
from tests.databases import db_url, migrated_ledger

__all__ = ["db_url"]  # the fixture, shared with tests/server

SNAPSHOT = '{"format":1,"site":{"id":"shop"}}'
FINGERPRINT = hashlib.sha256(SNAPSHOT.encode()).hexdigest()


def decision(i: int = 0, **changes: object) -> Decision:
    """A plausible decision; ``i`` varies the choices."""
    fields: dict[str, object] = {
        "record_id": secrets.token_hex(16),
        "consent_id": secrets.token_hex(16),
        "site": "shop",
        "revision": 1,
        "fingerprint": FINGERPRINT,
        "language": "sv",
        "method": "custom",
        "choices": {"necessary": True, "analytics": i % 2 == 0, "marketing": i % 3 == 0},
        "url": f"https://shop.example/page/{i}",
        "ip": "203.0.113.0",
        "user_agent": None,
    }
    fields.update(changes)
    return Decision(**fields)  # type: ignore[arg-type]


def open_ledger(url: str) -> Ledger:
    """A ledger with the test snapshot stored."""
    led = migrated_ledger(url)
    led.add_snapshot("shop", 1, FINGERPRINT, SNAPSHOT)
    return led


@pytest.fixture
def sqlite_url(tmp_path: Path) -> str:
    """A fresh SQLite ledger file."""
    return f"sqlite:///{tmp_path / 'ledger.db'}"


@pytest.fixture
def ledger(db_url: str) -> Iterator[Ledger]:
    """An open ledger on each database kind."""
    led = open_ledger(db_url)
    yield led
    led.close()
