"""The console in a real Chromium: sign in with the form, every page passes axe-core."""

from __future__ import annotations

from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import pytest

from samtycke.console.html import esc, table
from samtycke.console.registry import PAGES
from samtycke.console.rollup import day_of
from samtycke.declaration import Declaration
from samtycke.ledger.runs import record_run
from tests.console.conftest import PASSWORDS, log_in
from tests.e2e.banner.test_banner_access import axe_violations
from tests.httpd import serving
from tests.server.conftest import LiveServer


@pytest.fixture
def page(browser: Any) -> Iterator[Any]:
    """A fresh page that lets axe-core in despite the console's script-free CSP."""
    context = browser.new_context(bypass_csp=True)
    yield context.new_page()
    context.close()


def sign_in(page: Any, server: LiveServer, name: str) -> None:
    page.goto(f"{server.url}/console")
    page.fill("#name", name)
    page.fill("#password", PASSWORDS[name])
    page.click("button[type=submit]")
    page.wait_for_url(f"{server.url}/console")


def test_the_login_form_passes_axe_and_shows_errors_accessibly(
    page: Any, console: LiveServer
) -> None:
    page.goto(f"{console.url}/console")
    assert page.url.endswith("/console/login")
    assert axe_violations(page) == []
    page.fill("#name", "ada")
    page.fill("#password", "wrong password!")
    page.click("button[type=submit]")
    assert page.locator("[role=alert]").inner_text() == "Wrong user name or password."
    assert axe_violations(page) == []


@pytest.mark.parametrize("slug", sorted(PAGES))
def test_every_page_passes_axe_with_data(
    page: Any, console: LiveServer, generated: list[Declaration], slug: str
) -> None:
    record_run(console.state.ledger.engine, "verify", True, "720 records, head seq 720")
    sign_in(page, console, "ada")
    first = min(day_of(r.recorded_us) for r in console.state.ledger.iter_records())
    query = f"?site=shop&from={first}" if slug == "analytics" else ""
    page.goto(f"{console.url}/console/{slug}{query}")
    assert page.locator("main table, main section").count() > 0
    assert page.locator("h1").inner_text() == PAGES[slug].title
    assert page.locator("nav [aria-current=page]").inner_text() == PAGES[slug].title
    assert axe_violations(page) == []


def test_logout_from_the_browser(page: Any, console: LiveServer) -> None:
    sign_in(page, console, "vic")
    page.click("text=Log out")
    page.wait_for_url(f"{console.url}/console/login")
    page.goto(f"{console.url}/console")
    assert page.url.endswith("/console/login")


def test_markup_escapes_every_value() -> None:
    assert esc('<a href="x">') == "&lt;a href=&quot;x&quot;&gt;"
    out = table("T <1>", ["<h>"], [["<td>", "&"]])
    assert "<td>" not in out.replace("<td class=num>", "") and "&lt;td&gt;" in out
    assert "T &lt;1&gt;" in out and "&amp;" in out


def test_a_viewer_in_the_browser_sees_no_admin_page_and_is_refused_it(
    page: Any, console: LiveServer
) -> None:
    sign_in(page, console, "vic")
    assert page.locator('nav a[href="/console/users"]').count() == 0
    answer = page.goto(f"{console.url}/console/users")
    assert answer is not None and answer.status == 403
    assert page.locator("h1").count() > 0 and axe_violations(page) == []


@pytest.fixture
def foreign_site(console: LiveServer) -> Iterator[str]:
    """Another site (``localhost``, not the console's 127.0.0.1) whose page posts a
    form to the console's admin action as soon as it loads."""
    form = (
        "<!doctype html><title>Win a prize</title>"
        f'<form id="f" method="post" action="{console.url}/console/users">'
        '<input name="csrf" value="guessed"><input name="user" value="vic"></form>'
        "<script>document.getElementById('f').submit()</script>"
    ).encode()

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            self.send_response(200)
            self.send_header("Content-Type", "text/html; charset=utf-8")
            self.send_header("Content-Length", str(len(form)))
            self.end_headers()
            self.wfile.write(form)

        def log_message(self, *args: object) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    with serving(server):
        yield f"http://localhost:{server.server_address[1]}/"


def test_a_form_another_site_posts_with_the_admins_browser_changes_nothing(
    page: Any, console: LiveServer, foreign_site: str
) -> None:
    viewer = log_in(console, "vic")
    sign_in(page, console, "ada")
    with page.expect_response(f"{console.url}/console/users") as caught:
        page.goto(foreign_site)
    assert caught.value.request.method == "POST"
    assert caught.value.status in (303, 403)  # refused, or sent to the login: never done
    assert viewer.get("/console").status_code == 200  # vic's sessions were not ended
    page.goto(f"{console.url}/console")
    assert page.url == f"{console.url}/console"  # and ada is still signed in
