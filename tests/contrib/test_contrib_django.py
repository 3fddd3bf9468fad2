"""The Django adapter: middleware, settings, template tags, through Django's test client."""

from __future__ import annotations

import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import django
import pytest
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.http import HttpRequest, HttpResponse, StreamingHttpResponse
from django.template import engines
from django.test import Client, override_settings
from django.urls import include, path
from hypothesis import given
from hypothesis import settings as hypothesis_settings
from hypothesis import strategies as st

from samtycke.consent import encode_consent_cookie
from samtycke.contrib.django import SamtyckeSettings
from samtycke.ledger import Ledger
from tests.contrib.bodies import consent_body
from tests.enforce.conftest import SHOP_FP
from tests.profiles import examples

SHOP = Path(__file__).resolve().parent.parent / "enforce" / "shop.toml"
PAGE = "<html><head><title>t</title></head><body>{% load samtycke %}{% samtycke_script %}</body></html>"

if not settings.configured:
    settings.configure(
        DEBUG=False,
        SECRET_KEY="tests-only",
        ALLOWED_HOSTS=["testserver"],
        INSTALLED_APPS=["samtycke.contrib.django_app"],
        MIDDLEWARE=["samtycke.contrib.django.ConsentMiddleware"],
        ROOT_URLCONF=__name__,
        TEMPLATES=[{"BACKEND": "django.template.backends.django.DjangoTemplates"}],
        SAMTYCKE={"DECLARATION": SHOP, "BANNER_SRC": "/static/samtycke.js"},
        USE_TZ=True,
    )
    django.setup()


def home(request: HttpRequest) -> HttpResponse:
    response = HttpResponse(f"analytics={request.consent.allows('analytics')}")  # type: ignore[attr-defined]
    response.set_cookie("sessionid", "s1")
    response.set_cookie("_ga", "GA1")
    response.set_cookie("_fbp", "fb")
    response.set_cookie("mystery", "1")
    response.delete_cookie("_ga_OLD")
    return response


def page(request: HttpRequest) -> HttpResponse:
    html = (
        engines["django"]
        .from_string(PAGE + '{% if request|consent_allows:"analytics" %}ANALYTICS{% endif %}')
        .render({"request": request})
    )
    return HttpResponse(html)


def streamed(request: HttpRequest) -> StreamingHttpResponse:
    def body() -> Iterator[bytes]:
        yield b"<html><head><title>s</t"
        yield b"itle></he"
        yield b"ad><body>x</body></html>"

    return StreamingHttpResponse(body(), content_type="text/html")


urlpatterns = [
    path("", home),
    path("page", page),
    path("streamed", streamed),
    path("samtycke/", include("samtycke.contrib.django_app.urls")),
]


def cookie_names(response: Any) -> list[str]:
    return list(response.cookies)


def test_request_consent_and_stripped_cookies() -> None:
    r = Client().get("/")
    assert r.content == b"analytics=False"
    assert cookie_names(r) == ["sessionid", "_ga_OLD"]  # a deletion always passes
    value = encode_consent_cookie(["analytics"], 3, timestamp=time.time(), fingerprint=SHOP_FP)
    r = Client(HTTP_COOKIE=f"samtycke={value}").get("/")
    assert r.content == b"analytics=True"
    assert cookie_names(r) == ["sessionid", "_ga", "_ga_OLD"]


def test_dnt_applies_without_a_choice() -> None:
    assert Client().get("/", HTTP_DNT="1").content == b"analytics=False"


def test_template_tag_and_filter() -> None:
    r = Client().get("/page")
    assert b'<script src="/static/samtycke.js" defer></script>' in r.content
    assert b"ANALYTICS" not in r.content
    value = encode_consent_cookie(["analytics"], 3, timestamp=time.time(), fingerprint=SHOP_FP)
    assert b"ANALYTICS" in Client(HTTP_COOKIE=f"samtycke={value}").get("/page").content


