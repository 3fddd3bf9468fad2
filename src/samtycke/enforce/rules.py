"""Which declared cookie a ``Set-Cookie`` belongs to, precomputed per declaration.

Lookup is an exact-name dict first, then the declared ``*`` patterns compiled
once. Results are memoised per name (names come from the app, not from
visitors, so the set is small; the memo is still bounded).
"""

from __future__ import annotations

import logging
import re
from dataclasses import dataclass
from typing import Literal

from samtycke.declaration.models import Cookie, Declaration, domains_related, normalize_domain
from samtycke.declaration.patterns import compile_pattern
from samtycke.setcookie import parse_set_cookie

Undeclared = Literal["block", "allow", "report"]
UNDECLARED_MODES: tuple[Undeclared, ...] = ("block", "allow", "report")
LOGGER = logging.getLogger("samtycke.enforce")
_MEMO_LIMIT = 4096
_LOGGED_LIMIT = 4096


@dataclass(frozen=True, slots=True)
class Rule:
    """What the declaration says about one cookie name: category, service, declared domains."""

    category: str
    service: str | None
    domains: tuple[str, ...] = ()


class CookieRules:
    """Name → :class:`Rule` for one declaration; ``None`` for an undeclared cookie."""

    def __init__(self, declaration: Declaration) -> None:
        self.declaration = declaration
        self._exact: dict[str, list[Cookie]] = {}
        self._patterns: list[tuple[re.Pattern[str], Cookie]] = []
        for cookie in declaration.cookies:
            if cookie.is_pattern:
                self._patterns.append((compile_pattern(cookie.name), cookie))
            else:
                self._exact.setdefault(cookie.name, []).append(cookie)
        self._memo: dict[str, Rule | None] = {}

    def lookup(self, name: str, header: str = "", host: str | None = None) -> Rule | None:
        """The rule for a cookie called ``name``.

        ``header`` (the whole ``Set-Cookie`` value) and ``host`` are read only
        when the name is declared for several domains with different rules.
        """
        try:
            return self._memo[name]
        except KeyError:
            pass
        candidates = self._candidates(name)
        if not candidates:
            rule = None
        elif len({(c.category, c.service) for c in candidates}) == 1:
            rule = Rule(candidates[0].category, candidates[0].service, _domains(candidates))
        else:
            # The same name declared for several domains with different
            # categories: the domain decides, so this answer is not memoised.
            domain = (parse_set_cookie(header).domain if header else None) or host_name(host)
            related = [c for c in candidates if domain and domains_related(c.domain, domain)]
            best = (related or candidates)[0]
            return Rule(best.category, best.service, _domains(related or candidates))
        if len(self._memo) >= _MEMO_LIMIT:
            self._memo.clear()
        self._memo[name] = rule
        return rule

    def declares(self, name: str) -> bool:
        """True when ``name`` is a declared cookie; not memoised (visitors choose these names)."""
        return name in self._exact or any(rx.fullmatch(name) for rx, _ in self._patterns)

    def _candidates(self, name: str) -> list[Cookie]:
        exact = self._exact.get(name)
        if exact:
            return exact
        return [cookie for rx, cookie in self._patterns if rx.fullmatch(name)]


class UndeclaredLog:
    """Logs each undeclared cookie name once, with the TOML that would declare it."""

    def __init__(self, declaration: Declaration, logger: logging.Logger = LOGGER) -> None:
        self._file = declaration.path.name if declaration.path else "samtycke.toml"
        self._domain = declaration.site.domains[0]
        self._seen: set[str] = set()
        self._logger = logger

    def note(self, name: str, mode: Undeclared, header: str, host: str | None) -> None:
        """Log ``name`` the first time it is seen (``allow`` mode stays silent).

        The header is parsed (for its ``Domain``) only then, not on every response.
        """
        if mode == "allow" or name in self._seen or len(self._seen) >= _LOGGED_LIMIT:
            return
        self._seen.add(name)
        domain = parse_set_cookie(header).domain or host
        what = "blocked" if mode == "block" else "let through (report mode)"
        self._logger.warning(
            "undeclared cookie %r %s; to declare it add to %s:\n%s",
            name,
            what,
            self._file,
            declaration_snippet(name, host_name(domain) or self._domain),
        )


def _domains(cookies: list[Cookie]) -> tuple[str, ...]:
    return tuple(dict.fromkeys(normalize_domain(c.domain) for c in cookies))


def host_name(host: str | None) -> str | None:
    """``host`` (a Host header or domain) without its port."""
    if not host:
        return None
    name, sep, port = host.rpartition(":")
    return name if sep and port.isdigit() else host


def declaration_snippet(name: str, domain: str) -> str:
    """A TOML ``[[cookies]]`` entry to paste into the declaration."""
    safe = name.replace("\\", "\\\\").replace('"', '\\"')
    return (
        "[[cookies]]\n"
        f'name = "{safe}"\n'
        'category = "functional"   # or necessary, analytics, marketing\n'
        f'domain = "{domain}"\n'
        'expires = "session"       # or "30 days", "1 year", "persistent"\n'
        'purpose = { en = "What it is for" }'
    )
