"""The ledger page: last checks, the chain head, records per day."""

from __future__ import annotations

from collections import Counter

from samtycke.console.rollup import day_of
from samtycke.declaration import Declaration
from samtycke.ledger.runs import record_run
from tests.console.conftest import log_in
from tests.server.conftest import LiveServer


def test_the_page_shows_runs_head_and_daily_records(
    console: LiveServer, generated: list[Declaration]
) -> None:
    engine = console.state.ledger.engine
    c = log_in(console, "vic")
    assert "never recorded" in c.get("/console/ledger").text
    record_run(engine, "verify", False, "record 7 (id x): hash does not match")
    page = c.get("/console/ledger").text
    assert "FAILED" in page and "record 7 (id x): hash does not match" in page
    head = console.state.ledger.head()
    assert f'<th scope="row">{head.seq}</th><td>{head.hash}</td>' in page
    last = day_of(head.recorded_us)
    assert f"Records per day, the 30 days to {last} (every site)" in page
    assert "Every record is counted." in page
    per_day = Counter(day_of(r.recorded_us) for r in console.state.ledger.iter_records())
    assert f'<th scope="row">{last}</th><td class=num>{per_day[last]}</td>' in page
