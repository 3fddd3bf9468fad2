"""``samtycke ledger export|verify|purge|stats`` with their exit codes."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from samtycke.cli import main
from samtycke.ledger import Ledger
from samtycke.ledger.retention import DAY_US
from samtycke.ledger.store import now_us
from tests.ledger.conftest import decision, open_ledger
from tests.ledger.test_chain import alter


@pytest.fixture
def db(tmp_path: Path) -> str:
    """A ledger with 6 records: 3 from ten days ago, 3 from today."""
    url = f"sqlite:///{tmp_path / 'ledger.db'}"
    with open_ledger(url) as led:
        led.append([decision(i) for i in range(3)], at_us=now_us() - 10 * DAY_US)
        every = {"necessary": True, "analytics": True, "marketing": True}
        led.append([decision(i, method="accept-all", choices=every) for i in range(3, 6)])
    return url


def run(*args: str) -> tuple[int, str, str]:
    """Run the CLI; (exit code, stdout, stderr)."""
    result = CliRunner().invoke(main, list(args))
    return result.exit_code, result.stdout, result.stderr


def test_verify_ok_then_names_the_altered_record(db: str) -> None:
    code, out, _ = run("ledger", "verify", "--db", db)
    assert code == 0 and "ok: 6 records verified" in out
    with Ledger(db) as led:
        alter(led, 5, "url", "'https://forged.example/'")
    code, _, err = run("ledger", "verify", "--db", db)
    assert code == 1
    assert err.startswith("samtycke: record 5 (id ") and "altered" in err
    assert len(err.strip().splitlines()) == 1


def test_export_jsonl_and_csv_with_dates(db: str, tmp_path: Path) -> None:
    code, out, err = run("ledger", "export", "--db", db, "--format", "jsonl")
    assert code == 0 and len(out.splitlines()) == 6 and "exported 6 records" in err
    assert json.loads(out.splitlines()[0])["seq"] == 1
    target = tmp_path / "out.csv"
    today = out.splitlines()[-1]
    day = json.loads(today)["recorded_at"][:10]
    code, _, _ = run(
        "ledger", "export", "--db", db, "--format", "csv", "--since", day, "-o", str(target)
    )
    assert code == 0
    lines = target.read_text().splitlines()
    assert lines[0].startswith("seq,record_id") and len(lines) == 4
    code, out, _ = run("ledger", "export", "--db", db, "--format", "jsonl", "--until", day)
    assert code == 0 and len(out.splitlines()) == 6  # --until a date includes that day


def test_purge_keeps_the_chain_verifiable(db: str) -> None:
    code, out, _ = run("ledger", "purge", "--db", db, "--older-than", "5")
    assert code == 0 and "purged 3 records" in out
    code, out, _ = run("ledger", "verify", "--db", db)
    assert code == 0 and "3 records verified (after the purge at seq 7)" in out


def test_stats_prints_a_table(db: str) -> None:
    code, out, _ = run("ledger", "stats", "--db", db)
    assert code == 0
    rows = [line for line in out.splitlines() if "shop" in line]
    assert "analytics" in out and "marketing" in out and len(rows) == 2
    assert rows[0].split("│")[3:6] == [" 3 ".rjust(11), " 67% ".rjust(11), " 33% ".rjust(11)]
    assert rows[1].split("│")[3:6] == [" 3 ".rjust(11), " 100% ".rjust(11), " 100% ".rjust(11)]


@pytest.mark.parametrize(
    "args",
    [
        ("ledger", "verify", "--db", "mysql://x/y"),
        ("ledger", "stats", "--db", "sqlite:////nonexistent/dir/l.db"),
        ("ledger", "export", "--db", "sqlite:////nonexistent/l.db", "--format", "csv"),
        ("ledger", "purge", "--db", "postgresql://nobody@127.0.0.1:1/x", "--older-than", "3"),
    ],
)
def test_unusable_databases_exit_2_with_one_line(args: tuple[str, ...]) -> None:
    code, _, err = run(*args)
    assert code == 2
    assert err.startswith("samtycke: ") and len(err.strip().splitlines()) == 1


def test_bad_options_exit_2(db: str) -> None:
    assert run("ledger", "export", "--db", db, "--format", "xml")[0] == 2
    assert run("ledger", "purge", "--db", db, "--older-than", "-1")[0] == 2
    assert run("ledger", "export", "--db", db, "--format", "csv", "--since", "yesterday")[0] == 2


def test_export_file_appears_whole_or_not_at_all(db: str, tmp_path: Path) -> None:
    code, _, err = run(
        "ledger", "export", "--db", db, "--format", "csv", "-o", str(tmp_path / "no" / "x.csv")
    )
    assert code == 2 and "cannot write" in err
    target = tmp_path / "keep.csv"
    target.write_text("old\n")
    missing = f"sqlite:///{tmp_path / 'missing.db'}"
    code, _, _ = run("ledger", "export", "--db", missing, "--format", "csv", "-o", str(target))
    assert code == 2
    assert target.read_text() == "old\n"
    assert not [p for p in tmp_path.iterdir() if p.name.endswith(".tmp")]
    code, _, _ = run("ledger", "export", "--db", db, "--format", "csv", "-o", str(target))
    assert code == 0 and target.read_text().startswith("seq,record_id")
    assert not [p for p in tmp_path.iterdir() if p.name.endswith(".tmp")]
