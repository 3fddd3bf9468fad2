"""The policy page in a real Chromium: accessible (axe-core), and its settings button
reopens the banner when samtycke.js runs on the same page.

The page and script are served through Playwright's request routing on a
made-up origin, so nothing listens on a port and nothing leaves the machine.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from samtycke.banner import build_script
from samtycke.declaration import Declaration, load_declaration
from samtycke.policy import render_policy

from .banner.test_banner_access import axe_violations

pytestmark = pytest.mark.e2e

ORIGIN = "http://policy.test"
DAY = dt.date(2026, 11, 1)


@pytest.fixture(scope="module")
def billogram(billogram_path: Path) -> Declaration:
    return load_declaration(billogram_path)


@pytest.fixture
def serve(browser: Any) -> Iterator[tuple[Any, dict[str, tuple[str, str]]]]:
    """A page whose requests to ORIGIN are answered from a dict of path → (type, body)."""
    context = browser.new_context()
    files: dict[str, tuple[str, str]] = {}

    def answer(route: Any) -> None:
        path = route.request.url[len(ORIGIN) :].split("?")[0]
        if path in files:
            kind, body = files[path]
            route.fulfill(status=200, content_type=kind, body=body)
        else:
            route.fulfill(status=404, content_type="text/plain", body="not found")

    context.route(f"{ORIGIN}/**", answer)
    yield context.new_page(), files
    context.close()


@pytest.mark.parametrize("lang", ["sv", "de"])
def test_policy_page_has_no_axe_violations(serve: Any, billogram: Declaration, lang: str) -> None:
    page, files = serve
    files["/cookies"] = ("text/html; charset=utf-8", render_policy(billogram, lang, updated=DAY))
    page.goto(f"{ORIGIN}/cookies")
    assert page.evaluate("document.documentElement.lang") == lang
    assert axe_violations(page) == []


def test_settings_button_reopens_the_banner(serve: Any, billogram: Declaration) -> None:
    fragment = render_policy(billogram, "en", fragment=True, updated=DAY)
    page, files = serve
    page_html = (
        '<!DOCTYPE html><html lang="en"><head><meta charset="utf-8"><title>Cookies</title>'
        '<script src="/samtycke.js" defer></script></head>'
        f"<body><main>{fragment}</main></body></html>"
    )
    files["/cookies"] = ("text/html; charset=utf-8", page_html)
    files["/samtycke.js"] = ("text/javascript", build_script(billogram))
    page.goto(f"{ORIGIN}/cookies")
    # first visit: the banner asks; decide, and it goes away
    page.locator("#samtycke [data-samtycke-action=reject-all]").click(timeout=5000)
    page.wait_for_function("window.samtycke && window.samtycke.consent !== null", timeout=5000)
    assert page.locator("#samtycke [role=dialog]").count() == 0
    # the policy's own button brings the settings back
    page.locator(".samtycke-policy [data-samtycke-action=settings]").click(timeout=5000)
    dialog = page.locator("#samtycke [role=dialog][aria-modal=true]")
    dialog.wait_for(state="visible", timeout=5000)
    assert page.evaluate("window.samtycke.accepted('marketing')") is False
