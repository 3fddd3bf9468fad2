"""SQLite's write-ahead log under sustained full-speed writes.

    python benchmarks/ledger/wal_bench.py --db sqlite:////tmp/wal.db --seconds 300

Appends batches of 512 decisions back to back (what the group writer does at
full load) while a reader thread reads histories, and prints the largest WAL
size seen after each batch, the database size and the records written.
"""

from __future__ import annotations

import argparse
import os
import secrets
import threading
import time

from samtycke.ledger import Decision, Ledger


def main() -> None:
    """Parse arguments and run."""
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--db", required=True)
    ap.add_argument("--seconds", type=float, default=300)
    ap.add_argument("--batch", type=int, default=512)
    args = ap.parse_args()
    fp = "0" * 64
    with Ledger(args.db, migrate=True) as led:
        led.add_snapshot("bench", 1, fp, "{}")
        stop = threading.Event()

        def read() -> None:
            while not stop.is_set():
                led.history(secrets.token_hex(16))

        reader = threading.Thread(target=read, daemon=True)
        reader.start()
        biggest, written, t0 = 0, 0, time.monotonic()
        while time.monotonic() - t0 < args.seconds:
            batch = [
                Decision(
                    record_id=secrets.token_hex(16),
                    consent_id=secrets.token_hex(16),
                    site="bench",
                    revision=1,
                    fingerprint=fp,
                    language="sv",
                    method="custom",
                    choices={"necessary": True, "analytics": written % 2 == 0},
                    url="https://bench.example/page",
                    ip="203.0.113.0",
                    source="banner",
                )
                for _ in range(args.batch)
            ]
            led.append(batch)
            written += len(batch)
            biggest = max(biggest, led.wal_bytes())
        stop.set()
        elapsed = time.monotonic() - t0
        db_file = led.engine.url.database or ""
    print(
        f"{written:,} records in {elapsed:.0f} s ({written / elapsed:,.0f}/s); "
        f"largest WAL {biggest / 1e6:.1f} MB; database {os.path.getsize(db_file) / 1e6:.0f} MB"
    )


if __name__ == "__main__":
    main()
