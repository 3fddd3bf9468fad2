"""The consent POST's request side: per-service refusals, source, decision id, privacy signals."""

from __future__ import annotations

import logging
import sqlite3
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest

from samtycke.ledger import Decision
from samtycke.server import ServerConfig
from samtycke.server.refusals import RefusalLog
from tests import web
from tests.server.conftest import LiveServer, db_url

__all__ = ["db_url"]

SITE = """
[site]
id = "cafe"
name = "Cafe"
controller = "Cafe AB"
contact = "privacy@cafe.example"
domains = ["cafe.example"]
languages = ["en"]
{signals}

[[services]]
id = "google-analytics"
name = "Google Analytics"
provider = "Google"
category = "analytics"

[[services]]
id = "hotjar"
name = "Hotjar"
provider = "Hotjar"
category = "analytics"

[[services]]
id = "tiktok"
name = "TikTok pixel"
provider = "TikTok"
category = "marketing"

[[cookies]]
name = "theme"
category = "functional"
expires = "1 year"
purpose = "Remembers the theme."

[[cookies]]
name = "_ga"
service = "google-analytics"
expires = "2 years"
purpose = "Counts visits."

[[cookies]]
name = "_hjid"
service = "hotjar"
expires = "1 year"
purpose = "Records sessions."

[[cookies]]
name = "_ttp"
service = "tiktok"
expires = "1 year"
purpose = "Ads."
"""


def cafe(folder: Path, signals: str = "") -> Path:
    path = folder / "cafe.toml"
    path.write_text(SITE.format(signals=signals), encoding="utf-8")
    return path


class Spy:
    """Records every decision the real group writer is handed, then lets it through."""

    def __init__(self, server: LiveServer) -> None:
        self.decisions: list[Decision] = []
        writer = server.state.writer
        real = writer.submit

        async def submit(decision: Decision) -> Any:
            self.decisions.append(decision)
            return await real(decision)

        writer.submit = submit


@pytest.fixture
def live(tmp_path: Path, db_url: str) -> Iterator[LiveServer]:
    config = ServerConfig(declaration=cafe(tmp_path), db=db_url, rate=0, burst=0)
    with LiveServer(config) as server:
        yield server


def body(server: LiveServer, **changes: Any) -> dict[str, Any]:
    site = server.state.sites["cafe"]
    out: dict[str, Any] = {
        "site": "cafe",
        "revision": 1,
        "fingerprint": site.fingerprint,
        "language": "en",
        "method": "custom",
        "choices": {"necessary": True, "functional": False, "analytics": True, "marketing": False},
    }
    out.update(changes)
    return out


def post(server: LiveServer, data: dict[str, Any]) -> httpx.Response:
    return web.post(server.url + "/v1/consents", json=data)


def test_service_refusals_reach_the_ledger(live: LiveServer) -> None:
    spy = Spy(live)
    hotjar = post(live, body(live, refused_services=["hotjar"], source="settings"))
    both = post(live, body(live, refused_services=["hotjar", "google-analytics"]))
    assert (hotjar.status_code, both.status_code) == (201, 201)
    assert [d.refused_services for d in spy.decisions] == [
        ("hotjar",),
        ("google-analytics", "hotjar"),
    ]
    assert [d.source for d in spy.decisions] == ["settings", "banner"]
    cid = hotjar.json()["consent_id"]
    history = web.get(f"{live.url}/v1/consents/{cid}").json()["decisions"]
    assert [(r["refused_services"], r["source"]) for r in history] == [(["hotjar"], "settings")]
    stored = [r.decision.refused_services for r in live.state.ledger.iter_records()]
    assert stored == [("hotjar",), ("google-analytics", "hotjar")]


def test_the_decision_id_is_kept_for_idempotent_retries(live: LiveServer) -> None:
    spy = Spy(live)
    did = "ab" * 16
    assert post(live, body(live, decision_id=did)).status_code == 201
    assert spy.decisions[0].decision_id == did


