"""Group commit: one writer thread batches waiting decisions into one transaction.

Each request puts its decision on a queue and awaits a future. The writer
takes everything waiting (up to ``batch``), appends it to the chain in a single
transaction, and only after the commit resolves each future with its record,
so a 2xx still means "committed" while one fsync serves many requests.
When the server signs receipts, the writer also signs each committed record
before it answers: Ed25519 signing lets go of the GIL, so the signatures are
made on another core while the event loop goes on with the next requests.

A decision the database refuses fails alone (``Ledger.append_each`` retries the
batch with a savepoint per decision); a retried decision (same decision id)
gets its original record. ``failing`` says whether the last write attempt
could not reach the database at all, for ``/healthz``.

With ``wait`` a decision not committed within that many seconds fails with
TimeoutError. The deadlines share one timer per event loop, set for the
oldest waiting decision: a timer per request (``asyncio.timeout``) would cost
a few microseconds each, for the rare batch the database does not answer.
"""

from __future__ import annotations

import asyncio
import collections
import queue
import threading
from collections.abc import Callable
from typing import Any, NamedTuple

from samtycke.errors import LedgerError
from samtycke.ledger import Decision, Ledger, Record


class Committed(NamedTuple):
    """A stored decision's record, and the server's signature of it when it signs."""

    record: Record
    signature: str | None = None


_Item = tuple[Decision, asyncio.AbstractEventLoop, "asyncio.Future[Committed]"]


class GroupWriter:
    """The single writer of one server process."""

    def __init__(
        self,
        ledger: Ledger,
        batch: int = 512,
        sign: Callable[[Record], str] | None = None,
        wait: float | None = None,
    ) -> None:
        self.ledger = ledger
        self.batch = batch
        self._sign = sign
        self.wait = wait  # seconds a decision may wait for its commit (None: no bound)
        self._deadlines: dict[asyncio.AbstractEventLoop, _Deadlines] = {}
        self._queue: queue.SimpleQueue[_Item | None] = queue.SimpleQueue()
        self._thread = threading.Thread(target=self._run, name="samtycke-writer", daemon=True)
        self._started = False
        self.failing: str | None = None  # why the last batch could not be written

    def start(self) -> None:
        """Start the writer thread."""
        self._thread.start()
        self._started = True

    def stop(self) -> None:
        """Write what is queued, then stop the thread."""
        if self._started:
            self._queue.put(None)
            self._thread.join(timeout=30)
            self._started = False

    async def submit(self, decision: Decision) -> Committed:
        """Queue ``decision`` and wait until it is committed (LedgerError if it was not).

        TimeoutError when it is not committed within ``wait`` seconds.
        """
        loop = asyncio.get_running_loop()
        future: asyncio.Future[Committed] = loop.create_future()
        if self.wait is not None:
            deadlines = self._deadlines.get(loop)
            if deadlines is None:
                deadlines = self._deadlines[loop] = _Deadlines(loop, self.wait)
            deadlines.add(future)
        self._queue.put((decision, loop, future))
        return await future

    def _run(self) -> None:
        stopping = False
        while not stopping:
            first = self._queue.get()
            if first is None:
                break
            items = [first]
            while len(items) < self.batch:
                try:
                    nxt = self._queue.get_nowait()
                except queue.Empty:
                    break
                if nxt is None:
                    stopping = True
                    break
                items.append(nxt)
            self._write(items)

    def _write(self, items: list[_Item]) -> None:
        outcomes: list[Any]
        try:
            outcomes = list(self.ledger.append_each([d for d, _, _ in items]))
            self.failing = None
        except LedgerError as exc:
            outcomes, self.failing = [exc] * len(items), str(exc)
        except Exception as exc:  # keep the writer alive whatever happens
            error = LedgerError(f"cannot store consent records: {exc}")
            outcomes, self.failing = [error] * len(items), str(error)
        outcomes = [self._committed(o) if isinstance(o, Record) else o for o in outcomes]
        # One wake-up per event loop and batch, not one per request.
        by_loop: dict[asyncio.AbstractEventLoop, list[tuple[asyncio.Future[Committed], Any]]] = {}
        for (_, loop, fut), outcome in zip(items, outcomes, strict=True):
            by_loop.setdefault(loop, []).append((fut, outcome))
        for loop, outcomes in by_loop.items():
            loop.call_soon_threadsafe(_settle, outcomes)

    def _committed(self, rec: Record) -> Committed:
        if self._sign is None:
            return Committed(rec)
        try:
            return Committed(rec, self._sign(rec))
        except Exception:  # the record is stored: its receipt is signed when answered
            return Committed(rec)


class _Deadlines:
    """Futures of one event loop failed with TimeoutError once ``seconds`` old."""

    def __init__(self, loop: asyncio.AbstractEventLoop, seconds: float) -> None:
        self.loop, self.seconds = loop, seconds
        # In the order added, so in deadline order: the oldest is always first.
        self.waiting: collections.deque[tuple[float, asyncio.Future[Committed]]] = (
            collections.deque()
        )
        self.timer: asyncio.TimerHandle | None = None

    def add(self, future: asyncio.Future[Committed]) -> None:
        waiting = self.waiting
        # Batches commit in order: the answered ones leave from the front here,
        # so the queue holds about what is in flight, not seconds of answers.
        while waiting and waiting[0][1].done():
            waiting.popleft()
        waiting.append((self.loop.time() + self.seconds, future))
        if self.timer is None:
            self.timer = self.loop.call_later(self.seconds, self._expire)

    def _expire(self) -> None:
        now, waiting = self.loop.time(), self.waiting
        while waiting and (waiting[0][1].done() or waiting[0][0] <= now):
            _, future = waiting.popleft()
            if not future.done():
                future.set_exception(TimeoutError())
        self.timer = self.loop.call_at(waiting[0][0], self._expire) if waiting else None


def _settle(outcomes: list[tuple[asyncio.Future[Committed], Any]]) -> None:
    for fut, outcome in outcomes:
        if fut.done():
            continue  # the client went away; its record is committed all the same
        if isinstance(outcome, BaseException):
            fut.set_exception(outcome)
        else:
            fut.set_result(outcome)
