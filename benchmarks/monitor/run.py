"""Benchmark: pages scanned per minute by 1, 2 and 4 `samtycke monitor worker` processes.

The estate is the scanner benchmark's "quiet" site (a home page linking to
the others, each page with the fixture banner, settling at once) served
``--sites`` times on loopback ports, each with a declaration whose
``[monitor]`` table scans ``--pages`` pages. For each worker count the
benchmark starts that many workers on the real Redis (a queue of its own,
deleted afterwards) and a fresh SQLite ledger, lets one scheduler tick claim
every site, and waits until every scan is stored. Reported per run: wall
seconds, pages per minute, CPU seconds per page (workers and their Chromium
processes, from /proc: meaningful on a loaded machine, where wall time is not),
and the scaling against one worker.

    .venv/bin/python benchmarks/monitor/run.py [--sites 16] [--pages 10] [--workers 1,2,4]

Needs Redis at 127.0.0.1:6379 (``--redis`` for another) and Debian's Chromium.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
import uuid
from contextlib import ExitStack
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

from benchmarks.scanner.run import site  # noqa: E402
from samtycke.ledger import Ledger  # noqa: E402
from samtycke.monitor import history  # noqa: E402
from samtycke.monitor.broker import namespace_of  # noqa: E402
from samtycke.monitor.runners import BrokerRunner  # noqa: E402
from samtycke.monitor.schedule import Scheduler  # noqa: E402
from samtycke.monitor.service import load_targets  # noqa: E402
from samtycke.monitor.settings import MonitorSettings  # noqa: E402
from tests.monitor.estate import write_declaration  # noqa: E402
from tests.scanner.fixture_apps import serve_app  # noqa: E402

TICKS = os.sysconf("SC_CLK_TCK")


def cpu_seconds(pid: int) -> float:
    """utime + stime of the process and its reaped children (its finished Chromiums)."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return sum(int(v) for v in fields[11:15]) / TICKS


def start_workers(n: int, redis: str, db: str, queue: str) -> list[subprocess.Popen[str]]:
    """``n`` worker processes, returned once each says it takes jobs."""
    argv = [sys.executable, "-m", "samtycke", "monitor", "worker"]
    argv += ["--broker", redis, "--db", db, "--queue", queue]
    procs = [subprocess.Popen(argv, stderr=subprocess.PIPE, text=True) for _ in range(n)]
    for p in procs:
        assert p.stderr is not None
        line = p.stderr.readline()
        if "taking scan jobs" not in line:
            raise SystemExit(f"a worker did not start: {line.strip()}")
    return procs


def one_run(folder: Path, workers: int, redis: str, sites: int) -> dict[str, float]:
    """Scan the estate once with ``workers`` workers; the figures of the run."""
    import redis as redis_client

    db = f"sqlite:///{folder / f'ledger-{workers}.db'}"
    queue = f"bench-{uuid.uuid4().hex[:12]}"
    targets = load_targets(folder / "estate")
    with Ledger(db, migrate=True) as led:
        procs = start_workers(workers, redis, db, queue)
        try:
            runner = BrokerRunner(redis, queue)
            began = time.monotonic()
            claimed = Scheduler(led.engine, targets, runner, MonitorSettings()).tick()
            runner.close()
            while True:
                rows = [history.scan(led.engine, i) for i in claimed]
                if all(r is not None and r.status in ("done", "failed") for r in rows):
                    break
                time.sleep(0.2)
            wall = time.monotonic() - began
            cpu = sum(cpu_seconds(p.pid) for p in procs)
        finally:
            for p in procs:
                p.terminate()
            for p in procs:
                p.wait(timeout=120)
            client = redis_client.Redis.from_url(redis)
            keys = list(client.scan_iter(match=f"{namespace_of(queue)}:*"))
            if keys:
                client.delete(*keys)
            client.close()
    failed = [r for r in rows if r is not None and r.status == "failed"]
    if failed:
        raise SystemExit(f"{len(failed)} of {sites} scans failed: {failed[0].error}")
    pages = sum(r.pages or 0 for r in rows if r is not None)
    return {
        "workers": workers,
        "pages": pages,
        "wall_s": round(wall, 2),
        "pages_per_min": round(pages / wall * 60, 1),
        "cpu_s_per_page": round(cpu / pages, 3),
    }


def main() -> None:
    """Run the benchmark; print a Markdown table (and JSON with --json)."""
    parser = argparse.ArgumentParser()
    parser.add_argument("--sites", type=int, default=16)
    parser.add_argument("--pages", type=int, default=10, help="pages of each site")
    parser.add_argument("--workers", default="1,2,4")
    parser.add_argument("--redis", default="redis://127.0.0.1:6379/0")
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args()
    counts = [int(n) for n in args.workers.split(",")]
    print(f"load average at start: {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores")
    results = []
    with tempfile.TemporaryDirectory() as tmp, ExitStack() as stack:
        folder = Path(tmp)
        (folder / "estate").mkdir()
        for i in range(args.sites):
            port = stack.enter_context(serve_app(site(args.pages, late=False)))  # type: ignore[arg-type]
            url = f"http://127.0.0.1:{port}/"
            write_declaration(folder / "estate", f"estate-{i}", url, args.pages)
        for n in counts:
            results.append(one_run(folder, n, args.redis, args.sites))
    base = results[0]["pages_per_min"] / results[0]["workers"]
    print(f"\nestate: {args.sites} sites x {args.pages} pages, three-phase audit of each page\n")
    print("| workers | pages | wall s | pages/min | CPU s/page | scaling vs 1 worker |")
    print("|---:|---:|---:|---:|---:|---:|")
    for r in results:
        scaling = r["pages_per_min"] / base / r["workers"]
        print(
            f"| {r['workers']} | {r['pages']} | {r['wall_s']} | {r['pages_per_min']} | "
            f"{r['cpu_s_per_page']} | {scaling:.0%} |"
        )
    print(f"\nload average at end: {os.getloadavg()[0]:.1f}")
    if args.json:
        print(json.dumps(results))


if __name__ == "__main__":
    main()
