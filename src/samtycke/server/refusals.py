"""Logging every refused consent with its reason, without letting a flood fill the log.

A refused decision is proof that was not kept, so an operator must be able to
see it; a client sending garbage in a loop must not be able to drown the log.
Up to ``burst`` refusals per ``window`` seconds are logged one line each; the
rest are counted and the count is logged with the next line that gets through.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable

LOGGER = logging.getLogger("samtycke.server")


class RefusalLog:
    """Rate-limited warnings for refused consent POSTs."""

    def __init__(
        self,
        logger: logging.Logger = LOGGER,
        burst: int = 20,
        window: float = 60.0,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self._logger = logger
        self._burst = burst
        self._window = window
        self._clock = clock
        self._lock = threading.Lock()
        self._start = clock()
        self._logged = 0
        self._dropped = 0

    def refused(self, status: int, reason: str, site: str | None, field: str | None) -> None:
        """Note one refusal: log it, or count it when this window's lines are spent."""
        with self._lock:
            now = self._clock()
            if now - self._start >= self._window:
                self._start, self._logged = now, 0
            if self._logged >= self._burst:
                self._dropped += 1
                return
            self._logged += 1
            dropped, self._dropped = self._dropped, 0
        more = f" ({dropped} more refusals were not logged)" if dropped else ""
        self._logger.warning(
            "consent refused (%d) for site %s, field %s: %s%s",
            status,
            site or "-",
            field or "-",
            reason,
            more,
        )
