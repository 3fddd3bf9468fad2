"""Security test helpers: the real server with its real uvicorn settings, raw loopback clients."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from samtycke.server import ServerConfig
from tests.server.conftest import LiveServer, consent_body, free_port, write_site

__all__ = ["LiveServer", "consent_body", "free_port", "write_site"]


GuardedServer = LiveServer


@pytest.fixture
def shop(tmp_path: Path) -> Path:
    """One site, shop (shop.example)."""
    return write_site(tmp_path, "shop", "shop.example")


@pytest.fixture(scope="module")
def guarded(tmp_path_factory: pytest.TempPathFactory) -> Iterator[GuardedServer]:
    """A guarded server for shop on its own SQLite ledger, rate limit off, one per test module.

    Its tests send hostile requests and read the answers; none needs an empty
    ledger, so they share the server rather than start one each.
    """
    folder = tmp_path_factory.mktemp("guarded")
    shop = write_site(folder, "shop", "shop.example")
    cfg = ServerConfig(declaration=shop, db=f"sqlite:///{folder / 'l.db'}", rate=0, burst=0)
    with GuardedServer(cfg) as live:
        yield live
