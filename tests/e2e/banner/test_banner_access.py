"""Accessibility (axe-core, keyboard, 320 px), languages, CSP and nonces, shared domains."""

from __future__ import annotations

import re
from typing import Any

import pytest

from .conftest import AXE, click_decision, consent_cookie, visible

SETTINGS = ".stk-b [data-samtycke-action=settings]"


def axe_violations(page: Any) -> list[str]:
    if not AXE.exists():
        pytest.fail(f"{AXE} is missing: run `npm ci` in banner/ (scripts/setup does)")
    page.add_script_tag(path=str(AXE))
    found = page.evaluate(
        "axe.run(document, {resultTypes: ['violations']})"
        ".then(r => r.violations.map(v => v.id + ': ' + v.nodes.map(n => n.target).join(' ')))"
    )
    return list(found)


@pytest.mark.parametrize("lang", ["en", "sv"])
def test_axe_finds_nothing_on_either_layer(site: Any, page: Any, lang: str) -> None:
    site.publish(lang=lang)
    page.goto(site.origin)
    page.locator(".stk-b").wait_for()
    assert axe_violations(page) == []
    page.click(SETTINGS)
    page.locator(".stk-c summary").first.click()
    assert axe_violations(page) == []


def test_axe_on_signal_notice_and_placeholder(site: Any, new_page: Any) -> None:
    site.publish()
    page = new_page(init_script="Object.defineProperty(navigator, 'doNotTrack', {get: () => '1'})")
    page.goto(site.origin)
    page.locator(".stk-n").wait_for()
    assert visible(page, ".stk-ph")
    assert axe_violations(page) == []


def test_keyboard_focus_moves_in_is_trapped_and_restored(site: Any, page: Any) -> None:
    site.publish(body="")
    page.goto(site.origin)
    page.locator(".stk-b").wait_for()
    active = "document.activeElement.closest('#samtycke') !== null"
    assert page.evaluate(active)
    assert page.evaluate("document.activeElement.id") == "stk-t"  # the heading, not Accept
    for _ in range(3):  # the third parties' link, the policy link, then the first button
        page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.dataset.samtyckeAction") == "accept-all"
    page.keyboard.press("Tab")
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.dataset.samtyckeAction") == "settings"
    page.keyboard.press("Enter")
    assert visible(page, ".stk-m")
    assert page.evaluate("document.activeElement.id") == "stk-st"
    for _ in range(30):  # the modal keeps focus inside, in both directions
        page.keyboard.press("Tab")
        assert page.evaluate("document.activeElement.closest('.stk-m') !== null")
    for _ in range(5):
        page.keyboard.press("Shift+Tab")
        assert page.evaluate("document.activeElement.closest('.stk-m') !== null")
    page.focus("#stk-c-analytics")
    page.keyboard.press("Space")
    assert page.is_checked("#stk-c-analytics")
    page.keyboard.press("Escape")
    page.keyboard.press("Escape")
    assert not visible(page, ".stk-b")
    # After a decision, settings opened from the page give focus back to where it was.
    page.evaluate("samtycke.rejectAll()")
    page.evaluate("document.getElementById('own').onclick = () => samtycke.show(); 0")
    page.focus("#own")
    page.keyboard.press("Enter")
    assert page.evaluate("document.activeElement.id") == "stk-st"
    page.keyboard.press("Escape")
    assert page.evaluate("document.activeElement.id") == "own"
    # Focus is visible.
    page.keyboard.press("Tab")
    outline = page.evaluate("getComputedStyle(document.activeElement).outlineStyle")
    assert outline != "none"


def test_usable_at_320_px(site: Any, new_page: Any) -> None:
    site.publish(body="")
    page = new_page(viewport={"width": 320, "height": 640})
    page.goto(site.origin)
    page.locator(".stk-b").wait_for()

    def check() -> None:
        assert page.evaluate("document.documentElement.scrollWidth") <= 320
        for box in page.evaluate(
            "[...document.querySelectorAll('#samtycke button, #samtycke .stk-sw, #samtycke select')]"
            ".filter(e => e.offsetParent).map(e => e.getBoundingClientRect().toJSON())"
        ):
            assert box["width"] >= 24 and box["height"] >= 24, box
            assert box["left"] >= 0 and box["right"] <= 320, box

    check()
    page.click(SETTINGS)
    check()
    page.click(".stk-m [data-samtycke-action=reject-all]")
    check()


