"""The consent API against a live server: records, history, every refusal."""

from __future__ import annotations

from typing import Any

import httpx
import pytest
from hypothesis import given
from hypothesis import strategies as st

from samtycke.ledger import verify_chain
from tests import web
from tests.server.conftest import LiveServer, consent_body


def post(server: LiveServer, body: Any, **kw: Any) -> httpx.Response:
    """POST a body (dict as JSON, bytes as is) to /v1/consents."""
    if isinstance(body, bytes):
        return web.post(server.url + "/v1/consents", content=body, **kw)
    return web.post(server.url + "/v1/consents", json=body, **kw)


def test_a_decision_is_recorded_with_every_proof_field(server: LiveServer) -> None:
    r = post(server, consent_body(server), headers={"User-Agent": "pytest-ua"})
    assert r.status_code == 201
    receipt = r.json()
    assert len(receipt["consent_id"]) == 32 and len(receipt["record_id"]) == 32
    assert receipt["recorded_at"].endswith("Z")
    rec = server.state.ledger.record(receipt["record_id"])
    d = rec.decision
    assert d.site == "shop" and d.method == "custom" and d.language == "sv"
    assert dict(d.choices) == {
        "necessary": True,
        "functional": False,
        "analytics": True,
        "marketing": False,
    }
    assert d.url == "https://shop.example/pricing"  # no query, no fragment
    assert d.ip == "127.0.0.0"  # /24 by default
    assert d.user_agent is None  # off by default
    assert rec.hash == receipt["hash"]


def test_the_banners_consent_id_is_kept_and_history_is_append_only(server: LiveServer) -> None:
    cid = "ab" * 16
    first = post(
        server,
        consent_body(
            server,
            consent_id=cid,
            method="accept-all",
            choices={c: True for c in ("necessary", "functional", "analytics", "marketing")},
        ),
    )
    assert first.status_code == 201 and first.json()["consent_id"] == cid
    off = {"necessary": True, "functional": False, "analytics": False, "marketing": False}
    second = post(server, consent_body(server, consent_id=cid, method="withdraw", choices=off))
    assert second.status_code == 201
    history = web.get(f"{server.url}/v1/consents/{cid}").json()
    assert [d["method"] for d in history["decisions"]] == ["accept-all", "withdraw"]
    assert "ip" not in history["decisions"][0]
    verify_chain(server.state.ledger)


def choices(**changes: object) -> dict[str, object]:
    """A body change: all refused but necessary, then ``changes``."""
    base = {"necessary": True, "functional": False, "analytics": False, "marketing": False}
    return {"choices": {**base, **changes}}


@pytest.mark.parametrize(
    ("change", "status", "field"),
    [
        ({"site": "nope"}, 422, "site"),
        ({"site": 5}, 422, "site"),
        ({"consent_id": "XYZ"}, 422, "consent_id"),
        ({"consent_id": "AB" * 16}, 422, "consent_id"),
        ({"revision": "1"}, 422, "revision"),
        ({"revision": True}, 422, "revision"),
        ({"revision": 2}, 422, "revision"),
        ({"fingerprint": "0" * 64}, 422, "fingerprint"),
        ({"fingerprint": "short"}, 422, "fingerprint"),
        ({"language": "fr"}, 422, "language"),
        ({"method": "maybe"}, 422, "method"),
        ({"choices": []}, 422, "choices"),
        ({"choices": {"necessary": True}}, 422, "choices"),
        (choices(necessary=False), 422, "choices"),
        (choices(functional="yes"), 422, "choices"),
        (choices(spying=True), 422, "choices"),
        ({"method": "accept-all"}, 422, "choices"),
        ({"method": "reject-all"}, 422, "choices"),
        ({"url": "javascript:alert(1)"}, 422, "url"),
        ({"url": "https://x/\u0000"}, 422, "url"),
        ({"url": "https://x/" + "a" * 3000}, 422, "url"),
        ({"extra": 1}, 422, "extra"),
    ],
)
def test_bad_fields_are_refused_naming_the_field(
    server: LiveServer, change: dict[str, Any], status: int, field: str
) -> None:
    before = server.state.ledger.count()
    r = post(server, consent_body(server, **change))
    assert r.status_code == status, r.text
    assert r.json()["field"] == field and r.json()["error"]
    assert server.state.ledger.count() == before  # nothing half-written


