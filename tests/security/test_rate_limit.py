"""The rate limiter: forwarding headers only from trusted proxies, no neighbour lock-out."""

from __future__ import annotations

import asyncio
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner
from starlette.types import Receive, Scope, Send

from samtycke.cli import main
from samtycke.server import ConfigError, ServerConfig, config_from_env
from samtycke.server.client import RateLimiter
from samtycke.server.config import parse_proxies
from samtycke.server.forwarded import ForwardedClient, TrustedProxies
from tests import web
from tests.security.conftest import GuardedServer, consent_body, write_site


def test_one_busy_host_does_not_lock_out_its_neighbours() -> None:
    limiter = RateLimiter(rate=10, burst=60)
    # 550 requests in one second from one address…
    refused = sum(limiter.take("203.0.113.5", now=i / 550) > 0 for i in range(550))
    assert refused > 450
    # …and the rest of its /24 (and IPv6 /48) still gets through.
    assert all(limiter.take(f"203.0.113.{n}", now=1.0) == 0 for n in range(6, 40))


def test_many_addresses_of_one_network_share_its_bucket() -> None:
    limiter = RateLimiter(rate=1, burst=2)
    share = limiter.burst * RateLimiter.NETWORK_SHARE
    allowed = sum(limiter.take(f"2001:db8:1:{n:x}::1", now=0.0) == 0 for n in range(share + 20))
    assert allowed == share  # one /64 per request, but one /48 bucket over them
    assert limiter.take("2001:db8:2::1", now=0.0) == 0  # the next /48 is untouched


def test_the_bucket_table_is_bounded() -> None:
    class Small(RateLimiter):
        MAX_KEYS = 100

    limiter = Small(rate=1, burst=1)
    for n in range(5000):
        limiter.take(f"10.{n // 256 % 256}.{n % 256}.1", now=0.0)
    assert len(limiter) <= 100


@pytest.mark.parametrize(
    ("allow", "forwarded", "stored"),
    [
        ("127.0.0.1", "6.6.6.6, 198.51.100.7", "198.51.100.7"),  # right-most untrusted
        ("127.0.0.1, 198.51.100.0/24", "6.6.6.6, 198.51.100.7", "6.6.6.6"),
        ("", "6.6.6.6", "127.0.0.1"),  # no trusted proxy: the header is ignored
        ("127.0.0.1", "garbage, 198.51.100.7", "198.51.100.7"),
        ("127.0.0.1", "198.51.100.7, garbage", "127.0.0.1"),
    ],
)
def test_x_forwarded_for_is_believed_from_trusted_proxies_only(
    shop: Path, tmp_path: Path, allow: str, forwarded: str, stored: str
) -> None:
    cfg = ServerConfig(
        declaration=shop,
        db=f"sqlite:///{tmp_path / 'l.db'}",
        ip_mode="full",
        forwarded_allow=allow,
        rate=0,
        burst=0,
    )
    with GuardedServer(cfg) as live:
        r = web.post(
            live.url + "/v1/consents",
            json=consent_body(live),
            headers={"X-Forwarded-For": forwarded},
        )
        assert r.status_code == 201
        (rec,) = live.state.ledger.history(r.json()["consent_id"])
        assert rec.decision.ip == stored


def test_a_spoofed_header_cannot_dodge_the_limit(shop: Path, tmp_path: Path) -> None:
    cfg = ServerConfig(declaration=shop, db=f"sqlite:///{tmp_path / 'l.db'}", rate=0.1, burst=2)
    with GuardedServer(cfg) as live:
        codes = [
            web.post(
                live.url + "/v1/consents",
                json=consent_body(live),
                headers={"X-Forwarded-For": f"{n}.{n}.{n}.{n}, 198.51.100.7"},
            ).status_code
            for n in range(1, 6)
        ]
    assert codes == [201, 201, 429, 429, 429]


def test_the_right_most_untrusted_hop_is_the_client() -> None:
    proxies = TrustedProxies(parse_proxies("10.0.0.0/8, ::1"))
    assert proxies.client("10.0.0.2", ["1.1.1.1, 10.0.0.9"]) == "1.1.1.1"
    assert proxies.client("10.0.0.2", ["1.1.1.1", "2.2.2.2"]) == "2.2.2.2"
    assert proxies.client("10.0.0.2", ["[2001:db8::5]:443"]) == "2001:db8::5"
    assert proxies.client("10.0.0.2", ["10.0.0.3"]) == "10.0.0.3"


@pytest.mark.parametrize("value", ["not-an-ip", "*", "10.0.0.0/33", "127.0.0.1, nope"])
def test_bad_proxy_settings_stop_the_server_in_one_line(tmp_path: Path, value: str) -> None:
    decl = write_site(tmp_path, "shop", "shop.example")
    env = {"SAMTYCKE_DECLARATION": str(decl), "SAMTYCKE_FORWARDED_ALLOW": value}
    with pytest.raises(ConfigError, match="SAMTYCKE_FORWARDED_ALLOW"):
        config_from_env(env)
    result = CliRunner().invoke(main, ["serve", "-d", str(decl)], env=env)
    assert result.exit_code == 2
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and "SAMTYCKE_FORWARDED_ALLOW" in lines[0], result.stderr


def test_a_bad_proxy_setting_stops_a_real_server_process_in_one_line(tmp_path: Path) -> None:
    # The same as above through `python -m samtycke`, once: no traceback
    # reaches the terminal on the way out of a real process either.
    decl = write_site(tmp_path, "shop", "shop.example")
    env = {"SAMTYCKE_DECLARATION": str(decl), "SAMTYCKE_FORWARDED_ALLOW": "10.0.0.0/33"}
    done = subprocess.run(
        [sys.executable, "-m", "samtycke", "serve", "-d", str(decl)],
        env={**env, "PATH": "/usr/bin:/bin"},
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert done.returncode == 2
    lines = done.stderr.strip().splitlines()
    assert len(lines) == 1 and "SAMTYCKE_FORWARDED_ALLOW" in lines[0], done.stderr


def test_only_short_forwarded_chains_are_remembered() -> None:
    seen: list[str] = []

    async def inner(scope: Scope, receive: Receive, send: Send) -> None:
        seen.append(scope["client"][0])

    forwarded = ForwardedClient(inner, TrustedProxies(parse_proxies("127.0.0.1")))
    long = ", ".join(["203.0.113.5"] * 100)  # thousands of characters, resolved every time
    for chain in ["198.51.100.7", long, "198.51.100.7, 127.0.0.1", long]:
        headers = [(b"x-forwarded-for", chain.encode())]
        scope = {"type": "http", "client": ("127.0.0.1", 4711), "headers": headers}
        asyncio.run(forwarded(scope, _nothing, _nothing))
    assert seen == ["198.51.100.7", "203.0.113.5", "198.51.100.7", "203.0.113.5"]
    assert forwarded._client.cache_info().currsize == 2  # the two short chains


async def _nothing(*args: object) -> Any:
    return None
