"""``samtycke.js``: the committed engine with one site's config in front of it."""

from __future__ import annotations

import json
from collections.abc import Callable
from functools import cache
from importlib import resources
from typing import Any

from samtycke.banner.config import banner_config
from samtycke.declaration import Declaration
from samtycke.errors import BannerBuildError

ASSETS = "assets"
# V8's explicit compile hint: Chromium compiles every function of the file while it loads,
# so the first click runs compiled code instead of compiling the handlers inside the
# interaction; to other engines it is a comment.
COMPILE_HINT = "//# allFunctionsCalledOnLoad"

# Add-ons to the engine, each only in the samtycke.js of a site whose config uses it
# (banner/build.mjs builds them; they register with the engine before it runs).
ADDONS: tuple[tuple[str, Callable[[dict[str, Any]], bool]], ...] = (
    # Sending decisions to the consent API: pending queue, retries, receipts (banner/src/send.ts).
    ("addon-send.js", lambda c: bool(c["endpoint"])),
    # Google Consent Mode, Microsoft UET and Clarity signals (banner/src/gcm.ts).
    ("addon-signals.js", lambda c: bool(c["google_consent_mode"] or c["uet"] or c["clarity"])),
    # The cross-domain consent handshake (banner/src/xd.ts); it talks to the consent server.
    ("addon-xd.js", lambda c: bool(c["shared_domains"] and c["endpoint"])),
)


@cache
def engine_js() -> str:
    """The built banner engine (``assets/engine.js``, made by ``banner/build.mjs``)."""
    return _asset("engine.js")


@cache
def addon_js(name: str) -> str:
    """One built add-on of the engine (``assets/addon-*.js``)."""
    return _asset(name)


def addons_for(config: dict[str, Any]) -> list[str]:
    """The file names of the add-ons a site's banner config needs, in load order."""
    return [name for name, wanted in ADDONS if wanted(config)]


def type_declarations() -> str:
    """The public TypeScript types of the banner API (``samtycke.d.ts``)."""
    return _asset("samtycke.d.ts")


def banner_css() -> str:
    """The banner's separate stylesheet: empty, the CSS ships inside ``samtycke.js``.

    The engine adopts a constructed stylesheet (``document.adoptedStyleSheets``),
    which ``Content-Security-Policy: style-src 'self'`` allows, so one file is enough.
    """
    return ""


def build_script(
    decl: Declaration,
    *,
    endpoint: str | None = None,
    policy_url: str | None = None,
    purposes: bool = False,
    gpc: bool = False,
) -> str:
    """The complete ``samtycke.js`` of a site: config assignment, add-ons, then the engine.

    The config is in the same file (not an inline script), so a page with
    ``script-src 'self'`` can load it. Cookie purposes are left out unless
    ``purposes`` is true: in five languages they would double the download,
    and the cookie policy linked from the banner has them. Add-ons (see
    ``ADDONS``) come only where the config uses them, so other sites load less.
    """
    data = banner_config(decl, endpoint=endpoint, policy_url=policy_url, purposes=purposes, gpc=gpc)
    config = json.dumps(
        data,
        ensure_ascii=False,
        separators=(",", ":"),
    )
    # "</" would end an inlined <script> early and "<!--" could keep it from ending:
    # every "<" as \u003c means the same in JSON and JS and rules out both.
    config = (
        config.replace("<", "\\u003c").replace("\u2028", "\\u2028").replace("\u2029", "\\u2029")
    )
    addons = "".join(addon_js(name) for name in addons_for(data))
    return f"window.samtyckeConfig={config};\n{COMPILE_HINT}\n{addons}{engine_js()}"


def _asset(name: str) -> str:
    try:
        return (resources.files(__package__) / ASSETS / name).read_text(encoding="utf-8")
    except OSError as exc:
        raise BannerBuildError(
            f"the banner engine asset {name} is missing ({exc}); "
            "rebuild it with: cd banner && npm ci && npm run build"
        ) from exc
