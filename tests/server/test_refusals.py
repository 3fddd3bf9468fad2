"""The refusal log: one line per refusal, at most LIMIT per window, the rest counted."""

from __future__ import annotations

import logging
from pathlib import Path

import httpx
import pytest

from samtycke.server import refusals
from samtycke.server.config import ServerConfig
from samtycke.server.refusals import RefusalLog
from tests.server.conftest import LiveServer, consent_body, write_site


def test_a_flood_is_cut_and_counted(caplog: pytest.LogCaptureFixture) -> None:
    now = [100.0]
    log = RefusalLog(logging.getLogger("samtycke.test"), limit=2, window=10, clock=lambda: now[0])
    with caplog.at_level(logging.WARNING, "samtycke.test"):
        written = [log.refused(422, "bad", None, "POST /v1/consents") for _ in range(5)]
        now[0] += 10  # the next window
        log.refused(403, "origin", "https://x.example", "POST /v1/consents")
    assert written == [True, True, False, False, False]
    assert [r.getMessage() for r in caplog.records] == [
        "refused 422 POST /v1/consents: bad",
        "refused 422 POST /v1/consents: bad",
        "3 more refusals were not logged",
        "refused 403 POST /v1/consents from origin 'https://x.example': origin",
    ]


def test_a_page_on_localhost_posts_and_a_foreign_origin_is_logged(
    tmp_path: Path, caplog: pytest.LogCaptureFixture, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(refusals, "_LOG", RefusalLog())  # an empty window
    decl = write_site(tmp_path, "dev", "localhost")
    config = ServerConfig(declaration=decl, db=f"sqlite:///{tmp_path / 'l.db'}", rate=0, burst=0)
    with LiveServer(config) as live, caplog.at_level(logging.WARNING, "samtycke.server"):
        body = {**consent_body(live, "dev"), "url": "http://localhost:5173/"}
        url = live.url + "/v1/consents"
        ok = httpx.post(url, json=body, headers={"Origin": "http://localhost:5173"})
        refused = httpx.post(url, json=body, headers={"Origin": "http://evil.example"})
        bad = httpx.post(url, json={**body, "language": 5})
    assert ok.status_code == 201, ok.text
    assert (refused.status_code, bad.status_code) == (403, 422)
    lines = [r.getMessage() for r in caplog.records if r.name == "samtycke.server"]
    assert lines[0].startswith("refused 403 POST /v1/consents from origin 'http://evil.example'")
    assert lines[1].startswith("refused 422 POST /v1/consents: ")
