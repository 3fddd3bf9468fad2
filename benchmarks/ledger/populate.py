"""Fill a samtycke ledger with N valid, hash-chained records, fast.

    python benchmarks/ledger/populate.py --db URL --declaration FILE --records 1000000

The records are spread over the last 180 days, with varied choices and methods,
appended in chunks of 10,000 through ``Ledger.append`` (one transaction per
chunk), so the chain verifies exactly like one grown by the server.
"""

from __future__ import annotations

import argparse
import random
import time
from pathlib import Path

from samtycke.declaration import load_declaration
from samtycke.declaration.fingerprint import canonical_json, fingerprint
from samtycke.ledger import Decision, Ledger
from samtycke.ledger.store import now_us

METHODS = ["accept-all", "reject-all", "custom", "custom", "withdraw", "gpc"]


def main() -> None:
    """Parse arguments and populate."""
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--db", required=True)
    ap.add_argument("--declaration", required=True, type=Path)
    ap.add_argument("--records", type=int, default=1_000_000)
    ap.add_argument("--chunk", type=int, default=10_000)
    args = ap.parse_args()

    decl = load_declaration(args.declaration)
    fp = fingerprint(decl)
    cats = decl.category_ids
    rng = random.Random(7)
    t0 = time.monotonic()
    with Ledger(args.db, migrate=True) as led:
        led.add_snapshot(decl.site.id, decl.site.revision, fp, canonical_json(decl).decode())
        start = now_us() - 180 * 86_400_000_000
        step = 180 * 86_400_000_000 // max(1, args.records)
        done = 0
        while done < args.records:
            n = min(args.chunk, args.records - done)
            batch = []
            for _ in range(n):
                method = rng.choice(METHODS)
                choices = {
                    c: c == "necessary"
                    or (method == "accept-all")
                    or (method == "custom" and rng.random() < 0.5)
                    for c in cats
                }
                batch.append(
                    Decision(
                        record_id=f"{rng.getrandbits(128):032x}",
                        consent_id=f"{rng.getrandbits(128):032x}",
                        site=decl.site.id,
                        revision=decl.site.revision,
                        fingerprint=fp,
                        language=rng.choice(decl.site.languages),
                        method=method,
                        choices=choices,
                        url="https://billogram.com/" + rng.choice(["", "pricing", "about"]),
                        ip=f"203.0.{rng.randrange(256)}.0",
                    )
                )
            led.append(batch, at_us=start + done * step)
            done += n
            print(f"\r{done:,} records ({time.monotonic() - t0:.0f} s)", end="", flush=True)
    print()


if __name__ == "__main__":
    main()
