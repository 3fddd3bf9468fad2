"""Declarations: every revision of each site, and what each changed from the one before."""

from __future__ import annotations

import json
from typing import Any

from sqlalchemy import select

from samtycke.console.diff import SectionDiff, diff_snapshots
from samtycke.console.html import Html, esc, join
from samtycke.console.registry import Page, PageContext, register_page
from samtycke.ledger import schema
from samtycke.ledger.records import format_us

TITLES = {
    "categories": "Categories",
    "services": "Services",
    "cookies": "Cookies",
    "storage": "Storage",
    "site": "Site settings",
}


def _section(title: str, d: SectionDiff) -> Html:
    items = [
        *(Html(f'<li class="added">Added: {esc(n)}</li>') for n in d.added),
        *(Html(f'<li class="removed">Removed: {esc(n)}</li>') for n in d.removed),
        *(Html(f"<li>Changed: {esc(n)} ({esc(', '.join(f))})</li>") for n, f in d.changed.items()),
    ]
    return Html(f"<h4>{esc(title)}</h4><ul>{join(items)}</ul>") if items else Html("")


def render_declarations(ctx: PageContext) -> Html:
    """Per site, newest first: revision, fingerprint, first published, the changes."""
    s = schema.snapshots
    with ctx.engine.connect() as conn:
        rows = conn.execute(
            select(s.c.site, s.c.revision, s.c.fingerprint, s.c.created_us, s.c.content).order_by(
                s.c.site, s.c.created_us
            )
        ).all()
    by_site: dict[str, list[Html]] = {}
    previous: dict[str, dict[str, Any]] = {}
    for site, revision, fp, created, content in rows:
        data = json.loads(content)
        old = previous.get(site)
        sections = diff_snapshots(old, data)
        body = join(_section(TITLES[k], d) for k, d in sections.items() if d)
        if old is None:
            body = Html("<p>The first snapshot of this site in the ledger.</p>")
        elif not body:
            body = Html(
                "<p>No change in categories, services, cookies or storage (texts only).</p>"
            )
        by_site.setdefault(site, []).append(
            Html(
                f'<section aria-labelledby="d-{esc(fp[:12])}"><h3 id="d-{esc(fp[:12])}">'
                f"Revision {esc(revision)} · {esc(fp[:12])} · first published {esc(format_us(int(created))[:19])} UTC</h3>"
                f"{body}</section>"
            )
        )
        previous[site] = data
    if not by_site:
        return Html("<p>The ledger holds no declaration snapshot yet.</p>")
    return join(
        Html(f"<h2>{esc(site)}</h2>{join(reversed(items))}")
        for site, items in sorted(by_site.items())
    )


register_page(Page("declarations", "Declarations", render_declarations, order=30))
