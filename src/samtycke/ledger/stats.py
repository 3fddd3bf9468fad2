"""Decisions and acceptance rate per category per day."""

from __future__ import annotations

import json
from dataclasses import dataclass, field

from sqlalchemy import func, select

from samtycke.ledger import schema
from samtycke.ledger.records import format_us
from samtycke.ledger.retention import DAY_US
from samtycke.ledger.store import Ledger


@dataclass
class DayStats:
    """One site's decisions on one UTC day."""

    day: str
    site: str
    decisions: int = 0
    accepted: dict[str, int] = field(default_factory=dict)
    methods: dict[str, int] = field(default_factory=dict)

    def rate(self, category: str) -> float:
        """Share of the day's decisions that accepted ``category`` (0..1)."""
        return self.accepted.get(category, 0) / self.decisions if self.decisions else 0.0


def daily_stats(ledger: Ledger) -> list[DayStats]:
    """Per (day, site): decisions, per-method counts, acceptances per category.

    The database groups by day and by the exact choice set, so only a few rows
    per day come back however many records there are.
    """
    r = schema.records
    day = r.c.recorded_us // DAY_US
    query = (
        select(day.label("day"), r.c.site, r.c.method, r.c.choices, func.count().label("n"))
        .where(r.c.seq > 0)  # rows outside the chain are not decisions
        .group_by(day, r.c.site, r.c.method, r.c.choices)
        .order_by(day, r.c.site)
    )
    with ledger.engine.connect() as conn:
        rows = conn.execute(query).all()
    out: dict[tuple[int, str], DayStats] = {}
    for d, site, method, choices, n in rows:
        key = (int(d), site)
        st = out.get(key)
        if st is None:
            st = out[key] = DayStats(format_us(int(d) * DAY_US)[:10], site)
        st.decisions += int(n)
        st.methods[method] = st.methods.get(method, 0) + int(n)
        for cat, yes in json.loads(choices).items():
            st.accepted[cat] = st.accepted.get(cat, 0) + (int(n) if yes else 0)
    return [out[k] for k in sorted(out)]
