"""verify on a live ledger, and the rows a chain walk alone would not see."""

from __future__ import annotations

import dataclasses
import threading

import pytest

from samtycke.errors import LedgerError
from samtycke.ledger import BrokenChain, Ledger, daily_stats, seal, verify_chain
from samtycke.ledger.rows import RECORD_COLUMNS, record_values
from samtycke.ledger.store import now_us
from tests.ledger import tampering as t
from tests.ledger.conftest import FINGERPRINT, decision, open_ledger


def test_verify_never_false_alarms_while_the_ledger_is_written(db_url: str) -> None:
    """A writer appends small batches as fast as it can; every verify in between passes."""
    writer_ledger = open_ledger(db_url)
    reader = Ledger(db_url)
    done = threading.Event()
    written: list[int] = []

    def write() -> None:
        for i in range(60):
            writer_ledger.append([decision(i), decision(i + 1)])
            written.append(i)
        done.set()

    thread = threading.Thread(target=write)
    thread.start()
    runs, seen = 0, set()
    try:
        while not done.is_set() or runs < 3:
            result = verify_chain(reader)  # raises on any false alarm
            assert result.head.seq == result.records
            seen.add(result.head.seq)
            runs += 1
    finally:
        thread.join()
        writer_ledger.close()
        reader.close()
    assert len(seen) >= 2  # verify really ran while the chain grew


def test_verify_reports_the_head_it_checked(ledger: Ledger) -> None:
    recs = ledger.append([decision(i) for i in range(3)])
    head = verify_chain(ledger).head
    assert (head.seq, head.hash, head.recorded_us) == (3, recs[-1].hash, recs[-1].recorded_us)


def test_rows_outside_the_chain_are_not_history_or_stats(ledger: Ledger) -> None:
    rec = ledger.append([decision(1)])[0]
    t.insert_row(ledger, 0)
    assert [r.seq for r in ledger.history(rec.decision.consent_id)] == [1]
    assert sum(d.decisions for d in daily_stats(ledger)) == 1
    with pytest.raises(BrokenChain, match=r"record 0 .* outside the chain"):
        verify_chain(ledger)


def test_a_head_time_that_is_not_the_last_record_time_is_named(ledger: Ledger) -> None:
    recs = ledger.append([decision(1)])
    t.set_head(ledger, 1, recs[0].hash, recs[0].recorded_us + 5)
    with pytest.raises(BrokenChain, match="head's time"):
        verify_chain(ledger)


def test_a_future_dated_head_cannot_pin_later_records(ledger: Ledger) -> None:
    recs = ledger.append([decision(1)])
    future = now_us() + 10 * 86_400 * 1_000_000
    t.sql(ledger, "UPDATE consent_records SET recorded_us = ?", (future,))
    t.set_head(ledger, 1, recs[0].hash, future)
    with pytest.raises(LedgerError, match="in the future"):
        ledger.append([decision(2)])
    assert ledger.count() == 1
    with pytest.raises(BrokenChain):  # the moved time is named too
        verify_chain(ledger)


def test_times_running_backwards_are_named(ledger: Ledger) -> None:
    first, second = ledger.append([decision(1), decision(2)])
    # Re-seal record 2 a microsecond before record 1: its hash is right, its time is not.
    back = seal(2, first.recorded_us - 1, first.hash, second.decision)
    t.delete_rows(ledger, 2, 2)
    marks = ", ".join("?" * len(RECORD_COLUMNS))
    columns = ", ".join(RECORD_COLUMNS)
    t.sql(ledger, f"INSERT INTO consent_records ({columns}) VALUES ({marks})", record_values(back))
    t.set_head(ledger, 2, back.hash, back.recorded_us)
    with pytest.raises(BrokenChain, match=r"record 2 .*runs backwards"):
        verify_chain(ledger)


