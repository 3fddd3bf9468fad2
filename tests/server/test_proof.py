"""The server's proof side: signed receipts, the published key, health when writes fail."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import httpx
import psycopg
import pytest

from samtycke.ledger.receipts import check_receipt
from samtycke.ledger.signing import PublicKey
from samtycke.server import ServerConfig
from tests.server.conftest import LiveServer, consent_body


def test_the_201_body_carries_a_receipt_signed_with_the_published_key(
    server: LiveServer,
) -> None:
    r = httpx.post(server.url + "/v1/consents", json=consent_body(server))
    assert r.status_code == 201
    body = r.json()
    assert {"consent_id", "record_id", "recorded_at", "hash", "receipt"} <= set(body)
    receipt, key = check_receipt(body["receipt"])
    assert receipt["hash"] == body["hash"] and receipt["record"]["record_id"] == body["record_id"]
    keys = httpx.get(server.url + "/.well-known/samtycke-keys.json").json()["keys"]
    assert [PublicKey.from_text(k["x"]).raw for k in keys] == [key.raw]
    assert keys[0]["kid"] == receipt["kid"] and keys[0]["crv"] == "Ed25519"


def test_history_shows_source_and_refused_services(server: LiveServer) -> None:
    r = httpx.post(server.url + "/v1/consents", json=consent_body(server))
    cid = r.json()["consent_id"]
    [shown] = httpx.get(f"{server.url}/v1/consents/{cid}").json()["decisions"]
    assert shown["source"] == "banner" and shown["refused_services"] == []
    assert shown["format"] == 2 and "decision_id" in shown


@pytest.fixture
def pg_server(pg_url: str, sites_dir: Path) -> Iterator[tuple[LiveServer, str]]:
    config = ServerConfig(declaration=sites_dir, db=pg_url, rate=0, burst=0)
    with LiveServer(config) as live:
        yield live, pg_url


@pytest.mark.postgres
def test_healthz_is_503_while_the_ledger_cannot_write(pg_server: tuple[LiveServer, str]) -> None:
    live, url = pg_server
    name = url.rsplit("/", 1)[1]
    admin = url.rsplit("/", 1)[0] + "/postgres"
    assert httpx.get(live.url + "/healthz").status_code == 200

    def read_only(on: bool) -> None:
        with psycopg.connect(admin, autocommit=True) as conn:
            conn.execute(
                f'ALTER DATABASE "{name}" SET default_transaction_read_only = {"on" if on else "off"}'
            )
            conn.execute(
                "SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
                "WHERE datname = %s AND pid <> pg_backend_pid()",
                (name,),
            )

    read_only(True)
    try:
        r = httpx.post(live.url + "/v1/consents", json=consent_body(live))
        assert r.status_code == 503
        health = httpx.get(live.url + "/healthz")
        assert health.status_code == 503 and "read-only" in health.json()["error"]
    finally:
        read_only(False)
    # Healthy again before any consent arrives: a balancer sends none while it is 503.
    assert httpx.get(live.url + "/healthz").status_code == 200
    assert httpx.post(live.url + "/v1/consents", json=consent_body(live)).status_code == 201
