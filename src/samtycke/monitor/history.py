"""The scans of every site in the ledger database, outside the hash chain.

A scan's row goes queued → running → done (with its JSON report and what was
new against the previous done scan of the same site and URL) or failed. A slot
of the schedule is claimed by inserting its row: the unique (site, url, slot)
index makes the first claimer win, so several schedulers (server replicas, a
second ``monitor run``) never scan one slot twice. Alerts are claimed the same
way, by setting ``alerted_us`` where it is still empty.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Connection, Engine, and_, func, insert, select, update
from sqlalchemy.exc import IntegrityError, SQLAlchemyError

from samtycke.errors import LedgerError
from samtycke.ids import new_id
from samtycke.ledger import schema
from samtycke.ledger.store import now_us
from samtycke.ledger.view import short_error

_S = schema.monitor_scans
_SUMMARY = [c for c in _S.c if c.name != "report"]


@dataclass(frozen=True)
class ScanRow:
    """One scan of one start URL as stored (the report itself is read apart)."""

    id: str
    site: str
    url: str
    slot_us: int
    queued_us: int
    started_us: int | None
    finished_us: int | None
    status: str  # queued, running, done, failed
    error: str | None
    pages: int | None
    cookies: int | None
    violations: int | None
    new_cookies: list[dict[str, str]]
    new_violations: list[dict[str, Any]]
    alerted_us: int | None
    alert_result: str | None

    @property
    def has_news(self) -> bool:
        """True when the scan found a cookie or a violation the previous one did not."""
        return bool(self.new_cookies or self.new_violations)


def _row(r: Any) -> ScanRow:
    m = r._mapping
    return ScanRow(
        id=m["id"],
        site=m["site"],
        url=m["url"],
        slot_us=int(m["slot_us"]),
        queued_us=int(m["queued_us"]),
        started_us=m["started_us"],
        finished_us=m["finished_us"],
        status=m["status"],
        error=m["error"],
        pages=m["pages"],
        cookies=m["cookies"],
        violations=m["violations"],
        new_cookies=json.loads(m["new_cookies"] or "[]"),
        new_violations=json.loads(m["new_violations"] or "[]"),
        alerted_us=m["alerted_us"],
        alert_result=m["alert_result"],
    )


@contextmanager
def _db(engine: Engine, what: str) -> Iterator[Connection]:
    try:
        with engine.begin() as conn:
            yield conn
    except IntegrityError:
        raise
    except SQLAlchemyError as exc:
        raise LedgerError(f"cannot {what} the scan history: {short_error(exc)}") from None


def claim(engine: Engine, site: str, url: str, slot_us: int) -> str | None:
    """Queue a scan of ``url`` for the slot; its id, or None when the slot is taken."""
    scan_id = new_id()
    values = {
        "id": scan_id,
        "site": site,
        "url": url,
        "slot_us": slot_us,
        "queued_us": now_us(),
        "status": "queued",
    }
    try:
        with _db(engine, "write") as conn:
            conn.execute(insert(_S).values(**values))
    except IntegrityError:
        return None
    return scan_id


def last_slot(engine: Engine, site: str, url: str) -> int | None:
    """The latest slot claimed for ``url`` of ``site`` (None when it was never scanned)."""
    query = select(func.max(_S.c.slot_us)).where(_S.c.site == site, _S.c.url == url)
    with _db(engine, "read") as conn:
        found = conn.execute(query).scalar()
    return None if found is None else int(found)


def mark_running(engine: Engine, scan_id: str) -> None:
    """The scan has started."""
    with _db(engine, "write") as conn:
        conn.execute(
            update(_S).where(_S.c.id == scan_id).values(status="running", started_us=now_us())
        )


def previous_report(
    engine: Engine, site: str, url: str, before_id: str
) -> tuple[str, dict[str, Any]] | None:
    """The id and report of the last done scan of ``url`` of ``site`` other than ``before_id``."""
    query = (
        select(_S.c.id, _S.c.report)
        .where(_S.c.site == site, _S.c.url == url, _S.c.status == "done", _S.c.id != before_id)
        .order_by(_S.c.finished_us.desc())
        .limit(1)
    )
    with _db(engine, "read") as conn:
        found = conn.execute(query).first()
    return None if found is None else (str(found[0]), dict(json.loads(found[1])))


def finish(
    engine: Engine,
    scan_id: str,
    report: dict[str, Any],
    new_cookies: list[dict[str, str]],
    new_violations: list[dict[str, Any]],
) -> None:
    """Store the scan's report and what it found that was new."""
    values = {
        "status": "done",
        "finished_us": now_us(),
        "report": json.dumps(report, ensure_ascii=False),
        "pages": len(report.get("pages", [])),
        "cookies": len(report.get("cookies", [])),
        "violations": len(report.get("violations", [])),
        "new_cookies": json.dumps(new_cookies, ensure_ascii=False),
        "new_violations": json.dumps(new_violations, ensure_ascii=False),
    }
    with _db(engine, "write") as conn:
        conn.execute(update(_S).where(_S.c.id == scan_id).values(**values))


def fail(engine: Engine, scan_id: str, error: str) -> None:
    """The scan could not run; ``error`` says why in one line."""
    with _db(engine, "write") as conn:
        conn.execute(
            update(_S)
            .where(_S.c.id == scan_id)
            .values(status="failed", finished_us=now_us(), error=error[:2000])
        )


def scans(engine: Engine, site: str | None = None, limit: int = 20) -> list[ScanRow]:
    """The latest scans, newest first, of one site or of every site."""
    query = select(*_SUMMARY).order_by(_S.c.queued_us.desc(), _S.c.id).limit(limit)
    if site is not None:
        query = query.where(_S.c.site == site)
    with _db(engine, "read") as conn:
        return [_row(r) for r in conn.execute(query)]


def scan(engine: Engine, scan_id: str) -> ScanRow | None:
    """One scan by id."""
    with _db(engine, "read") as conn:
        r = conn.execute(select(*_SUMMARY).where(_S.c.id == scan_id)).first()
    return None if r is None else _row(r)


def report(engine: Engine, scan_id: str) -> dict[str, Any] | None:
    """The JSON report of a done scan."""
    with _db(engine, "read") as conn:
        text = conn.execute(select(_S.c.report).where(_S.c.id == scan_id)).scalar()
    return None if text is None else dict(json.loads(text))


def unalerted(engine: Engine) -> list[ScanRow]:
    """Done scans whose news has not been sent yet."""
    query = (
        select(*_SUMMARY)
        .where(and_(_S.c.status == "done", _S.c.alerted_us.is_(None)))
        .order_by(_S.c.finished_us)
    )
    with _db(engine, "read") as conn:
        return [_row(r) for r in conn.execute(query)]


def claim_alert(engine: Engine, scan_id: str) -> bool:
    """Take the alert of a scan; False when another scheduler already did."""
    with _db(engine, "write") as conn:
        done = conn.execute(
            update(_S)
            .where(_S.c.id == scan_id, _S.c.alerted_us.is_(None))
            .values(alerted_us=now_us(), alert_result="sending")
        )
    return bool(done.rowcount)


def note_alert(engine: Engine, scan_id: str, result: str) -> None:
    """How the alert went ("sent to …", "nothing new", or the failures)."""
    with _db(engine, "write") as conn:
        conn.execute(update(_S).where(_S.c.id == scan_id).values(alert_result=result[:2000]))
