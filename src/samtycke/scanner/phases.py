"""One phase of a scan: a kind of visitor walking the shared crawl, pages side by side.

``before-consent`` and ``gpc`` (a visitor whose browser sends Global Privacy
Control) never touch the banner. ``after-reject`` and ``after-accept`` answer
it on the start page first (see decide.py) and then load every page again
with that answer in place, so what a server sets only once consent exists is
seen. Every phase runs at once; every page starts from the phase's state.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from dataclasses import dataclass, field

from samtycke.scanner.banner_rules import Action
from samtycke.scanner.decide import Decision
from samtycke.scanner.model import PageVisit, Phase
from samtycke.scanner.schedule import Page, SharedFrontier
from samtycke.scanner.visit import ContextPool, Visitor, visit_page

ANSWERS: dict[Phase, Action] = {"after-reject": "reject-all", "after-accept": "accept-all"}


@dataclass
class PhaseOutcome:
    """The pages one phase visited, the banner it drove and its screenshot."""

    phase: Phase
    visits: list[PageVisit] = field(default_factory=list)
    banner: str | None = None
    seconds: float = 0.0
    screenshot: bytes | None = None


def phase_pool(visitor: Visitor, phases: int) -> ContextPool:
    """The contexts of one of ``phases`` phases: its share of the open pages.

    The decision page comes on top of the share. Every phase opens its first
    context at once: each phase loads the start page, so it is never built in
    vain, and a phase that answers the banner builds it beside its decision
    page instead of after the click, when the other phases' contexts are
    being built too; it is given the answer's state once that is stored.
    """
    share = max(2, visitor.options.concurrency // phases)
    return ContextPool(visitor, share, eager=1)


async def run_phase(
    pool: ContextPool,
    frontier: SharedFrontier,
    consumer: int,
    on_page: Callable[[PageVisit], None] = lambda v: None,
) -> PhaseOutcome:
    """Visit every page of ``frontier`` as ``pool.visitor.phase`` asks; visits in crawl order."""
    loop = asyncio.get_running_loop()
    began = loop.time()
    visitor = pool.visitor
    outcome = PhaseOutcome(visitor.phase)
    decided: asyncio.Task[PageVisit] | None = None
    action = ANSWERS.get(visitor.phase)
    try:
        if action is not None:
            decision = Decision(visitor, frontier.start, action)

            async def decide() -> PageVisit:
                async with visitor.limiter.page():
                    return await decision.run()

            decided = asyncio.ensure_future(decide())
            # The phase's contexts open once the banner is clicked, while the
            # answer is stored: one for each page found so far, so its pages
            # start as soon as the answer is in place.
            warming = asyncio.ensure_future(_warm(pool, frontier))
            try:
                state = await decision.state()
            finally:
                warming.cancel()
            outcome.banner = decision.banner
            await pool.reseed(state)
        try:
            tasks: list[asyncio.Task[tuple[Page, PageVisit]]] = []
            while (page := await frontier.take(consumer)) is not None:
                job = _one(pool, frontier, consumer, page, outcome, on_page)
                tasks.append(asyncio.ensure_future(job))
            done = sorted(await asyncio.gather(*tasks), key=lambda pv: pv[0].index)
        finally:
            await pool.close()
        if decided is not None:
            outcome.visits.append(await decided)
            on_page(outcome.visits[0])
        outcome.visits += [visit for _, visit in done]
    finally:
        await pool.close()
        await frontier.retire(consumer)
        if decided is not None and not decided.done():
            decided.cancel()
    outcome.seconds = loop.time() - began
    return outcome


async def _warm(pool: ContextPool, frontier: SharedFrontier) -> None:
    while True:
        known = len(frontier.pages)
        pool.warm(known)
        await frontier.grown(known)


async def _one(
    pool: ContextPool,
    frontier: SharedFrontier,
    consumer: int,
    page: Page,
    outcome: PhaseOutcome,
    on_page: Callable[[PageVisit], None],
) -> tuple[Page, PageVisit]:
    async def links(hrefs: list[str], base: str) -> None:
        await frontier.links(consumer, page, hrefs, base)

    # Nobody answers the banner before consent, so once that page has settled
    # the banner is still on screen, fully drawn, with no click racing it.
    visitor = pool.visitor
    shot = page.index == 0 and visitor.phase == "before-consent" and visitor.options.screenshot
    try:
        async with visitor.limiter.page():
            visit, png = await visit_page(pool, page.url, page.depth, links, screenshot=shot)
    except BaseException:
        await links([], page.url)  # a visit that died owes the crawl no links
        raise
    if png is not None:
        outcome.screenshot = png
    on_page(visit)
    return page, visit
