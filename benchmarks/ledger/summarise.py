"""Print the Markdown table of one run_all.sh label from results/*/wrk.txt and summary.txt.

The CPU column is the server's CPU time (user + system, all its processes)
per acknowledged consent during the load: samtycke's bench.sh prints it, and
for c15t it is its node process's CPU seconds over its 2xx count.
"""

from __future__ import annotations

import json
import re
import sys
from pathlib import Path

ROWS = [
    ("c15t, SQLite WAL, empty", "c15t-sqlite-wal-{label}"),
    ("samtycke, SQLite WAL, empty", "sqlite-{label}"),
    ("samtycke, SQLite WAL, 1M stored", "sqlite-{label}-1m"),
    ("c15t, PostgreSQL 15, empty", "c15t-postgres-{label}"),
    ("samtycke, PostgreSQL 15, empty", "postgres-{label}"),
    ("samtycke, PostgreSQL 15, 1M stored", "postgres-{label}-1m"),
]


def main() -> None:
    """``summarise.py RESULTS_DIR LABEL``."""
    root, label = Path(sys.argv[1]), sys.argv[2]
    print(
        "| run | consents/s | server CPU µs/consent | p50 ms | p99 ms | 2xx | non-2xx "
        "| new rows | rows − 2xx |"
    )
    print("|---|---:|---:|---:|---:|---:|---:|---:|---:|")
    for name, folder in ROWS:
        d = root / folder.format(label=label)
        if not (d / "wrk.txt").exists():
            continue
        wrk = (d / "wrk.txt").read_text()
        res = json.loads(wrk.split("RESULT ", 1)[1].splitlines()[0])
        summary = (d / "summary.txt").read_text()
        new = re.search(r"new=(-?\d+)", summary)
        diff = re.search(r"diff=(-?\d+)", summary)
        print(
            f"| {name} | {res['rps']:,.0f} | {cpu_per_consent(summary, res['ok2xx'])} | "
            f"{res['p50_ms']:.1f} | {res['p99_ms']:.1f} | "
            f"{res['ok2xx']:,} | {res['non2xx']} | {new.group(1) if new else '?'} | "
            f"{diff.group(1) if diff else '?'} |"
        )


def cpu_per_consent(summary: str, ok: int) -> str:
    """The server CPU µs per 2xx from a summary.txt, or ? when it has no CPU figure."""
    ours = re.search(r"server CPU per consent=(\d+) us", summary)
    if ours:
        return f"{int(ours.group(1)):,}"
    node = re.search(r"node CPU seconds during load: ([0-9.]+)", summary)
    if node and ok > 0:
        return f"{float(node.group(1)) * 1e6 / ok:,.0f}"
    return "?"


if __name__ == "__main__":
    main()
