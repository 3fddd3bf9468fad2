"""The analytics page against a generated ledger: its figures are the ledger's own.

The expected figures are computed here, straight from the records the ledger
holds (``iter_records``) and the displays sent, never from the aggregates.
"""

from __future__ import annotations

import csv
import io
from collections import Counter

from sqlalchemy import event

from samtycke.console.rollup import day_of
from samtycke.declaration import Declaration
from tests.console.conftest import GENERATED_DAYS, log_in
from tests.server.conftest import LiveServer

SIGNALS = {"gpc", "dnt"}


def expected(console: LiveServer, decls: list[Declaration]) -> dict[str, dict[str, int]]:
    """Per day, straight from the records and the display table."""
    from sqlalchemy import select

    from samtycke.ledger import schema

    services = {d.site.revision: {s.id: s.category for s in d.services} for d in decls}
    out: dict[str, Counter[str]] = {}
    for rec in console.state.ledger.iter_records():
        d = rec.decision
        if d.site != "shop":
            continue
        day = out.setdefault(day_of(rec.recorded_us), Counter())
        day["decisions"] += 1
        signal = d.method in SIGNALS or d.source in SIGNALS
        if signal:
            day[d.source if d.source in SIGNALS else d.method] += 1
        else:
            day[d.method] += 1
            if d.source in ("banner", "settings", "placeholder"):
                day["interactions"] += 1
        for category, yes in d.choices.items():
            if yes:
                day["optin_" + category] += 1
        for service, category in services[d.revision].items():
            if d.choices.get(category) and service not in d.refused_services:
                day["service_" + service] += 1
    t = schema.console_displays
    with console.state.ledger.engine.connect() as conn:
        for day, layer, n in conn.execute(
            select(t.c.day, t.c.layer, t.c["count"]).where(t.c.site == "shop")
        ):
            if day in out:
                out[day]["displays_" + layer] += int(n)
    for day in out.values():
        day["ignored"] = max(0, day["displays_banner"] - day["interactions"])
    return {k: dict(v) for k, v in out.items()}


def period(decls: list[Declaration], console: LiveServer) -> tuple[str, str]:
    days = sorted({day_of(r.recorded_us) for r in console.state.ledger.iter_records()})
    return days[0], days[GENERATED_DAYS - 1]


def test_the_csv_matches_the_ledgers_own_numbers(
    console: LiveServer, generated: list[Declaration]
) -> None:
    first, last = period(generated, console)
    want = expected(console, generated)
    answer = log_in(console, "vic").get(
        f"/console/analytics?site=shop&from={first}&to={last}&format=csv"
    )
    assert answer.status_code == 200 and answer.headers["content-type"].startswith("text/csv")
    assert "attachment" in answer.headers["content-disposition"]
    rows = list(csv.DictReader(io.StringIO(answer.text)))
    assert rows[0]["day"] == first and len(rows) == GENERATED_DAYS
    columns = [c for c in rows[0] if c != "day"]
    assert {
        "displays_banner",
        "accept-all",
        "reject-all",
        "custom",
        "gpc",
        "dnt",
        "ignored",
        "optin_analytics",
    } <= set(columns)
    for row in rows:
        got = {c: int(row[c]) for c in columns}
        assert got == {c: want[row["day"]].get(c, 0) for c in columns}, row["day"]


def test_the_page_shows_the_same_totals(console: LiveServer, generated: list[Declaration]) -> None:
    first, last = period(generated, console)
    want: Counter[str] = Counter()
    for day in expected(console, generated).values():
        want.update(day)
    page = log_in(console, "vic").get(f"/console/analytics?site=shop&from={first}&to={last}")
    assert page.status_code == 200
    text = page.text
    assert f'<span class="n">{want["displays_banner"]}</span>First-layer displays' in text
    assert f'<span class="n">{want["gpc"]}</span>From GPC' in text
    assert f'<span class="n">{want["dnt"]}</span>From DNT' in text
    rate = want["interactions"] / want["displays_banner"] * 100
    assert f'<span class="n">{rate:.1f} %</span>Interaction rate' in text
    accept = want["accept-all"]
    assert (
        f'<span class="n">{accept} ({accept / want["decisions"] * 100:.1f} %)</span>Accept all'
        in text
    )
    ga = want["service_ga"]
    assert (
        f'<th scope="row">ga</th><td class=num>{ga / want["decisions"] * 100:.1f} %</td><td class=num>{ga}</td>'
        in text
    )
    # The second revision went live inside the period: marked on every time chart.
    assert text.count(">rev 2</text>") == 5
    assert "Every decision in the ledger is counted." in text


def test_bad_filters_are_one_sentence_in_the_layout(console: LiveServer) -> None:
    c = log_in(console, "vic")
    for query, status, says in [
        ("site=nope", 404, "There is no site &#x27;nope&#x27;"),
        ("from=2026-13-01", 400, "is not a day"),
        ("from=2026-05-02&to=2026-05-01", 400, "ends before it starts"),
        ("from=2020-01-01&to=2026-01-01", 400, "longer than"),
    ]:
        answer = c.get(f"/console/analytics?{query}")
        assert (
            answer.status_code == status
            and says in answer.text
            and "Signed in as vic" in answer.text
        )


def test_the_page_never_reads_the_records(
    console: LiveServer, generated: list[Declaration]
) -> None:
    first, last = period(generated, console)
    engine = console.state.ledger.engine
    statements: list[str] = []

    def seen(conn: object, cursor: object, statement: str, *args: object) -> None:
        statements.append(statement)

    c = log_in(console, "vic")
    event.listen(engine, "before_cursor_execute", seen)
    try:
        page = c.get(f"/console/analytics?site=shop&from={first}&to={last}")
    finally:
        event.remove(engine, "before_cursor_execute", seen)
    assert page.status_code == 200
    reads = [q for q in statements if "console_decisions" in q or "console_displays" in q]
    assert reads, "the page read no aggregates"
    # The rollup thread may run meanwhile; the page's own queries never name the records.
    assert not [
        q
        for q in statements
        if "consent_records" in q and "console_rollup" not in q and "LIMIT" not in q
    ]
