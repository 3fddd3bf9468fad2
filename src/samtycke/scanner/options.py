"""Scan settings, with the defaults the CLI documents."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class ScanOptions:
    """How far to crawl and how long to wait on each page."""

    max_pages: int = 20
    depth: int = 3
    respect_robots: bool = True
    # A page is done when nothing is pending and the cookie jar has been stable
    # for ``settle`` seconds; when the page's own timers and requests say that
    # nothing is pending, a quarter of it is enough (see settle.py).
    settle: float = 2.0
    settle_cap: float = 15.0
    navigation_timeout: float = 20.0
    screenshot: bool = True
