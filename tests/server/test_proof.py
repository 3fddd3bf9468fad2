"""The server's proof side: signed receipts, the published key, health when writes fail."""

from __future__ import annotations

import json
import os
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from samtycke.ledger.receipts import check_receipt
from samtycke.ledger.signing import PublicKey
from samtycke.server import ServerConfig
from tests import web
from tests.server.conftest import LiveServer, consent_body


def test_the_201_body_carries_a_receipt_signed_with_the_published_key(
    server: LiveServer,
) -> None:
    r = web.post(server.url + "/v1/consents", json=consent_body(server))
    assert r.status_code == 201
    body = r.json()
    assert list(body) == ["consent_id", "record_id", "recorded_at", "hash", "receipt"]
    assert r.content == json.dumps(body, separators=(",", ":")).encode()  # compact JSON
    receipt, key = check_receipt(body["receipt"])
    assert receipt["hash"] == body["hash"] and receipt["record"]["record_id"] == body["record_id"]
    keys = web.get(server.url + "/.well-known/samtycke-keys.json").json()["keys"]
    assert [PublicKey.from_text(k["x"]).raw for k in keys] == [key.raw]
    assert keys[0]["kid"] == receipt["kid"] and keys[0]["crv"] == "Ed25519"


def test_history_shows_source_and_refused_services(server: LiveServer) -> None:
    r = web.post(server.url + "/v1/consents", json=consent_body(server))
    cid = r.json()["consent_id"]
    [shown] = web.get(f"{server.url}/v1/consents/{cid}").json()["decisions"]
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
    assert web.get(live.url + "/healthz").status_code == 200

    import psycopg  # here: the quick run, without PostgreSQL, never loads it

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
        r = web.post(live.url + "/v1/consents", json=consent_body(live))
        assert r.status_code == 503
        health = web.get(live.url + "/healthz")
        assert health.status_code == 503 and "read-only" in health.json()["error"]
    finally:
        read_only(False)
    # Healthy again before any consent arrives: a balancer sends none while it is 503.
    assert web.get(live.url + "/healthz").status_code == 200
    assert web.post(live.url + "/v1/consents", json=consent_body(live)).status_code == 201


@pytest.mark.load
def test_kill_9_while_a_client_retries_the_same_bodies(db_url: str, tmp_path: Path) -> None:
    """Nothing lost, nothing twice: each retried body returns its original receipt."""
    import secrets
    import threading

    from samtycke.ledger import Ledger, verify_chain
    from tests.server.conftest import write_site
    from tests.server.process import ServeProcess
    from tests.server.test_reliability import body_for

    decl = write_site(tmp_path, "shop", "shop.example")
    base = body_for(decl)
    bodies = [base | {"decision_id": secrets.token_hex(16)} for _ in range(60)]
    first: dict[str, dict[str, str]] = {}
    server = ServeProcess(decl, db_url).start()
    stop = threading.Event()

    def send() -> None:  # the banner: keeps sending until the server is gone
        for body in bodies:
            if stop.is_set():
                return
            try:
                r = web.post(server.url + "/v1/consents", json=body, timeout=10)
            except httpx.HTTPError:
                return
            if r.status_code == 201:
                first[body["decision_id"]] = r.json()

    sender = threading.Thread(target=send)
    sender.start()
    try:
        while len(first) < 20 and sender.is_alive():
            stop.wait(0.01)
        server.kill()  # mid-stream, by count
    finally:
        stop.set()
        sender.join()
        server.kill()
    assert 20 <= len(first) < 60
    again = ServeProcess(decl, db_url).start()
    try:  # the banner retries every body it has not seen answered, and some it has
        answers = {}
        for body in bodies:
            r = web.post(again.url + "/v1/consents", json=body, timeout=10)
            assert r.status_code == 201, r.text
            answers[body["decision_id"]] = r.json()
    finally:
        again.stop()
    for did, original in first.items():
        assert answers[did] == original  # same record, same signed receipt
    with Ledger(db_url) as led:
        verify_chain(led)
        stored = [r.decision.decision_id for r in led.iter_records()]
    assert sorted(stored) == sorted(b["decision_id"] for b in bodies)


