"""The scheduler: slots, claims over one database, and alerts that never hold it up."""

from __future__ import annotations

import threading
from pathlib import Path

from sqlalchemy import Engine

from samtycke.declaration import parse_declaration
from samtycke.monitor import history
from samtycke.monitor.jobs import ScanJob
from samtycke.monitor.schedule import Scheduler, Target, slot_of, targets_of
from samtycke.monitor.settings import MonitorSettings, SmtpSettings
from tests.monitor.receivers import PASSWORD, USER, smtp_sink, webhook

DAY_US = 86_400 * 1_000_000
DECL = """\
[site]
id = "{site}"
name = "Shop"
controller = "Shop AB"
contact = "privacy@shop.example"
domains = ["shop.example"]
languages = ["en"]

[monitor]
urls = ["https://shop.example/", "https://shop.example/help"]
every = "{every}"
{extra}
"""


class Recorder:
    """A runner that keeps the jobs it is given (the scheduler's decisions are under test)."""

    def __init__(self) -> None:
        self.jobs: list[ScanJob] = []

    def submit(self, job: ScanJob) -> None:
        self.jobs.append(job)


def targets(
    tmp_path: Path, site: str = "shop", every: str = "1 day", extra: str = ""
) -> list[Target]:
    path = tmp_path / f"{site}.toml"
    path.write_text(DECL.format(site=site, every=every, extra=extra), encoding="utf-8")
    return targets_of([parse_declaration(path.read_text(encoding="utf-8"), str(path), path)])


def test_slots_are_whole_periods_since_1970() -> None:
    assert slot_of(DAY_US + 5, 86_400) == DAY_US
    assert slot_of(DAY_US - 1, 86_400) == 0
    assert slot_of(3 * 3600 * 1_000_000 + 7, 3600) == 3 * 3600 * 1_000_000


def test_each_page_is_due_once_per_slot(engine: Engine, tmp_path: Path) -> None:
    runner = Recorder()
    scheduler = Scheduler(engine, targets(tmp_path), runner, MonitorSettings())
    at = 20_000 * DAY_US + 3600 * 1_000_000
    assert len(scheduler.tick(at)) == 2
    assert scheduler.tick(at + 1_000_000) == []  # the same day
    assert len(scheduler.tick(at + DAY_US)) == 2  # the next day
    assert [j.url for j in runner.jobs] == [
        "https://shop.example/",
        "https://shop.example/help",
    ] * 2
    job = runner.jobs[0]
    assert (job.site, job.max_pages, job.depth) == ("shop", 20, 3)
    assert parse_declaration(job.declaration, job.declaration_name).site.id == "shop"


def test_two_schedulers_on_one_database_scan_each_slot_once(engine: Engine, tmp_path: Path) -> None:
    runners = [Recorder(), Recorder()]
    schedulers = [Scheduler(engine, targets(tmp_path), r, MonitorSettings()) for r in runners]
    at = 20_000 * DAY_US
    barrier = threading.Barrier(2)

    def tick(s: Scheduler) -> None:
        barrier.wait()
        s.tick(at)

    threads = [threading.Thread(target=tick, args=(s,)) for s in schedulers]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    urls = sorted(j.url for r in runners for j in r.jobs)
    assert urls == ["https://shop.example/", "https://shop.example/help"]


def test_a_scan_now_covers_the_current_slot(engine: Engine, tmp_path: Path) -> None:
    runner = Recorder()
    scheduler = Scheduler(engine, targets(tmp_path), runner, MonitorSettings())
    assert len(scheduler.scan_now("shop")) == 2
    assert scheduler.tick() == []
    assert scheduler.scan_now("nothing-like-it") == []


def _finished(engine: Engine, news: bool) -> str:
    scan_id = history.claim(engine, "shop", "https://shop.example/", 1)
    assert scan_id is not None
    cookies = [{"name": "_fbp", "domain": "shop.example"}] if news else []
    history.finish(engine, scan_id, {"schema": 2, "cookies": [], "violations": []}, cookies, [])
    return scan_id


def test_news_goes_to_the_mail_server_and_the_webhook(engine: Engine, tmp_path: Path) -> None:
    with smtp_sink(tmp_path) as sink, webhook() as hook:
        extra = f'alert_email = "privacy@shop.example"\nalert_webhook = "{hook.url}"'
        smtp = SmtpSettings("127.0.0.1", sink.port, True, USER, PASSWORD, cafile=sink.cafile)
        settings = MonitorSettings(smtp=smtp, public_url="https://consent.shop.example")
        scheduler = Scheduler(engine, targets(tmp_path, extra=extra), Recorder(), settings)
        scan_id = _finished(engine, news=True)
        scheduler.send_alerts()
        scheduler.alerts.wait()
        scheduler.send_alerts()  # sent once only
        scheduler.alerts.wait()
    assert len(sink.messages) == 1 and len(hook.bodies) == 1
    assert f"/console/monitoring?scan={scan_id}" in hook.bodies[0]["text"]
    row = history.scan(engine, scan_id)
    assert row is not None
    assert row.alert_result == "e-mailed privacy@shop.example; webhook answered 200"


def test_nothing_new_sends_nothing(engine: Engine, tmp_path: Path) -> None:
    with webhook() as hook:
        extra = f'alert_webhook = "{hook.url}"'
        scheduler = Scheduler(engine, targets(tmp_path, extra=extra), Recorder(), MonitorSettings())
        scan_id = _finished(engine, news=False)
        scheduler.send_alerts()
        scheduler.alerts.wait()
    assert hook.bodies == []
    row = history.scan(engine, scan_id)
    assert row is not None and row.alert_result == "nothing new"


def test_a_hanging_webhook_does_not_hold_up_the_schedule(engine: Engine, tmp_path: Path) -> None:
    hold = threading.Event()
    with webhook(hold=hold) as hook:
        extra = f'alert_webhook = "{hook.url}"'
        runner = Recorder()
        scheduler = Scheduler(engine, targets(tmp_path, extra=extra), runner, MonitorSettings())
        scan_id = _finished(engine, news=True)
        claimed = scheduler.tick(30_000 * DAY_US)  # hands out the alert, then returns
        assert len(claimed) == 2 and len(runner.jobs) == 2
        row = history.scan(engine, scan_id)
        assert row is not None and row.alert_result == "sending"  # the hook still holds it
        hold.set()
        scheduler.alerts.wait()
    row = history.scan(engine, scan_id)
    assert row is not None and row.alert_result == "webhook answered 200"
