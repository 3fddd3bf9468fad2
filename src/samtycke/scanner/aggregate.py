"""Fold the page visits of all phases into one list of cookies and storage keys."""

from __future__ import annotations

from urllib.parse import urlsplit

from samtycke.declaration import Declaration
from samtycke.declaration.patterns import is_pattern
from samtycke.knowledge import KnowledgeBase
from samtycke.knowledge.guess import guess_category
from samtycke.scanner.model import (
    BLOCKED_NOTE,
    BLOCKED_STORAGE_NOTE,
    PHASES,
    CookieSighting,
    ObservedCookie,
    ObservedStorage,
    PageVisit,
)
from samtycke.scanner.party import same_party


def _add(items: list[str], item: str) -> None:
    if item not in items:
        items.append(item)


def is_third_party(domain: str, start_url: str, declaration: Declaration | None) -> bool:
    """True unless the domain shares a registrable domain (by the Public Suffix
    List) with the scanned host or one of the declared site domains."""
    host = (urlsplit(start_url).hostname or "").lower()
    if same_party(domain, host):
        return False
    if declaration is None:
        return True
    return not any(same_party(domain, d) for d in declaration.site.domains)


def aggregate_cookies(
    visits: list[PageVisit],
    start_url: str,
    declaration: Declaration | None,
    knowledge: KnowledgeBase,
) -> list[ObservedCookie]:
    """One entry per (name, domain, path), in the order first seen, phases in scan order."""
    ordered = sorted(visits, key=lambda v: PHASES.index(v.phase))
    best: dict[tuple[str, str, str], CookieSighting] = {}
    found: dict[tuple[str, str, str], ObservedCookie] = {}
    lifetimes: dict[tuple[str, str, str], list[float | None]] = {}
    stored: set[tuple[str, str, str]] = set()
    for visit in ordered:
        for s in visit.cookies:
            key = (s.name, s.domain, s.path)
            if not s.blocked:
                stored.add(key)
            # The jar's own record is the truth about attributes; headers fill in.
            if key not in best or (s.source == "jar" and best[key].source != "jar"):
                best[key] = s
            lifetimes.setdefault(key, []).append(s.lifetime)
            if key not in found:
                found[key] = ObservedCookie(
                    name=s.name,
                    domain=s.domain,
                    path=s.path,
                    expires_days=None,
                    third_party=is_third_party(s.domain, start_url, declaration),
                    http_only=False,
                    secure=False,
                    same_site=None,
                    partitioned=False,
                    phases=[],
                    pages=[],
                )
            _add(found[key].phases, visit.phase)  # type: ignore[arg-type]
            _add(found[key].pages, visit.url)
    for key, cookie in found.items():
        s = best[key]
        cookie.http_only, cookie.secure = s.http_only, s.secure
        cookie.same_site, cookie.partitioned = s.same_site, s.partitioned
        lives = [x for x in lifetimes[key] if x is not None]
        cookie.expires_days = round(max(lives) / 86400, 2) if lives else None
        if key not in stored:
            cookie.note = BLOCKED_NOTE
        _classify(cookie, declaration, knowledge)
    return list(found.values())


def _classify(
    cookie: ObservedCookie, declaration: Declaration | None, knowledge: KnowledgeBase
) -> None:
    declared = declaration.find_cookie(cookie.name, cookie.domain) if declaration else None
    if declared is not None:
        cookie.declared, cookie.category = True, declared.category
        return
    known = knowledge.lookup(cookie.name, cookie.domain)
    if known is not None:
        cookie.suggested_category, cookie.suggested_service = known.category, known.service
        # A listed name is near certain; a pattern a little less (it may catch a namesake).
        cookie.suggestion_confidence = 0.8 if is_pattern(known.name) else 1.0
        cookie.suggestion_source = known.source
        return
    guess = guess_category(cookie.name, third_party=cookie.third_party)
    cookie.suggested_category, cookie.suggestion_confidence = guess.category, guess.confidence
    cookie.suggestion_source = "heuristic"


def aggregate_storage(
    visits: list[PageVisit], declaration: Declaration | None
) -> list[ObservedStorage]:
    """One entry per (kind, key, origin)."""
    found: dict[tuple[str, str, str], ObservedStorage] = {}
    stored: set[tuple[str, str, str]] = set()
    for visit in sorted(visits, key=lambda v: PHASES.index(v.phase)):
        for s in visit.storage:
            key = (s.kind, s.key, s.origin)
            if not s.blocked:
                stored.add(key)
            if key not in found:
                declared = None
                if declaration is not None:
                    declared = next(
                        (d for d in declaration.storage if d.kind == s.kind and d.matches(s.key)),
                        None,
                    )
                found[key] = ObservedStorage(
                    s.kind,
                    s.key,
                    s.origin,
                    [],
                    [],
                    declared=declared is not None,
                    category=declared.category if declared else None,
                )
            _add(found[key].phases, visit.phase)  # type: ignore[arg-type]
            _add(found[key].pages, visit.url)
    for skey, item in found.items():
        if skey not in stored:
            item.note = BLOCKED_STORAGE_NOTE
    return list(found.values())
