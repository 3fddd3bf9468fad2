"""Withdrawal, expiry, revision bumps, GPC/DNT, Consent Mode and the consent API."""

from __future__ import annotations

import re
from typing import Any

from samtycke.consent import decode_consent_cookie
from samtycke.declaration import fingerprint

from .conftest import click_decision, consent_cookie, make_declaration, visible

ACCEPT = "[data-samtycke-action=accept-all]"
GPC = "Object.defineProperty(Navigator.prototype, 'globalPrivacyControl', {get: () => true})"
DNT = "Object.defineProperty(Navigator.prototype, 'doNotTrack', {get: () => '1'})"


def state_of(page: Any) -> Any:
    cookie = consent_cookie(page)
    return decode_consent_cookie(cookie["value"]) if cookie else None


def test_decision_is_posted_with_the_design_body(site: Any, page: Any) -> None:
    decl = make_declaration()
    site.publish(decl)
    page.goto(site.origin + "/?utm=secret")
    with page.expect_response("**/v1/consents") as answer:
        page.click(ACCEPT)
    assert answer.value.status == 201
    (body,) = site.posts()
    state = state_of(page)
    assert re.fullmatch(r"[0-9a-f]{32}", body.pop("decision_id"))
    assert body == {
        "site": "shop",
        "consent_id": state.consent_id,
        "revision": 1,
        "fingerprint": fingerprint(decl),
        "language": "en",
        "method": "accept-all",
        "source": "banner",
        "choices": {"necessary": True, "functional": True, "analytics": True, "marketing": True},
        "url": site.origin + "/",
        "refused_services": [],
    }
    assert re.fullmatch(r"[0-9a-f]{32}", body["consent_id"])
    page.wait_for_function("localStorage.getItem('samtycke.pending') === null")
    # The POST and the gated downloads race: wait until the browser has run
    # /slow.js and loaded the frame (so the server has answered both), then
    # compare the set of requests.
    page.wait_for_function(
        "window.order.includes('a2') &&"
        " document.querySelector('iframe').contentDocument?.location.pathname === '/frame.html'"
        " && document.querySelector('iframe').contentDocument.readyState === 'complete'"
    )
    assert sorted(site.paths()) == [
        "GET /?utm=secret",
        "GET /frame.html",
        "GET /samtycke.js",
        "GET /slow.js",
        "POST /v1/consents",
    ]


def test_static_mode_sends_nothing(site: Any, page: Any) -> None:
    site.publish(endpoint=None, body="")
    page.goto(site.origin)
    page.click(ACCEPT)
    page.reload()
    page.locator(".stk-r").wait_for()
    assert site.paths() == ["GET /", "GET /samtycke.js"] * 2
    assert page.evaluate("localStorage.length") == 0


def test_unreachable_api_keeps_the_decision_and_retries_on_next_load(site: Any, page: Any) -> None:
    site.publish(body="")
    site.api_status = 503
    page.goto(site.origin)
    with page.expect_response("**/v1/consents"):
        page.click("[data-samtycke-action=reject-all]")
    assert state_of(page).method == "reject-all"  # the choice applies anyway
    pending = page.evaluate("JSON.parse(localStorage.getItem('samtycke.pending'))")
    assert [p["b"]["method"] for p in pending] == ["reject-all"]
    site.api_status = 201
    with page.expect_response(lambda r: r.url.endswith("/v1/consents") and r.status == 201):
        page.reload()
    page.wait_for_function("localStorage.getItem('samtycke.pending') === null")
    first, second = site.posts()
    assert first == second
    assert not visible(page, ".stk-b")


