"""Necessary cookies that need a word of justification.

A cookie placed without consent must be strictly necessary for the service the
person asked for. The EDPB's cookie banner taskforce (report of January 2023,
§§26–30) looks hardest at such cookies when another company sets them or when
they live long; for those the declaration must say why (``justification``).
"""

from __future__ import annotations

from collections.abc import Mapping

from samtycke.declaration.models import Cookie, Service, Site, domains_related

ONE_YEAR = 31_556_952  # a year as the expiry grammar counts it (365.2425 days)


def needs_justification(cookie: Cookie, services: Mapping[str, Service], site: Site) -> str | None:
    """Why ``cookie`` must carry a justification (``None`` when it need not)."""
    if cookie.category != "necessary" or cookie.justification:
        return None
    service = services.get(cookie.service or "")
    if not any(domains_related(d, cookie.domain) for d in site.domains):
        return f"it is set on {cookie.domain}, a third party's domain"
    if service is not None and service.provider != site.controller:
        return f"it belongs to {service.provider}, a third party"
    seconds = cookie.expires.seconds
    if cookie.expires.kind == "persistent":
        return "it lives until it is deleted, longer than a year"
    if seconds is not None and seconds > ONE_YEAR:
        return f"it lives {cookie.expires}, longer than a year"
    return None
