"""One page: load, hand in the links, settle, collect — in a context that starts clean.

Every page starts from the phase's storage state (nothing, a login, or the
state right after the banner was answered): its cookie jar is reset to that
state's cookies before it loads, so what one page sets is never mistaken for
another's, and the pages of a phase load side by side. A phase keeps a small
pool of contexts and reuses them, since a new context costs a new renderer
process; local storage carries over within a context, as in one visit. A
phase that answers the banner opens its first context beside the decision
page and the others once the click has landed, and gives them the answer's
storage state once it is known.
"""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncIterator, Awaitable, Callable
from dataclasses import dataclass, replace
from typing import Any

from samtycke.scanner.collect import ContextCollector
from samtycke.scanner.model import PageVisit, Phase
from samtycke.scanner.options import ScanOptions
from samtycke.scanner.schedule import Limiter
from samtycke.scanner.settle import INIT_SCRIPT, wait_settled

# The page's link targets: the document's own, then those in open shadow
# roots, host by host (the order of Playwright's shadow-piercing CSS). A plain
# script, since Playwright's selector engine is compiled into every document
# it queries, a good part of what loading a small page costs.
_LINKS = """() => {
  const found = [];
  const query = (root) => {
    found.push(...root.querySelectorAll("a[href]"));
    for (const el of root.querySelectorAll("*")) if (el.shadowRoot) query(el.shadowRoot);
  };
  query(document);
  return found.map((e) => e.getAttribute("href")).filter(Boolean);
}"""
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
    visitor: Visitor, page: Any, collector: ContextCollector, visit: PageVisit, links: Links | None
) -> bool:
    """Navigate and hand in the page's links (unless ``links`` is None); False when it failed.

    A failed load leaves its reason in ``visit.error``.
    """
    await collector.start_page(visit.url)
    try:
        async with visitor.limiter.navigation(visit.url):
            await page.goto(visit.url, wait_until="load")
    except Exception as exc:  # a page that fails is recorded; the crawl goes on
        visit.error = str(exc).strip().splitlines()[0] if str(exc).strip() else "failed"
        if links is not None:
            await links([], visit.url)
        return False
    if links is None:
        return True
    try:
        hrefs = await page.evaluate(_LINKS)
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
    """At most ``size`` contexts of one visitor, handed out one page at a time.

    A context is opened when a page finds none idle, and the page takes
    whichever comes first, the new one or one another page hands back. The
    first ``eager`` contexts open at once; the others wait while urgent work
    (a banner click) is pending, since on a small machine building a context
    (a renderer starting) is what would hold that work up.
    """

    def __init__(self, visitor: Visitor, size: int, eager: int = 1) -> None:
        self.visitor = visitor
        self._size = size
        self._eager = eager
        self._idle: asyncio.Queue[Worker] = asyncio.Queue()
        self._room = asyncio.Semaphore(size)
        self._all: list[Worker] = []
        self._opening: set[asyncio.Task[None]] = set()
        self._waiting = 0  # pages waiting for a context

    def warm(self, count: int) -> None:
        """Open contexts ahead of the pages, up to ``count`` (and the pool's size).

        They go after the contexts pages of any phase wait for now.
        """
        while len(self._all) + len(self._opening) < min(count, self._size):
            self._open_one(ahead=True)

    def _open_one(self, *, ahead: bool = False) -> None:
        task = asyncio.ensure_future(self._open_idle(self._eager > 0, ahead))
        self._eager -= 1
        self._opening.add(task)
        task.add_done_callback(self._opening.discard)

    async def _open_idle(self, eager: bool, ahead: bool) -> None:
        visitor = self.visitor
        if eager:
            worker = await open_context(visitor)
        else:
            async with visitor.limiter.spare(ahead=ahead):
                worker = await open_context(visitor)
        # Opened before :meth:`reseed` with other local storage: given the state's.
        while _local_storage(visitor.state) != _local_storage(self.visitor.state):
            visitor = self.visitor
            if not await _restore(worker, visitor.state):
                return  # broken; a page still waiting opens another
        self._all.append(worker)
        self._idle.put_nowait(worker)

    async def _take(self) -> Worker:
        """An idle context: one handed back or one opened for this page."""
        self._waiting += 1
        try:
            return await self._wait_for_one()
        finally:
            self._waiting -= 1

    async def _wait_for_one(self) -> Worker:
        while self._idle.empty():
            # At most two at a time, and no more than pages wait for: the
            # browser builds them one after another anyway, and a page handed
            # back meanwhile saves building one.
            wanted = min(2, self._waiting)
            if len(self._all) + len(self._opening) < self._size and len(self._opening) < wanted:
                self._open_one()
            opening = set(self._opening)
            handed = asyncio.ensure_future(self._idle.get())
            try:
                done, _ = await asyncio.wait(
                    {handed, *opening}, return_when=asyncio.FIRST_COMPLETED
                )
            except BaseException:  # the page was called off; what was handed over stays idle
                handed.cancel()
                if handed.done() and not handed.cancelled():
                    self._idle.put_nowait(handed.result())
                raise
            if handed in done:
                return handed.result()
            handed.cancel()
            for task in done:
                error = None if task.cancelled() else task.exception()
                if error is not None:
                    raise error
        return self._idle.get_nowait()

    async def reseed(self, state: dict[str, Any] | None) -> None:
        """Load every page from ``state`` from now on.

        The jar is reset to the state before every page anyway; a warm context
        opened with other local storage is given the state's. Contexts still
        opening are not waited for: each is given it once it is open, so the
        pages start as the contexts come, not once the last is there.
        """
        before, self.visitor = self.visitor, replace(self.visitor, state=state)
        if _local_storage(state) != _local_storage(before.state):
            warm = [self._idle.get_nowait() for _ in range(self._idle.qsize())]
            kept = await asyncio.gather(*(_restore(w, state) for w in warm))
            for worker, ok in zip(warm, kept, strict=True):
                if ok:
                    self._idle.put_nowait(worker)
                else:
                    self._all.remove(worker)

    @contextlib.asynccontextmanager
    async def worker(self) -> AsyncIterator[Worker]:
        """A context whose jar holds exactly the visitor's state cookies."""
        async with self._room:
            worker = await self._take()
            await _reset_jar(worker[0], self.visitor.state)
            try:
                yield worker
            finally:
                self._idle.put_nowait(worker)

    async def close(self) -> None:
        """Close every context of the pool."""
        await asyncio.gather(*list(self._opening), return_exceptions=True)
        # All at once (the browser tears them down side by side); one already
        # gone with the browser raises, which is no matter.
        await asyncio.gather(*(c.close() for c, _, _ in self._all), return_exceptions=True)
        self._all.clear()


async def _restore(worker: Worker, state: dict[str, Any] | None) -> bool:
    """Give a context exactly ``state``'s cookies and local storage; False if it cannot be."""
    try:
        await worker[0].set_storage_state(state or {"cookies": [], "origins": []})
    except Exception:  # the context broke; the pool opens a fresh one instead
        with contextlib.suppress(Exception):  # already gone with the browser
            await worker[0].close()
        return False
    return True


def _local_storage(state: dict[str, Any] | None) -> list[tuple[str, list[tuple[str, str]]]]:
    return sorted(
        (o["origin"], sorted((e["name"], e["value"]) for e in o.get("localStorage") or []))
        for o in (state or {}).get("origins") or []
        if o.get("localStorage")
    )


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
