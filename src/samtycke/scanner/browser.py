"""Find and launch a headless Chromium: $SAMTYCKE_CHROMIUM, ``chromium`` on PATH, or Playwright's own."""

from __future__ import annotations

import os
import shutil
from typing import Any

from samtycke.errors import ScanError

# The features Playwright's own launch switches off (its list as of the pinned
# version). Chromium obeys only the last --disable-features it is given, so a
# list of our own must repeat them; tests/scanner/test_browser.py fails, naming
# them, when a Playwright upgrade adds one that is missing here.
PLAYWRIGHT_DISABLED_FEATURES = (
    "AvoidUnnecessaryBeforeUnloadCheckSync",
    "DestroyProfileOnBrowserClose",
    "HttpsUpgrades",
    "HttpsFirstBalancedModeAutoEnable",
    "LensOverlay",
    "MediaRouter",
    "PaintHolding",
    "ThirdPartyStoragePartitioning",
    "AvoidCorsURLLoaderRestartOnRedirect",
    "TcpPortRandomizationWin",
    "OptimizationHints",
    "NetworkTimeServiceQuerying",
    "AimEnabled",
    "PreconnectToSearch",
    "msForceBrowserSignIn",
    "msEdgeUpdateLaunchServicesPreferredVersion",
)
# Headless Chromium gives every page a browser window, and every window of a
# new context preloads the omnibox's suggestion popup, a WebUI page in a
# renderer process of its own: a second renderer per context that nobody
# sees, about half of what a context and its page cost the machine.
#
# Chromium also keeps a spare renderer started ahead for the next page. It
# belongs to one context, and every page of a scan opens in a new context, so
# the spare is never taken: it is started and killed again for each one, a
# second renderer start per context that buys nothing.
DISABLED_FEATURES = (
    *PLAYWRIGHT_DISABLED_FEATURES,
    "WebUIOmniboxPopup",
    "WebUIOmniboxAimPopup",
    "SpareRendererForSitePerProcess",
)

# Flags for an unattended, quiet browser that makes no traffic of its own.
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-gpu",
    "--no-first-run",
    "--disable-features=" + ",".join(DISABLED_FEATURES),
]
_ON_PATH = ("chromium", "chromium-browser", "google-chrome", "google-chrome-stable")


def find_chromium() -> str | None:
    """The system browser to use, or ``None`` to fall back to Playwright's own."""
    env = os.environ.get("SAMTYCKE_CHROMIUM")
    if env:
        if not (os.path.isfile(env) and os.access(env, os.X_OK)):
            raise ScanError(f"SAMTYCKE_CHROMIUM={env} is not an executable file")
        return env
    for name in _ON_PATH:
        found = shutil.which(name)
        if found:
            return found
    return None


async def launch_browser(playwright: Any, *, host_rules: str | None = None) -> Any:
    """A headless Chromium; a :class:`ScanError` naming what to install when there is none.

    ``host_rules`` is Chromium's ``--host-resolver-rules`` (e.g. ``MAP *.test 127.0.0.1``).
    """
    exe = find_chromium()
    args = CHROMIUM_ARGS + ([f"--host-resolver-rules={host_rules}"] if host_rules else [])
    try:
        return await playwright.chromium.launch(executable_path=exe, args=args, headless=True)
    except Exception as exc:  # Playwright raises its own Error type for every launch failure
        where = exe or "Playwright's bundled Chromium"
        first = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
        raise ScanError(
            f"no usable browser ({where}: {first}); install chromium, set SAMTYCKE_CHROMIUM, "
            "or run `playwright install chromium`"
        ) from exc
