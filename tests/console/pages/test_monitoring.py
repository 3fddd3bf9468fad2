"""The Monitoring page in a real Chromium (axe-core) and over HTTP: scans, news, reports."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

from samtycke.console.users import add_user
from samtycke.monitor import history
from samtycke.server import ServerConfig
from tests.console.conftest import PASSWORDS, log_in
from tests.console.test_html import page, sign_in
from tests.e2e.banner.test_banner_access import axe_violations
from tests.monitor.estate import write_declaration
from tests.server.conftest import LiveServer

__all__ = ["page"]  # the console's axe-friendly page fixture

URL = "https://watched.example/"


def _report(cookies: list[str], violations: list[tuple[str, str]]) -> dict[str, Any]:
    return {
        "schema": 2,
        "url": URL,
        "pages": [URL, URL + "about"],
        "cookies": [
            {
                "name": n,
                "domain": "watched.example",
                "category": None,
                "phases": ["before-consent"],
                "pages": [URL],
            }
            for n in cookies
        ],
        "violations": [
            {"kind": k, "cookie": c, "page": URL, "phase": "before-consent", "detail": f"{k} <{c}>"}
            for k, c in violations
        ],
    }


@pytest.fixture(scope="module")
def monitored(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[LiveServer, list[str]]]:
    """A live server for a monitored site with two stored scans, the second with news."""
    folder = tmp_path_factory.mktemp("sites")
    write_declaration(folder, "watched", URL, extra='alert_email = "privacy@watched.example"')
    db = tmp_path_factory.mktemp("db") / "ledger.db"
    config = ServerConfig(declaration=folder, db=f"sqlite:///{db}", rate=0, burst=0)
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("SAMTYCKE_MONITOR", "off")  # the scans are stored by the test, not run
        with LiveServer(config) as live:
            engine = live.state.ledger.engine
            add_user(engine, "ada", "admin", PASSWORDS["ada"])
            add_user(engine, "vic", "viewer", PASSWORDS["vic"])
            first = history.claim(engine, "watched", URL, 1)
            second = history.claim(engine, "watched", URL, 2)
            assert first is not None and second is not None
            history.finish(engine, first, _report(["sid"], []), [], [])
            news = [{"name": "_fbp", "domain": "watched.example"}]
            bad = _report(["sid", "_fbp"], [("undeclared", "_fbp")])
            history.finish(engine, second, bad, news, bad["violations"])
            yield live, [first, second]


def test_the_page_marks_what_is_new_and_passes_axe(
    page: Any, monitored: tuple[LiveServer, list[str]]
) -> None:
    server, (_, second) = monitored
    sign_in(page, server, "vic")
    page.goto(f"{server.url}/console/monitoring")
    assert page.locator("h1").inner_text() == "Monitoring"
    assert page.locator("h2").inner_text() == "Watched (watched)"
    assert "Every 1 day: https://watched.example/" in page.locator("main").inner_text()
    overview = page.locator("table").first.locator("tbody tr").inner_text().split("\t")
    assert overview[:3] == ["watched", "every 1 day", URL] and overview[4] == "done"
    marks = page.locator("table mark").all_inner_texts()
    assert marks == ["new violation undeclared: _fbp", "new cookie _fbp (watched.example)"]
    assert page.locator("section tbody tr").count() == 2
    assert axe_violations(page) == []
    page.click(f'a[href="/console/monitoring?scan={second}"]')
    page.wait_for_url(f"{server.url}/console/monitoring?scan={second}")
    assert page.locator("h2").inner_text() == f"Scan {second}"
    rows = page.locator("table").nth(1).locator("tbody tr").all_inner_texts()
    assert [r.split("\t")[:3] for r in rows] == [
        ["sid", "watched.example", ""],
        ["_fbp", "watched.example", "new"],
    ]
    assert "undeclared <_fbp>" in page.locator("table").first.inner_text()  # text, not markup
    assert axe_violations(page) == []


def test_each_report_is_there_as_json(monitored: tuple[LiveServer, list[str]]) -> None:
    server, (first, _) = monitored
    c = log_in(server, "vic")
    answer = c.get(f"/console/monitoring?scan={first}&format=json")
    assert answer.status_code == 200 and answer.json()["schema"] == 2
    assert c.get("/console/monitoring?scan=nope").status_code == 404
    assert c.get("/console/monitoring?scan=" + "x" * 500).status_code == 404


def test_without_a_session_the_page_sends_to_the_login(
    monitored: tuple[LiveServer, list[str]],
) -> None:
    from tests import web

    server, (first, _) = monitored
    answer = web.get(f"{server.url}/console/monitoring?scan={first}&format=json")
    assert answer.status_code == 303 and answer.headers["location"] == "/console/login"
