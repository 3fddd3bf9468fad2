"""The scheduler: which page of which site is due, claiming it, handing it to a runner.

Time is cut into slots of each site's ``every``, counted from 1970; a page is
due when no scan has been claimed for it in the current slot (a ``scan-now``
counts for the slot it ran in). Claiming goes through the database, so any
number of schedulers over one database scan each slot once. Each tick also
sends the alerts of the scans finished since the last one.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Protocol

from sqlalchemy import Engine

from samtycke.declaration import Declaration
from samtycke.declaration.monitor import Monitor
from samtycke.errors import SamtyckeError
from samtycke.ledger.store import now_us
from samtycke.monitor import history
from samtycke.monitor.alerts import Alert, AlertSender, deliver
from samtycke.monitor.jobs import ScanJob
from samtycke.monitor.settings import MonitorSettings

LOGGER = logging.getLogger("samtycke.monitor")
TICK_SECONDS = 60.0


@dataclass(frozen=True)
class Target:
    """A start page of a monitored site, with what a job of it needs."""

    site: str
    url: str
    monitor: Monitor
    declaration: str
    declaration_name: str

    def job(self, scan_id: str, settle: float = 2.0) -> ScanJob:
        """The scan job of this page for the claimed row ``scan_id``."""
        m = self.monitor
        return ScanJob(
            scan_id,
            self.site,
            self.url,
            self.declaration,
            self.declaration_name,
            m.max_pages,
            m.depth,
            m.gpc,
            settle,
        )


def targets_of(declarations: Iterable[Declaration]) -> list[Target]:
    """Every start page of every declaration with a ``[monitor]`` table."""
    out = []
    for decl in declarations:
        if decl.monitor is None or decl.path is None:
            continue
        text = Path(decl.path).read_text(encoding="utf-8")
        for url in decl.monitor.urls:
            out.append(Target(decl.site.id, url, decl.monitor, text, str(decl.path)))
    return out


def slot_of(at_us: int, every_seconds: int) -> int:
    """The start of the slot ``at_us`` falls in."""
    step = every_seconds * 1_000_000
    return at_us - at_us % step


class Runner(Protocol):
    """Runs scan jobs: in this process, or by sending them to workers."""

    def submit(self, job: ScanJob) -> None:
        """Start (or queue) the job; returns at once."""


class Scheduler:
    """Claims due pages, hands their jobs to ``runner`` and sends the alerts."""

    def __init__(
        self,
        engine: Engine,
        targets: list[Target],
        runner: Runner,
        settings: MonitorSettings,
        alerts: AlertSender | None = None,
    ) -> None:
        self.engine = engine
        self.targets = targets
        self.runner = runner
        self.settings = settings
        self.alerts = alerts or AlertSender()
        self._monitors: Mapping[str, Monitor] = {t.site: t.monitor for t in targets}

    def due(self, at_us: int | None = None) -> list[tuple[Target, int]]:
        """The pages with no scan claimed in their current slot, and that slot."""
        at = now_us() if at_us is None else at_us
        out = []
        for t in self.targets:
            slot = slot_of(at, t.monitor.every_seconds)
            last = history.last_slot(self.engine, t.site, t.url)
            if last is None or last < slot:
                out.append((t, slot))
        return out

    def tick(self, at_us: int | None = None) -> list[str]:
        """Claim and submit every due page; send finished scans' alerts. The claimed ids."""
        claimed = []
        for target, slot in self.due(at_us):
            scan_id = history.claim(self.engine, target.site, target.url, slot)
            if scan_id is not None:  # else another scheduler took the slot first
                self.runner.submit(target.job(scan_id))
                claimed.append(scan_id)
        self.send_alerts()
        return claimed

    def scan_now(self, site: str) -> list[str]:
        """Claim a scan of every page of ``site`` now, outside the schedule."""
        pages = [t for t in self.targets if t.site == site]
        claimed = []
        for target in pages:
            scan_id = history.claim(self.engine, site, target.url, now_us())
            if scan_id is not None:
                self.runner.submit(target.job(scan_id))
                claimed.append(scan_id)
        return claimed

    def send_alerts(self) -> None:
        """Hand the alert of every finished, unsent scan to the alert threads."""
        for row in history.unalerted(self.engine):
            monitor = self._monitors.get(row.site)
            if monitor is None or not history.claim_alert(self.engine, row.id):
                continue
            if not row.has_news:
                history.note_alert(self.engine, row.id, "nothing new")
                continue
            alert = Alert.of(row, self.settings.public_url)
            self.alerts.submit(self._deliver, alert, monitor)

    def _deliver(self, alert: Alert, monitor: Monitor) -> None:
        result = deliver(alert, monitor, self.settings.smtp)
        history.note_alert(self.engine, alert.scan_id, result)

    def run(self, stop: threading.Event, interval: float = TICK_SECONDS) -> None:
        """Tick every ``interval`` seconds until ``stop`` is set."""
        while True:
            try:
                self.tick()
            except SamtyckeError as exc:  # a database away for a while: try next tick
                LOGGER.warning("monitor tick failed: %s", exc)
            except Exception:  # never let one bad tick end the schedule of every site
                LOGGER.exception("monitor tick failed")
            if stop.wait(interval):
                return
