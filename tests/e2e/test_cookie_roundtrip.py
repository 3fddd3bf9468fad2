"""The consent cookie round-trips between the real banner (Chromium) and Python.

A small WSGI site behind ``WSGIConsentMiddleware`` serves the built
``samtycke.js``; the banner writes the cookie, Python decodes it and the
middleware lets the consented cookies through; a cookie Python encodes is read
by the banner's JS API.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Iterable, Iterator
from pathlib import Path
from socketserver import ThreadingMixIn
from typing import Any
from wsgiref.simple_server import WSGIRequestHandler, WSGIServer, make_server

import pytest

from samtycke.banner import build_script
from samtycke.consent import decode_consent_cookie, encode_consent_cookie
from samtycke.declaration import Declaration, fingerprint, load_declaration
from samtycke.enforce import WSGIConsentMiddleware
from tests.e2e.banner.conftest import click_decision

pytestmark = pytest.mark.e2e
SHOP = Path(__file__).resolve().parent.parent / "enforce" / "shop.toml"
PAGE = b"""<!doctype html><html lang="en"><head><title>shop</title></head>
<body><h1>Shop</h1></body></html>"""


class _Server(ThreadingMixIn, WSGIServer):
    daemon_threads = True


class _Quiet(WSGIRequestHandler):
    def log_message(self, format: str, *args: Any) -> None:
        return None


@pytest.fixture(scope="module")
def shop() -> Declaration:
    return load_declaration(SHOP)


@pytest.fixture(scope="module")
def site(shop: Declaration) -> Iterator[str]:
    """The shop on 127.0.0.1: /samtycke.js, and / which sets one cookie per category."""
    script = build_script(shop).encode()

    def app(environ: dict[str, Any], start_response: Any) -> Iterable[bytes]:
        if environ["PATH_INFO"] == "/samtycke.js":
            start_response("200 OK", [("Content-Type", "text/javascript")])
            return [script]
        headers = [("Content-Type", "text/html; charset=utf-8"), ("Cache-Control", "no-store")]
        for cookie in ("sessionid=s1", "lang=sv", "_ga=GA1.1.1", "_fbp=fb.1"):
            headers.append(("Set-Cookie", f"{cookie}; Path=/; Max-Age=3600"))
        start_response("200 OK", headers)
        return [PAGE]

    server = make_server(
        "127.0.0.1",
        0,
        WSGIConsentMiddleware(app, shop, banner_src="/samtycke.js"),
        server_class=_Server,
        handler_class=_Quiet,
    )
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}/"
    server.shutdown()
    server.server_close()


def names(context: Any) -> set[str]:
    return {c["name"] for c in context.cookies()}


def consent_cookie(context: Any) -> str:
    values = [c["value"] for c in context.cookies() if c["name"] == "samtycke"]
    assert len(values) == 1, values
    return str(values[0])


def test_accept_all_in_the_banner_decodes_in_python_and_unlocks_cookies(
    page: Any, site: str, shop: Declaration
) -> None:
    page.goto(site)
    assert names(page.context) == {"sessionid"}
    click_decision(page, '[data-samtycke-action="accept-all"]')
    state = decode_consent_cookie(consent_cookie(page.context))
    assert state is not None
    assert state.method == "accept-all" and state.explicit
    assert state.categories == set(shop.category_ids)
    assert state.is_current(shop.site.revision, fingerprint(shop), shop.site.consent_days)
    assert abs(state.timestamp - time.time()) < 60
    page.reload()
    assert names(page.context) == {"sessionid", "lang", "_ga", "_fbp", "samtycke"}


def test_reject_all_in_the_banner_decodes_as_necessary_only(page: Any, site: str) -> None:
    page.goto(site)
    click_decision(page, '[data-samtycke-action="reject-all"]')
    state = decode_consent_cookie(consent_cookie(page.context))
    assert state is not None and state.method == "reject-all"
    assert state.categories == {"necessary"}
    page.reload()
    assert names(page.context) == {"sessionid", "samtycke"}


def test_a_cookie_encoded_in_python_is_read_by_the_banner(
    page: Any, site: str, shop: Declaration
) -> None:
    value = encode_consent_cookie(
        ["analytics"],
        shop.site.revision,
        timestamp=time.time(),
        refused_services=["meta-pixel"],
        fingerprint=fingerprint(shop),
    )
    page.context.add_cookies([{"name": "samtycke", "value": value, "url": site}])
    page.goto(site)
    page.wait_for_function("() => window.samtycke !== undefined")
    consent = page.evaluate("() => window.samtycke.consent")
    state = decode_consent_cookie(value)
    assert state is not None
    assert consent["id"] == state.consent_id
    assert consent["revision"] == state.revision and consent["timestamp"] == state.timestamp
    assert consent["method"] == "custom"
    assert sorted(consent["categories"]) == ["analytics", "necessary"]
    assert consent["refusedServices"] == ["meta-pixel"]
    allowed = page.evaluate(
        "() => ['necessary', 'functional', 'analytics', 'marketing']"
        ".map((c) => window.samtycke.accepted(c))"
    )
    assert allowed == [True, False, True, False]
    # The banner keeps a valid decision: no banner, and the server agrees.
    assert page.locator('[data-samtycke-action="accept-all"]').count() == 0
    assert names(page.context) == {"sessionid", "_ga", "samtycke"}