def test_withdrawal_deletes_cookies_and_storage_and_reloads(site: Any, page: Any) -> None:
    site.publish()
    page.goto(site.origin)
    with page.expect_response("**/v1/consents"):
        page.click(ACCEPT)
    page.wait_for_function("window.order.length == 6")
    page.evaluate(
        """() => {
        for (const c of ['_st=1', '_st_abc=1', '_hm=1', 'lang=sv', 'sid=1', 'other=1'])
            document.cookie = c + ';path=/';
        localStorage.setItem('st_queue', '[]');
        localStorage.setItem('mine', '1');
    }"""
    )
    first_id = state_of(page).consent_id
    page.click("a[data-samtycke-action=settings]")  # the site's own link
    page.click("#stk-c-analytics")
    with page.expect_navigation():  # analytics scripts ran: only a reload stops them
        page.click("[data-samtycke-action=save]")
    names = {c["name"] for c in page.context.cookies()}
    assert names == {"samtycke", "lang", "sid", "other"}
    assert page.evaluate("[localStorage.getItem('st_queue'), localStorage.getItem('mine')]") == [
        None,
        "1",
    ]
    state = state_of(page)
    assert state.method == "withdraw"
    assert state.consent_id == first_id
    assert state.categories == {"necessary", "functional", "marketing"}
    page.wait_for_function("window.order && window.order.length == 2")
    assert page.evaluate("window.order") == ["m1", "f1"]
    assert [p["method"] for p in site.posts()] == ["accept-all", "withdraw"]


def test_reopen_control_and_api_open_settings(site: Any, page: Any) -> None:
    site.publish(body="")
    page.goto(site.origin)
    page.click("[data-samtycke-action=reject-all]")
    page.click(".stk-r")
    assert visible(page, ".stk-m")
    page.keyboard.press("Escape")
    assert not visible(page, ".stk-m")
    page.evaluate("samtycke.show()")
    assert visible(page, ".stk-m")


def test_no_settings_button_when_turned_off(site: Any, page: Any) -> None:
    site.publish(make_declaration(extra="\n[banner]\nsettings_button = false\n"), body="")
    page.goto(site.origin)
    page.click(ACCEPT)
    assert not page.locator(".stk-r").is_visible()


def test_consent_expires_after_consent_days(site: Any, page: Any) -> None:
    site.publish(body="")
    page.clock.install()
    page.goto(site.origin)
    page.click(ACCEPT)
    page.clock.run_for(1000)  # the decision waits for a frame: the fake clock's
    first = state_of(page)
    page.clock.fast_forward(89 * 86400 * 1000)
    page.reload()
    page.locator(".stk-r").wait_for()
    assert not visible(page, ".stk-b")
    page.clock.fast_forward(2 * 86400 * 1000)
    page.reload()
    page.locator(".stk-b").wait_for()
    assert page.evaluate("samtycke.consent") is None
    page.click(ACCEPT)
    page.clock.run_for(1000)
    renewed = state_of(page)
    assert renewed.consent_id == first.consent_id
    assert renewed.timestamp >= first.timestamp + 91 * 86400 - 5


def test_revision_bump_asks_again(site: Any, page: Any) -> None:
    site.publish(body="")
    page.goto(site.origin)
    with page.expect_response("**/v1/consents"):
        page.click(ACCEPT)
    site.publish(make_declaration(revision=2), body="")
    page.reload()
    page.locator(".stk-b").wait_for()
    assert not page.evaluate("samtycke.accepted('analytics')")
    with page.expect_response("**/v1/consents"):
        page.click("[data-samtycke-action=reject-all]")
    assert state_of(page).revision == 2
    assert [p["revision"] for p in site.posts()] == [1, 2]


def test_gpc_denies_without_asking_and_explicit_choice_wins(site: Any, new_page: Any) -> None:
    site.publish()
    page = new_page(init_script=GPC)
    page.goto(site.origin)
    notice = page.locator(".stk-n")
    notice.wait_for()
    assert "Global Privacy Control" in notice.inner_text()
    assert not visible(page, ".stk-b")
    assert not page.locator(".stk-r").is_visible()  # the notice has its own settings button
    state = state_of(page)
    assert (state.method, state.categories) == ("gpc", {"necessary"})  # necessary-only
    page.wait_for_function("localStorage.getItem('samtycke.pending') === null")
    assert page.evaluate("window.order") == []
    assert [(p["method"], p["choices"]["functional"]) for p in site.posts()] == [("gpc", False)]
    page.reload()
    page.locator(".stk-r").wait_for()
    assert page.locator(".stk-n").count() == 0  # the notice is shown once
    page.click(".stk-r")
    click_decision(page, ".stk-m [data-samtycke-action=accept-all]")
    assert state_of(page).method == "accept-all"
    page.reload()
    page.wait_for_function("window.order.length == 6")
    assert state_of(page).method == "accept-all"


