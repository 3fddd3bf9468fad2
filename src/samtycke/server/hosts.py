"""Which ``Host`` headers the server believes, and the URLs it builds from them.

The banner script and config carry the URL the banner posts to. It is
``SAMTYCKE_PUBLIC_URL`` when set; otherwise it comes from the request, and then
only from a ``Host`` the server serves: a declared domain or a subdomain of one
(Starlette's TrustedHostMiddleware rule: the name, or ``*.name``), or a
loopback name for local use. Any other ``Host`` is refused with 400, so no
script posting to ``evil.example`` is ever built, cached or sent.
"""

from __future__ import annotations

import ipaddress
from collections.abc import Iterable

from samtycke import ids
from samtycke.server.sites import Site

LOOPBACK = frozenset({"localhost", "127.0.0.1", "::1"})


def host_name(host_header: str) -> str | None:
    """The name part of a ``Host`` header, lower-case; None when it is not a host[:port]."""
    value = host_header.strip().lower()
    if value.startswith("["):
        name, sep, rest = value[1:].partition("]")
        if not sep or (rest and not (rest[:1] == ":" and ids.is_uint(rest[1:]))):
            return None
        try:
            ipaddress.IPv6Address(name)
        except ValueError:
            return None
        return name
    name, _, port = value.partition(":")
    if port and not ids.is_uint(port):
        return None
    name = name.rstrip(".")
    if name in LOOPBACK:
        return name
    try:
        ipaddress.IPv4Address(name)
    except ValueError:
        return name if ids.is_domain(name) and not name.startswith(".") else None
    return name


def trusted_host(host_header: str | None, sites: Iterable[Site], public_url: str | None) -> bool:
    """True when ``host_header`` names this server: a served domain, loopback or the public URL."""
    if not host_header:
        return False
    name = host_name(host_header)
    if name is None:
        return False
    if name in LOOPBACK:
        return True
    if public_url is not None and name == host_name(public_url.split("://", 1)[-1].split("/")[0]):
        return True
    return any(site.owns_host(name) for site in sites)
