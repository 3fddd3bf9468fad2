"""When a page is done: nothing pending and a cookie jar that has stopped changing.

A fixed sleep either wastes time or misses the tracker that sets its cookie a
few seconds after load. Instead an init script, run in every frame before the
page's own scripts, records the page's one-shot timers (``setTimeout`` up to a
horizon; chains of timers that re-arm themselves are followed only a few links
deep, so a polling loop cannot hold the page open) and the cookies scripts
write. The scanner waits while a request is in flight or a timer is due, then
for the jar to stay unchanged: a quarter of ``settle`` when the page reports
nothing pending, else ``settle`` seconds and until no timer is due within
``settle`` more — always within ``settle_cap``. The jar is looked at every
poll, and sooner where something is known to be due sooner: just after the
soonest timer, so what it sets is seen when it is set, and when the quiet
stretch ends, so the page is done then and not at the next whole poll.
"""

from __future__ import annotations

import asyncio
from asyncio import sleep
from collections.abc import Awaitable, Callable
from typing import Any

TIMER_HORIZON_MS = 10_000
POLL_SECONDS = 0.2
# The next look comes sooner than a poll when something is known to be due
# sooner: a timer (looked at this long after it is due, so it has run) or the
# end of the quiet stretch. Never sooner than this, so a page is not spun on.
_AFTER_TIMER = 0.02
_MIN_WAIT = 0.02

INIT_SCRIPT = """
(() => {
  if (window.__samtyckeScan) return;
  const s = { timers: new Map(), writes: [], blocked: [], depth: 0 };
  Object.defineProperty(window, "__samtyckeScan", { value: s, enumerable: false });
  const setT = window.setTimeout, clearT = window.clearTimeout;
  window.setTimeout = function (fn, delay, ...args) {
    const ms = Number(delay) || 0;
    const depth = s.depth + 1;
    if (typeof fn !== "function") return setT.call(window, fn, delay, ...args);
    let id;
    const run = function () {
      s.timers.delete(id);
      const outer = s.depth;
      s.depth = depth;
      try { return fn.apply(this, arguments); } finally { s.depth = outer; }
    };
    id = setT.call(window, run, delay, ...args);
    if (ms <= __HORIZON__ && depth <= 3) s.timers.set(id, Date.now() + ms);
    return id;
  };
  window.clearTimeout = function (id) { s.timers.delete(id); return clearT.call(window, id); };
  // Closed shadow roots cannot be found from outside; keep each one so a
  // banner drawn inside one can still be answered.
  s.shadows = [];
  const attach = Element.prototype.attachShadow;
  Element.prototype.attachShadow = function (init) {
    const root = attach.call(this, init);
    if (init && init.mode === "closed") s.shadows.push(root);
    return root;
  };
  // Where the browser blocks a cross-site frame's storage (as headless
  // Chromium does with third-party cookies blocked), stand in with a recorder,
  // so the keys the page would store in an ordinary browser are known.
  s.real = {};
  for (const kind of ["localStorage", "sessionStorage"]) {
    const owner = Object.getOwnPropertyDescriptor(window, kind) ? window : Window.prototype;
    const d = Object.getOwnPropertyDescriptor(owner, kind);
    if (!d || !d.get || !d.configurable) continue;
    s.real[kind] = () => d.get.call(window);
    let stand = null;
    Object.defineProperty(owner, kind, {
      configurable: true,
      enumerable: d.enumerable,
      get() {
        try { return d.get.call(window); } catch (e) {
          if (!stand) {
            const m = new Map();
            stand = {
              getItem: (k) => (m.has(String(k)) ? m.get(String(k)) : null),
              setItem: (k, v) => { m.set(String(k), String(v)); s.blocked.push([kind, String(k)]); },
              removeItem: (k) => { m.delete(String(k)); },
              clear: () => m.clear(),
              key: (i) => [...m.keys()][i] ?? null,
              get length() { return m.size; },
            };
          }
          return stand;
        }
      },
    });
  }
  const jar = Object.getOwnPropertyDescriptor(Document.prototype, "cookie");
  if (jar && jar.configurable) {
    Object.defineProperty(Document.prototype, "cookie", {
      configurable: true,
      enumerable: jar.enumerable,
      get() { return jar.get.call(this); },
      set(v) { s.writes.push(String(v)); jar.set.call(this, v); },
    });
  }
})();
""".replace("__HORIZON__", str(TIMER_HORIZON_MS))

