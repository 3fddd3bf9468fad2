"""The group writer: committed records come back signed, made in the writer's thread."""

from __future__ import annotations

import asyncio
import json
import threading
from pathlib import Path

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from samtycke.ledger import Record
from samtycke.ledger.receipts import check_receipt, receipt_message, receipt_signature, receipt_text
from samtycke.ledger.signing import SigningKey
from samtycke.server.writer import Committed, GroupWriter
from tests.ledger.conftest import decision, open_ledger


def _submit_all(writer: GroupWriter, n: int) -> list[Committed]:
    async def go() -> list[Committed]:
        return list(await asyncio.gather(*(writer.submit(decision(i)) for i in range(n))))

    return asyncio.run(go())


def test_each_committed_record_comes_back_with_its_signature_made_by_the_writer(
    tmp_path: Path,
) -> None:
    key = SigningKey(Ed25519PrivateKey.generate())
    threads: set[str] = set()

    def sign(rec: Record) -> str:
        threads.add(threading.current_thread().name)
        return receipt_signature(rec, key)

    with open_ledger(f"sqlite:///{tmp_path / 'l.db'}") as led:
        writer = GroupWriter(led, 8, sign)
        writer.start()
        try:
            done = _submit_all(writer, 20)
        finally:
            writer.stop()
    assert threads == {"samtycke-writer"}
    assert [c.record.seq for c in done] == list(range(1, 21))
    for c in done:
        rec, signature = c.record, c.signature
        assert key.public.verify(signature, receipt_message(rec.hash))
        receipt, _ = check_receipt(json.loads(receipt_text(rec, key, signature)))
        assert receipt["seq"] == rec.seq


def test_a_signer_that_fails_leaves_the_record_stored_and_unsigned(tmp_path: Path) -> None:
    def broken(rec: Record) -> str:
        raise RuntimeError("the key is gone")

    with open_ledger(f"sqlite:///{tmp_path / 'l.db'}") as led:
        writer = GroupWriter(led, 8, broken)
        writer.start()
        try:
            done = _submit_all(writer, 3)
        finally:
            writer.stop()
        assert led.count() == 3
    assert [c.signature for c in done] == [None, None, None]
