"""`samtycke demo` in a real Chromium: the banner gates the tracker stand-ins and the ledger proves it."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

from samtycke.cli.demo import demo_declaration
from samtycke.consent import decode_consent_cookie
from tests.server.conftest import LiveServer, demo_server

pytestmark = pytest.mark.e2e

TRACKERS = {"_ga", "_gid", "_hjIncludedInSample", "li_sugr", "UserMatchHistory", "_fbp"}


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LiveServer]:
    """The demo site on a live server with its own SQLite ledger."""
    with demo_server(tmp_path_factory.mktemp("demo"), demo_declaration()) as live:
        yield live


def cookie_names(page: Any) -> set[str]:
    """Names of the cookies the page's context holds."""
    return {c["name"] for c in page.context.cookies()}


def consent_id(page: Any) -> str:
    """The consent id in the page's ``samtycke`` cookie."""
    value = next(c["value"] for c in page.context.cookies() if c["name"] == "samtycke")
    state = decode_consent_cookie(value)
    assert state is not None
    return state.consent_id


def open_demo(page: Any, demo: LiveServer, path: str = "/") -> list[str]:
    """Load a demo page; returns the list that collects every requested URL."""
    requested: list[str] = []
    page.on("request", lambda req: requested.append(req.url))
    page.goto(demo.url + path)
    page.wait_for_selector('[data-samtycke-action="accept-all"]', state="visible")
    return requested


def test_accept_all_runs_the_trackers_and_is_recorded(page: Any, demo: LiveServer) -> None:
    requested = open_demo(page, demo, "/pricing")
    assert cookie_names(page) & TRACKERS == set()  # nothing before consent
    with page.expect_response(lambda r: r.url.endswith("/v1/consents")) as posted:
        page.click('[data-samtycke-action="accept-all"]')
    assert posted.value.status == 201
    page.wait_for_function("() => document.cookie.includes('_fbp=')")
    page.wait_for_function("() => document.cookie.includes('_ga=')")
    assert cookie_names(page) >= TRACKERS
    history = demo.state.ledger.history(consent_id(page))
    assert [r.decision.method for r in history] == ["accept-all"]
    assert history[0].decision.url == demo.url + "/pricing"
    assert all(url.startswith(demo.url) for url in requested)  # no external request


def test_reject_all_keeps_trackers_out_and_is_recorded(page: Any, demo: LiveServer) -> None:
    open_demo(page, demo)
    with page.expect_response(lambda r: r.url.endswith("/v1/consents")) as posted:
        page.click('[data-samtycke-action="reject-all"]')
    assert posted.value.status == 201  # (reading a keepalive response's body can hang)
    # Every script of the page has run and nothing is loading: a tracker that
    # were let through would have set its cookie by now.
    page.goto(demo.url + "/about", wait_until="networkidle")
    assert cookie_names(page) & TRACKERS == set()
    [rec] = demo.state.ledger.history(consent_id(page))
    assert rec.decision.method == "reject-all"
    assert not any(v for k, v in rec.decision.choices.items() if k != "necessary")


def test_policy_pages_in_five_languages(page: Any, demo: LiveServer) -> None:
    for lang in ("sv", "en", "fi", "nb", "de"):
        page.goto(f"{demo.url}/cookies/{lang}")
        assert "_ga" in page.content()
