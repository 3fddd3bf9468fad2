"""Every acknowledged consent is stored: 64 concurrent clients, and kill -9 under load."""

from __future__ import annotations

import threading
import time
from pathlib import Path
from typing import Any

from samtycke.declaration import load_declaration
from samtycke.declaration.fingerprint import fingerprint
from samtycke.ledger import Ledger, verify_chain
from tests.server.conftest import write_site
from tests.server.process import ServeProcess, load


def body_for(declaration: Path) -> dict[str, Any]:
    """A valid decision for the test site."""
    decl = load_declaration(declaration)
    return {
        "site": decl.site.id,
        "revision": decl.site.revision,
        "fingerprint": fingerprint(decl),
        "language": "en",
        "method": "custom",
        "choices": {c: c != "marketing" for c in decl.category_ids},
        "url": "https://shop.example/",
    }


def stored(db: str, acked: list[str]) -> set[str]:
    """Which of ``acked`` the ledger holds; the chain must verify."""
    with Ledger(db, create=False) as led:
        verify_chain(led)
        ids = {r.decision.record_id for r in led.iter_records()}
    return ids & set(acked)


def test_64_clients_on_two_worker_processes_lose_nothing(db_url: str, tmp_path: Path) -> None:
    decl = write_site(tmp_path, "shop", "shop.example")
    server = ServeProcess(decl, db_url, workers=2).start()
    try:
        acked, failures = load(server.url, body_for(decl), clients=64, seconds=4)
    finally:
        server.stop()
    assert failures == 0
    assert len(acked) >= 64  # every client got answers (a real load, even on a busy machine)
    assert stored(db_url, acked) == set(acked)


def test_kill_9_under_load_keeps_every_acknowledged_consent(db_url: str, tmp_path: Path) -> None:
    decl = write_site(tmp_path, "shop", "shop.example")
    server = ServeProcess(decl, db_url).start()
    result: dict[str, Any] = {}

    def drive() -> None:
        result["acked"], result["failures"] = load(
            server.url, body_for(decl), clients=32, seconds=4
        )

    loader = threading.Thread(target=drive)
    loader.start()
    time.sleep(2)
    server.kill()  # mid-load: requests in flight are lost, never half-written
    loader.join()
    acked: list[str] = result["acked"]
    assert len(acked) > 50 and result["failures"] > 0  # it really died under load
    restarted = ServeProcess(decl, db_url).start()
    try:
        after, failures = load(restarted.url, body_for(decl), clients=4, seconds=0.5)
        assert failures == 0 and after
    finally:
        restarted.stop()
    assert stored(db_url, acked + after) == set(acked + after)
