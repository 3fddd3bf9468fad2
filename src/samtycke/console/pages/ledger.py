"""The ledger: last verify and anchor, the end of the chain, records per day."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import func, select

from samtycke.console.analytics import day_range, today
from samtycke.console.charts import line_chart
from samtycke.console.html import Html, esc, table
from samtycke.console.registry import Page, PageContext, register_page
from samtycke.console.rollup import day_of
from samtycke.ledger import schema
from samtycke.ledger.records import format_us
from samtycke.ledger.runs import last_runs

DAYS = 30


def _run_rows(ctx: PageContext) -> list[tuple[str, str, str, str]]:
    runs = last_runs(ctx.engine)
    rows = []
    for kind, label in (("verify", "Last verify"), ("anchor", "Last anchor")):
        run = runs.get(kind)
        if run is None:
            rows.append((label, "never recorded", "—", f"run samtycke ledger {kind}"))
        else:
            rows.append((label, format_us(run.ran_us), "ok" if run.ok else "FAILED", run.detail))
    return rows


def render_ledger(ctx: PageContext) -> Html:
    """Runs, head and records per day (from the aggregates: no record is read)."""
    runs = table("Checks", ["Check", "When (UTC)", "Outcome", "Detail"], _run_rows(ctx), numeric=9)
    with ctx.engine.connect() as conn:
        head = conn.execute(select(schema.chain_head)).one()
        counted = conn.execute(select(schema.console_rollup.c.seq)).scalar() or 0
        # The 30 days up to the last record, so a quiet ledger still shows its latest days.
        last = day_of(int(head.recorded_us)) if head.seq else today()
        first = (dt.date.fromisoformat(last) - dt.timedelta(days=DAYS - 1)).isoformat()
        d = schema.console_decisions
        per_day = dict(
            conn.execute(
                select(d.c.day, func.sum(d.c["count"]))
                .where(d.c.day >= first, d.c.day <= last)
                .group_by(d.c.day)
            ).all()
        )
    chain = table(
        "End of the chain",
        ["Sequence number", "Hash", "Time (UTC)"],
        [(head.seq, head.hash, format_us(head.recorded_us) if head.seq else "—")],
        numeric=9,
    )
    days = day_range(first, last)
    chart = line_chart(
        "records",
        f"Records per day, the {DAYS} days to {last} (every site)",
        days,
        [("Records", [int(per_day.get(x, 0)) for x in days])],
    )
    note = (
        f"Counted through record {counted} of {head.seq}."
        if counted < head.seq
        else "Every record is counted."
    )
    return Html(f"{runs}{chain}<h2>Records per day</h2><p>{esc(note)}</p>{chart}")


register_page(Page("ledger", "Ledger", render_ledger, order=20))
