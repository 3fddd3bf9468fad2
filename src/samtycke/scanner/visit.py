"""One page: load, hand in the links, settle, collect — in a context that starts clean.

Every page starts from the phase's storage state (nothing, a login, or the
state right after the banner was answered): its cookie jar is reset to that
state's cookies before it loads, so what one page sets is never mistaken for
another's, and the pages of a phase load side by side. A phase keeps a small
pool of contexts and reuses them, since a new context costs a new renderer
process; local storage carries over within a context, as in one visit.
"""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncIterator, Awaitable, Callable
from dataclasses import dataclass
from typing import Any

from samtycke.scanner.collect import ContextCollector
from samtycke.scanner.model import PageVisit, Phase
from samtycke.scanner.options import ScanOptions
from samtycke.scanner.schedule import Limiter
from samtycke.scanner.settle import INIT_SCRIPT, wait_settled

_LINKS = "els => els.map(e => e.getAttribute('href')).filter(Boolean)"
# What a visitor with Global Privacy Control on looks like to scripts; the
# header goes on every request of the context.
GPC_SCRIPT = (
    "Object.defineProperty(Navigator.prototype, 'globalPrivacyControl', "
    "{ get: () => true, configurable: true });"
)

Links = Callable[[list[str], str], Awaitable[None]]
Hold = Callable[[], Awaitable[bool]]


@dataclass(frozen=True)
class Visitor:
    """Who visits: the phase, the browser, the storage state and the request hooks."""

    browser: Any
    phase: Phase
    options: ScanOptions
    limiter: Limiter
    tracker_host: Callable[[str], str | None]
    user_agent: str
    state: dict[str, Any] | None = None


async def open_context(visitor: Visitor) -> tuple[Any, Any, ContextCollector]:
    """A fresh context and page for ``visitor``, with the collector listening."""
    extra: dict[str, Any] = {}
    if visitor.phase == "gpc":
        extra["extra_http_headers"] = {"Sec-GPC": "1"}
    context = await visitor.browser.new_context(
        user_agent=visitor.user_agent,
        ignore_https_errors=True,
        storage_state=visitor.state,
        **extra,
    )
    context.set_default_navigation_timeout(visitor.options.navigation_timeout * 1000)
    await context.add_init_script(INIT_SCRIPT)
    if visitor.phase == "gpc":
        await context.add_init_script(GPC_SCRIPT)
    collector = ContextCollector(context, visitor.tracker_host)
    page = await context.new_page()
    await collector.attach_cdp(page)
    return context, page, collector


async def load(
    visitor: Visitor, page: Any, collector: ContextCollector, visit: PageVisit, links: Links
) -> bool:
    """Navigate and hand in the page's links; False (and ``visit.error``) when it failed."""
    await collector.start_page(visit.url)
    try:
        async with visitor.limiter.navigation(visit.url):
            await page.goto(visit.url, wait_until="load")
    except Exception as exc:  # a page that fails is recorded; the crawl goes on
        visit.error = str(exc).strip().splitlines()[0] if str(exc).strip() else "failed"
        await links([], visit.url)
        return False
    try:
        hrefs = await page.eval_on_selector_all("a[href]", _LINKS)
    except Exception:  # the page navigated away by itself; no links to follow
        hrefs = []
    await links(hrefs, page.url)
    return True


async def settle_and_collect(
    visitor: Visitor, page: Any, collector: ContextCollector, visit: PageVisit, hold: Hold
) -> None:
    """Wait for the page to be done, then record what it set."""
    options = visitor.options
    visit.settled = await wait_settled(
        page,
        inflight=collector.inflight,
        last_activity=collector.last_activity,
        poll_jar=collector.poll_jar,
        settle=options.settle,
        cap=options.settle_cap,
        hold=hold,
    )
    visit.cookies, visit.storage, visit.pixels, visit.rejected = await collector.finish_page(page)


Worker = tuple[Any, Any, ContextCollector]


class ContextPool:
    """At most ``size`` contexts of one visitor, handed out one page at a time."""

    def __init__(self, visitor: Visitor, size: int) -> None:
        self.visitor = visitor
        self._idle: asyncio.Queue[Worker] = asyncio.Queue()
        self._room = asyncio.Semaphore(size)
        self._all: list[Worker] = []

    @contextlib.asynccontextmanager
    async def worker(self) -> AsyncIterator[Worker]:
        """A context whose jar holds exactly the visitor's state cookies."""
        async with self._room:
            if self._idle.empty():
                worker = await open_context(self.visitor)
                self._all.append(worker)
            else:
                worker = self._idle.get_nowait()
            await _reset_jar(worker[0], self.visitor.state)
            try:
                yield worker
            finally:
                self._idle.put_nowait(worker)

    async def close(self) -> None:
        """Close every context of the pool."""
        for context, _, _ in self._all:
            with contextlib.suppress(Exception):  # already gone with the browser
                await context.close()


async def _reset_jar(context: Any, state: dict[str, Any] | None) -> None:
    await context.clear_cookies()
    cookies = (state or {}).get("cookies") or []
    if cookies:
        await context.add_cookies(cookies)


async def visit_page(
    pool: ContextPool, url: str, depth: int, links: Links, *, screenshot: bool = False
) -> tuple[PageVisit, bytes | None]:
    """Visit one page; the visit and, when asked, a screenshot."""
    visitor = pool.visitor
    loop = asyncio.get_running_loop()
    began = loop.time()
    visit = PageVisit(url, visitor.phase, depth)
    shot: bytes | None = None
    async with pool.worker() as (_, page, collector):
        if await load(visitor, page, collector, visit, links):
            await settle_and_collect(visitor, page, collector, visit, _never)
            if screenshot:
                shot = await take_screenshot(page)
    visit.seconds = loop.time() - began
    return visit, shot


async def _never() -> bool:
    return False


async def take_screenshot(page: Any) -> bytes | None:
    """A PNG of the page, or ``None``: a screenshot is a nicety, never a reason to fail."""
    try:
        png: bytes = await page.screenshot(type="png")
    except Exception:  # the page closed or crashed; the report goes without a picture
        return None
    return png
