"""``samtycke monitor`` without a browser: history, and every input mistake as one line."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from samtycke.cli import main
from samtycke.ledger import Ledger
from samtycke.monitor import history

DECL = """\
[site]
id = "shop"
name = "Shop"
controller = "Shop AB"
contact = "privacy@shop.example"
domains = ["shop.example"]
languages = ["en"]

[monitor]
every = "1 week"
"""


@pytest.fixture
def db(tmp_path: Path) -> str:
    """A migrated ledger with two scans of shop: one done with news, one failed."""
    url = f"sqlite:///{tmp_path / 'ledger.db'}"
    with Ledger(url, migrate=True) as led:
        done = history.claim(led.engine, "shop", "https://shop.example/", 1)
        failed = history.claim(led.engine, "shop", "https://shop.example/", 2)
        assert done is not None and failed is not None
        report = {"schema": 2, "pages": ["https://shop.example/"], "cookies": [], "violations": []}
        history.finish(led.engine, done, report, [{"name": "_fbp", "domain": "shop.example"}], [])
        history.fail(led.engine, failed, "cannot reach https://shop.example/: refused")
    return url


def run(*args: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(main, list(args))
    return result.exit_code, result.stdout, result.stderr


def test_history_lists_the_scans_with_their_news(db: str) -> None:
    code, out, _ = run("monitor", "history", "shop", "--db", db)
    assert code == 0
    lines = out.splitlines()
    assert "https://shop.example/: failed: cannot reach https://shop.example/: refused" in lines[0]
    assert "1 page, 0 cookies, 0 violations (1 new cookie, 0 new violations)" in lines[1]
    assert lines[2] == "  new cookie _fbp (shop.example)"


def test_history_as_json_and_one_report(db: str) -> None:
    code, out, _ = run("monitor", "history", "shop", "--db", db, "--format", "json")
    scans = json.loads(out)
    assert code == 0 and [s["status"] for s in scans] == ["failed", "done"]
    code, out, _ = run("monitor", "history", "shop", "--db", db, "--scan", scans[1]["id"])
    assert code == 0 and json.loads(out)["schema"] == 2
    code, _, err = run("monitor", "history", "blog", "--db", db, "--scan", scans[1]["id"])
    assert (
        code == 2
        and err == f"samtycke: site 'blog' has no stored report with id '{scans[1]['id']}'\n"
    )


def test_a_site_never_scanned_has_no_history(db: str) -> None:
    assert run("monitor", "history", "blog", "--db", db)[:2] == (0, "blog: no scans yet\n")


def test_scan_now_of_a_site_that_is_not_monitored(db: str, tmp_path: Path) -> None:
    decl = tmp_path / "shop.toml"
    decl.write_text(DECL, encoding="utf-8")
    code, _, err = run("monitor", "scan-now", "blog", "-d", str(decl), "--db", db)
    assert (code, err) == (2, "samtycke: site 'blog' is not monitored (monitored: shop)\n")


def test_an_invalid_monitor_table_is_file_and_line(db: str, tmp_path: Path) -> None:
    decl = tmp_path / "shop.toml"
    decl.write_text(DECL.replace('every = "1 week"', 'every = "weekly"'), encoding="utf-8")
    code, _, err = run("monitor", "run", "--once", "-d", str(decl), "--db", db)
    assert code == 1
    assert err.startswith(
        f"{decl}:10: [monitor]: every 'weekly' is not a duration (try \"6 hours\""
    )
    assert err.endswith(f"{decl}: invalid (1 error)\n")


def test_a_ledger_that_is_not_migrated_says_how(tmp_path: Path) -> None:
    decl = tmp_path / "shop.toml"
    decl.write_text(DECL, encoding="utf-8")
    missing = f"sqlite:///{tmp_path / 'none.db'}"
    code, _, err = run("monitor", "history", "shop", "--db", missing)
    assert code == 2 and err.startswith("samtycke: no ledger at ")


def test_a_worker_without_a_reachable_broker(db: str) -> None:
    code, _, err = run("monitor", "worker", "--broker", "redis://127.0.0.1:1/0", "--db", db)
    assert code == 2 and err.startswith(
        "samtycke: cannot reach the broker at redis://127.0.0.1:1/0"
    )
