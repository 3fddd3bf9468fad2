"""The Flask extension: flask.g.consent, stripped cookies, the template global."""

from __future__ import annotations

import time
from pathlib import Path

import pytest
from flask import Flask, g, make_response, render_template_string
from hypothesis import given, settings
from hypothesis import strategies as st

from samtycke.consent import encode_consent_cookie
from samtycke.contrib.flask import Samtycke
from tests.enforce.conftest import SHOP_FP
from tests.profiles import examples

SHOP = Path(__file__).resolve().parent.parent / "enforce" / "shop.toml"


def make_app(**config: object) -> Flask:
    app = Flask(__name__)
    app.config.update(SAMTYCKE_DECLARATION=SHOP, **config)

    @app.get("/")
    def home() -> object:
        response = make_response(
            f"analytics={g.consent.allows('analytics')} via {g.consent.source}"
        )
        response.set_cookie("sessionid", "s1")
        response.set_cookie("_ga_X1", "GS1")
        response.set_cookie("_fbp", "fb")
        return response

    @app.get("/page")
    def page() -> str:
        return render_template_string(
            "<html><head>{{ samtycke_script() }}</head><body></body></html>"
        )

    Samtycke(app)
    return app


def cookie_names(response: object) -> list[str]:
    return [h.split("=", 1)[0] for h in response.headers.getlist("Set-Cookie")]  # type: ignore[attr-defined]


def test_g_consent_and_stripped_cookies() -> None:
    client = make_app().test_client(use_cookies=False)
    r = client.get("/")
    assert r.text == "analytics=False via none"
    assert cookie_names(r) == ["sessionid"]
    value = encode_consent_cookie(["analytics"], 3, timestamp=time.time(), fingerprint=SHOP_FP)
    r = client.get("/", headers={"Cookie": f"samtycke={value}"})
    assert r.text == "analytics=True via cookie"
    assert cookie_names(r) == ["sessionid", "_ga_X1"]
    assert client.get("/", headers={"Sec-GPC": "1"}).text == "analytics=False via gpc"


def test_template_global_renders_the_script() -> None:
    r = make_app(SAMTYCKE_BANNER_SRC="/b.js").test_client().get("/page")
    assert r.text == '<html><head><script src="/b.js" defer></script></head><body></body></html>'


def test_injection_when_enabled() -> None:
    app = make_app(SAMTYCKE_INJECT=True)

    @app.get("/plain")
    def plain() -> str:
        return "<html><head><title>p</title></head><body></body></html>"

    r = app.test_client().get("/plain")
    assert r.text == (
        '<html><head><title>p</title><script src="/samtycke/samtycke.js" defer></script>'
        "</head><body></body></html>"
    )
    assert r.headers["Content-Length"] == str(len(r.data))


def test_missing_or_bad_config_is_a_clear_error() -> None:
    with pytest.raises(ValueError, match="SAMTYCKE_DECLARATION"):
        Samtycke(Flask(__name__))
    app = Flask(__name__)
    app.config.update(SAMTYCKE_DECLARATION=SHOP, SAMTYCKE_UNDECLARED="nope")
    with pytest.raises(ValueError, match="SAMTYCKE_UNDECLARED has value 'nope'"):
        Samtycke(app)


_hostile_app = make_app()
latin1 = st.text(st.characters(min_codepoint=32, max_codepoint=255), max_size=300)


@settings(max_examples=examples(60), deadline=None)
@given(latin1 | latin1.map(lambda t: "samtycke=" + t), latin1)
def test_hostile_cookies_and_signals_never_500(cookie: str, signal: str) -> None:
    client = _hostile_app.test_client(use_cookies=False)
    r = client.get("/", headers={"Cookie": cookie, "Sec-GPC": signal, "DNT": signal})
    assert r.status_code == 200
    assert r.text.startswith("analytics=False")