def test_missing_fields_are_named(server: LiveServer) -> None:
    body = consent_body(server)
    del body["fingerprint"]
    r = post(server, body)
    assert r.status_code == 422 and r.json()["field"] == "fingerprint"


def test_another_sites_fingerprint_is_refused(server: LiveServer) -> None:
    blog = server.state.sites["blog"].fingerprint
    r = post(server, consent_body(server, fingerprint=blog))
    assert r.status_code == 422 and r.json()["field"] == "fingerprint"


@pytest.mark.parametrize(
    "raw", [b"", b"{", b"[1,2]", b'"text"', b"\xff\xfe", b'{"site": NaN', b"null"]
)
def test_malformed_bodies_are_400(server: LiveServer, raw: bytes) -> None:
    r = post(server, raw, headers={"Content-Type": "application/json"})
    assert r.status_code == 400 and "body" in r.json()["error"]


def test_bodies_over_16_kb_are_413(server: LiveServer) -> None:
    body = consent_body(server, url="https://shop.example/" + "a" * 17000)
    r = post(server, body)
    assert r.status_code == 413 and "16384" in r.json()["error"]

    def chunks() -> Any:  # no Content-Length: the limit holds while streaming
        for _ in range(40):
            yield b" " * 1024

    r = web.post(server.url + "/v1/consents", content=chunks())
    assert r.status_code == 413


def test_origins_of_other_sites_cannot_write(server: LiveServer) -> None:
    ok = post(server, consent_body(server), headers={"Origin": "https://www.shop.example:8443"})
    assert ok.status_code == 201
    assert ok.headers["access-control-allow-origin"] == "https://www.shop.example:8443"
    other = post(server, consent_body(server), headers={"Origin": "https://blog.example"})
    assert other.status_code == 403 and other.json()["field"] == "site"
    evil = post(server, consent_body(server), headers={"Origin": "https://evil.example"})
    assert evil.status_code == 403
    assert "access-control-allow-origin" not in evil.headers
    suffix = post(server, consent_body(server), headers={"Origin": "https://notshop.example"})
    assert suffix.status_code == 403


def test_preflight_only_for_declared_domains(server: LiveServer) -> None:
    pre = {"Access-Control-Request-Method": "POST"}
    good = web.options(
        server.url + "/v1/consents", headers={"Origin": "https://shop.example", **pre}
    )
    assert good.status_code == 200
    assert good.headers["access-control-allow-origin"] == "https://shop.example"
    assert "POST" in good.headers["access-control-allow-methods"]
    bad = web.options(
        server.url + "/v1/consents", headers={"Origin": "https://evil.example", **pre}
    )
    assert bad.status_code == 400 and "access-control-allow-origin" not in bad.headers


def test_history_refusals(server: LiveServer) -> None:
    assert web.get(f"{server.url}/v1/consents/nothex").status_code == 422
    missing = web.get(f"{server.url}/v1/consents/{'0' * 32}")
    assert missing.status_code == 404 and missing.json()["field"] == "consent_id"


def test_unknown_paths_and_methods_are_json(server: LiveServer) -> None:
    r = web.get(server.url + "/v2/whatever")
    assert r.status_code == 404 and r.json()["error"]
    r = web.put(server.url + "/v1/consents")
    assert r.status_code == 405 and r.json()["error"]


@given(st.text(max_size=80))
def test_a_stored_user_agent_keeps_only_its_printable_characters(text: str) -> None:
    from samtycke.server.consents import _clean

    cleaned = _clean(text)
    assert cleaned.isprintable()
    assert cleaned == "".join(ch for ch in text if ch.isprintable())
