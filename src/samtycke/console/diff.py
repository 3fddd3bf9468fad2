"""What changed between two declaration snapshots, in terms a reader checks.

Categories and services are matched by id, cookies and storage keys by name
and domain (or kind); for an entry in both, the fields whose values differ are
named. Texts per language count as one field (``purpose`` changed), so a
translation fix reads as what it is.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

# section -> how one entry of it is named
KEYS: dict[str, Callable[[dict[str, Any]], str]] = {
    "categories": lambda e: str(e["id"]),
    "services": lambda e: str(e["id"]),
    "cookies": lambda e: f"{e['name']} ({e['domain']})" if e.get("domain") else str(e["name"]),
    "storage": lambda e: f"{e['name']} ({e.get('kind', '')})",
}


@dataclass
class SectionDiff:
    """One section's changes: names added and removed, and changed fields per name."""

    added: list[str] = field(default_factory=list)
    removed: list[str] = field(default_factory=list)
    changed: dict[str, list[str]] = field(default_factory=dict)

    def __bool__(self) -> bool:
        return bool(self.added or self.removed or self.changed)


def diff_snapshots(old: dict[str, Any] | None, new: dict[str, Any]) -> dict[str, SectionDiff]:
    """Per section (categories, services, cookies, storage, site): what ``new`` changed."""
    out: dict[str, SectionDiff] = {}
    for section, key in KEYS.items():
        before = {key(e): e for e in (old or {}).get(section, [])}
        after = {key(e): e for e in new.get(section, [])}
        d = SectionDiff(
            added=sorted(set(after) - set(before)),
            removed=sorted(set(before) - set(after)),
        )
        for name in sorted(set(before) & set(after)):
            fields = sorted(
                k
                for k in set(before[name]) | set(after[name])
                if before[name].get(k) != after[name].get(k)
            )
            if fields:
                d.changed[name] = fields
        out[section] = d
    site_old, site_new = (old or {}).get("site", {}), new.get("site", {})
    changed = sorted(k for k in set(site_old) | set(site_new) if site_old.get(k) != site_new.get(k))
    out["site"] = SectionDiff(changed={"site": changed} if changed and old is not None else {})
    return out
