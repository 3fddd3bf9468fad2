"""Typed, immutable models of a loaded declaration."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Literal

from samtycke.contract import SignalMode
from samtycke.declaration.expiry import Expiry
from samtycke.declaration.patterns import is_pattern, matches
from samtycke.declaration.theme import Theme
from samtycke.errors import Problem

if TYPE_CHECKING:  # email.py and external.py build on LocalText from this module
    from samtycke.declaration.email import EmailTracking
    from samtycke.declaration.external import ExternalPage
    from samtycke.declaration.monitor import Monitor

BUILTIN_CATEGORIES = ("necessary", "functional", "analytics", "marketing")
SignalPolicy = SignalMode  # the privacy-signal modes of the contract
StorageKind = Literal["localStorage", "sessionStorage"]


@dataclass(frozen=True)
class LocalText:
    """A text in several languages. ``get`` falls back to the default language."""

    texts: Mapping[str, str]
    default: str
    fallback: Mapping[str, tuple[str, ...]] = field(default_factory=dict)  # [site] fallback

    def get(self, lang: str) -> str:
        """The text in ``lang``, else in its fallback languages in order, else the default's."""
        for code in (lang, *self.fallback.get(lang, ()), self.default):
            if self.texts.get(code):
                return self.texts[code]
        return ""

    def source(self, lang: str) -> str:
        """The language :meth:`get` takes the text of ``lang`` from."""
        for code in (lang, *self.fallback.get(lang, ())):
            if self.texts.get(code):
                return code
        return self.default

    def __bool__(self) -> bool:
        return any(self.texts.values())


@dataclass(frozen=True)
class Site:
    """The ``[site]`` table: who runs the site and how consent behaves."""

    id: str
    name: str
    controller: str
    contact: str
    domains: tuple[str, ...]
    languages: tuple[str, ...]
    consent_days: int = 90
    revision: int = 1
    do_not_track: SignalPolicy = "necessary-only"
    global_privacy_control: SignalPolicy = "necessary-only"
    google_consent_mode: bool = False
    updated: dt.date | None = None
    policy_url: str | None = None
    privacy_policy: str | None = None
    fallback: Mapping[str, tuple[str, ...]] = field(default_factory=dict)

    @property
    def default_language(self) -> str:
        """The first declared language."""
        return self.languages[0]


@dataclass(frozen=True)
class RegionDefault:
    """A Consent Mode default for some regions (ISO 3166-1/-2 codes): what it grants there."""

    regions: tuple[str, ...]
    granted: tuple[str, ...]


@dataclass(frozen=True)
class ConsentMode:
    """``[banner.consent_mode]``: Google Consent Mode v2 beyond the default denial."""

    ads_data_redaction: bool = False
    url_passthrough: bool = False
    regions: tuple[RegionDefault, ...] = ()


@dataclass(frozen=True)
class Banner:
    """The optional ``[banner]`` table: how the browser banner behaves and looks."""

    endpoint: str | None = None
    settings_button: bool = True
    wait_for_update: int = 500
    microsoft_uet: bool = False
    clarity: bool = False
    consent_mode: ConsentMode = field(default_factory=ConsentMode)
    theme: Theme = field(default_factory=Theme)
    texts: Mapping[str, Mapping[str, str]] = field(default_factory=dict)  # lang → key → text

    def text_overrides(self, lang: str) -> Mapping[str, str]:
        """The site's own banner strings in ``lang`` (empty when it keeps the catalog's)."""
        return self.texts.get(lang, {})


@dataclass(frozen=True)
class Category:
    """A consent category; ``necessary`` is the only one that cannot be refused."""

    id: str
    label: LocalText
    description: LocalText
    refusable: bool = True
    line: int = 0


@dataclass(frozen=True)
class Service:
    """A third-party (or own) service that sets cookies."""

    id: str
    name: str
    provider: str
    category: str
    privacy_policy: str | None = None
    purpose: LocalText | None = None
    line: int = 0


@dataclass(frozen=True)
class Cookie:
    """A declared cookie (or a ``*`` pattern of cookies)."""

    name: str
    category: str
    domain: str
    expires: Expiry
    purpose: LocalText
    service: str | None = None
    line: int = 0
    justification: LocalText | None = None  # why a necessary cookie needs no consent
    review: bool = False  # written by `scan --write-declaration`: not yet confirmed by a person

    @property
    def is_pattern(self) -> bool:
        """True for a name with ``*``."""
        return is_pattern(self.name)

    def matches(self, name: str) -> bool:
        """True when an observed cookie called ``name`` is this declared cookie."""
        return matches(self.name, name)


