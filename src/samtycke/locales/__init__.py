"""UI texts for every supported language, one TOML file per language.

The policy pages and the banner read the same catalog. Adding a language is
adding ``<code>.toml`` here with every key that ``en.toml`` has.
"""

from __future__ import annotations

import datetime as dt
import tomllib
from collections.abc import Mapping
from functools import cache
from importlib import resources
from typing import TYPE_CHECKING, Any

from samtycke.errors import LocaleError

if TYPE_CHECKING:  # the declaration package imports this one; avoid the cycle at run time
    from samtycke.declaration.expiry import Expiry

REFERENCE_LANGUAGE = "en"


@cache
def supported_languages() -> tuple[str, ...]:
    """Language codes with a catalog, sorted."""
    files = resources.files(__package__)
    return tuple(sorted(p.name[:-5] for p in files.iterdir() if p.name.endswith(".toml")))


@cache
def catalog(lang: str) -> Mapping[str, str]:
    """Every text of ``lang``, keyed by dotted name (``"policy.title"``)."""
    if lang not in supported_languages():
        raise LocaleError(
            f"no locale catalog for language {lang!r} "
            f"(supported: {', '.join(supported_languages())})"
        )
    path = resources.files(__package__) / f"{lang}.toml"
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except tomllib.TOMLDecodeError as exc:
        raise LocaleError(f"locales/{lang}.toml: {exc}") from exc
    flat: dict[str, str] = {}
    _flatten(data, "", flat)
    return flat


def _flatten(data: Mapping[str, Any], prefix: str, out: dict[str, str]) -> None:
    for key, value in data.items():
        name = f"{prefix}{key}"
        if isinstance(value, Mapping):
            _flatten(value, name + ".", out)
        else:
            out[name] = str(value)


def text(lang: str, key: str, **values: object) -> str:
    """The text ``key`` in ``lang`` with ``{placeholders}`` filled from ``values``."""
    try:
        template = catalog(lang)[key]
    except KeyError:
        raise LocaleError(f"locales/{lang}.toml has no key {key!r}") from None
    return template.format(**values) if values else template


def section(lang: str, prefix: str) -> dict[str, str]:
    """Every key under ``prefix.`` (without the prefix), e.g. the banner texts."""
    start = prefix + "."
    return {k[len(start) :]: v for k, v in catalog(lang).items() if k.startswith(start)}


def format_expiry(expiry: Expiry, lang: str) -> str:
    """How long a cookie lives, in words: "2 år", "30 päivää", "Sitzung"…

    Every supported language has two plural forms (one and other), so the
    singular is used for exactly 1.
    """
    if expiry.kind != "duration":
        return text(lang, f"expiry.{expiry.kind}")
    form = "one" if expiry.amount == 1 else "other"
    return text(lang, f"expiry.{expiry.unit}_{form}", n=expiry.amount)


def format_date(day: dt.date, lang: str) -> str:
    """A date written out the way ``lang`` writes it ("1 november 2026", "1. November 2026")."""
    months = text(lang, "date.months").split()
    return text(lang, "date.format", day=day.day, month=months[day.month - 1], year=day.year)
