"""One decision across two registrable domains, in a Chromium that blocks third-party cookies.

``a.localhost`` and ``b.localhost`` are different sites to the browser (and
Chromium resolves every ``*.localhost`` to loopback); the consent server
answers as ``consent.localhost``, a third one. Third-party cookies are off,
so only the first-party handshake can carry the decision across.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import pytest

from samtycke.scanner.browser import CHROMIUM_ARGS, find_chromium
from samtycke.server import ServerConfig
from tests.server.conftest import LiveServer

pytestmark = pytest.mark.e2e

DECLARATION = """
[site]
id = "shop"
name = "Shop"
controller = "Shop AB"
contact = "privacy@a.localhost"
domains = ["a.localhost", "b.localhost"]
languages = ["en"]

[shared_consent]
domains = ["a.localhost", "b.localhost"]

[[cookies]]
name = "sid"
category = "necessary"
expires = "session"
purpose = "Keeps you signed in."

[[cookies]]
name = "_ga"
category = "analytics"
expires = "2 years"
purpose = "Counts visits."
"""
ACCEPT = "[data-samtycke-action='accept-all']"


@pytest.fixture
def live(tmp_path: Path) -> Iterator[LiveServer]:
    (tmp_path / "shop.toml").write_text(DECLARATION, encoding="utf-8")
    config = ServerConfig(
        declaration=tmp_path / "shop.toml",
        db=f"sqlite:///{tmp_path / 'ledger.db'}",
        rate=0,
        burst=0,
        demo=True,
    )
    server = LiveServer(config)
    # The banner must post to the consent server's own host, not the page's.
    server.state.config = config.with_overrides(
        public_url=f"http://consent.localhost:{server.port}"
    )
    with server:
        yield server


@pytest.fixture
def context(browser: Any) -> Iterator[Any]:
    strict = browser.browser_type.launch(
        executable_path=find_chromium(),
        args=[*CHROMIUM_ARGS, "--test-third-party-cookie-phaseout"],
        headless=True,
    )
    ctx = strict.new_context()
    yield ctx
    ctx.close()
    strict.close()


# The handshake is over once this origin's tab went to the lookup and its nonce was used.
HANDSHAKE_DONE = """() => window.samtycke && document.getElementById('samtycke')
    && sessionStorage.getItem('samtycke.xd.tried') && !sessionStorage.getItem('samtycke.xd')"""


def visit(page: Any, url: str) -> None:
    page.goto(url)
    page.wait_for_function(HANDSHAKE_DONE)
    page.wait_for_load_state("networkidle")


def banner_shown(page: Any) -> bool:
    return bool(page.locator(".stk-b").count())


def test_a_decision_on_one_domain_holds_on_the_other_and_so_does_withdrawal(
    live: LiveServer, context: Any
) -> None:
    a, b = (f"http://{h}.localhost:{live.port}/" for h in ("a", "b"))
    page = context.new_page()
    visit(page, a)
    assert urlsplit(page.url).hostname == "a.localhost"  # back from the handshake
    assert "samtycke-xd" not in page.url  # the fragment is gone again
    assert banner_shown(page)
    page.click(ACCEPT)
    page.wait_for_function("() => window.samtycke.accepted('analytics')")
    page.wait_for_function("() => !localStorage.getItem('samtycke.pending')")

    visit(page, b)
    assert urlsplit(page.url).hostname == "b.localhost"
    page.wait_for_function("() => window.samtycke.accepted('analytics')")
    assert not banner_shown(page)  # not asked again on the other domain
    consent_id = page.evaluate("() => window.samtycke.consent.id")

    # Withdrawn on b. A gated script had run there, so the banner reloads the
    # page once the decision is on its way: wait for that reload, not a race.
    with page.expect_navigation():
        page.evaluate("() => window.samtycke.rejectAll()")
    page.wait_for_function(HANDSHAKE_DONE)
    page.wait_for_function("() => !localStorage.getItem('samtycke.pending')")

    visit(page, a)
    page.wait_for_function("() => !window.samtycke.accepted('analytics')")
    assert page.evaluate("() => window.samtycke.consent.id") == consent_id

    history = live.state.ledger.history(consent_id)
    made_on = [(r.decision.method, urlsplit(r.decision.url).hostname) for r in history]
    assert made_on == [("accept-all", "a.localhost"), ("reject-all", "b.localhost")]


def test_a_planted_id_is_ignored(live: LiveServer, context: Any) -> None:
    page = context.new_page()
    planted = "ab" * 16
    page.goto(f"http://b.localhost:{live.port}/#samtycke-xd={planted}.{'00' * 16}")
    page.wait_for_function("() => window.samtycke && document.getElementById('samtycke')")
    page.wait_for_load_state("networkidle")
    page.wait_for_selector(".stk-b")
    page.click(ACCEPT)
    page.wait_for_function("() => window.samtycke.accepted('analytics')")
    assert page.evaluate("() => window.samtycke.consent.id") != planted
