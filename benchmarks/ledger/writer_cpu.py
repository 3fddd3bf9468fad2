"""CPU per consent of the server's writer step alone: chain, store and sign a batch, no HTTP.

    python benchmarks/ledger/writer_cpu.py --db postgresql://postgres@127.0.0.1:5432/DB \
        [--consents 20000] [--batch 32] [--no-sign]

What the writer thread of ``samtycke serve`` does per batch (``GroupWriter._write``):
``Ledger.append_each`` of the batch, then an Ed25519 receipt signature per
record, then the 201 body. The ledger is made afresh in DB (which must exist
and be empty; it is left filled). It prints the process's CPU time (user+sys,
every thread) per consent, which holds on a busy machine where wall time does
not, so two versions of ``src`` can be compared by running this under each
one's ``PYTHONPATH`` in turn.
"""

from __future__ import annotations

import argparse
import hashlib
import os
import time

from samtycke.ledger import Decision, Ledger
from samtycke.ledger.receipts import receipt_signature, receipt_text
from samtycke.ledger.signing import SigningKey

SNAPSHOT = '{"format":1,"site":{"id":"shop"}}'
FINGERPRINT = hashlib.sha256(SNAPSHOT.encode()).hexdigest()


def decisions(n: int) -> list[Decision]:
    """``n`` decisions shaped like the benchmark's POST bodies."""
    return [
        Decision(
            record_id=os.urandom(16).hex(),
            consent_id=os.urandom(16).hex(),
            site="shop",
            revision=1,
            fingerprint=FINGERPRINT,
            language="sv",
            method="custom",
            choices={"necessary": True, "analytics": True, "marketing": False},
            url="https://shop.example/pricing",
            ip="203.0.113.0",
            user_agent="Mozilla/5.0 (X11; Linux x86_64) Chrome/126.0 Safari/537.36",
            source="banner",
        )
        for _ in range(n)
    ]


def main() -> None:
    """Parse arguments, append in batches, print CPU per consent."""
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--db", required=True)
    ap.add_argument("--consents", type=int, default=20_000)
    ap.add_argument("--batch", type=int, default=32)
    ap.add_argument("--no-sign", action="store_true")
    args = ap.parse_args()

    from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

    key = None if args.no_sign else SigningKey(Ed25519PrivateKey.generate())
    todo = decisions(args.consents)
    with Ledger(args.db, migrate=True) as led:
        led.add_snapshot("shop", 1, FINGERPRINT, SNAPSHOT)
        led.append(decisions(args.batch))  # warm: pool, prepared statements
        t0, c0 = time.monotonic(), time.process_time()
        for i in range(0, len(todo), args.batch):
            for rec in led.append_each(todo[i : i + args.batch]):
                if key is not None and not isinstance(rec, Exception):
                    receipt_text(rec, key, receipt_signature(rec, key))
        cpu, wall = time.process_time() - c0, time.monotonic() - t0
        stored = led.count()
    n = len(todo)
    print(
        f"writer CPU per consent={cpu / n * 1e6:.1f} us ({cpu:.2f} CPU s, {wall:.2f} s wall "
        f"for {n} consents in batches of {args.batch}, signed={key is not None}, "
        f"stored={stored}, at {time.strftime('%H:%M:%S', time.gmtime())} UTC, "
        f"load average {os.getloadavg()[0]:.2f})"
    )


if __name__ == "__main__":
    main()
