"""Appending: one refused decision fails alone; a retried decision id writes nothing."""

from __future__ import annotations

import multiprocessing
import os
import secrets
import signal

import pytest

from samtycke.ledger import Ledger, Record, RefusedDecision, verify_chain
from tests.ledger.conftest import decision, open_ledger


def test_a_poisoned_batch_fails_only_the_bad_decision(ledger: Ledger) -> None:
    taken = ledger.append([decision(0)])[0].decision.record_id
    batch = [decision(1), decision(2, record_id=taken), decision(3)]  # #2 collides
    out = ledger.append_each(batch)
    assert isinstance(out[1], RefusedDecision)
    good = [r for r in out if isinstance(r, Record)]
    assert [r.seq for r in good] == [2, 3]  # no hole where the refused one was
    assert ledger.count() == 3
    assert verify_chain(ledger).head.seq == 3


@pytest.mark.postgres
def test_values_postgresql_refuses_fail_alone(pg_url: str) -> None:
    with open_ledger(pg_url) as led:
        batch = [
            decision(1),
            decision(2, url="https://x.example/\x00"),
            decision(3, language="x" * 40),
        ]
        batch.append(decision(4))
        out = led.append_each(batch)
        assert [type(o).__name__ for o in out] == [
            "Record",
            "RefusedDecision",
            "RefusedDecision",
            "Record",
        ]
        assert verify_chain(led).records == 2


def test_a_retried_decision_id_returns_the_original_and_writes_nothing(ledger: Ledger) -> None:
    did = secrets.token_hex(16)
    first = ledger.append([decision(1, decision_id=did)])[0]
    # The retry carries a new record id (the server makes one per request).
    again = ledger.append([decision(1, decision_id=did), decision(2)])
    assert again[0] == first
    assert ledger.count() == 2
    twice = ledger.append([decision(5, decision_id="a" * 32), decision(6, decision_id="a" * 32)])
    assert twice[0] == twice[1] and ledger.count() == 3
    # The same id on another site is another decision.
    other = ledger.append([decision(1, decision_id=did, site="other")])[0]
    assert other.seq == 4


def _retrying_writer(url: str, ids: list[str], rounds: int) -> None:
    with Ledger(url) as led:
        for _ in range(rounds):
            for i in range(0, len(ids), 4):
                led.append([decision(k, decision_id=d) for k, d in enumerate(ids[i : i + 4])])


def test_processes_retrying_the_same_ids_and_killed_store_each_once(db_url: str) -> None:
    """Writers in several processes retry the same decisions; one is killed with -9 mid-way."""
    open_ledger(db_url).close()
    ids = [secrets.token_hex(16) for _ in range(40)]
    ctx = multiprocessing.get_context("fork")  # the children open their own ledgers
    doomed = ctx.Process(target=_retrying_writer, args=(db_url, ids, 1000))
    doomed.start()
    with Ledger(db_url) as led:
        while led.count() < 8 and doomed.is_alive():
            pass  # busy until it has written something: by count, not by time
    assert doomed.pid is not None
    os.kill(doomed.pid, signal.SIGKILL)
    doomed.join()
    others = [ctx.Process(target=_retrying_writer, args=(db_url, ids, 2)) for _ in range(2)]
    for p in others:
        p.start()
    for p in others:
        p.join()
        assert p.exitcode == 0
    with Ledger(db_url) as led:
        stored = [r.decision.decision_id for r in led.iter_records()]
        assert sorted(stored) == sorted(ids)  # nothing lost, nothing twice
        verify_chain(led)


@pytest.mark.postgres
def test_an_append_after_the_database_dropped_every_connection_succeeds(pg_url: str) -> None:
    """PostgreSQL restarted (or a proxy cut the pool's sessions): the next append still lands."""
    import psycopg

    with open_ledger(pg_url) as led:
        led.append([decision(1)])
        led.append_each([decision(2), decision(3)])  # the writer's connections are now pooled
        name = pg_url.rsplit("/", 1)[1]
        admin = pg_url.rsplit("/", 1)[0] + "/postgres"
        with psycopg.connect(admin, autocommit=True) as conn:
            cut = conn.execute(
                "SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity WHERE datname = %s",
                (name,),
            ).fetchone()
        assert cut is not None and cut[0] >= 1
        out = led.append_each([decision(4, decision_id=secrets.token_hex(16)), decision(5)])
        assert [type(o).__name__ for o in out] == ["Record", "Record"]
        assert verify_chain(led).records == 5


AWKWARD = [
    'say "hi"',
    "back\\slash \\u00e5 \\n",
    "rad ett\nrad två\r\n\ttab",
    "åäö ß ﬁ 中文 العربية",
    "emoji 🍪🇸🇪 and \u2028 \u2029",
    "{}[]:,'\"",
    "x" * 5000,
]


def test_awkward_text_is_stored_and_read_back_exactly(ledger: Ledger) -> None:
    # Every text column, quotes, backslashes, unicode, emoji, newlines and long text:
    # the batch insert escapes them and the database must give back the same text.
    batch = [
        decision(
            i,
            site=text[:100],
            language=text[:16],
            method=text[:16],
            url=text,
            ip=text[:64],
            user_agent=text,
            source=text[:16],
            choices={text[:200]: True, f"{text[:50]}2": False},
            refused_services=tuple(sorted({text[:300], 'ga\\"4'})),
            decision_id=secrets.token_hex(16),
        )
        for i, text in enumerate(AWKWARD)
    ]
    stored = ledger.append(batch)
    for rec in stored:
        (back,) = ledger.history(rec.decision.consent_id)
        assert back.decision == rec.decision
        assert back.canonical() == rec.canonical()
    assert verify_chain(ledger).records == len(AWKWARD)
