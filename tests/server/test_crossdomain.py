"""The shared-consent handshake's endpoints: lookup redirects only home, state reads the ledger."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from samtycke.ids import new_id
from samtycke.ledger import Decision
from samtycke.server import ServerConfig
from tests import web
from tests.e2e.test_shared_consent import DECLARATION
from tests.server.conftest import LiveServer, write_site

NONCE = "0f" * 16


@pytest.fixture
def live(tmp_path: Path, db_url: str) -> Iterator[LiveServer]:
    (tmp_path / "sites").mkdir()
    (tmp_path / "sites" / "shop.toml").write_text(DECLARATION, encoding="utf-8")
    write_site(tmp_path / "sites", "blog", "blog.example")
    config = ServerConfig(declaration=tmp_path / "sites", db=db_url, rate=0, burst=0)
    with LiveServer(config) as server:
        yield server


def lookup(live: LiveServer, back: str, nonce: str = NONCE, **kw: object) -> httpx.Response:
    params = {"return": back, "nonce": nonce}
    return web.get(f"{live.url}/v1/xd/shop/lookup", params=params, **kw)  # type: ignore[arg-type]


def test_lookup_gives_a_browser_one_id_and_sends_it_home(live: LiveServer) -> None:
    first = lookup(live, "http://b.localhost:8000/help?q=1#old")
    assert first.status_code == 303
    location = first.headers["location"]
    assert location.startswith("http://b.localhost:8000/help?q=1#samtycke-xd=")
    consent_id, nonce = location.split("=", 2)[2].split(".")
    assert nonce == NONCE and len(consent_id) == 32
    cookie = first.headers["set-cookie"]
    assert "HttpOnly" in cookie and "SameSite=lax" in cookie and "Path=/v1/xd" in cookie
    again = lookup(live, "http://a.localhost/", cookies={"samtycke_xd": consent_id})
    assert again.headers["location"] == f"http://a.localhost/#samtycke-xd={consent_id}.{NONCE}"


@pytest.mark.parametrize(
    "back",
    [
        "https://evil.example/",
        "http://a.localhost.evil.example/",
        "javascript:alert(1)//a.localhost",
        "//a.localhost/",
        "http://evil.example\\@a.localhost/",
        "",
    ],
)
def test_lookup_never_redirects_elsewhere(live: LiveServer, back: str) -> None:
    r = lookup(live, back)
    assert r.status_code == 400 and "location" not in r.headers
    assert r.json()["field"] == "return"


def test_lookup_needs_a_nonce_and_a_sharing_site(live: LiveServer) -> None:
    assert lookup(live, "http://a.localhost/", nonce="short").status_code == 400
    r = web.get(f"{live.url}/v1/xd/blog/lookup", params={"return": "http://blog.example/"})
    assert r.status_code == 404


def test_state_is_the_latest_decision_of_the_site(live: LiveServer) -> None:
    site = live.state.sites["shop"]
    cid = "12" * 16
    empty = web.get(f"{live.url}/v1/xd/shop/state/{cid}")
    assert empty.status_code == 200 and empty.json() == {"consent_id": cid, "consent": None}

    def decision(method: str, analytics: bool) -> Decision:
        return Decision(
            record_id=new_id(),
            consent_id=cid,
            site="shop",
            revision=1,
            fingerprint=site.fingerprint,
            language="en",
            method=method,
            choices={"necessary": True, "analytics": analytics},
            url="http://a.localhost/",
        )

    live.state.ledger.append([decision("accept-all", True), decision("withdraw", False)])
    r = web.get(f"{live.url}/v1/xd/shop/state/{cid}", headers={"Origin": "http://b.localhost"})
    consent = r.json()["consent"]
    assert consent["method"] == "withdraw" and consent["categories"] == ["necessary"]
    assert consent["revision"] == 1 and consent["timestamp"] > 0
    assert r.headers["access-control-allow-origin"] == "http://b.localhost"
    assert web.get(f"{live.url}/v1/xd/shop/state/nothex").status_code == 422