@pytest.mark.parametrize(
    ("column", "value", "named"),
    [
        ("choices", """'{"analytics":"false","marketing":false,"necessary":true}'""", "true/false"),
        ("choices", """'{"analytics": false}'""", "compact sorted JSON"),
        ("choices", "'not json'", "JSON text"),
        ("source", "NULL", "source holds None"),
        ("refused_services", "'[1]'", "list of service ids"),
        ("consent_id", "'" + "A" * 32 + "'", "32 hex digits"),
        ("decision_id", "'" + "g" * 32 + "'", "decision_id holds"),
        ("decision_id", "''", "decision_id holds '' (str), not 32 hex digits or NULL"),
        ("fingerprint", "'" + "a" * 63 + "'", "64 hex digits"),
        ("recorded_us", "253402300800000000", "a time in the years 1 to 9999"),  # year 10000
    ],
)
def test_type_confused_values_are_named(
    ledger: Ledger, column: str, value: str, named: str
) -> None:
    ledger.append([decision(i) for i in range(3)])
    t.alter(ledger, 2, column, value)
    with pytest.raises(BrokenChain, match="record 2") as err:
        verify_chain(ledger)
    assert named in str(err.value)


def test_a_fractional_revision_is_named_on_sqlite(sqlite_url: str) -> None:
    with open_ledger(sqlite_url) as led:
        led.append([decision(i) for i in range(2)])
        t.alter(led, 1, "revision", "1.9")
        t.alter(led, 2, "recorded_us", "recorded_us + 0.5")
        with pytest.raises(BrokenChain, match=r"record 1: revision holds 1.9 \(float\)"):
            verify_chain(led)


def test_snapshot_columns_and_strays_are_named(ledger: Ledger) -> None:
    ledger.append([decision(1)])
    ledger.add_snapshot("shop", 2, "e" * 64, "{}")
    with pytest.raises(BrokenChain, match="does not hash to its fingerprint"):
        verify_chain(ledger)
    t.sql(ledger, "DELETE FROM declaration_snapshots WHERE fingerprint = ?", ("e" * 64,))
    t.sql(
        ledger,
        "UPDATE declaration_snapshots SET site = 'other' WHERE fingerprint = ?",
        (FINGERPRINT,),
    )
    with pytest.raises(BrokenChain, match="site column says 'other'"):
        verify_chain(ledger)


def test_unreferenced_snapshots_are_listed(ledger: Ledger) -> None:
    import hashlib

    content = '{"format":1,"site":{"id":"shop","revision":2}}'
    fp = hashlib.sha256(content.encode()).hexdigest()
    ledger.add_snapshot("shop", 2, fp, content)
    ledger.append([decision(1)])
    assert verify_chain(ledger).unreferenced == [fp]


def _without_constraints(led: Ledger) -> None:
    """Rebuild consent_records as a plain copy: no primary key, no NOT NULL, no index."""
    t.sql(led, "CREATE TABLE records_copy AS SELECT * FROM consent_records")
    t.sql(led, "DROP TABLE consent_records")
    t.sql(led, "ALTER TABLE records_copy RENAME TO consent_records")


def _add_row(led: Ledger, rec: object) -> None:
    marks = ", ".join("?" * len(RECORD_COLUMNS))
    columns = ", ".join(RECORD_COLUMNS)
    t.sql(led, f"INSERT INTO consent_records ({columns}) VALUES ({marks})", record_values(rec))


def test_a_second_row_at_a_seq_where_a_page_ends_is_named(ledger: Ledger) -> None:
    # Read a page at a time, each after the last seq of the one before, the walk
    # would skip it; the person's history would show the forged decision.
    recs = ledger.append([decision(i) for i in range(4)])
    _without_constraints(ledger)
    victim = recs[1]
    forged = dataclasses.replace(
        recs[0].decision, record_id="9" * 32, consent_id=victim.decision.consent_id
    )
    _add_row(ledger, seal(2, victim.recorded_us, recs[0].hash, forged))
    assert len(ledger.history(victim.decision.consent_id)) == 2
    with pytest.raises(BrokenChain, match="seq 2 is stored 2 times") as broken:
        verify_chain(ledger, page=2)
    assert broken.value.seq == 2


def test_a_row_without_a_seq_is_named(ledger: Ledger) -> None:
    recs = ledger.append([decision(i) for i in range(3)])
    _without_constraints(ledger)
    forged = dataclasses.replace(recs[0].decision, record_id="9" * 32)
    _add_row(ledger, seal(4, recs[-1].recorded_us, recs[-1].hash, forged))
    t.sql(ledger, "UPDATE consent_records SET seq = NULL WHERE record_id = ?", ("9" * 32,))
    with pytest.raises(BrokenChain, match="has no seq: inserted outside the chain") as broken:
        verify_chain(ledger)
    assert broken.value.record_id == "9" * 32
