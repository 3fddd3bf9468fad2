"""Run a whole scan: check the URL, launch the browser, run three phases, compare."""

from __future__ import annotations

import asyncio
import time
from collections.abc import Callable
from typing import Any
from urllib.parse import urlsplit
from urllib.robotparser import RobotFileParser

from samtycke.declaration import Declaration
from samtycke.errors import ScanError
from samtycke.knowledge import KnowledgeBase, builtin_knowledge
from samtycke.scanner.aggregate import aggregate_cookies, aggregate_storage
from samtycke.scanner.browser import launch_browser
from samtycke.scanner.compare import find_violations
from samtycke.scanner.crawler import normalize_url, parse_robots
from samtycke.scanner.model import PHASES, PageVisit, PhaseSummary, ScanResult
from samtycke.scanner.options import ScanOptions
from samtycke.scanner.phases import PhaseOutcome, run_phase

OnPage = Callable[[PageVisit], None]


def check_url(url: str) -> str:
    """The normalised start URL; :class:`ScanError` when it is not an http(s) URL."""
    normalized = normalize_url(url)
    if normalized is None or urlsplit(url).scheme not in ("http", "https"):
        raise ScanError(f"{url!r} is not a URL to scan (give http:// or https:// and a host)")
    return normalized


async def _preflight(playwright: Any, url: str, options: ScanOptions) -> RobotFileParser | None:
    """Reach the site once, before any browser starts, and read robots.txt."""
    timeout = options.navigation_timeout * 1000
    request = await playwright.request.new_context(ignore_https_errors=True)
    try:
        try:
            await request.get(url, timeout=timeout, max_redirects=10)
        except Exception as exc:  # Playwright raises one Error type for DNS, refused, TLS…
            reason = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
            raise ScanError(f"cannot reach {url}: {reason}") from exc
        if not options.respect_robots:
            return None
        parts = urlsplit(url)
        robots_url = f"{parts.scheme}://{parts.netloc}/robots.txt"
        try:
            response = await request.get(robots_url, timeout=timeout)
            if response.status != 200:
                return None
            return parse_robots(await response.text(), robots_url)
        except Exception:  # an unreachable or unreadable robots.txt means no rules
            return None
    finally:
        await request.dispose()


async def scan_async(
    url: str,
    *,
    declaration: Declaration | None = None,
    knowledge: KnowledgeBase | None = None,
    options: ScanOptions | None = None,
    on_page: OnPage = lambda v: None,
) -> ScanResult:
    """Scan ``url`` in three concurrent phases and compare with ``declaration``."""
    try:
        from playwright.async_api import async_playwright
    except ImportError as exc:
        raise ScanError('the scanner needs Playwright: pip install "samtycke[scanner]"') from exc

    start = check_url(url)
    options = options or ScanOptions()
    kb = knowledge or builtin_knowledge()
    began = time.monotonic()
    async with async_playwright() as pw:
        robots = await _preflight(pw, start, options)
        browser = await launch_browser(pw)
        try:
            version = browser.version
            # Some banners stay hidden for "HeadlessChrome"; look like a plain Chrome.
            agent = (
                "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) "
                f"Chrome/{version} Safari/537.36"
            )
            outcomes: list[PhaseOutcome] = await asyncio.gather(
                *(
                    run_phase(
                        browser,
                        phase,
                        start,
                        options,
                        robots=robots,
                        tracker_host=kb.tracker_host,
                        user_agent=agent,
                        on_page=on_page,
                    )
                    for phase in PHASES
                )
            )
        finally:
            await browser.close()
    if not any(v.error is None for o in outcomes for v in o.visits):
        first = next((v.error for o in outcomes for v in o.visits if v.error), "no page loaded")
        raise ScanError(f"cannot load {start} in the browser: {first}")
    return _result(start, outcomes, declaration, kb, time.monotonic() - began, version)


def _result(
    start: str,
    outcomes: list[PhaseOutcome],
    declaration: Declaration | None,
    kb: KnowledgeBase,
    seconds: float,
    version: str,
) -> ScanResult:
    visits = [v for o in outcomes for v in o.visits]
    pages: list[str] = []
    for v in visits:
        if v.error is None and v.url not in pages:
            pages.append(v.url)
    cookies = aggregate_cookies(visits, start, declaration, kb)
    return ScanResult(
        url=start,
        pages=pages,
        visits=visits,
        cookies=cookies,
        storage=aggregate_storage(visits, declaration),
        pixels=[(v.phase, v.url, p) for v in visits for p in v.pixels],
        violations=find_violations(cookies, visits, declaration),
        phases=[PhaseSummary(o.phase, len(o.visits), o.seconds, o.banner) for o in outcomes],
        seconds=seconds,
        browser=f"Chromium {version}",
        declaration=str(declaration.path) if declaration and declaration.path else None,
        screenshot=next((o.screenshot for o in outcomes if o.screenshot), None),
        skipped=sorted({u for o in outcomes for u in o.skipped}),
    )


def scan(
    url: str,
    *,
    declaration: Declaration | None = None,
    knowledge: KnowledgeBase | None = None,
    options: ScanOptions | None = None,
    on_page: OnPage = lambda v: None,
) -> ScanResult:
    """Blocking form of :func:`scan_async`."""
    return asyncio.run(
        scan_async(
            url, declaration=declaration, knowledge=knowledge, options=options, on_page=on_page
        )
    )
