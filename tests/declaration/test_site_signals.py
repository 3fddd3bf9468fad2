"""The [site] privacy-signal modes and the consent_days ceiling."""

from __future__ import annotations

import pytest

from samtycke.declaration import parse_declaration

SITE = """\
[site]
id = "acme"
name = "Acme"
controller = "Acme AB"
contact = "privacy@acme.example"
domains = ["acme.example"]
languages = ["en"]
{extra}

[[cookies]]
name = "theme"
category = "functional"
expires = "1 year"
purpose = "Remembers the theme."
"""


def warnings(extra: str) -> list[str]:
    return [str(w) for w in parse_declaration(SITE.format(extra=extra), "s.toml").warnings]


def test_a_new_declaration_takes_signals_as_refusals() -> None:
    decl = parse_declaration(SITE.format(extra=""), "s.toml")
    assert decl.site.do_not_track == decl.site.global_privacy_control == "necessary-only"
    assert decl.warnings == ()


@pytest.mark.parametrize("key", ["do_not_track", "global_privacy_control"])
def test_necessary_and_functional_is_allowed_with_a_warning(key: str) -> None:
    (line,) = warnings(f'{key} = "necessary-and-functional"')
    assert line.startswith(f's.toml:8: warning: [site]: {key} = "necessary-and-functional"')
    assert "strictly necessary preference the person asked for" in line


@pytest.mark.parametrize("mode", ["necessary-only", "ignore"])
def test_the_other_modes_are_quiet(mode: str) -> None:
    assert warnings(f'do_not_track = "{mode}"') == []


def test_consent_days_over_13_months_is_a_warning() -> None:
    assert warnings("consent_days = 395") == []
    (line,) = warnings("consent_days = 396")
    assert line.startswith("s.toml:8: warning: [site]: consent_days 396")
    assert "13 months" in line and "CNIL" in line
