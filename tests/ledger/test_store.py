"""Opening, migrating and reading the ledger on SQLite and PostgreSQL."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import text

from samtycke.errors import LedgerError
from samtycke.ledger import Ledger, verify_chain
from samtycke.ledger.migrations import MIGRATIONS, applied_migrations
from tests.ledger.conftest import FINGERPRINT, SNAPSHOT, decision


def test_migrations_are_recorded_once(db_url: str) -> None:
    with Ledger(db_url, migrate=True) as led:
        names = applied_migrations(led.engine)
    assert names == sorted(m.__name__ for m in MIGRATIONS)
    with Ledger(db_url, migrate=True) as again:  # reopening applies nothing twice
        assert applied_migrations(again.engine) == names


def test_sqlite_runs_in_wal_mode_with_full_sync(sqlite_url: str) -> None:
    with Ledger(sqlite_url, migrate=True) as led, led.engine.connect() as conn:
        assert conn.execute(text("PRAGMA journal_mode")).scalar() == "wal"
        assert conn.execute(text("PRAGMA synchronous")).scalar() == 2  # FULL


def test_append_returns_committed_records_in_chain_order(ledger: Ledger) -> None:
    first = ledger.append([decision(0), decision(1)])
    second = ledger.append([decision(2)])
    assert [r.seq for r in first + second] == [1, 2, 3]
    assert second[0].prev_hash == first[1].hash
    assert ledger.head().hash == second[0].hash
    stored = list(ledger.iter_records())
    assert [r.hash for r in stored] == [r.hash for r in first + second]
    assert stored[0].decision == first[0].decision
    assert verify_chain(ledger).records == 3


def test_history_is_per_consent_id(ledger: Ledger) -> None:
    cid = "c" * 32
    ledger.append([decision(0, consent_id=cid), decision(1)])
    ledger.append([decision(2, consent_id=cid, method="withdraw")])
    assert [r.decision.method for r in ledger.history(cid)] == ["custom", "withdraw"]
    assert ledger.history("0" * 32) == []


def test_snapshots_are_stored_once(ledger: Ledger) -> None:
    assert ledger.add_snapshot("shop", 1, FINGERPRINT, SNAPSHOT) is False
    assert [s.fingerprint for s in ledger.snapshots("shop")] == [FINGERPRINT]
    assert ledger.snapshot(FINGERPRINT).content_data()["site"]["id"] == "shop"  # type: ignore[union-attr]


def test_paged_reading_crosses_page_boundaries(sqlite_url: str) -> None:
    with Ledger(sqlite_url, migrate=True) as led:
        led.append([decision(i) for i in range(25)])
        assert [r.seq for r in led.iter_records(batch=7)] == list(range(1, 26))


@pytest.mark.parametrize(
    ("url", "message"),
    [
        ("mysql://x@y/z", "not supported"),
        ("sqlite://", "in-memory"),
        ("postgresql://nobody@127.0.0.1:1/none", "cannot open the ledger"),
    ],
)
def test_unusable_databases_are_one_clear_error(url: str, message: str) -> None:
    with pytest.raises(LedgerError, match=message):
        Ledger(url)


def test_reading_commands_do_not_create_a_ledger(tmp_path: Path) -> None:
    missing = tmp_path / "missing.db"
    with pytest.raises(LedgerError, match="does not exist"):
        Ledger(f"sqlite:///{missing}", create=False)
    assert not missing.exists()


def test_the_password_is_not_echoed() -> None:
    with pytest.raises(LedgerError) as err:
        Ledger("mysql://user:hunter2@host/db")
    assert "hunter2" not in str(err.value)
