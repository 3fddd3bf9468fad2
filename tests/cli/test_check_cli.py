"""`samtycke check` and the command's global behaviour, run as a real subprocess."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from click.testing import CliRunner

from samtycke import __version__
from samtycke.cli import main
from tests.imports import loaded_after

GOOD = """\
[site]
id = "acme"
name = "Acme"
controller = "Acme AB"
contact = "privacy@acme.example"
domains = ["acme.example"]
languages = ["en", "sv"]

[[cookies]]
name = "csrftoken"
category = "necessary"
expires = "1 year"
purpose = { en = "Protects forms." }
"""


def run(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "samtycke.cli", *args], capture_output=True, text=True, check=False
    )


def test_valid_file_exits_0_and_prints_warnings(tmp_path: Path) -> None:
    p = tmp_path / "samtycke.toml"
    p.write_text(GOOD, encoding="utf-8")
    result = run("check", str(p))
    assert result.returncode == 0, result.stderr
    assert f"{p}:13: warning: cookie 'csrftoken': purpose has no text in sv" in result.stderr
    assert "valid — 1 cookies" in result.stdout


def test_invalid_file_exits_1_with_one_line_per_problem(tmp_path: Path) -> None:
    p = tmp_path / "samtycke.toml"
    p.write_text(
        GOOD.replace('"1 year"', '"1 yeer"').replace('"necessary"', '"necesary"'), encoding="utf-8"
    )
    result = run("check", str(p))
    assert result.returncode == 1
    lines = result.stderr.strip().splitlines()
    assert lines == [
        f"{p}:11: cookie 'csrftoken': unknown category \"necesary\" (did you mean 'necessary'?) (known: necessary, functional, analytics, marketing)",
        f'{p}:12: cookie \'csrftoken\': expires \'1 yeer\' is not a duration (try "1 year", "session" or "persistent")',
        f"{p}:13: warning: cookie 'csrftoken': purpose has no text in sv; the 'en' text is shown instead",
        f"{p}: invalid (2 errors, 1 warning)",
    ]
    assert "Traceback" not in result.stderr


def test_missing_file_exits_2_with_one_line(tmp_path: Path) -> None:
    result = run("check", str(tmp_path / "nope.toml"))
    assert result.returncode == 2
    assert (
        result.stderr.strip()
        == f"samtycke: {tmp_path / 'nope.toml'}: no such file (give the path of a samtycke.toml)"
    )


def test_usage_errors_exit_2() -> None:
    assert run("check").returncode == 2
    assert run("frobnicate").returncode == 2


def test_version() -> None:
    result = CliRunner().invoke(main, ["--version"])
    assert result.exit_code == 0
    assert result.output.strip() == f"samtycke, version {__version__}"


def test_the_command_group_loads_only_the_command_it_runs() -> None:
    # Every `samtycke` run and every subprocess a test starts pays for this.
    loaded = loaded_after("from samtycke.cli import main")
    heavy = {"sqlalchemy", "starlette", "pydantic", "samtycke.declaration", "importlib.metadata"}
    assert not {m for m in loaded if m in heavy or m.split(".")[0] in heavy}
