"""First layer, settings layer, gating and the consent cookie in a real Chromium."""

from __future__ import annotations

from typing import Any

from samtycke.consent import decode_consent_cookie, encode_consent_cookie
from samtycke.declaration import fingerprint

from .conftest import click_decision, consent_cookie, make_declaration, visible

ACCEPT = "[data-samtycke-action=accept-all]"
REJECT = "[data-samtycke-action=reject-all]"
SETTINGS = ".stk-b [data-samtycke-action=settings]"
SAVE = "[data-samtycke-action=save]"


def test_first_layer_before_any_choice_runs_and_stores_nothing(site: Any, page: Any) -> None:
    site.publish()
    page.goto(site.origin)
    banner = page.locator(".stk-b")
    banner.wait_for()
    assert banner.get_attribute("role") == "dialog"
    text = banner.inner_text()
    # What it is about, the purposes by name, and a link to the policy.
    assert "We use cookies" in text
    assert "cookies for functional, analytics, marketing." in text  # lower case mid-sentence
    links = banner.locator("a")
    assert links.last.get_attribute("href") == f"{site.origin}/cookies/en.html"
    # The third parties, linked to their list in the policy, and how long things last.
    assert links.first.get_attribute("href") == f"{site.origin}/cookies/en.html#samtycke-parties"
    assert links.first.inner_text() == (
        "Third parties that receive data with your consent (2): Stats Inc, Heat Ltd"
    )
    assert "We keep your choice for 90 days. Our cookies last 2 years at most." in text
    assert page.evaluate("window.order") == []
    assert page.evaluate("document.cookie") == ""
    assert page.evaluate("localStorage.length") == 0
    assert page.locator("iframe").get_attribute("src") is None
    assert "not found" not in page.content()
    assert site.paths() == ["GET /", "GET /samtycke.js"]


def test_decision_buttons_are_equal(site: Any, page: Any) -> None:
    site.publish()
    page.goto(site.origin)
    page.locator(ACCEPT).wait_for()
    props = ["tagName", "offsetWidth", "offsetHeight"]
    styles = ["fontSize", "fontWeight", "color", "backgroundColor", "borderColor", "borderWidth"]
    looks = [
        page.eval_on_selector(
            sel,
            "(e, [p, s]) => [...p.map(k => e[k]), ...s.map(k => getComputedStyle(e)[k])]",
            [props, styles],
        )
        for sel in (ACCEPT, REJECT, SETTINGS)
    ]
    assert looks[0][0] == "BUTTON"
    assert looks[0] == looks[1] == looks[2]


def test_accept_all_runs_gated_content_in_order_once(site: Any, page: Any) -> None:
    site.publish()
    page.goto(site.origin)
    page.evaluate(
        "window.events = []; addEventListener('samtycke:change', e => events.push(e.detail))"
    )
    page.click(ACCEPT)
    page.wait_for_function("window.order.length == 6")
    assert page.evaluate("window.order") == ["a1", "a2", "a3", "hm", "m1", "f1"]
    assert page.locator("iframe").get_attribute("src") == "/frame.html"
    assert not visible(page, ".stk-b")
    # A second decision must not run anything again.
    page.evaluate("samtycke.acceptAll()")
    page.wait_for_timeout(100)
    assert page.evaluate("window.order.length") == 6
    cookie = consent_cookie(page)
    assert cookie is not None
    assert cookie["sameSite"] == "Lax"
    assert not cookie["secure"]
    assert cookie["domain"] == "127.0.0.1"  # host-only on an IP
    state = decode_consent_cookie(cookie["value"])
    assert state is not None
    assert state.method == "accept-all"
    assert state.categories == {"necessary", "functional", "analytics", "marketing"}
    assert abs(cookie["expires"] - state.timestamp - 90 * 86400) < 5
    event = page.evaluate("window.events[0]")
    assert event["id"] == state.consent_id
    assert event["categories"] == ["necessary", "functional", "analytics", "marketing"]


def test_reject_all_is_remembered_like_acceptance(site: Any, page: Any) -> None:
    site.publish()
    page.goto(site.origin)
    click_decision(page, REJECT)
    cookie = consent_cookie(page)
    assert cookie is not None
    state = decode_consent_cookie(cookie["value"])
    assert state is not None
    assert (state.method, state.categories) == ("reject-all", frozenset({"necessary"}))
    assert abs(cookie["expires"] - state.timestamp - 90 * 86400) < 5
    page.reload()
    page.locator(".stk-r").wait_for()
    assert not visible(page, ".stk-b")
    assert page.evaluate("window.order") == []
    assert page.evaluate("[samtycke.accepted('necessary'), samtycke.accepted('analytics')]") == [
        True,
        False,
    ]


