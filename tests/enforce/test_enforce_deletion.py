"""Server-side deletion of refused cookies the browser still sends, and canonical deletions."""

from __future__ import annotations

import time
from collections.abc import Callable, Iterable
from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import PlainTextResponse, Response
from starlette.routing import Route
from werkzeug.test import Client as WSGIClient

from samtycke import setcookie
from samtycke.consent import encode_consent_cookie
from samtycke.declaration import Declaration
from samtycke.enforce import ConsentMiddleware, Enforcer, WSGIConsentMiddleware
from samtycke.enforce.deletion import cookie_paths, parent_domains
from samtycke.scanner import setcookie as scanner_setcookie
from tests.enforce.conftest import SHOP_FP
from tests.enforce.test_enforce_asgi import Client as ASGIClient
from tests.profiles import examples

Cookie = Callable[..., str]
EPOCH = "Max-Age=0; Expires=Thu, 01 Jan 1970 00:00:00 GMT"


def withdrawn(*categories: str, refused: tuple[str, ...] = ()) -> str:
    value = encode_consent_cookie(
        list(categories),
        3,
        timestamp=time.time(),
        method="withdraw",
        refused_services=refused,
        fingerprint=SHOP_FP,
    )
    return f"samtycke={value}"


def test_only_refused_declared_cookies_the_request_carries(shop: Declaration) -> None:
    e = Enforcer(shop)
    carried = "sessionid=s; lang=sv; _ga=1; _ga_ABC=2; _fbp=3; ab_variant=a; mystery=4"
    consent, refused = e.read(f"{carried}; {withdrawn('functional', refused=('abtest',))}")
    assert consent.source == "cookie"
    assert refused == ("_ga", "_ga_ABC", "_fbp", "ab_variant")
    # Nothing refused: no decision yet, everything consented, or nothing declared carried.
    assert e.read(carried)[1] == ()
    every = encode_consent_cookie(["functional", "analytics", "marketing"], 3, fingerprint=SHOP_FP)
    assert e.read(f"{carried}; samtycke={every}")[1] == ()
    assert e.read(f"sessionid=s; mystery=1; {withdrawn()}")[1] == ()
    # A privacy signal is a refusal too.
    assert e.read("_fbp=1", gpc="1")[1] == ("_fbp",)


def test_deletions_cover_host_only_parent_domains_and_path_ancestors(shop: Declaration) -> None:
    e = Enforcer(shop)
    headers = e.deletions(["_ga"], "www.shop.example:8443", "/shop/cart")
    scopes = [h.removeprefix(f"_ga=; {EPOCH}") for h in headers]
    assert scopes == [
        f"{d}; Path={p}"
        for d in ("", "; Domain=www.shop.example", "; Domain=shop.example")
        for p in ("/", "/shop", "/shop/cart")
    ]
    assert e.deletions(["_ga"], "127.0.0.1:8000", "/") == (f"_ga=; {EPOCH}; Path=/",)
    assert e.deletions(["__Host-x"], "www.shop.example", "/a/b") == (
        f"__Host-x=; {EPOCH}; Path=/; Secure",
    )
    assert e.deletions(["caf\xe9"], "www.shop.example", "/") == ()  # no header can carry it


def test_scopes() -> None:
    assert cookie_paths("/") == ["/"]
    assert cookie_paths("/a/b/c/d/e?x=/y") == ["/", "/a", "/a/b", "/a/b/c"]
    assert cookie_paths("/a;b") == ["/"] and cookie_paths(None) == ["/"]
    assert parent_domains("a.b.shop.example", ["shop.example"]) == [
        "a.b.shop.example",
        "b.shop.example",
        "shop.example",
    ]
    assert parent_domains("shop.example.evil", ["shop.example"]) == []
    assert parent_domains("[::1]", ["shop.example"]) == [] and parent_domains("localhost", []) == []


