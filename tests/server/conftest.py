"""Server test helpers: small declarations, a live uvicorn server in a thread, bodies."""

from __future__ import annotations

import asyncio
import contextlib
import socket
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import uvicorn
from starlette.applications import Starlette

from samtycke.server import ServerConfig, create_app
from samtycke.server.run import uvicorn_settings
from tests.databases import db_url

__all__ = ["db_url"]  # the SQLite/PostgreSQL fixture of tests/databases.py

SHOP = """
[site]
id = "{id}"
name = "Shop {id}"
controller = "Shop AB"
contact = "privacy@{domain}"
domains = ["{domain}"]
languages = ["sv", "en"]
revision = {revision}

[[services]]
id = "ga"
name = "Google Analytics"
provider = "Google"
category = "analytics"

[[services]]
id = "meta"
name = "Meta pixel"
provider = "Meta"
category = "marketing"

[[cookies]]
name = "sid"
category = "necessary"
expires = "session"
purpose = {{ en = "Keeps you signed in.", sv = "Håller dig inloggad." }}

[[cookies]]
name = "theme"
category = "functional"
expires = "1 year"
purpose = {{ en = "Remembers the theme.", sv = "Kommer ihåg temat." }}

[[cookies]]
name = "_ga"
service = "ga"
expires = "2 years"
purpose = {{ en = "Counts visits.", sv = "Räknar besök." }}

[[cookies]]
name = "_fbp"
service = "meta"
expires = "90 days"
purpose = {{ en = "Ads.", sv = "Annonser." }}
"""


def write_site(folder: Path, site_id: str, domain: str, revision: int = 1) -> Path:
    """Write a small four-category declaration and return its path."""
    path = folder / site_id / "samtycke.toml"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(SHOP.format(id=site_id, domain=domain, revision=revision), encoding="utf-8")
    return path


def free_port() -> int:
    """A port nobody listens on right now."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port: int = s.getsockname()[1]
        return port


class _PromptServer(uvicorn.Server):
    """uvicorn's server, ending as soon as it is told to when nothing is connected.

    uvicorn looks for the stop once a tenth of a second, and then waits another
    tenth for the connections it asked to close; with none left that wait is
    for nothing, and a suite starting a server per test spent most of a
    server's life there. With a connection open the stop is uvicorn's own.
    """

    def __init__(self, config: uvicorn.Config) -> None:
        super().__init__(config)
        self._loop: asyncio.AbstractEventLoop | None = None
        self._stop = asyncio.Event()

    def stop(self) -> None:
        """Ask the server to end (from any thread)."""
        self.should_exit = True
        if self._loop is not None:
            with contextlib.suppress(RuntimeError):  # its loop already closed
                self._loop.call_soon_threadsafe(self._stop.set)

    async def main_loop(self) -> None:
        self._loop = asyncio.get_running_loop()
        counter = 0
        while not await self.on_tick(counter):
            counter = (counter + 1) % 864000
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._stop.wait(), 0.1)

    async def shutdown(self, sockets: list[socket.socket] | None = None) -> None:
        if self.server_state.connections or self.server_state.tasks or sockets:
            await super().shutdown(sockets)
            return
        for server in self.servers:
            server.close()
        for server in self.servers:
            await server.wait_closed()
        if not self.force_exit:
            await self.lifespan.shutdown()


class LiveServer:
    """The real app on uvicorn in a thread, on 127.0.0.1 and a free port.

    It runs with the uvicorn settings of ``samtycke serve``; ``protocol`` replaces
    the HTTP protocol class (the security tests use one with smaller limits), and
    ``app`` the app ``create_app(config)`` would build.
    """

    def __init__(
        self, config: ServerConfig, protocol: type | None = None, app: Starlette | None = None
    ) -> None:
        self.app = create_app(config) if app is None else app
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        settings: dict[str, Any] = {**uvicorn_settings(config), "port": self.port}
        if protocol is not None:
            settings["http"] = protocol
        self.server = _PromptServer(uvicorn.Config(self.app, **settings))
        self.thread = threading.Thread(target=self.server.run, daemon=True)

    @property
    def state(self) -> Any:
        """The app's ServerState."""
        return self.app.state.samtycke

    def __enter__(self) -> LiveServer:
        self.thread.start()
        deadline = time.monotonic() + 20
        while not self.server.started:
            if time.monotonic() > deadline or not self.thread.is_alive():
                raise RuntimeError("the test server did not start")
            time.sleep(0.02)
        return self

    def __exit__(self, *exc: object) -> None:
        self.server.stop()
        self.thread.join(timeout=20)


def consent_body(server: LiveServer, which: str = "shop", **changes: Any) -> dict[str, Any]:
    """A valid custom-choice body for ``site`` of a live server."""
    s = server.state.sites[which]
    body: dict[str, Any] = {
        "site": which,
        "revision": s.decl.site.revision,
        "fingerprint": s.fingerprint,
        "language": "sv",
        "method": "custom",
        "choices": {c: c in ("necessary", "analytics") for c in s.decl.category_ids},
        "url": "https://shop.example/pricing?utm=x#top",
    }
    body.update(changes)
    return body


@pytest.fixture(scope="module")
def sites_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A folder with two sites: shop (shop.example) and blog (blog.example)."""
    folder = tmp_path_factory.mktemp("sites")
    write_site(folder, "shop", "shop.example")
    write_site(folder, "blog", "blog.example")
    return folder


@pytest.fixture(scope="module")
def server(sites_dir: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[LiveServer]:
    """A live server for both sites on a fresh SQLite ledger, rate limit off."""
    db = tmp_path_factory.mktemp("db") / "ledger.db"
    config = ServerConfig(declaration=sites_dir, db=f"sqlite:///{db}", rate=0, burst=0)
    with LiveServer(config) as live:
        yield live


@contextlib.contextmanager
def demo_server(tmp: Path, declaration: Path) -> Iterator[LiveServer]:
    """The demo site for ``declaration`` on a live server with a SQLite ledger in ``tmp``."""
    cfg = ServerConfig(declaration=declaration, db=f"sqlite:///{tmp / 'ledger.db'}", demo=True)
    with LiveServer(cfg) as live:
        yield live
