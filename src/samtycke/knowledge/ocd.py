"""Load a knowledge file in the Open Cookie Database CSV format.

The columns are ``ID, Platform, Category, Cookie / Data Key name, Domain,
Description, Retention period, Data Controller, User Privacy & GDPR Rights
Portals, Wildcard match``. Only names, platform, controller, category, domain
and retention are read; descriptions are left where they are.
"""

from __future__ import annotations

import csv
import io
from pathlib import Path

from samtycke.knowledge.base import KnowledgeBase, KnowledgeFileError, KnownCookie

_REQUIRED = ("Platform", "Category", "Cookie / Data Key name", "Wildcard match")

# The OCD's categories onto samtycke's four: security cookies are strictly
# necessary; personalisation is a function the visitor asked for.
CATEGORY_MAP = {
    "necessary": "necessary",
    "security": "necessary",
    "functional": "functional",
    "personalization": "functional",
    "analytics": "analytics",
    "marketing": "marketing",
}


def load_ocd_csv(path: Path) -> KnowledgeBase:
    """Read an Open Cookie Database CSV; :class:`KnowledgeFileError` names the bad row."""
    try:
        text = path.read_text(encoding="utf-8-sig")
    except (OSError, UnicodeDecodeError) as exc:
        raise KnowledgeFileError(f"{path}: cannot read the knowledge file ({exc})") from exc
    return parse_ocd_csv(text, str(path))


def parse_ocd_csv(text: str, source: str) -> KnowledgeBase:
    """Parse the CSV text of an Open Cookie Database export."""
    reader = csv.DictReader(io.StringIO(text))
    missing = [c for c in _REQUIRED if c not in (reader.fieldnames or [])]
    if missing:
        raise KnowledgeFileError(
            f"{source}: not in the Open Cookie Database CSV format (missing column "
            f"{', '.join(repr(m) for m in missing)})"
        )
    kb = KnowledgeBase()
    for line, row in enumerate(reader, start=2):
        name = (row.get("Cookie / Data Key name") or "").strip()
        category = CATEGORY_MAP.get((row.get("Category") or "").strip().lower())
        if not name or category is None:
            raise KnowledgeFileError(
                f"{source}:{line}: row needs a cookie name and a category "
                f"({', '.join(sorted(CATEGORY_MAP))})"
            )
        wildcard = (row.get("Wildcard match") or "0").strip() == "1"
        domain = (row.get("Domain") or "").split("(")[0].strip() or None
        kb.cookies.append(
            KnownCookie(
                name=name + "*" if wildcard and not name.endswith("*") else name,
                service=(row.get("Platform") or "").strip(),
                provider=(row.get("Data Controller") or row.get("Platform") or "").strip(),
                category=category,
                expires=(row.get("Retention period") or "").strip() or None,
                domain=domain,
                source=source,
            )
        )
    return kb
