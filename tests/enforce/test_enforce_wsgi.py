"""WSGIConsentMiddleware on plain WSGI apps, through Werkzeug's test client and bare."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from pathlib import Path
from typing import Any
from wsgiref.util import setup_testing_defaults

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from werkzeug.test import Client

from samtycke.declaration import Declaration
from samtycke.enforce import WSGIConsentMiddleware
from samtycke.enforce.effective import EffectiveConsent
from tests.profiles import examples

Cookie = Callable[..., str]
PAGE = b"<html><head><title>t</title></head><body>hello</body></html>"
TAG = b'<script src="/samtycke.js" defer></script>'


def shop_app(environ: dict[str, Any], start_response: Any) -> Iterable[bytes]:
    consent: EffectiveConsent = environ["samtycke.consent"]
    path = environ["PATH_INFO"]
    if path == "/page":
        headers = [("Content-Type", "text/html"), ("Content-Length", str(len(PAGE)))]
        csp = environ.get("HTTP_X_CSP")
        if csp:
            headers.append(("Content-Security-Policy", csp))
        start_response("200 OK", headers)
        return [PAGE]
    if path == "/streamed":
        start_response("200 OK", [("Content-Type", "text/html; charset=utf-8")])
        return iter([PAGE[:30], PAGE[30:34], PAGE[34:]])
    if path == "/sized-chunks":
        start_response(
            "200 OK", [("Content-Type", "text/html"), ("Content-Length", str(len(PAGE)))]
        )
        return iter([PAGE[:30], PAGE[30:34], PAGE[34:]])
    if path == "/legacy-write":
        write = start_response("200 OK", [("Content-Type", "text/html")])
        write(PAGE[:31])
        return [PAGE[31:]]
    body = f"analytics={consent.allows('analytics')} via {consent.source}".encode()
    start_response(
        "200 OK",
        [
            ("Content-Type", "text/plain"),
            ("Set-Cookie", "sessionid=s1; Path=/"),
            ("Set-Cookie", "_ga=GA1; Path=/"),
            ("set-cookie", "_fbp=fb; Path=/"),
            ("Set-Cookie", "mystery=1; Path=/"),
        ],
    )
    return [body]


@pytest.fixture(scope="module")
def client(shop: Declaration) -> Client:
    return Client(WSGIConsentMiddleware(shop_app, shop), use_cookies=False)


@pytest.fixture(scope="module")
def injecting(shop: Declaration) -> Client:
    return Client(
        WSGIConsentMiddleware(shop_app, shop, banner_src="/samtycke.js"), use_cookies=False
    )


def cookie_names(response: Any) -> list[str]:
    return [h.split("=", 1)[0] for h in response.headers.getlist("Set-Cookie")]


def test_without_consent_only_necessary_cookies_are_set(client: Client) -> None:
    r = client.get("/")
    assert r.text == "analytics=False via none"
    assert cookie_names(r) == ["sessionid"]


def test_consent_and_signals_reach_the_app(client: Client, consent_cookie: Cookie) -> None:
    r = client.get("/", headers={"Cookie": consent_cookie("analytics", "marketing")})
    assert r.text == "analytics=True via cookie"
    assert cookie_names(r) == ["sessionid", "_ga", "_fbp"]
    assert client.get("/", headers={"DNT": "1"}).text == "analytics=False via dnt"


def test_insertion_is_off_by_default(client: Client) -> None:
    assert client.get("/page").data == PAGE


@pytest.mark.parametrize("path", ["/page", "/sized-chunks"])
def test_the_script_is_inserted_with_a_correct_length(injecting: Client, path: str) -> None:
    r = injecting.get(path)
    assert r.data == PAGE.replace(b"</head>", TAG + b"</head>")
    assert r.headers["Content-Length"] == str(len(r.data))


def test_streamed_and_legacy_write_bodies_get_the_script(injecting: Client) -> None:
    for path in ("/streamed", "/legacy-write"):
        r = injecting.get(path)
        assert r.data == PAGE.replace(b"</head>", TAG + b"</head>"), path
        assert "Content-Length" not in r.headers


def test_the_nonce_and_untouched_responses(injecting: Client) -> None:
    r = injecting.get("/page", headers={"X-CSP": "script-src 'nonce-n0nce'"})
    assert b'<script src="/samtycke.js" defer nonce="n0nce"></script></head>' in r.data
    assert injecting.get("/").text == "analytics=False via none"
    assert injecting.head("/page").headers["Content-Length"] == str(len(PAGE))


def test_the_body_iterable_is_closed(shop: Declaration) -> None:
    closed: list[bool] = []

    class Body:
        def __iter__(self) -> Iterator[bytes]:
            yield b"<head></head>"

        def close(self) -> None:
            closed.append(True)

    def app(environ: dict[str, Any], start_response: Any) -> Body:
        start_response("200 OK", [("Content-Type", "text/html")])
        return Body()

    Client(WSGIConsentMiddleware(app, shop, banner_src="/s.js")).get("/")
    assert closed == [True]


header_text = st.text(max_size=200)
cookie_values = (
    header_text | header_text.map(lambda t: "samtycke=" + t) | st.just("samtycke=" + "v=1&" * 3000)
)


@settings(max_examples=examples(150), deadline=None)
@given(
    st.dictionaries(
        st.sampled_from(["HTTP_COOKIE", "HTTP_SEC_GPC", "HTTP_DNT", "HTTP_HOST"]), cookie_values
    ),
    st.lists(st.text(max_size=80), max_size=4),
)
def test_hostile_environ_and_headers_never_raise(
    shop_path: Path, environ_extra: dict[str, str], set_cookies: list[str]
) -> None:
    def app(environ: dict[str, Any], start_response: Any) -> list[bytes]:
        assert isinstance(environ["samtycke.consent"], EffectiveConsent)
        start_response(
            "200 OK", [("Content-Type", "text/html"), *(("Set-Cookie", c) for c in set_cookies)]
        )
        return [b"<head></head>"]

    statuses: list[str] = []

    def record(status: str, headers: Any, exc_info: Any = None) -> None:
        statuses.append(status)

    for banner in (None, "/s.js"):
        middleware = _middleware(shop_path, banner)
        middleware.app = app
        environ: dict[str, Any] = dict(environ_extra)
        setup_testing_defaults(environ)
        statuses.clear()
        body = b"".join(middleware(environ, record))
        assert statuses == ["200 OK"] and body.endswith(b"</head>")


_cache: dict[Any, WSGIConsentMiddleware] = {}


def _middleware(path: Path, banner: str | None) -> WSGIConsentMiddleware:
    key = (path, banner)
    if key not in _cache:
        _cache[key] = WSGIConsentMiddleware(shop_app, path, banner_src=banner)
    return _cache[key]


def lazy_app(environ: dict[str, Any], start_response: Any) -> Iterator[bytes]:
    """Calls start_response only when its body is first iterated, as PEP 3333 allows."""
    headers = [
        ("Content-Type", environ.get("HTTP_X_TYPE", "text/html")),
        ("Content-Length", str(len(PAGE))),
        ("Set-Cookie", "sessionid=s1; Path=/"),
        ("Set-Cookie", "_ga=GA1; Path=/"),
    ]
    start_response("200 OK", headers)
    yield PAGE[:20]
    yield PAGE[20:]


@pytest.mark.parametrize("banner", [None, "/samtycke.js"])
def test_a_lazy_start_response_works_and_is_enforced(shop: Declaration, banner: str | None) -> None:
    client = Client(WSGIConsentMiddleware(lazy_app, shop, banner_src=banner), use_cookies=False)
    r = client.get("/")
    assert r.status_code == 200
    assert cookie_names(r) == ["sessionid"]
    expected = PAGE if banner is None else PAGE.replace(b"</head>", TAG + b"</head>")
    assert r.data == expected and r.headers["Content-Length"] == str(len(expected))
    plain = client.get("/", headers={"X-Type": "text/plain"})
    assert plain.data == PAGE and cookie_names(plain) == ["sessionid"]
