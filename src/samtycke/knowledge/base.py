"""The knowledge base: which service a cookie name or a request host belongs to."""

from __future__ import annotations

import tomllib
from dataclasses import dataclass, field
from importlib import resources

from samtycke.declaration.models import domains_related
from samtycke.declaration.patterns import is_pattern, matches

CATEGORIES = ("necessary", "functional", "analytics", "marketing")


class KnowledgeFileError(ValueError):
    """A knowledge file cannot be read; the message names the file and the row."""


@dataclass(frozen=True)
class KnownCookie:
    """A cookie name (or ``*`` pattern) of a known service."""

    name: str
    service: str
    provider: str
    category: str
    expires: str | None = None
    domain: str | None = None
    source: str = "samtycke"


@dataclass
class KnowledgeBase:
    """Known cookies and tracker hosts; later sources win over earlier ones."""

    cookies: list[KnownCookie] = field(default_factory=list)
    hosts: dict[str, str] = field(default_factory=dict)  # registrable domain -> service name

    def extend(self, other: KnowledgeBase) -> None:
        """Add another source; its entries are preferred on lookup."""
        self.cookies = other.cookies + self.cookies
        self.hosts.update(other.hosts)

    def lookup(self, name: str, domain: str | None = None) -> KnownCookie | None:
        """The best entry for a cookie: an exact name first, then the longest pattern.

        An entry tied to a domain (a third party's) matches only a cookie on
        that domain, so a short name like ``tp*`` does not claim every site's ``tp_x``.
        """
        fits = [
            c
            for c in self.cookies
            if c.domain is None or domain is None or domains_related(c.domain, domain)
        ]
        exact = [c for c in fits if not is_pattern(c.name) and c.name == name]
        if exact:
            return exact[0]
        patterns = [c for c in fits if is_pattern(c.name) and matches(c.name, name)]
        return max(patterns, key=lambda c: len(c.name.replace("*", ""))) if patterns else None

    def tracker_host(self, host: str) -> str | None:
        """The service a request host belongs to, or ``None`` when it is not a known tracker."""
        host = host.lower().rstrip(".")
        parts = host.split(".")
        for i in range(len(parts) - 1):
            found = self.hosts.get(".".join(parts[i:]))
            if found is not None:
                return found
        return None


def builtin_knowledge() -> KnowledgeBase:
    """The knowledge shipped with samtycke: the Open Cookie Database, and samtycke's
    own ``services.toml`` on top (preferred where both know a name)."""
    from samtycke.knowledge.ocd import packaged_ocd  # ocd.py builds on this module

    kb = packaged_ocd()
    text = resources.files("samtycke.knowledge").joinpath("services.toml").read_text("utf-8")
    kb.extend(parse_services(text, "samtycke"))
    return kb


def parse_services(text: str, source: str) -> KnowledgeBase:
    """Read a services TOML document (the format of ``services.toml``)."""
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise KnowledgeFileError(f"{source}: {exc}") from exc
    kb = KnowledgeBase()
    for i, svc in enumerate(data.get("services", []), start=1):
        try:
            name, provider, category = svc["name"], svc["provider"], svc["category"]
        except KeyError as exc:
            raise KnowledgeFileError(f"{source}: service {i} has no {exc.args[0]}") from exc
        if category not in CATEGORIES:
            raise KnowledgeFileError(f"{source}: service {name}: unknown category {category!r}")
        for host in svc.get("hosts", []):
            kb.hosts[host.lower()] = name
        for c in svc.get("cookies", []):
            kb.cookies.append(
                KnownCookie(c["name"], name, provider, category, c.get("expires"), source=source)
            )
    return kb
