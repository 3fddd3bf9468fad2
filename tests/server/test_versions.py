"""Consents for earlier declaration versions, and for versions another replica introduced."""

from __future__ import annotations

from pathlib import Path

import httpx

from samtycke.server import ServerConfig
from tests import web
from tests.server.conftest import LiveServer, consent_body, write_site


def replica(folder: Path, db: str, revision: int) -> LiveServer:
    """A server for site shop at ``revision`` on the shared ledger ``db``."""
    decl = write_site(folder / f"r{revision}", "shop", "shop.example", revision=revision)
    return LiveServer(ServerConfig(declaration=decl, db=db, rate=0, burst=0))


def post(server: LiveServer, body: dict[str, object]) -> httpx.Response:
    """POST a consent body."""
    return web.post(server.url + "/v1/consents", json=body)


def test_replicas_accept_each_others_versions_and_old_ones(tmp_path: Path) -> None:
    db = f"sqlite:///{tmp_path / 'shared.db'}"
    with replica(tmp_path, db, 1) as old, replica(tmp_path, db, 2) as new:
        v1 = consent_body(old)
        v2 = consent_body(new)
        assert v1["fingerprint"] != v2["fingerprint"]
        assert post(old, v2).status_code == 201  # found in the shared ledger
        assert post(new, v1).status_code == 201  # an earlier version, still valid
        wrong = post(new, {**v1, "revision": 2})
        assert wrong.status_code == 422 and wrong.json()["field"] == "revision"
        assert old.state.ledger.count() == 2


def test_a_made_up_fingerprint_is_looked_up_once(tmp_path: Path) -> None:
    db = f"sqlite:///{tmp_path / 'l.db'}"
    with replica(tmp_path, db, 1) as server:
        versions = server.state.versions
        calls: list[str] = []
        real = server.state.ledger.snapshot

        def counting(fp: str) -> object:
            calls.append(fp)
            return real(fp)

        server.state.ledger.snapshot = counting
        for _ in range(3):
            assert versions.get("shop", "e" * 64) is None
        assert calls == ["e" * 64]
