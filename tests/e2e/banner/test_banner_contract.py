"""The banner keeps the consent contract: signals only take away, fingerprints re-ask,
no decision is lost to a stale banner, the receipt is kept, clocks may be off."""

from __future__ import annotations

import json
import re
import urllib.parse
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from samtycke.consent import decode_consent_cookie
from samtycke.declaration import fingerprint
from samtycke.enforce import Enforcer
from samtycke.server import ServerConfig
from tests.server.conftest import LiveServer

from .conftest import SITE_TOML, click_decision, consent_cookie, make_declaration, visible

ACCEPT = "[data-samtycke-action=accept-all]"
TIKTOK = """
[[services]]
id = "tiktok"
name = "TikTok pixel"
provider = "TikTok"
category = "marketing"

[[cookies]]
name = "_ttp"
service = "tiktok"
expires = "1 year"
purpose = "Ads."
"""
GPC = "Object.defineProperty(Navigator.prototype, 'globalPrivacyControl', {get: () => true})"
PAGE = '<!doctype html><html lang="en"><title>t</title><script src="/samtycke.js" defer></script>'


def state_of(page: Any) -> Any:
    cookie = consent_cookie(page)
    return decode_consent_cookie(cookie["value"]) if cookie else None


def test_gpc_by_default_leaves_only_necessary_and_says_so(site: Any, new_page: Any) -> None:
    site.publish()
    page = new_page(init_script=GPC)
    page.goto(site.origin)
    page.locator(".stk-n").wait_for()
    text = "Your browser sends Global Privacy Control. We honour it and use only necessary cookies."
    assert page.locator(".stk-n").inner_text().startswith(text)
    status = page.locator("#samtycke [role=status]")
    # The live region first says the choice is saved, then (after a pause, so it is read
    # out) announces the notice: wait for that, not for the first change.
    page.wait_for_function("([s, t]) => s.textContent == t", arg=[status.element_handle(), text])
    assert status.inner_text() == text  # announced
    assert state_of(page).categories == {"necessary"}
    page.wait_for_function("localStorage.getItem('samtycke.pending') === null")
    (post,) = site.posts()
    assert (post["method"], post["source"]) == ("gpc", "gpc")
    assert not any(v for k, v in post["choices"].items() if k != "necessary")


def test_a_visitor_whose_clock_is_60_s_fast_is_treated_alike(site: Any, new_page: Any) -> None:
    decl = make_declaration()
    site.publish(decl, body="")
    fast = "const real = Date.now; Date.now = () => real() + 60000;"
    page = new_page(init_script=fast)
    page.goto(site.origin)
    click_decision(page, ACCEPT)
    value = consent_cookie(page)["value"]  # type: ignore[index]
    page.reload()
    page.locator(".stk-r").wait_for()
    assert not visible(page, ".stk-b")  # the banner holds it current
    consent = Enforcer(decl).consent(f"samtycke={value}")  # the server's clock: 60 s earlier
    assert consent.explicit and consent.allows("marketing")


def test_a_new_vendor_asks_again_without_a_revision_bump(site: Any, page: Any) -> None:
    before = make_declaration()
    site.publish(before, body="")
    page.goto(site.origin)
    click_decision(page, ACCEPT)
    value = consent_cookie(page)["value"]  # type: ignore[index]
    after = make_declaration(extra=TIKTOK)
    assert after.site.revision == before.site.revision
    site.publish(after, body="")
    page.reload()
    page.locator(".stk-b").wait_for()
    assert not page.evaluate("samtycke.accepted('marketing')")
    assert not Enforcer(after).consent(f"samtycke={value}").allows("marketing")
    assert Enforcer(before).consent(f"samtycke={value}").allows("marketing")


def test_a_refused_decision_stays_pending_and_is_retried_with_its_id(site: Any, page: Any) -> None:
    site.publish(body="")
    site.api_status = 422  # a server that does not know this banner's fingerprint yet
    page.goto(site.origin)
    with page.expect_response("**/v1/consents"):
        page.click(ACCEPT)
    assert state_of(page).method == "accept-all"  # the choice applies anyway
    page.wait_for_function("JSON.parse(localStorage.getItem('samtycke.pending'))[0].n == 1")
    site.api_status = 201
    with page.expect_response(lambda r: r.url.endswith("/v1/consents") and r.status == 201):
        page.reload()
    page.wait_for_function("localStorage.getItem('samtycke.pending') === null")
    first, retry = site.posts()
    assert first == retry and re.fullmatch(r"[0-9a-f]{32}", first["decision_id"])
    with page.expect_response("**/v1/consents"):
        page.evaluate("samtycke.rejectAll()")
    third = site.posts()[-1]
    assert third["decision_id"] != first["decision_id"] and third["source"] == "api"


