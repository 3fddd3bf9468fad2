"""Smoke test of an installed samtycke: what a new user runs first, from the wheel.

Run by scripts/smoke with the Python of a fresh virtualenv that holds only the
wheel and the extras a step needs (``--step core``: check, policy, build;
``--step server``: serve with one consent POST found in the ledger, and the demo).
It uses nothing but the standard library and the ``samtycke`` command beside it.
Every server it starts listens on 127.0.0.1, is polled a bounded number of times
and is stopped before the step ends.
"""

from __future__ import annotations

import argparse
import json
import os
import secrets
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

BIN = Path(sys.executable).parent
DECLARATION = """\
[site]
id = "smoke"
name = "Smoke test shop"
domains = ["shop.example"]
languages = ["en", "sv"]
controller = "Smoke AB"
contact = "privacy@shop.example"
revision = 1

[[services]]
id = "stats"
name = "Stats"
provider = "Smoke AB"
category = "analytics"

[[cookies]]
name = "_stats"
service = "stats"
expires = "1 year"
purpose = { en = "Counts visits.", sv = "Räknar besök." }
"""


def run(*args: str) -> str:
    """``samtycke ARGS``; its standard output, or exit with what it printed."""
    proc = subprocess.run([str(BIN / "samtycke"), *args], capture_output=True, text=True)
    if proc.returncode != 0:
        sys.exit(f"smoke: samtycke {' '.join(args)} exited {proc.returncode}: {proc.stderr}")
    return proc.stdout


def free_port() -> int:
    """A port nothing listens on right now."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def request(url: str, body: object | None = None, origin: str | None = None) -> tuple[int, bytes]:
    """One HTTP request: (status, body); connection errors raise OSError."""
    data = None if body is None else json.dumps(body).encode()
    req = urllib.request.Request(url, data=data, method="GET" if body is None else "POST")
    if data is not None:
        req.add_header("Content-Type", "application/json")
    if origin:
        req.add_header("Origin", origin)
    try:
        with urllib.request.urlopen(req, timeout=10) as resp:
            return resp.status, resp.read()
    except urllib.error.HTTPError as err:
        return err.code, err.read()


@contextmanager
def server(args: list[str], url: str) -> Iterator[None]:
    """``samtycke ARGS`` running until the block ends; waits until /healthz answers."""
    proc = subprocess.Popen([str(BIN / "samtycke"), *args], start_new_session=True)
    try:
        for _ in range(300):  # bounded: 300 polls, 0.1 s apart
            if proc.poll() is not None:
                sys.exit(f"smoke: samtycke {args[0]} exited {proc.returncode} before answering")
            try:
                if request(url + "/healthz")[0] == 200:
                    break
            except OSError:
                time.sleep(0.1)
        else:
            sys.exit(f"smoke: samtycke {args[0]} never answered /healthz")
        yield
    finally:
        if proc.poll() is None:
            os.killpg(proc.pid, signal.SIGINT)
            try:
                proc.wait(timeout=20)
            except subprocess.TimeoutExpired:
                os.killpg(proc.pid, signal.SIGKILL)
                proc.wait()


def core(tmp: Path) -> None:
    """check, policy and build with the base install (no extras)."""
    decl = tmp / "samtycke.toml"
    decl.write_text(DECLARATION, encoding="utf-8")
    run("check", str(decl))
    page = run("policy", str(decl), "--lang", "sv")
    assert "_stats" in page and "Räknar besök." in page, "the policy page lacks the cookie"
    run("build", str(decl), "--out", str(tmp / "site"), "--endpoint", "/v1/consents")
    engine = (tmp / "site" / "samtycke.js").read_text(encoding="utf-8")
    assert "samtyckeConfig" in engine, "samtycke.js holds no banner config"
    assert (tmp / "site" / "cookies" / "en.html").is_file(), "no English policy page"
    print("smoke core: check, policy, build ok")


def served(tmp: Path) -> None:
    """serve, one consent POST that the ledger then holds; the demo answers its home page."""
    decl = tmp / "samtycke.toml"
    decl.write_text(DECLARATION, encoding="utf-8")
    db = f"sqlite:///{tmp / 'ledger.db'}"
    port = free_port()
    url = f"http://127.0.0.1:{port}"
    with server(["serve", "-d", str(decl), "--db", db, "--port", str(port)], url):
        status, raw = request(url + "/v1/sites/smoke")
        assert status == 200, f"GET /v1/sites/smoke answered {status}"
        config = json.loads(raw)
        body = {
            "site": "smoke",
            "consent_id": secrets.token_hex(16),
            "revision": config["revision"],
            "fingerprint": config["fingerprint"],
            "language": "en",
            "method": "accept-all",
            "choices": {"necessary": True, "analytics": True},
            "url": "https://shop.example/",
        }
        status, raw = request(url + "/v1/consents", body, origin="https://shop.example")
        assert status == 201, f"the consent POST answered {status}: {raw!r}"
        receipt = json.loads(raw)
    exported = run("ledger", "export", "--db", db, "--format", "jsonl")
    assert receipt["record_id"] in exported, "the ledger does not hold the decision"
    run("ledger", "verify", "--db", db)
    port = free_port()
    url = f"http://127.0.0.1:{port}"
    demo_db = tmp / "demo" / "ledger.db"
    with server(["demo", "--port", str(port), "--db", str(demo_db)], url):
        status, raw = request(url + "/")
        assert status == 200 and b"samtycke.js" in raw, f"the demo home page answered {status}"
    print("smoke server: serve + consent POST in the ledger, demo ok")


def main() -> None:
    """Run one step in a temporary folder."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--step", choices=["core", "server"], required=True)
    step = parser.parse_args().step
    with tempfile.TemporaryDirectory(prefix="samtycke-smoke-") as tmp:
        (core if step == "core" else served)(Path(tmp))


if __name__ == "__main__":
    main()
