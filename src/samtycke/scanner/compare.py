"""Compare what the browser saw with the declaration: the violations."""

from __future__ import annotations

from samtycke.declaration import Declaration
from samtycke.scanner.model import ObservedCookie, PageVisit, Phase, Violation

KIND_ORDER = (
    "set-before-consent",
    "set-after-reject",
    "set-under-gpc",
    "undeclared",
    "expiry-mismatch",
    "declared-not-found",
)
# A lifetime up to this much longer than declared is not a finding: "1 year"
# and "365 days" must agree, and servers round their Max-Age.
EXPIRY_TOLERANCE = 0.10
EXPIRY_SLACK_SECONDS = 3600


def _first_page(cookie: ObservedCookie, phase: Phase, visits: list[PageVisit]) -> str | None:
    for v in visits:
        if v.phase == phase and any(
            (s.name, s.domain, s.path) == (cookie.name, cookie.domain, cookie.path)
            for s in v.cookies
        ):
            return v.url
    return None


def find_violations(
    cookies: list[ObservedCookie], visits: list[PageVisit], declaration: Declaration | None
) -> list[Violation]:
    """Every finding, ordered by kind then cookie; without a declaration only phase findings."""
    out: list[Violation] = []
    gpc_allows = _gpc_allows(declaration)
    for c in cookies:
        label = c.category or "undeclared"
        necessary = c.category == "necessary"
        for phase, kind, when in (
            ("before-consent", "set-before-consent", "before any consent was given"),
            ("after-reject", "set-after-reject", 'after "Reject all"'),
            ("gpc", "set-under-gpc", "for a visitor sending Global Privacy Control"),
        ):
            allowed = c.category in gpc_allows if phase == "gpc" else necessary
            if phase in c.phases and not allowed:
                detail = f"{label} cookie set {when}"
                if c.note:
                    detail += f" ({c.note})"
                out.append(Violation(kind, c.name, _first_page(c, phase, visits), phase, detail))  # type: ignore[arg-type]
        if declaration is None:
            continue
        first = c.phases[0]
        if not c.declared:
            guess = _suggestion(c)
            out.append(
                Violation(
                    "undeclared",
                    c.name,
                    _first_page(c, first, visits),
                    first,
                    f"set on {c.domain} but not in the declaration{guess}",
                )
            )
        else:
            mismatch = _expiry_mismatch(c, declaration)
            if mismatch:
                out.append(
                    Violation(
                        "expiry-mismatch", c.name, _first_page(c, first, visits), first, mismatch
                    )
                )
    if declaration is not None:
        out += _not_found(cookies, declaration)
    return sorted(out, key=lambda v: (KIND_ORDER.index(v.kind), v.cookie, v.phase or ""))


def _gpc_allows(declaration: Declaration | None) -> set[str | None]:
    """The categories a site may still set for a visitor sending GPC, by its declared policy.

    ``ignore`` means the site treats GPC as no signal: every category then
    stands or falls with the consent phases, and the GPC visitor adds nothing.
    """
    policy = declaration.site.global_privacy_control if declaration else "necessary-only"
    if policy == "ignore":
        return {None, "necessary", "functional", "analytics", "marketing"}
    if policy == "necessary-and-functional":
        return {"necessary", "functional"}
    return {"necessary"}


def _suggestion(c: ObservedCookie) -> str:
    if c.suggested_category is None:
        return ""
    if c.suggestion_source == "heuristic":
        sure = f"{c.suggestion_confidence or 0:.0%}"
        return f"; perhaps {c.suggested_category} (a guess from its name, {sure} sure)"
    return f"; looks like {c.suggested_service} ({c.suggested_category})"


def _expiry_mismatch(c: ObservedCookie, declaration: Declaration) -> str | None:
    declared = declaration.find_cookie(c.name, c.domain)
    if declared is None or c.expires_days is None or declared.expires.kind == "persistent":
        return None
    observed = c.expires_days * 86400
    if declared.expires.kind == "session":
        return f"declared as a session cookie, but lives {c.expires_days:g} days"
    limit = declared.expires.seconds or 0
    if observed > limit * (1 + EXPIRY_TOLERANCE) + EXPIRY_SLACK_SECONDS:
        return f"declared {declared.expires}, but lives {c.expires_days:g} days"
    return None


def _not_found(cookies: list[ObservedCookie], declaration: Declaration) -> list[Violation]:
    out = []
    for d in declaration.cookies:
        if d.is_pattern:
            continue  # a pattern may fairly match nothing on the pages scanned
        if not any(c.name == d.name for c in cookies):
            out.append(
                Violation(
                    "declared-not-found",
                    d.name,
                    None,
                    None,
                    f"declared ({d.category}, {d.domain}) but never set during the scan",
                )
            )
    return out
