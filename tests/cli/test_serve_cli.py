"""``samtycke serve``: starts from options or environment, refuses bad input in one line."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path

import httpx
import pytest
from click.testing import CliRunner

from samtycke.cli import main
from tests.server.conftest import free_port, write_site
from tests.server.process import ServeProcess


def test_serve_answers_and_stops_on_ctrl_c(tmp_path: Path) -> None:
    decl = write_site(tmp_path, "shop", "shop.example")
    server = ServeProcess(decl, f"sqlite:///{tmp_path / 'l.db'}").start()
    try:
        assert httpx.get(server.url + "/healthz").json()["sites"] == ["shop"]
    finally:
        server.stop()
    assert server.proc is not None and server.proc.returncode == 0


def test_serve_reads_the_environment(tmp_path: Path) -> None:
    decl = write_site(tmp_path, "shop", "shop.example")
    port = free_port()
    env = {
        **os.environ,
        "SAMTYCKE_DECLARATION": str(decl),
        "SAMTYCKE_DB": f"sqlite:///{tmp_path / 'env.db'}",
        "SAMTYCKE_PORT": str(port),
        "SAMTYCKE_PUBLIC_URL": "https://consent.shop.example",
    }
    proc = subprocess.Popen(
        [sys.executable, "-m", "samtycke", "serve"], env=env, stderr=subprocess.PIPE
    )
    try:
        cfg = wait_for_json(f"http://127.0.0.1:{port}/v1/sites/shop", proc)
        assert cfg["endpoint"] == "https://consent.shop.example/v1/consents"
        assert (tmp_path / "env.db").exists()
    finally:
        proc.terminate()
        proc.wait(timeout=20)
        assert proc.stderr is not None
        assert "serving on http://127.0.0.1:" in proc.stderr.read().decode()


def wait_for_json(url: str, proc: subprocess.Popen[bytes]) -> dict[str, object]:
    """GET ``url`` once the server listens (fail if it exits first)."""
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline and proc.poll() is None:
        try:
            data: dict[str, object] = httpx.get(url).json()
            return data
        except httpx.HTTPError:
            time.sleep(0.1)
    pytest.fail(f"the server did not answer {url}")


@pytest.mark.parametrize(
    ("args", "code", "message"),
    [
        (["--declaration", "/nonexistent.toml"], 2, "no such file"),
        (["--db", "mysql://x/y"], 2, "not supported"),
        (["--db", "postgresql://nobody@127.0.0.1:1/x"], 2, "cannot open the ledger"),
        (["--rate-limit", "fast"], 2, "not RATE/s,BURST"),
        (["--port", "99999"], 2, "99999"),
    ],
)
def test_bad_input_is_one_line_and_an_exit_code(
    tmp_path: Path, args: list[str], code: int, message: str
) -> None:
    decl = write_site(tmp_path, "shop", "shop.example")
    base = ["serve", "--declaration", str(decl), "--db", f"sqlite:///{tmp_path / 'l.db'}"]
    result = CliRunner().invoke(main, base + args, env={"SAMTYCKE_DECLARATION": ""})
    assert result.exit_code == code
    assert message in result.stderr
    assert "Traceback" not in result.stderr


def test_an_invalid_declaration_exits_1(tmp_path: Path) -> None:
    bad = tmp_path / "samtycke.toml"
    bad.write_text('[site]\nid = "Bad Id"\n', encoding="utf-8")
    result = CliRunner().invoke(main, ["serve", "--declaration", str(bad)])
    assert result.exit_code == 1 and "samtycke.toml:" in result.stderr


@pytest.mark.parametrize(
    ("env", "message"),
    [
        ({"SAMTYCKE_MONITOR": "amqp://guest@127.0.0.1/"}, "SAMTYCKE_MONITOR has value"),
        ({"SAMTYCKE_SMTP_HOST": "mail.example", "SAMTYCKE_SMTP_PORT": "x"}, "SAMTYCKE_SMTP_PORT"),
    ],
)
def test_a_bad_monitor_setting_stops_serve_in_one_line(
    tmp_path: Path, env: dict[str, str], message: str
) -> None:
    decl = write_site(tmp_path, "shop", "shop.example")
    args = ["serve", "--declaration", str(decl), "--db", f"sqlite:///{tmp_path / 'l.db'}"]
    result = CliRunner().invoke(main, args, env=env)
    assert result.exit_code == 2
    assert result.stderr.startswith("samtycke: ") and message in result.stderr
    assert "Traceback" not in result.stderr
