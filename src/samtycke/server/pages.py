"""Everything the server shows besides the consent API: banner, config, policy, signals.

The banner script, its CSS and the policy pages come from the banner and
policy packages; they are built once per (site, endpoint, language) and kept
in a bounded cache (assets.py). The endpoint is ``SAMTYCKE_PUBLIC_URL`` when
set, else the URL the request came in on, if its ``Host`` is one the server
serves (hosts.py). An answer that depends on ``Host`` is never sent
``Cache-Control: public``: a shared cache keyed on a URL must not hand one
site's (or one host's) script to another.
"""

from __future__ import annotations

import hashlib
import importlib
import json
from collections.abc import Callable
from typing import Any

from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import JSONResponse, PlainTextResponse, RedirectResponse, Response

from samtycke.errors import SamtyckeError
from samtycke.server.assets import Key
from samtycke.server.consents import state_of
from samtycke.server.errors import ApiError, ledger_bound
from samtycke.server.hosts import trusted_host
from samtycke.server.proof import write_problem
from samtycke.server.sites import Site, site_for_host

CACHE = "public, max-age=300"
PRIVATE_CACHE = "private, max-age=300"


def base_of(request: Request) -> str:
    """This server's public base URL: SAMTYCKE_PUBLIC_URL, else the one asked (400 for a
    ``Host`` that is not one of the served domains)."""
    st = state_of(request)
    if st.config.public_url:
        return st.config.public_url.rstrip("/")
    host = request.headers.get("host")
    if not trusted_host(host, st.sites.values(), None):
        raise ApiError(
            400,
            f"Host {host!r} is not a domain of any served site "
            "(set SAMTYCKE_PUBLIC_URL to the server's public URL)",
            "host",
        )
    return str(request.base_url).rstrip("/")


def host_dependent(request: Request, *, endpoint: bool) -> bool:
    """True when the answer depends on ``Host``: the site is picked by it, or
    (``endpoint``) the URLs in the answer are built from it."""
    picked_by_host = "site" not in request.path_params and "site" not in request.query_params
    return picked_by_host or (endpoint and not state_of(request).config.public_url)


def endpoint_of(request: Request) -> str:
    """The URL the banner POSTs decisions to."""
    return base_of(request) + "/v1/consents"


def policy_url_of(request: Request, site: Site) -> str:
    """The site's own policy page when declared, else this server's (``{lang}`` filled in by the banner)."""
    return site.decl.site.policy_url or f"{base_of(request)}/v1/sites/{site.id}/cookies/{{lang}}"


def pick_site(request: Request) -> Site:
    """The site named in the path or ``?site=``, else the one the Host belongs to."""
    st = state_of(request)
    sid = request.path_params.get("site") or request.query_params.get("site")
    if sid is not None:
        site = st.sites.get(sid)
        if site is None:
            raise ApiError(404, f"unknown site {sid!r}", "site")
        return site
    site = site_for_host(st.sites, request.headers.get("host", ""))
    if site is None:
        raise ApiError(404, "this host is not a domain of any served site; add ?site=<id>", "site")
    return site


def _built(request: Request, key: Key, build: Callable[[], str]) -> str:
    st = state_of(request)
    text = st.assets.get(key)
    if text is None:
        try:
            text = build()
        except ImportError as exc:
            raise ApiError(
                503, f"this part of samtycke is not installed yet ({exc.name})"
            ) from None
        except SamtyckeError as exc:
            raise ApiError(503, f"cannot build {key[0]} for site {key[1]!r}: {exc}") from None
        st.assets.put(key, text)
    return text


def _function(module: str, name: str) -> Callable[..., Any]:
    """``module.name``, or ApiError 503 while that part of samtycke is missing."""
    try:
        fn = getattr(importlib.import_module(module), name, None)
    except ImportError:
        fn = None
    if not callable(fn):
        raise ApiError(503, f"{module}.{name} is not available in this installation")
    return fn  # type: ignore[no-any-return]


def _text(body: str, media: str, request: Request, *, by_host: bool) -> Response:
    etag = '"' + hashlib.sha256(body.encode()).hexdigest()[:32] + '"'
    headers = {"ETag": etag, **cache_headers(by_host)}
    if request.headers.get("if-none-match") == etag:
        return Response(status_code=304, headers=headers)
    return Response(body, media_type=media, headers=headers)


def cache_headers(by_host: bool) -> dict[str, str]:
    """``Cache-Control`` (and ``Vary``) for an answer that does or does not depend on Host."""
    if by_host:
        return {"Cache-Control": PRIVATE_CACHE, "Vary": "Host"}
    return {"Cache-Control": CACHE}


async def banner_script(request: Request) -> Response:
    """``GET /samtycke.js`` and ``/v1/sites/{site}/samtycke.js``."""
    site, endpoint = pick_site(request), endpoint_of(request)
    build = _function("samtycke.banner", "build_script")
    # The GPC spec's header: exactly "1". The banner then honours it even where
    # the browser does not expose navigator.globalPrivacyControl.
    gpc = request.headers.get("sec-gpc") == "1"
    js = _built(
        request,
        ("js+gpc" if gpc else "js", site.id, endpoint),
        lambda: build(
            site.decl, endpoint=endpoint, policy_url=policy_url_of(request, site), gpc=gpc
        ),
    )
    response = _text(
        js,
        "text/javascript; charset=utf-8",
        request,
        by_host=host_dependent(request, endpoint=True),
    )
    # The script tells the banner whether this request carried Sec-GPC: 1.
    response.headers["Vary"] = ", ".join(v for v in (response.headers.get("Vary"), "Sec-GPC") if v)
    return response


