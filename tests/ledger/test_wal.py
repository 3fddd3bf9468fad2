"""SQLite's write-ahead log stays bounded while writes keep coming and readers read."""

from __future__ import annotations

import threading

import pytest

from samtycke.ledger import store, verify_chain
from tests.ledger.conftest import decision, open_ledger


@pytest.mark.load
def test_the_wal_is_truncated_under_sustained_writes(
    sqlite_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    limit = 1024 * 1024  # a small bound, so a short run crosses it many times
    monkeypatch.setattr(store, "WAL_SOFT_LIMIT", limit)
    led = open_ledger(sqlite_url)
    stop = threading.Event()
    reads = 0

    def read() -> None:  # a reader keeps taking snapshots, as verify and the API do
        nonlocal reads
        while not stop.is_set():
            led.history("0" * 32)
            reads += 1

    reader = threading.Thread(target=read)
    reader.start()
    sizes = []
    big = "x" * 2000  # fat rows fill the log quickly: a short run stands for minutes
    try:
        for i in range(100):
            led.append([decision(i * 50 + k, user_agent=big) for k in range(50)])
            sizes.append(led.wal_bytes())
    finally:
        stop.set()
        reader.join()
    written = 100 * 50 * 2000
    assert written > 8 * limit  # without truncation the log would pass the bound
    assert max(sizes) < 5 * limit, max(sizes)  # four times the soft limit, plus a batch
    assert reads > 0
    assert verify_chain(led).records == 5_000
    led.close()
