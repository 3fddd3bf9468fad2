"""The chain's Merkle tree as stored: leaves from the tables, known subtrees reused.

Known subtree hashes come from the ``merkle_nodes`` cache and from the
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
    for span, digest in view.merkle_nodes().items():
        try:
            known[span] = bytes.fromhex(digest)
        except ValueError:
            continue  # a broken cache row: computed again from the leaves
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


def missing_nodes(view: View, size: int) -> list[tuple[int, int, str]]:
    """Every perfect subtree of at least a block below ``size`` not cached yet: (lo, size, hash)."""
    tree = tree_of(view)
    have = set(view.merkle_nodes())
    new: list[tuple[int, int, str]] = []
    span = merkle.BLOCK
    while span <= size:
        for lo in range(0, size - span + 1, span):
            if (lo, lo + span) in have or lo < tree.kept_from:
                continue  # purged leaves: only the frontier covers them
            new.append((lo, span, tree.subtree(lo, lo + span).hex()))
        span *= 2
    return new


def store_nodes(view: View, nodes: list[tuple[int, int, str]]) -> None:
    """Insert cached subtree hashes; rows another process stored first are kept."""
    for row in nodes:
        view.execute(
            "INSERT INTO merkle_nodes (lo, size, hash) VALUES (?, ?, ?) "
            "ON CONFLICT (lo, size) DO NOTHING",
            row,
        )
