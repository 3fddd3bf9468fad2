"""The Merkle tree against RFC 9162's definitions, written out independently here."""

from __future__ import annotations

import hashlib

from hypothesis import given, settings
from hypothesis import strategies as st

from samtycke.ledger import merkle
from tests.profiles import examples


def ref_mth(leaves: list[bytes]) -> bytes:
    """RFC 9162 §2.1.1, literally."""
    if not leaves:
        return hashlib.sha256(b"").digest()
    if len(leaves) == 1:
        return hashlib.sha256(b"\x00" + leaves[0]).digest()
    k = 1
    while k * 2 < len(leaves):
        k *= 2
    return hashlib.sha256(b"\x01" + ref_mth(leaves[:k]) + ref_mth(leaves[k:])).digest()


def leaves(n: int) -> list[bytes]:
    return [hashlib.sha256(str(i).encode()).digest() for i in range(n)]


def tree(data: list[bytes], known: dict[tuple[int, int], bytes] | None = None) -> merkle.Tree:
    return merkle.Tree(lambda lo, hi: data[lo:hi], known or {})


@settings(max_examples=examples(60), deadline=None)
@given(st.integers(1, 140), st.data())
def test_roots_and_paths_match_the_rfc(n: int, draw: st.DataObject) -> None:
    data = leaves(n)
    root = ref_mth(data)
    assert tree(data).root(n) == root == merkle.root_of(data)
    index = draw.draw(st.integers(0, n - 1))
    path = tree(data).path(index, n)
    assert merkle.verify_inclusion(index, n, data[index], path, root)
    assert not merkle.verify_inclusion(index, n, b"\x01" * 32, path, root)
    if n > 1:
        assert not merkle.verify_inclusion((index + 1) % n, n, data[index], path, root)


def test_block_sized_trees_reuse_known_subtrees() -> None:
    n = merkle.BLOCK * 2 + 37
    data = leaves(n)
    root = ref_mth(data)
    assert tree(data).root(n) == root
    # A frontier stands in for purged leaves: nothing below it is read.
    cut = merkle.BLOCK + 300
    known = {(lo, hi): ref_mth(data[lo:hi]) for lo, hi in merkle.frontier(cut)}
    gone = [b"" if i < cut else x for i, x in enumerate(data)]
    t = merkle.Tree(lambda lo, hi: gone[lo:hi], known, cut)
    assert t.root(n) == root
    for index in (cut, cut + 1, n - 1):
        assert merkle.verify_inclusion(index, n, data[index], t.path(index, n), root)


def test_the_frontier_is_the_binary_decomposition() -> None:
    assert merkle.frontier(13) == [(0, 8), (8, 12), (12, 13)]
    assert merkle.frontier(0) == []
