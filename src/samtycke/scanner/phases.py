"""One phase of a scan: a fresh browser context that crawls the site.

``before-consent`` never touches the banner; ``after-reject`` and
``after-accept`` click it on the first page and keep the choice (in their own
context's jar) for the rest of the crawl. The three run concurrently.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any
from urllib.robotparser import RobotFileParser

from samtycke.scanner.banner_rules import Action
from samtycke.scanner.collect import ContextCollector
from samtycke.scanner.crawler import Frontier
from samtycke.scanner.driver import find_and_click
from samtycke.scanner.model import PageVisit, Phase
from samtycke.scanner.options import ScanOptions
from samtycke.scanner.settle import INIT_SCRIPT, wait_settled

BANNER_WAIT = 1.0  # seconds after load to look for a banner even on a quiet page
_LINKS = "els => els.map(e => e.getAttribute('href')).filter(Boolean)"


@dataclass
class PhaseOutcome:
    """The pages one phase visited, the banner it drove and its screenshot."""

    phase: Phase
    visits: list[PageVisit] = field(default_factory=list)
    banner: str | None = None
    seconds: float = 0.0
    screenshot: bytes | None = None
    skipped: list[str] = field(default_factory=list)


async def run_phase(
    browser: Any,
    phase: Phase,
    start: str,
    options: ScanOptions,
    *,
    robots: RobotFileParser | None,
    tracker_host: Callable[[str], str | None],
    user_agent: str,
    on_page: Callable[[PageVisit], None] = lambda v: None,
) -> PhaseOutcome:
    """Crawl the site in a fresh context, driving the banner as ``phase`` asks."""
    loop = asyncio.get_running_loop()
    began = loop.time()
    outcome = PhaseOutcome(phase)
    context = await browser.new_context(user_agent=user_agent, ignore_https_errors=True)
    try:
        context.set_default_navigation_timeout(options.navigation_timeout * 1000)
        await context.add_init_script(INIT_SCRIPT)
        collector = ContextCollector(context, tracker_host)
        page = await context.new_page()
        await collector.attach_cdp(page)
        frontier = Frontier(start, options.max_pages, options.depth, robots)
        while (item := frontier.next()) is not None:
            url, depth = item
            visit = await _visit(page, collector, url, depth, phase, options, outcome)
            outcome.visits.append(visit)
            on_page(visit)
            if visit.error is None:
                try:
                    links = await page.eval_on_selector_all("a[href]", _LINKS)
                except Exception:  # the page navigated away by itself; no links to follow
                    links = []
                frontier.add_links(links, page.url, depth)
        outcome.skipped = frontier.skipped
    finally:
        await context.close()
    outcome.seconds = loop.time() - began
    return outcome


async def _visit(
    page: Any,
    collector: ContextCollector,
    url: str,
    depth: int,
    phase: Phase,
    options: ScanOptions,
    outcome: PhaseOutcome,
) -> PageVisit:
    loop = asyncio.get_running_loop()
    began = loop.time()
    visit = PageVisit(url, phase, depth)
    await collector.start_page(url)
    try:
        await page.goto(url, wait_until="load")
    except Exception as exc:  # a page that fails is recorded; the crawl goes on
        visit.error = str(exc).strip().splitlines()[0] if str(exc).strip() else "failed"
        visit.seconds = loop.time() - began
        return visit
    first = not outcome.visits
    hold = _never
    if first and phase != "before-consent":
        hold = _BannerClicker(page, phase, collector, outcome, visit, loop.time()).hold
        await hold()
    await wait_settled(
        page,
        inflight=collector.inflight,
        last_activity=collector.last_activity,
        poll_jar=collector.poll_jar,
        settle=options.settle,
        cap=options.settle_cap,
        hold=hold,
    )
    visit.cookies, visit.storage, visit.pixels, visit.rejected = await collector.finish_page(page)
    if first and phase == "before-consent" and options.screenshot:
        # Nobody answered the banner in this phase, so after settling it is
        # still on screen, fully drawn, with no click racing the page's timers.
        outcome.screenshot = await _screenshot(page)
    visit.seconds = loop.time() - began
    return visit


async def _never() -> bool:
    return False


class _BannerClicker:
    """Answers the banner as soon as it shows; holds the page open while it may still come."""

    def __init__(
        self,
        page: Any,
        phase: Phase,
        collector: ContextCollector,
        outcome: PhaseOutcome,
        visit: PageVisit,
        began: float,
    ) -> None:
        self.page, self.collector, self.outcome, self.visit = page, collector, outcome, visit
        self.action: Action = "accept-all" if phase == "after-accept" else "reject-all"
        self.deadline = began + BANNER_WAIT
        self.done = False

    async def hold(self) -> bool:
        """Try to click; True right after the click and in the first moments after load.

        Otherwise the page settles as usual; a banner that has not shown by
        then (its script loaded, nothing pending) is not coming.
        """
        if self.done:
            return False
        # What the page set before the click belongs to the before-consent
        # phase; this phase reports what happens once the choice is made.
        name = await find_and_click(self.page, self.action, before_click=self.collector.cut)
        if name is not None:
            self.done = True
            self.outcome.banner = self.visit.banner = name
            return True
        return asyncio.get_running_loop().time() < self.deadline


async def _screenshot(page: Any) -> bytes | None:
    try:
        png: bytes = await page.screenshot(type="png")
    except Exception:  # a screenshot is a nicety of the HTML report, never a reason to fail
        return None
    return png
