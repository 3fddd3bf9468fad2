"""Enforcement against Chromium's own cookie jar.

A loopback WSGI server answers for any host name (the browser context uses it
as its HTTP proxy), so cookies are scoped to ``*.shop.example`` as on a real
site. Each hostile header is sent to a cookie that already exists; the jar
then says whether Chromium deleted it, kept it, or stored the new value.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Iterable, Iterator
from typing import Any

import pytest
from werkzeug.serving import make_server

from samtycke.consent import encode_consent_cookie
from samtycke.declaration import Declaration
from samtycke.enforce import WSGIConsentMiddleware
from samtycke.setcookie import parse_set_cookie
from tests.enforce.conftest import SHOP_FP
from tests.enforce.hostile import HOSTILE, generated

WSGIApp = Callable[[dict[str, Any], Any], Iterable[bytes]]
# Chromium keeps at most 180 cookies per domain: one host per batch stays below it.
BATCH = 100
VARIANTS = [a for a, _ in HOSTILE] + generated(300)


class Loopback:
    """A WSGI server on 127.0.0.1 whose app is chosen per request by ``route``."""

    def __init__(self) -> None:
        self.route: WSGIApp = _empty
        self.server = make_server("127.0.0.1", 0, self._app, threaded=True)
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()

    @property
    def proxy(self) -> dict[str, str]:
        return {"server": f"http://127.0.0.1:{self.server.server_port}"}

    def _app(self, environ: dict[str, Any], start_response: Any) -> Iterable[bytes]:
        return self.route(environ, start_response)

    def close(self) -> None:
        self.server.shutdown()
        self.thread.join(timeout=10)


def _empty(environ: dict[str, Any], start_response: Any) -> Iterable[bytes]:
    start_response("204 No Content", [])
    return []


@pytest.fixture(scope="module")
def loopback() -> Iterator[Loopback]:
    server = Loopback()
    yield server
    server.close()


@pytest.fixture
def context(browser: Any, loopback: Loopback) -> Iterator[Any]:
    ctx = browser.new_context(proxy=loopback.proxy)
    yield ctx
    ctx.close()


def hostile_app(suffixes: list[str]) -> WSGIApp:
    """Answers with one ``Set-Cookie: _ga_H<i>=new<suffix>`` per suffix (no consent: refused)."""

    def app(environ: dict[str, Any], start_response: Any) -> Iterable[bytes]:
        headers = [("Content-Type", "text/plain")]
        headers += [("Set-Cookie", f"_ga_H{i}=new{s}") for i, s in enumerate(suffixes)]
        start_response("200 OK", headers)
        return [b"ok"]

    return app


def jar_after(context: Any, loopback: Loopback, host: str, app: WSGIApp, count: int) -> list[str]:
    """Each ``_ga_H<i>`` cookie's value after ``app`` answered: "orig", "new" or "" (deleted)."""
    context.clear_cookies()
    context.add_cookies(
        [{"name": f"_ga_H{i}", "value": "orig", "url": f"http://{host}/"} for i in range(count)]
    )
    loopback.route = app
    page = context.new_page()
    page.goto(f"http://{host}/")
    page.close()
    jar = {c["name"]: c["value"] for c in context.cookies() if c["domain"] == host}
    return [jar.get(f"_ga_H{i}", "") for i in range(count)]


def test_deletions_pass_exactly_when_chromium_deletes(
    context: Any, loopback: Loopback, shop: Declaration
) -> None:
    raw: list[str] = []
    enforced: list[str] = []
    for start in range(0, len(VARIANTS), BATCH):
        batch = VARIANTS[start : start + BATCH]
        app = hostile_app(batch)
        raw += jar_after(context, loopback, f"raw{start}.shop.example", app, len(batch))
        wrapped = WSGIConsentMiddleware(app, shop)
        enforced += jar_after(context, loopback, f"mw{start}.shop.example", wrapped, len(batch))
    chromium_deletes = [value == "" for value in raw]
    # The recorded answers still hold for this Chromium.
    assert [(a, d) for a, d in zip(VARIANTS, chromium_deletes, strict=False)][: len(HOSTILE)] == [
        (a, d) for a, d in HOSTILE
    ]
    # The parser reads every header, recorded or generated, as Chromium does.
    parsed = [parse_set_cookie(f"_ga_H{i}=new{a}").deletes for i, a in enumerate(VARIANTS)]
    disagree = [a for a, p, c in zip(VARIANTS, parsed, chromium_deletes, strict=True) if p != c]
    assert disagree == []
    # Through the middleware a refused cookie is never set, and it is deleted
    # exactly when Chromium would have deleted it with the app's header.
    assert "new" not in enforced
    lost_or_invented = [
        a for a, e, c in zip(VARIANTS, enforced, chromium_deletes, strict=True) if (e == "") != c
    ]
    assert lost_or_invented == []