def test_a_refused_deletion_goes_out_in_canonical_form(shop: Declaration) -> None:
    e = Enforcer(shop)
    none = e.consent(None)
    # Chromium deletes with "+0"; a stricter browser would keep a session cookie.
    assert e.outgoing("_ga=x; Max-Age=+0; Domain=.Shop.Example; Path=/a; HttpOnly", none) == (
        f"_ga=; {EPOCH}; Domain=shop.example; Path=/a"
    )
    assert e.outgoing("_ga=x; Max-Age=0_0", none) is None  # Python's int() says 0
    assert e.outgoing("_ga=x; Max-Age=0; Domain=tracker.example", none, "shop.example") is None
    necessary = "sessionid=; Max-Age=+0"
    assert e.outgoing(necessary, none) is necessary  # what passes, passes untouched


def shop_wsgi(environ: dict[str, Any], start_response: Any) -> Iterable[bytes]:
    start_response("200 OK", [("Content-Type", "text/plain"), ("Set-Cookie", "lang=sv")])
    return [b"ok"]


def test_wsgi_adds_deletions_only_when_needed(shop: Declaration) -> None:
    client = WSGIClient(WSGIConsentMiddleware(shop_wsgi, shop), use_cookies=False)
    r = client.get(
        "/", headers={"Cookie": f"_ga=1; {withdrawn('functional')}", "Host": "shop.example"}
    )
    assert r.headers.getlist("Set-Cookie") == [
        "lang=sv",
        f"_ga=; {EPOCH}; Path=/",
        f"_ga=; {EPOCH}; Domain=shop.example; Path=/",
    ]
    r = client.get("/", headers={"Cookie": withdrawn("functional"), "Host": "shop.example"})
    assert r.headers.getlist("Set-Cookie") == ["lang=sv"]


async def bare(request: Request) -> Response:
    return PlainTextResponse("ok")


def test_asgi_adds_deletions_also_to_a_response_without_headers(shop: Declaration) -> None:
    async def no_headers(scope: Any, receive: Any, send: Any) -> None:
        await send({"type": "http.response.start", "status": 204})
        await send({"type": "http.response.body", "body": b""})

    for app in (Starlette(routes=[Route("/shop/x", bare)]), no_headers):
        client = ASGIClient(ConsentMiddleware(app, shop))
        r = client.get("/shop/x", headers={"Cookie": f"_fbp=1; _ga=2; {withdrawn()}"})
        assert r.headers.get_list("set-cookie") == [
            f"{n}=; {EPOCH}{d}; Path={p}"
            for n in ("_fbp", "_ga")
            for d in ("", "; Domain=shop.example")
            for p in ("/", "/shop", "/shop/x")
        ]


latin1 = st.text(st.characters(min_codepoint=0, max_codepoint=255), max_size=60)


@settings(max_examples=examples(200), deadline=None)
@given(latin1, latin1, latin1)
def test_deletion_headers_are_always_plain_ascii(
    shop: Declaration, name: str, host: str, path: str
) -> None:
    # Hosts, paths and names come from the request: whatever they hold, the
    # headers must be ones every server can send (Django's ASGI handler encodes ASCII).
    e = Enforcer(shop)
    refused = e.read(f"{name}=1; _ga=2; {withdrawn()}")[1]
    for header in e.deletions(refused, host, path) + e.deletions(
        ["_ga", name], host + ".shop.example", path
    ):
        assert header.isascii() and header.isprintable(), header


def test_enforcement_and_the_scanner_read_headers_alike(shop: Declaration) -> None:
    # They once disagreed on this one: the scanner saw a deletion, enforcement did not.
    line = "_ga=1; Max-Age=abc; Expires=Thu, 01 Jan 1970 00:00:00 GMT"
    assert scanner_setcookie.SetCookie is setcookie.SetCookie
    parsed = scanner_setcookie.parse_set_cookie(line)
    assert parsed is not None and parsed.deletes
    e = Enforcer(shop)
    assert e.outgoing(line, e.consent(None)) == f"_ga=; {EPOCH}"
