"""Every acknowledged consent is stored: 64 concurrent clients, and kill -9 under load."""

from __future__ import annotations

import threading
from pathlib import Path
from typing import Any

import pytest

from samtycke.declaration import load_declaration
from samtycke.declaration.fingerprint import fingerprint
from samtycke.ledger import Ledger, verify_chain
from tests.server.conftest import write_site
from tests.server.process import Load, ServeProcess, load


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


@pytest.mark.load
def test_64_clients_on_two_worker_processes_lose_nothing(db_url: str, tmp_path: Path) -> None:
    decl = write_site(tmp_path, "shop", "shop.example")
    server = ServeProcess(decl, db_url, workers=2).start()
    try:
        acked, failures = load(server.url, body_for(decl), clients=64, each=4)
    finally:
        server.stop()
    assert failures == 0
    assert len(acked) == 64 * 4
    assert stored(db_url, acked) == set(acked)


@pytest.mark.load
def test_kill_9_under_load_keeps_every_acknowledged_consent(db_url: str, tmp_path: Path) -> None:
    decl = write_site(tmp_path, "shop", "shop.example")
    server = ServeProcess(decl, db_url).start()
    run = Load()
    loader = threading.Thread(
        target=load, args=(server.url, body_for(decl), 32), kwargs={"run": run}
    )
    loader.start()
    try:
        # Killed once it has answered 50 and is still being driven: under load, by count.
        assert run.wait_for(acked=50), "the server never answered 50 consents"
        server.kill()  # mid-load: requests in flight are lost, never half-written
        assert run.wait_for(acked=50, failures=1), "no request failed after kill -9"
    finally:
        run.stop.set()
        loader.join()
        server.kill()
    acked = list(run.acked)
    restarted = ServeProcess(decl, db_url).start()
    try:
        after, failures = load(restarted.url, body_for(decl), clients=4, each=5)
        assert failures == 0 and len(after) == 20
    finally:
        restarted.stop()
    assert stored(db_url, acked + after) == set(acked + after)
