"""Tamper evidence: alter, delete, insert or reorder rows → verify names the right record."""

from __future__ import annotations

import tempfile
import threading
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from samtycke.ledger import BrokenChain, Ledger, verify_chain
from tests.ledger.conftest import decision, open_ledger
from tests.profiles import examples

FIELDS = [
    ("record_id", "'" + "f" * 32 + "'"),
    ("consent_id", "'" + "e" * 32 + "'"),
    ("site", "'other'"),
    ("recorded_us", "recorded_us + 1"),
    ("revision", "revision + 1"),
    ("fingerprint", "'" + "d" * 64 + "'"),
    ("language", "'de'"),
    ("method", "'accept-all'"),
    ("choices", """'{"analytics":true,"necessary":true,"spying":true}'"""),
    ("url", "'https://elsewhere.example/'"),
    ("ip", "'198.51.100.0'"),
    ("user_agent", "'forged'"),
    ("prev_hash", "'" + "1" * 64 + "'"),
    ("hash", "'" + "c" * 64 + "'"),
]


def filled(url: str, n: int) -> Ledger:
    """A ledger holding ``n`` records appended in a few batches."""
    led = open_ledger(url)
    done = 0
    while done < n:
        size = min(3, n - done)
        led.append([decision(done + k) for k in range(size)])
        done += size
    return led


def sql(led: Ledger, statement: str) -> None:
    """Run raw SQL as an attacker with database access would."""
    with led.engine.begin() as conn:
        conn.exec_driver_sql(statement)


def broken_at(led: Ledger) -> int | None:
    """The seq verify names, or None when the chain verifies."""
    try:
        verify_chain(led)
    except BrokenChain as exc:
        return exc.seq
    return None


def alter(led: Ledger, seq: int, field: str, value: str) -> None:
    """Change one field of one row."""
    sql(led, f"UPDATE consent_records SET {field} = {value} WHERE seq = {seq}")


def delete(led: Ledger, seq: int) -> None:
    """Remove one row."""
    sql(led, f"DELETE FROM consent_records WHERE seq = {seq}")


def insert_copy(led: Ledger, at: int, n: int) -> None:
    """Make room at ``at`` by shifting later rows, and put a copy of row 1 there."""
    sql(led, f"UPDATE consent_records SET seq = seq + 1000000 WHERE seq >= {at}")
    sql(led, "UPDATE consent_records SET seq = seq - 999999 WHERE seq >= 1000000")
    cols = (
        "record_id, consent_id, site, recorded_us, revision, fingerprint, language, method, "
        "choices, url, ip, user_agent, prev_hash, hash"
    )
    copied = cols.replace("record_id,", "'" + "9" * 32 + "',", 1)
    sql(
        led,
        f"INSERT INTO consent_records (seq, {cols}) "
        f"SELECT {at}, {copied} FROM consent_records WHERE seq = {1 if at != 1 else 2}",
    )


def swap(led: Ledger, i: int, j: int) -> None:
    """Exchange the places of two rows."""
    sql(led, f"UPDATE consent_records SET seq = -1 WHERE seq = {i}")
    sql(led, f"UPDATE consent_records SET seq = {i} WHERE seq = {j}")
    sql(led, f"UPDATE consent_records SET seq = {j} WHERE seq = -1")


@st.composite
def tampering(draw: st.DrawFn) -> tuple[int, str, tuple[object, ...], int]:
    """(records, operation, arguments, the seq verify must name)."""
    n = draw(st.integers(2, 9))
    op = draw(st.sampled_from(["alter", "delete", "insert", "swap"]))
    if op == "alter":
        seq = draw(st.integers(1, n))
        field, value = draw(st.sampled_from(FIELDS))
        return n, op, (seq, field, value), seq
    if op == "delete":
        seq = draw(st.integers(1, n))
        return n, op, (seq,), seq
    if op == "insert":
        at = draw(st.integers(1, n + 1))
        return n, op, (at, n), at
    i = draw(st.integers(1, n - 1))
    j = draw(st.integers(i + 1, n))
    return n, op, (i, j), i


@settings(max_examples=examples(40), deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(tampering())
def test_any_tampering_is_found_at_the_right_record(
    case: tuple[int, str, tuple[object, ...], int],
) -> None:
    n, op, args, expected = case
    with tempfile.TemporaryDirectory() as tmp:
        led = filled(f"sqlite:///{Path(tmp) / 'l.db'}", n)
        try:
            assert broken_at(led) is None
            {"alter": alter, "delete": delete, "insert": insert_copy, "swap": swap}[op](led, *args)  # type: ignore[operator]
            assert broken_at(led) == expected, (op, args)
        finally:
            led.close()


@pytest.mark.postgres
def test_tampering_is_found_on_postgresql(pg_url: str) -> None:
    led = filled(pg_url, 6)
    try:
        assert broken_at(led) is None
        alter(led, 4, "choices", FIELDS[8][1])
        assert broken_at(led) == 4
        alter(led, 2, "url", "'https://x.example/'")
        assert broken_at(led) == 2
    finally:
        led.close()


def test_a_snapshot_that_does_not_match_its_fingerprint_is_found(sqlite_url: str) -> None:
    led = filled(sqlite_url, 2)
    sql(led, "UPDATE declaration_snapshots SET content = '{}'")
    with pytest.raises(BrokenChain, match="snapshot"):
        verify_chain(led)
    led.close()


def test_the_error_message_names_the_record(sqlite_url: str) -> None:
    led = filled(sqlite_url, 3)
    rid = led.history(next(led.iter_records()).decision.consent_id)[0].decision.record_id
    alter(led, 1, "method", "'accept-all'")
    with pytest.raises(BrokenChain, match=f"record 1 \\(id {rid}\\).*altered"):
        verify_chain(led)
    led.close()


def test_concurrent_writers_keep_one_valid_chain(db_url: str) -> None:
    """Eight writers, each with its own connection pool, append at once."""
    leds = [open_ledger(db_url) for _ in range(8)]
    errors: list[BaseException] = []

    def write(led: Ledger, w: int) -> None:
        try:
            for k in range(15):
                led.append([decision(w * 100 + k) for _ in range(1 + k % 3)])
        except BaseException as exc:  # surfaced by the assert below
            errors.append(exc)

    threads = [threading.Thread(target=write, args=(led, w)) for w, led in enumerate(leds)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []
    result = verify_chain(leds[0])
    assert result.records == 8 * sum(1 + k % 3 for k in range(15)) == leds[0].count()
    times = [r.recorded_us for r in leds[0].iter_records()]
    assert times == sorted(times)  # server time never runs backwards along the chain
    for led in leds:
        led.close()
