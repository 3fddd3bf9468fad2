"""A/B of the scanner: wall seconds and CPU of the whole scan, two source trees alternating.

Each scan runs in a process of its own with ``PYTHONPATH`` set to one tree's
``src``; its CPU is that process's and everything it started and reaped
(Playwright's driver, Chromium, its renderers), read with ``wait4``. The
sites are run.py's.

    .venv/bin/python benchmarks/scanner/ab.py --base /tmp/base/src --new src \\
        [--rounds 5] [--site late|quiet]

``git archive <commit> src | tar -x -C /tmp/base`` makes a base tree.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve()
PAGES = {"late": 5, "quiet": 20}


def one(site_name: str) -> None:
    """Serve the site, scan it once, print the figures as JSON (in the child)."""
    sys.path.insert(0, str(HERE.parent))
    from run import late_seen, site  # the benchmark's sites and its check

    from samtycke.scanner import ScanOptions, scan
    from tests.scanner.fixture_apps import serve_app

    late = site_name == "late"
    with serve_app(site(PAGES[site_name], late=late)) as port:  # type: ignore[arg-type]
        began = time.monotonic()
        result = scan(f"http://127.0.0.1:{port}/", options=ScanOptions(screenshot=False))
        wall = time.monotonic() - began
    print(json.dumps({"wall": wall, "pages": len(result.pages), "late_ok": late_seen(result)}))


def measure(src: str, site_name: str) -> tuple[float, float, dict[str, object]]:
    """Wall seconds of the scan, CPU seconds of its process tree, the child's figures."""
    env = {**os.environ, "PYTHONPATH": f"{Path(src).resolve()}{os.pathsep}{HERE.parents[2]}"}
    proc = subprocess.Popen(
        [sys.executable, str(HERE), "--one", site_name], env=env, stdout=subprocess.PIPE
    )
    out = proc.stdout.read() if proc.stdout else b""
    _, status, usage = os.wait4(proc.pid, 0)
    proc.returncode = os.waitstatus_to_exitcode(status)
    if proc.returncode:
        raise SystemExit(f"scan with {src} failed (exit {proc.returncode})")
    figures = json.loads(out.decode().strip().splitlines()[-1])
    return float(figures["wall"]), usage.ru_utime + usage.ru_stime, figures


def main() -> None:
    """Alternate base and new; print each run and the medians as Markdown."""
    parser = argparse.ArgumentParser()
    parser.add_argument("--one", choices=sorted(PAGES))
    parser.add_argument("--base")
    parser.add_argument("--new", default="src")
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--site", choices=sorted(PAGES), default="late")
    args = parser.parse_args()
    if args.one:
        one(args.one)
        return
    if not args.base:
        parser.error("--base is required")
    runs: dict[str, list[tuple[float, float]]] = {"base": [], "new": []}
    print("| round | tree | load | wall s | CPU s | pages | late cookie everywhere |")
    print("|---:|---|---:|---:|---:|---:|---|")
    for i in range(1, args.rounds + 1):
        for name, src in (("base", args.base), ("new", args.new)):
            load = os.getloadavg()[0]
            wall, cpu, figures = measure(src, args.site)
            runs[name].append((wall, cpu))
            late = figures["late_ok"] if args.site == "late" else "-"
            print(
                f"| {i} | {name} | {load:.1f} | {wall:.2f} | {cpu:.2f} | {figures['pages']} | {late} |"
            )
    print()
    for name, values in runs.items():
        wall = statistics.median(w for w, _ in values)
        cpu = statistics.median(c for _, c in values)
        print(f"{name}: median wall {wall:.2f} s, median CPU {cpu:.2f} s over {len(values)} runs")


if __name__ == "__main__":
    main()
