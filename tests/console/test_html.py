"""The console in a real Chromium: sign in with the form, every page passes axe-core."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

from samtycke.console.html import esc, table
from samtycke.console.registry import PAGES
from samtycke.console.rollup import day_of
from samtycke.declaration import Declaration
from samtycke.ledger.runs import record_run
from tests.console.conftest import PASSWORDS
from tests.e2e.banner.test_banner_access import axe_violations
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
