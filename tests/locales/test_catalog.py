"""The locale catalog: every language has every key, and none is left in English (point 5)."""

from __future__ import annotations

import string

import pytest

from samtycke import locales
from samtycke.declaration import parse_expiry

REFERENCE = locales.REFERENCE_LANGUAGE
OTHERS = [lang for lang in locales.supported_languages() if lang != REFERENCE]

# Texts that are rightly the same as in English. Keep it short: each entry is
# a word the language really uses, not a translation someone forgot.
SAME_AS_ENGLISH: dict[str, set[str]] = {
    "de": {"category.marketing.label", "table.name", "banner.cookies"},  # German words too
    "sv": {"banner.cookies", "date.format"},  # "cookies" is Swedish usage; "9 mars 2026"
}


def _fields(template: str) -> set[str]:
    return {name for _, name, _, _ in string.Formatter().parse(template) if name}


def test_the_five_languages_are_supported() -> None:
    assert set(locales.supported_languages()) >= {"sv", "en", "fi", "nb", "de"}


@pytest.mark.parametrize("lang", OTHERS)
def test_no_key_is_missing_or_extra(lang: str) -> None:
    reference = set(locales.catalog(REFERENCE))
    keys = set(locales.catalog(lang))
    assert sorted(reference - keys) == [], f"{lang}.toml lacks these keys"
    assert sorted(keys - reference) == [], f"{lang}.toml has keys en.toml does not"


@pytest.mark.parametrize("lang", locales.supported_languages())
def test_no_value_is_empty(lang: str) -> None:
    empty = [k for k, v in locales.catalog(lang).items() if not v.strip()]
    assert empty == []


@pytest.mark.parametrize("lang", OTHERS)
def test_nothing_is_left_in_english(lang: str) -> None:
    reference = locales.catalog(REFERENCE)
    allowed = SAME_AS_ENGLISH.get(lang, set()) | {"language.running_labels"}  # a setting
    same = sorted(
        k for k, v in locales.catalog(lang).items() if reference.get(k) == v and k not in allowed
    )
    assert same == [], f"{lang}.toml has English text (or add it to SAME_AS_ENGLISH with a reason)"


@pytest.mark.parametrize("lang", OTHERS)
def test_placeholders_match_english(lang: str) -> None:
    reference = locales.catalog(REFERENCE)
    wrong = {
        k: (_fields(v), _fields(reference[k]))
        for k, v in locales.catalog(lang).items()
        if k in reference and _fields(v) != _fields(reference[k])
    }
    assert wrong == {}


@pytest.mark.parametrize("lang", locales.supported_languages())
def test_twelve_month_names(lang: str) -> None:
    assert len(locales.text(lang, "date.months").split()) == 12


@pytest.mark.parametrize(
    ("lang", "expected"),
    [
        ("sv", ["1 dag", "30 dagar", "2 år", "1 timme", "5 minuter", "Tills du raderar den"]),
        ("en", ["1 day", "30 days", "2 years", "1 hour", "5 minutes", "Until you delete it"]),
        (
            "fi",
            ["1 päivä", "30 päivää", "2 vuotta", "1 tunti", "5 minuuttia", "Kunnes poistat sen"],
        ),
        ("nb", ["1 dag", "30 dager", "2 år", "1 time", "5 minutter", "Til du sletter den"]),
        ("de", ["1 Tag", "30 Tage", "2 Jahre", "1 Stunde", "5 Minuten", "Bis Sie es löschen"]),
    ],
)
def test_format_expiry_uses_plural_forms(lang: str, expected: list[str]) -> None:
    texts = ["1 day", "30 days", "2 years", "1 hour", "5 minutes", "persistent"]
    assert [locales.format_expiry(parse_expiry(t), lang) for t in texts] == expected


def test_session_wording() -> None:
    session = parse_expiry("session")
    assert locales.format_expiry(session, "de").startswith("Sitzung")
    assert locales.format_expiry(session, "en").startswith("Session")
    assert locales.format_expiry(session, "nb").startswith("Økt")
