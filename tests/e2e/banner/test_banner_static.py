"""A static build (`samtycke build`) works from any folder of a plain file server."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from functools import partial
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from samtycke.cli import main

from .conftest import SITE_TOML

PAGE = """<!doctype html><html lang="sv"><head><meta charset="utf-8"><title>S</title>
<link rel="icon" href="data:,"><script src="/assets/consent/samtycke.js" defer></script>
</head><body><main><h1>S</h1></main></body></html>"""


class _Quiet(SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args: Any) -> None:
        pass


@pytest.fixture
def static_site(tmp_path: Path) -> Iterator[str]:
    toml = tmp_path / "samtycke.toml"
    toml.write_text(SITE_TOML.format(revision=1, gcm="false", purpose="p", extra_site=""), "utf-8")
    www = tmp_path / "www"
    result = CliRunner().invoke(main, ["build", str(toml), "-o", str(www / "assets" / "consent")])
    assert result.exit_code == 0, result.stderr
    (www / "index.html").write_text(PAGE, encoding="utf-8")
    httpd = ThreadingHTTPServer(("127.0.0.1", 0), partial(_Quiet, directory=str(www)))
    threading.Thread(target=httpd.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{httpd.server_address[1]}"
    httpd.shutdown()
    httpd.server_close()


def test_static_build_links_its_own_policy_pages_and_sends_nothing(
    static_site: str, page: Any
) -> None:
    requests: list[str] = []
    page.on("request", lambda r: requests.append(f"{r.method} {r.url[len(static_site) :]}"))
    page.goto(static_site + "/")
    link = page.locator(".stk-b a").last
    assert link.get_attribute("href") == static_site + "/assets/consent/cookies/sv.html"
    with page.expect_navigation():
        link.click()
    assert page.evaluate("document.documentElement.lang") == "sv"
    page.go_back()
    page.click("[data-samtycke-action=reject-all]")
    assert page.evaluate("samtycke.consent.method") == "reject-all"
    # The policy page loads the same samtycke.js, so its settings button works there too.
    assert [r for r in requests if not r.startswith("GET /assets/consent/cookies/")] == [
        "GET /",
        "GET /assets/consent/samtycke.js",
        "GET /assets/consent/samtycke.js",
        "GET /",
        "GET /assets/consent/samtycke.js",
    ]
