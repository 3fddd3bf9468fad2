"""Analytics: displays, interactions and choices per site and period, from the aggregates.

``?site=&from=&to=`` choose the site and the UTC days (the last 30 by default);
``&format=csv`` downloads the same figures per day.
"""

from __future__ import annotations

import csv
import datetime as dt
import io

from starlette.responses import Response

from samtycke.console.analytics import OUTCOMES, Analytics, analytics, today
from samtycke.console.charts import bar_chart, line_chart
from samtycke.console.html import Html, esc, join
from samtycke.console.registry import Page, PageContext, PageError, register_page

DEFAULT_DAYS = 30
MAX_DAYS = 3 * 366


def period(ctx: PageContext) -> tuple[str, str, str]:
    """The (site, first day, last day) the query string asks for; PageError when invalid."""
    sites = sorted(ctx.state.sites)
    site = ctx.query("site", sites[0] if sites else "")
    if site not in ctx.state.sites:
        raise PageError(404, f"There is no site {site!r} on this server.")
    last = ctx.query("to") or today()
    try:
        last_day = dt.date.fromisoformat(last)
        first_day = (
            dt.date.fromisoformat(ctx.query("from"))
            if ctx.query("from")
            else (last_day - dt.timedelta(days=DEFAULT_DAYS - 1))
        )
    except ValueError:
        raise PageError(400, "A date is not a day like 2026-12-31.") from None
    if first_day > last_day:
        raise PageError(400, "The period ends before it starts.")
    if (last_day - first_day).days >= MAX_DAYS:
        raise PageError(400, f"The period is longer than {MAX_DAYS} days; choose a shorter one.")
    return site, first_day.isoformat(), last_day.isoformat()


def csv_rows(a: Analytics) -> list[list[object]]:
    """The figures per day as CSV rows, header first."""
    categories = sorted(a.categories)
    header: list[object] = [
        "day",
        "displays_banner",
        "displays_settings",
        "decisions",
        *OUTCOMES,
        "gpc",
        "dnt",
        "interactions",
        "ignored",
        *(f"optin_{c}" for c in categories),
    ]
    rows: list[list[object]] = [header]
    for d in a.days:
        rows.append(
            [
                d.day,
                d.displays["banner"],
                d.displays["settings"],
                d.decisions,
                *(d.methods[m] for m in OUTCOMES),
                d.signals["gpc"],
                d.signals["dnt"],
                d.interactions,
                d.ignored,
                *(d.categories[c] for c in categories),
            ]
        )
    return rows


def _csv(a: Analytics) -> Response:
    out = io.StringIO()
    csv.writer(out, lineterminator="\n").writerows(csv_rows(a))
    name = f"samtycke-{a.site}-{a.first}-{a.last}.csv"
    return Response(
        out.getvalue(),
        media_type="text/csv; charset=utf-8",
        headers={"content-disposition": f'attachment; filename="{name}"'},
    )


def _filters(ctx: PageContext, site: str, first: str, last: str) -> Html:
    options = join(
        Html(f'<option value="{esc(s)}"{" selected" if s == site else ""}>{esc(s)}</option>')
        for s in sorted(ctx.state.sites)
    )
    return Html(
        '<form method="get" action="/console/analytics" class="filters">'
        f'<div><label for="site">Site</label><select id="site" name="site">{options}</select></div>'
        f'<div><label for="from">From</label><input id="from" name="from" type="date" value="{esc(first)}"></div>'
        f'<div><label for="to">To</label><input id="to" name="to" type="date" value="{esc(last)}"></div>'
        '<div><button type="submit">Show</button></div></form>'
    )


def _pct(part: int, whole: int) -> str:
    return f"{Analytics.rate(part, whole) * 100:.1f} %"


