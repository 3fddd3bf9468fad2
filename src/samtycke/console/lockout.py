"""Refusing logins after repeated failures, per account and per client address.

Each key (a user name, or an address) keeps the times of its recent failures;
``LIMIT`` of them within ``WINDOW`` seconds lock the key until the oldest of
them leaves the window. The tables are bounded: past ``MAX_KEYS`` the key that
failed longest ago is forgotten, so a flood of made-up names cannot grow memory.
They live in the process: each server process counts its own failures, so with
N workers the limit is at most N times the figure here.
"""

from __future__ import annotations

import threading
import time
from collections import OrderedDict, deque

WINDOW = 15 * 60.0
ACCOUNT_LIMIT = 5
ADDRESS_LIMIT = 20
MAX_KEYS = 10_000


class Failures:
    """Recent failures per key, bounded in keys and per key."""

    def __init__(self, limit: int, window: float = WINDOW, max_keys: int = MAX_KEYS) -> None:
        self.limit = limit
        self.window = window
        self.max_keys = max_keys
        self._seen: OrderedDict[str, deque[float]] = OrderedDict()
        self._lock = threading.Lock()

    def locked_for(self, key: str, now: float | None = None) -> float:
        """Seconds until ``key`` may try again (0 when it may now)."""
        t = time.monotonic() if now is None else now
        with self._lock:
            times = self._recent(key, t)
            if times is None or len(times) < self.limit:
                return 0.0
            return max(0.0, times[0] + self.window - t)

    def fail(self, key: str, now: float | None = None) -> None:
        """Count one failure of ``key``."""
        t = time.monotonic() if now is None else now
        with self._lock:
            times = self._recent(key, t)
            if times is None:
                times = self._seen[key] = deque(maxlen=self.limit)
            times.append(t)
            self._seen.move_to_end(key)
            while len(self._seen) > self.max_keys:
                self._seen.popitem(last=False)

    def clear(self, key: str) -> None:
        """Forget ``key``'s failures (after a successful login)."""
        with self._lock:
            self._seen.pop(key, None)

    def _recent(self, key: str, t: float) -> deque[float] | None:
        times = self._seen.get(key)
        if times is None:
            return None
        while times and times[0] <= t - self.window:
            times.popleft()
        if not times:
            del self._seen[key]
            return None
        return times

    def __len__(self) -> int:
        return len(self._seen)


class Lockout:
    """Both tables: a login is refused while its account or its address is locked."""

    def __init__(
        self, account_limit: int = ACCOUNT_LIMIT, address_limit: int = ADDRESS_LIMIT
    ) -> None:
        self.accounts = Failures(account_limit)
        self.addresses = Failures(address_limit)

    def wait(self, name: str, address: str, now: float | None = None) -> float:
        """Seconds until this name from this address may try again (0: now)."""
        return max(self.accounts.locked_for(name, now), self.addresses.locked_for(address, now))

    def failed(self, name: str, address: str, now: float | None = None) -> None:
        """Count a failed login against both."""
        self.accounts.fail(name, now)
        self.addresses.fail(address, now)

    def succeeded(self, name: str) -> None:
        """A correct password clears the account's failures (not the address's)."""
        self.accounts.clear(name)
