"""Append the undeclared cookies of a scan to a declaration, each marked ``review = true``.

An appended entry loads (so ``check`` can list it) but ``policy`` and ``build``
refuse to publish it until a person has confirmed it and removed the key. A
cookie the knowledge base ties to a service the declaration already has is
linked to that service (``_gid`` → the declared Google Analytics), so it takes
the service's category.
"""

from __future__ import annotations

import json
import tomllib
from collections.abc import Mapping

from samtycke.declaration.expiry import expiry_of_seconds
from samtycke.knowledge import KnowledgeBase
from samtycke.scanner.model import ObservedCookie

TODO_PURPOSE = "TODO: describe why this cookie is used"


def _expires(c: ObservedCookie) -> str:
    return str(expiry_of_seconds(None if c.expires_days is None else c.expires_days * 86400))


def declared_services(original: str) -> dict[str, str]:
    """Lower-case service name and id → service id, read from the declaration's text."""
    try:
        data = tomllib.loads(original)
    except tomllib.TOMLDecodeError:
        return {}  # an unparsable file gets entries without links; check reports it
    out: dict[str, str] = {}
    services = data.get("services")
    for s in services if isinstance(services, list) else []:
        sid = s.get("id") if isinstance(s, dict) else None
        if isinstance(sid, str):
            out[sid.lower()] = sid
            if isinstance(s.get("name"), str):
                out.setdefault(s["name"].strip().lower(), sid)
    return out


def undeclared_entries(
    cookies: list[ObservedCookie], knowledge: KnowledgeBase, services: Mapping[str, str]
) -> str:
    """TOML ``[[cookies]]`` entries for every undeclared cookie, each ``review = true``.

    A cookie linked to a declared service gets ``service``; otherwise its
    suggested category (``functional`` when nothing is known).
    """
    out: list[str] = []
    seen: set[str] = set()
    for c in cookies:
        if c.declared or c.name in seen:
            continue
        seen.add(c.name)
        known = knowledge.lookup(c.name, c.domain)
        service = services.get(known.service.lower()) if known is not None else None
        if known is not None:
            why = f"looks like {known.service} ({known.provider}), {known.category}"
        else:
            why = "unknown cookie: choose its category and write its purpose"
        if service is not None:
            link = f"service = {json.dumps(service)}\n"
        else:
            link = f"category = {json.dumps(c.suggested_category or 'functional')}\n"
        phases = ", ".join(c.phases)
        out.append(
            f"\n# review: found by samtycke scan ({phases}); {why}\n"
            "[[cookies]]\n"
            f"name = {json.dumps(c.name)}\n"
            f"{link}"
            f"domain = {json.dumps(c.domain)}\n"
            f"expires = {json.dumps(_expires(c))}\n"
            f"purpose = {json.dumps(TODO_PURPOSE)}\n"
            "review = true\n"
        )
    return "".join(out)


def write_declaration(
    original: str, cookies: list[ObservedCookie], knowledge: KnowledgeBase
) -> str:
    """The original declaration text, untouched, with the undeclared cookies appended."""
    entries = undeclared_entries(cookies, knowledge, declared_services(original))
    if not entries:
        return original
    sep = "" if original.endswith("\n") or not original else "\n"
    return (
        original
        + sep
        + "\n# --- cookies found by `samtycke scan`, not yet declared: review each ---\n"
        + entries
    )
