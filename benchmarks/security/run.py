"""Legitimate traffic while 2,000 hostile connections are held against one server process.

    .venv/bin/python benchmarks/security/run.py [--hostile 2000] [--duration 10]

Starts ``samtycke serve`` (Billogram example, SQLite, rate limit off, one
process), then measures twice — idle, and with ``--hostile`` connections held
open by a separate client that keeps half of them silent and half in the middle
of a request head, reconnecting each one the server drops:

- consent writes per second with wrk (2 threads, 32 connections, the ledger
  benchmark's consent.lua),
- ``GET /healthz`` latency over 200 sequential requests (median, p99, max).

Prints one table; the goal is writes ≥ 50 % of the idle figure and /healthz
under 100 ms with the connections held.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import re
import resource
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

import httpx

ROOT = Path(__file__).resolve().parents[2]
DECL = ROOT / "examples" / "billogram" / "samtycke.toml"
LUA = ROOT / "benchmarks" / "ledger" / "consent.lua"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


class Hostile:
    """``count`` connections held open, re-opened as soon as the server drops one."""

    def __init__(self, port: int, count: int) -> None:
        self.port, self.count = port, count
        self.open = 0
        self.reopened = 0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=lambda: asyncio.run(self._main()), daemon=True)

    async def _hold(self, i: int) -> None:
        while not self._stop.is_set():
            try:
                reader, writer = await asyncio.open_connection("127.0.0.1", self.port)
            except OSError:
                await asyncio.sleep(0.1)
                continue
            self.open += 1
            if i % 2:
                writer.write(b"POST /v1/consents HTTP/1.1\r\nHost: billogram.com\r\nX-a: ")
            while not self._stop.is_set():
                try:
                    if await asyncio.wait_for(reader.read(4096), 0.5) == b"":
                        break  # dropped by the server
                except TimeoutError:
                    continue
                except OSError:
                    break
            self.open -= 1
            self.reopened += 1
            writer.close()

    async def _main(self) -> None:
        tasks = [asyncio.create_task(self._hold(i)) for i in range(self.count)]
        while not self._stop.is_set():
            await asyncio.sleep(0.1)
        for t in tasks:
            t.cancel()
        await asyncio.gather(*tasks, return_exceptions=True)

    def __enter__(self) -> Hostile:
        self._thread.start()
        deadline = time.monotonic() + 60
        while self.open < self.count and time.monotonic() < deadline:
            time.sleep(0.1)
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        self._thread.join(timeout=30)


def wrk(url: str, env: dict[str, str], duration: int) -> float:
    out = subprocess.run(
        ["wrk", "-t2", "-c32", f"-d{duration}s", "-s", str(LUA), url + "/v1/consents"],
        capture_output=True,
        text=True,
        env={**os.environ, **env},
        timeout=duration + 60,
    ).stdout
    m = re.search(r"Requests/sec:\s+([\d.]+)", out)
    if not m:
        raise SystemExit(f"wrk gave no figure:\n{out}")
    return float(m.group(1))


def health(url: str, n: int = 200) -> tuple[float, float, float]:
    times = []
    with httpx.Client(timeout=30) as client:
        for _ in range(n):
            t = time.perf_counter()
            assert client.get(url + "/healthz").status_code == 200
            times.append((time.perf_counter() - t) * 1000)
    times.sort()
    return statistics.median(times), times[int(n * 0.99) - 1], times[-1]


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--hostile", type=int, default=2000)
    ap.add_argument("--duration", type=int, default=10)
    args = ap.parse_args()
    if not shutil.which("wrk"):
        raise SystemExit("wrk is not installed (apt-get install wrk)")
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    resource.setrlimit(resource.RLIMIT_NOFILE, (min(hard, max(soft, args.hostile + 1024)), hard))
    work = Path(tempfile.mkdtemp(prefix="samtycke-security-"))
    port = free_port()
    url = f"http://127.0.0.1:{port}"
    server = subprocess.Popen(
        [sys.executable, "-m", "samtycke", "serve", "-d", str(DECL), "--port", str(port),
         "--db", f"sqlite:///{work / 'ledger.db'}", "--rate-limit", "off"],
        stderr=subprocess.PIPE, text=True, start_new_session=True,
    )  # fmt: skip
    try:
        assert server.stderr is not None
        server.stderr.readline()  # "serving on": it accepts connections now
        site = httpx.get(url + "/v1/sites/billogram").json()
        env = {
            "SITE": "billogram",
            "REVISION": str(site["revision"]),
            "FINGERPRINT": site["fingerprint"],
            "CATEGORIES": ",".join(c["id"] for c in site["categories"]),
        }
        idle_health = health(url)
        idle = wrk(url, env, args.duration)
        with Hostile(port, args.hostile) as hostile:
            held = hostile.open
            busy_health = health(url)
            busy = wrk(url, env, args.duration)
            reopened = hostile.reopened
    finally:
        os.killpg(server.pid, signal.SIGINT)
        server.wait(timeout=30)
        shutil.rmtree(work, ignore_errors=True)
    print(f"hostile connections held: {held} (re-opened after a drop: {reopened})")
    print("| | consent writes/s | /healthz median ms | p99 ms | max ms |")
    print("|---|---:|---:|---:|---:|")
    print(
        f"| idle | {idle:,.0f} | {idle_health[0]:.1f} | {idle_health[1]:.1f} | {idle_health[2]:.1f} |"
    )
    print(
        f"| {args.hostile:,} hostile held | {busy:,.0f} | {busy_health[0]:.1f} "
        f"| {busy_health[1]:.1f} | {busy_health[2]:.1f} |"
    )
    print(f"writes with hostile connections: {busy / idle:.0%} of idle")


if __name__ == "__main__":
    main()
