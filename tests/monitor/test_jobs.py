"""A scan job against a real site in Chromium: stored, and compared with the previous scan."""

from __future__ import annotations

from pathlib import Path

from sqlalchemy import Engine

from samtycke.ledger.store import now_us
from samtycke.monitor import history
from samtycke.monitor.jobs import ScanJob, run_job
from samtycke.monitor.service import load_targets
from tests.monitor.estate import watched_site


def _job(engine: Engine, declaration: Path) -> ScanJob:
    (target,) = load_targets(declaration)
    scan_id = history.claim(engine, target.site, target.url, now_us())
    assert scan_id is not None
    return target.job(scan_id, settle=0.5)


def test_the_second_scan_highlights_only_what_is_new(sqlite_engine: Engine, tmp_path: Path) -> None:
    with watched_site(tmp_path) as site:
        first = run_job(sqlite_engine, _job(sqlite_engine, site.declaration))
        site.cookies = [*site.cookies, "_fbp=fb.1.2; Max-Age=7776000; Path=/"]
        second = run_job(sqlite_engine, _job(sqlite_engine, site.declaration))
        third = run_job(sqlite_engine, _job(sqlite_engine, site.declaration))
    assert first is not None and second is not None and third is not None
    assert first.status == "done" and first.pages == 2
    # Nothing to compare the first scan with: all it found is news.
    assert first.new_cookies == [{"name": "sid", "domain": "127.0.0.1"}]
    assert second.new_cookies == [{"name": "_fbp", "domain": "127.0.0.1"}]
    assert {(v["kind"], v["cookie"]) for v in second.new_violations} == {
        ("set-before-consent", "_fbp"),
        ("set-after-reject", "_fbp"),
        ("undeclared", "_fbp"),
    }
    assert not third.has_news and third.violations == second.violations
    report = history.report(sqlite_engine, second.id)
    assert report is not None and report["schema"] == 2
    assert report["baseline"]["file"] == f"scan {first.id}"


def test_a_site_that_cannot_be_reached_is_a_failed_scan(
    sqlite_engine: Engine, tmp_path: Path
) -> None:
    with watched_site(tmp_path) as site:
        job = _job(sqlite_engine, site.declaration)
    row = run_job(sqlite_engine, job)  # the server is gone
    assert row is not None and row.status == "failed"
    assert row.error is not None and row.error.startswith(f"cannot reach {site.url}")