@pytest.mark.parametrize(
    ("changes", "field", "words"),
    [
        (
            {"refused_services": ["tiktok"]},
            "refused_services",
            "'marketing', which is not accepted",
        ),
        ({"refused_services": ["segment"]}, "refused_services", "not a service of the site"),
        ({"refused_services": "hotjar"}, "refused_services", "must be a list"),
        ({"refused_services": [1]}, "refused_services", "not a service"),
        ({"decision_id": "AB" * 16}, "decision_id", "32 lower-case hex"),
        ({"decision_id": "ab" * 16 + "\n"}, "decision_id", "32 lower-case hex"),
        ({"source": "cli"}, "source", "not one of banner, settings, api"),
        ({"source": "gpc"}, "source", "a privacy signal is both"),
        ({"method": "dnt", "source": "banner"}, "source", "a privacy signal is both"),
    ],
)
def test_bad_new_fields_are_refused_naming_the_field(
    live: LiveServer, changes: dict[str, Any], field: str, words: str
) -> None:
    r = post(live, body(live, **changes))
    assert r.status_code == 422
    assert r.json()["field"] == field and words in r.json()["error"]


def test_a_privacy_signal_cannot_accept_more_than_its_mode(live: LiveServer) -> None:
    none = {"necessary": True, "functional": False, "analytics": False, "marketing": False}
    functional = {**none, "functional": True}
    assert post(live, body(live, method="gpc", source="gpc", choices=none)).status_code == 201
    r = post(live, body(live, method="gpc", source="gpc", choices=functional))
    assert r.status_code == 422 and "necessary-only" in r.json()["error"]
    analytics = {**none, "analytics": True}
    assert post(live, body(live, method="dnt", source="dnt", choices=analytics)).status_code == 422


def test_necessary_and_functional_lets_a_signal_keep_functional(tmp_path: Path) -> None:
    decl = cafe(tmp_path, 'do_not_track = "necessary-and-functional"')
    db = f"sqlite:///{tmp_path / 'l.db'}"
    with LiveServer(ServerConfig(declaration=decl, db=db, rate=0, burst=0)) as server:
        choices = {"necessary": True, "functional": True, "analytics": False, "marketing": False}
        assert (
            post(server, body(server, method="dnt", source="dnt", choices=choices)).status_code
            == 201
        )
        r = post(server, body(server, method="gpc", source="gpc", choices=choices))
        assert r.status_code == 422  # GPC keeps the default, necessary-only


def test_an_unknown_fingerprint_is_looked_up_off_the_event_loop(live: LiveServer) -> None:
    seen: list[str] = []
    ledger = live.state.ledger
    real = ledger.snapshot

    def snapshot(fp: str) -> Any:
        seen.append(threading.current_thread().name)
        return real(fp)

    ledger.snapshot = snapshot
    r = post(live, body(live, fingerprint="e" * 64))
    assert r.status_code == 422 and r.json()["field"] == "fingerprint"
    assert seen and live.thread.name not in seen  # not the thread running the event loop


def test_a_database_fault_during_the_lookup_is_503_not_500(tmp_path: Path) -> None:
    db = tmp_path / "l.db"
    config = ServerConfig(declaration=cafe(tmp_path), db=f"sqlite:///{db}", rate=0, burst=0)
    with LiveServer(config) as server:
        with sqlite3.connect(db) as conn:  # the table goes away under the running server
            conn.execute("ALTER TABLE declaration_snapshots RENAME TO gone")
        r = post(server, body(server, fingerprint="f" * 64))
        assert r.status_code == 503 and "unavailable" in r.json()["error"]
        assert post(server, body(server)).status_code == 201  # the cached version still works


def test_every_refusal_is_logged_with_its_reason(
    live: LiveServer, caplog: pytest.LogCaptureFixture
) -> None:
    with caplog.at_level(logging.WARNING, logger="samtycke.server"):
        post(live, body(live, fingerprint="e" * 64))
        web.post(live.url + "/v1/consents", content=b"[1]")
    lines = [r.getMessage() for r in caplog.records if r.name == "samtycke.server"]
    assert any("(422) for site cafe, field fingerprint" in line for line in lines)
    assert any("(400)" in line and "JSON object" in line for line in lines)


def test_refusal_logging_is_rate_limited(caplog: pytest.LogCaptureFixture) -> None:
    now = [0.0]
    log = RefusalLog(logging.getLogger("samtycke.test"), burst=2, window=60, clock=lambda: now[0])
    with caplog.at_level(logging.WARNING, logger="samtycke.test"):
        for _ in range(5):
            log.refused(422, "bad", "cafe", "choices")
        now[0] = 61.0
        log.refused(422, "bad again", "cafe", "choices")
    lines = [r.getMessage() for r in caplog.records]
    assert len(lines) == 3
    assert lines[-1].endswith("bad again (3 more refusals were not logged)")
