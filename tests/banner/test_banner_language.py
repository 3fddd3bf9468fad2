"""Language: the declared fallback order, category names inside sentences, texts that
name the settings control by its real label, nb's consistent word for cookies."""

from __future__ import annotations

import pytest

from samtycke import locales
from samtycke.banner import banner_config, ui_texts
from samtycke.declaration import parse_declaration
from samtycke.errors import DeclarationError

LANGS = ("sv", "en", "fi", "nb", "de")
TOML = """
[site]
id = "s"
name = "S"
controller = "S AB"
contact = "p@s.test"
domains = ["s.test"]
languages = ["sv", "en", "fi", "nb", "de"]
{fallback}

[categories.crm]
label = {{ sv = "CRM", en = "CRM" }}
description = {{ sv = "Kundregister.", en = "Customer records." }}

[[cookies]]
name = "a"
category = "analytics"
expires = "1 day"
purpose = {{ sv = "Räknar.", en = "Counts.", nb = "Teller." }}
"""


def decl(fallback: str = "") -> object:
    return parse_declaration(TOML.format(fallback=fallback), "s.toml")


def test_missing_texts_follow_the_declared_order() -> None:
    d = parse_declaration(TOML.format(fallback='fallback = { fi = "en", de = ["nb", "en"] }'))
    purpose = d.cookies[0].purpose
    assert purpose.get("fi") == "Counts."  # Finns read English, not Swedish
    assert purpose.get("de") == "Teller."
    assert purpose.get("nb") == "Teller."
    plain = parse_declaration(TOML.format(fallback=""))
    assert plain.cookies[0].purpose.get("fi") == "Räknar."  # without an order: the default
    warning = [str(w) for w in d.warnings if "cookie 'a'" in str(w)]
    assert warning == [
        "samtycke.toml:19: warning: cookie 'a': purpose has no text in fi; the 'en' text is shown "
        "instead; purpose has no text in de; the 'nb' text is shown instead"
    ]


@pytest.mark.parametrize("bad", ['{ fi = "fi" }', '{ fi = "fr" }', '{ xx = "en" }', "{ fi = [] }"])
def test_a_bad_fallback_order_is_one_clear_error(bad: str) -> None:
    with pytest.raises(DeclarationError) as err:
        parse_declaration(TOML.format(fallback=f"fallback = {bad}"), "s.toml")
    (problem,) = [p for p in err.value.problems if p.severity == "error"]
    assert str(problem).startswith("s.toml:9: [site]: fallback ")
    assert "declared languages" in str(problem)


@pytest.mark.parametrize("lang", LANGS)
def test_category_names_inside_sentences(lang: str) -> None:
    d = parse_declaration(TOML.format(fallback=""))
    cfg = banner_config(d)
    names = {c["id"]: c["name"][lang] for c in cfg["categories"]}
    labels = {c["id"]: c["label"][lang] for c in cfg["categories"]}
    intro = ui_texts(d, lang)["intro"]
    if lang == "de":  # German nouns keep their capital
        assert names["analytics"] == labels["analytics"]
    else:
        assert names["analytics"] == labels["analytics"].lower()
        assert labels["analytics"] not in intro
    assert names["crm"] == "CRM"  # an acronym stays as it is
    assert names["analytics"] in intro


@pytest.mark.parametrize("lang", LANGS)
def test_texts_name_the_settings_control_by_its_label(lang: str) -> None:
    texts = ui_texts(parse_declaration(TOML.format(fallback="")), lang)
    assert (
        texts["intro"].endswith(f"{texts['reopen']}.") or f" {texts['reopen']} " in texts["intro"]
    )


def test_norwegian_says_informasjonskapsler() -> None:
    for key, text in locales.catalog("nb").items():
        words = text.lower().replace("(cookies)", "")  # the one explanation of the English word
        assert "cookie" not in words, f"nb {key}: {text}"
