"""Settling waits for the page's pending timers, not a fixed sleep, and polling loops do not hold it."""

from __future__ import annotations

import asyncio
from typing import Any

import pytest

from samtycke.scanner import ScanOptions, scan, settle
from samtycke.scanner.browser import launch_browser
from tests.scanner.fixture_site import serve_pages

PAGE = """<!doctype html><html><head><title>Poll</title></head><body><p>Busy page.</p>
<script>
  // A polling loop that re-arms itself for ever (must not hold the page open).
  (function poll() { setTimeout(poll, 100); })();
  // A tracker whose cookie comes 1.6 s after start, through two nested timers.
  setTimeout(function () {
    setTimeout(function () { document.cookie = "slow=1; path=/"; }, 800);
  }, 800);
</script></body></html>"""


def test_nested_late_timer_waited_for_and_polling_loop_ignored() -> None:
    options = ScanOptions(max_pages=1, settle=6.0, settle_cap=20.0)
    with serve_pages({"/": (PAGE, [])}) as origin:
        result = scan(origin + "/", options=options)
    assert {c.name: c.phases for c in result.cookies} == {
        "slow": ["before-consent", "after-reject", "after-accept"]
    }
    # Settled on the short rule (a quarter of settle once no one-shot timer is
    # pending), not after the full settle time, and the polling loop did not
    # hold the page until the cap.
    before = next(v for v in result.visits if v.phase == "before-consent")
    assert before.settled == "quiet"


BEACON = """<!doctype html><html><head><title>Beacon</title></head><body><p>Bye.</p>
<script>fetch("/beacon", { method: "POST", keepalive: true, body: "x" });</script>
</body></html>"""


def test_keepalive_request_does_not_hold_the_page() -> None:
    # Chromium never reports the end of a keepalive fetch (a consent POST, a
    # beacon); its response is enough. Else the page would wait 5 s for it.
    with serve_pages({"/": (BEACON, [])}) as origin:
        result = scan(origin + "/", options=ScanOptions(max_pages=1, settle=2.0))
    before = next(v for v in result.visits if v.phase == "before-consent")
    assert before.error is None and before.settled == "quiet"


TIMER_PAST_SETTLE = """<!doctype html><html><head><title>Late</title></head><body><p>Late.</p>
<script>
  document.cookie = "early=1; path=/";
  // Due later than `settle` after the jar last changed, but about to fire by then.
  window.addEventListener("load", function () {
    setTimeout(function () { document.cookie = "later=1; path=/"; }, 1800);
  });
</script></body></html>"""


def test_timer_due_soon_after_settle_is_waited_for() -> None:
    # The jar changes on load (`early`); a page that is merely quiet for
    # `settle` is not done while a timer is about to fire.
    options = ScanOptions(max_pages=1, settle=1.0)
    with serve_pages({"/": (TIMER_PAST_SETTLE, [])}) as origin:
        result = scan(origin + "/", options=options)
    for visit in result.visits:
        assert "later" in {c.name for c in visit.cookies}, visit.phase
    before = next(v for v in result.visits if v.phase == "before-consent")
    assert before.settled == "quiet"


FAR_TIMER = """<!doctype html><html><head><title>Far</title></head><body><p>Far.</p>
<script>setTimeout(function () { document.cookie = "far=1; path=/"; }, 9000);</script>
</body></html>"""


def test_a_far_timer_does_not_hold_the_page() -> None:
    with serve_pages({"/": (FAR_TIMER, [])}) as origin:
        result = scan(origin + "/", options=ScanOptions(max_pages=1, settle=1.0))
    before = next(v for v in result.visits if v.phase == "before-consent")
    assert before.settled == "idle" and "far" not in {c.name for c in before.cookies}


SOON = """<!doctype html><html><head><title>Soon</title></head><body><p>Soon.</p>
<script>window.addEventListener("load", function () {
  setTimeout(function () { document.cookie = "soon=1; path=/"; }, 1500);
});</script></body></html>"""


async def _looks(origin: str, settle_for: float) -> tuple[str, list[tuple[str, float]]]:
    """How one page's wait ended and what it did in order: waits, timers due, looks at the jar."""
    from playwright.async_api import async_playwright

    done: list[tuple[str, float]] = []
    next_timer = settle.next_timer

    async def wait(seconds: float) -> None:
        done.append(("wait", seconds))
        await asyncio.sleep(seconds)

    async def due(page: Any) -> float | None:
        soonest = await next_timer(page)
        done.append(("due", -1.0 if soonest is None else soonest))
        return soonest

    async with async_playwright() as pw:
        browser = await launch_browser(pw)
        try:
            context = await browser.new_context()
            await context.add_init_script(settle.INIT_SCRIPT)
            page = await context.new_page()
            await page.goto(origin + "/", wait_until="load")
            jar: set[str] = set()

            async def poll_jar() -> bool:
                when = asyncio.get_running_loop().time()
                now = {c["name"] for c in await context.cookies()}
                changed = now != jar
                jar.update(now)
                done.append(("look" if changed else "unchanged", when))
                return changed

            with pytest.MonkeyPatch.context() as mp:
                mp.setattr(settle, "sleep", wait)
                mp.setattr(settle, "next_timer", due)
                rule = await settle.wait_settled(
                    page,
                    inflight=lambda: 0,
                    last_activity=lambda: 0.0,
                    poll_jar=poll_jar,
                    settle=settle_for,
                    cap=10.0,
                )
        finally:
            await browser.close()
    return rule, done


def test_the_page_is_looked_at_when_its_timer_has_run_and_when_the_quiet_ends() -> None:
    with serve_pages({"/": (SOON, [])}) as origin:
        rule, done = asyncio.run(_looks(origin, settle_for=2.0))
    assert rule == "quiet"
    seen = next(i for i, (what, _) in enumerate(done) if what == "look")  # the timer's cookie
    # The wait before it ended just after the timer was due, not up to a poll later…
    last_due = next(v for what, v in reversed(done[:seen]) if what == "due")
    assert done[seen - 1][0] == "wait"
    assert done[seen - 1][1] <= max(last_due, 0.0) + 0.05
    # …and the last one ended with the quiet stretch, not on the next whole poll.
    last = max(i for i, (what, _) in enumerate(done) if what == "wait")
    before_last = next(v for what, v in reversed(done[:last]) if what == "unchanged")
    quiet_left = 2.0 / 4 - (before_last - done[seen][1])
    assert done[last][1] <= max(quiet_left, 0.02) + 0.05
