"""A monitored loopback site whose cookies a test changes between scans, and its declaration."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from email.message import Message
from pathlib import Path

from tests.scanner.fixture_apps import Answer, html, not_found, serve_app

DECLARATION = """\
[site]
id = "{site}"
name = "Watched"
controller = "Watched AB"
contact = "privacy@watched.test"
domains = ["127.0.0.1"]
languages = ["en"]

[[cookies]]
name = "sid"
category = "necessary"
expires = "session"
purpose = "Keeps the session."

[monitor]
urls = ["{url}"]
every = "1 day"
max_pages = {pages}
depth = 1
{extra}
"""


def write_declaration(folder: Path, site: str, url: str, pages: int = 3, extra: str = "") -> Path:
    """The declaration of a watched site at ``url`` whose [monitor] scans ``pages`` pages."""
    path = folder / f"{site}.toml"
    text = DECLARATION.format(site=site, url=url, pages=pages, extra=extra)
    path.write_text(text, encoding="utf-8")
    return path


@dataclass
class Watched:
    """The site: its start URL, its declaration file, and the Set-Cookie lines it sends."""

    url: str
    declaration: Path
    cookies: list[str] = field(default_factory=lambda: ["sid=1; Path=/"])


@contextmanager
def watched_site(folder: Path, site: str = "watched", extra: str = "") -> Iterator[Watched]:
    """Serve a two-page site on 127.0.0.1 and write its declaration into ``folder``."""
    state: list[Watched] = []

    def route(path: str, headers: Message) -> Answer:
        if path == "/":
            return 200, html("Home", '<a href="/about">About</a>'), state[0].cookies, {}
        if path == "/about":
            return 200, html("About", '<a href="/">Home</a>'), state[0].cookies, {}
        return not_found()

    with serve_app(route) as port:
        url = f"http://127.0.0.1:{port}/"
        state.append(Watched(url, write_declaration(folder, site, url, extra=extra)))
        yield state[0]
