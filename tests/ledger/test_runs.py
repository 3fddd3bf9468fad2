"""``ledger verify`` and ``ledger anchor`` record when they ran, ok or not."""

from __future__ import annotations

from pathlib import Path

from click.testing import CliRunner
from sqlalchemy import update

from samtycke.cli import main
from samtycke.ledger import Ledger, schema
from samtycke.ledger.runs import last_runs, record_run
from tests.ledger.conftest import decision, open_ledger


def test_verify_and_anchor_record_their_runs(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'ledger.db'}"
    with open_ledger(url) as led:
        led.append([decision(i) for i in range(3)])
    runner = CliRunner()
    assert runner.invoke(main, ["ledger", "verify", "--db", url]).exit_code == 0
    key = str(tmp_path / "key.pem")
    args = ["ledger", "anchor", "--db", url, "--out", str(tmp_path / "a"), "--key", key]
    assert runner.invoke(main, args).exit_code == 0
    with Ledger(url) as led:
        runs = last_runs(led.engine)
        assert runs["verify"].ok and runs["verify"].detail == "3 records, head seq 3"
        assert runs["anchor"].ok and runs["anchor"].detail.startswith("seq 3 hash ")
        with led.engine.begin() as conn:  # tamper: the next verify fails, and says so
            conn.execute(
                update(schema.records).where(schema.records.c.seq == 2).values(language="en")
            )
    assert runner.invoke(main, ["ledger", "verify", "--db", url]).exit_code == 1
    with Ledger(url) as led:
        failed = last_runs(led.engine)["verify"]
        assert not failed.ok and "record 2" in failed.detail


def test_a_database_that_refuses_the_write_records_nothing_and_fails_nothing(
    tmp_path: Path,
) -> None:
    url = f"sqlite:///{tmp_path / 'ledger.db'}"
    with open_ledger(url) as led:
        with led.engine.begin() as conn:
            conn.exec_driver_sql("DROP TABLE console_runs")
        assert record_run(led.engine, "verify", True, "x") is False


def test_an_anchor_that_fails_is_recorded_as_failed(tmp_path: Path) -> None:
    from tests.server.conftest import free_port

    url = f"sqlite:///{tmp_path / 'ledger.db'}"
    with open_ledger(url) as led:
        led.append([decision(0)])
    runner = CliRunner()
    key = str(tmp_path / "key.pem")
    anchor = ["ledger", "anchor", "--db", url, "--key", key, "--out"]
    assert runner.invoke(main, [*anchor, str(tmp_path / "anchors")]).exit_code == 0
    blocked = tmp_path / "a-file"
    blocked.write_text("not a folder\n", encoding="utf-8")
    nobody = f"http://127.0.0.1:{free_port()}/"
    for args, said in (
        ([str(blocked / "anchors")], "cannot write the anchor into"),
        ([str(tmp_path / "anchors"), "--tsa", nobody], "cannot reach the time-stamp authority"),
    ):
        result = runner.invoke(main, anchor + args)
        assert result.exit_code == 2 and said in result.stderr
        with Ledger(url) as led:
            run = last_runs(led.engine)["anchor"]
        assert not run.ok and said in run.detail  # the console shows FAILED, not the last success
