"""Enforcement inside real Django and Flask apps: raw headers, deletions, what goes on the wire."""

from __future__ import annotations

import importlib
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from django.core.handlers.asgi import ASGIHandler
from django.core.handlers.wsgi import WSGIHandler
from django.http import HttpRequest, HttpResponse
from django.test import override_settings
from django.urls import path
from flask import Flask, make_response
from werkzeug.test import Client

from samtycke.consent import encode_consent_cookie
from samtycke.contrib.flask import Samtycke
from tests.enforce.conftest import SHOP_FP
from tests.enforce.test_enforce_asgi import run_async

SHOP = Path(__file__).resolve().parent / "shop.toml"
EPOCH = "Max-Age=0; Expires=Thu, 01 Jan 1970 00:00:00 GMT"

# Django is configured once per process, by the adapter's own tests (which rely
# on their URLconf being the default); every test here overrides what it needs.
importlib.import_module("tests.contrib.test_contrib_django")


def consent(*categories: str, method: str = "custom") -> str:
    value = encode_consent_cookie(
        list(categories), 3, timestamp=time.time(), method=method, fingerprint=SHOP_FP
    )
    return f"samtycke={value}"


def raw_item(request: HttpRequest) -> HttpResponse:
    response = HttpResponse("raw")
    response["Set-Cookie"] = request.GET["h"]
    return response


def raw_headers(request: HttpRequest) -> HttpResponse:
    response = HttpResponse("raw")
    response.headers["Set-Cookie"] = request.GET["h"]
    response.set_cookie("sessionid", "s1")
    return response


def plain(request: HttpRequest) -> HttpResponse:
    response = HttpResponse("plain")
    response.set_cookie("lang", "sv")
    response.delete_cookie("_fbp")
    return response


urlpatterns = [
    path("raw-item", raw_item),
    path("raw-headers", raw_headers),
    path("shop/plain", plain),
]


@pytest.fixture
def django_wsgi() -> Iterator[Client]:
    conf = {"DECLARATION": SHOP}
    with override_settings(ROOT_URLCONF=__name__, SAMTYCKE=conf, ALLOWED_HOSTS=["shop.example"]):
        yield Client(WSGIHandler(), use_cookies=False)


def wire(client: Client, url: str, cookie: str = "") -> list[str]:
    """The Set-Cookie headers a WSGI server would send."""
    r = client.get(url, headers={"Host": "shop.example", "Cookie": cookie})
    assert r.status_code == 200
    return [h.strip() for h in r.headers.getlist("Set-Cookie")]


@pytest.mark.parametrize("view", ["/raw-item", "/raw-headers"])
def test_django_raw_set_cookie_headers_are_enforced(django_wsgi: Client, view: str) -> None:
    lang = ["sessionid=s1; Path=/"] if view == "/raw-headers" else []
    assert wire(django_wsgi, f"{view}?h=_ga%3Draw%3B%20Path%3D/") == lang
    accepted = wire(django_wsgi, f"{view}?h=_ga%3Draw%3B%20Path%3D/", consent("analytics"))
    assert sorted(accepted) == sorted(["_ga=raw; Path=/", *lang])
    # A refused deletion in Chromium's reading goes out in a form every browser deletes with.
    deleting = wire(django_wsgi, f"{view}?h=_ga%3Dx%3B%20Max-Age%3D%2B0")
    assert sorted(deleting) == sorted([f"_ga=; {EPOCH}", *lang])
    assert wire(django_wsgi, f"{view}?h=_ga%3Dx%3B%20Max-Age%3D0_0") == lang


def test_django_deletes_refused_cookies_the_browser_sends(django_wsgi: Client) -> None:
    sent = wire(django_wsgi, "/shop/plain", f"_ga=1; sessionid=s; {consent(method='reject-all')}")
    assert "lang=sv; Path=/" not in sent  # functional was refused too
    deletions = [h for h in sent if h.startswith("_ga=")]
    assert deletions == [
        f"_ga=; {EPOCH}{d}; Path={p}"
        for d in ("", "; Domain=shop.example")
        for p in ("/", "/shop", "/shop/plain")
    ]
    # Django's own delete_cookie() of a refused cookie still passes.
    assert [h for h in sent if h.startswith("_fbp=")] == [f"_fbp=; {EPOCH}; Path=/"]
    assert not any(h.startswith("sessionid") for h in sent)


def test_django_asgi_sends_the_deletions_too() -> None:
    async def go() -> httpx.Response:
        transport = httpx.ASGITransport(app=ASGIHandler())
        async with httpx.AsyncClient(transport=transport, base_url="http://shop.example") as c:
            return await c.get("/shop/plain", headers={"Cookie": f"_ga=1; {consent()}"})

    with override_settings(
        ROOT_URLCONF=__name__, SAMTYCKE={"DECLARATION": SHOP}, ALLOWED_HOSTS=["shop.example"]
    ):
        r = run_async(go())
    assert r.status_code == 200
    assert f"_ga=; {EPOCH}; Domain=shop.example; Path=/shop" in r.headers.get_list("set-cookie")


def flask_app() -> Flask:
    app = Flask(__name__)
    app.config.update(SAMTYCKE_DECLARATION=SHOP, SAMTYCKE_INJECT=True)

    @app.get("/")
    def home() -> object:
        response = make_response("<html><head></head><body>x</body></html>")
        response.set_cookie("sessionid", "s1")
        response.set_cookie("_ga_X1", "GS1")
        return response

    Samtycke(app)
    return app


def test_flask_deletes_refused_cookies_the_browser_sends() -> None:
    client = flask_app().test_client(use_cookies=False)
    r = client.get("/", headers={"Cookie": f"_ga_X1=1; _fbp=2; {consent('marketing')}"})
    assert r.status_code == 200 and b"<script" in r.data
    sent = r.headers.getlist("Set-Cookie")
    assert [h for h in sent if not h.startswith("_ga_X1=;")] == ["sessionid=s1; Path=/"]
    assert f"_ga_X1=; {EPOCH}; Domain=localhost; Path=/" not in sent  # no dot: host-only
    assert f"_ga_X1=; {EPOCH}; Path=/" in sent