def _cards(a: Analytics) -> Html:
    t = a.total()
    shown = t.displays["banner"]
    cards = [
        ("First-layer displays", f"{shown}"),
        ("Settings displays", f"{t.displays['settings']}"),
        ("Interaction rate", _pct(t.interactions, shown)),
        ("Accept all", f"{t.methods['accept-all']} ({_pct(t.methods['accept-all'], t.decisions)})"),
        ("Reject all", f"{t.methods['reject-all']} ({_pct(t.methods['reject-all'], t.decisions)})"),
        ("Custom", f"{t.methods['custom']} ({_pct(t.methods['custom'], t.decisions)})"),
        ("Ignored", f"{t.ignored} ({_pct(t.ignored, shown)})"),
        ("Withdrawn", f"{t.methods['withdraw']}"),
        ("From GPC", f"{t.signals['gpc']}"),
        ("From DNT", f"{t.signals['dnt']}"),
    ]
    items = join(Html(f'<li><span class="n">{esc(v)}</span>{esc(k)}</li>') for k, v in cards)
    return Html(f'<ul class="cards" aria-label="Totals of the period">{items}</ul>')


def render_analytics(ctx: PageContext) -> Html | Response:
    """The page (or its CSV)."""
    site, first, last = period(ctx)
    a = analytics(ctx.engine, site, first, last)
    if ctx.query("format") == "csv":
        return _csv(a)
    days = [d.day for d in a.days]
    marks = a.revisions
    people = [
        line_chart(
            "displays",
            "Displays and decisions per day",
            days,
            [
                ("First-layer displays", [d.displays["banner"] for d in a.days]),
                ("Settings displays", [d.displays["settings"] for d in a.days]),
                ("Decisions on a layer", [d.interactions for d in a.days]),
            ],
            marks,
        ),
        line_chart(
            "outcomes",
            "Outcomes per day",
            days,
            [
                ("Accept all", [d.methods["accept-all"] for d in a.days]),
                ("Reject all", [d.methods["reject-all"] for d in a.days]),
                ("Custom", [d.methods["custom"] for d in a.days]),
                ("Ignored", [d.ignored for d in a.days]),
            ],
            marks,
        ),
        line_chart(
            "rate",
            "Interaction rate per day",
            days,
            [
                (
                    "Interaction rate",
                    [Analytics.rate(d.interactions, d.displays["banner"]) for d in a.days],
                )
            ],
            marks,
            percent=True,
        ),
        line_chart(
            "signals",
            "Decisions from browser signals per day (GPC and DNT)",
            days,
            [
                ("GPC", [d.signals["gpc"] for d in a.days]),
                ("DNT", [d.signals["dnt"] for d in a.days]),
            ],
            marks,
        ),
    ]
    categories = sorted(a.categories)
    if categories:
        people.append(
            line_chart(
                "optin-days",
                "Opt-in rate per category per day",
                days,
                [
                    (c, [Analytics.rate(d.categories[c], d.decisions) for d in a.days])
                    for c in categories
                ],
                marks,
                percent=True,
            )
        )
    total = a.decisions
    bars = join(
        [
            bar_chart(
                "optin-cat",
                "Opt-in per category",
                [(c, Analytics.rate(n, total), n) for c, n in sorted(a.categories.items())],
            ),
            bar_chart(
                "optin-svc",
                "Opt-in per service",
                [(s, Analytics.rate(n, total), n) for s, n in sorted(a.services.items())],
            ),
        ]
    )
    revs = ", ".join(f"revision {r} on {d}" for d, r in marks) or "none"
    lag = (
        f"Decisions are counted through record {a.counted_seq} of {a.head_seq}."
        if a.counted_seq < a.head_seq
        else "Every decision in the ledger is counted."
    )
    query = f"site={site}&from={first}&to={last}"
    return Html(
        f"{_filters(ctx, site, first, last)}"
        f"<p>{esc(site)}, {esc(first)} to {esc(last)} (UTC). {esc(lag)} New declarations in the period: {esc(revs)}. "
        f'<a href="/console/analytics?{esc(query)}&amp;format=csv" download>Download CSV</a></p>'
        f"{_cards(a)}<h2>Per day</h2>{join(people)}"
        f"<h2>Opt-in over the period</h2><p>Share of all {total} decisions in the period that allowed each category or service.</p>{bars}"
    )


register_page(Page("analytics", "Analytics", render_analytics, order=10))
