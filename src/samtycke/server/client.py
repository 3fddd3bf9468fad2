"""Who is asking: the pseudonymised client address, and a per-address rate limit.

IPv4 addresses keep their /24 and IPv6 their /48 by default (the last octet,
or the interface and subnet part, is zeroed before anything is stored or used
as a key). The rate limiter is an in-process token bucket: with several
processes or replicas each one keeps its own buckets, so the effective limit
is per process.
"""

from __future__ import annotations

import functools
import ipaddress
import threading
import time


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


class RateLimiter:
    """Token buckets keyed by pseudonymised address: ``rate`` per second, ``burst`` deep."""

    MAX_KEYS = 100_000

    def __init__(self, rate: float, burst: int) -> None:
        self.rate = rate
        self.burst = burst
        self._buckets: dict[str, tuple[float, float]] = {}
        self._lock = threading.Lock()

    @property
    def enabled(self) -> bool:
        """False when configured off."""
        return self.rate > 0

    def take(self, key: str, now: float | None = None) -> float:
        """Spend one token for ``key``: 0.0 when allowed, else seconds until one is free."""
        if not self.enabled:
            return 0.0
        now = time.monotonic() if now is None else now
        with self._lock:
            tokens, last = self._buckets.get(key, (float(self.burst), now))
            tokens = min(float(self.burst), tokens + (now - last) * self.rate)
            if tokens < 1.0:
                self._buckets[key] = (tokens, now)
                return (1.0 - tokens) / self.rate
            self._buckets[key] = (tokens - 1.0, now)
            if len(self._buckets) > self.MAX_KEYS:
                self._forget_full(now)
            return 0.0

    def _forget_full(self, now: float) -> None:
        # A bucket that has refilled carries no state worth keeping.
        full = [
            k
            for k, (tokens, last) in self._buckets.items()
            if tokens + (now - last) * self.rate >= self.burst
        ]
        for k in full:
            del self._buckets[k]
