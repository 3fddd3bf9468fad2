"""One page's visit: the links it hands to the crawl, and when each phase opens its contexts."""

from __future__ import annotations

from email.message import Message
from typing import Any
from urllib.parse import urlsplit

import pytest

from samtycke.scanner import ScanOptions, driver, scan, visit
from tests.scanner.fixture_apps import Answer, html, not_found, serve_app
from tests.scanner.fixture_site import BANNER, serve_pages

# Links in the light DOM, in an open shadow root and in one nested inside it.
HOME = html(
    "Home",
    """<a href="/a">A</a><div id="host"></div><a href="/d">D</a>
<script>
  const outer = document.getElementById("host").attachShadow({ mode: "open" });
  outer.innerHTML = '<a href="/b">B</a><span id="inner"></span><a>no href</a>';
  const inner = outer.getElementById("inner").attachShadow({ mode: "open" });
  inner.innerHTML = '<a href="/c">C</a>';
</script>""",
)


def _route(path: str, headers: Message) -> Answer:
    if path == "/":
        return 200, HOME, [], {}
    if path in ("/a", "/b", "/c", "/d"):
        return 200, html(path, '<a href="/">Home</a>'), [], {}
    return not_found()


def test_links_in_open_shadow_roots_are_followed_after_the_documents_own() -> None:
    with serve_app(_route) as port:
        result = scan(
            f"http://127.0.0.1:{port}/",
            options=ScanOptions(settle=0.4, banner_wait=0.5, screenshot=False),
        )
    assert [urlsplit(p).path for p in result.pages] == ["/", "/a", "/d", "/b", "/c"]
    assert {v.phase for v in result.visits} == {"before-consent", "after-reject", "after-accept"}


def test_every_phase_opens_its_first_context_before_the_banner_is_clicked(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # The pools' contexts (the decision pages open theirs apart) and the clicks, in order.
    events: list[tuple[str, str]] = []
    real_open, real_click = visit.open_context, driver._click_target

    async def opening(visitor: visit.Visitor) -> visit.Worker:
        events.append(("open", visitor.phase))
        return await real_open(visitor)

    async def clicking(frame: Any) -> bool:
        events.append(("click", ""))
        return await real_click(frame)

    monkeypatch.setattr(visit, "open_context", opening)
    monkeypatch.setattr(driver, "_click_target", clicking)
    home = html("Home", '<a href="/a">A</a>' + BANNER)
    with serve_pages({"/": (home, []), "/a": (html("A", BANNER), [])}) as origin:
        result = scan(origin + "/", options=ScanOptions(settle=1, screenshot=False))
    first_click = events.index(("click", ""))
    opened = {phase for what, phase in events[:first_click] if what == "open"}
    assert opened == {"before-consent", "after-reject", "after-accept"}
    # Opened before the answer existed, the start page's context still loads with it.
    seen = {
        (v.phase, v.url.removeprefix(origin), v.decision): {c.name for c in v.cookies}
        for v in result.visits
    }
    assert "_ga" in seen[("after-accept", "/", False)]
    assert "_ga" not in seen[("after-reject", "/", False)]
    # What a page writes again over the answer's state is that page's too, even
    # where the jar looks unchanged: a session cookie of the same value, or one
    # whose expiry falls in the same second as the state's.
    for page in ("/", "/a"):
        assert seen[("after-accept", page, False)] == {
            "_ga",
            "_hjSessionUser_1234",
            "mystery",
            "trk_early",
        }
        assert seen[("after-reject", page, False)] == {"trk_early"}
    assert "OptanonConsent" not in seen[("before-consent", "/", False)]
