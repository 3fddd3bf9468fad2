"""The scanner's fixtures: the two-origin loopback site, its declaration, one scan of it."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from samtycke.declaration import load_declaration
from samtycke.knowledge import builtin_knowledge, parse_services
from samtycke.scanner import ScanResult, scan
from tests.scanner.fixture_site import Site, serve_site

DECLARATION = """\
# The fixture site's declaration, deliberately a little wrong.
[site]
id = "fixture"
name = "Fixture"
controller = "Fixture AB"
contact = "privacy@fixture.test"
domains = ["127.0.0.1"]
languages = ["en"]

[[services]]
id = "widget"
name = "Widget"
provider = "Widget Co"
category = "necessary"

[[services]]
id = "pixelco"
name = "Pixel Co"
provider = "Pixel Co"
category = "marketing"

[[cookies]]
name = "sid"
category = "necessary"
expires = "session"
purpose = "Keeps the session."

[[cookies]]
name = "pref"
category = "functional"
expires = "7 days"
purpose = "Remembers the language."

[[cookies]]
name = "OptanonConsent"
category = "necessary"
expires = "1 year"
purpose = "Remembers the consent choice."

[[cookies]]
name = "trk_early"
category = "marketing"
expires = "90 days"
purpose = "Tracks visits."

[[cookies]]
name = "late_ping"
category = "analytics"
expires = "1 day"
purpose = "Counts visits."

[[cookies]]
name = "_ga"
category = "analytics"
expires = "2 years"
purpose = "Counts visitors."

[[cookies]]
name = "_gat_*"
category = "analytics"
expires = "1 minute"
purpose = "Throttles requests."

[[cookies]]
name = "tp_frame"
service = "widget"
domain = "tp.localhost"
expires = "session"
purpose = "Runs the widget."

[[cookies]]
name = "tp_pixel"
service = "pixelco"
domain = "tp.localhost"
expires = "1 year"
purpose = "Measures ads."

[[cookies]]
name = "never_seen"
category = "functional"
expires = "1 day"
purpose = "Declared but never set."

[[storage]]
name = "ls_theme"
kind = "localStorage"
category = "functional"
purpose = "Remembers the theme."
"""


TRACKER = """
[[services]]
name = "Pixel Co"
provider = "Pixel Co"
category = "marketing"
hosts = ["tp.localhost"]
"""


@pytest.fixture(scope="session")
def site() -> Iterator[Site]:
    """Both origins of the fixture site, for the whole session."""
    with serve_site() as running:
        yield running


@pytest.fixture(scope="session")
def declaration_path(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The fixture site's declaration on disk."""
    path = tmp_path_factory.mktemp("decl") / "samtycke.toml"
    path.write_text(DECLARATION, encoding="utf-8")
    return path


@pytest.fixture(scope="session")
def result(site: Site, declaration_path: Path) -> ScanResult:
    """One full three-phase scan of the fixture site with the default settle time."""
    # The third party is also a known tracker host, as a --knowledge file would say.
    knowledge = builtin_knowledge()
    knowledge.extend(parse_services(TRACKER, "tracker.toml"))
    return scan(
        site.first + "/", declaration=load_declaration(declaration_path), knowledge=knowledge
    )
