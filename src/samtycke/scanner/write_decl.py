"""Append the undeclared cookies of a scan to a declaration, marked for review."""

from __future__ import annotations

import json

from samtycke.knowledge import KnowledgeBase
from samtycke.scanner.model import ObservedCookie


def _expires(c: ObservedCookie) -> str:
    if c.expires_days is None:
        return "session"
    days = max(1, round(c.expires_days))
    return f"{days} day" if days == 1 else f"{days} days"


def undeclared_entries(cookies: list[ObservedCookie], knowledge: KnowledgeBase) -> str:
    """TOML ``[[cookies]]`` entries for every undeclared cookie, each with a review comment.

    Each cookie gets its suggested category (``functional`` when nothing is
    known, so the entry loads but clearly needs a person to decide).
    """
    out: list[str] = []
    seen: set[str] = set()
    for c in cookies:
        if c.declared or c.name in seen:
            continue
        seen.add(c.name)
        known = knowledge.lookup(c.name, c.domain)
        if known is not None:
            why = f"looks like {known.service} ({known.provider}), {known.category}"
        else:
            why = "unknown cookie: choose its category and write its purpose"
        category = c.suggested_category or "functional"
        phases = ", ".join(c.phases)
        out.append(
            f"\n# review: found by samtycke scan ({phases}); {why}\n"
            "[[cookies]]\n"
            f"name = {json.dumps(c.name)}\n"
            f"category = {json.dumps(category)}\n"
            f"domain = {json.dumps(c.domain)}\n"
            f"expires = {json.dumps(_expires(c))}\n"
            f"purpose = {json.dumps('TODO: describe why this cookie is used')}\n"
        )
    return "".join(out)


def write_declaration(
    original: str, cookies: list[ObservedCookie], knowledge: KnowledgeBase
) -> str:
    """The original declaration text, untouched, with the undeclared cookies appended."""
    entries = undeclared_entries(cookies, knowledge)
    if not entries:
        return original
    sep = "" if original.endswith("\n") or not original else "\n"
    return (
        original
        + sep
        + "\n# --- cookies found by `samtycke scan`, not yet declared ---\n"
        + entries
    )
