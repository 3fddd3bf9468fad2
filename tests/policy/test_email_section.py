"""The policy's e-mail tracking section, in every language, from the [email] table."""

from __future__ import annotations

import json

import pytest

from samtycke import locales
from samtycke.declaration import parse_declaration
from samtycke.policy import render_policy
from tests.mail.conftest import SITE as MAIL_SITE

LANGUAGES = ("sv", "en", "fi", "nb", "de")
SITE = MAIL_SITE.replace('["sv", "en"]', '["sv", "en", "fi", "nb", "de"]')
EMAIL = """
[email]
do_not_track = "opens-only"

[email.open]
purpose = "Se vilka brev som läses, se https://shop.example/mail."
exemption = "deliverability"

[email.click]
purpose = { sv = "Se vad som intresserar.", en = "See what interests you.", fi = "Kiinnostus.", nb = "Interesse.", de = "Interesse." }
"""


@pytest.mark.parametrize("lang", LANGUAGES)
def test_the_section_says_what_is_tracked_and_how_to_stop_it(lang: str) -> None:
    decl = parse_declaration(SITE + EMAIL, "shop.toml")
    md = render_policy(decl, lang, "md")

    def t(key: str) -> str:
        return locales.text(lang, f"mail.{key}")

    assert f"## {t('policy_heading')}" in md
    for key in ("exempt_deliverability", "needs_consent", "dnt_opens_only", "withdraw_body"):
        assert t(key) in md, key
    assert t("dnt_nothing") not in md
    assert t("open_item").split("{purpose}")[0] in md
    assert decl.email is not None
    click = decl.email.kind("click")
    assert click is not None and click.purpose.get(lang) in md


def test_purpose_urls_become_links_and_texts_are_escaped() -> None:
    evil = EMAIL.replace("Se vad som intresserar.", "<script>alert(1)</script>")
    html = render_policy(parse_declaration(SITE + evil, "shop.toml"), "sv")
    assert 'id="samtycke-email"' in html
    assert '<a href="https://shop.example/mail"' in html
    assert "<script>alert" not in html and "&lt;script&gt;" in html


def test_no_email_table_no_section() -> None:
    html = render_policy(parse_declaration(SITE, "shop.toml"), "en")
    assert 'id="samtycke-email"' not in html


def test_the_json_policy_carries_the_email_table_only_when_declared() -> None:
    data = json.loads(render_policy(parse_declaration(SITE + EMAIL, "shop.toml"), "en", "json"))
    assert data["email"] == {
        "do_not_track": "opens-only",
        "tracking": [
            {
                "kind": "open",
                "purpose": "Se vilka brev som läses, se https://shop.example/mail.",
                "exemption": "deliverability",
            },
            {"kind": "click", "purpose": "See what interests you.", "exemption": None},
        ],
    }
    assert "email" not in json.loads(render_policy(parse_declaration(SITE), "en", "json"))
