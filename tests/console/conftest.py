"""Console test helpers: a live server with two sites and two users, signed-in clients."""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from samtycke.console.users import add_user
from samtycke.server import ServerConfig
from tests.server.conftest import LiveServer, write_site

PASSWORDS = {"ada": "correct horse battery", "vic": "viewer password 1"}
CSRF = re.compile(r'name="csrf" value="([^"]+)"')


@pytest.fixture(scope="module")
def console(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LiveServer]:
    """A live server for shop and blog, with admin ``ada`` and viewer ``vic``."""
    folder = tmp_path_factory.mktemp("sites")
    write_site(folder, "shop", "shop.example")
    write_site(folder, "blog", "blog.example")
    db = tmp_path_factory.mktemp("db") / "ledger.db"
    config = ServerConfig(declaration=folder, db=f"sqlite:///{db}", rate=0, burst=0)
    with LiveServer(config) as live:
        engine = live.state.ledger.engine
        add_user(engine, "ada", "admin", PASSWORDS["ada"])
        add_user(engine, "vic", "viewer", PASSWORDS["vic"])
        yield live


def form_token(html: str) -> str:
    """The CSRF token of the first form on a page."""
    found = CSRF.search(html)
    assert found is not None, "the page has no form token"
    return found.group(1)


def client(server: LiveServer) -> httpx.Client:
    """A client of the live server that sends the console's own Origin."""
    return httpx.Client(base_url=server.url, headers={"origin": server.url}, timeout=30)


def log_in(server: LiveServer, name: str, password: str | None = None) -> httpx.Client:
    """A client signed in as ``name`` (raises when the login is refused)."""
    c = client(server)
    token = form_token(c.get("/console/login").text)
    answer = c.post(
        "/console/login",
        data={"csrf": token, "name": name, "password": password or PASSWORDS[name]},
    )
    assert answer.status_code == 303, answer.text
    return c


def db_path(server: LiveServer) -> Path:
    """The SQLite file of the server's ledger."""
    return Path(str(server.state.ledger.engine.url.database))