def test_sources_follow_where_the_person_decided(site: Any, page: Any) -> None:
    site.publish()
    page.goto(site.origin)
    page.click("[data-samtycke-action=settings] >> nth=0")
    page.click("#stk-c-analytics")
    page.uncheck("[data-s=heatmap]")
    with page.expect_response("**/v1/consents"):
        page.click(".stk-m [data-samtycke-action=save]")
    with page.expect_response("**/v1/consents"):
        page.click("[data-samtycke-allow=marketing]")
    posts = site.posts()
    assert [(p["source"], p["refused_services"]) for p in posts] == [
        ("settings", ["heatmap"]),
        ("placeholder", ["heatmap"]),
    ]


@pytest.fixture
def real_server(tmp_path: Path) -> Iterator[LiveServer]:
    """The real consent server for the test site, on SQLite."""
    text = SITE_TOML.format(revision=1, gcm="false", purpose="Counts visits.", extra_site="")
    decl = tmp_path / "samtycke.toml"
    decl.write_text(text, encoding="utf-8")
    config = ServerConfig(declaration=decl, db=f"sqlite:///{tmp_path / 'l.db'}", rate=0, burst=0)
    with LiveServer(config) as server:
        yield server


def open_page(page: Any, server: LiveServer) -> None:
    page.route(
        server.url + "/page", lambda route: route.fulfill(body=PAGE, content_type="text/html")
    )
    page.goto(server.url + "/page")


def test_the_receipt_is_kept_and_offered_in_the_settings(
    real_server: LiveServer, page: Any
) -> None:
    open_page(page, real_server)
    with page.expect_response("**/v1/consents") as answer:
        page.click(ACCEPT)
    assert answer.value.status == 201
    body = answer.value.json()
    page.wait_for_function("localStorage.getItem('samtycke.receipt') !== null")
    kept = json.loads(page.evaluate("localStorage.getItem('samtycke.receipt')"))
    assert kept == body.get("receipt", body)
    page.click(".stk-r")
    line = page.locator(".stk-m .stk-receipt")
    assert body["consent_id"] in line.inner_text() and "Consent id" in line.inner_text()
    link = line.locator("a[download]")
    href = link.get_attribute("href")
    assert href.startswith("data:application/json")
    assert json.loads(urllib.parse.unquote(href.split(",", 1)[1])) == kept
    (record,) = real_server.state.ledger.history(body["consent_id"])
    assert record.decision.record_id == body["record_id"]


def test_sec_gpc_from_the_server_is_honoured_and_recorded(
    real_server: LiveServer, new_page: Any
) -> None:
    # No navigator.globalPrivacyControl here: only the header says it.
    page = new_page(extra_http_headers={"Sec-GPC": "1"})
    with page.expect_response("**/v1/consents") as answer:
        open_page(page, real_server)
    assert answer.value.status == 201
    page.locator(".stk-n").wait_for()
    cid = answer.value.json()["consent_id"]
    (record,) = real_server.state.ledger.history(cid)
    assert record.decision.method == "gpc"
    assert record.decision.choices == {
        "necessary": True, "functional": False, "analytics": False, "marketing": False
    }  # fmt: skip
    assert record.decision.fingerprint == fingerprint(real_server.state.sites["shop"].decl)


def test_an_answer_lost_on_the_way_back_is_retried_without_a_second_record(
    real_server: LiveServer, page: Any
) -> None:
    lost: list[str] = []

    def lose_the_answer(route: Any) -> None:
        if not lost:  # the first POST reaches the server; its answer never reaches the page
            route.fetch()
            lost.append(route.request.post_data)
            route.abort()
        else:
            route.continue_()

    page.route("**/v1/consents", lose_the_answer)
    open_page(page, real_server)
    page.click(ACCEPT)
    page.wait_for_function(
        # n == 1: the attempt failed in the page, after the server had stored it.
        "JSON.parse(localStorage.getItem('samtycke.pending') || '[]')[0]?.n == 1"
    )
    assert lost
    assert real_server.state.ledger.count() == 1  # stored, but the banner cannot know
    with page.expect_response(lambda r: r.url.endswith("/v1/consents") and r.status == 201):
        page.reload()
    page.wait_for_function("localStorage.getItem('samtycke.pending') === null")
    assert real_server.state.ledger.count() == 1  # the retry found its decision_id
    sent = json.loads(lost[0])
    (record,) = real_server.state.ledger.history(sent["consent_id"])
    assert record.decision.decision_id == sent["decision_id"]