def test_injection_into_plain_and_streamed_responses() -> None:
    conf = {"DECLARATION": SHOP, "BANNER_SRC": "/s.js", "INJECT": True}
    with override_settings(SAMTYCKE=conf):
        r = Client().get("/page")
        assert r.content.startswith(
            b'<html><head><title>t</title><script src="/s.js" defer></script></head>'
        )
        streamed_body = b"".join(Client().get("/streamed").streaming_content)  # type: ignore[attr-defined]
        assert streamed_body == (
            b'<html><head><title>s</title><script src="/s.js" defer></script></head>'
            b"<body>x</body></html>"
        )
        assert Client().get("/").content == b"analytics=False"


def test_banner_src_defaults_to_the_included_urls() -> None:
    with override_settings(SAMTYCKE={"DECLARATION": SHOP}, STATIC_URL="/assets/"):
        assert b'<script src="/samtycke/samtycke.js" defer>' in Client().get("/page").content
        js = Client().get("/samtycke/samtycke.js")
    assert js.status_code == 200 and js["Content-Type"].startswith("text/javascript")
    assert b'"endpoint":"/samtycke/v1/consents"' in js.content


def test_inject_and_the_template_tag_give_one_banner() -> None:
    with override_settings(SAMTYCKE={"DECLARATION": SHOP, "INJECT": True}):
        body = Client().get("/page").content
    assert body.count(b"samtycke.js") == 1


def test_consents_are_recorded_in_the_configured_ledger(tmp_path: Path) -> None:
    db = f"sqlite:///{tmp_path / 'l.db'}"
    with override_settings(SAMTYCKE={"DECLARATION": SHOP, "DB": db}):
        body = consent_body(SHOP)
        r = Client().post("/samtycke/v1/consents", body, content_type="application/json")
        assert r.status_code == 201, r.content
        bad = Client().post("/samtycke/v1/consents", b"{}", content_type="application/json")
        assert bad.status_code == 422 and "error" in bad.json()
    with Ledger(db, create=False) as led:
        (rec,) = led.iter_records()
    assert rec.decision.record_id == r.json()["record_id"]


def test_settings_and_declaration_errors_are_system_checks(tmp_path: Path) -> None:
    from samtycke.contrib.django_app.checks import check_samtycke

    with override_settings(SAMTYCKE={"DECLARATION": SHOP, "INJECT": "maybe"}):
        (err,) = check_samtycke()
    assert err.id == "samtycke.E001" and "'INJECT'] has value 'maybe'" in err.msg
    broken = tmp_path / "samtycke.toml"
    broken.write_text(SHOP.read_text().replace('category = "analytics"', 'category = "analytcs"'))
    with override_settings(SAMTYCKE={"DECLARATION": broken}):
        errors = check_samtycke()
    assert [e.id for e in errors] == ["samtycke.E002"]
    assert "did you mean 'analytics'?" in errors[0].msg
    with override_settings(SAMTYCKE={"DECLARATION": SHOP}):
        assert check_samtycke() == []


@pytest.mark.parametrize(
    ("raw", "message"),
    [
        (None, "settings.SAMTYCKE must be a dict"),
        ({"DECLARATION": SHOP, "INJECTT": True}, "'INJECTT' (did you mean 'INJECT'?)"),
        ({}, "settings.SAMTYCKE['DECLARATION'] has value None"),
        ({"DECLARATION": SHOP, "UNDECLARED": "drop"}, "'UNDECLARED'] has value 'drop'; use one of"),
        ({"DECLARATION": SHOP, "INJECT": "maybe"}, "'INJECT'] has value 'maybe': use True or"),
        ({"DECLARATION": SHOP, "BANNER_SRC": 3}, "'BANNER_SRC'] has value 3"),
    ],
)
def test_bad_settings_name_the_key(raw: object, message: str) -> None:
    with pytest.raises(ImproperlyConfigured) as err:
        SamtyckeSettings.from_dict(raw)
    assert message in str(err.value)


latin1 = st.text(st.characters(min_codepoint=32, max_codepoint=255), max_size=300)


@hypothesis_settings(max_examples=examples(60), deadline=None)
@given(latin1 | latin1.map(lambda t: "samtycke=" + t), latin1)
def test_hostile_cookies_and_signals_never_500(cookie: str, signal: str) -> None:
    r = Client(HTTP_COOKIE=cookie, HTTP_SEC_GPC=signal, HTTP_DNT=signal).get("/")
    assert r.status_code == 200
    assert r.content == b"analytics=False"
