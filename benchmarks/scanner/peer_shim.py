"""Run a peer scanner's CLI with Playwright pointed at the system Chromium.

Usage (with the peer's own Python): python peer_shim.py consentcrawl|cookieradar ARGS...
The peers launch Playwright's downloaded browser; this wraps ``BrowserType.launch``
so they use /usr/bin/chromium (or $SAMTYCKE_CHROMIUM) with quiet flags instead.
"""

from __future__ import annotations

import os
import sys
from typing import Any

from playwright.async_api import BrowserType as AsyncBrowserType
from playwright.sync_api import BrowserType as SyncBrowserType

EXE = os.environ.get("SAMTYCKE_CHROMIUM", "/usr/bin/chromium")
ARGS = [
    "--no-sandbox",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


def _patch(cls: Any) -> None:
    original = cls.launch

    def launch(self: Any, *args: Any, **kwargs: Any) -> Any:
        kwargs["executable_path"] = EXE
        kwargs["args"] = [*(kwargs.get("args") or []), *ARGS]
        return original(self, *args, **kwargs)

    cls.launch = launch


def main() -> None:
    """Patch Playwright, then hand over to the peer's command line."""
    _patch(AsyncBrowserType)
    _patch(SyncBrowserType)
    tool, sys.argv = sys.argv[1], [sys.argv[1], *sys.argv[2:]]
    if tool == "consentcrawl":
        from consentcrawl.cli import cli

        sys.exit(cli())
    if tool == "cookieradar":
        from cookieradar.cli import app

        sys.exit(app())
    sys.exit(f"unknown peer {tool!r}")


if __name__ == "__main__":
    main()
