"""``POST /v1/sites/{site}/displays``: strict checks, sums in memory, totals in the table."""

from __future__ import annotations

import datetime as dt
import json
import time
from typing import Any

import httpx
import pytest
from sqlalchemy import select

from samtycke.ledger import schema
from samtycke.server import ServerConfig
from tests import web
from tests.server.conftest import LiveServer, write_site

GOOD = {"displays": [{"language": "sv", "layer": "banner", "count": 2}]}


def totals(server: LiveServer) -> dict[tuple[str, str, str, str], int]:
    server.app.state.console.displays.flush(server.state.ledger.engine)
    d = schema.console_displays
    with server.state.ledger.engine.connect() as conn:
        rows = conn.execute(select(d.c.site, d.c.day, d.c.language, d.c.layer, d.c["count"])).all()
    return {tuple(r[:4]): int(r[4]) for r in rows}


def post(server: LiveServer, body: object, site: str = "shop", **headers: str) -> httpx.Response:
    raw = body if isinstance(body, bytes) else json.dumps(body).encode()
    return web.post(
        f"{server.url}/v1/sites/{site}/displays",
        content=raw,
        headers={"content-type": "text/plain;charset=UTF-8", **headers},
    )


def test_beacons_add_up_per_day_language_and_layer(console: LiveServer) -> None:
    today = dt.datetime.now(dt.UTC).date().isoformat()
    before = totals(console)
    assert post(console, GOOD).status_code == 204
    body = {
        "displays": [
            {"language": "en", "layer": "settings", "count": 1},
            {"language": "sv", "layer": "banner", "count": 3},
        ]
    }
    assert post(console, body, origin="https://shop.example").status_code == 204
    after = totals(console)
    assert (
        after.get(("shop", today, "sv", "banner"), 0)
        - before.get(("shop", today, "sv", "banner"), 0)
        == 5
    )
    assert (
        after.get(("shop", today, "en", "settings"), 0)
        - before.get(("shop", today, "en", "settings"), 0)
        == 1
    )


@pytest.mark.parametrize(
    ("body", "status", "says"),
    [
        (b"not json", 400, "not valid JSON"),
        ([1], 400, "must be a JSON object"),
        ({"displays": []}, 422, "non-empty list"),
        (
            {"displays": GOOD["displays"], "consent_id": "ab" * 16},
            422,
            "unknown field 'consent_id'",
        ),
        ({"displays": [{"language": "de", "layer": "banner", "count": 1}]}, 422, "language 'de'"),
        (
            {"displays": [{"language": "sv", "layer": "popup", "count": 1}]},
            422,
            "layer must be one of",
        ),
        ({"displays": [{"language": "sv", "layer": "banner", "count": 0}]}, 422, "count must be"),
        ({"displays": [{"language": "sv", "layer": "banner", "count": 101}]}, 422, "count must be"),
        (
            {"displays": [{"language": "sv", "layer": "banner", "count": True}]},
            422,
            "count must be",
        ),
        (
            {"displays": [{"language": "sv", "layer": "banner", "count": 1, "url": "x"}]},
            422,
            "nothing else",
        ),
        (
            {"displays": [{"language": "sv", "layer": "banner", "count": 1}] * 17},
            422,
            "more than 16",
        ),
        (b"x" * 3000, 413, "larger than 2048"),
    ],
)
def test_bad_beacons_are_refused_and_count_nothing(
    console: LiveServer, body: object, status: int, says: str
) -> None:
    before = totals(console)
    answer = post(console, body)
    assert answer.status_code == status
    assert says in answer.json()["error"]
    assert totals(console) == before


def test_unknown_site_and_foreign_origin(console: LiveServer) -> None:
    assert post(console, GOOD, site="nope").status_code == 404
    answer = post(console, GOOD, origin="https://evil.example")
    assert answer.status_code == 403 and "not a domain of site" in answer.json()["error"]


def test_beacons_spend_the_rate_limit_like_a_consent(
    tmp_path_factory: pytest.TempPathFactory,
) -> None:
    folder = tmp_path_factory.mktemp("sites")
    write_site(folder, "shop", "shop.example")
    config = ServerConfig(declaration=folder, db=f"sqlite:///{folder / 'l.db'}", rate=1, burst=3)
    with LiveServer(config) as live:
        codes = [post(live, GOOD).status_code for _ in range(6)]
        assert codes[:3] == [204, 204, 204] and 429 in codes[3:]


def test_what_is_held_in_memory_is_written_at_shutdown(
    tmp_path_factory: pytest.TempPathFactory,
) -> None:
    folder = tmp_path_factory.mktemp("sites")
    write_site(folder, "shop", "shop.example")
    db = f"sqlite:///{folder / 'l.db'}"
    with LiveServer(ServerConfig(declaration=folder, db=db, rate=0, burst=0)) as live:
        assert post(live, GOOD).status_code == 204
    from samtycke.ledger import Ledger

    with Ledger(db) as led, led.engine.connect() as conn:
        total = conn.execute(select(schema.console_displays.c["count"])).scalars().all()
    assert total == [2]


HIDE = (
    "Object.defineProperty(document, 'visibilityState', {value: 'hidden', configurable: true});"
    "document.dispatchEvent(new Event('visibilitychange'))"
)


def test_a_real_banner_beacons_its_displays_and_nothing_else(
    console: LiveServer, page: Any
) -> None:
    # A page of the shop that loads samtycke.js from the consent server (served from the
    # server's origin: Chromium keeps a public origin from reaching 127.0.0.1).
    html = (
        '<!doctype html><html lang="sv"><body><p>Shop</p>'
        f'<script src="{console.url}/v1/sites/shop/samtycke.js"></script></body></html>'
    )
    page.route(f"{console.url}/shop", lambda r: r.fulfill(body=html, content_type="text/html"))
    today = dt.datetime.now(dt.UTC).date().isoformat()
    before = totals(console)
    page.goto(f"{console.url}/shop")
    page.locator(".stk-b").wait_for()
    page.click(".stk-b [data-samtycke-action=settings]")
    page.locator(".stk-m").wait_for()
    page.click(".stk-m [data-samtycke-action=reject-all]")  # a decision: its cookie is set now
    page.wait_for_function("document.cookie.includes('samtycke=')")
    with page.expect_request(lambda r: r.url.endswith("/displays")) as sent:
        page.evaluate(HIDE)  # the tab is hidden: the sums leave now
    request = sent.value
    assert request.url == f"{console.url}/v1/sites/shop/displays"  # no query string
    assert json.loads(request.post_data) == {
        "displays": [
            {"language": "sv", "layer": "banner", "count": 1},
            {"language": "sv", "layer": "settings", "count": 1},
        ]
    }
    headers = request.all_headers()
    # Not the consent cookie (it holds the consent id), not the page's address either.
    assert "cookie" not in headers and "authorization" not in headers and "referer" not in headers
    # A new page shows the banner again; leaving it (pagehide) sends that display.
    page.context.clear_cookies()
    page.evaluate("localStorage.clear()")
    page.reload()
    page.locator(".stk-b").wait_for()
    page.goto("about:blank")
    want = {("shop", today, "sv", "banner"): 2, ("shop", today, "sv", "settings"): 1}
    deadline = time.monotonic() + 20
    while time.monotonic() < deadline:
        after = totals(console)
        if all(after.get(k, 0) - before.get(k, 0) == n for k, n in want.items()):
            break
        time.sleep(0.1)
    assert {k: after.get(k, 0) - before.get(k, 0) for k in want} == want
