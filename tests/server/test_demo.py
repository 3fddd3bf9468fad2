"""The demo site's pages and stand-in scripts, and the declaration shipped for it."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from samtycke.declaration import load_declaration
from samtycke.server.demo import SCRIPTS, bundled_declaration
from tests import web
from tests.server.conftest import LiveServer, demo_server

COOKIES = {
    "ga": ["_ga=", "_gid="],
    "hotjar": ["_hjIncludedInSample="],
    "linkedin": ["li_sugr=", "UserMatchHistory="],
    "meta": ["_fbp="],
}


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LiveServer]:
    """The demo site on a live server with its own SQLite ledger."""
    with demo_server(tmp_path_factory.mktemp("demo"), bundled_declaration()) as live:
        yield live


def test_the_bundled_declaration_is_the_billogram_example() -> None:
    decl = load_declaration(bundled_declaration())
    assert decl.site.id == "billogram" and len(decl.site.languages) == 5
    example = Path(__file__).resolve().parents[2] / "examples" / "billogram" / "samtycke.toml"
    if example.exists():  # in a source checkout it is a link to the example itself
        assert bundled_declaration().read_text() == example.read_text()


@pytest.mark.parametrize("path", ["/", "/pricing", "/about"])
def test_pages_embed_the_banner_and_gate_every_stand_in(demo: LiveServer, path: str) -> None:
    html = web.get(demo.url + path).text
    assert '<script src="/samtycke.js" defer></script>' in html
    for name, category in [
        ("ga", "analytics"),
        ("hotjar", "analytics"),
        ("linkedin", "marketing"),
        ("meta", "marketing"),
    ]:
        assert f'type="text/plain" data-category="{category}"' in html
        assert f'src="/demo/{name}.js"' in html
    assert (
        "http://" not in html.replace(demo.url, "") and "https://" not in html.split("<footer>")[0]
    )


@pytest.mark.parametrize("name", sorted(COOKIES))
def test_stand_ins_set_the_real_cookie_names_locally(demo: LiveServer, name: str) -> None:
    js = web.get(f"{demo.url}/demo/{name}.js").text
    assert all(f'"{cookie}' in js for cookie in COOKIES[name])
    assert "domain=" not in js and "http" not in js  # this host only, nothing fetched
    assert name in SCRIPTS


def test_unknown_demo_script_is_404(demo: LiveServer) -> None:
    assert web.get(f"{demo.url}/demo/evil.js").status_code == 404


def test_demo_page_speaks_the_readers_language(demo: LiveServer) -> None:
    for header, lang in [("sv-SE,sv;q=0.9,en;q=0.8", "sv"), ("nn", "nb"), ("fr", "sv"), ("", "sv")]:
        r = web.get(demo.url + "/", headers={"Accept-Language": header})
        assert f'<html lang="{lang}">' in r.text
        assert "Accept-Language" in r.headers["vary"]
    english = web.get(demo.url + "/", headers={"Accept-Language": "en"}).text
    # The page's own text is English whatever the banner speaks.
    assert '<html lang="en">' in english and '<body lang="en">' in english
