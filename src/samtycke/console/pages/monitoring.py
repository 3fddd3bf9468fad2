"""Monitoring: the last scheduled scans of each site, what was new in each, every report.

``/console/monitoring`` lists per site its schedule and last scans, the new
cookies and violations marked; ``?scan=ID`` shows one report (what was new
first), ``&format=json`` gives it as the scanner's JSON report.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import quote

from starlette.responses import JSONResponse, Response

from samtycke.console.html import Html, esc, join, table
from samtycke.console.registry import Page, PageContext, PageError, register_page
from samtycke.ledger.records import format_us
from samtycke.monitor import history
from samtycke.monitor.history import ScanRow

SCANS_SHOWN = 10


def _when(us: int | None) -> str:
    return "—" if not us else format_us(us)[:19].replace("T", " ")


def _link(row: ScanRow) -> Html:
    return Html(
        f'<a href="/console/monitoring?scan={quote(row.id)}">{esc(_when(row.finished_us or row.queued_us))}</a>'
    )


def _news(row: ScanRow) -> Html:
    if not row.has_news:
        return Html("—")
    parts = [
        Html(f"<mark>new violation {esc(v['kind'])}: {esc(v['cookie'])}</mark>")
        for v in row.new_violations
    ] + [
        Html(f"<mark>new cookie {esc(c['name'])} ({esc(c['domain'])})</mark>")
        for c in row.new_cookies
    ]
    return Html("<br>".join(parts))


def _status(row: ScanRow) -> Html:
    if row.status == "failed":
        return Html(f'<span class="error">failed</span>: {esc(row.error or "")}')
    return esc(row.status)


def _site_section(ctx: PageContext, site_id: str, name: str, monitor: Any) -> Html:
    rows = history.scans(ctx.engine, site_id, SCANS_SHOWN)
    if monitor is not None:
        urls = ", ".join(monitor.urls)
        told = [*monitor.alert_email, *(["the webhook"] if monitor.alert_webhook else [])]
        about = f"Every {monitor.every}: {urls}. News goes to {', '.join(told) or 'nobody'}."
    else:
        about = "No longer monitored (no [monitor] table); the scans kept are listed."
    if not rows:
        scans = Html("<p>No scan yet.</p>")
    else:
        scans = table(
            f"Last scans of {site_id}",
            [
                "Time (UTC)",
                "Page",
                "Status",
                "New since the scan before",
                "Pages",
                "Cookies",
                "Violations",
            ],
            (
                (
                    _link(r),
                    r.url,
                    _status(r),
                    _news(r),
                    _n(r.pages),
                    _n(r.cookies),
                    _n(r.violations),
                )
                for r in rows
            ),
            numeric=4,
        )
    return Html(
        f'<section aria-labelledby="site-{esc(site_id)}">'
        f'<h2 id="site-{esc(site_id)}">{esc(name)} ({esc(site_id)})</h2>'
        f"<p>{esc(about)}</p>{scans}</section>"
    )


def _n(value: int | None) -> str:
    return "—" if value is None else str(value)


def render_monitoring(ctx: PageContext) -> Html | Response:
    """Every monitored site with its last scans; one report with ``?scan=``."""
    scan_id = ctx.query("scan")
    if scan_id:
        return _report(ctx, scan_id)
    sites = sorted(ctx.state.sites.values(), key=lambda s: s.id)
    latest = {s.id: history.scans(ctx.engine, s.id, 1) for s in sites}
    overview = table(
        "Sites",
        ["Site", "Schedule", "Start pages", "Last scan (UTC)", "Status"],
        (
            (
                s.id,
                f"every {s.decl.monitor.every}" if s.decl.monitor else "not monitored",
                ", ".join(s.decl.monitor.urls) if s.decl.monitor else "—",
                _link(latest[s.id][0]) if latest[s.id] else "—",
                _status(latest[s.id][0]) if latest[s.id] else "—",
            )
            for s in sites
        ),
        numeric=99,
    )
    sections = [
        _site_section(ctx, s.id, s.decl.site.name, s.decl.monitor)
        for s in sites
        if s.decl.monitor is not None or latest[s.id]
    ]
    hint = (
        Html("")
        if sections
        else Html(
            "<p>No site is monitored: add a <code>[monitor]</code> table to a declaration "
            "to scan it on a schedule.</p>"
        )
    )
    return join([overview, hint, *sections])


def _report(ctx: PageContext, scan_id: str) -> Html | Response:
    row = history.scan(ctx.engine, scan_id) if len(scan_id) <= 64 else None
    if row is None or row.site not in ctx.state.sites:
        raise PageError(404, "There is no such scan.")
    report = history.report(ctx.engine, scan_id)
    if ctx.query("format") == "json":
        if report is None:
            raise PageError(404, "This scan has no report.")
        return JSONResponse(report)
    intro = (
        f"<p>{esc(row.url)} of {esc(row.site)}, {esc(_when(row.finished_us))} UTC: {_status(row)}. "
        f'<a href="/console/monitoring">All scans</a>'
    )
    if report is None:
        return Html(f"<h2>Scan {esc(row.id)}</h2>{intro}</p>")
    intro += (
        f' · <a href="/console/monitoring?scan={quote(row.id)}&amp;format=json">JSON report</a></p>'
    )
    new_v = {(v["kind"], v["cookie"], v.get("phase")) for v in row.new_violations}
    new_c = {(c["name"], c["domain"]) for c in row.new_cookies}
    mark = Html("<mark>new</mark>")
    violations = table(
        "Violations",
        ["Cookie", "Kind", "New", "Phase", "Page", "Detail"],
        (
            (
                v["cookie"],
                v["kind"],
                mark if (v["kind"], v["cookie"], v.get("phase")) in new_v else "",
                v.get("phase") or "—",
                v.get("page") or "—",
                v.get("detail", ""),
            )
            for v in report.get("violations", [])
        ),
        numeric=99,
    )
    cookies = table(
        "Cookies",
        ["Cookie", "Domain", "New", "Category", "Phases", "Pages"],
        (
            (
                c["name"],
                c["domain"],
                mark if (c["name"], c["domain"]) in new_c else "",
                c.get("category") or "undeclared",
                ", ".join(c.get("phases", [])),
                len(c.get("pages", [])),
            )
            for c in report.get("cookies", [])
        ),
        numeric=5,
    )
    summary = (
        f"<p>Pages scanned: {len(report.get('pages', []))}. New since the scan before: "
        f"violations {len(row.new_violations)}, cookies {len(row.new_cookies)}.</p>"
    )
    return Html(f"<h2>Scan {esc(row.id)}</h2>{intro}{summary}{violations}{cookies}")


register_page(Page("monitoring", "Monitoring", render_monitoring, order=40))
