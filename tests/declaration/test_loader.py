"""The loader: a valid file loads into typed models; every problem is reported with its line."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from samtycke.declaration import load_declaration, parse_declaration
from samtycke.errors import DeclarationError, DeclarationFileError

VALID = """\
# A small, valid declaration.
[site]
id = "acme"
name = "Acme"
controller = "Acme AB"
contact = "privacy@acme.example"
domains = ["acme.example"]
languages = ["sv", "en"]
consent_days = 180
revision = 3
do_not_track = "ignore"
updated = 2026-11-01

[categories.analytics]
label = { en = "Statistics", sv = "Statistik" }

[[services]]
id = "google-analytics"
name = "Google Analytics"
provider = "Google"
category = "analytics"
privacy_policy = "https://policies.google.com/technologies/cookies"

[[cookies]]
name = "_ga"
service = "google-analytics"
expires = "2 years"
purpose = { sv = "Räknar besök.", en = "Counts visits." }

[[cookies]]
name = "_ga_*"
service = "google-analytics"
expires = "2 years"
purpose = { sv = "Räknar besök.", en = "Counts visits." }

[[cookies]]
name = "csrftoken"
category = "necessary"
expires = "1 year"
purpose = { sv = "Skyddar formulär.", en = "Protects forms." }

[[storage]]
name = "theme"
kind = "localStorage"
category = "functional"
purpose = { sv = "Kommer ihåg temat.", en = "Remembers the theme." }
"""


def problems(text: str) -> list[str]:
    """The problem lines of an invalid declaration, as `check` prints them."""
    with pytest.raises(DeclarationError) as info:
        parse_declaration(text, "s.toml")
    return [str(p) for p in info.value.problems]


def replace(old: str, new: str) -> str:
    assert old in VALID
    return VALID.replace(old, new, 1)


def test_valid_file_loads_into_models() -> None:
    decl = parse_declaration(VALID, "s.toml")
    assert decl.site.id == "acme"
    assert decl.site.default_language == "sv"
    assert decl.site.consent_days == 180
    assert decl.site.do_not_track == "ignore"
    assert decl.site.global_privacy_control == "necessary-only"
    assert decl.category_ids == ("necessary", "functional", "analytics")
    assert decl.category("analytics").label.get("en") == "Statistics"
    assert decl.category("necessary").refusable is False
    assert decl.category("necessary").label.get("sv") == "Nödvändiga"
    ga = decl.cookies[0]
    assert (ga.name, ga.category, ga.domain, ga.expires.days) == (
        "_ga",
        "analytics",
        "acme.example",
        730.485,
    )
    assert ga.line == 24
    assert decl.cookies[1].is_pattern and decl.cookies[1].matches("_ga_ABC123")
    assert decl.storage[0].kind == "localStorage"
    assert decl.warnings == ()


def test_find_cookie_prefers_exact_names_and_related_domains() -> None:
    decl = parse_declaration(VALID, "s.toml")
    assert decl.find_cookie("_ga").name == "_ga"  # type: ignore[union-attr]
    assert decl.find_cookie("_ga_XYZ").name == "_ga_*"  # type: ignore[union-attr]
    assert decl.find_cookie("_ga", "www.acme.example").name == "_ga"  # type: ignore[union-attr]
    assert decl.find_cookie("nope") is None
    assert decl.is_first_party("shop.acme.example")
    assert not decl.is_first_party("google.com")


@pytest.mark.parametrize(
    ("old", "new", "expected"),
    [
        (
            'expires = "1 year"',
            'expires = "2 yeers"',
            's.toml:39: cookie \'csrftoken\': expires \'2 yeers\' is not a duration (try "2 years", "session" or "persistent")',
        ),
        (
            'expires = "1 year"',
            "expires = 5",
            "s.toml:39: cookie 'csrftoken': expires must be a string like \"30 days\", not 5",
        ),
        (
            'category = "necessary"',
            'category = "analytic"',
            "s.toml:38: cookie 'csrftoken': unknown category \"analytic\" (did you mean 'analytics'?) (known: necessary, functional, analytics, marketing)",
        ),
        (
            'service = "google-analytics"\nexpires = "2 years"\npurpose = { sv = "Räknar besök.", en = "Counts visits." }\n\n[[cookies]]\nname = "_ga_*"',
            'service = "google-analytic"\nexpires = "2 years"\npurpose = { sv = "Räknar besök.", en = "Counts visits." }\n\n[[cookies]]\nname = "_ga_*"',
            "s.toml:26: cookie '_ga': unknown service \"google-analytic\" (did you mean 'google-analytics'?) (declared services: google-analytics)",
        ),
        (
            "consent_days = 180",
            "consent_days = 180\ncolour = 1",
            "s.toml:10: [site]: unknown key 'colour'",
        ),
        (
            "consent_days = 180",
            "consent_dayz = 180",
            "s.toml:9: [site]: unknown key 'consent_dayz' (did you mean 'consent_days'?)",
        ),
        ('controller = "Acme AB"\n', "", "s.toml:2: [site]: missing required key 'controller'"),
        (
            'languages = ["sv", "en"]',
            'languages = ["sv", "es"]',
            "s.toml:8: [site]: unsupported language 'es' (supported: de, en, fi, nb, sv; a language is added with a locale file)",
        ),
        (
            'name = "csrftoken"',
            'name = "csrf token"',
            "s.toml:37: cookie 'csrf token': invalid name or pattern: it contains ' ', which a cookie name cannot hold (use the real cookie name, or * for the varying part)",
        ),
        (
            'name = "_ga_*"',
            'name = "_ga_**"',
            "s.toml:31: cookie '_ga_**': invalid name or pattern: it has '**'; one '*' already matches any run of characters",
        ),
        (
            'name = "_ga_*"',
            'name = "*"',
            "s.toml:31: cookie '*': invalid name or pattern: it matches every name; give the fixed part, e.g. \"_ga_*\"",
        ),
        (
            'name = "_ga_*"',
            'name = "_ga"',
            "s.toml:30: cookie '_ga': declared twice for domain 'acme.example' (first at line 24)",
        ),
        (
            "[categories.analytics]",
            "[categories.necessary]\nrefusable = true\n\n[categories.analytics]",
            "s.toml:15: [categories.necessary]: necessary cookies cannot be refusable (move cookies a person may refuse to another category)",
        ),
        (
            'purpose = { sv = "Skyddar formulär.", en = "Protects forms." }',
            'purpose = { en = "Protects forms." }',
            "s.toml:40: cookie 'csrftoken': purpose has no text in the default language 'sv' (the first of [site] languages)",
        ),
        (
            'domains = ["acme.example"]',
            'domains = ["acme example"]',
            "s.toml:7: [site]: domain 'acme example' is not a host name like \"example.com\"",
        ),
        (
            'do_not_track = "ignore"',
            'do_not_track = "honour"',
            's.toml:11: [site]: do_not_track = "honour" is not one of "necessary-only", "necessary-and-functional", "ignore"',
        ),
        (
            'id = "acme"',
            'id = "Acme Inc"',
            "s.toml:3: [site]: id 'Acme Inc' must be a slug of a-z, 0-9 and '-' (e.g. \"billogram\")",
        ),
        (
            'privacy_policy = "https://policies.google.com/technologies/cookies"',
            'privacy_policy = "javascript:alert(1)"',
            "s.toml:22: service 'google-analytics': privacy_policy 'javascript:alert(1)' is not an http(s) URL (scheme 'javascript' is not allowed)",
        ),
    ],
)
def test_each_problem_names_file_line_key_value_and_rule(old: str, new: str, expected: str) -> None:
    assert expected in problems(replace(old, new))


def test_cookie_without_category_is_an_error() -> None:
    text = VALID + '\n[[cookies]]\nname = "lonely"\nexpires = "session"\npurpose = "Alone."\n'
    assert (
        "s.toml:48: cookie 'lonely': has no category (give category = \"…\" or a service that has one)"
        in problems(text)
    )


def test_missing_required_cookie_keys() -> None:
    text = VALID + '\n[[cookies]]\nname = "x"\ncategory = "necessary"\n'
    found = problems(text)
    assert (
        's.toml:48: cookie \'x\': missing required key \'expires\' ("session", "persistent" or e.g. "30 days")'
        in found
    )
    assert (
        "s.toml:48: cookie 'x': missing required key 'purpose' (a text, or a table like { sv = \"…\" })"
        in found
    )


def test_all_problems_are_reported_at_once_in_line_order() -> None:
    text = replace('expires = "1 year"', 'expires = "soon"').replace(
        "consent_days = 180", "consent_days = 0"
    )
    found = problems(text)
    assert len(found) == 2
    assert found[0].startswith("s.toml:9: [site]: consent_days = 0 is below the minimum 1")
    assert found[1].startswith("s.toml:39: cookie 'csrftoken': expires 'soon' is not a duration")


def test_purpose_missing_in_another_language_is_a_warning_with_fallback() -> None:
    text = replace(
        'purpose = { sv = "Skyddar formulär.", en = "Protects forms." }',
        'purpose = { sv = "Skyddar formulär." }',
    )
    decl = parse_declaration(text, "s.toml")
    assert [str(w) for w in decl.warnings] == [
        "s.toml:40: warning: cookie 'csrftoken': purpose has no text in en; the 'sv' text is shown instead"
    ]
    assert decl.cookies[2].purpose.get("en") == "Skyddar formulär."


def test_a_plain_string_purpose_is_in_the_default_language() -> None:
    text = replace(
        'purpose = { sv = "Skyddar formulär.", en = "Protects forms." }',
        'purpose = "Skyddar formulär."',
    )
    decl = parse_declaration(text, "s.toml")
    assert decl.cookies[2].purpose.get("sv") == "Skyddar formulär."
    assert len(decl.warnings) == 1


def test_toml_syntax_error_names_the_line() -> None:
    found = problems(VALID.replace('name = "Acme"', 'name = "Acme'))
    assert len(found) == 1
    assert found[0].startswith("s.toml:4: TOML syntax: ")


def test_unknown_top_level_table() -> None:
    assert "s.toml:48: declaration: unknown key 'cookie' (did you mean 'cookies'?)" in problems(
        VALID + '\n[[cookie]]\nname = "x"\n'
    )


def test_custom_category_needs_texts_and_only_necessary_is_non_refusable() -> None:
    text = VALID + "\n[categories.support]\nrefusable = false\n"
    found = problems(text)
    assert (
        "s.toml:48: [categories.support]: missing required key 'label' (a text, or a table like { sv = \"…\" })"
        in found
    )
    assert any("only 'necessary' can be non-refusable" in p for p in found)


def test_custom_category_in_use_is_shown_after_builtins() -> None:
    text = (
        VALID.replace(
            "[[services]]",
            '[categories.support]\nlabel = { sv = "Support", en = "Support" }\ndescription = { sv = "Chatt.", en = "Chat." }\n\n[[services]]',
        )
        + '\n[[cookies]]\nname = "chat"\ncategory = "support"\nexpires = "session"\npurpose = { sv = "Chatt.", en = "Chat." }\n'
    )
    decl = parse_declaration(text, "s.toml")
    assert decl.category_ids == ("necessary", "functional", "analytics", "support")


def test_file_errors(tmp_path: Path) -> None:
    with pytest.raises(DeclarationFileError, match="no such file"):
        load_declaration(tmp_path / "missing.toml")
    (tmp_path / "samtycke.toml").write_text(VALID, encoding="utf-8")
    assert load_declaration(tmp_path).site.id == "acme"  # a folder means its samtycke.toml
    (tmp_path / "latin1.toml").write_bytes('name = "Åsa"'.encode("latin-1"))
    with pytest.raises(DeclarationFileError, match="not UTF-8"):
        load_declaration(tmp_path / "latin1.toml")


@pytest.mark.skipif(os.geteuid() == 0, reason="root can read any file")
def test_unreadable_file(tmp_path: Path) -> None:
    p = tmp_path / "s.toml"
    p.write_text(VALID, encoding="utf-8")
    p.chmod(0)
    with pytest.raises(DeclarationFileError, match="permission denied"):
        load_declaration(p)


def test_path_through_a_file_cannot_be_read(tmp_path: Path) -> None:
    (tmp_path / "file").write_text("", encoding="utf-8")
    with pytest.raises(DeclarationFileError, match="cannot be read"):
        load_declaration(tmp_path / "file" / "samtycke.toml")


def test_localhost_is_a_domain_for_development() -> None:
    decl = parse_declaration(
        replace('domains = ["acme.example"]', 'domains = ["localhost"]'), "s.toml"
    )
    assert decl.site.domains == ("localhost",)
    assert problems(replace('domains = ["acme.example"]', 'domains = ["intranet"]')) == [
        "s.toml:7: [site]: domain 'intranet' is not a host name like \"example.com\""
    ]


def test_a_typo_in_a_services_category_is_reported_once() -> None:
    text = replace(
        'category = "analytics"\nprivacy_policy', 'category = "analytcs"\nprivacy_policy'
    )
    assert problems(text) == [
        "s.toml:21: service 'google-analytics': unknown category \"analytcs\" (did you mean "
        "'analytics'?) (known: necessary, functional, analytics, marketing)"
    ]


def test_a_near_miss_of_a_builtin_category_table_is_a_typo() -> None:
    text = replace("[categories.analytics]", "[categories.analytcs]")
    assert problems(text) == [
        "s.toml:14: [categories.analytcs]: unknown category (did you mean 'analytics'?) "
        "(a category of your own needs an id unlike the built-in ones)"
    ]


def test_a_country_code_for_a_language_gets_the_language() -> None:
    # One line: the Swedish texts do not each warn that 'sv' is not declared.
    assert problems(replace('languages = ["sv", "en"]', 'languages = ["se", "en"]')) == [
        "s.toml:8: [site]: unsupported language 'se' (did you mean 'sv'?) (supported: de, en, "
        "fi, nb, sv; a language is added with a locale file)"
    ]


@pytest.mark.parametrize(
    ("toml", "expected"),
    [
        (
            '[site]\nid = "a"\nid = "b"\n',
            "s.toml:3: TOML syntax: Cannot overwrite a value: key 'id' (or the key it extends) "
            "is already set in this table",
        ),
        (
            '[site]\nid = "a\n',
            "s.toml:2: TOML syntax: Illegal character '\\n' (in the value of key 'id')",
        ),
        ("[site]\nid = [1,\n", "s.toml:2: TOML syntax: Invalid value (in the value of key 'id')"),
        ("[site]\n[site]\n", "s.toml:2: TOML syntax: Cannot declare ('site',) twice"),
    ],
)
def test_every_toml_error_names_its_key(toml: str, expected: str) -> None:
    assert problems(toml) == [expected]
