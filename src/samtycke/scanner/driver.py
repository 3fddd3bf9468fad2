"""Drive a consent banner: samtycke's own hooks, platform rules, then button texts.

Finding the button is one script per frame (selectors, open shadow roots and
texts checked in the page), so the click lands a few milliseconds after load
rather than after dozens of round trips; the click itself is Playwright's, a
real pointer event.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from typing import Any

from samtycke.scanner.banner_rules import RULES, SAMTYCKE, TEXTS, Action

_MARK = "data-samtycke-scan-target"
BeforeClick = Callable[[], Awaitable[None]]

# Marks the button to click and returns its banner's name (or null). With
# rules, the first visible element matching a platform's selector wins; with
# phrases, the first visible button-like element whose whole text is one.
_FIND = """([rules, phrases, mark]) => {
  for (const old of document.querySelectorAll("[" + mark + "]")) old.removeAttribute(mark);
  const roots = [document];
  const walk = (root) => {
    for (const el of root.querySelectorAll("*")) {
      if (el.shadowRoot) { roots.push(el.shadowRoot); walk(el.shadowRoot); }
    }
  };
  walk(document);
  const visible = (el) => {
    const r = el.getBoundingClientRect();
    const st = getComputedStyle(el);
    return r.width > 0 && r.height > 0 && st.visibility !== "hidden" && st.display !== "none";
  };
  const pick = (el, name) => { el.setAttribute(mark, ""); return name; };
  for (const [name, selectors] of rules) {
    for (const sel of selectors) {
      for (const root of roots) {
        for (const el of root.querySelectorAll(sel)) if (visible(el)) return pick(el, name);
      }
    }
  }
  if (!phrases.length) return null;
  const wanted = new Set(phrases);
  const norm = (t) => (t || "").toLowerCase().replace(/\\s+/g, " ").replace(/[.!›»→]+$/, "").trim();
  const sel = 'button, a, [role="button"], input[type="button"], input[type="submit"]';
  for (const root of roots) {
    for (const el of root.querySelectorAll(sel)) {
      const text = norm(el.tagName === "INPUT" ? el.value : el.innerText || el.textContent);
      if (wanted.has(text) && visible(el)) return pick(el, "text");
    }
  }
  return null;
}"""


async def _nothing() -> None:
    return None


async def _find(frame: Any, action: Action, *, texts: bool) -> str | None:
    rules = [] if texts else [[r.name, list(r.selectors(action))] for r in (SAMTYCKE, *RULES)]
    phrases = list(TEXTS[action]) if texts else []
    try:
        found = await frame.evaluate(_FIND, [rules, phrases, _MARK])
    except Exception:  # a frame that detached or navigated has no banner to click
        return None
    return str(found) if found else None


async def find_and_click(
    page: Any, action: Action, before_click: BeforeClick = _nothing
) -> str | None:
    """Click ``action`` on the banner in any frame; the banner's name, or ``None``.

    Platform rules are tried in every frame before the text heuristic, whose
    banner is named ``"text"``.
    """
    for texts in (False, True):
        for frame in page.frames:
            name = await _find(frame, action, texts=texts)
            if name is None:
                continue
            await before_click()
            try:
                await frame.locator(f"[{_MARK}]").first.click(timeout=2000)
            except Exception:  # the banner moved or closed between finding and clicking
                continue
            return name
    return None


async def drive_banner(
    page: Any, action: Action, *, wait: float = 3.0, before_click: BeforeClick = _nothing
) -> str | None:
    """Click ``action``, retrying while a banner may still be loading (up to ``wait`` s).

    ``before_click`` runs just before the click, so a caller can mark the moment.
    """
    loop = asyncio.get_running_loop()
    deadline = loop.time() + wait
    while True:
        name = await find_and_click(page, action, before_click)
        if name is not None or loop.time() >= deadline:
            return name
        await asyncio.sleep(0.25)
