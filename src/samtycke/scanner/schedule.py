"""Who loads which page when: one crawl frontier for every phase, and the load limits.

The phases of a scan visit the same pages. They share one breadth-first
frontier: every visit hands in its page's links as soon as the page has loaded
(not once it has settled), so the next pages start while a late cookie is
still awaited. Each phase walks the shared list at its own pace; the list is
complete once every phase has reached its end and no visit still owes links.

The :class:`Limiter` bounds the pages open at once (the machine) and the
navigations running at once against one host (politeness), and holds work
that can wait (opening contexts) while a banner click that a whole phase
waits for is pending; of that work, what a page waits for now goes before
what is made ahead of need.

robots.txt is fetched while the first pages load: the frontier takes its
rules as a future and applies them from the first links handed in.
"""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncIterator, Callable
from dataclasses import dataclass
from urllib.parse import urljoin, urlsplit
from urllib.robotparser import RobotFileParser

from samtycke.scanner.crawler import looks_like_page, normalize_url, same_site


@dataclass(frozen=True)
class Page:
    """A page to visit: its place in the crawl order, URL and link depth."""

    index: int
    url: str
    depth: int


class SharedFrontier:
    """The pages of a crawl, in the order found, shared by ``consumers`` phases."""

    def __init__(
        self,
        start: str,
        max_pages: int,
        max_depth: int,
        robots: RobotFileParser | asyncio.Future[RobotFileParser | None] | None,
        consumers: int,
    ) -> None:
        self.start, self.max_pages, self.max_depth, self.robots = (
            start,
            max_pages,
            max_depth,
            robots,
        )
        self.consumers = consumers
        self.pages: list[Page] = [Page(0, start, 0)]
        self.skipped: list[str] = []
        self._seen = {start}
        self._position = [0] * consumers
        self._owed: set[tuple[int, int]] = set()  # (consumer, page) whose links are not in yet
        self._changed = asyncio.Condition()

    def _complete(self) -> bool:
        return not self._owed and all(p >= len(self.pages) for p in self._position)

    async def take(self, consumer: int) -> Page | None:
        """The consumer's next page; waits while other visits may still find more."""
        async with self._changed:
            while self._position[consumer] >= len(self.pages):
                if self._complete():
                    self._changed.notify_all()
                    return None
                await self._changed.wait()
            page = self.pages[self._position[consumer]]
            self._position[consumer] += 1
            self._owed.add((consumer, page.index))
            return page

    async def grown(self, known: int) -> None:
        """Wait until more than ``known`` pages have been found."""
        async with self._changed:
            while len(self.pages) <= known:
                await self._changed.wait()

    async def links(self, consumer: int, page: Page, hrefs: list[str], base: str) -> None:
        """Queue the same-site page links found on ``page`` (empty when it failed)."""
        if isinstance(self.robots, asyncio.Future):
            self.robots = await asyncio.shield(self.robots)
        async with self._changed:
            if page.depth + 1 <= self.max_depth:
                for href in hrefs:
                    self._add(href, base, page.depth + 1)
            self._owed.discard((consumer, page.index))
            self._changed.notify_all()

    async def retire(self, consumer: int) -> None:
        """A consumer that stops early no longer holds the crawl open."""
        async with self._changed:
            self._position[consumer] = len(self.pages) + self.max_pages
            self._owed = {o for o in self._owed if o[0] != consumer}
            self._changed.notify_all()

    def _add(self, href: str, base: str, depth: int) -> None:
        url = normalize_url(urljoin(base, href))
        if url is None or url in self._seen or len(self.pages) >= self.max_pages:
            return
        self._seen.add(url)
        if not same_site(url, self.start) or not looks_like_page(url):
            return
        robots = self.robots
        if isinstance(robots, RobotFileParser) and not robots.can_fetch("*", url):
            self.skipped.append(url)
            return
        self.pages.append(Page(len(self.pages), url, depth))


class Limiter:
    """At most ``pages`` pages open, ``loads`` of them loading, ``per_host`` to one host.

    Loading is what costs the machine (parsing, scripts, a renderer starting);
    a loaded page waiting for a late cookie costs almost nothing, so many more
    pages may be open than loading.
    """

    def __init__(self, pages: int, per_host: int, loads: int | None = None) -> None:
        self._pages = asyncio.Semaphore(pages)
        self._loads = asyncio.Semaphore(loads or pages)
        self._per_host = per_host
        self._hosts: dict[str, asyncio.Semaphore] = {}
        self._urgent = 0
        self._calm = asyncio.Event()
        self._calm.set()
        self._spare_free = 2
        self._needed = 0  # work for a page that waits now, queued for a spare slot
        self._spare_changed = asyncio.Condition()

    def urgent(self) -> Callable[[], None]:
        """Mark work everything else waits for (a banner click); call the result when done.

        Calling the result again does nothing.
        """
        self._urgent += 1
        self._calm.clear()
        done = False

        def release() -> None:
            nonlocal done
            if not done:
                done = True
                self._urgent -= 1
                if not self._urgent:
                    self._calm.set()

        return release

    @contextlib.asynccontextmanager
    async def spare(self, *, ahead: bool = False) -> AsyncIterator[None]:
        """Hold one of two slots for work that can wait, once no urgent work is pending.

        Two at a time keep the browser answering the urgent work's few
        requests (the jar polled after a click) while contexts are built.
        Work ``ahead`` of need (a context for a page that cannot start yet)
        takes a slot only when no work a page waits for now is queued.
        """
        self._needed += not ahead  # counted while it waits for calm too
        try:
            await self._calm.wait()
            async with self._spare_changed:
                await self._spare_changed.wait_for(
                    lambda: self._spare_free > 0 and (not ahead or not self._needed)
                )
                self._spare_free -= 1
        finally:
            self._needed -= not ahead
            if not ahead:  # work ahead of need may be the next to go
                async with self._spare_changed:
                    self._spare_changed.notify_all()
        try:
            yield
        finally:
            async with self._spare_changed:
                self._spare_free += 1
                self._spare_changed.notify_all()

    @contextlib.asynccontextmanager
    async def page(self) -> AsyncIterator[None]:
        """Hold one of the open-page slots."""
        async with self._pages:
            yield

    @contextlib.asynccontextmanager
    async def navigation(self, url: str) -> AsyncIterator[None]:
        """Hold one of the host's navigation slots while a page loads."""
        host = (urlsplit(url).hostname or "").lower()
        gate = self._hosts.setdefault(host, asyncio.Semaphore(self._per_host))
        async with gate, self._loads:
            yield
