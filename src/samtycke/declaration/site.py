"""The ``[site]`` and ``[banner]`` tables of a declaration."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from typing import Any, cast

from samtycke import ids, locales
from samtycke.declaration.checks import Checks, did_you_mean, show
from samtycke.declaration.models import Banner, SignalPolicy, Site, normalize_domain

_SIGNAL_POLICIES = ("necessary-and-functional", "ignore")
_SITE_KEYS = (
    "id", "name", "controller", "contact", "domains", "languages", "consent_days", "revision",
    "do_not_track", "global_privacy_control", "google_consent_mode", "updated", "policy_url",
    "privacy_policy",
)  # fmt: skip
_SITE_REQUIRED = ("id", "name", "controller", "contact", "domains", "languages")
_BANNER_KEYS = ("endpoint", "settings_button", "wait_for_update")


class SiteChecks(Checks):
    """Reads ``[site]`` and ``[banner]``; sets the languages every text is checked against."""

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
            do_not_track=cast(
                SignalPolicy,
                self.choice(
                    t, "do_not_track", where, "[site]", _SIGNAL_POLICIES, "necessary-and-functional"
                ),
            ),
            global_privacy_control=cast(
                SignalPolicy,
                self.choice(
                    t,
                    "global_privacy_control",
                    where,
                    "[site]",
                    _SIGNAL_POLICIES,
                    "necessary-and-functional",
                ),
            ),
            google_consent_mode=self.boolean(t, "google_consent_mode", where, "[site]", False),
            updated=updated,
            policy_url=self.url(t, "policy_url", where, "[site]", relative=True),
            privacy_policy=self.url(t, "privacy_policy", where, "[site]"),
        )
        if any(values[k] is None or values[k] == () for k in _SITE_REQUIRED):
            return None
        return Site(**values)  # type: ignore[arg-type]

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
                hint = did_you_mean(lang, supported)
                self.error(
                    where,
                    f"[site]: unsupported language {lang!r}{hint} (supported: {', '.join(supported)}; a language is added with a locale file)",
                )
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
            if not ids.is_domain(d.lower()) or "." not in d:
                self.error(where, f'[site]: domain {d!r} is not a host name like "example.com"')
            else:
                out.append(normalize_domain(d))
        return tuple(out)

    def banner(self, raw: object) -> Banner | None:
        t = self.table(raw, ("banner",), "[banner]")
        if t is None:
            return None
        where = ("banner",)
        self.keys(t, _BANNER_KEYS, where, "[banner]")
        return Banner(
            endpoint=self.url(t, "endpoint", where, "[banner]", relative=True),
            settings_button=self.boolean(t, "settings_button", where, "[banner]", True),
            wait_for_update=self.integer(t, "wait_for_update", where, "[banner]", 500, 0),
        )
