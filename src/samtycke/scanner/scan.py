"""Run a whole scan: check the URL, launch the browser, run the phases, compare."""

from __future__ import annotations

import asyncio
import json
import time
from collections.abc import Callable
from pathlib import Path
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
from samtycke.scanner.phases import PhaseOutcome, phase_pool, run_phase
from samtycke.scanner.schedule import Limiter, SharedFrontier
from samtycke.scanner.visit import ContextPool, Visitor

OnPage = Callable[[PageVisit], None]


def check_url(url: str) -> str:
    """The normalised start URL; :class:`ScanError` when it is not an http(s) URL."""
    normalized = normalize_url(url)
    if normalized is None or urlsplit(url).scheme not in ("http", "https"):
        raise ScanError(f"{url!r} is not a URL to scan (give http:// or https:// and a host)")
    return normalized


async def _preflight(pool: ContextPool, url: str, options: ScanOptions) -> RobotFileParser | None:
    """Reach the site once through the browser's own network stack and read robots.txt.

    The browser resolves names the way the scan will (host rules included), so
    what cannot be reached here could not be scanned either. The page is the
    first of ``pool``'s, which goes on to the phase's pages: a context costs a
    renderer, a navigation far less.
    """
    parts = urlsplit(url)
    robots_url = f"{parts.scheme}://{parts.netloc}/robots.txt"
    async with pool.worker() as (_, page, _):
        try:
            response = await page.goto(
                robots_url, timeout=options.navigation_timeout * 1000, wait_until="commit"
            )
        except Exception as exc:  # Playwright raises one Error type for DNS, refused, TLS…
            reason = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
            raise ScanError(f"cannot reach {url}: {reason}") from exc
        if not options.respect_robots or response is None or response.status != 200:
            return None
        try:
            return parse_robots(await response.text(), robots_url)
        except Exception:  # an unreadable robots.txt means no rules
            return None


def load_storage_state(path: Path) -> dict[str, Any]:
    """A Playwright storage state file; :class:`ScanError` saying what is wrong with it."""
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except OSError as exc:
        raise ScanError(f"{path}: cannot read the storage state ({exc.strerror or exc})") from exc
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise ScanError(
            f"{path}: not a storage state file ({exc}); save one with Playwright's "
            "context.storage_state(path=...)"
        ) from exc
    if not isinstance(data, dict) or not all(
        isinstance(data.get(k, []), list) for k in ("cookies", "origins")
    ):
        raise ScanError(
            f'{path}: not a storage state file (needs lists "cookies" and "origins"); '
            "save one with Playwright's context.storage_state(path=...)"
        )
    for i, c in enumerate(data.get("cookies", []), start=1):
        if not isinstance(c, dict) or not {"name", "value", "domain", "path"} <= set(c):
            raise ScanError(
                f"{path}: cookie {i} needs name, value, domain and path (as Playwright writes it)"
            )
    return data


async def scan_async(
    url: str,
    *,
    declaration: Declaration | None = None,
    knowledge: KnowledgeBase | None = None,
    options: ScanOptions | None = None,
    on_page: OnPage = lambda v: None,
) -> ScanResult:
    """Scan ``url``: every phase at once, pages side by side; compare with ``declaration``."""
    try:
        from playwright.async_api import async_playwright
    except ImportError as exc:
        raise ScanError('the scanner needs Playwright: pip install "samtycke[scanner]"') from exc

    start = check_url(url)
    options = options or ScanOptions()
    kb = knowledge or builtin_knowledge()
    state = load_storage_state(options.storage_state) if options.storage_state else None
    phases = PHASES if options.gpc else tuple(p for p in PHASES if p != "gpc")
    began = time.monotonic()
    async with async_playwright() as pw:
        browser = await launch_browser(pw, host_rules=options.host_rules)
        try:
            limiter = Limiter(options.concurrency, options.per_host, options.loads)
            version = browser.version
            # Some banners stay hidden for "HeadlessChrome"; look like a plain Chrome.
            agent = (
                "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) "
                f"Chrome/{version} Safari/537.36"
            )
            frontier = SharedFrontier(start, options.max_pages, options.depth, None, len(phases))
            pools = [
                phase_pool(
                    Visitor(browser, phase, options, limiter, kb.tracker_host, agent, state),
                    len(phases),
                )
                for phase in phases
            ]
            # robots.txt is read while the banners are answered (it only matters
            # once pages hand in their links), in the before-consent phase's
            # first context, before that phase's first page: asked for first,
            # that context is handed to it first.
            robots = asyncio.ensure_future(_preflight(pools[0], start, options))
            frontier.robots = robots
            walks = asyncio.gather(
                *(run_phase(pool, frontier, i, on_page) for i, pool in enumerate(pools))
            )
            try:
                await robots  # a site that cannot be reached ends the scan here
                outcomes: list[PhaseOutcome] = await walks
            finally:
                if not walks.done():
                    walks.cancel()
                    await asyncio.gather(walks, return_exceptions=True)
                if not robots.done():
                    robots.cancel()
                    await asyncio.gather(robots, return_exceptions=True)
        finally:
            await browser.close()
    if not any(v.error is None for o in outcomes for v in o.visits):
        first = next((v.error for o in outcomes for v in o.visits if v.error), "no page loaded")
        raise ScanError(f"cannot load {start} in the browser: {first}")
    return _result(
        start, outcomes, declaration, kb, time.monotonic() - began, version, frontier.skipped
    )


def _result(
    start: str,
    outcomes: list[PhaseOutcome],
    declaration: Declaration | None,
    kb: KnowledgeBase,
    seconds: float,
    version: str,
    skipped: list[str],
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
        skipped=sorted(skipped),
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
