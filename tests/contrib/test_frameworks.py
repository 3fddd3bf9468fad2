"""The framework snippets of docs/frameworks.md, run exactly as printed.

Each snippet is written to a folder with a declaration, started as its own
server process (runserver, flask run, uvicorn) on localhost, and visited by
Chromium: the banner comes from the app, the click is recorded in the app's
ledger, the analytics cookie appears only after consent, the policy page answers.
"""

from __future__ import annotations

import os
import re
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest

from samtycke.consent import decode_consent_cookie
from samtycke.ledger import Ledger, verify_chain
from tests import web
from tests.server.conftest import free_port

DOC = Path(__file__).resolve().parents[2] / "docs" / "frameworks.md"
ACCEPT = "[data-samtycke-action=accept-all]"
DECLARATION = """\
[site]
id = "shop"
name = "Shop"
controller = "Shop AB"
contact = "privacy@shop.example"
domains = ["localhost"]
languages = ["en", "sv"]
revision = 1

[[services]]
id = "google-analytics"
name = "Google Analytics"
provider = "Google"
category = "analytics"

[[cookies]]
name = "_ga"
service = "google-analytics"
expires = "2 years"
purpose = { en = "Tells visitors apart.", sv = "Skiljer besökare åt." }
"""


def snippet(section: str) -> str:
    """The Python block under ``## section`` in docs/frameworks.md."""
    text = DOC.read_text(encoding="utf-8")
    start = text.index(f"\n## {section}\n")
    end = text.find("\n## ", start + 1)
    blocks = re.findall(r"```python\n(.*?)```", text[start : end if end > 0 else None], re.S)
    assert len(blocks) == 1, f"## {section} should hold exactly one python block"
    return str(blocks[0])


COMMANDS = {
    "Django": lambda port: ["app.py", "runserver", f"127.0.0.1:{port}", "--noreload"],
    "Flask": lambda port: ["-m", "flask", "--app", "app", "run", "--port", str(port)],
    "FastAPI / Starlette": lambda port: ["-m", "uvicorn", "app:app", "--port", str(port)],
}


class App:
    """One snippet running as a server process in ``folder``."""

    def __init__(self, section: str, folder: Path, declaration: str = DECLARATION) -> None:
        (folder / "app.py").write_text(snippet(section), encoding="utf-8")
        (folder / "samtycke.toml").write_text(declaration, encoding="utf-8")
        self.folder = folder
        self.port = free_port()
        self.url = f"http://localhost:{self.port}"
        self.log = folder / "server.log"
        with self.log.open("wb") as log:
            self.proc = subprocess.Popen(
                [sys.executable, *COMMANDS[section](self.port)],
                cwd=folder,
                stdout=log,
                stderr=subprocess.STDOUT,
                start_new_session=True,
                env={**os.environ, "PYTHONUNBUFFERED": "1"},
            )

    def wait_ready(self) -> None:
        """Poll the policy page until it answers (a bounded number of tries)."""
        for _ in range(300):
            if self.proc.poll() is not None:
                raise AssertionError(f"the app exited {self.proc.returncode}:\n{self.output()}")
            try:
                if web.get(self.url + "/samtycke/cookies/en", timeout=2).status_code == 200:
                    return
            except httpx.HTTPError:
                time.sleep(0.1)
        raise AssertionError(f"the app never answered:\n{self.output()}")

    def output(self) -> str:
        """What the server printed so far."""
        return self.log.read_text(encoding="utf-8", errors="replace")

    def stop(self) -> None:
        """Ctrl-C, as a developer stops it (the ledger is flushed and closed)."""
        if self.proc.poll() is None:
            os.killpg(self.proc.pid, signal.SIGINT)
            try:
                self.proc.wait(timeout=20)
            except subprocess.TimeoutExpired:
                os.killpg(self.proc.pid, signal.SIGKILL)
                self.proc.wait()


@pytest.fixture
def running(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[App]:
    """The snippet named by the test's parameter, up and answering."""
    app = App(request.param, tmp_path)
    try:
        app.wait_ready()
        yield app
    finally:
        app.stop()


def cookie(page: Any, name: str) -> str | None:
    """The value of cookie ``name`` in the page's browser context."""
    return next((c["value"] for c in page.context.cookies() if c["name"] == name), None)


@pytest.mark.parametrize("running", list(COMMANDS), indirect=True)
def test_the_snippet_does_the_whole_job(running: App, page: Any) -> None:
    page.goto(running.url + "/")
    assert page.locator("script[src='/samtycke/samtycke.js']").count() == 1  # one banner
    assert cookie(page, "_ga") is None  # no consent yet: the app's cookie was stripped
    with page.expect_response("**/samtycke/v1/consents") as answer:
        page.click(ACCEPT)
    assert answer.value.status == 201
    page.reload()
    assert cookie(page, "_ga") == "GA1.1.1.1"  # allowed now
    page.goto(running.url + "/samtycke/cookies")
    assert page.url == running.url + "/samtycke/cookies/en"
    assert page.locator("text=_ga").count() >= 1
    state = decode_consent_cookie(cookie(page, "samtycke") or "")
    assert state is not None
    running.stop()

    with Ledger(f"sqlite:///{running.folder / 'samtycke-ledger.db'}", create=False) as led:
        verify_chain(led)
        (record,) = [r for r in led.iter_records() if r.decision.consent_id == state.consent_id]
    assert record.decision.method == "accept-all"
    assert record.decision.choices["analytics"] is True
    assert record.decision.url == running.url + "/"
