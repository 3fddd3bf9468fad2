"""Scheduled scans end to end: `monitor scan-now`, `history`, `run`, and `serve` embedding it."""

from __future__ import annotations

import time
from pathlib import Path

import pytest
from click.testing import CliRunner

from samtycke.cli import main
from samtycke.ledger import Ledger
from samtycke.monitor import history
from samtycke.server import ServerConfig
from tests.monitor.estate import watched_site
from tests.server.conftest import LiveServer


def run(*args: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(main, list(args))
    return result.exit_code, result.stdout, result.stderr


def test_scan_now_then_history_show_what_is_new(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("SAMTYCKE_SMTP_HOST", raising=False)
    db = f"sqlite:///{tmp_path / 'ledger.db'}"
    Ledger(db, migrate=True).close()
    with watched_site(tmp_path) as site:
        decl = str(site.declaration)
        code, out, _ = run("monitor", "scan-now", "watched", "-d", decl, "--db", db)
        assert code == 0, out
        assert "2 pages, 1 cookie, 0 violations (1 new cookie, 0 new violations)" in out
        site.cookies = [*site.cookies, "_fbp=fb.1.2; Max-Age=7776000; Path=/"]
        code, out, _ = run("monitor", "scan-now", "watched", "-d", decl, "--db", db)
        assert code == 1  # a new violation
        assert "  new cookie _fbp (127.0.0.1)" in out
        assert "  new violation undeclared: _fbp" in out
        # The scans of today cover today's slot: nothing is due.
        assert run("monitor", "run", "--once", "-d", decl, "--db", db)[:2] == (0, "")
    code, out, _ = run("monitor", "history", "watched", "--db", db)
    assert code == 0 and len([ln for ln in out.splitlines() if not ln.startswith(" ")]) == 2
    assert out.splitlines()[1] == "  new cookie _fbp (127.0.0.1)"


def test_serve_runs_the_schedule_in_process(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("SAMTYCKE_MONITOR", raising=False)
    db = f"sqlite:///{tmp_path / 'ledger.db'}"
    monkeypatch.setenv("SAMTYCKE_SIGNING_KEY", str(tmp_path / "signing.pem"))
    with watched_site(tmp_path) as site:
        config = ServerConfig(declaration=site.declaration, db=db, rate=0)
        with LiveServer(config) as server:
            engine = server.state.ledger.engine
            deadline = time.monotonic() + 240  # a bound on a loaded machine, not a figure
            rows = history.scans(engine, "watched")
            while time.monotonic() < deadline and not (rows and rows[0].status == "done"):
                time.sleep(0.5)
                rows = history.scans(engine, "watched")
    assert [(r.url, r.status, r.pages) for r in rows] == [(site.url, "done", 2)]
