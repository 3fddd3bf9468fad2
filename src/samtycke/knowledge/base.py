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


class _Index:
    """A knowledge base's cookies by exact name, and its patterns, longest fixed part first."""

    def __init__(self, cookies: list[KnownCookie]) -> None:
        self.exact: dict[str, list[KnownCookie]] = {}
        patterns: list[KnownCookie] = []
        for c in cookies:
            if is_pattern(c.name):
                patterns.append(c)
            else:
                self.exact.setdefault(c.name, []).append(c)
        # Stable: among patterns of one length the earlier (preferred) source stays first.
        patterns.sort(key=lambda c: -len(c.name.replace("*", "")))
        self.patterns = [(c.name.split("*", 1)[0], c) for c in patterns]


def _fits(cookie: KnownCookie, domain: str | None) -> bool:
    return cookie.domain is None or domain is None or domains_related(cookie.domain, domain)


@dataclass
class KnowledgeBase:
    """Known cookies and tracker hosts; later sources win over earlier ones."""

    cookies: list[KnownCookie] = field(default_factory=list)
    hosts: dict[str, str] = field(default_factory=dict)  # registrable domain -> service name
    # Built on the first lookup; ``cookies`` is only ever added to (by the parsers
    # and ``extend``), so the list and its length tell whether it is still true.
    _index: tuple[int, int, _Index] | None = field(
        default=None, init=False, repr=False, compare=False
    )

    def extend(self, other: KnowledgeBase) -> None:
        """Add another source; its entries are preferred on lookup."""
        self.cookies = other.cookies + self.cookies
        self.hosts.update(other.hosts)

    def lookup(self, name: str, domain: str | None = None) -> KnownCookie | None:
        """The best entry for a cookie: an exact name first, then the longest pattern.

        An entry tied to a domain (a third party's) matches only a cookie on
        that domain, so a short name like ``tp*`` does not claim every site's ``tp_x``.
        """
        index = self._indexed()
        for c in index.exact.get(name, ()):
            if _fits(c, domain):
                return c
        for prefix, c in index.patterns:
            if name.startswith(prefix) and _fits(c, domain) and matches(c.name, name):
                return c
        return None

    def _indexed(self) -> _Index:
        key = (id(self.cookies), len(self.cookies))
        if self._index is None or self._index[:2] != key:
            self._index = (*key, _Index(self.cookies))
        return self._index[2]

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
