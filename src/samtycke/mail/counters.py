"""Aggregate e-mail counts: opens and clicks per campaign, never per person.

Only fetches by recipients who consented at that moment are counted. The one
per-recipient fact ever kept is the day of the last open, and only for a site
whose ``[email.open]`` claims the deliverability exemption.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import Engine, select
from sqlalchemy.exc import SQLAlchemyError

from samtycke.errors import LedgerError
from samtycke.ledger import schema
from samtycke.ledger.upsert import add_statement, insert_for

_C = schema.mail_counts
_L = schema.mail_last_open


@dataclass(frozen=True)
class CampaignCounts:
    """How often one campaign's mail was opened and its links clicked."""

    campaign: str
    opens: int = 0
    clicks: int = 0


def count(engine: Engine, site: str, campaign: str, kind: str) -> None:
    """Add one ``kind`` ("open" or "click") to the campaign's counter (blocking)."""
    values = {"site": site, "campaign": campaign, "kind": kind, "count": 1}
    _run(engine, add_statement(engine.dialect.name, _C).values(**values))


def note_last_open(engine: Engine, site: str, recipient: str, day: str) -> None:
    """Keep ``day`` (YYYY-MM-DD) as the recipient id's last open (blocking)."""
    ins = insert_for(engine.dialect.name, _L).values(site=site, recipient=recipient, day=day)
    stmt = ins.on_conflict_do_update(index_elements=[_L.c.site, _L.c.recipient], set_={"day": day})
    _run(engine, stmt)


def last_open(engine: Engine, site: str, recipient: str) -> str | None:
    """The day of the recipient id's last open, when the exemption kept one."""
    query = select(_L.c.day).where(_L.c.site == site, _L.c.recipient == recipient)
    try:
        with engine.connect() as conn:
            row = conn.execute(query).first()
    except SQLAlchemyError as exc:
        raise LedgerError(f"cannot read the e-mail counts: {exc.__class__.__name__}") from None
    return None if row is None else str(row[0])


def campaign_counts(engine: Engine, site: str) -> list[CampaignCounts]:
    """Every campaign of ``site`` with its opens and clicks, by campaign id."""
    query = select(_C.c.campaign, _C.c.kind, _C.c["count"]).where(_C.c.site == site)
    try:
        with engine.connect() as conn:
            rows = conn.execute(query).all()
    except SQLAlchemyError as exc:
        raise LedgerError(f"cannot read the e-mail counts: {exc.__class__.__name__}") from None
    found: dict[str, dict[str, int]] = {}
    for campaign, kind, n in rows:
        found.setdefault(campaign, {})[kind] = int(n)
    return [
        CampaignCounts(c, found[c].get("open", 0), found[c].get("click", 0)) for c in sorted(found)
    ]


def _run(engine: Engine, stmt: object) -> None:
    try:
        with engine.begin() as conn:
            conn.execute(stmt)  # type: ignore[call-overload]
    except SQLAlchemyError as exc:
        raise LedgerError(f"cannot update the e-mail counts: {exc.__class__.__name__}") from None
