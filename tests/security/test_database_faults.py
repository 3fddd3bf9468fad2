"""A database that stops answering: 503 within a bound, never 500, the rest keeps serving."""

from __future__ import annotations

import asyncio
import contextlib
import errno
import secrets
import subprocess
from collections.abc import Iterator
from pathlib import Path

import pytest

from samtycke.ledger import Ledger, verify_chain
from samtycke.server import ServerConfig
from samtycke.server.config import with_database_timeouts
from tests import web
from tests.security.blackhole import Blackhole
from tests.security.conftest import GuardedServer, consent_body

BOUND = 30.0  # the client's patience: far above the server's own bound


@pytest.fixture
def behind_blackhole(
    shop: Path, pg_url: str, monkeypatch: pytest.MonkeyPatch
) -> Iterator[tuple[GuardedServer, Blackhole]]:
    """A server whose PostgreSQL is reached through a proxy that can go silent."""
    monkeypatch.setattr("samtycke.server.errors.LEDGER_SECONDS", 1.0)
    host_port, _ = pg_url.rsplit("@", 1)[1].split("/", 1)
    host, port = host_port.split(":")
    with Blackhole((host, int(port))) as hole:
        url = pg_url.replace(host_port, f"127.0.0.1:{hole.port}")
        cfg = ServerConfig(declaration=shop, db=url, rate=0, burst=0)
        with GuardedServer(cfg) as live:
            yield live, hole
            hole.silent.clear()  # let the server shut down cleanly


@pytest.mark.postgres
def test_a_silent_database_is_503_and_other_routes_keep_answering(
    behind_blackhole: tuple[GuardedServer, Blackhole],
) -> None:
    live, hole = behind_blackhole
    body = consent_body(live)
    assert web.post(live.url + "/v1/consents", json=body).status_code == 201
    hole.silent.set()

    async def main() -> tuple[list[int], int]:
        async with web.async_client(timeout=BOUND) as client:
            posts = client.post(live.url + "/v1/consents", json=body)
            health = client.get(live.url + "/healthz")
            history = client.get(live.url + f"/v1/consents/{secrets.token_hex(16)}")
            many = await asyncio.gather(posts, health, history)
            # While those wait on the database, the server still serves what needs none.
            other = await client.get(live.url + "/openapi.json")
        return [r.status_code for r in many], other.status_code

    statuses, other = asyncio.run(main())
    assert statuses == [503, 503, 503]
    assert other == 200
    hole.silent.clear()
    assert web.post(live.url + "/v1/consents", json=body, timeout=BOUND).status_code == 201


@pytest.mark.postgres
def test_an_unknown_fingerprint_while_the_database_is_silent_is_not_500(
    behind_blackhole: tuple[GuardedServer, Blackhole],
) -> None:
    live, hole = behind_blackhole
    hole.silent.set()

    async def main() -> tuple[int, int]:
        async with web.async_client(timeout=BOUND) as client:
            unknown = consent_body(live, fingerprint=secrets.token_hex(32))
            post = asyncio.ensure_future(client.post(live.url + "/v1/consents", json=unknown))
            await asyncio.sleep(0)  # the POST is on its way; the loop must stay free
            other = await client.get(live.url + "/openapi.json", timeout=5)
            return (await post).status_code, other.status_code

    post, other = asyncio.run(main())
    assert post == 503  # the ledger cannot say whether the fingerprint exists
    assert other == 200


def test_postgres_sessions_get_statement_and_idle_transaction_limits() -> None:
    url = with_database_timeouts("postgresql://u@db/samtycke")
    assert "statement_timeout" in url and "idle_in_transaction_session_timeout" in url
    own = "postgresql://u@db/samtycke?options=-c%20statement_timeout%3D100"
    assert with_database_timeouts(own) == own
    assert with_database_timeouts("sqlite:///x.db") == "sqlite:///x.db"


@contextlib.contextmanager
def small_disk(folder: Path, size: str) -> Iterator[Path]:
    """A tmpfs of ``size`` mounted on ``folder`` (skips when mounting is not permitted)."""
    folder.mkdir()
    done = subprocess.run(
        ["mount", "-t", "tmpfs", "-o", f"size={size}", "tmpfs", str(folder)],
        capture_output=True,
        text=True,
        check=False,
    )
    if done.returncode != 0:
        pytest.skip(
            f"cannot mount a tmpfs for the full-disk test (needs root): {done.stderr.strip()}"
        )
    try:
        yield folder
    finally:
        if subprocess.run(["umount", str(folder)], check=False).returncode != 0:
            subprocess.run(["umount", "-l", str(folder)], check=False)


def fill(path: Path) -> None:
    """Write ``path`` until its filesystem has not one more byte."""
    with path.open("wb", buffering=0) as out:
        for chunk in (1 << 20, 4096, 1):
            try:
                while True:
                    out.write(b"\0" * chunk)
            except OSError as exc:
                assert exc.errno == errno.ENOSPC, exc


def test_a_full_disk_is_503_never_500_and_both_recover(shop: Path, tmp_path: Path) -> None:
    with small_disk(tmp_path / "disk", "96m") as disk:
        url = f"sqlite:///{disk / 'ledger.db'}"
        with GuardedServer(ServerConfig(declaration=shop, db=url, rate=0, burst=0)) as live:
            body = consent_body(live)
            assert web.get(live.url + "/healthz").status_code == 200
            assert web.post(live.url + "/v1/consents", json=body).status_code == 201
            fill(disk / "filler")
            health = web.get(live.url + "/healthz", timeout=BOUND)
            assert health.status_code == 503 and "full" in health.json()["error"], health.text
            for _ in range(3):  # each refused whole, the writer's retries included
                post = web.post(live.url + "/v1/consents", json=body, timeout=BOUND)
                assert post.status_code == 503, post.text
            assert web.get(live.url + "/healthz", timeout=BOUND).status_code == 503
            (disk / "filler").unlink()
            assert web.get(live.url + "/healthz", timeout=BOUND).status_code == 200
            post = web.post(live.url + "/v1/consents", json=body, timeout=BOUND)
            assert post.status_code == 201, post.text
        with Ledger(url) as led:  # nothing half-written: two records, one clean chain
            assert verify_chain(led).records == 2
