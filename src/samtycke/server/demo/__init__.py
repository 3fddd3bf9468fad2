"""The demo website of ``samtycke demo``: three pages, the banner, gated tracker stand-ins.

The stand-ins are local scripts that set the cookie names Google Analytics,
Hotjar, LinkedIn Insight and the Meta pixel set, on the demo's own host, so
the banner's gating can be watched without any request leaving the machine.
"""

from __future__ import annotations

import string
from importlib import resources
from pathlib import Path

from starlette.requests import Request
from starlette.responses import HTMLResponse, Response
from starlette.routing import BaseRoute, Route

from samtycke.server.consents import state_of
from samtycke.server.errors import ApiError
from samtycke.server.pages import negotiate

SCRIPTS = ("ga", "hotjar", "linkedin", "meta", "state")

PAGES = {
    "/": (
        "Home",
        "<h1>Invoicing that gets you paid</h1><p>Send invoices, get paid and follow up"
        " without lifting a finger. This is a demo page of the samtycke consent platform.</p>",
    ),
    "/pricing": (
        "Pricing",
        "<h1>Pricing</h1><ul><li>Start: 0 kr/month, 9 kr per invoice</li>"
        "<li>Business: 299 kr/month, 5 kr per invoice</li>"
        "<li>Enterprise: talk to us</li></ul>",
    ),
    "/about": (
        "About",
        "<h1>About us</h1><p>A made-up company page, there so the demo has more than one"
        " page to click through while the consent choice follows you.</p>",
    ),
}


def _read(name: str) -> str:
    return resources.files(__package__).joinpath(name).read_text(encoding="utf-8")


def bundled_declaration() -> Path:
    """The Billogram declaration shipped inside the package."""
    return Path(str(resources.files(__package__).joinpath("billogram.toml")))


async def page(request: Request) -> Response:
    """One of the demo pages, in the reader's language (Accept-Language) as far as the
    banner goes: the page is ``lang`` of that language, its English parts say so."""
    title, body = PAGES[request.url.path]
    languages = next(iter(state_of(request).sites.values())).decl.site.languages
    lang = negotiate(request.headers.get("accept-language", ""), languages)
    html = string.Template(_read("layout.html")).substitute(title=title, body=body, lang=lang)
    return HTMLResponse(html, headers={"Cache-Control": "no-store", "Vary": "Accept-Language"})


async def script(request: Request) -> Response:
    """A stand-in tracker script."""
    name = request.path_params["name"]
    if name not in SCRIPTS:
        raise ApiError(404, f"no demo script {name!r}")
    return Response(_read(f"{name}.js"), media_type="text/javascript; charset=utf-8")


def demo_routes() -> list[BaseRoute]:
    """The demo site's routes, mounted before the API's."""
    routes: list[BaseRoute] = [Route(path, page, methods=["GET"]) for path in PAGES]
    routes.append(Route("/demo/{name}.js", script, methods=["GET"]))
    return routes
