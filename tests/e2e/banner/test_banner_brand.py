"""The site's own words and brand in a real browser: overridden strings, colours, position, logo."""

from __future__ import annotations

from typing import Any

from .conftest import make_declaration
from .test_banner_access import axe_violations

BRAND = """
[banner.texts.sv]
reject_all = "Bara nödvändiga"

[banner.theme]
background = "#0b1f3a"
text = "#ffffff"
link = "#9cc3ff"
accent = "#ffd166"
button_background = "#ffd166"
button_text = "#0b1f3a"
position = "top"
logo = "/logo.svg"
font = "Georgia, serif"
"""
LOGO = b'<svg xmlns="http://www.w3.org/2000/svg" width="80" height="20"><rect width="80" height="20"/></svg>'


def test_theme_and_overrides_reach_the_page(site: Any, page: Any) -> None:
    site.publish(make_declaration(extra=BRAND), lang="sv", body="")
    site.files["/logo.svg"] = ("image/svg+xml", LOGO)
    page.goto(site.origin)
    banner = page.locator(".stk-b")
    banner.wait_for()
    reject = banner.locator("[data-samtycke-action=reject-all]")
    assert reject.inner_text() == "Bara nödvändiga"
    style = "(e, p) => getComputedStyle(e)[p]"
    for action in ("accept-all", "reject-all", "settings"):  # still one style for all three
        button = banner.locator(f"[data-samtycke-action={action}]")
        assert button.evaluate(style, "backgroundColor") == "rgb(255, 209, 102)"
        assert button.evaluate(style, "color") == "rgb(11, 31, 58)"
    assert banner.evaluate(style, "backgroundColor") == "rgb(11, 31, 58)"
    assert "Georgia" in banner.evaluate(style, "fontFamily")
    assert banner.bounding_box()["y"] < 20  # type: ignore[index]  # at the top
    assert banner.locator("img.stk-logo").get_attribute("alt") == ""
    assert axe_violations(page) == []


def test_top_banner_keeps_focused_content_clear_at_the_top(site: Any, new_page: Any) -> None:
    body = "".join(f'<p><a href="#" id="p{i}">Link {i}</a></p>' for i in range(30))
    site.publish(make_declaration(extra=BRAND), body=body)
    page = new_page(viewport={"width": 320, "height": 480})
    page.goto(site.origin)
    page.locator(".stk-b").wait_for()
    pad = page.evaluate("document.documentElement.style.scrollPaddingTop")
    height = page.evaluate("document.querySelector('.stk-b').offsetHeight")
    assert pad.endswith("px") and float(pad[:-2]) >= height
