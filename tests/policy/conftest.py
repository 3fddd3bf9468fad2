"""Helpers for the policy tests: small declarations and an HTML structure checker."""

from __future__ import annotations

from collections.abc import Callable
from html.parser import HTMLParser

import pytest

from samtycke.declaration import Declaration, parse_declaration

LANGUAGES = ("sv", "en", "fi", "nb", "de")

SMALL = """
[site]
id = "kaffe"
name = "Kaffebryggeriet"
controller = "Kaffebryggeriet AB"
contact = "integritet@kaffe.example"
domains = ["kaffe.example"]
languages = ["sv", "en", "fi", "nb", "de"]
consent_days = 45
revision = 7
do_not_track = "{dnt}"
global_privacy_control = "{gpc}"
updated = 2026-03-09
privacy_policy = "https://kaffe.example/integritet"

[[services]]
id = "ga"
name = "Google Analytics"
provider = "Google"
category = "analytics"
privacy_policy = "https://policies.google.com/technologies/cookies"

[[cookies]]
name = "sessionid"
category = "necessary"
expires = "session"
purpose = {{ sv = "Håller dig inloggad.", en = "Keeps you logged in.", fi = "Pitää sinut kirjautuneena.", nb = "Holder deg innlogget.", de = "Hält Sie angemeldet." }}

[[cookies]]
name = "_ga"
service = "ga"
expires = "2 years"
purpose = {{ sv = "Skiljer besökare åt.", en = "Tells visitors apart.", fi = "Erottaa kävijät.", nb = "Skiller besøkende.", de = "Unterscheidet Besucher." }}

[[cookies]]
name = "_gid"
service = "ga"
domain = "analytics.example"
expires = "1 day"
purpose = {{ sv = "Räknar besök.", en = "Counts visits.", fi = "Laskee käynnit.", nb = "Teller besøk.", de = "Zählt Besuche." }}

[[cookies]]
name = "recent"
category = "functional"
expires = "30 days"
purpose = {{ sv = "Minns senaste sidan.", en = "Remembers the last page.", fi = "Muistaa viime sivun.", nb = "Husker siste side.", de = "Merkt sich die letzte Seite." }}

[[storage]]
name = "theme"
kind = "localStorage"
category = "functional"
purpose = {{ sv = "Minns ljust eller mörkt tema.", en = "Remembers light or dark theme.", fi = "Muistaa teeman.", nb = "Husker tema.", de = "Merkt sich das Farbschema." }}
"""


def small_declaration(
    dnt: str = "necessary-and-functional", gpc: str = "necessary-and-functional"
) -> Declaration:
    """A five-language declaration with every kind of entry the policy shows."""
    return parse_declaration(SMALL.format(dnt=dnt, gpc=gpc), "small.toml")


@pytest.fixture(scope="module")
def small() -> Declaration:
    """The small declaration with both browser signals honoured."""
    return small_declaration()


@pytest.fixture(scope="module")
def make_small() -> Callable[..., Declaration]:
    """Build the small declaration with other Do Not Track / GPC settings."""
    return small_declaration


VOID = {"meta", "link", "br", "hr", "img", "input", "source", "wbr", "col", "area", "base"}


class StructureChecker(HTMLParser):
    """Records nesting errors, headings, and the attributes of every start tag."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.stack: list[str] = []
        self.errors: list[str] = []
        self.headings: list[tuple[int, str]] = []
        self.tags: list[tuple[str, dict[str, str | None]]] = []
        self.doctype: str | None = None
        self._heading: list[str] | None = None

    def handle_decl(self, decl: str) -> None:
        self.doctype = decl

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append((tag, dict(attrs)))
        if tag in VOID:
            return
        self.stack.append(tag)
        if tag in {"h1", "h2", "h3", "h4", "h5", "h6"}:
            self._heading = []

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append((tag, dict(attrs)))
        if tag not in VOID:
            self.errors.append(f"<{tag}/> is not a void element")

    def handle_endtag(self, tag: str) -> None:
        if tag in VOID:
            self.errors.append(f"</{tag}> closes a void element")
            return
        if not self.stack or self.stack[-1] != tag:
            self.errors.append(f"</{tag}> does not close the open <{self.stack[-1:]}>")
            return
        self.stack.pop()
        if tag.startswith("h") and tag[1:].isdigit() and self._heading is not None:
            self.headings.append((int(tag[1]), "".join(self._heading).strip()))
            self._heading = None

    def handle_data(self, data: str) -> None:
        if self._heading is not None:
            self._heading.append(data)

    def close(self) -> None:
        super().close()
        if self.stack:
            self.errors.append(f"unclosed: {self.stack}")

    def find(self, tag: str) -> list[dict[str, str | None]]:
        """Attributes of every ``tag`` start tag."""
        return [attrs for t, attrs in self.tags if t == tag]


def parse_html(text: str) -> StructureChecker:
    """Parse ``text`` and return the checker (look at ``.errors``)."""
    checker = StructureChecker()
    checker.feed(text)
    checker.close()
    return checker


@pytest.fixture(scope="session")
def check_html() -> Callable[[str], StructureChecker]:
    """The HTML structure checker, as a fixture (conftest modules are not imported)."""
    return parse_html
