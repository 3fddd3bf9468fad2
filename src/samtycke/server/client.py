"""Who is asking: the pseudonymised client address, and a per-address rate limit.

IPv4 addresses keep their /24 and IPv6 their /48 by default (the last octet,
or the interface and subnet part, is zeroed before anything is stored or used
as a key). The rate limiter is an in-process token bucket per host inside one
per network: with several processes or replicas each one keeps its own
buckets, so the effective limit is per process. The client address is the
connection's peer, or, when the peer is a trusted proxy, the right-most
address in ``X-Forwarded-For`` that is not one (forwarded.py).
"""

from __future__ import annotations

import functools
import ipaddress
import threading
import time
from collections import OrderedDict


@functools.lru_cache(maxsize=65536)
def pseudonymise_ip(address: str | None, mode: str = "truncate") -> str | None:
    """The address as stored: truncated (default), as is (``full``) or None (``off``)."""
    if not address or mode == "off":
        return None
    try:
        ip = ipaddress.ip_address(address.split("%")[0])
    except ValueError:
        return None  # a unix socket or test client: nothing to keep
    if mode == "full":
        return str(ip)
    if isinstance(ip, ipaddress.IPv6Address) and ip.ipv4_mapped is not None:
        ip = ip.ipv4_mapped
    prefix = 24 if ip.version == 4 else 48
    return str(ipaddress.ip_network(f"{ip}/{prefix}", strict=False).network_address)


def bucket_keys(address: str) -> tuple[str, str]:
    """(host key, network key) of a client address: an IPv4 address and its /24, an
    IPv6 /64 (what one host or home is given) and its /48; anything else twice."""
    try:
        ip = ipaddress.ip_address(address.split("%")[0])
    except ValueError:
        return address, address
    if isinstance(ip, ipaddress.IPv6Address) and ip.ipv4_mapped is not None:
        ip = ip.ipv4_mapped
    if ip.version == 4:
        return str(ip), str(ipaddress.ip_network(f"{ip}/24", strict=False).network_address)
    host = ipaddress.ip_network(f"{ip}/64", strict=False).network_address
    return f"{host}/64", str(ipaddress.ip_network(f"{ip}/48", strict=False).network_address)


class RateLimiter:
    """Token buckets per host inside a bucket per network.

    Each host (address, or IPv6 /64) has ``rate`` per second, ``burst`` deep; its
    network (/24, /48) has ``NETWORK_SHARE`` times that, so one busy host is
    stopped by its own bucket and leaves its neighbours their share, while many
    addresses of one network together cannot exceed the network's. A refused
    request spends nothing. The table is bounded (``MAX_KEYS``, least recently
    used first out); addresses live only in memory, never in a record.
    """

    MAX_KEYS = 100_000
    NETWORK_SHARE = 16

    def __init__(self, rate: float, burst: int) -> None:
        self.rate = rate
        self.burst = burst
        self._buckets: OrderedDict[str, tuple[float, float]] = OrderedDict()
        self._lock = threading.Lock()

    @property
    def enabled(self) -> bool:
        """False when configured off."""
        return self.rate > 0

    def take(self, address: str, now: float | None = None) -> float:
        """Spend one token for ``address``: 0.0 when allowed, else seconds until one is free."""
        if not self.enabled:
            return 0.0
        now = time.monotonic() if now is None else now
        host, network = bucket_keys(address)
        share = 1 if host == network else self.NETWORK_SHARE
        with self._lock:
            host_tokens = self._tokens("h" + host, now, 1)
            if host_tokens < 1.0:
                return (1.0 - host_tokens) / self.rate
            net_tokens = self._tokens("n" + network, now, share)
            if net_tokens < 1.0:
                return (1.0 - net_tokens) / (self.rate * share)
            self._buckets["h" + host] = (host_tokens - 1.0, now)
            self._buckets["n" + network] = (net_tokens - 1.0, now)
            return 0.0

    def _tokens(self, key: str, now: float, share: int) -> float:
        tokens, last = self._buckets.get(key, (float(self.burst * share), now))
        self._buckets[key] = (tokens, last)
        self._buckets.move_to_end(key)
        while len(self._buckets) > self.MAX_KEYS:
            self._buckets.popitem(last=False)  # the least recently seen, never this key
        return min(float(self.burst * share), tokens + (now - last) * self.rate * share)

    def __len__(self) -> int:
        with self._lock:
            return len(self._buckets)
