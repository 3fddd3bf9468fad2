"""The overview: the sites this server serves and the end of the chain."""

from __future__ import annotations

from samtycke.console.html import Html, table
from samtycke.console.registry import Page, PageContext, register_page
from samtycke.ledger.records import format_us


def render_overview(ctx: PageContext) -> Html:
    """Sites with their revision and domains; the chain head."""
    sites = table(
        "Sites",
        ["Site", "Name", "Revision", "Domains", "Languages"],
        (
            (
                s.id,
                s.decl.site.name,
                s.decl.site.revision,
                ", ".join(s.decl.site.domains),
                ", ".join(s.decl.site.languages),
            )
            for s in sorted(ctx.state.sites.values(), key=lambda s: s.id)
        ),
        numeric=2,
    )
    ledger = ctx.state.ledger
    head = ledger.head() if ledger is not None else None
    chain = (
        Html("")
        if head is None
        else table(
            "End of the chain",
            ["Sequence number", "Hash", "Time (UTC)"],
            [(head.seq, head.hash, format_us(head.recorded_us) if head.seq else "—")],
            numeric=9,
        )
    )
    return Html(f"{sites}{chain}")


register_page(Page("", "Overview", render_overview, order=0))
