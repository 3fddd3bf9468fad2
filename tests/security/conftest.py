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


@pytest.fixture
def guarded(shop: Path, tmp_path: Path) -> Iterator[GuardedServer]:
    """A guarded server for shop on a fresh SQLite ledger, rate limit off."""
    cfg = ServerConfig(declaration=shop, db=f"sqlite:///{tmp_path / 'l.db'}", rate=0, burst=0)
    with GuardedServer(cfg) as live:
        yield live
