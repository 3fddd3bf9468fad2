"""The chain's Merkle tree as stored: leaves from the tables, known subtrees reused.

Known subtree hashes come from the ``merkle_blocks`` cache and from the
frontier of the latest purge (the only hashes left of the purged prefix). A
wrong cached hash cannot make a forged record verify: it only makes a root
disagree with the signed one.
"""

from __future__ import annotations

from collections.abc import Sequence

from samtycke.errors import LedgerError
from samtycke.ledger import merkle
from samtycke.ledger.purge_entry import decode_purge
from samtycke.ledger.view import View


def known_subtrees(view: View) -> tuple[dict[tuple[int, int], bytes], int]:
    """Every subtree hash the ledger keeps, and the first leaf index not purged."""
    known: dict[tuple[int, int], bytes] = {}
    for block, digest in view.merkle_blocks().items():
        lo = block * merkle.BLOCK
        known[(lo, lo + merkle.BLOCK)] = bytes.fromhex(digest)
    purges = view.purges()
    kept_from = 0
    if purges:
        latest = max((decode_purge(p) for p in purges), key=lambda e: e.through_seq)
        kept_from = latest.through_seq
        for lo, hi, digest in latest.frontier:
            known[(lo, hi)] = bytes.fromhex(digest)
    return known, kept_from


def tree_of(view: View) -> merkle.Tree:
    """The Merkle tree over the chain as this view sees it."""
    known, kept_from = known_subtrees(view)

    def read(lo: int, hi: int) -> Sequence[bytes]:
        found = view.leaf_hashes(lo + 1, hi + 1)
        try:
            return [bytes.fromhex(found[seq]) for seq in range(lo + 1, hi + 1)]
        except KeyError as exc:
            raise LedgerError(f"chain entry {exc.args[0]} is missing from the ledger") from None
        except ValueError:
            raise LedgerError(f"a chain hash between seq {lo + 1} and {hi} is not hex") from None

    return merkle.Tree(read, known, kept_from)


def fill_blocks(view: View, size: int) -> int:
    """Cache the hash of every complete block below ``size`` not cached yet; how many."""
    tree = tree_of(view)
    have = view.merkle_blocks()
    added = 0
    for block in range(size // merkle.BLOCK):
        if block in have:
            continue
        lo = block * merkle.BLOCK
        if lo < tree.kept_from:  # purged leaves: only the frontier covers them
            continue
        digest = tree.subtree(lo, lo + merkle.BLOCK).hex()
        view.execute("INSERT INTO merkle_blocks (block, hash) VALUES (?, ?)", (block, digest))
        added += 1
    return added
