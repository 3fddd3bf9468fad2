"""Banner displays, counted in aggregate only: ``POST /v1/sites/{site}/displays``.

The banner's send add-on sums how often each layer was shown per language and
beacons the sums when the page is hidden. The server checks the batch strictly
(any doubt is a 4xx and nothing is counted), adds it to in-memory totals keyed
by site, UTC day, language and layer, and a background thread adds those
totals to ``console_displays`` every few seconds and at shutdown. Nothing of the
request is kept: no address (it only spends rate-limit tokens), no URL, no
referrer, no user agent.
"""

from __future__ import annotations

import datetime as dt
import threading
from collections import Counter
from typing import Any

from sqlalchemy import Engine
from sqlalchemy.exc import SQLAlchemyError
from starlette.requests import Request
from starlette.responses import Response

from samtycke.contract import LAYER_NAMES, MAX_DISPLAY_COUNT, MAX_DISPLAY_ENTRIES, DisplayBatch
from samtycke.contract_rules import field_names
from samtycke.ledger import schema
from samtycke.ledger.upsert import add_counts
from samtycke.server.consents import check_rate, read_body, state_of
from samtycke.server.cors import origin_allowed
from samtycke.server.errors import ApiError
from samtycke.server.sites import Site
from samtycke.server.validation import parse_body

BODY_LIMIT = 2048
FLUSH_SECONDS = 5.0
Key = tuple[str, str, str, str]  # site, day, language, layer

_BATCH_FIELDS = set(field_names(DisplayBatch))
_ENTRY_FIELDS = {"language", "layer", "count"}


def parse_displays(raw: bytes, site: Site) -> Counter[tuple[str, str]]:
    """The (language, layer) counts of a beacon body; ApiError naming the first problem."""
    data = parse_body(raw)
    unknown = set(data) - _BATCH_FIELDS
    if unknown:
        raise ApiError(422, f"unknown field {sorted(unknown)[0]!r}", sorted(unknown)[0])
    entries = data.get("displays")
    if not isinstance(entries, list) or not entries:
        raise ApiError(422, "displays must be a non-empty list", "displays")
    if len(entries) > MAX_DISPLAY_ENTRIES:
        raise ApiError(422, f"displays holds more than {MAX_DISPLAY_ENTRIES} entries", "displays")
    out: Counter[tuple[str, str]] = Counter()
    for entry in entries:
        language, layer, count = _entry(entry, site)
        out[language, layer] += count
    return out


def _entry(entry: Any, site: Site) -> tuple[str, str, int]:
    if not isinstance(entry, dict) or set(entry) != _ENTRY_FIELDS:
        raise ApiError(422, "each display is {language, layer, count} and nothing else", "displays")
    language, layer, count = entry["language"], entry["layer"], entry["count"]
    if language not in site.decl.site.languages:
        raise ApiError(422, f"language {language!r} is not one of site {site.id!r}", "language")
    if layer not in LAYER_NAMES:
        raise ApiError(422, f"layer must be one of {', '.join(LAYER_NAMES)}", "layer")
    if type(count) is not int or not 1 <= count <= MAX_DISPLAY_COUNT:
        raise ApiError(422, f"count must be an integer from 1 to {MAX_DISPLAY_COUNT}", "count")
    return str(language), str(layer), count


class DisplayCounter:
    """Display totals in memory, added to the database in the background."""

    def __init__(self, interval: float = FLUSH_SECONDS) -> None:
        self.interval = interval
        self._counts: Counter[Key] = Counter()
        self._lock = threading.Lock()
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None
        self._engine: Engine | None = None

    def add(self, site: str, counts: Counter[tuple[str, str]], day: str | None = None) -> None:
        """Count a beacon for ``site`` on ``day`` (today, UTC)."""
        when = day or dt.datetime.now(dt.UTC).strftime("%Y-%m-%d")
        with self._lock:
            for (language, layer), n in counts.items():
                self._counts[site, when, language, layer] += n

    def flush(self, engine: Engine) -> int:
        """Add the totals held so far to the table; how many keys were written."""
        with self._lock:
            held, self._counts = self._counts, Counter()
        if not held:
            return 0
        rows = [
            {"site": s, "day": d, "language": lang, "layer": layer, "count": n}
            for (s, d, lang, layer), n in held.items()
        ]
        try:
            add_counts(engine, schema.console_displays, rows)
        except SQLAlchemyError:
            # Kept for the next round: a busy or briefly absent database loses no count.
            with self._lock:
                self._counts.update(held)
            raise
        return len(rows)

    def start(self, engine: Engine) -> None:
        """Flush every ``interval`` seconds from a daemon thread."""
        self._engine = engine
        self._thread = threading.Thread(target=self._loop, name="samtycke-displays", daemon=True)
        self._thread.start()

    def stop(self) -> None:
        """Stop the thread and write what is left."""
        self._stop.set()
        if self._thread is not None:
            self._thread.join(timeout=10)
        if self._engine is not None:
            self.flush(self._engine)

    def _loop(self) -> None:
        assert self._engine is not None  # set by start()
        while not self._stop.wait(self.interval):
            try:
                self.flush(self._engine)
            except SQLAlchemyError:  # the next round tries again
                continue


async def post_displays(request: Request, counter: DisplayCounter) -> Response:
    """``POST /v1/sites/{site}/displays``: 204 once counted, 4xx and nothing counted otherwise."""
    st = state_of(request)
    site = st.sites.get(request.path_params["site"])
    if site is None:
        raise ApiError(404, "unknown site", "site")
    check_rate(st, request.client.host if request.client else None)
    origin = request.headers.get("origin")
    if origin is not None and not origin_allowed(origin, request.headers.get("host"), [site]):
        raise ApiError(403, f"origin {origin!r} is not a domain of site {site.id!r}", "site")
    counts = parse_displays(await read_body(request, BODY_LIMIT), site)
    counter.add(site.id, counts)
    return Response(status_code=204, headers={"cache-control": "no-store"})
