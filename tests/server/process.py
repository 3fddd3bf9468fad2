"""`samtycke serve` as a real subprocess, and a load of concurrent clients against it."""

from __future__ import annotations

import asyncio
import os
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path
from typing import Any

import httpx

from tests import web
from tests.server.conftest import free_port


class ServeProcess:
    """``python -m samtycke serve`` in its own session, so kill -9 takes every worker."""

    def __init__(
        self, declaration: Path, db: str, *, workers: int = 1, env: dict[str, str] | None = None
    ) -> None:
        self.declaration, self.db, self.workers = declaration, db, workers
        self.env = env or {}
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.proc: subprocess.Popen[bytes] | None = None

    def start(self) -> ServeProcess:
        """Start and wait until /healthz answers."""
        cmd = [sys.executable, "-m", "samtycke", "serve", "--declaration", str(self.declaration)]
        cmd += ["--db", self.db, "--port", str(self.port), "--workers", str(self.workers)]
        cmd += ["--rate-limit", "off"]
        self.proc = subprocess.Popen(
            cmd,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
            start_new_session=True,
            env={**os.environ, "PYTHONUNBUFFERED": "1", **self.env},
        )
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                err = self.proc.stderr.read().decode() if self.proc.stderr else ""
                raise RuntimeError(f"samtycke serve exited {self.proc.returncode}: {err}")
            try:
                if web.get(self.url + "/healthz", timeout=1).status_code == 200:
                    return self
            except httpx.HTTPError:
                pass
            time.sleep(0.1)
        self.kill()
        raise RuntimeError("samtycke serve did not become healthy in 30 s")

    def kill(self) -> None:
        """kill -9 the whole process group (server and workers)."""
        if self.proc is not None and self.proc.poll() is None:
            os.killpg(self.proc.pid, signal.SIGKILL)
            self.proc.wait(timeout=10)

    def stop(self) -> None:
        """Ctrl-C: a graceful stop."""
        if self.proc is not None and self.proc.poll() is None:
            os.killpg(self.proc.pid, signal.SIGINT)
            try:
                self.proc.wait(timeout=20)
            except subprocess.TimeoutExpired:
                self.kill()
        if self.proc is not None and self.proc.stderr is not None:
            self.proc.stderr.close()


class Load:
    """What a load run saw so far; ``stop`` ends it, ``progress`` wakes whoever waits on it."""

    def __init__(self) -> None:
        self.acked: list[str] = []
        self.failures = 0
        self.stop = threading.Event()
        self.progress = threading.Condition()

    def note(self, record_id: str | None) -> None:
        """Count one answer (a record id) or one failure (None)."""
        with self.progress:
            if record_id is None:
                self.failures += 1
            else:
                self.acked.append(record_id)
            self.progress.notify_all()

    def wait_for(self, *, acked: int = 0, failures: int = 0, timeout: float = 60) -> bool:
        """Block until at least ``acked`` answers and ``failures`` failures were seen."""
        with self.progress:
            return self.progress.wait_for(
                lambda: len(self.acked) >= acked and self.failures >= failures, timeout
            )


async def _client(
    client: httpx.AsyncClient, url: str, body: dict[str, Any], each: int | None, run: Load
) -> None:
    sent = 0
    while not run.stop.is_set() and (each is None or sent < each):
        sent += 1
        try:
            r = await client.post(url + "/v1/consents", json=body)
        except httpx.HTTPError:
            run.note(None)
            await asyncio.sleep(0.05)
            continue
        run.note(r.json()["record_id"] if r.status_code == 201 else None)


def load(
    url: str,
    body: dict[str, Any],
    clients: int,
    *,
    each: int | None = None,
    run: Load | None = None,
) -> tuple[list[str], int]:
    """``clients`` concurrent connections posting ``each`` times (or until ``run.stop``).

    The result is (acked record ids, failures). Bounded by count, never by the
    clock, so a busy machine makes a run slower, not different.
    """
    run = run or Load()

    async def main() -> None:
        limits = httpx.Limits(max_connections=clients, max_keepalive_connections=clients)
        async with web.async_client(limits=limits, timeout=10) as client:
            await asyncio.gather(*(_client(client, url, body, each, run) for _ in range(clients)))

    asyncio.run(main())
    return list(run.acked), run.failures
