"""The monitor put together: declarations to targets, a runner, the scheduler thread."""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterable, Mapping
from pathlib import Path

from sqlalchemy import Engine

from samtycke.declaration import Declaration, load_declaration
from samtycke.errors import DeclarationFileError, MonitorError
from samtycke.monitor.runners import BrokerRunner, InProcessRunner
from samtycke.monitor.schedule import TICK_SECONDS, Scheduler, Target, targets_of
from samtycke.monitor.settings import MonitorSettings, settings_from_env
from samtycke.server.sites import declaration_files


def load_targets(path: Path, load: Callable[[str], Declaration] = load_declaration) -> list[Target]:
    """The monitored pages of every declaration under ``path`` (a file or a folder)."""
    decls: dict[str, Declaration] = {}
    for file in declaration_files(path):
        decl = load(str(file))
        if decl.site.id in decls:
            raise DeclarationFileError(
                f"{file}: site id {decl.site.id!r} is already declared in {decls[decl.site.id].path}"
            )
        decls[decl.site.id] = decl
    return targets_of(decls.values())


def pages_of(targets: Iterable[Target], site: str) -> list[Target]:
    """The targets of ``site``; :class:`MonitorError` naming the monitored sites when none."""
    targets = list(targets)
    found = [t for t in targets if t.site == site]
    if not found:
        known = sorted({t.site for t in targets})
        listed = ", ".join(known) if known else "none: add a [monitor] table to a declaration"
        raise MonitorError(f"site {site!r} is not monitored (monitored: {listed})")
    return found


class Monitor:
    """A scheduler with its runner; :meth:`start` runs it on a thread of its own."""

    def __init__(
        self,
        engine: Engine,
        targets: list[Target],
        settings: MonitorSettings,
        *,
        threads: int = 1,
        interval: float = TICK_SECONDS,
    ) -> None:
        self.runner: InProcessRunner | BrokerRunner = (
            BrokerRunner(settings.broker, settings.queue)
            if settings.broker
            else InProcessRunner(engine, threads)
        )
        self.scheduler = Scheduler(engine, targets, self.runner, settings)
        self.interval = interval
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None

    def start(self) -> None:
        """Tick on a daemon thread until :meth:`stop`."""
        self._thread = threading.Thread(
            target=self.scheduler.run,
            args=(self._stop, self.interval),
            name="samtycke-monitor",
            daemon=True,
        )
        self._thread.start()

    def wait(self) -> None:
        """Until the jobs run here and the alerts handed out are done."""
        if isinstance(self.runner, InProcessRunner):
            self.runner.wait()
        self.scheduler.send_alerts()
        self.scheduler.alerts.wait()

    def stop(self) -> None:
        """Stop ticking and drop queued scans; a scan already running here finishes first."""
        self._stop.set()
        if self._thread is not None:
            self._thread.join(timeout=10)
        if isinstance(self.runner, InProcessRunner):
            self.runner.close(wait=False)
        else:
            self.runner.close()
        self.scheduler.alerts.close()


def embedded(
    engine: Engine, declarations: Iterable[Declaration], env: Mapping[str, str]
) -> Monitor | None:
    """The monitor ``samtycke serve`` runs beside the API (not started yet).

    None when no declaration has a ``[monitor]`` table or ``SAMTYCKE_MONITOR=off``;
    with a broker URL there the scans go to its workers instead of this process.
    """
    settings = settings_from_env(env)
    targets = targets_of(declarations)
    if not settings.embedded or not targets:
        return None
    return Monitor(engine, targets, settings)
