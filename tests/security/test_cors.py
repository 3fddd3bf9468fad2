"""Only valid serialised origins on a served site's domains get CORS."""

from __future__ import annotations

from pathlib import Path

import httpx
import pytest

from samtycke.server.cors import origin_allowed, origin_host
from samtycke.server.sites import load_sites
from tests import web
from tests.security.conftest import GuardedServer, consent_body, write_site

HOSTILE = [
    "https://evil.com@shop.example",
    "https://shop.example@evil.com",
    "https://shop.example.",
    "https://www.shop.example./",
    "https://shop.example/path",
    "https://shop.example:99999999",
    "https://SHOP.EXAMPLE",
    "https://shop.example\n",
    "javascript://shop.example",
    "https://user:pw@shop.example",
    "https://shop.example?x",
    "null",
    "https://notshop.example",
    "https://shop.example.evil.com",
]


@pytest.mark.parametrize("origin", HOSTILE)
def test_hostile_origins_get_no_cors_and_cannot_write(guarded: GuardedServer, origin: str) -> None:
    pre = {"Origin": origin, "Access-Control-Request-Method": "POST"}
    try:
        preflight = web.options(guarded.url + "/v1/consents", headers=pre)
    except httpx.LocalProtocolError:
        return  # the client itself will not send it: neither would a browser
    assert preflight.status_code == 400
    assert "access-control-allow-origin" not in preflight.headers
    post = web.post(
        guarded.url + "/v1/consents", json=consent_body(guarded), headers={"Origin": origin}
    )
    assert post.status_code == 403
    assert "access-control-allow-origin" not in post.headers


@pytest.mark.parametrize(
    "origin", ["https://shop.example", "http://www.shop.example:8443", "https://a.b.shop.example"]
)
def test_origins_of_the_site_get_cors(guarded: GuardedServer, origin: str) -> None:
    pre = {"Origin": origin, "Access-Control-Request-Method": "POST"}
    preflight = web.options(guarded.url + "/v1/consents", headers=pre)
    assert preflight.status_code == 200
    assert preflight.headers["access-control-allow-origin"] == origin
    post = web.post(
        guarded.url + "/v1/consents", json=consent_body(guarded), headers={"Origin": origin}
    )
    assert post.status_code == 201
    assert post.headers["access-control-allow-origin"] == origin
    assert "Origin" in post.headers["vary"]


def test_the_origin_rule(tmp_path: Path) -> None:
    sites = load_sites(write_site(tmp_path, "shop", "shop.example")).values()
    assert origin_host("http://[::1]:8000") == "[::1]"
    assert origin_host("https://evil.com@shop.example") is None
    assert origin_allowed("http://127.0.0.1:8000", "127.0.0.1:8000", sites)  # same origin
    assert not origin_allowed("http://127.0.0.1:8000@x", "127.0.0.1:8000@x", sites)
    for origin in HOSTILE:
        assert not origin_allowed(origin, "consent.example.com", sites), origin


def test_the_consent_post_gets_the_cors_headers_of_every_other_route(
    guarded: GuardedServer,
) -> None:
    def cors(r: httpx.Response) -> dict[str, str]:
        return {
            k: v for k, v in r.headers.items() if k.startswith("access-control-") or k == "vary"
        }

    origin = {"Origin": "https://www.shop.example"}
    config = web.get(guarded.url + "/healthz", headers=origin)
    assert cors(config) == {
        "access-control-allow-origin": "https://www.shop.example",
        "vary": "Origin",
    }
    url = guarded.url + "/v1/consents"
    stored = web.post(url, json=consent_body(guarded), headers=origin)
    refused = web.post(url, json={"site": "shop"}, headers=origin)
    assert (stored.status_code, refused.status_code) == (201, 422)
    assert cors(stored) == cors(refused) == cors(config)
    assert cors(web.post(url, json=consent_body(guarded))) == {}  # no origin, no CORS
