"""Scan settings, with the defaults the CLI documents."""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path


def default_concurrency() -> int:
    """Pages open at once: most of a page's time is waiting, so ten per core.

    An open page costs memory (a renderer, some 60 MB), not CPU; what it costs
    to load is bounded apart (:func:`default_loads`). Ten per core lets the
    three phases of a small site wait out a late cookie side by side on two
    cores: five pages, each loaded in every phase, and the two decision pages.
    """
    return max(4, min(32, 10 * (os.cpu_count() or 1)))


def default_loads() -> int:
    """Pages loading at once: loading is the work, so two per core."""
    return max(2, 2 * (os.cpu_count() or 1))


@dataclass(frozen=True)
class ScanOptions:
    """How far to crawl, how long to wait on each page, which visitors to send."""

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
    # Pages open at once over all phases, of them loading at once, and loading
    # at once from one host.
    concurrency: int = default_concurrency()
    loads: int = default_loads()
    per_host: int = 6
    # How long the start page is watched for a banner that has not shown yet.
    banner_wait: float = 5.0
    gpc: bool = False  # also visit as a browser that sends Global Privacy Control
    storage_state: Path | None = None  # a Playwright storage state file: a logged-in visitor
    # Chromium's --host-resolver-rules, to scan a site by name before its DNS exists.
    host_rules: str | None = None
