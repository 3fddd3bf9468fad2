"""Hostile input to the CLI: one line and a documented exit code, never a traceback or a hang."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from samtycke.declaration.loader import MAX_DECLARATION_BYTES

BOUND = 60  # seconds: the most a refused command may take before the test calls it a hang


def run(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "samtycke", *args], capture_output=True, text=True, timeout=BOUND
    )


def one_line(result: subprocess.CompletedProcess[str]) -> str:
    assert "Traceback" not in result.stderr
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    return lines[0]


@pytest.mark.parametrize("open_", ["[", "{ b = "])
def test_3000_deep_toml_is_one_problem_and_exit_1(tmp_path: Path, open_: str) -> None:
    close = "]" if open_ == "[" else "}"
    p = tmp_path / "deep.toml"
    p.write_text("[site]\nid = " + open_ * 3000 + "1" + close * 3000 + "\n", encoding="utf-8")
    result = run("check", str(p))
    assert result.returncode == 1
    lines = result.stderr.strip().splitlines()
    assert (
        lines[0]
        == f"{p}:1: TOML nested too deep (arrays or inline tables inside each other thousands of times)"
    )
    assert "Traceback" not in result.stderr


def test_check_dev_zero_is_refused_without_reading_it() -> None:
    result = run("check", "/dev/zero")
    assert result.returncode == 2
    assert "not a regular file" in one_line(result)


def test_check_on_a_fifo_is_refused_instead_of_hanging(tmp_path: Path) -> None:
    fifo = tmp_path / "samtycke.toml"
    os.mkfifo(fifo)
    result = run("check", str(fifo))
    assert result.returncode == 2
    assert "not a regular file" in one_line(result)


def test_a_huge_file_is_refused(tmp_path: Path) -> None:
    p = tmp_path / "big.toml"
    with p.open("wb") as fh:
        fh.write(b"# " + b"x" * (MAX_DECLARATION_BYTES + 10) + b"\n")
    for command in (["check", str(p)], ["policy", str(p)]):
        result = run(*command)
        assert result.returncode == 2
        assert "larger than" in one_line(result)


def test_serve_refuses_a_fifo_declaration(tmp_path: Path) -> None:
    fifo = tmp_path / "samtycke.toml"
    os.mkfifo(fifo)
    result = run("serve", "-d", str(fifo), "--db", f"sqlite:///{tmp_path / 'l.db'}", "--port", "0")
    assert result.returncode == 2
    assert "not a regular file" in one_line(result)
