"""An app whose server sets cookies only once consent exists scans clean.

A small Starlette app behind samtycke's own ConsentMiddleware, with samtycke's
banner: the server sets an analytics cookie on every page, and the middleware
strips it unless the visitor's consent cookie allows analytics. Only a scanner
that loads the pages again after "Accept all" ever sees it.
"""

from __future__ import annotations

import json
import socket
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
import uvicorn
from click.testing import CliRunner
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import HTMLResponse, Response
from starlette.routing import Route

from samtycke.banner import build_script
from samtycke.cli import main
from samtycke.declaration import parse_declaration
from samtycke.enforce import ConsentMiddleware

DECL = """
[site]
id = "enforced"
name = "Enforced"
controller = "Enforced AB"
contact = "privacy@enforced.test"
domains = ["127.0.0.1"]
languages = ["en"]

[[cookies]]
name = "samtycke"
category = "necessary"
expires = "90 days"
purpose = "Remembers your choice."

[[cookies]]
name = "srv_stats"
category = "analytics"
expires = "30 days"
purpose = "Counts visits, set by the server once analytics is allowed."
"""

PAGE = """<!doctype html><html lang="en"><head><meta charset="utf-8"><title>{title}</title>
</head><body><h1>{title}</h1><a href="/">Home</a> <a href="/shop">Shop</a></body></html>"""


def _app(decl_text: str) -> ConsentMiddleware:
    decl = parse_declaration(decl_text)
    script = build_script(decl)

    async def page(request: Request) -> Response:
        title = "Shop" if request.url.path == "/shop" else "Home"
        response = HTMLResponse(PAGE.format(title=title))
        # The app sets it always; the middleware lets it through only with consent.
        response.set_cookie("srv_stats", "1", max_age=30 * 86400)
        return response

    async def js(request: Request) -> Response:
        return Response(script, media_type="text/javascript")

    app = Starlette(routes=[Route("/", page), Route("/shop", page), Route("/samtycke.js", js)])
    return ConsentMiddleware(app, decl, banner_src="/samtycke.js")


@pytest.fixture(scope="module")
def enforced(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, Path]]:
    """The enforced app on uvicorn in a thread, and its declaration on disk."""
    path = tmp_path_factory.mktemp("enforced") / "samtycke.toml"
    path.write_text(DECL, encoding="utf-8")
    sock = socket.socket()
    sock.bind(("127.0.0.1", 0))
    port = sock.getsockname()[1]
    server = uvicorn.Server(
        uvicorn.Config(_app(DECL), log_level="warning", access_log=False, lifespan="off")
    )
    thread = threading.Thread(target=server.run, kwargs={"sockets": [sock]}, daemon=True)
    thread.start()
    deadline = time.monotonic() + 20
    while not server.started:
        assert time.monotonic() < deadline and thread.is_alive(), "the app did not start"
        time.sleep(0.02)
    try:
        yield f"http://127.0.0.1:{port}/", path
    finally:
        server.should_exit = True
        thread.join(timeout=20)
        sock.close()


def test_enforced_app_scans_clean(enforced: tuple[str, Path], tmp_path: Path) -> None:
    url, decl = enforced
    out = tmp_path / "report.json"
    run = CliRunner().invoke(
        main, ["scan", url, "-d", str(decl), "--format", "json", "-o", str(out), "--settle", "1"]
    )
    report = json.loads(out.read_text(encoding="utf-8"))
    assert report["violations"] == [], report["violations"]
    assert run.exit_code == 0, run.output
    got = {c["name"]: c["phases"] for c in report["cookies"]}
    assert got == {
        "samtycke": ["after-reject", "after-accept"],
        # set by the server only on the pages loaded after "Accept all"
        "srv_stats": ["after-accept"],
    }
    srv = next(c for c in report["cookies"] if c["name"] == "srv_stats")
    assert sorted(srv["pages"]) == [url, url + "shop"]
