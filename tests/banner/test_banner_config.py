"""banner_config: what the browser banner is told about a site."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from samtycke.banner import banner_config, expiry_text, ui_texts
from samtycke.declaration import (
    Declaration,
    fingerprint,
    load_declaration,
    parse_declaration,
    parse_expiry,
)

TOML = """
[site]
id = "kafe"
name = "Kafé {Nord}"
controller = "Kafé AB"
contact = "privacy@kafe.test"
domains = ["kafe.test", "kafe.example"]
languages = ["sv", "en"]
consent_days = 30
revision = 3
do_not_track = "ignore"
google_consent_mode = true

[banner]
endpoint = "https://consent.kafe.test/v1/consents"
wait_for_update = 800

[[services]]
id = "stats"
name = "Stats"
provider = "Stats Inc"
category = "analytics"

[[cookies]]
name = "_st"
service = "stats"
expires = "2 years"
purpose = { sv = "Räknar besök.", en = "Counts visits." }

[[cookies]]
name = "menu"
category = "functional"
domain = "kafe.example"
expires = "1 day"
purpose = "Kommer ihåg menyn."

[[storage]]
name = "st_*"
kind = "sessionStorage"
service = "stats"
purpose = "Kö."
"""


@pytest.fixture
def decl() -> Declaration:
    return parse_declaration(TOML)


def test_site_settings_and_proof_fields(decl: Declaration) -> None:
    c = banner_config(decl)
    assert c["site"] == "kafe"
    assert c["revision"] == 3
    assert c["fingerprint"] == fingerprint(decl)
    assert c["consent_days"] == 30
    assert c["languages"] == ["sv", "en"]
    assert c["domains"] == ["kafe.test", "kafe.example"]
    assert (c["do_not_track"], c["global_privacy_control"]) == (
        "ignore",
        "necessary-only",
    )
    assert (c["google_consent_mode"], c["wait_for_update"], c["settings_button"]) == (
        True,
        800,
        True,
    )
    assert c["endpoint"] == "https://consent.kafe.test/v1/consents"
    assert c["policy_url"] == "/cookies/{lang}"
    json.dumps(c)  # JSON-ready


def test_arguments_override_the_declaration(decl: Declaration) -> None:
    c = banner_config(decl, endpoint="/v1/consents", policy_url="/policy-{lang}.html")
    assert (c["endpoint"], c["policy_url"]) == ("/v1/consents", "/policy-{lang}.html")


def test_categories_in_display_order_with_their_cookies(decl: Declaration) -> None:
    cats = {c["id"]: c for c in banner_config(decl)["categories"]}
    assert list(cats) == ["necessary", "functional", "analytics"]
    assert not cats["necessary"]["refusable"] and cats["analytics"]["refusable"]
    assert cats["analytics"]["label"] == {"sv": "Analys", "en": "Analytics"}
    assert cats["analytics"]["services"] == [
        {"id": "stats", "name": "Stats", "provider": "Stats Inc"}
    ]
    assert cats["analytics"]["cookies"] == [
        {
            "name": "_st",
            "domain": "kafe.test",
            "service": "stats",
            "provider": "Stats Inc",
            "third_party": False,
            "expires": {"sv": "2 år", "en": "2 years"},
            "purpose": {"sv": "Räknar besök.", "en": "Counts visits."},
        }
    ]
    assert cats["analytics"]["storage"] == [
        {"name": "st_*", "kind": "sessionStorage", "service": "stats"}
    ]
    # A purpose missing in a language falls back to the default language.
    assert cats["functional"]["cookies"][0]["purpose"] == {
        "sv": "Kommer ihåg menyn.",
        "en": "Kommer ihåg menyn.",
    }
    assert cats["functional"]["cookies"][0]["domain"] == "kafe.example"


def test_purposes_can_be_left_out(decl: Declaration) -> None:
    cats = banner_config(decl, purposes=False)["categories"]
    assert all("purpose" not in k for c in cats for k in c["cookies"])
    assert cats[2]["cookies"][0]["expires"]["en"] == "2 years"


def test_ui_texts_are_filled_in_every_language(decl: Declaration) -> None:
    texts = banner_config(decl)["texts"]
    assert set(texts) == {"sv", "en"}
    assert set(texts["sv"]) == set(texts["en"])
    en = texts["en"]
    # Braces in the site name are not format fields.
    assert en["intro"].startswith("Kafé {Nord} uses necessary cookies")
    assert "cookies for functional, analytics." in en["intro"]
    assert "kept for 30 days" in en["settings_intro"]
    assert texts["sv"]["language_name"] == "Svenska"
    for lang, table in texts.items():
        for key, value in table.items():
            leftover = value.replace("{Nord}", "")
            for field in ("{category}", "{service}"):  # filled in by the placeholder
                leftover = leftover.replace(field, "")
            assert "{" not in leftover, f"{lang}.{key}: {value}"


@pytest.mark.parametrize("lang", ["sv", "en", "fi", "nb", "de"])
def test_every_language_has_every_banner_text(lang: str) -> None:
    every = 'languages = ["sv", "en", "fi", "nb", "de"]'
    decl = parse_declaration(TOML.replace('languages = ["sv", "en"]', every))
    reference = ui_texts(parse_declaration(TOML), "en")
    texts = ui_texts(decl, lang)
    assert set(texts) == set(reference)
    assert all(v.strip() for v in texts.values())


@pytest.mark.parametrize(
    ("expiry", "lang", "text"),
    [("1 year", "en", "1 year"), ("3 weeks", "de", "3 Wochen"), ("1 day", "fi", "1 päivä")],
)
def test_expiry_is_localized(expiry: str, lang: str, text: str) -> None:
    assert expiry_text(parse_expiry(expiry), lang) == text


def test_examples_build() -> None:
    root = Path(__file__).resolve().parents[2] / "examples"
    for path in sorted(root.glob("*/samtycke.toml")):
        c = banner_config(load_declaration(path))
        assert c["categories"][0]["id"] == "necessary", path
