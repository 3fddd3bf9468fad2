"""A click on a decision paints first: the layer goes and focus moves within the click;
the reopen control, the cookie, Consent Mode, the gated content, the event and the consent
API follow once that frame is drawn, in that order, and before the page can be left."""

from __future__ import annotations

from typing import Any

import pytest

from .conftest import click_decision, make_declaration

ACCEPT = "[data-samtycke-action=accept-all]"

# What the page sees, at the end of the click (a listener on window runs after samtycke's on
# document), at the next animation frame, when a gated tag runs and at samtycke:change.
WATCH = """
window.log = [];
window.seen = (at) => log.push({
  at,
  banner: !!document.querySelector("#samtycke .stk-b"),
  control: !!document.querySelector("#samtycke .stk-r:not([hidden])"),
  focus: document.activeElement && document.activeElement.className,
  consent: window.samtycke && samtycke.consent && samtycke.consent.method,
  cookie: document.cookie.includes("samtycke="),
  updates: (window.dataLayer || []).filter((a) => a[0] == "consent" && a[1] == "update").length,
});
addEventListener("click", () => {
  seen("click");
  requestAnimationFrame(() => seen("frame"));
});
addEventListener("samtycke:change", () => seen("change"));
"""
TAG = '<script type="text/plain" data-category="analytics">seen("tag")</script>'


def test_the_click_only_hides_the_layer_and_the_rest_follows_in_order(
    site: Any, new_page: Any
) -> None:
    site.publish(make_declaration(gcm=True), body=TAG)
    page = new_page(init_script=WATCH)
    page.goto(site.origin)
    click_decision(page, ACCEPT)
    log = page.evaluate("log")
    assert [e["at"] for e in log] == ["click", "frame", "tag", "change"]
    click, frame, tag, change = log
    # Within the click: the layer is gone and the decision answers, nothing else yet.
    assert (click["banner"], click["consent"]) == (False, "accept-all")
    assert (click["control"], click["cookie"], click["updates"]) == (False, False, 0)
    assert (frame["control"], frame["cookie"], frame["updates"]) == (False, False, 0)
    # After the frame: the control, stored, Consent Mode updated before the tag runs, the event.
    assert (tag["control"], tag["cookie"], tag["updates"]) == (True, True, 1)
    assert (change["control"], change["cookie"], change["updates"]) == (True, True, 1)
    page.wait_for_function("localStorage.getItem('samtycke.pending') === null")
    assert [p["method"] for p in site.posts()] == ["accept-all"]


def test_focus_moves_back_within_the_click(site: Any, new_page: Any) -> None:
    site.publish(body="")
    page = new_page(init_script=WATCH)
    page.goto(site.origin)
    click_decision(page, "[data-samtycke-action=reject-all]")
    page.focus("#samtycke .stk-r")
    page.keyboard.press("Enter")  # a click too: its frame is logged after it, not before
    page.wait_for_function("log.at(-1).at == 'frame'")
    page.evaluate("log.length = 0")
    click_decision(page, ".stk-m [data-samtycke-action=save]")
    click = page.evaluate("log[0]")
    assert (click["at"], click["focus"], click["cookie"]) == ("click", "stk-r", True)
    assert page.evaluate("document.activeElement.className") == "stk-r"


def leave_in_the_same_task(page: Any) -> None:
    """Click Accept all and reload before the click's task ends: no frame comes between."""
    with page.expect_navigation():
        page.evaluate(f"document.querySelector({ACCEPT!r}).click(); location.reload()")


def reload_after_the_click(page: Any) -> None:
    """Click Accept all as a person would, and reload at once from the browser."""
    page.click(ACCEPT)
    page.reload()


@pytest.mark.parametrize("leave", [leave_in_the_same_task, reload_after_the_click])
def test_a_reload_right_after_the_click_keeps_the_choice(
    site: Any, new_page: Any, leave: Any
) -> None:
    site.publish(
        body='<script>window.order = []</script><script type="text/plain" '
        'data-category="marketing">order.push("m")</script>'
    )
    page = new_page()
    page.goto(site.origin)
    page.locator(".stk-b").wait_for()
    leave(page)
    # The reload's own request already carries the decision (the server can act on it).
    loads = [h for h in site.hits if h.method == "GET" and h.path == "/"]
    assert len(loads) == 2 and "samtycke=" in loads[-1].headers.get("Cookie", "")
    page.locator(".stk-r").wait_for()
    assert page.evaluate("[samtycke.consent.method, window.order]") == ["accept-all", ["m"]]
    assert page.locator(".stk-b").count() == 0
    # Recorded once: sent while leaving, or kept and sent again by the new page.
    page.wait_for_function("localStorage.getItem('samtycke.pending') === null")
    posts = site.posts()
    assert {p["method"] for p in posts} == {"accept-all"}
    assert len({p["decision_id"] for p in posts}) == 1
