"""Whatever a client sends, the answer is a 4xx: deep JSON, slow bodies, odd bytes."""

from __future__ import annotations

import asyncio

import httpx
import pytest

from samtycke.server.validation import MAX_DEPTH, json_depth
from tests.security.conftest import GuardedServer, consent_body


@pytest.mark.parametrize("depth", [MAX_DEPTH + 1, 980, 3000, 100_000])
@pytest.mark.parametrize("open_", ["[", '{"a":'])
def test_deeply_nested_json_is_400(guarded: GuardedServer, depth: int, open_: str) -> None:
    close = "]" if open_ == "[" else "}"
    raw = open_ * depth + "1" + close * depth
    for path in ("/v1/consents",):
        r = httpx.post(guarded.url + path, content=raw[:16_000] if depth > 5000 else raw)
        assert r.status_code in (400, 413), r.text
        assert "error" in r.json()
    assert httpx.get(guarded.url + "/healthz").status_code == 200


def test_deep_json_inside_a_field_is_400(guarded: GuardedServer) -> None:
    body = consent_body(guarded)
    raw = httpx.Request("POST", "/", json=body).content.decode()
    raw = raw.replace('"url":', '"url":' + "[" * 2000 + "]" * 2000 + ',"x":')
    r = httpx.post(guarded.url + "/v1/consents", content=raw)
    assert r.status_code == 400 and "nested" in r.json()["error"]


def test_depth_counts_brackets_outside_strings_only() -> None:
    assert json_depth(b'{"a": "[[[[{{{{\\"[[["}') == 1
    assert json_depth(b'[[{"a": [1]}]]') == 4
    assert json_depth(b"{}") == 1


def test_a_valid_consent_with_brackets_in_its_url_is_accepted(guarded: GuardedServer) -> None:
    url = "https://shop.example/" + "%5B" * 40 + "[" * 40
    r = httpx.post(guarded.url + "/v1/consents", json=consent_body(guarded, url=url))
    assert r.status_code == 201, r.text


def test_a_body_that_never_finishes_is_408(
    guarded: GuardedServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr("samtycke.server.consents.BODY_SECONDS", 0.3)

    async def main() -> bytes:
        reader, writer = await asyncio.open_connection("127.0.0.1", guarded.port)
        writer.write(
            b"POST /v1/consents HTTP/1.1\r\nHost: shop.example\r\n"
            b"Content-Type: application/json\r\nContent-Length: 500\r\n\r\n{"
        )
        await writer.drain()
        got = await asyncio.wait_for(reader.read(4096), 20)
        writer.close()
        return got

    assert asyncio.run(main()).startswith(b"HTTP/1.1 408 ")
