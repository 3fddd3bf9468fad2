"""Banner, config, policy pages, GPC, health and several sites from one server."""

from __future__ import annotations

import httpx

from tests import web
from tests.server.conftest import LiveServer


def get(server: LiveServer, path: str, **kw: object) -> httpx.Response:
    """GET a path of the live server."""
    return web.get(server.url + path, **kw)  # type: ignore[arg-type]


def test_site_config_carries_revision_fingerprint_and_endpoint(server: LiveServer) -> None:
    for sid in ("shop", "blog"):
        r = get(server, f"/v1/sites/{sid}")
        assert r.status_code == 200
        cfg = r.json()
        assert cfg["revision"] == 1
        assert cfg["fingerprint"] == server.state.sites[sid].fingerprint
        assert cfg["endpoint"] == server.url + "/v1/consents"
        assert cfg["policy_url"] == f"{server.url}/v1/sites/{sid}/cookies/{{lang}}"
    assert get(server, "/v1/sites/nope").status_code == 404


def test_banner_script_per_site_and_by_host(server: LiveServer) -> None:
    shop = get(server, "/v1/sites/shop/samtycke.js")
    assert shop.status_code == 200 and "javascript" in shop.headers["content-type"]
    assert server.state.sites["shop"].fingerprint in shop.text
    by_host = get(server, "/samtycke.js", headers={"Host": "www.blog.example"})
    assert server.state.sites["blog"].fingerprint in by_host.text
    by_query = get(server, "/samtycke.js?site=shop")
    assert by_query.text == shop.text
    unknown = get(server, "/samtycke.js")  # 127.0.0.1 is neither site's domain
    assert unknown.status_code == 404 and unknown.json()["field"] == "site"
    etag = shop.headers["etag"]
    assert (
        get(server, "/v1/sites/shop/samtycke.js", headers={"If-None-Match": etag}).status_code
        == 304
    )


def test_policy_pages_and_language_negotiation(server: LiveServer) -> None:
    r = get(server, "/v1/sites/shop/cookies/en")
    assert r.status_code == 200 and "text/html" in r.headers["content-type"]
    assert "_ga" in r.text and "Counts visits." in r.text
    sv = get(server, "/v1/sites/shop/cookies/sv")
    assert "Räknar besök." in sv.text
    assert get(server, "/v1/sites/shop/cookies/fr").status_code == 404
    for header, lang in [
        ("en-GB,en;q=0.9", "en"),
        ("de, sv;q=0.5", "sv"),
        ("fr", "sv"),
        ("", "sv"),
    ]:
        r = get(server, "/cookies", headers={"Host": "shop.example", "Accept-Language": header})
        assert r.status_code == 307 and r.headers["location"] == f"/cookies/{lang}"
        assert "Accept-Language" in r.headers["vary"]
    q = get(server, "/v1/sites/blog/cookies", headers={"Accept-Language": "en"})
    assert q.headers["location"] == "/v1/sites/blog/cookies/en"


def test_gpc_health_and_openapi(server: LiveServer) -> None:
    gpc = get(server, "/.well-known/gpc.json", headers={"Host": "shop.example"})
    assert gpc.status_code == 200 and gpc.json()["gpc"] is True
    health = get(server, "/healthz")
    assert health.json() == {"status": "ok", "sites": ["blog", "shop"]}
    assert get(server, "/openapi.json").json()["paths"]["/v1/consents"]["post"]


def test_cors_headers_only_for_declared_origins(server: LiveServer) -> None:
    ok = get(server, "/v1/sites/shop", headers={"Origin": "http://shop.example:3000"})
    assert ok.headers["access-control-allow-origin"] == "http://shop.example:3000"
    other = get(server, "/v1/sites/shop", headers={"Origin": "https://attacker.example"})
    assert "access-control-allow-origin" not in other.headers
    odd = get(server, "/v1/sites/shop", headers={"Origin": "null"})
    assert odd.status_code == 200 and "access-control-allow-origin" not in odd.headers


def test_policy_page_loads_the_sites_banner(server: LiveServer) -> None:
    html = get(server, "/v1/sites/shop/cookies/en").text
    src = f"{server.url}/v1/sites/shop/samtycke.js"
    assert f'<script src="{src}" defer></script>' in html
    assert 'data-samtycke-action="settings"' in html
    assert server.state.sites["shop"].fingerprint in web.get(src).text
