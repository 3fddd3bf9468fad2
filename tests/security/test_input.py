"""Whatever a client sends, the answer is a 4xx: deep JSON, slow bodies, odd bytes."""

from __future__ import annotations

import asyncio
import contextlib
from pathlib import Path

import httpx
import pytest
from uvicorn.protocols.http.httptools_impl import HttpToolsProtocol

from samtycke.server import ServerConfig
from samtycke.server.validation import MAX_DEPTH, json_depth
from tests import web
from tests.security.conftest import GuardedServer, consent_body


@pytest.mark.parametrize("depth", [MAX_DEPTH + 1, 980, 3000, 100_000])
@pytest.mark.parametrize("open_", ["[", '{"a":'])
def test_deeply_nested_json_is_400(guarded: GuardedServer, depth: int, open_: str) -> None:
    close = "]" if open_ == "[" else "}"
    raw = open_ * depth + "1" + close * depth
    for path in ("/v1/consents",):
        r = web.post(guarded.url + path, content=raw[:16_000] if depth > 5000 else raw)
        assert r.status_code in (400, 413), r.text
        assert "error" in r.json()
    assert web.get(guarded.url + "/healthz").status_code == 200


def test_deep_json_inside_a_field_is_400(guarded: GuardedServer) -> None:
    body = consent_body(guarded)
    raw = httpx.Request("POST", "/", json=body).content.decode()
    raw = raw.replace('"url":', '"url":' + "[" * 2000 + "]" * 2000 + ',"x":')
    r = web.post(guarded.url + "/v1/consents", content=raw)
    assert r.status_code == 400 and "nested" in r.json()["error"]


def test_depth_counts_brackets_outside_strings_only() -> None:
    assert json_depth(b'{"a": "[[[[{{{{\\"[[["}') == 1
    assert json_depth(b'[[{"a": [1]}]]') == 4
    assert json_depth(b"{}") == 1


def test_a_valid_consent_with_brackets_in_its_url_is_accepted(guarded: GuardedServer) -> None:
    url = "https://shop.example/" + "%5B" * 40 + "[" * 40
    r = web.post(guarded.url + "/v1/consents", json=consent_body(guarded, url=url))
    assert r.status_code == 201, r.text


_SLOW_BODY = (
    b"POST /v1/consents HTTP/1.1\r\nHost: shop.example\r\n"
    b"Content-Type: application/json\r\nContent-Length: 500\r\n\r\n{"
)


def _send_and_read(port: int, request: bytes, linger: float = 0.0) -> bytes:
    async def main() -> bytes:
        reader, writer = await asyncio.open_connection("127.0.0.1", port)
        writer.write(request)
        await writer.drain()
        got = await asyncio.wait_for(reader.read(4096), 20)
        if linger:  # anything the server sends after its answer
            with contextlib.suppress(TimeoutError):
                got += await asyncio.wait_for(reader.read(4096), linger)
        writer.close()
        return got

    return asyncio.run(main())


def test_a_body_that_never_finishes_is_408(
    guarded: GuardedServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr("samtycke.server.guard.GuardedProtocol.BODY_SECONDS", 0.15)
    assert _send_and_read(guarded.port, _SLOW_BODY).startswith(b"HTTP/1.1 408 ")


def test_a_body_that_never_finishes_is_408_on_another_server_too(
    shop: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Plain uvicorn has no body deadline: the consent fast path keeps its own.
    monkeypatch.setattr("samtycke.server.consents.BODY_SECONDS", 0.15)
    cfg = ServerConfig(declaration=shop, db=f"sqlite:///{tmp_path / 'l.db'}", rate=0, burst=0)
    with GuardedServer(cfg, HttpToolsProtocol) as live:
        got = _send_and_read(live.port, _SLOW_BODY)
    assert got.startswith(b"HTTP/1.1 408 ") and b"the body did not arrive within 0.15 s" in got


def test_an_answer_before_the_body_is_not_followed_by_a_408(
    guarded: GuardedServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr("samtycke.server.guard.GuardedProtocol.BODY_SECONDS", 0.1)
    too_big = _SLOW_BODY.replace(b"Content-Length: 500", b"Content-Length: 99999")
    got = _send_and_read(guarded.port, too_big, linger=0.4)  # four times the deadline
    assert got.startswith(b"HTTP/1.1 413 ") and b" 408 " not in got
