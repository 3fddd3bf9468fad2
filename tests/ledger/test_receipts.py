"""Receipts written as text: the same object and bytes as serialising it field by field."""

from __future__ import annotations

import json
from pathlib import Path

from samtycke.ledger import Ledger
from samtycke.ledger.receipts import check_receipt, make_receipt, receipt_text
from samtycke.ledger.signing import SigningKey
from tests.ledger.conftest import decision


def test_the_receipt_text_is_the_compact_json_of_the_receipt(
    ledger: Ledger, tmp_path: Path
) -> None:
    key = SigningKey.load(tmp_path / "key.pem", create=True)
    rec = ledger.append(
        [decision(1, user_agent='Mozilla "quoted" \\ åäö ✓', url="https://shop.example/ö")]
    )[0]
    text = receipt_text(rec, key)
    expected = {
        "kind": "samtycke-receipt",
        "format": 1,
        "record": json.loads(rec.canonical()),
        "seq": rec.seq,
        "prev_hash": rec.prev_hash,
        "hash": rec.hash,
        "kid": key.public.kid,
        "public_key": key.public.jwk()["x"],
        "signature": key.sign(b"samtycke-receipt/1\n" + rec.hash.encode()),
    }
    assert text == json.dumps(expected, separators=(",", ":"))
    assert text.isascii()
    assert make_receipt(rec, key) == expected
    receipt, public = check_receipt(json.loads(text))
    assert receipt["record"]["user_agent"] == 'Mozilla "quoted" \\ åäö ✓'
    assert public == key.public
