"""``[[external_pages]]``: pages of the site that another company runs.

A careers page on Teamtailor or a help centre on Zendesk is part of the site
for its visitors, but the provider runs it. The declaration names the page, its
URL, the provider, the provider's privacy policy and who asks for consent
there: the provider itself, or the site on the provider's behalf. Cookies the
provider places there are declared like any other cookie, through a
``[[services]]`` entry of that provider named by ``service``.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Literal, cast

from samtycke.declaration.checks import Checks
from samtycke.declaration.models import Cookie, LocalText, Service

ConsentBy = Literal["provider", "site"]
CONSENT_BY: tuple[ConsentBy, ...] = ("provider", "site")
_KEYS = ("name", "url", "provider", "consent_by", "privacy_policy", "service")


@dataclass(frozen=True)
class ExternalPage:
    """A page another company runs for the site."""

    name: LocalText
    url: str
    provider: str
    consent_by: ConsentBy
    privacy_policy: str
    service: str | None = None
    line: int = 0


class ExternalChecks(Checks):
    """Reads ``[[external_pages]]``; mixed into the declaration loader's validator."""

    def external_pages(
        self, raw: object, services: Mapping[str, Service], cookies: Sequence[Cookie]
    ) -> tuple[ExternalPage, ...]:
        out: list[ExternalPage] = []
        seen: dict[str, int] = {}
        for i, t in self.array(raw, "external_pages"):
            where: tuple[str | int, ...] = ("external_pages", i)
            what = f"external page #{i + 1}"
            self.keys(t, _KEYS, where, what)
            self.required(t, ("name", "url", "consent_by", "privacy_policy"), where, what)
            url = self.url(t, "url", where, what)
            if url is not None:
                what = f"external page {url!r}"
            service = self.service_ref(t, where, what, services)
            provider = self.string(t, "provider", where, what)
            if provider is None and service is not None:
                provider = service.provider
            elif provider is None and "provider" not in t:
                self.error(where, f"{what}: missing required key 'provider' (or give a service)")
            elif service is not None and provider != service.provider:
                self.error(
                    (*where, "provider"),
                    f"{what}: provider {provider!r} is not the provider of service "
                    f"{service.id!r} ({service.provider!r})",
                )
            name = self.local_text(t, "name", where, what, required=True)
            consent_by = (
                self.choice(t, "consent_by", where, what, CONSENT_BY, "provider")
                if "consent_by" in t
                else None
            )
            policy = self.url(t, "privacy_policy", where, what)
            if url is not None and url in seen:
                self.error(where, f"{what}: declared twice (first at line {seen[url]})")
                continue
            if consent_by == "site" and not any(
                service is not None and c.service == service.id for c in cookies
            ):
                self.warn(
                    where,
                    f"{what}: consent is asked on {provider or 'the provider'}'s behalf but none "
                    'of its cookies are declared (give service = "…" and declare its cookies)',
                )
            if url and name and provider and consent_by and policy:
                seen[url] = self.lines.line(*where)
                out.append(
                    ExternalPage(
                        name,
                        url,
                        provider,
                        cast(ConsentBy, consent_by),
                        policy,
                        service.id if service else None,
                        self.lines.line(*where),
                    )
                )
        return tuple(out)
