"""Address pseudonymisation and the per-address token bucket."""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from samtycke.server import ServerConfig
from samtycke.server.client import RateLimiter, pseudonymise_ip
from tests import web
from tests.server.conftest import LiveServer, consent_body, write_site


@pytest.mark.parametrize(
    ("address", "mode", "stored"),
    [
        ("203.0.113.77", "truncate", "203.0.113.0"),
        ("2001:db8:abcd:12:1:2:3:4", "truncate", "2001:db8:abcd::"),
        ("::ffff:198.51.100.9", "truncate", "198.51.100.0"),
        ("203.0.113.77", "full", "203.0.113.77"),
        ("203.0.113.77", "off", None),
        ("testclient", "truncate", None),
        (None, "truncate", None),
    ],
)
def test_pseudonymise(address: str | None, mode: str, stored: str | None) -> None:
    assert pseudonymise_ip(address, mode) == stored


@given(st.ip_addresses())
def test_truncation_never_keeps_host_bits(ip: object) -> None:
    out = pseudonymise_ip(str(ip))
    assert out is not None
    if ":" in out:
        assert out.endswith("::") or out == "::"
    else:
        assert out.endswith(".0")


def test_token_bucket_refills() -> None:
    limiter = RateLimiter(rate=2, burst=3)
    assert [limiter.take("a", now=0.0) for _ in range(3)] == [0.0, 0.0, 0.0]
    assert limiter.take("a", now=0.0) == pytest.approx(0.5)
    assert limiter.take("b", now=0.0) == 0.0  # another network has its own bucket
    assert limiter.take("a", now=0.6) == 0.0
    assert RateLimiter(0, 0).take("a") == 0.0


def test_the_server_answers_429_with_retry_after(tmp_path: Path) -> None:
    decl = write_site(tmp_path, "shop", "shop.example")
    cfg = ServerConfig(declaration=decl, db=f"sqlite:///{tmp_path / 'l.db'}", rate=0.01, burst=2)
    with LiveServer(cfg) as live:
        codes = [
            web.post(live.url + "/v1/consents", json=consent_body(live)).status_code
            for _ in range(4)
        ]
        assert codes == [201, 201, 429, 429]
        r = web.post(live.url + "/v1/consents", json=consent_body(live))
        assert r.json()["error"] and int(r.headers["retry-after"]) >= 1
        assert live.state.ledger.count() == 2
