"""Scan jobs over Dramatiq with Redis: the coordinator sends, ``monitor worker`` runs them.

Dramatiq is small, acknowledges a message only once its actor returned (a
worker that dies mid-scan leaves the job to another) and needs nothing but
Redis, which many deployments already run. Every worker stores its result in
the database itself, so only the job travels through the broker, never a report.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import Any

from sqlalchemy import Engine

from samtycke.errors import MonitorError
from samtycke.monitor.jobs import ScanJob, run_job

ACTOR_NAME = "samtycke_scan"
# A scan of a large site may take long; past this the job is stopped and failed.
TIME_LIMIT_MS = 60 * 60 * 1000


def namespace_of(queue: str) -> str:
    """The Redis key prefix of a queue: every key of it (heartbeats too) under one name."""
    return f"samtycke.{queue}"


def connect(url: str, queue: str) -> Any:
    """A Dramatiq Redis broker at ``url`` for ``queue``; :class:`MonitorError` when Redis
    does not answer."""
    try:
        from dramatiq.brokers.redis import RedisBroker
        from redis.exceptions import RedisError
    except ImportError as exc:
        raise MonitorError(
            'the distributed monitor needs Dramatiq and Redis: pip install "samtycke[monitor]"'
        ) from exc
    if not url.startswith(("redis://", "rediss://", "unix://")):
        raise MonitorError(f"broker {url!r} is not a Redis URL (give redis://HOST:6379/0)")
    try:
        broker = RedisBroker(url=url, namespace=namespace_of(queue))  # type: ignore[no-untyped-call]
        broker.client.ping()
    except (RedisError, ValueError) as exc:
        raise MonitorError(f"cannot reach the broker at {url}: {exc}") from None
    return broker


def scan_actor(broker: Any, queue: str, engine: Engine | None = None) -> Any:
    """The scan actor on ``queue``; only a worker (with ``engine``) runs it."""
    import dramatiq

    def samtycke_scan(message: dict[str, Any]) -> None:
        if engine is None:
            raise MonitorError("this process only sends scan jobs")
        run_job(engine, ScanJob.from_message(message))

    return dramatiq.actor(
        actor_name=ACTOR_NAME,
        queue_name=queue,
        broker=broker,
        max_retries=0,  # a failed scan is stored as failed; the next slot tries again
        time_limit=TIME_LIMIT_MS,
    )(samtycke_scan)


def run_worker(
    broker_url: str,
    engine: Engine,
    queue: str,
    stop: threading.Event,
    *,
    threads: int = 1,
    on_ready: Callable[[], None] = lambda: None,
) -> None:
    """Take scan jobs from ``queue`` until ``stop`` is set, then finish the running ones."""
    import dramatiq

    broker = connect(broker_url, queue)
    scan_actor(broker, queue, engine)
    worker = dramatiq.Worker(broker, queues={queue}, worker_threads=threads, worker_timeout=500)
    worker.start()
    on_ready()
    try:
        stop.wait()
    finally:
        worker.stop()
        broker.close()
