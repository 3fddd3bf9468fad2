"""CORS for the declared domains only, through Starlette's CORSMiddleware.

A browser on a page of a served site (its domain or any subdomain, http or
https, any port) may call the API and load the config; every other origin
gets no CORS headers, and a preflight from it is refused. Only a valid
serialised origin counts — ``scheme://host[:port]``, lower-case, with no
userinfo, path or trailing dot — so ``https://evil.com@billogram.com`` is
nobody's. Same-origin requests (the demo, or a banner served by this server)
need no CORS. The consent POST additionally checks the origin against the site
it names (``origin_allowed``), so one site cannot write consents for another.
The consent POST's fast path (fastpath.py) answers before the middleware and
adds the same headers itself (``simple_cors_headers``).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable

from starlette.middleware import Middleware
from starlette.middleware.cors import CORSMiddleware

from samtycke.server.sites import Site

ALLOW_METHODS = ("GET", "POST")
ALLOW_HEADERS = ("Content-Type",)
_LABEL = r"[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?"
_PORT = r"(?::[0-9]{1,5})?"
Header = tuple[bytes, bytes]
# An origin as browsers serialise it: scheme, host (name, IPv4 or [IPv6]), port.
_ORIGIN = re.compile(rf"(https?)://((?:{_LABEL}\.)*{_LABEL}|\[[0-9a-f:.]+\]){_PORT}")


def origin_host(origin: str) -> str | None:
    """The host of a valid serialised http(s) origin, else None."""
    m = _ORIGIN.fullmatch(origin)
    return m.group(2) if m else None


def origin_pattern(sites: Iterable[Site]) -> str:
    """The regular expression (for ``fullmatch``) of every origin on the sites' domains."""
    domains = sorted({d.lstrip(".") for site in sites for d in site.decl.site.domains})
    names = "|".join(re.escape(d) for d in domains) or r"(?!)"
    return rf"https?://(?:{_LABEL}\.)*(?:{names}){_PORT}"


def cors_middleware(sites: Iterable[Site]) -> Middleware:
    """Starlette's CORSMiddleware, allowing the sites' origins."""
    return Middleware(
        CORSMiddleware,
        allow_origin_regex=origin_pattern(sites),
        allow_methods=ALLOW_METHODS,
        allow_headers=ALLOW_HEADERS,
        max_age=86400,
    )


def simple_cors_headers(pattern: re.Pattern[str]) -> Callable[[bytes | None], list[Header]]:
    """What the middleware adds to a response that is not a preflight, for ``Origin`` bytes.

    ``pattern`` is ``origin_pattern`` compiled: an allowed origin is echoed
    with ``Vary: Origin`` (no credentials, no exposed headers); any other, or
    none, gets nothing.
    """

    def headers(origin: bytes | None) -> list[Header]:
        if origin is None or not pattern.fullmatch(origin.decode("latin-1")):
            return []
        return [(b"access-control-allow-origin", origin), (b"vary", b"Origin")]

    return headers


def same_origin(origin: str, host_header: str | None) -> bool:
    """True when ``origin`` is the server itself (compares host and port)."""
    if not host_header or origin_host(origin) is None:
        return False
    return origin.split("://", 1)[1] == host_header.lower()


def origin_allowed(origin: str, host_header: str | None, sites: Iterable[Site]) -> bool:
    """True for same-origin, or a valid origin on one of the sites' domains."""
    if same_origin(origin, host_header):
        return True
    host = origin_host(origin)
    return host is not None and any(site.owns_host(host) for site in sites)
