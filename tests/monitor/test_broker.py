"""Scan jobs through the real Redis to `samtycke monitor worker` processes, results in the database.

Each test uses a queue of its own; its Redis keys all live under that queue's
namespace and are deleted afterwards.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest

from samtycke.errors import MonitorError
from samtycke.ledger import Ledger
from samtycke.monitor import history
from samtycke.monitor.broker import connect, namespace_of
from samtycke.monitor.runners import BrokerRunner
from samtycke.monitor.schedule import Scheduler
from samtycke.monitor.service import load_targets
from samtycke.monitor.settings import MonitorSettings
from tests.monitor.estate import watched_site
from tests.monitor.receivers import free_port

REDIS = os.environ.get("SAMTYCKE_TEST_REDIS", "redis://127.0.0.1:6379/0")


@pytest.fixture
def queue() -> Iterator[str]:
    """A queue name unique to the test; its keys are removed afterwards."""
    import redis

    name = f"test-{uuid.uuid4().hex[:12]}"
    yield name
    client = redis.Redis.from_url(REDIS)
    keys = list(client.scan_iter(match=f"{namespace_of(name)}:*"))
    if keys:
        client.delete(*keys)
    client.close()


def _worker(db: str, queue: str) -> subprocess.Popen[bytes]:
    argv = [sys.executable, "-m", "samtycke", "monitor", "worker"]
    argv += ["--broker", REDIS, "--db", db, "--queue", queue]
    return subprocess.Popen(argv, stdout=subprocess.PIPE, stderr=subprocess.PIPE)


def test_a_broker_that_does_not_answer_is_one_line() -> None:
    with pytest.raises(MonitorError, match=r"^cannot reach the broker at redis://127\.0\.0\.1:"):
        connect(f"redis://127.0.0.1:{free_port()}/0", "q")


def test_a_broker_url_that_is_not_redis_is_refused() -> None:
    with pytest.raises(MonitorError, match="is not a Redis URL"):
        connect("amqp://guest@127.0.0.1:5672/", "q")


def test_workers_take_the_jobs_and_store_the_results(tmp_path: Path, queue: str) -> None:
    db = f"sqlite:///{tmp_path / 'ledger.db'}"
    with Ledger(db, migrate=True) as led:
        engine = led.engine
        with watched_site(tmp_path, "one") as one, watched_site(tmp_path, "two") as two:
            targets = load_targets(one.declaration) + load_targets(two.declaration)
            workers = [_worker(db, queue), _worker(db, queue)]
            try:
                runner = BrokerRunner(REDIS, queue)
                claimed = Scheduler(engine, targets, runner, MonitorSettings()).tick()
                runner.close()
                assert len(claimed) == 2
                deadline = time.monotonic() + 240  # a bound on a loaded machine, not a figure
                while time.monotonic() < deadline:
                    rows = [history.scan(engine, i) for i in claimed]
                    if all(r is not None and r.status in ("done", "failed") for r in rows):
                        break
                    assert all(w.poll() is None for w in workers), workers[0].stderr
                    time.sleep(0.5)
            finally:
                for w in workers:
                    w.send_signal(signal.SIGTERM)
                codes = [w.wait(timeout=60) for w in workers]
        reports = [history.report(engine, i) for i in claimed]
    assert codes == [0, 0]
    assert sorted((r.site, r.status, r.pages) for r in rows if r) == [
        ("one", "done", 2),
        ("two", "done", 2),
    ]
    assert [r["url"] for r in reports if r] == [one.url, two.url]
