"""WCAG 2.2 AA on both layers at 320 px, 200 % and 400 % zoom: axe, and what axe cannot see.

Zoom is a smaller CSS viewport: 200 % of 1280×720 is 640×360, 400 % is 320×180.
"""

from __future__ import annotations

from typing import Any

import pytest

from .conftest import visible
from .test_banner_access import axe_violations

VIEWPORTS = {
    "320px": {"width": 320, "height": 640},
    "200%": {"width": 640, "height": 360},
    "400%": {"width": 320, "height": 180},
}
# A long page: links spread over it, the last one at its very end.
LONG = "".join(f'<p>Paragraph {i}. <a href="#p{i}" id="p{i}">Link {i}</a></p>' for i in range(25))

# Is some part of the focused element on screen and not under anything of samtycke's?
UNCOVERED = """() => {
  const e = document.activeElement, r = e.getBoundingClientRect();
  for (let i = 1; i < 6; i++) for (let j = 1; j < 6; j++) {
    const x = r.left + r.width * i / 6, y = r.top + r.height * j / 6;
    if (x < 0 || y < 0 || x >= innerWidth || y >= innerHeight) continue;
    const hit = document.elementFromPoint(x, y);
    if (hit && (hit === e || e.contains(hit))) return true;
  }
  return false;
}"""


def _tab_through_page(page: Any) -> list[str]:
    """Tab until focus has visited every page link; the ids of those left fully hidden."""
    hidden, seen = [], set()
    for _ in range(80):
        page.keyboard.press("Tab")
        el = page.evaluate("document.activeElement.id || document.activeElement.tagName")
        inside = page.evaluate("!!document.activeElement.closest('#samtycke')")
        if not inside and el.startswith("p"):
            seen.add(el)
            if not page.evaluate(UNCOVERED):
                hidden.append(el)
        if len(seen) == 25:
            break
    assert len(seen) == 25, f"focus reached only {sorted(seen)}"
    return hidden


@pytest.mark.parametrize("size", list(VIEWPORTS))
def test_focused_page_content_is_never_hidden_behind_the_banner(
    site: Any, new_page: Any, size: str
) -> None:
    site.publish(body=LONG)
    page = new_page(viewport=VIEWPORTS[size])
    page.goto(site.origin)
    page.locator(".stk-b").wait_for()
    assert _tab_through_page(page) == []  # 2.4.11 with the first layer shown
    page.click("[data-samtycke-action=reject-all]")
    page.locator(".stk-r").wait_for()
    page.focus("#samtycke .stk-r")
    assert _tab_through_page(page) == []  # and with only the settings control left


@pytest.mark.parametrize("size", list(VIEWPORTS))
def test_axe_reflow_and_text_spacing_on_both_layers(site: Any, new_page: Any, size: str) -> None:
    site.publish(body=LONG)
    page = new_page(viewport=VIEWPORTS[size])
    page.goto(site.origin)
    page.locator(".stk-b").wait_for()
    # 1.4.12: the text spacing a reader may set must not clip or hide anything.
    page.add_style_tag(
        content="#samtycke *{line-height:1.5!important;letter-spacing:.12em!important;"
        "word-spacing:.16em!important}#samtycke p{margin-bottom:2em!important}"
    )
    for layer in (".stk-b", ".stk-m"):
        if layer == ".stk-m":
            page.click(".stk-b [data-samtycke-action=settings]")
            page.locator(".stk-c summary").first.click()
        assert axe_violations(page) == [], layer
        # 1.4.10: no scrolling sideways, nothing cut off at the side, no text overflowing its box.
        clipped = page.evaluate(
            """(sel) => [...document.querySelectorAll(sel + ' *')].filter(e => {
                 const r = e.getBoundingClientRect();
                 return r.width && (r.right > innerWidth + 1 || r.left < -1 ||
                   (e.matches('button,a,label,h2,h3,p') && e.scrollWidth > e.clientWidth + 1));
               }).map(e => e.outerHTML.slice(0, 60))""",
            layer,
        )
        assert clipped == [], layer
        assert page.evaluate("document.documentElement.scrollWidth <= innerWidth")


def test_banner_comes_first_in_reading_order(site: Any, page: Any) -> None:
    site.publish()
    page.goto(site.origin)
    page.locator(".stk-b").wait_for()
    assert page.evaluate("document.body.firstElementChild.id") == "samtycke"


def test_focus_returns_to_the_floating_control(site: Any, page: Any) -> None:
    site.publish(body="")
    page.goto(site.origin)
    page.click("[data-samtycke-action=reject-all]")
    control = page.locator("#samtycke .stk-r")
    control.wait_for()  # it shows once the click has painted, as a person sees it
    control.focus()
    page.keyboard.press("Enter")
    assert visible(page, ".stk-m")
    page.keyboard.press("Escape")
    # The same element, still in the page, has focus again: not <body>.
    assert page.evaluate("document.activeElement.classList.contains('stk-r')")
    page.keyboard.press("Enter")
    page.click(".stk-m [data-samtycke-action=save]")
    assert page.evaluate("document.activeElement.classList.contains('stk-r')")


def test_heading_takes_focus_without_a_ring(site: Any, page: Any) -> None:
    site.publish()
    page.goto(site.origin)
    page.locator(".stk-b").wait_for()
    assert page.evaluate("document.activeElement.id") == "stk-t"
    style = page.evaluate("getComputedStyle(document.activeElement).outlineStyle")
    assert style == "none"
    page.keyboard.press("Tab")  # a control reached by keyboard does show its ring
    assert page.evaluate("getComputedStyle(document.activeElement).outlineStyle") == "solid"


def test_signal_notice_is_announced(site: Any, new_page: Any) -> None:
    site.publish()
    page = new_page(init_script="Object.defineProperty(navigator, 'doNotTrack', {get: () => '1'})")
    page.goto(site.origin)
    page.locator(".stk-n").wait_for()
    notice = page.locator(".stk-n p").inner_text()
    # The live region existed before the notice; its text changes, so it is read out.
    page.wait_for_function(
        "t => document.querySelector('#samtycke [role=status]').textContent === t", arg=notice
    )
