"""Mail fixtures: a site that tracks e-mail, a fixed mail key, a tracker on each database."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from samtycke.declaration import Declaration, parse_declaration
from samtycke.mail import MailKey, MailTracker
from tests.databases import db_url, migrated_ledger

__all__ = ["db_url"]

BASE = "https://consent.shop.example"
# A fixed key makes every token, and so every rewritten e-mail, reproducible.
KEY = MailKey(bytes(range(32)))

SITE = """
[site]
id = "shop"
name = "Shop"
controller = "Shop AB"
contact = "privacy@shop.example"
domains = ["shop.example"]
languages = ["sv", "en"]

[[cookies]]
name = "sid"
category = "necessary"
expires = "session"
purpose = { en = "Keeps you signed in.", sv = "Håller dig inloggad." }
"""

EMAIL = """
[email]
do_not_track = "opens-only"

[email.open]
purpose = { en = "To see which newsletters are read.", sv = "För att se vilka nyhetsbrev som läses." }

[email.click]
purpose = { en = "To see which offers interest you.", sv = "För att se vilka erbjudanden som intresserar dig." }
"""


def shop(extra: str = EMAIL) -> Declaration:
    """The shop declaration with ``extra`` TOML appended (its [email] table by default)."""
    return parse_declaration(SITE + extra, "shop.toml")


@pytest.fixture
def decl() -> Declaration:
    """The shop site, tracking opens and clicks, opens-only under do-not-track."""
    return shop()


@pytest.fixture
def tracker(decl: Declaration, db_url: str) -> Iterator[MailTracker]:
    """A tracker on a fresh ledger (SQLite, then PostgreSQL)."""
    ledger = migrated_ledger(db_url)
    yield MailTracker(decl, ledger, KEY, BASE)
    ledger.close()


@pytest.fixture
def sqlite_tracker(decl: Declaration, tmp_path: Path) -> Iterator[MailTracker]:
    """A tracker on a fresh SQLite ledger only (for tests about the e-mail, not the database)."""
    ledger = migrated_ledger(f"sqlite:///{tmp_path / 'ledger.db'}")
    yield MailTracker(decl, ledger, KEY, BASE)
    ledger.close()
