"""Contextual consent for embeds: a translated, accessible placeholder before any decision,
"load once" and "always allow <service>", YouTube through youtube-nocookie."""

from __future__ import annotations

from typing import Any

from samtycke.consent import decode_consent_cookie

from .conftest import consent_cookie, make_declaration
from .test_banner_access import axe_violations

VIDEO = """
[[services]]
id = "youtube"
name = "YouTube"
provider = "Google"
category = "marketing"

[[services]]
id = "ads"
name = "Ads"
provider = "Ad Co"
category = "marketing"
"""
EMBEDS = """
<iframe title="Our video" width="320" height="180" data-category="marketing" data-service="youtube"
  data-src="https://www.youtube.com/embed/abc123"></iframe>
<iframe title="Map" data-category="marketing" data-src="https://www.google.com/maps/embed?pb=x"></iframe>
<iframe title="Clip" data-category="marketing" data-src="/frame.html"></iframe>
<iframe title="Ad" data-category="marketing" data-service="ads" data-src="/frame.html"></iframe>
"""


def _open(site: Any, page: Any, lang: str = "en") -> None:
    site.publish(make_declaration(extra=VIDEO), body=EMBEDS, lang=lang)
    # Nothing may reach YouTube or Google before consent: answer such requests with nothing.
    page.route("https://**/*", lambda route: route.fulfill(status=204, body=""))
    page.goto(site.origin)
    page.locator(".stk-b").wait_for()


def test_placeholders_show_before_any_decision_and_are_accessible(site: Any, page: Any) -> None:
    _open(site, page)
    holders = page.locator(".stk-ph")
    assert holders.count() == 4
    assert page.evaluate("[...document.querySelectorAll('iframe')].every(f => !f.src && f.hidden)")
    youtube, maps, clip = (holders.nth(i) for i in range(3))
    assert (
        youtube.get_attribute("role") == "region"
        and youtube.get_attribute("aria-label") == "YouTube"
    )
    assert youtube.inner_text().split("\n") == [
        "This YouTube content is not loaded yet: it would set marketing cookies.",
        "",
        "Load once",
        "Always allow YouTube",
    ]
    # An undeclared but well-known embed is named; it can only be allowed with its category.
    assert "This Google Maps content" in maps.inner_text()
    assert "Allow marketing cookies" in maps.inner_text()
    assert clip.inner_text().startswith(
        "This content is blocked because it uses marketing cookies."
    )
    # The placeholder keeps the iframe's size, so the page does not move when it loads.
    assert youtube.bounding_box()["width"] == 320  # type: ignore[index]
    assert axe_violations(page) == []


def test_placeholder_speaks_the_page_language(site: Any, page: Any) -> None:
    _open(site, page, lang="sv")
    text = page.locator(".stk-ph").first.inner_text()
    assert "Innehållet från YouTube är inte laddat" in text
    assert "Ladda en gång" in text and "Tillåt alltid YouTube" in text


def test_load_once_loads_this_embed_only_and_records_nothing(site: Any, page: Any) -> None:
    _open(site, page)
    page.locator(".stk-ph").first.locator("[data-samtycke-once]").click()
    frame = page.locator("iframe").first
    assert frame.get_attribute("src") == "https://www.youtube-nocookie.com/embed/abc123"
    assert page.evaluate("document.activeElement.tagName") == "IFRAME"  # focus follows
    assert page.locator(".stk-ph").count() == 3
    assert consent_cookie(page) is None and site.posts() == []
    page.reload()  # once means once
    page.locator(".stk-b").wait_for()
    assert page.locator(".stk-ph").count() == 4


def test_always_allow_a_service_records_it_with_source_placeholder(site: Any, page: Any) -> None:
    _open(site, page)
    with page.expect_response("**/v1/consents"):
        page.locator(".stk-ph").first.locator("[data-samtycke-allow]").click()
    (body,) = site.posts()
    assert body["source"] == "placeholder" and body["method"] == "custom"
    assert body["choices"]["marketing"] is True
    state = decode_consent_cookie(consent_cookie(page)["value"])  # type: ignore[index]
    assert state is not None
    # YouTube alone: the category's other service stays refused.
    assert "marketing" in state.categories and state.refused_services == {"ads"}
    assert (
        page.locator("iframe")
        .first.get_attribute("src")
        .startswith(  # type: ignore[union-attr]
            "https://www.youtube-nocookie.com/"
        )
    )
    # Another service of the category still waits; embeds named by no service go with
    # the category, which is now accepted (the consent cookie holds refusals, not grants).
    assert page.locator(".stk-ph").count() == 1
    assert page.locator(".stk-ph").get_attribute("aria-label") == "Ads"
    assert page.evaluate("samtycke.accepted('marketing')") is True
