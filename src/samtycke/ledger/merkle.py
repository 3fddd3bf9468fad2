"""A Merkle tree over the chain, as RFC 9162 (Certificate Transparency 2.0) defines it.

Leaf ``i`` is the chain entry at ``seq = i + 1`` (a record or a purge entry);
its input is the entry's 32-byte chain hash. Hashing is domain-separated so a
leaf can never pass for an inner node::

    leaf  = sha256(0x00 || chain_hash)
    node  = sha256(0x01 || left || right)
    MTH(D[n]) splits at k, the largest power of two below n (RFC 9162 §2.1.1)

An inclusion proof is the audit path of §2.1.3: about log2(n) hashes, so a
third party can check that a receipt's record is under a signed root without
the database. Roots are computed from subtree hashes the caller already knows
(cached blocks of ``BLOCK`` leaves, the frontier a purge kept) plus leaves
read in ranges, so a proof at ten million records reads one block of leaves
and a few thousand cached hashes.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Sequence

BLOCK = 1024  # leaves per cached subtree; a power of two so blocks are tree nodes

LeafReader = Callable[[int, int], Sequence[bytes]]  # (lo, hi) → leaf inputs lo..hi-1


def leaf_hash(chain_hash: bytes) -> bytes:
    """RFC 9162 leaf hash of one chain entry's hash."""
    return hashlib.sha256(b"\x00" + chain_hash).digest()


def node_hash(left: bytes, right: bytes) -> bytes:
    """RFC 9162 interior node hash."""
    return hashlib.sha256(b"\x01" + left + right).digest()


def split(n: int) -> int:
    """The largest power of two smaller than ``n`` (n ≥ 2)."""
    return 1 << ((n - 1).bit_length() - 1)


def root_of(leaves: Sequence[bytes]) -> bytes:
    """MTH over leaf inputs held in memory (each already a chain hash)."""
    level = [leaf_hash(x) for x in leaves]
    return _mth(level, 0, len(level))


def _mth(hashed: Sequence[bytes], lo: int, hi: int) -> bytes:
    if hi - lo == 1:
        return hashed[lo]
    k = split(hi - lo)
    return node_hash(_mth(hashed, lo, lo + k), _mth(hashed, lo + k, hi))


def frontier(size: int) -> list[tuple[int, int]]:
    """The perfect subtrees covering leaves ``[0, size)``, largest first (a compact range)."""
    out, lo = [], 0
    for bit in reversed(range(size.bit_length())):
        if size >> bit & 1:
            out.append((lo, lo + (1 << bit)))
            lo += 1 << bit
    return out


class Tree:
    """Subtree hashes over leaves read on demand, reusing every hash it is given."""

    def __init__(
        self, read: LeafReader, known: dict[tuple[int, int], bytes], missing_below: int = 0
    ) -> None:
        self._read = read
        self.known = known
        # Leaves below this index were purged: only known subtree hashes cover them.
        self.kept_from = missing_below

    def subtree(self, lo: int, hi: int) -> bytes:
        """MTH of leaves ``[lo, hi)``."""
        got = self.known.get((lo, hi))
        if got is not None:
            return got
        if hi - lo <= BLOCK and lo >= self.kept_from:
            value = _mth([leaf_hash(x) for x in self._read(lo, hi)], 0, hi - lo)
        elif hi - lo == 1:
            value = leaf_hash(self._read(lo, hi)[0])
        else:
            k = split(hi - lo)
            value = node_hash(self.subtree(lo, lo + k), self.subtree(lo + k, hi))
        if hi - lo >= BLOCK:
            self.known[(lo, hi)] = value
        return value

    def root(self, size: int) -> bytes:
        """MTH of the first ``size`` leaves."""
        return self.subtree(0, size) if size else hashlib.sha256(b"").digest()

    def path(self, index: int, size: int) -> list[bytes]:
        """The audit path of leaf ``index`` in the tree of ``size`` leaves (RFC 9162 §2.1.3.1)."""
        out: list[bytes] = []
        lo, hi = 0, size
        while hi - lo > 1:
            k = split(hi - lo)
            if index < lo + k:
                out.append(self.subtree(lo + k, hi))
                hi = lo + k
            else:
                out.append(self.subtree(lo, lo + k))
                lo = lo + k
        out.reverse()  # leaf first, as the verification algorithm consumes it
        return out


def verify_inclusion(
    index: int, size: int, chain_hash: bytes, path: Sequence[bytes], root: bytes
) -> bool:
    """RFC 9162 §2.1.3.2: True when ``path`` proves leaf ``index`` under ``root``."""
    if not 0 <= index < size:
        return False
    fn, sn, r = index, size - 1, leaf_hash(chain_hash)
    for p in path:
        if sn == 0:
            return False
        if fn & 1 or fn == sn:
            r = node_hash(p, r)
            while not fn & 1 and fn != 0:
                fn >>= 1
                sn >>= 1
        else:
            r = node_hash(r, p)
        fn >>= 1
        sn >>= 1
    return sn == 0 and r == root
