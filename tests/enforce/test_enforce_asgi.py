"""ConsentMiddleware on a real Starlette app and as a bare ASGI callable."""

from __future__ import annotations

import asyncio
import gzip
from collections.abc import Callable, Coroutine
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any, TypeVar

import httpx
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import HTMLResponse, PlainTextResponse, Response, StreamingResponse
from starlette.routing import Route

from samtycke.declaration import Declaration
from samtycke.enforce import ConsentMiddleware
from samtycke.enforce.effective import EffectiveConsent
from tests.profiles import examples

Cookie = Callable[..., str]
T = TypeVar("T")
PAGE = "<html><head><title>t</title></head><body>hello</body></html>"


async def home(request: Request) -> Response:
    consent: EffectiveConsent = request.state.consent
    response = PlainTextResponse(f"analytics={consent.allows('analytics')} via {consent.source}")
    response.set_cookie("sessionid", "s1")
    response.set_cookie("_ga", "GA1.1.1")
    response.set_cookie("_ga_XYZ", "GS1")
    response.set_cookie("_fbp", "fb")
    response.set_cookie("mystery", "1")
    return response


async def page(request: Request) -> Response:
    csp = request.query_params.get("csp")
    return HTMLResponse(PAGE, headers={"content-security-policy": csp} if csp else None)


async def streamed(request: Request) -> Response:
    async def body() -> Any:
        for part in ("<html><head><title>s</title></he", "ad><body>", "streamed</body></html>"):
            yield part.encode()

    return StreamingResponse(body(), media_type="text/html")


async def gzipped(request: Request) -> Response:
    body = gzip.compress(b"<head></head>")
    return Response(body, media_type="text/html", headers={"content-encoding": "gzip"})


# Playwright's sync API (the e2e tests, same session) keeps an event loop
# running in the main thread, so coroutines run on a thread of their own.
_ASYNC_THREAD = ThreadPoolExecutor(max_workers=1)


def run_async(coro: Coroutine[Any, Any, T]) -> T:
    """Run ``coro`` to completion on a fresh event loop in a worker thread."""
    return _ASYNC_THREAD.submit(asyncio.run, coro).result()


class Client:
    """A synchronous front for httpx's ASGI transport (starlette's Client is deprecated)."""

    def __init__(self, app: Any) -> None:
        self.app = app

    def request(self, method: str, path: str, **kwargs: Any) -> httpx.Response:
        async def go() -> httpx.Response:
            transport = httpx.ASGITransport(app=self.app)
            async with httpx.AsyncClient(transport=transport, base_url="http://shop.example") as c:
                return await c.request(method, path, **kwargs)

        return run_async(go())

    def get(self, path: str, **kwargs: Any) -> httpx.Response:
        return self.request("GET", path, **kwargs)

    def head(self, path: str, **kwargs: Any) -> httpx.Response:
        return self.request("HEAD", path, **kwargs)


def make_app(shop: Declaration, **options: Any) -> ConsentMiddleware:
    routes = [
        Route("/", home),
        Route("/page", page, methods=["GET", "HEAD"]),
        Route("/streamed", streamed),
        Route("/gzipped", gzipped),
    ]
    return ConsentMiddleware(Starlette(routes=routes), shop, **options)


@pytest.fixture(scope="module")
def client(shop: Declaration) -> Client:
    return Client(make_app(shop))


@pytest.fixture(scope="module")
def injecting(shop: Declaration) -> Client:
    return Client(make_app(shop, banner_src="/static/samtycke.js"))


def cookie_names(response: Any) -> list[str]:
    return [h.split("=", 1)[0] for h in response.headers.get_list("set-cookie")]


def test_without_consent_only_necessary_cookies_are_set(client: Client) -> None:
    r = client.get("/")
    assert r.status_code == 200
    assert r.text == "analytics=False via none"
    assert cookie_names(r) == ["sessionid"]


def test_consent_lets_its_categories_through(client: Client, consent_cookie: Cookie) -> None:
    r = client.get("/", headers={"cookie": consent_cookie("analytics")})
    assert r.text == "analytics=True via cookie"
    assert cookie_names(r) == ["sessionid", "_ga", "_ga_XYZ"]


def test_gpc_header_reaches_the_app(client: Client) -> None:
    r = client.get("/", headers={"sec-gpc": "1"})
    assert r.text == "analytics=False via gpc"


def test_non_http_scopes_pass_untouched(shop: Declaration) -> None:
    seen: list[dict[str, Any]] = []

    async def app(scope: Any, receive: Any, send: Any) -> None:
        seen.append(scope)

    run_async(ConsentMiddleware(app, shop)({"type": "lifespan"}, _receive, _send_nothing))
    assert seen == [{"type": "lifespan"}]


def test_a_shared_state_dict_is_not_mutated(shop: Declaration) -> None:
    shared = {"db": "x"}
    states: list[Any] = []

    async def app(scope: Any, receive: Any, send: Any) -> None:
        states.append(scope["state"])

    scope = {"type": "http", "method": "GET", "headers": [], "state": shared}
    run_async(ConsentMiddleware(app, shop)(scope, _receive, _send_nothing))
    assert shared == {"db": "x"}
    assert states[0]["db"] == "x" and states[0]["consent"].source == "none"


