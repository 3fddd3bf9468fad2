"""CORS for the declared domains only.

A browser on a page of a served site (its domain or any subdomain, http or
https, any port) may call the API and load the config; every other origin
gets no CORS headers, and a preflight from it is refused with 403. Same-origin
requests (the demo, or a banner served by this server) always pass. The
consent POST additionally checks the origin against the site it names, so one
site cannot write consents for another.
"""

from __future__ import annotations

import functools
import json
import urllib.parse
from collections.abc import Callable, Iterable

from starlette.datastructures import Headers
from starlette.requests import Request
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from samtycke.server.sites import Site

ALLOW_METHODS = "GET, POST, OPTIONS"
ALLOW_HEADERS = "Content-Type"


@functools.lru_cache(maxsize=4096)
def _origin_host(origin: str) -> str | None:
    try:
        parts = urllib.parse.urlsplit(origin)
        host = parts.hostname
        _ = parts.port  # raises for a malformed port
    except ValueError:
        return None
    if parts.scheme not in ("http", "https") or not host:
        return None
    return host


def same_origin(origin: str, host_header: str | None) -> bool:
    """True when ``origin`` is the server itself (compares host and port)."""
    if not host_header:
        return False
    try:
        return urllib.parse.urlsplit(origin).netloc.lower() == host_header.lower()
    except ValueError:
        return False


def origin_allowed(origin: str, host_header: str | None, sites: Iterable[Site]) -> bool:
    """True for same-origin, or an origin on one of the sites' domains."""
    if same_origin(origin, host_header):
        return True
    host = _origin_host(origin)
    return host is not None and any(site.owns_host(host) for site in sites)


def origin_allowed_for(origin: str, request: Request, sites: Iterable[Site]) -> bool:
    """``origin_allowed`` for a Starlette request."""
    return origin_allowed(origin, request.headers.get("host"), sites)


class DeclaredOriginsCORS:
    """ASGI middleware: CORS headers for the served sites' origins, nobody else."""

    def __init__(self, app: ASGIApp, sites: Callable[[], Iterable[Site]]) -> None:
        self.app = app
        self.sites = sites

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        headers = Headers(scope=scope)
        origin = headers.get("origin")
        if origin is None:
            await self.app(scope, receive, send)
            return
        allowed = origin_allowed(origin, headers.get("host"), self.sites())
        if scope["method"] == "OPTIONS" and "access-control-request-method" in headers:
            await self._preflight(origin, allowed, send)
            return
        if not allowed:
            await self.app(scope, receive, send)
            return

        async def send_with_cors(message: Message) -> None:
            if message["type"] == "http.response.start":
                raw = list(message.get("headers", []))
                raw.append((b"access-control-allow-origin", origin.encode("latin-1")))
                raw.append((b"vary", b"Origin"))
                message["headers"] = raw
            await send(message)

        await self.app(scope, receive, send_with_cors)

    async def _preflight(self, origin: str, allowed: bool, send: Send) -> None:
        if allowed:
            status, body = 204, b""
            headers = [
                (b"access-control-allow-origin", origin.encode("latin-1")),
                (b"access-control-allow-methods", ALLOW_METHODS.encode()),
                (b"access-control-allow-headers", ALLOW_HEADERS.encode()),
                (b"access-control-max-age", b"86400"),
                (b"vary", b"Origin"),
            ]
        else:
            status = 403
            body = json.dumps(
                {"error": f"origin {origin!r} is not a domain of any served site", "field": None}
            ).encode()
            headers = [(b"content-type", b"application/json"), (b"vary", b"Origin")]
        headers.append((b"content-length", str(len(body)).encode()))
        await send({"type": "http.response.start", "status": status, "headers": headers})
        await send({"type": "http.response.body", "body": body})