# Milliseconds until the frame's soonest one-shot timer is due (0 when it is
# overdue but has not run yet), or -1 when none is pending; a timer more than
# a second overdue never ran (its frame is frozen) and is dropped.
_NEXT_TIMER = """() => {
  const s = window.__samtyckeScan;
  if (!s) return -1;
  const now = Date.now();
  let soonest = -1;
  for (const [id, due] of s.timers) {
    if (due + 1000 < now) s.timers.delete(id);
    else if (soonest < 0 || due < soonest) soonest = due;
  }
  return soonest < 0 ? -1 : Math.max(0, soonest - now);
}"""


async def _never() -> bool:
    return False


async def next_timer(page: Any) -> float | None:
    """Seconds until the soonest one-shot timer of any frame is due; ``None`` when none is."""
    soonest: float | None = None
    for frame in page.frames:
        try:
            ms = float(await frame.evaluate(_NEXT_TIMER))
        except Exception:  # a frame that navigated or closed meanwhile has nothing pending
            continue
        if ms >= 0 and (soonest is None or ms < soonest):
            soonest = ms
    return None if soonest is None else soonest / 1000


async def wait_settled(
    page: Any,
    *,
    inflight: Callable[[], int],
    last_activity: Callable[[], float],
    poll_jar: Callable[[], Awaitable[bool]],
    settle: float,
    cap: float,
    hold: Callable[[], Awaitable[bool]] = _never,
) -> str:
    """Wait until the page is done; returns which rule ended the wait.

    ``"quiet"``: nothing happened for a quarter of ``settle`` and no one-shot
    timer is pending; ``"idle"``: nothing happened for ``settle`` and no timer
    is due within ``settle`` either, or nothing happened for twice ``settle``
    (a far timer is not waited for, one about to fire is, and timers that keep
    being set anew hold the page no longer than that); ``"cap"``: the page was
    still busy after ``cap`` seconds.

    ``inflight`` counts the page's open requests, ``last_activity`` is the loop
    time of the last request event, ``poll_jar`` snapshots the jar and says
    whether it changed; ``hold`` runs on every poll and keeps the page open
    while it returns True (the banner driver uses it to wait for a banner).
    """
    loop = asyncio.get_running_loop()
    start = loop.time()
    changed_at = start
    wait = POLL_SECONDS
    while True:
        await sleep(wait)
        wait = POLL_SECONDS
        now = loop.time()
        if await poll_jar():
            changed_at = now
        if now - start >= cap:
            return "cap"
        if await hold():
            changed_at = loop.time()
            continue
        if inflight() > 0:
            continue
        quiet = now - max(changed_at, last_activity())
        if quiet < settle / 4:
            # The next look when the quiet stretch would be long enough.
            wait = _sooner(settle / 4 - quiet)
            continue
        due = await next_timer(page)
        if due is None:
            return "quiet"
        if (quiet >= settle and due > settle) or quiet >= 2 * settle:
            return "idle"
        # A timer about to fire: look just after it has, so what it sets is
        # seen then and the quiet stretch counted from there.
        wait = _sooner(due + _AFTER_TIMER)


def _sooner(seconds: float) -> float:
    """A wait of ``seconds`` where that is shorter than a poll, never less than a few ms."""
    return min(POLL_SECONDS, max(_MIN_WAIT, seconds))
