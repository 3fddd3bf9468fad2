"""``samtycke serve`` tells the banner about ``Sec-GPC: 1``, exactly as the GPC spec writes it."""

from __future__ import annotations

import pytest

from tests import web
from tests.server.conftest import LiveServer


@pytest.mark.parametrize(("header", "flagged"), [("1", True), ("0", False), (None, False)])
def test_the_served_script_carries_the_header_as_a_flag(
    server: LiveServer, header: str | None, flagged: bool
) -> None:
    headers = {"Sec-GPC": header} if header is not None else {}
    r = web.get(server.url + "/v1/sites/shop/samtycke.js", headers=headers)
    assert r.status_code == 200
    config = r.text.split(";\n", 1)[0]
    assert ('"gpc":true' in config) is flagged
    assert "Sec-GPC" in r.headers["vary"]  # caches keep both answers apart


def test_the_config_route_is_the_same_for_everyone(server: LiveServer) -> None:
    plain = web.get(server.url + "/v1/sites/shop").json()
    assert "gpc" not in plain
    assert plain["global_privacy_control"] == "necessary-only"
