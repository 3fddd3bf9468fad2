"""The group writer: committed records come back signed, made in the writer's thread."""

from __future__ import annotations

import asyncio
import json
import threading
from pathlib import Path

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from samtycke.errors import LedgerError
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


class _StuckLedger:
    """A ledger whose writes hang until let go, then store nothing."""

    def __init__(self) -> None:
        self.go = threading.Event()

    def append_each(self, decisions: list[object]) -> list[object]:
        self.go.wait(10)
        raise LedgerError("let go")


def test_a_decision_not_committed_in_time_fails_with_timeout_and_the_next_waits_anew() -> None:
    stuck = _StuckLedger()
    writer = GroupWriter(stuck, 8, wait=0.2)  # type: ignore[arg-type]
    writer.start()

    async def go() -> tuple[bool, list[object]]:
        first = asyncio.ensure_future(writer.submit(decision(1)))
        await asyncio.sleep(0.1)
        second = asyncio.ensure_future(writer.submit(decision(2)))
        await asyncio.wait([first])
        second_waits_on = not second.done()  # its own deadline, not the first's
        done = await asyncio.gather(first, second, return_exceptions=True)
        stuck.go.set()
        await asyncio.to_thread(writer.stop)  # its answers find the loop still running
        return second_waits_on, done

    try:
        second_waits_on, outcomes = asyncio.run(go())
    finally:
        stuck.go.set()
        writer.stop()
    assert second_waits_on
    assert [type(o) for o in outcomes] == [TimeoutError, TimeoutError]


def test_answered_decisions_leave_the_deadline_queue(tmp_path: Path) -> None:
    with open_ledger(f"sqlite:///{tmp_path / 'l.db'}") as led:
        writer = GroupWriter(led, 8, wait=30)
        writer.start()

        async def go() -> int:
            for i in range(40):
                await writer.submit(decision(i))
            (deadlines,) = writer._deadlines.values()
            return len(deadlines.waiting)

        try:
            held = asyncio.run(go())
        finally:
            writer.stop()
    assert held <= 1  # not the 40 answered ones, kept until their deadline