def test_insertion_is_off_by_default(client: Client) -> None:
    assert client.get("/page").text == PAGE


def test_the_script_is_inserted_with_a_correct_length(injecting: Client) -> None:
    r = injecting.get("/page")
    tag = '<script src="/static/samtycke.js" defer></script>'
    assert r.text == PAGE.replace("</head>", tag + "</head>")
    assert r.headers["content-length"] == str(len(r.content))


def test_the_script_carries_the_csp_nonce(injecting: Client) -> None:
    r = injecting.get("/page", params={"csp": "script-src 'self' 'nonce-abc123'"})
    assert '<script src="/static/samtycke.js" defer nonce="abc123"></script></head>' in r.text
    assert r.headers["content-length"] == str(len(r.content))


def test_streamed_html_with_a_split_marker_gets_the_script(injecting: Client) -> None:
    r = injecting.get("/streamed")
    assert r.text == (
        '<html><head><title>s</title><script src="/static/samtycke.js" defer></script>'
        "</head><body>streamed</body></html>"
    )
    assert "content-length" not in r.headers


def test_compressed_non_html_and_head_responses_are_untouched(injecting: Client) -> None:
    assert injecting.get("/gzipped").content == b"<head></head>"
    assert injecting.get("/").text == "analytics=False via none"
    head = injecting.head("/page")
    assert head.headers["content-length"] == str(len(PAGE))


def test_a_body_over_the_buffer_limit_is_sent_unchanged(shop: Declaration) -> None:
    async def app(scope: Any, receive: Any, send: Any) -> None:
        body = b"<p>" + b"x" * 100 + b"</p><head></head>"
        headers = [(b"content-type", b"text/html"), (b"content-length", str(len(body)).encode())]
        await send({"type": "http.response.start", "status": 200, "headers": headers})
        await send({"type": "http.response.body", "body": body[:60], "more_body": True})
        await send({"type": "http.response.body", "body": body[60:]})

    r = Client(ConsentMiddleware(app, shop, banner_src="/s.js", buffer_limit=32)).get("/")
    assert r.content == b"<p>" + b"x" * 100 + b"</p><head></head>"
    assert r.headers["content-length"] == str(len(r.content))


async def _receive() -> dict[str, Any]:
    return {"type": "http.request", "body": b"", "more_body": False}


async def _send_nothing(message: Any) -> None:
    return None


header_bytes = st.binary(max_size=60)
header_lists = st.lists(
    st.tuples(
        st.sampled_from([b"cookie", b"Cookie", b"sec-gpc", b"dnt", b"host", b"x-other"])
        | header_bytes,
        st.one_of(
            header_bytes,
            st.text(max_size=200).map(lambda t: ("samtycke=" + t).encode("utf-8", "replace")),
            st.just(b"samtycke=" + b"v=1&" * 3000),
        ),
    ),
    max_size=8,
)


@settings(max_examples=examples(150), deadline=None)
@given(header_lists, st.lists(st.binary(max_size=80), max_size=4))
def test_hostile_request_headers_never_raise_or_500(
    shop_path: Path, headers: list[tuple[bytes, bytes]], set_cookies: list[bytes]
) -> None:
    sent: list[dict[str, Any]] = []

    async def app(scope: Any, receive: Any, send: Any) -> None:
        assert isinstance(scope["state"]["consent"], EffectiveConsent)
        start_headers = [(b"content-type", b"text/html")]
        start_headers += [(b"set-cookie", c) for c in set_cookies]
        await send({"type": "http.response.start", "status": 200, "headers": start_headers})
        await send({"type": "http.response.body", "body": b"<head></head>"})

    async def send(message: dict[str, Any]) -> None:
        sent.append(message)

    for banner in (None, "/s.js"):
        sent.clear()
        middleware = _middleware(shop_path, app, banner)
        scope = {"type": "http", "method": "GET", "headers": headers}
        run_async(middleware(scope, _receive, send))
        assert sent[0]["status"] == 200


_cache: dict[Any, ConsentMiddleware] = {}


def _middleware(path: Path, app: Any, banner: str | None) -> ConsentMiddleware:
    # One middleware per option set; the app it wraps is swapped per example.
    key = (path, banner)
    if key not in _cache:
        _cache[key] = ConsentMiddleware(app, path, banner_src=banner)
    _cache[key].app = app
    return _cache[key]


def test_headers_given_as_a_one_shot_iterable_are_handled(shop: Declaration) -> None:
    async def app(scope: Any, receive: Any, send: Any) -> None:
        pairs = [(b"set-cookie", b"_fbp=1"), (b"set-cookie", b"sessionid=2"), (b"x-a", b"b")]
        await send({"type": "http.response.start", "status": 200, "headers": iter(pairs)})
        await send({"type": "http.response.body", "body": b"ok"})

    r = Client(ConsentMiddleware(app, shop)).get("/")
    assert r.headers.get_list("set-cookie") == ["sessionid=2"] and r.headers["x-a"] == "b"
