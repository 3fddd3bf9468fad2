"""``samtycke serve``: starts from options or environment, refuses bad input in one line."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

from samtycke.cli import main
from tests import web
from tests.imports import loaded_after
from tests.server.conftest import free_port, write_site

BOUND = 20.0  # an upper bound on a loopback answer, never a measured time


def test_serve_from_its_environment_announces_once_it_answers_and_stops_on_ctrl_c(
    tmp_path: Path,
) -> None:
    # One real process for its whole life, as an operator meets it: every setting
    # from SAMTYCKE_*, "serving on" only once it answers, Ctrl-C a clean exit 0.
    decl = write_site(tmp_path, "shop", "shop.example")
    port = free_port()
    env = {
        **os.environ,
        "SAMTYCKE_DECLARATION": str(decl),
        "SAMTYCKE_DB": f"sqlite:///{tmp_path / 'env.db'}",
        "SAMTYCKE_PORT": str(port),
        "SAMTYCKE_PUBLIC_URL": "https://consent.shop.example",
        "PYTHONUNBUFFERED": "1",
    }
    proc = subprocess.Popen(
        [sys.executable, "-m", "samtycke", "serve"],
        env=env,
        stderr=subprocess.PIPE,
        text=True,
        start_new_session=True,
    )
    try:
        assert proc.stderr is not None
        announced = proc.stderr.readline()
        assert announced == f"samtycke: serving on http://127.0.0.1:{port}/\n"
        # Asked at once, without a retry: the announcement came after the listener answered.
        base = f"http://127.0.0.1:{port}"
        assert web.get(base + "/healthz", timeout=BOUND).json()["sites"] == ["shop"]
        cfg = web.get(base + "/v1/sites/shop", timeout=BOUND).json()
        assert cfg["endpoint"] == "https://consent.shop.example/v1/consents"
        assert (tmp_path / "env.db").exists()
        os.killpg(proc.pid, signal.SIGINT)
        assert proc.wait(timeout=BOUND) == 0
    finally:
        if proc.poll() is None:
            os.killpg(proc.pid, signal.SIGKILL)
            proc.wait(timeout=BOUND)


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


@pytest.mark.parametrize(
    ("name", "value", "message"),
    [
        ("SAMTYCKE_ANCHORS", "{tmp}/a-file", "SAMTYCKE_ANCHORS: {tmp}/a-file is not a folder"),
        ("SAMTYCKE_ANCHORS", "{tmp}/a-file/anchors", "cannot make the folder"),
        ("SAMTYCKE_TSA", "tsa.example", "SAMTYCKE_TSA has value 'tsa.example'"),
        ("SAMTYCKE_TSA", "ftp://tsa.example/", "scheme 'ftp' is not allowed (give the http://"),
    ],
)
def test_an_anchor_setting_it_cannot_use_stops_serve_in_one_line(
    tmp_path: Path, name: str, value: str, message: str
) -> None:
    # Found at start, not an hour later by the first scheduled anchor.
    decl = write_site(tmp_path, "shop", "shop.example")
    (tmp_path / "a-file").write_text("not a folder\n", encoding="utf-8")
    env = {
        "SAMTYCKE_ANCHORS": str(tmp_path / "anchors"),
        "SAMTYCKE_SIGNING_KEY": str(tmp_path / "key.pem"),
        name: value.format(tmp=tmp_path),
    }
    args = ["serve", "--declaration", str(decl), "--db", f"sqlite:///{tmp_path / 'l.db'}"]
    with socket.create_server(("127.0.0.1", 0)) as taken:  # were it accepted: exit 3, not a hang
        args += ["--port", str(taken.getsockname()[1])]
        result = CliRunner().invoke(main, args, env=env)
    assert result.exit_code == 2, result.stderr
    assert result.stderr.startswith("samtycke: ") and message.format(tmp=tmp_path) in result.stderr
    assert result.stderr.count("\n") == 1 and "Traceback" not in result.stderr


def test_a_replica_with_another_signing_key_stops_serve_in_one_line(tmp_path: Path) -> None:
    from samtycke.ledger import Ledger
    from samtycke.ledger.signing import SigningKey
    from samtycke.server.proof import check_ledger_key

    db = f"sqlite:///{tmp_path / 'l.db'}"
    with Ledger(db, migrate=True) as led:  # another replica's key came first
        check_ledger_key(led.engine, SigningKey.load(tmp_path / "a.pem", create=True).public, ())
    decl = write_site(tmp_path, "shop", "shop.example")
    env = {"SAMTYCKE_SIGNING_KEY": str(tmp_path / "b.pem")}
    with socket.create_server(("127.0.0.1", 0)) as taken:  # were it accepted: exit 3, not a hang
        port = str(taken.getsockname()[1])
        args = ["serve", "--declaration", str(decl), "--db", db, "--port", port]
        result = CliRunner().invoke(main, args, env=env)
    assert result.exit_code == 2, result.stderr
    assert result.stderr.startswith("samtycke: this server's signing key ")
    assert result.stderr.count("\n") == 1 and "Traceback" not in result.stderr


def test_a_setting_it_refuses_stops_it_before_the_server_is_loaded() -> None:
    # An operator's typo is answered in a tenth of a second, not after the
    # whole web stack has been imported.
    loaded = loaded_after(
        "from click.testing import CliRunner\n"
        "from samtycke.cli import main\n"
        "done = CliRunner().invoke(main, ['serve', '--rate-limit', 'fast'])\n"
        "assert done.exit_code == 2 and 'rate' in done.output, done.output"
    )
    assert not {m for m in loaded if m.split(".")[0] in {"starlette", "uvicorn", "sqlalchemy"}}
    assert "samtycke.server.app" not in loaded


def test_every_option_names_its_environment_variable_as_deployment_documents_it() -> None:
    import re

    from samtycke.cli.serve import serve

    table = (Path(__file__).parents[2] / "docs" / "deployment.md").read_text(encoding="utf-8")
    for param in serve.params:
        if param.name == "help":
            continue
        named = re.search(r"Env: (SAMTYCKE_[A-Z_]+)\.", getattr(param, "help", "") or "")
        assert named, f"--{param.name}'s help names no SAMTYCKE_* variable"
        flag = param.opts[0]
        assert f"| `{named[1]}` | `{flag}` |" in table, (named[1], flag)
