"""``samtycke.js``: the committed engine with one site's config in front of it."""

from __future__ import annotations

import json
from functools import cache
from importlib import resources

from samtycke.banner.config import banner_config
from samtycke.declaration import Declaration
from samtycke.errors import BannerBuildError

ASSETS = "assets"


@cache
def engine_js() -> str:
    """The built banner engine (``assets/engine.js``, made by ``banner/build.mjs``)."""
    return _asset("engine.js")


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
    """The complete ``samtycke.js`` of a site: config assignment, then the engine.

    The config is in the same file (not an inline script), so a page with
    ``script-src 'self'`` can load it. Cookie purposes are left out unless
    ``purposes`` is true: in five languages they would double the download,
    and the cookie policy linked from the banner has them.
    """
    config = json.dumps(
        banner_config(decl, endpoint=endpoint, policy_url=policy_url, purposes=purposes, gpc=gpc),
        ensure_ascii=False,
        separators=(",", ":"),
    )
    # "</" would end an inlined <script> early and "<!--" could keep it from ending:
    # every "<" as \u003c means the same in JSON and JS and rules out both.
    config = (
        config.replace("<", "\\u003c").replace("\u2028", "\\u2028").replace("\u2029", "\\u2029")
    )
    return f"window.samtyckeConfig={config};\n{engine_js()}"


def _asset(name: str) -> str:
    try:
        return (resources.files(__package__) / ASSETS / name).read_text(encoding="utf-8")
    except OSError as exc:
        raise BannerBuildError(
            f"the banner engine asset {name} is missing ({exc}); "
            "rebuild it with: cd banner && npm ci && npm run build"
        ) from exc