def consent(*categories: str, method: str, refused: tuple[str, ...] = ()) -> str:
    return encode_consent_cookie(
        list(categories),
        3,
        timestamp=time.time(),
        method=method,
        refused_services=refused,
        fingerprint=SHOP_FP,
    )


def shop_app(environ: dict[str, Any], start_response: Any) -> Iterable[bytes]:
    headers = [("Content-Type", "text/plain")]
    if environ["PATH_INFO"] == "/set":
        headers += [
            ("Set-Cookie", "_ga=GA1; HttpOnly; Path=/"),
            ("Set-Cookie", "_ga_X1=s; HttpOnly; Domain=shop.example; Path=/"),
            ("Set-Cookie", "_fbp=fb; HttpOnly; Domain=www.shop.example; Path=/"),
            ("Set-Cookie", "ab_variant=b; HttpOnly; Path=/shop"),
            ("Set-Cookie", "lang=sv; HttpOnly; Path=/"),
            ("Set-Cookie", "sessionid=s1; HttpOnly; Path=/"),
        ]
    start_response("200 OK", headers)
    return [b"ok"]


def test_withdrawal_deletes_httponly_cookies_on_the_next_request(
    context: Any, loopback: Loopback, shop: Declaration
) -> None:
    loopback.route = WSGIConsentMiddleware(shop_app, shop)
    url = "http://www.shop.example/"
    every = consent("functional", "analytics", "marketing", method="accept-all")
    context.add_cookies([{"name": "samtycke", "value": every, "url": url}])
    page = context.new_page()
    page.goto(url + "set")
    names = {c["name"] for c in context.cookies()}
    assert {"_ga", "_ga_X1", "_fbp", "ab_variant", "lang", "sessionid"} <= names
    assert all(c["httpOnly"] for c in context.cookies() if c["name"] != "samtycke")

    # The banner can only rewrite its own cookie: HttpOnly ones are the server's to
    # delete. Withdrawn: analytics, marketing, and the A/B-test service inside functional.
    withdrawn = consent("functional", method="withdraw", refused=("abtest",))
    context.add_cookies([{"name": "samtycke", "value": withdrawn, "url": url}])
    page.goto(url + "shop/cart")
    left = sorted(c["name"] for c in context.cookies())
    assert left == ["lang", "samtycke", "sessionid"]


def test_a_refusal_costs_nothing_once_the_cookies_are_gone(
    context: Any, loopback: Loopback, shop: Declaration
) -> None:
    sent: list[list[str]] = []
    middleware = WSGIConsentMiddleware(shop_app, shop)

    def recording(environ: dict[str, Any], start_response: Any) -> Iterable[bytes]:
        def record(status: str, headers: list[tuple[str, str]], exc_info: Any = None) -> Any:
            sent.append([v for k, v in headers if k.lower() == "set-cookie"])
            return start_response(status, headers, exc_info)

        return middleware(environ, record)

    loopback.route = recording
    url = "http://www.shop.example/"
    context.add_cookies(
        [
            {"name": "_ga", "value": "GA1", "url": url},
            {"name": "samtycke", "value": consent(method="reject-all"), "url": url},
        ]
    )
    page = context.new_page()
    page.goto(url + "page")
    page.goto(url + "page")
    assert sent[0] and all(h.startswith("_ga=;") for h in sent[0])
    assert sent[1] == []
    assert "_ga" not in {c["name"] for c in context.cookies()}