async def banner_stylesheet(request: Request) -> Response:
    """``GET /samtycke.css``: the banner CSS when it ships separately (else 404)."""
    site = pick_site(request)
    css_of = _function("samtycke.banner", "banner_css")
    css = _built(request, ("css", site.id, ""), lambda: str(css_of()))
    if not css:
        raise ApiError(404, "the banner's CSS is inside samtycke.js")
    return _text(
        css, "text/css; charset=utf-8", request, by_host=host_dependent(request, endpoint=False)
    )


async def site_config(request: Request) -> Response:
    """``GET /v1/sites/{site}``: the banner config, with revision and fingerprint."""
    site, endpoint = pick_site(request), endpoint_of(request)
    config_of = _function("samtycke.banner", "banner_config")
    key = ("config", site.id, endpoint)
    st = state_of(request)
    config = st.assets.get(key)
    if config is None:
        try:
            data = dict(
                config_of(site.decl, endpoint=endpoint, policy_url=policy_url_of(request, site))
            )
        except SamtyckeError as exc:
            raise ApiError(503, f"cannot build the config of site {site.id!r}: {exc}") from None
        data.setdefault("revision", site.decl.site.revision)
        data.setdefault("fingerprint", site.fingerprint)
        config = json.dumps(data, ensure_ascii=False, separators=(",", ":"))
        st.assets.put(key, config)
    return _text(
        config, "application/json", request, by_host=host_dependent(request, endpoint=True)
    )


def negotiate(accept_language: str, languages: tuple[str, ...]) -> str:
    """The best of ``languages`` for an Accept-Language header (default: the first)."""
    ranked: list[tuple[float, int, str]] = []
    for i, part in enumerate(accept_language.split(",")):
        tag, _, params = part.strip().partition(";")
        q = 1.0
        if params.strip().startswith("q="):
            try:
                q = float(params.strip()[2:])
            except ValueError:
                q = 0.0
        if tag and q > 0:
            ranked.append((-q, i, tag.strip().lower()))
    aliases = {"no": "nb", "nn": "nb"}  # Norwegian: one written standard served
    for _, _, tag in sorted(ranked):
        base = aliases.get(tag.split("-")[0], tag.split("-")[0])
        if base in languages:
            return base
    return languages[0]


async def policy_redirect(request: Request) -> Response:
    """``GET /cookies``: redirect to the reader's language."""
    site = pick_site(request)
    lang = negotiate(request.headers.get("accept-language", ""), site.decl.site.languages)
    prefix = f"/v1/sites/{site.id}" if "site" in request.path_params else ""
    query = f"?site={site.id}" if "site" in request.query_params else ""
    by_host = host_dependent(request, endpoint=False)
    return RedirectResponse(
        f"{prefix}/cookies/{lang}{query}",
        status_code=307,
        headers={"Vary": "Accept-Language, Host" if by_host else "Accept-Language"},
    )


async def policy_page(request: Request) -> Response:
    """``GET /cookies/{lang}``: the cookie policy as HTML."""
    site = pick_site(request)
    lang = request.path_params["lang"]
    if lang not in site.decl.site.languages:
        raise ApiError(
            404,
            f"language {lang!r} is not one of the site's ({', '.join(site.decl.site.languages)})",
            "lang",
        )
    render = _function("samtycke.policy", "render_policy")
    # The page loads this site's samtycke.js, so its "Open cookie settings" button works.
    script = f"{base_of(request)}/v1/sites/{site.id}/samtycke.js"
    html = _built(
        request,
        ("policy", site.id, f"{lang} {script}"),
        lambda: str(render(site.decl, lang, "html", script_src=script)),
    )
    # The script's URL is built from the public URL or, without one, from Host.
    return _text(
        html, "text/html; charset=utf-8", request, by_host=host_dependent(request, endpoint=True)
    )


async def gpc_json(request: Request) -> Response:
    """``GET /.well-known/gpc.json``: this site honours Global Privacy Control."""
    site = pick_site(request)
    support = _function("samtycke.banner", "gpc_support")
    return JSONResponse(
        support(site.decl), headers=cache_headers(host_dependent(request, endpoint=False))
    )


async def healthz(request: Request) -> Response:
    """``GET /healthz``: 200 when the ledger answers and can write, 503 when not."""
    st = state_of(request)
    try:
        assert st.ledger is not None
        await ledger_bound(run_in_threadpool(st.ledger.ping), "not healthy")
        problem = write_problem(st.ledger, st.writer.failing if st.writer else None)
    except ApiError as exc:
        return JSONResponse({"status": "unavailable", "error": exc.message}, status_code=503)
    except AssertionError as exc:
        return JSONResponse({"status": "unavailable", "error": str(exc)}, status_code=503)
    if problem is not None:
        return JSONResponse({"status": "unavailable", "error": problem}, status_code=503)
    return JSONResponse({"status": "ok", "sites": sorted(st.sites)})


async def robots(request: Request) -> Response:
    """``GET /robots.txt``: nothing here needs indexing but the policy pages."""
    return PlainTextResponse("User-agent: *\nDisallow: /v1/\n")
