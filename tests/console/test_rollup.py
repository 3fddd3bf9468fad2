"""The decision aggregates: every record counted exactly once, whoever advances them."""

from __future__ import annotations

import threading
import time
from collections import Counter
from pathlib import Path

import pytest
from sqlalchemy import func, select

from samtycke.console.rollup import BATCH, Advanced, Rollup, RollupThread, day_of
from samtycke.console.users import add_user
from samtycke.ledger import Ledger, schema, verify_chain
from tests.console.conftest import declaration_at, fill
from tests.databases import db_url, migrated_ledger

__all__ = ["db_url"]


def stored_decisions(ledger: Ledger) -> Counter[tuple[str, str, str, int, str, str]]:
    d = schema.console_decisions
    with ledger.engine.connect() as conn:
        rows = conn.execute(
            select(
                d.c.site, d.c.day, d.c.language, d.c.revision, d.c.method, d.c.source, d.c["count"]
            )
        ).all()
    return Counter({tuple(r[:6]): int(r[6]) for r in rows})


def expected_decisions(ledger: Ledger) -> Counter[tuple[str, str, str, int, str, str]]:
    out: Counter[tuple[str, str, str, int, str, str]] = Counter()
    for rec in ledger.iter_records():
        d = rec.decision
        out[d.site, day_of(rec.recorded_us), d.language, d.revision, d.method, d.source] += 1
    return out


@pytest.fixture
def filled(db_url: str, tmp_path: Path) -> Ledger:
    ledger = migrated_ledger(db_url)
    decls = [declaration_at(tmp_path, "shop", "shop.example", r) for r in (1, 2)]
    fill(ledger, decls, days=6, per_day=70, seed=1)
    return ledger


def test_batches_count_each_record_once(filled: Ledger) -> None:
    rollup = Rollup(filled.engine)
    steps = []
    while (step := rollup.advance(batch=37)).records:
        steps.append(step.records)
    assert sum(steps) == 420 and max(steps) == 37
    assert rollup.cursor() == filled.head().seq
    assert stored_decisions(filled) == expected_decisions(filled)
    assert rollup.advance().records == 0  # nothing new: nothing added
    assert stored_decisions(filled) == expected_decisions(filled)
    filled.close()


def test_concurrent_rollups_never_count_twice(filled: Ledger) -> None:
    rollups = [Rollup(filled.engine) for _ in range(4)]
    counted: list[int] = []
    threads = [
        threading.Thread(target=lambda r=r: counted.append(r.catch_up(batch=11))) for r in rollups
    ]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert sum(counted) == 420
    assert stored_decisions(filled) == expected_decisions(filled)
    filled.close()


def test_records_appended_later_are_counted_on_the_next_advance(
    filled: Ledger, tmp_path: Path
) -> None:
    rollup = Rollup(filled.engine)
    rollup.catch_up()
    fill(
        filled,
        [declaration_at(tmp_path / "later", "shop", "shop.example", 2)],
        days=1,
        per_day=5,
        seed=9,
        first_day=6,
    )
    assert rollup.catch_up() == 5
    assert stored_decisions(filled) == expected_decisions(filled)
    filled.close()


def test_opt_ins_follow_choices_and_refused_services(filled: Ledger, tmp_path: Path) -> None:
    Rollup(filled.engine).catch_up()
    by_revision: dict[int, dict[str, list[str]]] = {}
    for revision in (1, 2):
        decl = declaration_at(tmp_path / "x", "shop", "shop.example", revision)
        for s in decl.services:
            by_revision.setdefault(revision, {}).setdefault(s.category, []).append(s.id)
    want: Counter[tuple[str, str, str]] = Counter()
    for rec in filled.iter_records():
        d = rec.decision
        by_category = by_revision[d.revision]
        for category, yes in d.choices.items():
            if yes:
                want["category", category, day_of(rec.recorded_us)] += 1
                for service in by_category.get(category, []):
                    if service not in d.refused_services:
                        want["service", service, day_of(rec.recorded_us)] += 1
    o = schema.console_optins
    with filled.engine.connect() as conn:
        rows = conn.execute(
            select(o.c.kind, o.c.name, o.c.day, func.sum(o.c["count"])).group_by(
                o.c.kind, o.c.name, o.c.day
            )
        ).all()
    assert Counter({(k, n, d): int(c) for k, n, d, c in rows}) == want
    assert any(k == "service" for k, _, _ in want)  # the generator refused some, kept others
    assert any(n == "hotjar" for _, n, _ in want)  # only revision 2 has it
    filled.close()


def test_console_tables_are_not_ledger_rows_for_verify(filled: Ledger) -> None:
    Rollup(filled.engine).catch_up()
    add_user(filled.engine, "ada", "admin", "a long password")
    verified = verify_chain(filled)
    assert verified.records == 420
    filled.close()


class _Trickle(Rollup):
    """A ledger written without pause: every advance finds a few new records."""

    def __init__(self) -> None:
        self.calls = 0
        self.first = threading.Event()

    def advance(self, batch: int = BATCH) -> Advanced:
        self.calls += 1
        self.first.set()
        return Advanced(3, self.calls * 3)


def test_the_thread_counts_a_steady_trickle_once_a_round_not_without_pause() -> None:
    """Only a full batch means a backlog worth another advance before the next round."""
    trickle = _Trickle()
    thread = RollupThread(trickle, interval=3600)
    thread.start()
    try:
        assert trickle.first.wait(10)
        time.sleep(0.3)
        assert trickle.calls == 1
    finally:
        thread.stop()
