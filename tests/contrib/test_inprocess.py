"""The in-process consent service behind every framework integration, without a browser."""

from __future__ import annotations

import asyncio
import json
import logging
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

import httpx
import pytest
from flask import Flask, render_template_string

from samtycke.contrib.flask import Samtycke as FlaskSamtycke
from samtycke.contrib.settings import SettingError, as_bool
from samtycke.contrib.starlette import Samtycke
from samtycke.errors import DeclarationError
from samtycke.ledger import Ledger
from tests.contrib.bodies import consent_body

SHOP = Path(__file__).resolve().parent.parent / "enforce" / "shop.toml"


def flask_app(**config: object) -> Flask:
    app = Flask(__name__)
    app.config.update(SAMTYCKE_DECLARATION=SHOP, **config)

    @app.get("/page")
    def page() -> str:
        return render_template_string(
            "<html><head>{{ samtycke_script() }}</head><body></body></html>"
        )

    FlaskSamtycke(app)
    return app


@pytest.mark.parametrize(
    ("value", "expected"),
    [(True, True), ("False", False), ("false", False), ("0", False), ("off", False), ("ON", True)],
)
def test_booleans_from_text(value: object, expected: bool) -> None:
    assert as_bool(value, "X") is expected


@pytest.mark.parametrize("value", ["maybe", 2, None, ""])
def test_a_bad_boolean_names_the_key(value: object) -> None:
    with pytest.raises(SettingError, match=r"^SAMTYCKE_INJECT has value .*: use True or False"):
        as_bool(value, "SAMTYCKE_INJECT")


def test_flask_inject_false_as_text_is_false() -> None:
    body = flask_app(SAMTYCKE_INJECT="False").test_client().get("/page").text
    assert (
        body
        == '<html><head><script src="/samtycke/samtycke.js" defer></script></head><body></body></html>'
    )


def test_flask_inject_and_the_template_global_give_one_banner() -> None:
    body = flask_app(SAMTYCKE_INJECT="true").test_client().get("/page").text
    assert body.count("samtycke.js") == 1


def test_flask_bad_config_stops_the_app() -> None:
    with pytest.raises(SettingError, match="SAMTYCKE_INJECT has value 'maybe'"):
        flask_app(SAMTYCKE_INJECT="maybe")
    with pytest.raises(
        SettingError, match=r"'SAMTYCKE_INJCT' \(did you mean 'SAMTYCKE_INJECT'\?\)"
    ):
        flask_app(SAMTYCKE_INJCT=True)


def test_flask_blueprint_records_in_postgresql(pg_url: str) -> None:
    client = flask_app(SAMTYCKE_DB=pg_url).test_client()
    r = client.post("/samtycke/v1/consents", json=consent_body(SHOP))
    assert r.status_code == 201, r.text
    client.application.extensions["samtycke"].service.stop()
    with Ledger(pg_url, create=False) as led:
        (rec,) = led.iter_records()
    assert rec.decision.record_id == r.json["record_id"]


def test_flask_blueprint_pages(tmp_path: Path) -> None:
    client = flask_app(SAMTYCKE_DB=f"sqlite:///{tmp_path / 'l.db'}").test_client()
    assert client.get("/samtycke/cookies/en").status_code == 200
    assert (
        client.get("/samtycke/cookies", headers={"Accept-Language": "en"})
        .headers["Location"]
        .endswith("/samtycke/cookies/en")
    )
    missing = client.get("/samtycke/cookies/fi")
    assert missing.status_code == 404 and "not one of the site's" in missing.json["error"]
    assert client.get("/samtycke/v1/consents").status_code == 405


def run_asgi(app: Any, requests: list[tuple[str, str, Any]]) -> list[httpx.Response]:
    """Send ``requests`` to ``app`` with its lifespan running (in a worker thread's loop)."""

    async def go() -> list[httpx.Response]:
        async with samtycke_lifespan(app):
            transport = httpx.ASGITransport(app=app)
            async with httpx.AsyncClient(transport=transport, base_url="http://testserver") as c:
                return [await c.request(m, u, json=b) for m, u, b in requests]

    with ThreadPoolExecutor(max_workers=1) as pool:
        return pool.submit(asyncio.run, go()).result()


def samtycke_lifespan(app: Any) -> Any:
    return app.router.lifespan_context(app)


def test_starlette_mount_records_consents(tmp_path: Path) -> None:
    from starlette.applications import Starlette
    from starlette.routing import Mount

    db = f"sqlite:///{tmp_path / 'l.db'}"
    s = Samtycke(SHOP, db=db)
    app = Starlette(routes=[Mount("/samtycke", app=s.app)], lifespan=s.lifespan)
    js, ok, bad = run_asgi(
        app,
        [
            ("GET", "/samtycke/samtycke.js", None),
            ("POST", "/samtycke/v1/consents", consent_body(SHOP)),
            ("POST", "/samtycke/v1/consents", {"site": "shop"}),
        ],
    )
    assert b'"endpoint":"/samtycke/v1/consents"' in js.content
    assert ok.status_code == 201 and bad.status_code == 422
    with Ledger(db, create=False) as led:
        (rec,) = led.iter_records()
    assert rec.decision.record_id == ok.json()["record_id"]


def test_a_broken_declaration_stops_the_lifespan(tmp_path: Path) -> None:
    from fastapi import FastAPI

    broken = tmp_path / "samtycke.toml"
    broken.write_text(SHOP.read_text().replace('category = "analytics"', 'category = "analytcs"'))
    s = Samtycke(broken, db=f"sqlite:///{tmp_path / 'l.db'}")
    app = FastAPI(lifespan=s.lifespan)
    app.mount("/samtycke", s.app)
    with pytest.raises(DeclarationError, match="did you mean 'analytics'"):
        run_asgi(app, [])


def test_refusals_are_logged(tmp_path: Path, caplog: pytest.LogCaptureFixture) -> None:
    client = flask_app(SAMTYCKE_DB=f"sqlite:///{tmp_path / 'l.db'}").test_client()
    body = consent_body(SHOP)
    with caplog.at_level(logging.WARNING, "samtycke.server"):
        r = client.post(
            "/samtycke/v1/consents", json=body, headers={"Origin": "https://elsewhere.example"}
        )
        client.post("/samtycke/v1/consents", data=json.dumps({**body, "revision": "x"}))
    assert r.status_code == 403
    lines = [rec.getMessage() for rec in caplog.records if rec.name == "samtycke.server"]
    assert lines[0] == (
        "consent refused (403) for site shop, field site: origin 'https://elsewhere.example' "
        "is not a domain of site 'shop'"
    )
    assert lines[1].startswith("consent refused (422) for site shop, field revision: ")
