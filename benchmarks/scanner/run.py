"""Benchmark: samtycke scan against consentcrawl and cookieradar, in one run.

Two loopback sites, each page with a OneTrust-like banner (the scanner
tests' fixture banner):

* **late**: five pages (a home page linking to four), every page setting a
  cookie 2.5 s after load — the scan must wait for it on every page, in
  every phase. Goal: at most 1.5 s per page for the three-phase audit.
* **quiet**: a home page linking to 19 more that settle at once (a header
  cookie, no timers). Goal: at least 60 pages per minute.

Wall time includes starting the browser. The peers do not crawl, so they
are run once per page of the late site.

    .venv/bin/python benchmarks/scanner/run.py [--runs 2] [--peers /tmp/peers/bin/python]

The peers are installed apart from the project, e.g.
``python3 -m venv /tmp/peers && /tmp/peers/bin/pip install consentcrawl cookieradar``;
``peer_shim.py`` points their Playwright at the system Chromium.
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
from email.message import Message
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

from samtycke.scanner import ScanOptions, ScanResult, scan  # noqa: E402
from tests.scanner.fixture_apps import Answer, html, not_found, serve_app  # noqa: E402
from tests.scanner.fixture_site import BANNER  # noqa: E402

SHIM = Path(__file__).with_name("peer_shim.py")
LATE = """<script>window.addEventListener("load", function () {
  setTimeout(function () { document.cookie = "late_ping=1; max-age=86400; path=/"; }, 2500);
});</script>"""


def site(pages: int, late: bool) -> object:
    """A home page linking to ``pages - 1`` others; each with the banner."""

    def route(path: str, headers: Message) -> Answer:
        if path == "/":
            links = " ".join(f'<a href="/p{i}">Page {i}</a>' for i in range(1, pages))
            body = f"<nav>{links}</nav>"
        elif path.startswith("/p") and path[2:].isdigit() and 0 < int(path[2:]) < pages:
            body = '<p>Content.</p><a href="/">Home</a>'
        else:
            return not_found()
        return 200, html(path, body + (LATE if late else "") + BANNER), ["sid=1; Path=/"], {}

    return route


def late_seen(result: ScanResult) -> bool:
    """Whether every page saw the late cookie in every phase.

    Each visit on its own: the page where the banner was answered counts what
    came after the click only, so it is left out.
    """
    visits = [v for v in result.visits if not v.decision]
    everywhere = all("late_ping" in {c.name for c in v.cookies} for v in visits)
    return everywhere and len(visits) == 3 * len(result.pages)


def bench_samtycke(url: str, runs: int) -> tuple[list[float], int, bool]:
    """Wall seconds of each run, the pages, and whether every visit saw the late cookie."""
    walls, pages, late_ok = [], 0, True
    for _ in range(runs):
        began = time.monotonic()
        result = scan(url, options=ScanOptions(screenshot=False))
        walls.append(time.monotonic() - began)
        pages = len(result.pages)
        late_ok &= late_seen(result)
    return walls, pages, late_ok


def bench_peer(
    python: str, tool: str, argv: list[str], pages: list[str]
) -> tuple[list[float], bool, list[str]]:
    """Run one peer on each page: seconds per page, late cookie seen, errors."""
    times, late, errors = [], True, []
    for page in pages:
        began = time.monotonic()
        proc = subprocess.run(
            [python, str(SHIM), tool, *(a.replace("{url}", page) for a in argv)],
            capture_output=True,
            text=True,
            timeout=300,
            check=False,
        )
        times.append(time.monotonic() - began)
        text = proc.stdout + proc.stderr
        if proc.returncode not in (0, 1):
            errors.append(f"{page}: exit {proc.returncode}: {text.strip().splitlines()[-1:]}")
        late &= "late_ping" in text
    return times, late, errors


def main() -> None:
    """Run the benchmark and print Markdown tables."""
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=2)
    parser.add_argument("--peers", default="/tmp/peers/bin/python")
    args = parser.parse_args()
    print(f"load average at start: {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores\n")
    rows = []
    with serve_app(site(5, late=True)) as late_port, serve_app(site(20, late=False)) as quiet_port:  # type: ignore[arg-type]
        late_url, quiet_url = f"http://127.0.0.1:{late_port}/", f"http://127.0.0.1:{quiet_port}/"
        walls, pages, late_ok = bench_samtycke(late_url, args.runs)
        per_page = [w / pages for w in walls]
        rows.append(("samtycke scan (late site, 3 phases, crawls)", per_page, late_ok, ""))
        qwalls, qpages, _ = bench_samtycke(quiet_url, args.runs)
        per_min = [qpages / w * 60 for w in qwalls]
        if Path(args.peers).exists():
            with tempfile.TemporaryDirectory() as tmp:
                # consentcrawl fetches blocklists at start; give it a local, empty one.
                blocklists = Path(tmp) / "blocklists.yml"
                blocklists.write_text(
                    f"- id: none\n  name: none\n  url: {late_url}robots.txt\n  type: domains\n",
                    encoding="utf-8",
                )
                urls = [late_url] + [f"{late_url}p{i}" for i in range(1, 5)]
                peers = {
                    "cookieradar (3 loads per URL)": ("cookieradar", ["audit", "{url}"]),
                    "consentcrawl (1 load, then accept)": (
                        "consentcrawl",
                        [
                            "{url}",
                            "-o",
                            "--db_file",
                            f"{tmp}/cc.db",
                            "--blocklists",
                            str(blocklists),
                        ],
                    ),
                }
                for label, (tool, argv) in peers.items():
                    times, late, errors = bench_peer(args.peers, tool, argv, urls)
                    rows.append((label, times, late, "; ".join(errors)))
    print(f"late site: {pages} pages; samtycke runs: {args.runs}\n")
    print("| tool | s/page (median) | best s/page | late cookie seen | errors |")
    print("|---|---:|---:|---|---|")
    for name, values, late, err in rows:
        print(
            f"| {name} | {statistics.median(values):.2f} | {min(values):.2f} | "
            f"{'yes' if late else 'no'} | {err} |"
        )
    print(f"\nquiet site: {qpages} pages; samtycke three-phase audit")
    print(f"pages per minute: median {statistics.median(per_min):.0f}, best {max(per_min):.0f}")
    print(f"load average at end: {os.getloadavg()[0]:.1f}")


if __name__ == "__main__":
    main()
