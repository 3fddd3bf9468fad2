"""The [banner] table: the site's own words per language, a theme held to WCAG contrast and
to equal prominence, Consent Mode regions; and what check says about them."""

from __future__ import annotations

import pytest

from samtycke.banner import banner_config, ui_texts
from samtycke.declaration import fingerprint, parse_declaration
from samtycke.declaration.theme import contrast
from samtycke.errors import DeclarationError

BASE = """
[site]
id = "s"
name = "S"
controller = "S AB"
contact = "p@s.test"
domains = ["s.test"]
languages = ["sv", "en"]

[[cookies]]
name = "a"
category = "analytics"
expires = "1 day"
purpose = { sv = "Räknar.", en = "Counts." }
"""


def problems(extra: str) -> list[str]:
    """The messages of parsing BASE + extra (empty when it is valid)."""
    try:
        parse_declaration(BASE + extra, "s.toml")
    except DeclarationError as exc:
        return [str(p) for p in exc.problems]
    return []


def test_contrast_follows_wcag() -> None:
    assert contrast("#000000", "#ffffff") == pytest.approx(21.0)
    assert contrast("#fff", "#fff") == pytest.approx(1.0)
    assert contrast("#767676", "#ffffff") == pytest.approx(4.54, abs=0.01)  # the AA edge
    assert contrast("#777777", "#ffffff") < 4.5


def test_a_site_overrides_banner_strings_per_language() -> None:
    decl = parse_declaration(BASE + '[banner.texts.sv]\nreject_all = "Bara nödvändiga"\n')
    assert ui_texts(decl, "sv")["reject_all"] == "Bara nödvändiga"
    assert ui_texts(decl, "en")["reject_all"] == "Reject all"
    plain = parse_declaration(BASE)
    assert fingerprint(decl) != fingerprint(plain)  # other words shown: ask again


def test_an_overridden_settings_label_is_what_the_intro_points_to() -> None:
    decl = parse_declaration(BASE + '[banner.texts.en]\nreopen = "Privacy choices"\n')
    assert ui_texts(decl, "en")["intro"].endswith("at any time under Privacy choices.")


@pytest.mark.parametrize(
    ("extra", "message"),
    [
        ('[banner.texts.sv]\nreject_all = " "\n', "leaves the reject button without a label"),
        ('[banner.texts.sv]\nreject_all = "\\u200b"\n', "leaves the reject button without a label"),
        (
            '[banner.texts.sv]\nreject_al = "Nej"\n',
            "unknown key 'reject_al' (did you mean 'reject_all'?)",
        ),
        ('[banner.texts.fi]\ntitle = "Evästeet"\n', "'fi' is not one of [site] languages"),
    ],
)
def test_text_overrides_are_checked(extra: str, message: str) -> None:
    found = problems(extra)
    assert len(found) == 1 and message in found[0], found
    assert found[0].startswith("s.toml:")


def test_a_valid_theme_reaches_the_banner() -> None:
    theme = """
[banner.theme]
background = "#0b1f3a"
text = "#ffffff"
link = "#9cc3ff"
accent = "#ffd166"
button_background = "#ffd166"
button_text = "#0b1f3a"
position = "top"
logo = "/logo.svg"
font = "Inter, system-ui, sans-serif"
"""
    cfg = banner_config(parse_declaration(BASE + theme))
    assert cfg["theme"] == {
        "vars": {
            "bg": "#0b1f3a",
            "fg": "#ffffff",
            "link": "#9cc3ff",
            "accent": "#ffd166",
            "btn-bg": "#ffd166",
            "btn-fg": "#0b1f3a",
            "font": "Inter, system-ui, sans-serif",
        },
        "position": "top",
        "logo": "/logo.svg",
    }


@pytest.mark.parametrize(
    ("theme", "message"),
    [
        (
            'text = "#999999"',
            "text #999999 on background #ffffff has contrast 2.85:1, below the 4.5:1",
        ),
        ('button_background = "#1a1a1a"', "button_text #1a1a1a on button_background #1a1a1a"),
        ('accent = "#dddddd"', "below the 3:1 WCAG 2.2 AA asks for switches and the focus ring"),
        ('accept_background = "#1d4ed8"', 'accept_background "#1d4ed8" and reject_background'),
        (
            'accept_text = "#ffffff"\nreject_text = "#1a1a1a"',
            "rejecting must be as prominent as accepting",
        ),
        ('text = "red"', "text 'red' is not a colour like \"#1a1a1a\""),
        ('font = "x;}body{display:none"', "must be a font-family list"),
        ('logo = "javascript:alert(1)"', "must be an https:// URL or a path"),
        ('position = "middle"', 'position = "middle" is not one of "bottom", "top"'),
    ],
)
def test_check_refuses_a_theme_below_contrast_or_unequal_buttons(theme: str, message: str) -> None:
    found = problems(f"[banner.theme]\n{theme}\n")
    assert found and any(message in p for p in found), found


def test_equal_accept_and_reject_colours_are_the_button_colours() -> None:
    theme = '[banner.theme]\naccept_background = "#ffffff"\nreject_background = "#FFFFFF"\n'
    cfg = banner_config(parse_declaration(BASE + theme))
    assert cfg["theme"]["vars"]["btn-bg"] == "#ffffff"


def test_consent_mode_regions_are_checked() -> None:
    good = (
        '[banner.consent_mode]\nregions = [{ region = ["US", "US-CA"], granted = ["analytics"] }]\n'
    )
    cfg = banner_config(parse_declaration(BASE + good))
    assert cfg["consent_mode"]["regions"] == [{"region": ["US", "US-CA"], "granted": ["analytics"]}]
    bad_region = '[banner.consent_mode]\nregions = [{ region = ["usa"], granted = [] }]\n'
    assert "ISO 3166 codes" in problems(bad_region)[0]
    bad_cat = '[banner.consent_mode]\nregions = [{ region = ["US"], granted = ["necessary"] }]\n'
    assert "categories Consent Mode has signals for" in problems(bad_cat)[0]
