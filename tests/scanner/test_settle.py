"""Settling waits for the page's pending timers, not a fixed sleep, and polling loops do not hold it."""

from __future__ import annotations

from samtycke.scanner import ScanOptions, scan
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
