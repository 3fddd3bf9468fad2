"""Benchmark: samtycke scan against consentcrawl and cookieradar on the fixture site.

Scans the two-origin fixture site of tests/scanner (4 pages within depth 3: a
header/JS/late/iframe/pixel/storage home page with a OneTrust-like banner, and
three plain pages) and prints seconds per page for the three phases, and
whether each tool saw the late cookie (set 1.5 s after load) and the third-party
cookies headless Chromium blocks.

    .venv/bin/python benchmarks/scanner/run.py [--runs 3] [--peers /tmp/peers/bin/python]

The peers are installed apart from the project, e.g.
``python3 -m venv /tmp/peers && /tmp/peers/bin/pip install consentcrawl cookieradar``;
``peer_shim.py`` points their Playwright at the system Chromium. Neither crawls,
so they are run once per page of samtycke's crawl.
"""

from __future__ import annotations

import argparse
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

from samtycke.scanner import scan  # noqa: E402
from tests.scanner.fixture_site import serve_site  # noqa: E402

SHIM = Path(__file__).with_name("peer_shim.py")
BLOCKED = ("tp_frame", "tp_pixel")


def bench_samtycke(url: str, runs: int) -> tuple[list[float], list[str], bool, bool]:
    """Seconds per page of each run, the pages, late cookie seen in all phases, blocked ones seen."""
    per_page, late_ok, blocked_ok, pages = [], True, True, []
    for _ in range(runs):
        began = time.monotonic()
        result = scan(url)
        wall = time.monotonic() - began
        pages = result.pages
        per_page.append(wall / len(result.pages))
        late = next((c for c in result.cookies if c.name == "late_ping"), None)
        late_ok &= late is not None and len(late.phases) == 3
        blocked_ok &= all(any(c.name == b for c in result.cookies) for b in BLOCKED)
    return per_page, pages, late_ok, blocked_ok


def bench_peer(python: str, argv_for: dict[str, list[str]], pages: list[str]) -> dict[str, object]:
    """Run one peer on each page; seconds per page and what it printed."""
    out: dict[str, object] = {}
    for tool, argv in argv_for.items():
        times, late, blocked, errors = [], True, True, []
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
            if page.endswith("/"):  # only the home page sets them
                late &= "late_ping" in text
                blocked &= all(b in text for b in BLOCKED)
        out[tool] = (times, late, blocked, errors)
    return out


def main() -> None:
    """Run the benchmark and print a Markdown table."""
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--peers", default="/tmp/peers/bin/python")
    args = parser.parse_args()
    with serve_site() as site, tempfile.TemporaryDirectory() as tmp:
        per_page, pages, late_ok, blocked_ok = bench_samtycke(site.first + "/", args.runs)
        rows = [
            (
                "samtycke scan (3 phases, concurrent, crawls)",
                statistics.median(per_page),
                min(per_page),
                late_ok,
                blocked_ok,
                "",
            )
        ]
        # consentcrawl fetches blocklists at start; give it a local, empty one.
        blocklists = Path(tmp) / "blocklists.yml"
        blocklists.write_text(
            f"- id: none\n  name: none\n  url: {site.first}/robots.txt\n  type: domains\n",
            encoding="utf-8",
        )
        if Path(args.peers).exists():
            peers = bench_peer(
                args.peers,
                {
                    "cookieradar": ["audit", "{url}"],
                    "consentcrawl": [
                        "{url}",
                        "-o",
                        "--db_file",
                        f"{tmp}/cc.db",
                        "--blocklists",
                        str(blocklists),
                    ],
                },
                pages,
            )
            labels = {
                "cookieradar": "cookieradar (3 loads per URL)",
                "consentcrawl": "consentcrawl (1 load, then accept)",
            }
            for tool, (times, late, blocked, errors) in peers.items():  # type: ignore[misc]
                rows.append(
                    (
                        labels[tool],
                        statistics.mean(times),
                        min(times),
                        late,
                        blocked,
                        "; ".join(errors),
                    )
                )
    print(f"pages: {len(pages)}; samtycke runs: {args.runs}\n")
    print(
        "| tool | s/page | best s/page | late cookie seen | blocked 3P cookies reported | errors |"
    )
    print("|---|---:|---:|---|---|---|")
    for name, mid, best, late, blocked, err in rows:
        print(
            f"| {name} | {mid:.2f} | {best:.2f} | {'yes' if late else 'no'} | "
            f"{'yes' if blocked else 'no'} | {err} |"
        )


if __name__ == "__main__":
    main()
