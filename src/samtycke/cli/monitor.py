"""``samtycke monitor``: scheduled scans — run the scheduler, scan now, history, workers.

Exit codes: 0 ok; 1 ``scan-now`` found violations that the previous scan of
the page did not have; 2 the declaration, the database or the broker cannot
be used, the site is not monitored, or a scan could not run.
"""

from __future__ import annotations

import json
import os
import signal
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import replace
from pathlib import Path

import click

from samtycke.cli._common import DB_OPTION, load_or_exit, plural
from samtycke.errors import MonitorError
from samtycke.ledger import Ledger, format_us
from samtycke.monitor import Monitor, ScanRow, load_targets, settings_from_env
from samtycke.monitor import history as scans
from samtycke.monitor.service import pages_of
from samtycke.monitor.settings import DEFAULT_QUEUE

_DECLARATION = click.option(
    "--declaration",
    "-d",
    type=click.Path(path_type=Path),
    envvar="SAMTYCKE_DECLARATION",
    required=True,
    help="A samtycke.toml, or a folder of them (env SAMTYCKE_DECLARATION).",
)
_BROKER = click.option(
    "--broker",
    help="Redis URL of the workers' broker (redis://HOST:6379/0); none: scan in this process.",
)
_QUEUE = click.option(
    "--queue",
    envvar="SAMTYCKE_MONITOR_QUEUE",
    default=DEFAULT_QUEUE,
    show_default=True,
    help="The broker queue of scan jobs (env SAMTYCKE_MONITOR_QUEUE).",
)
_THREADS = click.option(
    "--threads",
    type=click.IntRange(1, 16),
    default=1,
    show_default=True,
    help="Scans at once in this process (each runs its own browser).",
)


@click.group("monitor")
def monitor() -> None:
    """Scheduled scans of every site with a [monitor] table: history, alerts, workers."""


@contextmanager
def _stopping() -> Iterator[threading.Event]:
    """An event set by Ctrl-C or SIGTERM."""
    stop = threading.Event()
    previous = signal.signal(signal.SIGTERM, lambda *_: stop.set())
    try:
        yield stop
    except KeyboardInterrupt:
        stop.set()
    finally:
        signal.signal(signal.SIGTERM, previous)


@monitor.command("run")
@_DECLARATION
@DB_OPTION
@_BROKER
@_QUEUE
@_THREADS
@click.option(
    "--interval",
    type=click.FloatRange(1, 3600),
    default=60.0,
    show_default=True,
    help="Seconds between looks at the schedule.",
)
@click.option(
    "--once", is_flag=True, help="Look once, wait for the scans run here and their alerts, exit."
)
def run(
    declaration: Path,
    db: str,
    broker: str | None,
    queue: str,
    threads: int,
    interval: float,
    once: bool,
) -> None:
    """Scan every monitored page when it is due, until Ctrl-C (samtycke serve embeds this)."""
    targets = load_targets(declaration, load_or_exit)
    settings = replace(settings_from_env(os.environ, broker), queue=queue)
    with Ledger(db) as led:
        mon = Monitor(led.engine, targets, settings, threads=threads, interval=interval)
        try:
            if once:
                claimed = mon.scheduler.tick()
                mon.wait()
                _print_rows([r for r in (scans.scan(led.engine, i) for i in claimed) if r])
                return
            click.echo(f"samtycke: monitoring {plural(len(targets), 'page')}", err=True)
            with _stopping() as stop:
                mon.scheduler.run(stop, interval)
        finally:
            mon.stop()


