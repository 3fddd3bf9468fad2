"""Answer the banner once, on the start page, and hand the resulting state to every page.

The decision page is loaded, the banner answered as soon as it shows (it may
take seconds), and once the answer has been stored — nothing in flight and the
jar unchanged for a moment — the context's storage state (cookies and local
storage) becomes the state every page of the phase is loaded with. The
decision page itself goes on settling meanwhile, so what the click sets a
little later is still seen there.

Until the first look at the loaded page has clicked the banner (or found none
to click), the decision is urgent: contexts the crawl opens ahead wait, since
on a small machine they would hold up the click every page waits for.
"""

from __future__ import annotations

import asyncio
from typing import Any

from samtycke.scanner.banner_rules import Action
from samtycke.scanner.collect import ContextCollector
from samtycke.scanner.driver import BannerDriver
from samtycke.scanner.model import PageVisit
from samtycke.scanner.visit import Visitor, load, open_context, settle_and_collect

_POLL = 0.1
_MIN_LOOKS = 10


class Decision:
    """The banner answered on one page; :meth:`state` once the answer is stored."""

    def __init__(self, visitor: Visitor, url: str, action: Action) -> None:
        self.visitor, self.url, self.action = visitor, url, action
        self.banner: str | None = None
        self._clicked = asyncio.Event()
        self._finished = asyncio.Event()
        self._snapshot_taken = asyncio.Event()
        self._context: Any = None
        self._collector: ContextCollector | None = None
        self._calm = visitor.limiter.urgent()

    async def run(self) -> PageVisit:
        """Load the page, answer its banner, settle; the decision visit."""
        loop = asyncio.get_running_loop()
        began = loop.time()
        visit = PageVisit(self.url, self.visitor.phase, 0, decision=True)
        try:
            context, page, collector = await open_context(self.visitor)
        except BaseException:
            self._finished.set()  # state() must not wait for a page that never opened
            self._calm()
            raise
        self._context, self._collector = context, collector
        try:
            # The page is visited again with the decision; that visit hands in its links.
            if await load(self.visitor, page, collector, visit, None):
                deadline = loop.time() + self.visitor.options.banner_wait
                driver = BannerDriver(page, self.action, before_click=collector.cut)

                async def hold() -> bool:
                    """Keep the page open until the banner is answered or not coming."""
                    if self._clicked.is_set():
                        return False
                    name = await driver.step()
                    if name is not None:
                        self.banner = visit.banner = name
                        self._clicked.set()
                        return True
                    # A few looks at least, however slow the machine: a
                    # loaded one may take seconds to draw a banner that is there.
                    return driver.busy or loop.time() < deadline or driver.looks < _MIN_LOOKS

                # A first look at once: every page of the phase waits for this answer.
                await hold()
                self._calm()
                await settle_and_collect(self.visitor, page, collector, visit, hold)
        finally:
            self._calm()
            self._finished.set()
            if self._clicked.is_set():
                await self._snapshot_taken.wait()
            await context.close()
        visit.seconds = loop.time() - began
        return visit

    async def state(self) -> dict[str, Any] | None:
        """The storage state with the answer in place (the visitor's own when no banner)."""
        clicked = asyncio.ensure_future(self._clicked.wait())
        finished = asyncio.ensure_future(self._finished.wait())
        await asyncio.wait({clicked, finished}, return_when=asyncio.FIRST_COMPLETED)
        clicked.cancel()
        finished.cancel()
        if not self._clicked.is_set():
            return self.visitor.state
        try:
            await self._stored()
            state: dict[str, Any] = await self._context.storage_state()
            return state
        finally:
            self._snapshot_taken.set()

    async def _stored(self) -> None:
        """Wait until nothing is in flight and the jar has not changed for a moment."""
        assert self._collector is not None
        loop = asyncio.get_running_loop()
        options = self.visitor.options
        quiet, give_up = options.settle / 4, loop.time() + options.settle_cap
        last: list[tuple[str, str, str, str]] = []
        since = loop.time()
        while loop.time() < give_up:
            jar = sorted(
                (c["name"], c["domain"], c["path"], c["value"])
                for c in await self._context.cookies()
            )
            if jar != last or self._collector.inflight() > 0:
                last, since = jar, loop.time()
            elif loop.time() - since >= quiet:
                return
            await asyncio.sleep(_POLL)
