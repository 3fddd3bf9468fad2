"""The client behind trusted proxies: ``X-Forwarded-For`` read from validated proxies only.

``SAMTYCKE_FORWARDED_ALLOW`` lists the proxies (addresses or networks, comma
separated; empty for none). A request whose peer is one of them has its client
taken as the right-most ``X-Forwarded-For`` address that is not a trusted proxy
(each proxy appends the address it saw, so everything left of that is what the
client claimed and is ignored), and its scheme from ``X-Forwarded-Proto``. From
any other peer both headers are ignored.
"""

from __future__ import annotations

import functools
import ipaddress

from starlette.types import ASGIApp, Receive, Scope, Send

from samtycke.server.config import Network


def _address(text: str) -> ipaddress.IPv4Address | ipaddress.IPv6Address | None:
    value = text.strip()
    if value.startswith("["):  # [v6]:port
        value = value[1:].partition("]")[0]
    elif value.count(":") == 1:  # v4:port
        value = value.partition(":")[0]
    try:
        ip = ipaddress.ip_address(value)
    except ValueError:
        return None
    if isinstance(ip, ipaddress.IPv6Address) and ip.ipv4_mapped is not None:
        return ip.ipv4_mapped
    return ip


class TrustedProxies:
    """Resolves the client address of a request from its peer and forwarding headers."""

    def __init__(self, networks: tuple[Network, ...]) -> None:
        self.networks = networks

    def trusts(self, ip: ipaddress.IPv4Address | ipaddress.IPv6Address | None) -> bool:
        """True when ``ip`` is one of the proxies."""
        return ip is not None and any(ip in net for net in self.networks)

    def client(self, peer: str, forwarded_for: list[str]) -> str:
        """The client address: the right-most forwarded hop that is not a proxy."""
        hops = [h for value in forwarded_for for h in value.split(",")]
        current = peer
        for hop in reversed(hops):
            ip = _address(hop)
            if ip is None:
                break  # a malformed hop: nothing left of it can be believed
            current = str(ip)
            if not self.trusts(ip):
                break
        return current


class ForwardedClient:
    """ASGI middleware setting ``scope["client"]`` and the scheme from trusted proxies.

    Whether a peer is a proxy, and the client a chain of hops resolves to, are
    remembered for the last ``CACHE`` distinct inputs: the same proxy and the
    same few clients come back request after request. Only short chains
    (``CACHED_CHAIN`` characters) are kept, so hostile headers cannot fill
    memory through the cache.
    """

    CACHE = 4096
    CACHED_CHAIN = 256

    def __init__(self, app: ASGIApp, proxies: TrustedProxies) -> None:
        self.app = app
        self.proxies = proxies
        self._proxy_peer = functools.lru_cache(self.CACHE)(
            lambda peer: proxies.trusts(_address(peer))
        )
        self._client = functools.lru_cache(self.CACHE)(
            lambda peer, hops: proxies.client(peer, list(hops))
        )

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        peer = scope.get("client")
        if scope["type"] == "http" and peer and self.proxies.networks and self._proxy_peer(peer[0]):
            forwarded: list[str] = []
            protos: list[str] = []
            for k, v in scope["headers"]:
                if k == b"x-forwarded-for":
                    forwarded.append(v.decode("latin-1"))
                elif k == b"x-forwarded-proto":
                    protos.append(v.decode("latin-1"))
            if forwarded or protos:
                scope = dict(scope)
            if forwarded:
                hops = tuple(forwarded)
                if sum(map(len, hops)) <= self.CACHED_CHAIN:
                    scope["client"] = (self._client(peer[0], hops), 0)
                else:
                    scope["client"] = (self.proxies.client(peer[0], forwarded), 0)
            if protos:
                proto = protos[-1].split(",")[-1].strip().lower()
                if proto in ("http", "https"):
                    scope["scheme"] = proto
        await self.app(scope, receive, send)
