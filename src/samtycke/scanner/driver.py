"""Drive a consent banner the way a visitor would, one step per poll.

Each :meth:`BannerDriver.step` looks, in every frame, for

1. the button of the first layer: samtycke's hooks, a platform's selectors,
   then a button whose whole text is a known phrase (``banner_rules.TEXTS``);
2. the platform's own JavaScript API (OneTrust, Cookiebot, Usercentrics,
   Didomi), where the page has one but shows no usable button;
3. the way to the second layer ("Settings", "Manage options"): it is clicked
   and the next steps look there for "Reject all", or switch every optional
   purpose off and press "Save" / "Confirm my choices".

Finding is one script per frame (selectors, open shadow roots, closed ones the
init script recorded, and texts, checked in the page), so a click lands a few
milliseconds after the banner shows; the click itself is Playwright's, a real
pointer event on the element.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from typing import Any

from samtycke.scanner.banner_rules import API, RULES, SAMTYCKE, TEXTS, Action, Kind

BeforeClick = Callable[[], Awaitable[None]]

# Picks the element to click and keeps it in a page variable; returns its
# banner's name (or null). With rules, the first visible element matching a
# platform's selector wins; with phrases, the first visible button-like
# element whose whole text is one. ``uncheck`` switches off every optional
# purpose in the dialogue of the chosen "Save" button first.
_FIND = """([rules, phrases, uncheck]) => {
  const s = window.__samtyckeScan;
  window.__samtyckeTarget = null;
  const roots = [document];
  const walk = (root) => {
    for (const el of root.querySelectorAll("*")) {
      if (el.shadowRoot) { roots.push(el.shadowRoot); walk(el.shadowRoot); }
    }
  };
  walk(document);
  for (const r of (s && s.shadows) || []) { roots.push(r); walk(r); }
  const visible = (el) => {
    const r = el.getBoundingClientRect();
    const st = getComputedStyle(el);
    return r.width > 0 && r.height > 0 && st.visibility !== "hidden" && st.display !== "none";
  };
  const optOut = (el) => {
    const box = el.closest('[role="dialog"], dialog, [aria-modal="true"]') || el.getRootNode();
    const toggles = box.querySelectorAll('input[type="checkbox"], [role="switch"], [role="checkbox"]');
    for (const t of toggles) {
      if (t.disabled || t.getAttribute("aria-disabled") === "true") continue;
      if (t.tagName === "INPUT") { if (t.checked) t.click(); }
      else if (t.getAttribute("aria-checked") === "true") t.click();
    }
  };
  const pick = (el, name) => {
    if (uncheck) optOut(el);
    window.__samtyckeTarget = el;
    return name;
  };
  for (const [name, selectors] of rules) {
    for (const sel of selectors) {
      for (const root of roots) {
        for (const el of root.querySelectorAll(sel)) if (visible(el)) return pick(el, name);
      }
    }
  }
  if (!phrases.length) return null;
  const wanted = new Set(phrases);
  const norm = (t) => (t || "").toLowerCase().replace(/\\s+/g, " ")
    .replace(/^[\\s✓✔×✕]+|[\\s.!›»→✓✔]+$/g, "").trim();
  const sel = 'button, a, [role="button"], input[type="button"], input[type="submit"]';
  for (const root of roots) {
    for (const el of root.querySelectorAll(sel)) {
      const text = norm(el.tagName === "INPUT" ? el.value : el.innerText || el.textContent);
      const label = norm(el.getAttribute("title") || el.getAttribute("aria-label"));
      if ((wanted.has(text) || (!text && wanted.has(label))) && visible(el)) return pick(el, "text");
    }
  }
  return null;
}"""

# Calls a platform's own API for the choice; returns the platform's name or null.
_API = """async ([apis, accept, dry]) => {
  // At most 3 s per call; the timer is cleared so it never holds the page open.
  const settle = async (v) => {
    let t;
    const out = await Promise.race([v, new Promise((ok) => { t = setTimeout(ok, 3000); })]);
    clearTimeout(t);
    return out;
  };
  for (const [name, object, accepts, rejects] of apis) {
    const obj = window[object];
    const calls = accept ? accepts : rejects;
    if (!obj || !calls.every((c) => typeof obj[c[0]] === "function")) continue;
    if (dry) return name;
    try { for (const [fn, ...args] of calls) await settle(obj[fn](...args)); } catch (e) { continue; }
    return name;
  }
  return null;
}"""


async def _nothing() -> None:
    return None


class BannerDriver:
    """Answers one page's banner with ``action``; call :meth:`step` on every poll."""

    def __init__(self, page: Any, action: Action, before_click: BeforeClick = _nothing) -> None:
        self.page, self.action, self.before_click = page, action, before_click
        self.second_layer = False  # the settings were opened; look there now
        self._tries_in_layer = 0
        self.looks = 0  # steps taken so far
        self._missed = False  # a button was found but did not take the click

    @property
    def busy(self) -> bool:
        """True while a second layer is open and its buttons may still be drawing."""
        return self.second_layer and self._tries_in_layer < 15

    async def step(self) -> str | None:
        """One look at the page; the banner's name once the choice has been made."""
        self.looks += 1
        self._missed = False
        if self.second_layer:
            self._tries_in_layer += 1
            # Saving with every purpose off is a rejection; "accept" there
            # means the layer's own accept-all button, nothing else.
            kinds: tuple[Kind, ...] = (
                ("action", "save") if self.action == "reject-all" else ("action",)
            )
            for kind in kinds:
                name = await self._click(kind, uncheck=kind == "save")
                if name is not None:
                    return f"{name} (second layer)"
                if self._missed:
                    return None
            return None
        name = await self._click("action")
        if name is not None or self._missed:
            return name  # a button that did not take the click is tried again next time
        name = await self._api()
        if name is not None:
            return f"{name} (api)"
        if await self._click("settings") is not None:
            self.second_layer = True
        return None

    async def _click(self, kind: Kind, *, uncheck: bool = False) -> str | None:
        for texts in (False, True):
            for frame in self.page.frames:
                name = await _find(frame, self.action, kind, texts=texts, uncheck=uncheck)
                if name is None:
                    continue
                if kind != "settings":
                    await self.before_click()
                if await _click_target(frame):
                    return name
                self._missed = True
                return None
        return None
        return None

    async def _api(self) -> str | None:
        apis = [[a.name, a.global_name, a.accept, a.reject] for a in API]
        for frame in self.page.frames:
            try:
                accept = self.action == "accept-all"
                if not await frame.evaluate(_API, [apis, accept, True]):
                    continue
                await self.before_click()
                found = await frame.evaluate(_API, [apis, accept, False])
            except Exception:  # a frame that detached or navigated has no API to call
                continue
            if found:
                return str(found)
        return None


