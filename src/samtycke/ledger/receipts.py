"""Receipts: what the person's browser keeps to show later that their decision is stored.

A receipt is the record's canonical content (exactly the object whose compact
JSON the chain hashes), its place and links, and the server's Ed25519
signature over a domain-separated statement of the hash::

    {"kind": "samtycke-receipt", "format": 1, "record": {...}, "seq": 42,
     "prev_hash": "…", "hash": "…", "kid": "…", "public_key": "…", "signature": "…"}

    signed message = b"samtycke-receipt/1\\n" + hash (64 hex, ASCII)

Anyone can recompute ``hash = sha256(bytes.fromhex(prev_hash) || compact_json(record))``
and check the signature with the key published at
``/.well-known/samtycke-keys.json``. Inclusion in the ledger is shown with a
Merkle audit path against a signed anchor (``samtycke ledger prove``).
"""

from __future__ import annotations

import json
from typing import Any

from samtycke import ids
from samtycke.errors import LedgerError, ProofError
from samtycke.ledger.records import Record, compact_json, link_hash
from samtycke.ledger.signing import PublicKey, SigningKey

RECEIPT_KIND = "samtycke-receipt"


def receipt_message(digest: str) -> bytes:
    """What the server signs for a record with hash ``digest``."""
    return b"samtycke-receipt/1\n" + digest.encode()


def receipt_signature(rec: Record, key: SigningKey) -> str:
    """The server's signature of ``rec`` (over its hash), base64url."""
    return key.sign(receipt_message(rec.hash))


def receipt_text(rec: Record, key: SigningKey, signature: str | None = None) -> str:
    """The signed receipt of ``rec`` as compact JSON, in the order of the docstring above.

    The record's canonical bytes go in as they are (they are compact JSON
    already), so the receipt is not parsed and serialised again per consent;
    every other value is hex, base64url or a number and needs no escaping.
    ``signature`` is :func:`receipt_signature` when the caller made it already.
    """
    if signature is None:
        signature = receipt_signature(rec, key)
    return (
        f'{{"kind":"{RECEIPT_KIND}","format":1,"record":{rec.canonical().decode()},'
        f'"seq":{rec.seq},"prev_hash":"{rec.prev_hash}","hash":"{rec.hash}",'
        f'"kid":"{key.public.kid}","public_key":"{key.public.x}",'
        f'"signature":"{signature}"}}'
    )


def make_receipt(rec: Record, key: SigningKey) -> dict[str, Any]:
    """The signed receipt of ``rec`` as an object."""
    receipt: dict[str, Any] = json.loads(receipt_text(rec, key))
    return receipt


def check_receipt(receipt: object) -> tuple[dict[str, Any], PublicKey]:
    """Check a receipt on its own: shape, hash, signature; returns it and its key.

    LedgerError (exit 2) when it is not a receipt at all; ProofError (exit 1)
    when it is one but does not hold.
    """
    if not isinstance(receipt, dict) or receipt.get("kind") != RECEIPT_KIND:
        raise LedgerError('not a samtycke receipt (no "kind": "samtycke-receipt")')
    record = receipt.get("record")
    seq = receipt.get("seq")
    if not isinstance(record, dict) or type(seq) is not int or record.get("seq") != seq:
        raise LedgerError("the receipt has no record, or its seq does not match the record's")
    for name in ("prev_hash", "hash"):
        if not ids.is_hex64(receipt.get(name)):
            raise LedgerError(f"the receipt's {name} is not 64 hex digits")
    try:
        key = PublicKey.from_text(receipt.get("public_key"))  # type: ignore[arg-type]
    except ValueError:
        raise LedgerError("the receipt's public_key is not an Ed25519 key") from None
    digest = link_hash(receipt["prev_hash"], compact_json(record).encode())
    if digest != receipt["hash"]:
        raise ProofError(f"receipt of record {seq}: its record does not hash to its hash (altered)")
    signature = receipt.get("signature")
    if not isinstance(signature, str) or not key.verify(signature, receipt_message(digest)):
        raise ProofError(f"receipt of record {seq}: the server's signature does not verify")
    if receipt.get("kid") != key.kid:
        raise ProofError(f"receipt of record {seq}: its kid does not name its key")
    return receipt, key
