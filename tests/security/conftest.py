"""Security test helpers: the real server with its real uvicorn settings, raw loopback clients."""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import uvicorn

from samtycke.server import ServerConfig, create_app
from samtycke.server.run import uvicorn_settings
from tests.server.conftest import consent_body, free_port, write_site

__all__ = ["consent_body", "free_port", "write_site"]


class GuardedServer:
    """``create_app`` on uvicorn with the settings ``samtycke serve`` uses, in a thread.

    ``protocol`` replaces the HTTP protocol class (a subclass with smaller limits).
    """

    def __init__(self, config: ServerConfig, protocol: type | None = None) -> None:
        self.app = create_app(config)
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        settings: dict[str, Any] = {**uvicorn_settings(config), "port": self.port}
        if protocol is not None:
            settings["http"] = protocol
        self.server = uvicorn.Server(uvicorn.Config(self.app, **settings))
        self.thread = threading.Thread(target=self.server.run, daemon=True)

    @property
    def state(self) -> Any:
        """The app's ServerState."""
        return self.app.state.samtycke

    def __enter__(self) -> GuardedServer:
        self.thread.start()
        deadline = time.monotonic() + 20
        while not self.server.started:
            if time.monotonic() > deadline or not self.thread.is_alive():
                raise RuntimeError("the test server did not start")
            time.sleep(0.02)
        return self

    def __exit__(self, *exc: object) -> None:
        self.server.should_exit = True
        self.thread.join(timeout=20)


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
