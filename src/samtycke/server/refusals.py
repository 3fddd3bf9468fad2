"""One log line per refused request, rate-limited so a flood cannot flood the log.

Every place that answers a client's mistake with a 4xx (the Starlette error
handler, the consent fast path, the framework integrations) calls
:func:`log_refusal`. Lines go to the ``samtycke.server`` logger at WARNING:

    refused 403 POST /v1/consents from origin 'http://localhost:5173': origin … is not a domain …

At most ``LIMIT`` lines are written per ``WINDOW`` seconds; the first line after
a quiet spell says how many were left out, so nothing is silently lost.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable

LOGGER = logging.getLogger("samtycke.server")
LIMIT = 20
WINDOW = 10.0


class RefusalLog:
    """A token window: ``limit`` lines per ``window`` seconds, the rest counted."""

    def __init__(
        self,
        logger: logging.Logger = LOGGER,
        limit: int = LIMIT,
        window: float = WINDOW,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.logger, self.limit, self.window, self.clock = logger, limit, window, clock
        self._lock = threading.Lock()
        self._start = -window
        self._written = 0
        self._dropped = 0

    def refused(self, status: int, message: str, origin: str | None, where: str) -> bool:
        """Log one refusal unless the window is full; True when a line was written."""
        now = self.clock()
        with self._lock:
            if now - self._start >= self.window:
                dropped, self._dropped = self._dropped, 0
                self._start, self._written = now, 0
                if dropped:
                    self.logger.warning("%d more refusals were not logged", dropped)
            if self._written >= self.limit:
                self._dropped += 1
                return False
            self._written += 1
        source = f" from origin {origin!r}" if origin else ""
        self.logger.warning("refused %d %s%s: %s", status, where, source, message)
        return True


_LOG = RefusalLog()


def log_refusal(status: int, message: str, origin: str | None, where: str) -> None:
    """Log that a request to ``where`` was refused with ``status`` (4xx only)."""
    if 400 <= status < 500:
        _LOG.refused(status, message, origin, where)