async def _click_target(frame: Any) -> bool:
    """Click the element ``_FIND`` chose; True once the click has landed."""
    try:
        target = await frame.evaluate_handle("() => window.__samtyckeTarget")
    except Exception:  # the frame went away with its banner
        return False
    element = target.as_element()
    if element is None:
        return False
    try:
        await element.click(timeout=5000)
    except Exception:  # the banner moved or closed between finding and clicking
        # On a busy machine the click may land and the banner close before
        # Playwright's own checks finish; a button that is gone was pressed.
        try:
            return not await element.evaluate("el => el.isConnected")
        except Exception:  # its frame went away too: the click navigated it
            return True
    return True


async def _find(
    frame: Any, action: Action, kind: Kind, *, texts: bool, uncheck: bool
) -> str | None:
    rules = [] if texts else [[r.name, list(r.selectors(action, kind))] for r in (SAMTYCKE, *RULES)]
    phrases = list(TEXTS[action if kind == "action" else kind]) if texts else []
    try:
        found = await frame.evaluate(_FIND, [rules, phrases, uncheck])
    except Exception:  # a frame that detached or navigated has no banner to click
        return None
    return str(found) if found else None


async def drive_banner(
    page: Any, action: Action, *, wait: float = 3.0, before_click: BeforeClick = _nothing
) -> str | None:
    """Answer the banner, retrying while it may still be loading (up to ``wait`` s).

    ``before_click`` runs just before the deciding click, so a caller can mark
    the moment. Returns the banner's name, or ``None`` when none was answered.
    """
    loop = asyncio.get_running_loop()
    deadline = loop.time() + wait
    driver = BannerDriver(page, action, before_click)
    while True:
        name = await driver.step()
        if name is not None or (loop.time() >= deadline and not driver.busy):
            return name
        await asyncio.sleep(0.25)
