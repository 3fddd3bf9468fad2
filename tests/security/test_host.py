"""The banner's endpoint never comes from a Host the server does not serve."""

from __future__ import annotations

import asyncio
from pathlib import Path

import httpx
import pytest

from samtycke.server import ServerConfig
from samtycke.server.assets import AssetCache
from samtycke.server.hosts import host_name, trusted_host
from samtycke.server.sites import load_sites
from tests import web
from tests.security.conftest import GuardedServer, write_site
from tests.server.process import ServeProcess

EVIL = 2000  # before the fix each one kept a ~65 KB script
SERVED = 3 * AssetCache.MAX_ENTRIES
MEMORY_CEILING = 48 * 1024 * 1024  # bytes the server may grow by during the flood


def rss(pid: int) -> int:
    """Resident memory of a process, from /proc."""
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) * 1024
    raise AssertionError("no VmRSS")


@pytest.mark.load
def test_a_host_flood_stays_under_a_memory_ceiling(tmp_path: Path) -> None:
    decl = write_site(tmp_path, "shop", "shop.example")
    server = ServeProcess(decl, f"sqlite:///{tmp_path / 'l.db'}").start()
    assert server.proc is not None
    try:

        async def flood(hosts: list[str]) -> list[int]:
            limits = httpx.Limits(max_connections=16)
            async with web.async_client(limits=limits, timeout=30) as client:
                sem = asyncio.Semaphore(16)

                async def one(host: str) -> int:
                    async with sem:
                        r = await client.get(server.url + "/samtycke.js", headers={"Host": host})
                        return r.status_code

                return await asyncio.gather(*(one(h) for h in hosts))

        # Warm up: the first build of the script and its imports are not growth.
        assert asyncio.run(flood(["shop.example"] * 50)) == [200] * 50
        before = rss(server.proc.pid)
        evil = asyncio.run(flood([f"x{i}.evil.example" for i in range(EVIL)]))
        served = asyncio.run(flood([f"x{i}.shop.example" for i in range(SERVED)]))
        grown = rss(server.proc.pid) - before
    finally:
        server.stop()
    assert set(evil) == {400}
    assert set(served) == {200}
    assert grown < MEMORY_CEILING, f"grew by {grown // 1024} KiB"


def test_an_untrusted_host_gets_no_script(guarded: GuardedServer) -> None:
    r = web.get(guarded.url + "/v1/sites/shop/samtycke.js", headers={"Host": "evil.example"})
    assert r.status_code == 400 and "evil.example" not in r.headers.get("cache-control", "")
    assert "SAMTYCKE_PUBLIC_URL" in r.json()["error"]
    for host in ("evil.example", "shop.example.evil.example", "shop.example@evil", "a b"):
        r = web.get(guarded.url + "/v1/sites/shop", headers={"Host": host})
        assert r.status_code == 400, host


def test_a_served_host_builds_its_own_endpoint_privately(guarded: GuardedServer) -> None:
    r = web.get(guarded.url + "/v1/sites/shop", headers={"Host": "consent.shop.example"})
    assert r.status_code == 200
    assert r.json()["endpoint"] == "http://consent.shop.example/v1/consents"
    assert "public" not in r.headers["cache-control"]
    assert "Host" in r.headers["vary"]


def test_with_a_public_url_the_host_does_not_matter(shop: Path, tmp_path: Path) -> None:
    cfg = ServerConfig(
        declaration=shop,
        db=f"sqlite:///{tmp_path / 'l.db'}",
        public_url="https://consent.example.com",
        rate=0,
        burst=0,
    )
    with GuardedServer(cfg) as live:
        r = web.get(live.url + "/v1/sites/shop/samtycke.js", headers={"Host": "evil.example"})
        assert r.status_code == 200
        assert "https://consent.example.com/v1/consents" in r.text
        assert "evil.example" not in r.text
        assert r.headers["cache-control"] == "public, max-age=300"
        # Picked by Host, the answer depends on it: never public.
        by_host = web.get(live.url + "/samtycke.js", headers={"Host": "shop.example"})
        assert by_host.status_code == 200
        assert by_host.headers["cache-control"].startswith("private")
        assert "Host" in by_host.headers["vary"]


def test_the_asset_cache_is_bounded_and_keeps_the_recent() -> None:
    cache = AssetCache(max_entries=3)
    for i in range(10):
        cache.put(("js", "shop", str(i)), "x")
        cache.get(("js", "shop", "0")) if i == 5 else None
    assert len(cache) == 3
    assert cache.get(("js", "shop", "9")) == "x"
    assert cache.get(("js", "shop", "1")) is None


@pytest.mark.parametrize(
    ("header", "name"),
    [
        ("Shop.Example:8000", "shop.example"),
        ("[::1]:8000", "::1"),
        ("shop.example.", "shop.example"),
        ("evil.com@shop.example", None),
        ("shop.example:80x", None),
        ("[::1", None),
        ("", None),
    ],
)
def test_host_names(header: str, name: str | None) -> None:
    assert host_name(header) == name


def test_trusted_hosts_are_served_domains_loopback_and_the_public_url(tmp_path: Path) -> None:
    sites = load_sites(write_site(tmp_path, "shop", "shop.example")).values()
    assert trusted_host("www.shop.example", sites, None)
    assert trusted_host("localhost:8000", sites, None)
    assert trusted_host("consent.example.com", sites, "https://consent.example.com")
    assert not trusted_host("notshop.example", sites, None)
    assert not trusted_host(None, sites, None)