def test_settings_start_off_and_save_exactly_what_was_chosen(site: Any, page: Any) -> None:
    site.publish()
    page.goto(site.origin)
    page.click(SETTINGS)
    modal = page.locator(".stk-m")
    modal.wait_for()
    assert modal.get_attribute("aria-modal") == "true"
    necessary = page.locator("#stk-c-necessary")
    assert necessary.is_checked() and necessary.is_disabled()
    for cat in ("functional", "analytics", "marketing"):
        assert not page.locator(f"#stk-c-{cat}").is_checked(), cat
    assert modal.locator("[data-s]:checked:not([disabled])").count() == 0
    # The cookies of each category are listed with domain, expiry and purpose.
    modal.locator(".stk-c", has_text="Analytics").locator("summary").click()
    assert "_st · Stats Inc · shop.test · 2 years" in modal.inner_text()
    page.click("#stk-c-analytics")
    assert modal.locator("[data-s=stats]").is_checked()
    page.uncheck("[data-s=heatmap]")
    page.click(SAVE)
    page.wait_for_function("window.order.length == 3")
    assert page.evaluate("window.order") == ["a1", "a2", "a3"]
    value = consent_cookie(page)["value"]  # type: ignore[index]
    state = decode_consent_cookie(value)
    assert state is not None
    assert state.method == "custom"
    assert state.categories == {"necessary", "analytics"}
    assert state.refused_services == {"heatmap"}
    # Byte for byte what the Python codec writes for the same decision.
    assert value == encode_consent_cookie(
        state.categories,
        1,
        state.consent_id,
        state.timestamp,
        "custom",
        ["heatmap"],
        fingerprint=fingerprint(make_declaration()),
    )
    assert page.locator("iframe").is_hidden()
    assert "marketing" in page.locator(".stk-ph").inner_text().lower()


def test_closing_is_not_consent(site: Any, page: Any) -> None:
    site.publish()
    page.goto(site.origin)
    page.click(SETTINGS)
    page.click("#stk-c-marketing")
    page.click(".stk-x")
    assert visible(page, ".stk-b")  # back to the first layer: still no decision
    page.keyboard.press("Escape")
    assert not visible(page, ".stk-b")
    assert consent_cookie(page) is None
    assert page.evaluate("samtycke.consent") is None
    assert page.evaluate("window.order") == []
    page.reload()
    page.locator(".stk-b").wait_for()


def test_placeholder_offers_consent_for_its_category(site: Any, page: Any) -> None:
    site.publish()
    page.goto(site.origin)
    page.click(REJECT)
    placeholder = page.locator(".stk-ph")
    assert "Allow marketing cookies" in placeholder.inner_text()
    placeholder.locator("[data-samtycke-allow]").click()
    page.wait_for_function("document.querySelector('iframe').getAttribute('src') == '/frame.html'")
    assert page.locator(".stk-ph").count() == 0
    assert page.evaluate("window.order") == ["m1"]
    state = decode_consent_cookie(consent_cookie(page)["value"])  # type: ignore[index]
    assert state is not None and state.categories == {"necessary", "marketing"}


def test_hostile_texts_stay_text(site: Any, page: Any) -> None:
    evil = '<img src=x onerror="window.pwned=1"><b>bold</b>'
    site.publish(make_declaration(purpose=evil, name=evil))
    page.goto(site.origin)
    page.click(SETTINGS)
    page.locator(".stk-c", has_text="Analytics").locator("summary").click()
    assert evil in page.locator(".stk-m").inner_text()
    assert page.locator("#samtycke img").count() == 0
    assert page.locator("#samtycke b", has_text="bold").count() == 0
    page.keyboard.press("Escape")
    assert evil in page.locator(".stk-b").inner_text()
    assert page.evaluate("window.pwned") is None
    assert "GET /x" not in site.paths()


def test_settings_mark_third_party_cookies_with_their_provider(site: Any, page: Any) -> None:
    extra = """
[[services]]
id = "ads"
name = "Ads"
provider = "Ad Co"
category = "marketing"

[[cookies]]
name = "uid"
service = "ads"
domain = "ads.example"
expires = "1 year"
purpose = "Follows you."
"""
    site.publish(make_declaration(extra=extra))
    page.goto(site.origin)
    page.click(SETTINGS)
    marketing = page.locator(".stk-c", has_text="Ad Co")
    marketing.locator("summary").click()
    items = marketing.locator(".stk-k li")
    assert items.nth(0).inner_text().startswith("ad · Shop AB · shop.test · 30 days")
    assert items.nth(1).inner_text().startswith("uid · Ad Co · ads.example · third party · 1 year")
    assert items.nth(1).locator("b").nth(1).inner_text() == "third party"
