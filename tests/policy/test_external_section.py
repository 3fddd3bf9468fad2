"""The policy's section on pages run by others, in every language."""

from __future__ import annotations

import json

import pytest

from samtycke import locales
from samtycke.declaration import parse_declaration
from samtycke.policy import render_policy
from tests.declaration.test_external import PAGES, ZENDESK
from tests.mail.conftest import SITE as MAIL_SITE

SITE = MAIL_SITE.replace('["sv", "en"]', '["sv", "en", "fi", "nb", "de"]')


@pytest.mark.parametrize("lang", ["sv", "en", "fi", "nb", "de"])
def test_each_page_says_who_runs_it_and_who_asks(lang: str) -> None:
    decl = parse_declaration(SITE + ZENDESK + PAGES, "shop.toml")
    html = render_policy(decl, lang)
    heading = locales.text(lang, "external.heading")
    assert 'id="samtycke-external"' in html and heading in html
    by_provider = locales.text(lang, "external.by_provider", provider="Teamtailor")
    by_site = locales.text(lang, "external.by_site", provider="Zendesk")
    assert by_provider in html
    assert by_site in html
    assert '<a href="https://shop.teamtailor.com"' in html
    assert '<a href="https://www.teamtailor.com/en/privacy"' in html
    # The provider's cookies on its page sit in the ordinary tables, as a third party.
    assert "__zlcmid" in html and "shop.zendesk.com (" in html


def test_no_pages_no_section() -> None:
    assert "samtycke-external" not in render_policy(parse_declaration(SITE, "shop.toml"), "sv")


def test_the_json_policy_lists_the_pages() -> None:
    data = json.loads(render_policy(parse_declaration(SITE + ZENDESK + PAGES), "sv", "json"))
    assert [
        (p["name"], p["provider"], p["consent_by"], p["service"]) for p in data["external_pages"]
    ] == [
        ("Karriär", "Teamtailor", "provider", None),
        ("Hjälpcenter", "Zendesk", "site", "zendesk"),
    ]
