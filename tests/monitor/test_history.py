"""The scan history in the ledger database: claims, results, alerts; the chain ignores it."""

from __future__ import annotations

from sqlalchemy import Engine

from samtycke.ledger import Ledger, verify_chain
from samtycke.ledger.migrations import MIGRATION_NAMES
from samtycke.monitor import history

REPORT = {
    "schema": 2,
    "pages": ["https://shop.example/", "https://shop.example/a"],
    "cookies": [{"name": "sid", "domain": "shop.example"}],
    "violations": [{"kind": "undeclared", "cookie": "sid", "page": None, "phase": None}],
}


def test_m007_is_the_monitor_migration() -> None:
    assert "m007_monitor_scans" in MIGRATION_NAMES
    assert MIGRATION_NAMES.index("m007_monitor_scans") == len(MIGRATION_NAMES) - 1


def test_a_slot_is_claimed_once(engine: Engine) -> None:
    first = history.claim(engine, "shop", "https://shop.example/", 1_000)
    again = history.claim(engine, "shop", "https://shop.example/", 1_000)
    other_page = history.claim(engine, "shop", "https://shop.example/help", 1_000)
    assert first is not None and other_page is not None and again is None
    assert history.last_slot(engine, "shop", "https://shop.example/") == 1_000
    assert history.last_slot(engine, "shop", "https://elsewhere.example/") is None


def test_a_finished_scan_keeps_its_report_and_news(engine: Engine) -> None:
    scan_id = history.claim(engine, "shop", "https://shop.example/", 1)
    assert scan_id is not None
    history.mark_running(engine, scan_id)
    assert (row := history.scan(engine, scan_id)) is not None and row.status == "running"
    news = [{"name": "sid", "domain": "shop.example"}]
    history.finish(engine, scan_id, REPORT, news, REPORT["violations"])  # type: ignore[arg-type]
    row = history.scan(engine, scan_id)
    assert row is not None
    assert (row.status, row.pages, row.cookies, row.violations) == ("done", 2, 1, 1)
    assert row.new_cookies == news and row.has_news
    assert history.report(engine, scan_id) == REPORT
    assert history.previous_report(engine, "shop", "https://shop.example/", "other") == (
        scan_id,
        REPORT,
    )
    assert history.previous_report(engine, "shop", "https://shop.example/", scan_id) is None


def test_a_failed_scan_says_why_and_is_no_baseline(engine: Engine) -> None:
    scan_id = history.claim(engine, "shop", "https://shop.example/", 1)
    assert scan_id is not None
    history.fail(engine, scan_id, "cannot reach https://shop.example/: refused")
    row = history.scan(engine, scan_id)
    assert row is not None and row.status == "failed" and "refused" in (row.error or "")
    assert history.previous_report(engine, "shop", "https://shop.example/", "x") is None
    assert history.unalerted(engine) == []


def test_an_alert_is_taken_by_one_scheduler_only(engine: Engine) -> None:
    scan_id = history.claim(engine, "shop", "https://shop.example/", 1)
    assert scan_id is not None
    history.finish(engine, scan_id, REPORT, [], [])
    assert [r.id for r in history.unalerted(engine)] == [scan_id]
    assert history.claim_alert(engine, scan_id) is True
    assert history.claim_alert(engine, scan_id) is False
    history.note_alert(engine, scan_id, "nothing new")
    row = history.scan(engine, scan_id)
    assert row is not None and row.alert_result == "nothing new"
    assert history.unalerted(engine) == []


def test_history_lists_one_site_newest_first(engine: Engine) -> None:
    ids = [history.claim(engine, "shop", "https://shop.example/", slot) for slot in (1, 2, 3)]
    history.claim(engine, "blog", "https://blog.example/", 1)
    rows = history.scans(engine, "shop")
    assert {r.id for r in rows} == set(ids) and all(r.site == "shop" for r in rows)
    assert [r.queued_us for r in rows] == sorted((r.queued_us for r in rows), reverse=True)
    assert len(history.scans(engine, "shop", limit=2)) == 2


def test_verify_leaves_the_scan_history_alone(db_url: str) -> None:
    with Ledger(db_url, migrate=True) as led:
        scan_id = history.claim(led.engine, "shop", "https://shop.example/", 1)
        assert scan_id is not None
        history.finish(led.engine, scan_id, REPORT, [], [])
        verified = verify_chain(led)
    assert verified.records == 0
