"""A page on localhost can post; refused origins and invalid bodies are logged."""

from __future__ import annotations

import logging
from pathlib import Path

import pytest

from samtycke.server.config import ServerConfig
from tests import web
from tests.server.conftest import LiveServer, consent_body, write_site


def test_a_page_on_localhost_posts_and_a_foreign_origin_is_logged(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    decl = write_site(tmp_path, "dev", "localhost")
    config = ServerConfig(declaration=decl, db=f"sqlite:///{tmp_path / 'l.db'}", rate=0, burst=0)
    with LiveServer(config) as live, caplog.at_level(logging.WARNING, "samtycke.server"):
        body = {**consent_body(live, "dev"), "url": "http://localhost:5173/"}
        url = live.url + "/v1/consents"
        ok = web.post(url, json=body, headers={"Origin": "http://localhost:5173"})
        refused = web.post(url, json=body, headers={"Origin": "http://evil.example"})
        bad = web.post(url, json={**body, "language": 5})
    assert ok.status_code == 201, ok.text
    assert (refused.status_code, bad.status_code) == (403, 422)
    lines = [r.getMessage() for r in caplog.records if r.name == "samtycke.server"]
    assert lines == [
        "consent refused (403) for site dev, field site: origin 'http://evil.example' is not "
        "a domain of site 'dev'",
        lines[1],
    ]
    assert lines[1].startswith("consent refused (422) for site dev, field language: ")
