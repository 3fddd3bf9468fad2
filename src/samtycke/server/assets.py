"""The built banner scripts, configs and policy pages a server keeps in memory.

Entries are keyed by (kind, site, variant) — the variant is the endpoint or the
language — and the cache is bounded: past ``MAX_ENTRIES`` the least recently
used entry goes, so no sequence of requests can grow it without end.
"""

from __future__ import annotations

import threading
from collections import OrderedDict

Key = tuple[str, str, str]


class AssetCache:
    """A small thread-safe LRU map of built text."""

    MAX_ENTRIES = 256

    def __init__(self, max_entries: int | None = None) -> None:
        self.max_entries = max_entries or self.MAX_ENTRIES
        self._items: OrderedDict[Key, str] = OrderedDict()
        self._lock = threading.Lock()

    def get(self, key: Key) -> str | None:
        """The text for ``key``, or None."""
        with self._lock:
            text = self._items.get(key)
            if text is not None:
                self._items.move_to_end(key)
            return text

    def put(self, key: Key, text: str) -> None:
        """Keep ``text`` for ``key``, dropping the least recently used past the bound."""
        with self._lock:
            self._items[key] = text
            self._items.move_to_end(key)
            while len(self._items) > self.max_entries:
                self._items.popitem(last=False)

    def __len__(self) -> int:
        with self._lock:
            return len(self._items)
