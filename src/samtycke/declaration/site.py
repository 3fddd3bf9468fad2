"""The ``[site]`` and ``[banner]`` tables of a declaration."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from typing import Any, cast

from samtycke import ids, locales
from samtycke.contract import SIGNAL_MODES
from samtycke.declaration.banner import BannerChecks
from samtycke.declaration.checks import closest, show
from samtycke.declaration.models import SignalPolicy, Site, normalize_domain

MAX_CONSENT_DAYS = 395  # 13 months: the CNIL's and TCF's ceiling for keeping a choice
_SITE_KEYS = (
    "id", "name", "controller", "contact", "domains", "languages", "consent_days", "revision",
    "do_not_track", "global_privacy_control", "google_consent_mode", "updated", "policy_url",
    "privacy_policy", "fallback",
)  # fmt: skip
# Country codes and three-letter codes people write for the supported languages.
LANGUAGE_ALIASES = {
    "se": "sv", "swe": "sv", "sw": "sv",
    "no": "nb", "nn": "nb", "nob": "nb", "nor": "nb",
    "gb": "en", "uk": "en", "us": "en", "eng": "en",
    "ge": "de", "deu": "de", "ger": "de", "at": "de", "ch": "de",
    "fin": "fi", "fl": "fi",
}  # fmt: skip
_SITE_REQUIRED = ("id", "name", "controller", "contact", "domains", "languages")


class SiteChecks(BannerChecks):
    """Reads ``[site]`` (and, through BannerChecks, ``[banner]``); sets the languages every
    text is checked against."""

    def site(self, raw: object) -> Site | None:
        if raw is None:
            self.error((), "declaration: missing required table [site]")
            return None
        t = self.table(raw, ("site",), "[site]")
        if t is None:
            return None
        where = ("site",)
        self.keys(t, _SITE_KEYS, where, "[site]")
        self.required(t, _SITE_REQUIRED, where, "[site]")
        languages = self.site_languages(t)
        if languages:
            self.languages = languages
            self.fallback = self.fallback_order(t.get("fallback", {}), languages)
        site_id = self.string(t, "id", where, "[site]")
        if site_id is not None and not ids.is_slug(site_id):
            self.error(
                (*where, "id"),
                f"[site]: id {site_id!r} must be a slug of a-z, 0-9 and '-' (e.g. \"billogram\")",
            )
        domains = self.domain_list(t)
        updated = t.get("updated")
        if updated is not None and (
            not isinstance(updated, dt.date) or isinstance(updated, dt.datetime)
        ):
            self.error(
                (*where, "updated"),
                f"[site]: updated must be a date like 2026-11-01, not {show(updated)}",
            )
            updated = None
        values = dict(
            id=site_id,
            name=self.string(t, "name", where, "[site]"),
            controller=self.string(t, "controller", where, "[site]"),
            contact=self.string(t, "contact", where, "[site]"),
            domains=domains,
            languages=languages,
            consent_days=self.integer(t, "consent_days", where, "[site]", 90, 1),
            revision=self.integer(t, "revision", where, "[site]", 1, 1),
            do_not_track=self.signal_mode(t, "do_not_track"),
            global_privacy_control=self.signal_mode(t, "global_privacy_control"),
            google_consent_mode=self.boolean(t, "google_consent_mode", where, "[site]", False),
            updated=updated,
            policy_url=self.url(t, "policy_url", where, "[site]", relative=True),
            privacy_policy=self.url(t, "privacy_policy", where, "[site]"),
            fallback=self.fallback,
        )
        days = values["consent_days"]
        if isinstance(days, int) and days > MAX_CONSENT_DAYS:
            self.warn(
                (*where, "consent_days"),
                f"[site]: consent_days {days} keeps a choice longer than 13 months "
                f"({MAX_CONSENT_DAYS} days), the CNIL and TCF ceiling; ask again sooner",
            )
        if any(values[k] is None or values[k] == () for k in _SITE_REQUIRED):
            return None
        return Site(**values)  # type: ignore[arg-type]

    def signal_mode(self, t: Mapping[str, Any], key: str) -> SignalPolicy:
        """A privacy-signal mode; ``necessary-and-functional`` is allowed with a warning."""
        mode = cast(
            SignalPolicy, self.choice(t, key, ("site",), "[site]", SIGNAL_MODES, "necessary-only")
        )
        if mode == "necessary-and-functional":
            self.warn(
                ("site", key),
                f'[site]: {key} = "necessary-and-functional" places functional cookies '
                "without consent when the signal is sent: each must be a strictly necessary "
                'preference the person asked for (else use "necessary-only")',
            )
        return mode

    def site_languages(self, t: Mapping[str, Any]) -> tuple[str, ...]:
        raw = t.get("languages")
        where = ("site", "languages")
        if raw is None:
            return ()
        if not isinstance(raw, list) or not raw or not all(isinstance(x, str) for x in raw):
            self.error(
                where,
                f'[site]: languages must be a non-empty list like ["sv", "en"], not {show(raw)}',
            )
            return ()
        supported = locales.supported_languages()
        out: list[str] = []
        for lang in raw:
            if lang not in supported:
                guess = LANGUAGE_ALIASES.get(lang.lower()) or closest(lang, supported)
                hint = f" (did you mean {guess!r}?)" if guess else ""
                self.error(
                    where,
                    f"[site]: unsupported language {lang!r}{hint} (supported: {', '.join(supported)}; a language is added with a locale file)",
                )
                if guess and guess not in out:
                    # Check the rest as meant, so texts in the guessed language
                    # do not each warn about the one typo.
                    out.append(guess)
            elif lang in out:
                self.error(where, f"[site]: language {lang!r} is listed twice")
            else:
                out.append(lang)
        return tuple(out)

    def domain_list(self, t: Mapping[str, Any]) -> tuple[str, ...]:
        raw = t.get("domains")
        where = ("site", "domains")
        if raw is None:
            return ()
        if not isinstance(raw, list) or not raw or not all(isinstance(x, str) for x in raw):
            self.error(
                where,
                f'[site]: domains must be a non-empty list like ["example.com"], not {show(raw)}',
            )
            return ()
        out = []
        for d in raw:
            if not ids.is_site_domain(d.lower()):
                self.error(where, f'[site]: domain {d!r} is not a host name like "example.com"')
            else:
                out.append(normalize_domain(d))
        return tuple(out)

    def fallback_order(self, raw: object, languages: tuple[str, ...]) -> dict[str, tuple[str, ...]]:
        """``fallback = { fi = "en", nb = ["sv", "en"] }``: where a missing text is taken from."""
        where = ("site", "fallback")
        t = self.table(raw, where, "[site] fallback")
        out: dict[str, tuple[str, ...]] = {}
        for lang, order in (t or {}).items():
            codes = [order] if isinstance(order, str) else order
            if (
                lang not in languages
                or not isinstance(codes, list)
                or not codes
                or not all(isinstance(c, str) and c in languages and c != lang for c in codes)
            ):
                self.error(
                    (*where, lang),
                    f"[site]: fallback {lang} = {show(order)}: give declared languages other than "
                    f'{lang!r}, e.g. {{ fi = "en" }} or {{ nb = ["sv", "en"] }} '
                    f"(declared: {', '.join(languages)})",
                )
                continue
            out[lang] = tuple(codes)
        return out