def test_200_percent_text_and_reduced_motion(site: Any, new_page: Any) -> None:
    site.publish(body="")
    page = new_page(viewport={"width": 640, "height": 400}, reduced_motion="reduce")
    page.goto(site.origin)
    page.add_style_tag(content="html { font-size: 200% } .stk, .stk-btn { font-size: 2rem }")
    page.click(SETTINGS)
    assert page.evaluate("document.documentElement.scrollWidth") <= 640
    modal = page.locator(".stk-m")
    # Content taller than the screen scrolls inside the dialog, nothing is cut off.
    assert page.evaluate(
        "(() => { const m = document.querySelector('.stk-m');"
        " return m.scrollHeight > m.clientHeight })()"
    )
    modal.locator("[data-samtycke-action=save]").scroll_into_view_if_needed()
    assert modal.locator("[data-samtycke-action=save]").is_visible()
    assert (
        page.evaluate("getComputedStyle(document.querySelector('.stk-sw')).transitionDuration")
        == "0s"
    )


@pytest.mark.parametrize(
    ("options", "lang", "title"),
    [
        ({}, "fi", "Käytämme evästeitä"),
        ({"locale": "de-DE"}, "", "Wir verwenden Cookies"),
        ({"locale": "nb-NO"}, "xx", "Vi bruker informasjonskapsler"),
        ({"locale": "fr-FR"}, "", "Vi använder cookies"),  # the declaration's default
    ],
)
def test_language_from_page_then_browser_then_default(
    site: Any, new_page: Any, options: dict[str, str], lang: str, title: str
) -> None:
    site.publish(lang=lang, body="")
    page = new_page(**options)
    page.goto(site.origin)
    assert page.locator(".stk-b h2").inner_text() == title
    assert page.locator("#samtycke").get_attribute("lang") == (page.evaluate("samtycke.language"))


def test_language_switch_in_settings(site: Any, page: Any) -> None:
    site.publish(body="")
    page.goto(site.origin)
    page.click(SETTINGS)
    page.click("#stk-c-marketing")
    page.select_option("#stk-lang", "sv")
    assert page.locator(".stk-m h2").inner_text() == "Cookieinställningar"
    assert page.is_checked("#stk-c-marketing")  # choices survive the switch
    assert page.evaluate("document.activeElement.id") == "stk-lang"
    with page.expect_response("**/v1/consents"):
        page.click("[data-samtycke-action=save]")
    assert site.posts()[0]["language"] == "sv"


CSP = "script-src 'self'; style-src 'self'"


def test_works_under_strict_csp(site: Any, page: Any) -> None:
    body = (
        "<script src='/log.js'></script>"
        "<script type='text/plain' data-category='analytics' src='/slow.js'></script>"
    )
    site.publish(body=body, csp=CSP)
    site.files["/log.js"] = (
        "text/javascript",
        b"window.order = []; window.violations = [];"
        b"document.addEventListener('securitypolicyviolation', e => violations.push(e.violatedDirective));",
    )
    page.goto(site.origin)
    button = page.locator("[data-samtycke-action=accept-all]")
    # Styled by the adopted stylesheet, which style-src 'self' allows.
    assert button.evaluate("e => getComputedStyle(e).borderTopWidth") == "2px"
    button.click()
    # wait_for_function would need eval, which this policy forbids: poll from outside.
    for _ in range(50):
        if page.evaluate("window.order.length"):
            break
        page.wait_for_timeout(20)
    assert page.evaluate("window.order") == ["a2"]
    assert page.evaluate("window.violations") == []


def test_nonce_lets_gated_inline_scripts_run(site: Any, page: Any) -> None:
    body = (
        "<script nonce='n0nce'>window.order = []</script>"
        "<script type='text/plain' data-category='analytics'>order.push('inherits')</script>"
        "<script type='text/plain' data-category='analytics' nonce='n0nce'>order.push('own')</script>"
    )
    site.publish(body=body, csp="script-src 'nonce-n0nce'; style-src 'self'", nonce="n0nce")
    page.goto(site.origin)
    click_decision(page, "[data-samtycke-action=accept-all]")
    assert page.evaluate("window.order") == ["inherits", "own"]


def test_consent_cookie_is_shared_by_subdomains_and_secure_on_https(
    site: Any, new_page: Any
) -> None:
    site.publish(body="")
    page = new_page()
    # Serve the test site as https://www.shop.test: the declared domain is shop.test.
    page.context.route(
        re.compile(r"https://(www\.)?shop\.test/.*"),
        lambda route: route.fulfill(
            response=route.fetch(url=site.origin + "/" + route.request.url.split("/", 3)[3])
        ),
    )
    page.goto("https://www.shop.test/")
    click_decision(page, "[data-samtycke-action=accept-all]")
    cookie = consent_cookie(page)
    assert cookie is not None
    assert (cookie["domain"], cookie["secure"], cookie["sameSite"]) == (".shop.test", True, "Lax")
    page.evaluate("document.cookie = '_st=1;path=/;domain=shop.test'")
    page.evaluate("document.cookie = '_st=2;path=/'")
    page.evaluate("samtycke.rejectAll()")
    assert [c["name"] for c in page.context.cookies()] == ["samtycke"]
    page.goto("https://shop.test/")
    assert page.evaluate("samtycke.consent.method") == "reject-all"