@dataclass(frozen=True)
class Storage:
    """A declared localStorage or sessionStorage key (or pattern)."""

    name: str
    kind: StorageKind
    category: str
    purpose: LocalText
    service: str | None = None
    expires: Expiry | None = None
    line: int = 0

    @property
    def is_pattern(self) -> bool:
        """True for a key with ``*``."""
        return is_pattern(self.name)

    def matches(self, key: str) -> bool:
        """True when the observed storage ``key`` is this declared key."""
        return matches(self.name, key)


@dataclass(frozen=True)
class Declaration:
    """Everything one ``samtycke.toml`` declares, validated.

    ``categories`` holds the categories in use, in display order: the built-ins
    first (``necessary`` always), then custom ones in file order.
    """

    site: Site
    categories: tuple[Category, ...]
    services: tuple[Service, ...]
    cookies: tuple[Cookie, ...]
    storage: tuple[Storage, ...]
    banner: Banner = field(default_factory=Banner)
    path: Path | None = None
    warnings: tuple[Problem, ...] = ()
    email: EmailTracking | None = None
    external_pages: tuple[ExternalPage, ...] = ()
    shared_consent: tuple[str, ...] = ()  # domains that share one decision
    monitor: Monitor | None = None  # scheduled scans and their alerts

    def category(self, category_id: str) -> Category:
        """The category with this id (KeyError when there is none)."""
        for c in self.categories:
            if c.id == category_id:
                return c
        raise KeyError(category_id)

    def service(self, service_id: str) -> Service:
        """The service with this id (KeyError when there is none)."""
        for s in self.services:
            if s.id == service_id:
                return s
        raise KeyError(service_id)

    @property
    def category_ids(self) -> tuple[str, ...]:
        """Category ids in display order."""
        return tuple(c.id for c in self.categories)

    @property
    def unreviewed(self) -> tuple[Cookie, ...]:
        """The cookies still marked ``review = true``; nothing is published while any are."""
        return tuple(c for c in self.cookies if c.review)

    def cookies_in(self, category_id: str) -> tuple[Cookie, ...]:
        """The cookies of one category, in declaration order."""
        return tuple(c for c in self.cookies if c.category == category_id)

    def storage_in(self, category_id: str) -> tuple[Storage, ...]:
        """The storage keys of one category, in declaration order."""
        return tuple(s for s in self.storage if s.category == category_id)

    def services_in(self, category_id: str) -> tuple[Service, ...]:
        """The services of one category, in declaration order."""
        return tuple(s for s in self.services if s.category == category_id)

    def find_cookie(self, name: str, domain: str | None = None) -> Cookie | None:
        """The declared cookie an observed cookie belongs to, exact names first.

        With ``domain`` the declared domain must be that host or a parent of it
        (or the reverse), so ``_ga`` on another site does not match.
        """
        candidates = [c for c in self.cookies if c.matches(name)]
        if domain is not None:
            candidates = [c for c in candidates if domains_related(c.domain, domain)] or candidates
        exact = [c for c in candidates if not c.is_pattern]
        best = exact or candidates
        return best[0] if best else None

    def provider_of(self, item: Cookie | Storage) -> str:
        """Who sets a cookie or storage key: its service's provider, else the site's controller."""
        return self.service(item.service).provider if item.service else self.site.controller

    def is_first_party(self, domain: str) -> bool:
        """True when ``domain`` is one of the site's domains or under one."""
        return any(domains_related(d, domain) for d in self.site.domains)

    def __iter__(self) -> Iterator[Cookie]:
        return iter(self.cookies)


def normalize_domain(domain: str) -> str:
    """Lower-case and without a leading dot (the dot is legacy in Set-Cookie)."""
    return domain.strip().lower().lstrip(".")


def domains_related(a: str, b: str) -> bool:
    """True when one domain equals the other or is a parent of it."""
    a, b = normalize_domain(a), normalize_domain(b)
    return a == b or a.endswith("." + b) or b.endswith("." + a)
