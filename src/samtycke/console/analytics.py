"""The figures of the analytics page, read from the aggregates only.

For a site and a period of UTC days: banner displays per layer, decisions per
method, the interaction rate (decisions people made on a layer over first-layer
displays), those who ignored the banner (first-layer displays nobody answered),
opt-in rates per category and per service, decisions taken from GPC and DNT
apart, and the days a new revision of the declaration went live. Every query is
a GROUP BY over ``console_*`` tables keyed by site and day.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from dataclasses import dataclass, field

from sqlalchemy import Connection, Engine, func, select

from samtycke.console.rollup import day_of
from samtycke.ledger import schema

OUTCOMES = ("accept-all", "reject-all", "custom", "withdraw")
SIGNALS = ("gpc", "dnt")
# Decisions a person made on a banner layer (or a placeholder), not through the API or a signal.
INTERACTIVE_SOURCES = ("banner", "settings", "placeholder", "unknown")


@dataclass
class Day:
    """One day's figures."""

    day: str
    displays: Counter[str] = field(default_factory=Counter)  # layer -> n
    methods: Counter[str] = field(default_factory=Counter)  # method -> n (signals excluded)
    signals: Counter[str] = field(default_factory=Counter)  # gpc / dnt -> n
    interactions: int = 0
    categories: Counter[str] = field(default_factory=Counter)  # category -> opted in

    @property
    def decisions(self) -> int:
        """Every decision of the day, signals included."""
        return sum(self.methods.values()) + sum(self.signals.values())

    @property
    def ignored(self) -> int:
        """First-layer displays that no decision on a layer answered (never below 0)."""
        return max(0, self.displays["banner"] - self.interactions)


@dataclass
class Analytics:
    """Everything the page shows for one site and period."""

    site: str
    first: str
    last: str
    days: list[Day]
    categories: Counter[str]
    services: Counter[str]
    revisions: list[tuple[str, int]]  # (day a declaration went live, its revision)
    counted_seq: int = 0
    head_seq: int = 0

    def total(self) -> Day:
        """The whole period as one day."""
        out = Day(f"{self.first} – {self.last}")
        for d in self.days:
            out.displays.update(d.displays)
            out.methods.update(d.methods)
            out.signals.update(d.signals)
            out.interactions += d.interactions
            out.categories.update(d.categories)
        return out

    @property
    def decisions(self) -> int:
        """Decisions in the period."""
        return sum(d.decisions for d in self.days)

    @staticmethod
    def rate(part: int, whole: int) -> float:
        """``part / whole``, 0 for an empty whole."""
        return part / whole if whole else 0.0


def day_range(first: str, last: str) -> list[str]:
    """Every UTC day from ``first`` to ``last`` inclusive (YYYY-MM-DD)."""
    a, b = dt.date.fromisoformat(first), dt.date.fromisoformat(last)
    return [(a + dt.timedelta(days=i)).isoformat() for i in range((b - a).days + 1)]


def analytics(engine: Engine, site: str, first: str, last: str) -> Analytics:
    """The figures of ``site`` from day ``first`` to ``last`` (inclusive)."""
    disp, dec, opt = schema.console_displays, schema.console_decisions, schema.console_optins
    days = {d: Day(d) for d in day_range(first, last)}
    with engine.connect() as conn:
        for day, layer, n in conn.execute(
            select(disp.c.day, disp.c.layer, func.sum(disp.c["count"]))
            .where(disp.c.site == site, disp.c.day >= first, disp.c.day <= last)
            .group_by(disp.c.day, disp.c.layer)
        ):
            days[day].displays[layer] += int(n)
        for day, method, source, n in conn.execute(
            select(dec.c.day, dec.c.method, dec.c.source, func.sum(dec.c["count"]))
            .where(dec.c.site == site, dec.c.day >= first, dec.c.day <= last)
            .group_by(dec.c.day, dec.c.method, dec.c.source)
        ):
            d, n = days[day], int(n)
            if method in SIGNALS or source in SIGNALS:
                d.signals[source if source in SIGNALS else method] += n
                continue
            d.methods[method] += n
            if source in INTERACTIVE_SOURCES:
                d.interactions += n
        categories: Counter[str] = Counter()
        services: Counter[str] = Counter()
        for day, kind, name, n in conn.execute(
            select(opt.c.day, opt.c.kind, opt.c.name, func.sum(opt.c["count"]))
            .where(opt.c.site == site, opt.c.day >= first, opt.c.day <= last)
            .group_by(opt.c.day, opt.c.kind, opt.c.name)
        ):
            if kind == "category":
                categories[name] += int(n)
                days[day].categories[name] += int(n)
            else:
                services[name] += int(n)
        revisions = _revisions(conn, site, first, last)
        counted = conn.execute(select(schema.console_rollup.c.seq)).scalar() or 0
        head = conn.execute(select(schema.chain_head.c.seq)).scalar() or 0
    return Analytics(
        site,
        first,
        last,
        list(days.values()),
        categories,
        services,
        revisions,
        int(counted),
        int(head),
    )


def _revisions(conn: Connection, site: str, first: str, last: str) -> list[tuple[str, int]]:
    """Each snapshot of ``site`` registered inside the period: (day, revision), oldest first.

    A snapshot is registered when a server or build first publishes that content, so
    its day is the day the change went live.
    """
    snap = schema.snapshots
    query = select(snap.c.created_us, snap.c.revision).where(snap.c.site == site)
    found = [(day_of(int(us)), int(rev)) for us, rev in conn.execute(query)]
    return sorted((d, r) for d, r in found if first <= d <= last)


def today() -> str:
    """Today's UTC day."""
    return dt.datetime.now(dt.UTC).date().isoformat()
