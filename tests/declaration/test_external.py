"""[[external_pages]]: pages another company runs, who asks for consent there, with lines."""

from __future__ import annotations

import pytest

from samtycke.declaration import parse_declaration
from samtycke.errors import DeclarationError
from tests.mail.conftest import SITE

BASE = len(SITE.splitlines())
ZENDESK = """
[[services]]
id = "zendesk"
name = "Zendesk"
provider = "Zendesk"
category = "functional"
privacy_policy = "https://www.zendesk.com/company/privacy-and-data-protection/"

[[cookies]]
name = "__zlcmid"
service = "zendesk"
domain = "shop.zendesk.com"
expires = "1 year"
purpose = { sv = "Chatten.", en = "The chat." }
"""
PAGES = """
[[external_pages]]
name = { sv = "Karriär", en = "Careers" }
url = "https://shop.teamtailor.com"
provider = "Teamtailor"
consent_by = "provider"
privacy_policy = "https://www.teamtailor.com/en/privacy"

[[external_pages]]
name = { sv = "Hjälpcenter", en = "Help centre" }
url = "https://shop.zendesk.com"
service = "zendesk"
consent_by = "site"
privacy_policy = "https://www.zendesk.com/company/privacy-and-data-protection/"
"""


def problems(extra: str) -> list[str]:
    with pytest.raises(DeclarationError) as info:
        parse_declaration(SITE + extra, "shop.toml")
    return [str(p) for p in info.value.problems if p.severity == "error"]


def test_pages_load_with_their_provider() -> None:
    decl = parse_declaration(SITE + ZENDESK + PAGES, "shop.toml")
    careers, help_centre = decl.external_pages
    assert (careers.provider, careers.consent_by, careers.service) == (
        "Teamtailor",
        "provider",
        None,
    )
    assert careers.name.get("en") == "Careers"
    assert (help_centre.provider, help_centre.consent_by) == ("Zendesk", "site")
    assert help_centre.service == "zendesk"
    assert decl.find_cookie("__zlcmid", "shop.zendesk.com") is not None
    assert decl.warnings == ()


def test_consent_on_the_providers_behalf_without_its_cookies_is_a_warning() -> None:
    decl = parse_declaration(SITE + ZENDESK.split("[[cookies]]")[0] + PAGES, "shop.toml")
    (warning,) = decl.warnings
    assert "consent is asked on Zendesk's behalf but none of its cookies" in str(warning)


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (
            ('url = "https://shop.teamtailor.com"', 'url = "javascript:alert(1)"'),
            "is not an http(s) URL",
        ),
        (
            ('url = "https://shop.teamtailor.com"', 'url = "ftp://shop.example"'),
            "is not an http(s) URL",
        ),
        (('consent_by = "provider"', 'consent_by = "us"'), 'consent_by = "us" is not one of'),
        (('provider = "Teamtailor"\n', ""), "missing required key 'provider'"),
        (('service = "zendesk"', 'service = "zendsk"'), "(did you mean 'zendesk'?)"),
        (
            ('service = "zendesk"', 'service = "zendesk"\nprovider = "Other"'),
            "is not the provider of service 'zendesk'",
        ),
        (
            ('privacy_policy = "https://www.teamtailor.com/en/privacy"\n', ""),
            "missing required key 'privacy_policy'",
        ),
        (
            ("[[external_pages]]\nname", "[[external_pages]]\nlabel = 1\nname"),
            "unknown key 'label'",
        ),
    ],
)
def test_each_mistake_is_named(change: tuple[str, str], message: str) -> None:
    found = problems(ZENDESK + PAGES.replace(*change, 1))
    assert any(message in p for p in found), found
    assert all(p.startswith("shop.toml:") and int(p.split(":")[1]) > BASE for p in found)


def test_the_same_page_twice() -> None:
    found = problems(ZENDESK + PAGES + PAGES)
    assert sum("declared twice (first at line" in p for p in found) == 2
