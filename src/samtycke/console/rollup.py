"""Decision aggregates, advanced along the chain so each record is counted once.

``console_rollup`` holds the last ``seq`` counted. :func:`advance` reads the
next records after it (a read, no lock), sums them per site, UTC day,
language, revision, method and source, and per category and service opted
in, then in one short write transaction moves the cursor from the value it
read to the last seq read and adds the sums. Another process that advanced
first makes the cursor update match no row: the transaction is rolled back and
nothing is counted twice. The analytics page reads only these tables, never
the records, so it costs the same at ten records or ten million.

A service counts as opted in when its category was accepted and the service
was not refused inside it (``refused_services``); which services a category
holds is read from the snapshot the record names, as the person saw it.
Format-1 records carry no source: they count under "unknown". Records a purge removed before they were counted are not counted; once counted,
a purge leaves the aggregates as they are (they name nobody).
"""

from __future__ import annotations

import datetime as dt
import json
import threading
from collections import Counter
from dataclasses import dataclass

from sqlalchemy import Connection, Engine, select, update
from sqlalchemy.exc import SQLAlchemyError

from samtycke.ledger import schema
from samtycke.ledger.upsert import add_rows

BATCH = 5000
ROLLUP_SECONDS = 5.0
DAY_US = 86_400 * 1_000_000

_R = schema.records
_C = schema.console_rollup
_SNAP = schema.snapshots


@dataclass(frozen=True)
class Advanced:
    """What one :func:`advance` did: records counted and the cursor after it."""

    records: int
    seq: int


def day_of(us: int) -> str:
    """The UTC day (YYYY-MM-DD) of a time in microseconds."""
    return dt.datetime.fromtimestamp(us // DAY_US * 86_400, dt.UTC).strftime("%Y-%m-%d")


class Rollup:
    """Advances the aggregates of one database; remembers each snapshot's services."""

    def __init__(self, engine: Engine) -> None:
        self.engine = engine
        self._services: dict[str, dict[str, list[str]]] = {}

    def cursor(self) -> int:
        """The last seq counted."""
        with self.engine.connect() as conn:
            return int(conn.execute(select(_C.c.seq).where(_C.c.id == 1)).scalar_one())

    def advance(self, batch: int = BATCH) -> Advanced:
        """Count the next ``batch`` records after the cursor (0 when another process did)."""
        start = self.cursor()
        query = (
            select(
                _R.c.seq,
                _R.c.site,
                _R.c.recorded_us,
                _R.c.language,
                _R.c.revision,
                _R.c.method,
                _R.c.source,
                _R.c.choices,
                _R.c.refused_services,
                _R.c.fingerprint,
            )
            .where(_R.c.seq > start)
            .order_by(_R.c.seq)
            .limit(batch)
        )
        with self.engine.connect() as conn:
            rows = conn.execute(query).all()
            if not rows:
                return Advanced(0, start)
            services = self._services_of(conn, {r.fingerprint for r in rows})
        # Records that agree on everything counted are counted together: the
        # choices and refusals are parsed once per distinct value, not per record.
        same: Counter[tuple[str, int, str, int, str, str | None, str, str | None, str]] = Counter()
        for _, site, recorded_us, language, revision, method, source, choices, refused, fp in rows:
            key = (site, int(recorded_us) // DAY_US, language, int(revision), method, source)
            same[(*key, choices, refused, fp)] += 1
        decisions: Counter[tuple[str, str, str, int, str, str]] = Counter()
        optins: Counter[tuple[str, str, int, str, str]] = Counter()
        for (site, day_n, language, rev, method, source, choices, refused, fp), n in same.items():
            day = day_of(day_n * DAY_US)
            decisions[site, day, language, rev, method, source or "unknown"] += n
            declined = set(json.loads(refused or "[]"))
            for category, yes in json.loads(choices).items():
                if not yes:
                    continue
                optins[site, day, rev, "category", category] += n
                for service in services.get(fp, {}).get(category, ()):
                    if service not in declined:
                        optins[site, day, rev, "service", service] += n
        end = int(rows[-1].seq)
        with self.engine.connect().execution_options(samtycke_lock=True) as conn, conn.begin():
            moved = conn.execute(
                update(_C).where(_C.c.id == 1, _C.c.seq == start).values(seq=end)
            ).rowcount
            if moved != 1:
                conn.rollback()
                return Advanced(0, self.cursor())
            self._add(conn, decisions, optins)
        return Advanced(len(rows), end)

    def catch_up(self, batch: int = BATCH) -> int:
        """Advance until every record is counted; how many were."""
        total = 0
        while True:
            step = self.advance(batch)
            if step.records == 0:
                return total
            total += step.records

    @staticmethod
    def _add(
        conn: Connection,
        decisions: Counter[tuple[str, str, str, int, str, str]],
        optins: Counter[tuple[str, str, int, str, str]],
    ) -> None:
        add_rows(
            conn,
            schema.console_decisions,
            [
                {
                    "site": s,
                    "day": d,
                    "language": lang,
                    "revision": rev,
                    "method": m,
                    "source": src,
                    "count": n,
                }
                for (s, d, lang, rev, m, src), n in decisions.items()
            ],
        )
        add_rows(
            conn,
            schema.console_optins,
            [
                {"site": s, "day": d, "revision": rev, "kind": k, "name": name, "count": n}
                for (s, d, rev, k, name), n in optins.items()
            ],
        )

    def _services_of(
        self, conn: Connection, fingerprints: set[str]
    ) -> dict[str, dict[str, list[str]]]:
        missing = fingerprints - set(self._services)
        if missing:
            found = conn.execute(
                select(_SNAP.c.fingerprint, _SNAP.c.content).where(_SNAP.c.fingerprint.in_(missing))
            ).all()
            for fp, content in found:
                by_category: dict[str, list[str]] = {}
                for service in json.loads(content).get("services", []):
                    by_category.setdefault(service["category"], []).append(service["id"])
                self._services[fp] = by_category
        return self._services


class RollupThread:
    """Catches the aggregates up with the chain every few seconds, in the background."""

    def __init__(self, rollup: Rollup, interval: float = ROLLUP_SECONDS) -> None:
        self.rollup = rollup
        self.interval = interval
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._loop, name="samtycke-rollup", daemon=True)

    def start(self) -> None:
        """Start the thread (it counts what is there at once)."""
        self._thread.start()

    def stop(self) -> None:
        """Stop after the batch in progress."""
        self._stop.set()
        self._thread.join(timeout=30)

    def _loop(self) -> None:
        while True:
            try:
                # A full batch means a backlog: go on at once. Fewer records mean
                # the cursor is at the head; what a busy server writes meanwhile
                # waits for the next round, so counting costs a few statements
                # per round, not per handful of consents.
                while not self._stop.is_set() and self.rollup.advance().records >= BATCH:
                    pass
            except SQLAlchemyError:
                pass  # a busy or briefly absent database: the next round tries again
            if self._stop.wait(self.interval):
                return
