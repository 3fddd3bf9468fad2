"""Proving one receipt: in the ledger unaltered, and under a signed Merkle root.

``prove`` with a database checks the receipt's record against the stored row
and builds the audit path to the newest anchor that covers it; the result is a
self-contained bundle (receipt, anchor, path) that anyone checks later with
:func:`check_bundle` and nothing else — no database, no samtycke server::

    {"kind": "samtycke-proof", "format": 1, "receipt": {...},
     "anchor": {"statement": {...}, "signature": "…"},
     "inclusion": {"leaf_index": seq - 1, "tree_size": N, "path": ["hex", …]}}
"""

from __future__ import annotations

import json
from typing import Any

from samtycke.errors import LedgerError, ProofError
from samtycke.ledger import merkle
from samtycke.ledger.anchors import Anchor, anchor_message
from samtycke.ledger.receipts import check_receipt
from samtycke.ledger.records import compact_json
from samtycke.ledger.signing import KeySet, PublicKey
from samtycke.ledger.tree import tree_of
from samtycke.ledger.view import View

PROOF_KIND = "samtycke-proof"


def check_stored(view: View, receipt: dict[str, Any]) -> None:
    """ProofError unless the ledger holds the receipt's record, unaltered, at its seq."""
    seq = receipt["seq"]
    found = view.records_where("seq = ?", (seq,))
    if not found:
        kept_from = min(
            (r[0] for r in view.rows("SELECT MIN(seq) FROM consent_records")), default=None
        )
        raise ProofError(
            f"record {seq} is not in the ledger (kept records start at seq {kept_from})"
        )
    rec = found[0]
    if rec.hash != receipt["hash"] or rec.canonical().decode() != _canonical(receipt):
        raise ProofError(f"record {seq} in the ledger differs from the receipt (altered)")


def _canonical(receipt: dict[str, Any]) -> str:
    return compact_json(receipt["record"])


def build_bundle(
    view: View, receipt: dict[str, Any], anchors: list[Anchor], trusted: KeySet | None = None
) -> dict[str, Any]:
    """The proof bundle of ``receipt`` against the newest anchor covering its seq."""
    seq = receipt["seq"]
    covering = [a for a in anchors if a.seq >= seq]
    if not covering:
        newest = anchors[-1].name if anchors else "none"
        raise ProofError(f"no anchor covers record {seq} yet (newest: {newest}); anchor first")
    anchor = covering[-1]
    path = tree_of(view).path(seq - 1, anchor.seq)
    bundle = {
        "kind": PROOF_KIND,
        "format": 1,
        "receipt": receipt,
        "anchor": {"statement": anchor.statement, "signature": _signature(anchor)},
        "inclusion": {
            "leaf_index": seq - 1,
            "tree_size": anchor.seq,
            "path": [p.hex() for p in path],
        },
    }
    check_bundle(bundle, trusted)
    return bundle


def _signature(anchor: Anchor) -> str:
    return str(json.loads(anchor.path.read_text(encoding="utf-8"))["signature"])


def check_bundle(bundle: object, trusted: KeySet | None = None) -> dict[str, Any]:
    """Check a proof bundle with nothing but its own content; returns the anchor statement.

    Without ``trusted`` the receipt and the anchor must be signed by one key;
    with it, each by a key of the set (one signed before a rotation, one after).
    """
    if not isinstance(bundle, dict) or bundle.get("kind") != PROOF_KIND:
        raise LedgerError('not a samtycke proof (no "kind": "samtycke-proof")')
    receipt, key = check_receipt(bundle.get("receipt"))
    try:
        statement = bundle["anchor"]["statement"]
        signature = bundle["anchor"]["signature"]
        inclusion = bundle["inclusion"]
        index, size = inclusion["leaf_index"], inclusion["tree_size"]
        path = [bytes.fromhex(p) for p in inclusion["path"]]
        root = bytes.fromhex(statement["root"])
        anchor_key = PublicKey.from_text(statement["public_key"])
    except (KeyError, TypeError, ValueError):
        raise LedgerError("the proof's anchor or inclusion part is malformed") from None
    if not anchor_key.verify(signature, anchor_message(statement)):
        raise ProofError("the proof's anchor: its signature does not verify")
    if trusted is not None:
        trusted.check(key, "the proof's receipt")
        trusted.check(anchor_key, "the proof's anchor")
    elif anchor_key.raw != key.raw:
        raise ProofError(
            "the receipt and the anchor are signed by different keys: after a key rotation, "
            "pass --keys with the server's key set (/.well-known/samtycke-keys.json)"
        )
    if index != receipt["seq"] - 1 or size != statement["tree_size"]:
        raise ProofError("the inclusion proof is for another leaf or another tree")
    if not merkle.verify_inclusion(index, size, bytes.fromhex(receipt["hash"]), path, root):
        raise ProofError(
            f"record {receipt['seq']} is not under the anchor's Merkle root (proof fails)"
        )
    return dict(statement)