def test_dnt_gives_necessary_and_functional_when_declared_so(site: Any, new_page: Any) -> None:
    site.publish(make_declaration(extra_site='do_not_track = "necessary-and-functional"'), body="")
    page = new_page(init_script=DNT)
    page.goto(site.origin)
    assert "Do Not Track" in page.locator(".stk-n").inner_text()
    state = state_of(page)
    assert (state.method, state.categories) == ("dnt", {"necessary", "functional"})
    page.click(".stk-n [data-samtycke-action=close]")
    assert page.locator(".stk-n").count() == 0


def test_signal_ignored_when_declared_so(site: Any, new_page: Any) -> None:
    site.publish(make_declaration(extra_site='global_privacy_control = "ignore"'), body="")
    page = new_page(init_script=GPC)
    page.goto(site.origin)
    page.locator(".stk-b").wait_for()
    assert consent_cookie(page) is None


def test_google_consent_mode(site: Any, page: Any) -> None:
    body = (
        "<script type='text/plain' data-category='analytics'>"
        "window.seen = JSON.parse(JSON.stringify(dataLayer))</script>"
    )
    site.publish(make_declaration(gcm=True), body=body)
    page.goto(site.origin)
    page.locator(".stk-b").wait_for()
    layer = page.evaluate("dataLayer.map(a => Array.from(a))")
    assert layer == [
        [
            "consent",
            "default",
            {
                "ad_storage": "denied",
                "ad_user_data": "denied",
                "ad_personalization": "denied",
                "analytics_storage": "denied",
                "functionality_storage": "denied",
                "personalization_storage": "denied",
                "security_storage": "granted",
                "wait_for_update": 500,
            },
        ]
    ]
    assert page.evaluate("Object.prototype.toString.call(dataLayer[0])") == "[object Arguments]"
    page.click(".stk-b [data-samtycke-action=settings]")
    page.click("#stk-c-analytics")
    page.click("[data-samtycke-action=save]")
    page.wait_for_function("window.seen")
    update = {
        "ad_storage": "denied",
        "ad_user_data": "denied",
        "ad_personalization": "denied",
        "analytics_storage": "granted",
        "functionality_storage": "denied",
        "personalization_storage": "denied",
    }
    # The update is in the dataLayer before the gated script runs.
    assert page.evaluate("window.seen")[-1] == {"0": "consent", "1": "update", "2": update}
    page.reload()
    page.wait_for_function("window.seen")
    assert [a[1] for a in page.evaluate("dataLayer.map(a => Array.from(a))")] == [
        "default",
        "update",
    ]


def test_no_consent_mode_unless_declared(site: Any, page: Any) -> None:
    site.publish(body="")
    page.goto(site.origin)
    page.click(ACCEPT)
    assert page.evaluate("window.dataLayer") is None


def test_consent_mode_precedes_a_google_tag_placed_after_the_script(site: Any, page: Any) -> None:
    site.publish(make_declaration(gcm=True), body="")
    site.files["/"] = (
        "text/html",
        b"<!doctype html><html lang='en'><head><title>t</title><link rel='icon' href='data:,'>"
        b"<script src='/samtycke.js'></script>"
        b"<script>window.seen = dataLayer.map(a => a[1])</script></head><body></body></html>",
    )
    page.goto(site.origin)
    assert page.evaluate("window.seen") == ["default"]
    page.click(ACCEPT)
    page.reload()
    assert page.evaluate("window.seen") == ["default", "update"]
    assert page.evaluate("dataLayer[1][2].ad_storage") == "granted"


def test_refusing_a_service_whose_script_ran_reloads(site: Any, page: Any) -> None:
    site.publish(endpoint=None)
    page.goto(site.origin)
    page.click(ACCEPT)
    page.wait_for_function("window.order.length == 6")
    page.evaluate("samtycke.show()")
    page.uncheck("[data-s=heatmap]")
    with page.expect_navigation():
        page.click("[data-samtycke-action=save]")
    page.wait_for_function("window.order && window.order.length == 5")
    assert "hm" not in page.evaluate("window.order")
    assert state_of(page).refused_services == {"heatmap"}
