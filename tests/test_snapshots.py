"""Snapshots registered by build and serve; content changed without a raised revision."""

from __future__ import annotations

import logging
from pathlib import Path

import pytest
from click.testing import CliRunner

from samtycke.cli import main
from samtycke.declaration import fingerprint, load_declaration
from samtycke.ledger import Ledger
from samtycke.server import ServerConfig
from samtycke.snapshots import register_snapshot, revision_drift
from tests import web
from tests.server.conftest import LiveServer, db_url, write_site

__all__ = ["db_url"]

TIKTOK = """
[[services]]
id = "tiktok"
name = "TikTok pixel"
provider = "TikTok"
category = "marketing"

[[cookies]]
name = "_ttp"
service = "tiktok"
expires = "1 year"
purpose = { en = "Ads.", sv = "Annonser." }
"""


def with_tiktok(path: Path) -> Path:
    """The same site at the same revision, with one more vendor."""
    out = path.with_name("changed.toml")
    out.write_text(path.read_text(encoding="utf-8") + TIKTOK, encoding="utf-8")
    return out


def test_drift_is_named_and_registering_is_once(tmp_path: Path, db_url: str) -> None:
    before = load_declaration(write_site(tmp_path, "shop", "shop.example"))
    after = load_declaration(with_tiktok(before.path))  # type: ignore[arg-type]
    ledger = Ledger(db_url, migrate=True)
    try:
        assert register_snapshot(ledger, before) is True
        assert register_snapshot(ledger, before) is False
        assert revision_drift(ledger, before) is None
        drift = revision_drift(ledger, after)
        assert drift is not None
        assert "content changed" in drift and "revision is still 1" in drift
        assert fingerprint(after)[:12] in drift and fingerprint(before)[:12] in drift
    finally:
        ledger.close()


def test_build_registers_and_check_warns(tmp_path: Path) -> None:
    db = f"sqlite:///{tmp_path / 'l.db'}"
    Ledger(db, migrate=True).close()  # the ledger exists (serve or ledger migrate made it)
    first = write_site(tmp_path, "shop", "shop.example")
    run = CliRunner().invoke(main, ["build", str(first), "-o", str(tmp_path / "out"), "--db", db])
    assert run.exit_code == 0, run.output
    assert "registered the snapshot of site 'shop'" in run.output
    changed = with_tiktok(first)
    run = CliRunner().invoke(main, ["check", str(changed), "--db", db])
    assert run.exit_code == 0, run.output
    assert "warning: site 'shop': the consent-relevant content changed" in run.output
    assert "raise revision to 2" in run.output
    run = CliRunner().invoke(main, ["check", str(first), "--db", db])
    assert run.exit_code == 0 and "content changed" not in run.output


def test_build_with_a_missing_ledger_is_one_line_exit_2(tmp_path: Path) -> None:
    decl = write_site(tmp_path, "shop", "shop.example")
    db = f"sqlite:///{tmp_path / 'none.db'}"
    run = CliRunner().invoke(main, ["build", str(decl), "-o", str(tmp_path / "out"), "--db", db])
    assert run.exit_code == 2
    assert "no ledger" in run.output and "Traceback" not in run.output
    assert not (tmp_path / "out").exists()


def test_a_stale_and_a_newer_banner_are_both_recorded(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    db = f"sqlite:///{tmp_path / 'l.db'}"
    old = write_site(tmp_path / "old", "shop", "shop.example")
    new = with_tiktok(old)
    with LiveServer(ServerConfig(declaration=old, db=db, rate=0, burst=0)):
        pass  # the old version was served once, so the ledger holds it
    server = LiveServer(ServerConfig(declaration=new, db=db, rate=0, burst=0))
    with caplog.at_level(logging.WARNING, logger="samtycke.server"), server:
        assert any("content changed" in r.getMessage() for r in caplog.records)
        # A banner built before the change still gets its decision recorded.
        stale = fingerprint(load_declaration(old))
        body = {
            "site": "shop",
            "revision": 1,
            "fingerprint": stale,
            "language": "en",
            "method": "reject-all",
            "choices": {"necessary": True, "functional": False, "analytics": False},
        }
        body["choices"]["marketing"] = False
        assert web.post(server.url + "/v1/consents", json=body).status_code == 201
        # A build registered while this server runs is accepted at once.
        newest = tmp_path / "newest.toml"
        newest.write_text(new.read_text().replace('name = "Shop shop"', 'name = "Shop!"'))
        out = tmp_path / "out"
        run = CliRunner().invoke(main, ["build", str(newest), "-o", str(out), "--db", db])
        assert run.exit_code == 0, run.output
        body["fingerprint"] = fingerprint(load_declaration(newest))
        assert web.post(server.url + "/v1/consents", json=body).status_code == 201
