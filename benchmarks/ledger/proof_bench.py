"""Verify, anchor and prove timings on a filled ledger, and prove at 10 million leaves.

    python benchmarks/ledger/proof_bench.py --db sqlite:///1m.db [--synthetic 10000000]

1. ``verify`` of the whole ledger (one snapshot), as ``samtycke ledger verify``.
2. ``anchor`` (fills the Merkle block cache the first time, then signs the root).
3. ``verify --anchors`` and ``prove`` of 20 random records against that anchor,
   from the database: the audit path, its size, and the check of the bundle.
4. With ``--synthetic N``: a Merkle tree of N leaves built in memory block by
   block (the leaves are sha256(i); only the block hashes are kept, as
   ``merkle_blocks`` keeps them), then 50 audit paths computed and checked;
   the time per proof counts re-reading one block of 1024 leaves and combining
   the cached block hashes, which is what ``prove`` does at that size.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import random
import statistics
import tempfile
import time
from pathlib import Path

from samtycke.ledger import Ledger, merkle, verify_chain
from samtycke.ledger.anchors import check_anchors, load_anchors, write_anchor
from samtycke.ledger.proofs import build_bundle, check_bundle
from samtycke.ledger.receipts import make_receipt
from samtycke.ledger.signing import SigningKey


def timed(label: str, fn):  # type: ignore[no-untyped-def]
    """Run ``fn`` once and print how long it took."""
    t0, c0 = time.perf_counter(), time.process_time()
    out = fn()
    wall, cpu = time.perf_counter() - t0, time.process_time() - c0
    print(f"{label}: {wall:.2f} s wall, {cpu:.2f} s CPU")
    return out


def on_database(url: str) -> None:
    """Steps 1–3 on a real ledger."""
    key = SigningKey.load(Path(tempfile.mkdtemp()) / "key.pem", create=True)
    folder = Path(tempfile.mkdtemp())
    with Ledger(url) as led:
        result = timed("verify", lambda: verify_chain(led))
        print(f"  {result.records:,} records, head seq {result.head.seq}")
        timed("anchor (first: fills the block cache)", lambda: write_anchor(led, folder, key))
        timed("anchor (again)", lambda: write_anchor(led, folder, key))
        anchors = load_anchors(folder)
        timed(
            "verify --anchors",
            lambda: verify_chain(led, also=lambda v, r: check_anchors(v, r, anchors)),
        )
        rng = random.Random(1)
        times, sizes = [], []
        with led.reading() as view:
            first = view.rows("SELECT MIN(seq) FROM consent_records")[0][0]
            for _ in range(20):
                seq = rng.randrange(first, result.head.seq + 1)
                rec = view.records_where("seq = ?", (seq,))[0]
                receipt = make_receipt(rec, key)
                t0 = time.perf_counter()
                bundle = build_bundle(view, receipt, anchors)
                times.append(time.perf_counter() - t0)
                sizes.append(len(json.dumps(bundle["inclusion"])))
                check_bundle(bundle)
        print(
            f"prove from the database: median {statistics.median(times) * 1000:.1f} ms, "
            f"max {max(times) * 1000:.1f} ms; inclusion proof {max(sizes)} bytes"
        )


def leaf(i: int) -> bytes:
    """The synthetic chain hash of leaf ``i``."""
    return hashlib.sha256(i.to_bytes(8, "big")).digest()


def synthetic(n: int) -> None:
    """Step 4: a tree of ``n`` leaves from cached blocks."""
    t0 = time.perf_counter()
    known: dict[tuple[int, int], bytes] = {}
    for block in range(n // merkle.BLOCK):
        lo = block * merkle.BLOCK
        known[(lo, lo + merkle.BLOCK)] = merkle.root_of(
            [leaf(i) for i in range(lo, lo + merkle.BLOCK)]
        )
    print(f"built {len(known):,} block hashes for {n:,} leaves in {time.perf_counter() - t0:.0f} s")

    def read(lo: int, hi: int) -> list[bytes]:
        return [leaf(i) for i in range(lo, hi)]

    root = merkle.Tree(read, dict(known)).root(n)
    rng = random.Random(2)
    times, sizes = [], []
    for _ in range(50):
        index = rng.randrange(n)
        t1 = time.perf_counter()
        tree = merkle.Tree(read, dict(known))  # cold: only the block cache, as prove starts
        path = tree.path(index, n)
        ok = merkle.verify_inclusion(index, n, leaf(index), path, root)
        times.append(time.perf_counter() - t1)
        sizes.append(
            len(json.dumps({"leaf_index": index, "tree_size": n, "path": [p.hex() for p in path]}))
        )
        assert ok
    print(
        f"prove at {n:,} leaves: median {statistics.median(times) * 1000:.1f} ms, "
        f"max {max(times) * 1000:.1f} ms; inclusion proof {max(sizes)} bytes ({len(path)} hashes)"
    )


def main() -> None:
    """Parse arguments and run."""
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--db")
    ap.add_argument("--synthetic", type=int, default=0)
    args = ap.parse_args()
    if args.db:
        on_database(args.db)
    if args.synthetic:
        synthetic(args.synthetic)


if __name__ == "__main__":
    main()
