"""Where scan jobs run: threads of this process (the default), or workers behind a broker."""

from __future__ import annotations

from concurrent.futures import Future, ThreadPoolExecutor
from typing import Any

from sqlalchemy import Engine

from samtycke.monitor.jobs import ScanJob, run_job


class InProcessRunner:
    """Runs jobs on ``threads`` threads of this process, each scan with its own browser."""

    def __init__(self, engine: Engine, threads: int = 1) -> None:
        self.engine = engine
        self._pool = ThreadPoolExecutor(max_workers=threads, thread_name_prefix="samtycke-scan")
        self._pending: list[Future[Any]] = []

    def submit(self, job: ScanJob) -> None:
        """Queue the job on the scan threads."""
        future = self._pool.submit(run_job, self.engine, job)
        self._pending = [f for f in self._pending if not f.done()] + [future]

    def wait(self) -> None:
        """Until every submitted job has finished (stored as done or failed)."""
        for f in list(self._pending):
            f.exception()

    def close(self, wait: bool = True) -> None:
        """Stop taking jobs; with ``wait`` finish the queued ones first."""
        self._pool.shutdown(wait=wait, cancel_futures=not wait)


class BrokerRunner:
    """Sends jobs to the workers listening on ``queue`` (``samtycke monitor worker``)."""

    def __init__(self, broker_url: str, queue: str) -> None:
        from samtycke.monitor.broker import connect, scan_actor

        self.broker = connect(broker_url, queue)
        self.actor = scan_actor(self.broker, queue)

    def submit(self, job: ScanJob) -> None:
        """Put the job on the queue; a worker stores its result in the database."""
        self.actor.send(job.to_message())

    def close(self) -> None:
        """Close the broker connection."""
        self.broker.close()