@monitor.command("scan-now")
@click.argument("site")
@_DECLARATION
@DB_OPTION
@_BROKER
@_QUEUE
def scan_now(site: str, declaration: Path, db: str, broker: str | None, queue: str) -> None:
    """Scan every monitored page of SITE now, store the reports and send their alerts.

    With --broker the scans are queued for the workers and the command returns.
    """
    targets = pages_of(load_targets(declaration, load_or_exit), site)
    settings = replace(settings_from_env(os.environ, broker), queue=queue)
    with Ledger(db) as led:
        mon = Monitor(led.engine, targets, settings)
        try:
            claimed = mon.scheduler.scan_now(site)
            if settings.broker:
                click.echo(f"queued {plural(len(claimed), 'scan')} of {site} on {queue}")
                return
            mon.wait()
            rows = [r for r in (scans.scan(led.engine, i) for i in claimed) if r]
        finally:
            mon.stop()
    _print_rows(rows)
    failed = [r for r in rows if r.status == "failed"]
    if failed:
        raise MonitorError(f"{failed[0].url}: the scan failed: {failed[0].error}")
    if any(r.new_violations for r in rows):
        raise SystemExit(1)


@monitor.command("history")
@click.argument("site")
@DB_OPTION
@click.option(
    "--limit", type=click.IntRange(1, 1000), default=20, show_default=True, help="Most scans."
)
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["table", "json"]),
    default="table",
    show_default=True,
    help="A line per scan, or JSON with what was new in each.",
)
@click.option("--scan", "scan_id", help="Print this scan's whole JSON report instead.")
def history_cmd(site: str, db: str, limit: int, fmt: str, scan_id: str | None) -> None:
    """The latest scans of SITE, newest first, with the new cookies and violations of each."""
    with Ledger(db) as led:
        if scan_id is not None:
            row = scans.scan(led.engine, scan_id)
            found = scans.report(led.engine, scan_id) if row and row.site == site else None
            if found is None:
                raise MonitorError(f"site {site!r} has no stored report with id {scan_id!r}")
            click.echo(json.dumps(found, indent=2, ensure_ascii=False))
            return
        rows = scans.scans(led.engine, site, limit)
    if fmt == "json":
        click.echo(json.dumps([_row_data(r) for r in rows], indent=2, ensure_ascii=False))
        return
    if not rows:
        click.echo(f"{site}: no scans yet")
        return
    _print_rows(rows)


@monitor.command("worker")
@click.option("--broker", required=True, help="Redis URL of the broker (redis://HOST:6379/0).")
@DB_OPTION
@_QUEUE
@_THREADS
def worker(broker: str, db: str, queue: str, threads: int) -> None:
    """Run the scan jobs a `monitor run` or `serve` queues on the broker, until Ctrl-C.

    Results go into the database given here: every worker and the scheduler
    must share it (PostgreSQL when workers run on several machines).
    """
    from samtycke.monitor.broker import run_worker

    def ready() -> None:
        click.echo(f"samtycke: taking scan jobs from {queue}", err=True)

    with Ledger(db) as led, _stopping() as stop:
        run_worker(broker, led.engine, queue, stop, threads=threads, on_ready=ready)


def _row_data(r: ScanRow) -> dict[str, object]:
    return {
        "id": r.id,
        "site": r.site,
        "url": r.url,
        "status": r.status,
        "queued": format_us(r.queued_us),
        "finished": format_us(r.finished_us) if r.finished_us else None,
        "pages": r.pages,
        "cookies": r.cookies,
        "violations": r.violations,
        "new_cookies": r.new_cookies,
        "new_violations": r.new_violations,
        "error": r.error,
        "alert": r.alert_result,
    }


def _print_rows(rows: list[ScanRow]) -> None:
    for r in rows:
        when = format_us(r.finished_us or r.queued_us)[:19].replace("T", " ")
        if r.status != "done":
            tail = f": {r.error}" if r.error else ""
            click.echo(f"{when} {r.id} {r.url}: {r.status}{tail}")
            continue
        click.echo(
            f"{when} {r.id} {r.url}: {plural(r.pages or 0, 'page')}, "
            f"{plural(r.cookies or 0, 'cookie')}, {plural(r.violations or 0, 'violation')}"
            f" ({plural(len(r.new_cookies), 'new cookie')}, "
            f"{plural(len(r.new_violations), 'new violation')})"
        )
        for c in r.new_cookies:
            click.echo(f"  new cookie {c['name']} ({c['domain']})")
        for v in r.new_violations:
            click.echo(f"  new violation {v['kind']}: {v['cookie']}")