def test_serve_anchors_on_a_schedule_when_told_where(
    sites_dir: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from samtycke.ledger import Ledger, verify_chain
    from samtycke.ledger.anchors import check_anchors, load_anchors

    folder = tmp_path / "anchors"
    monkeypatch.setenv("SAMTYCKE_ANCHORS", str(folder))
    monkeypatch.setenv("SAMTYCKE_ANCHOR_EVERY", "3600")
    monkeypatch.setenv("SAMTYCKE_SIGNING_KEY", str(tmp_path / "key.pem"))
    db = f"sqlite:///{tmp_path / 'l.db'}"
    config = ServerConfig(declaration=sites_dir, db=db, rate=0, burst=0)
    with LiveServer(config) as live:
        assert web.post(live.url + "/v1/consents", json=consent_body(live)).status_code == 201
        anchorer = live.state.anchorer
        assert anchorer is not None
        assert anchorer.anchor_now() is True  # what each scheduled round does
        assert anchorer.anchor_now() is False  # nothing new: no second anchor
        key_id = live.state.signing_key.public.kid
    [anchor] = load_anchors(folder)
    assert anchor.seq == 1 and anchor.key.kid == key_id
    with Ledger(db) as led:
        verify_chain(led, also=lambda view, v: check_anchors(view, v, [anchor]))


def test_a_bad_anchor_interval_is_one_line(monkeypatch: pytest.MonkeyPatch) -> None:
    from samtycke.server.config import ConfigError
    from samtycke.server.proof import settings_from_env

    with pytest.raises(ConfigError, match="SAMTYCKE_ANCHOR_EVERY has value 'often'"):
        settings_from_env({"SAMTYCKE_ANCHOR_EVERY": "often"}, "sqlite:///x.db")


def test_processes_on_one_ledger_anchor_each_round_once(db_url: str, tmp_path: Path) -> None:
    from samtycke.ledger import Ledger
    from samtycke.ledger.anchors import load_anchors
    from samtycke.ledger.store import now_us
    from samtycke.server.proof import Anchorer, ProofSettings, load_key
    from tests.ledger.conftest import decision, open_ledger

    folder = tmp_path / "anchors"
    settings = ProofSettings(key_file=tmp_path / "key.pem", anchors=folder, anchor_every=60)
    key = load_key(settings)
    minute, t = 60_000_000, now_us()
    with open_ledger(db_url) as one, Ledger(db_url) as two:  # two processes' connections
        first, second = Anchorer(one, key, settings), Anchorer(two, key, settings)
        one.append([decision(0)])
        assert first.anchor_now(t) is True
        two.append([decision(1)])
        assert second.anchor_now(t + 70_000) is False  # its turn in a round already taken
        assert first.anchor_now(t + minute) is True  # the next round: the chain has moved
        assert second.anchor_now(t + minute + 70_000) is False
        assert second.anchor_now(t + 2 * minute) is False  # a round, but nothing new
        restarted = Anchorer(two, key, settings)
        assert restarted.anchor_now(t + 3 * minute) is False  # the ledger remembers
    assert [a.seq for a in load_anchors(folder)] == [1, 2]


def test_an_empty_chain_is_not_anchored(tmp_path: Path) -> None:
    from samtycke.ledger.store import now_us
    from samtycke.server.proof import Anchorer, ProofSettings, load_key
    from tests.ledger.conftest import open_ledger

    settings = ProofSettings(tmp_path / "key.pem", anchors=tmp_path / "a", anchor_every=60)
    with open_ledger(f"sqlite:///{tmp_path / 'l.db'}") as led:
        assert Anchorer(led, load_key(settings), settings).anchor_now(now_us()) is False
    assert not (tmp_path / "a").exists() or not any((tmp_path / "a").iterdir())


def test_a_round_that_fails_leaves_the_next_round_to_try_again(tmp_path: Path) -> None:
    from samtycke.errors import LedgerError
    from samtycke.ledger.anchors import load_anchors
    from samtycke.ledger.runs import last_runs
    from samtycke.ledger.store import now_us
    from samtycke.server.proof import Anchorer, ProofSettings, load_key
    from tests.ledger.conftest import decision, open_ledger

    blocked = tmp_path / "mount"
    blocked.write_text("not mounted yet\n", encoding="utf-8")
    settings = ProofSettings(tmp_path / "key.pem", anchors=blocked / "anchors", anchor_every=60)
    anchorer_key = load_key(settings)
    t = now_us()
    with open_ledger(f"sqlite:///{tmp_path / 'l.db'}") as led:
        led.append([decision(0)])
        anchorer = Anchorer(led, anchorer_key, settings)
        with pytest.raises(LedgerError, match="cannot write the anchor"):
            anchorer.anchor_now(t)
        assert not last_runs(led.engine)["anchor"].ok
        blocked.unlink()
        assert anchorer.anchor_now(t + 60_000_000) is True
        assert last_runs(led.engine)["anchor"].ok
    assert [a.seq for a in load_anchors(blocked / "anchors")] == [1]


def test_two_worker_processes_write_one_anchor_per_head(tmp_path: Path) -> None:
    import time

    from samtycke.ledger.anchors import load_anchors
    from tests.server.conftest import write_site
    from tests.server.process import ServeProcess
    from tests.server.test_reliability import body_for

    decl = write_site(tmp_path, "shop", "shop.example")
    folder = tmp_path / "anchors"
    env = {
        "SAMTYCKE_ANCHORS": str(folder),
        "SAMTYCKE_ANCHOR_EVERY": "1",
        "SAMTYCKE_SIGNING_KEY": str(tmp_path / "key.pem"),
    }
    server = ServeProcess(decl, f"sqlite:///{tmp_path / 'l.db'}", workers=2, env=env).start()
    try:
        assert web.post(server.url + "/v1/consents", json=body_for(decl)).status_code == 201
        deadline = time.monotonic() + 30
        while not list(folder.glob("anchor-000000000001-*.json")):
            assert time.monotonic() < deadline, "no anchor of the first record in 30 s"
            time.sleep(0.05)
        # Each worker has its round every second, the second worker's a few
        # hundredths after the first's: within 0.6 s both have had theirs (on a
        # slower machine the check may see less, never more).
        time.sleep(0.6)
    finally:
        server.stop()
    assert [a.seq for a in load_anchors(folder)] == [1]


def test_an_unforeseen_error_does_not_end_the_schedule(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    import threading

    from samtycke.server.proof import Anchorer, ProofSettings, load_key
    from tests.ledger.conftest import open_ledger

    settings = ProofSettings(tmp_path / "key.pem", anchors=tmp_path / "a", anchor_every=0.01)
    rounds: list[int | None] = []
    again = threading.Event()

    class Flaky(Anchorer):
        def anchor_now(self, at_us: int | None = None) -> bool:
            rounds.append(at_us)
            if len(rounds) == 1:
                raise RuntimeError("something nobody foresaw")
            again.set()
            return False

    with open_ledger(f"sqlite:///{tmp_path / 'l.db'}") as led:
        anchorer = Flaky(led, load_key(settings), settings)
        anchorer.start()
        try:
            assert again.wait(20), "the schedule ended with the first error"
        finally:
            anchorer.stop()
    assert "scheduled anchor failed" in caplog.text and "something nobody foresaw" in caplog.text


def test_the_key_set_publishes_retired_keys_after_the_signing_key(
    sites_dir: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from samtycke.ledger.signing import KeySet, SigningKey

    old = SigningKey.load(tmp_path / "old.pem", create=True).public
    monkeypatch.setenv("SAMTYCKE_SIGNING_KEY", str(tmp_path / "new.pem"))
    monkeypatch.setenv("SAMTYCKE_RETIRED_KEYS", f" {old.x} ")
    config = ServerConfig(declaration=sites_dir, db=f"sqlite:///{tmp_path / 'l.db'}")
    with LiveServer(config) as live:
        published = web.get(live.url + "/.well-known/samtycke-keys.json").json()
        current = live.state.signing_key.public
    assert [k["kid"] for k in published["keys"]] == [current.kid, old.kid]
    saved = tmp_path / "keys.json"
    saved.write_text(json.dumps(published), encoding="utf-8")
    assert KeySet.read(saved).keys == (current, old)


def test_a_retired_key_that_is_no_key_is_one_line() -> None:
    from samtycke.server.config import ConfigError
    from samtycke.server.proof import settings_from_env

    env = {"SAMTYCKE_RETIRED_KEYS": "tXrM6i1Zb7m0nL0qXg0fRk3nq0m8U5q1Gk7o2yQpWc4,old.pem"}
    with pytest.raises(ConfigError, match=r"SAMTYCKE_RETIRED_KEYS has value 'old\.pem'"):
        settings_from_env(env, "sqlite:///x.db")


def test_every_server_on_one_ledger_signs_with_its_key(tmp_path: Path) -> None:
    # Replicas that each made their own key would hand out receipts the key set
    # of the next replica does not hold; one with another key refuses to start.
    from samtycke.ledger import Ledger
    from samtycke.ledger.runs import set_signing_key
    from samtycke.ledger.signing import SigningKey
    from samtycke.server.config import ConfigError
    from samtycke.server.proof import check_ledger_key

    first = SigningKey.load(tmp_path / "first.pem", create=True).public
    second = SigningKey.load(tmp_path / "second.pem", create=True).public
    with Ledger(f"sqlite:///{tmp_path / 'l.db'}", migrate=True) as led:
        check_ledger_key(led.engine, first, ())
        check_ledger_key(led.engine, first, ())  # the same key again: a restart
        with pytest.raises(ConfigError) as other:
            check_ledger_key(led.engine, second, ())
        assert f"signing key {second.kid} is not the ledger's ({first.kid}" in str(other.value)
        assert f"SAMTYCKE_RETIRED_KEYS={first.x}" in str(other.value)
        check_ledger_key(led.engine, second, (first,))  # a declared rotation
        with pytest.raises(ConfigError, match=f"signing key {first.kid} is not the ledger's"):
            check_ledger_key(led.engine, first, ())  # a replica left on the old key
        set_signing_key(led.engine, "not a key")  # what a database administrator wrote
        with pytest.raises(ConfigError, match=r"is not the ledger's \(unreadable, "):
            check_ledger_key(led.engine, second, ())


@pytest.mark.skipif(os.geteuid() == 0, reason="root can write into read-only folders")
def test_an_anchors_folder_this_user_cannot_write_is_refused(tmp_path: Path) -> None:
    from samtycke.server.config import ConfigError
    from samtycke.server.proof import ProofSettings, open_proof

    folder = tmp_path / "anchors"
    folder.mkdir()
    folder.chmod(0o555)
    try:
        with pytest.raises(ConfigError, match="is not writable by this user"):
            open_proof(ProofSettings(tmp_path / "key.pem", anchors=folder))
    finally:
        folder.chmod(0o755)
