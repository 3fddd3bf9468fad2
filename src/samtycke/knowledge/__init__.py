"""Well-known cookies of common services, for classifying what a scan finds.

``builtin_knowledge()`` is samtycke's own list (``services.toml``);
``load_knowledge(path)`` adds a user's file: an Open Cookie Database CSV or a
TOML file in the ``services.toml`` format.
"""

from __future__ import annotations

from pathlib import Path

from samtycke.knowledge.base import (
    CATEGORIES,
    KnowledgeBase,
    KnowledgeFileError,
    KnownCookie,
    builtin_knowledge,
    parse_services,
)
from samtycke.knowledge.ocd import load_ocd_csv, parse_ocd_csv


def load_knowledge(path: Path) -> KnowledgeBase:
    """A knowledge file by its extension: ``.csv`` (Open Cookie Database) or ``.toml``."""
    if path.suffix.lower() == ".toml":
        try:
            text = path.read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError) as exc:
            raise KnowledgeFileError(f"{path}: cannot read the knowledge file ({exc})") from exc
        return parse_services(text, str(path))
    return load_ocd_csv(path)


__all__ = [
    "CATEGORIES",
    "KnowledgeBase",
    "KnowledgeFileError",
    "KnownCookie",
    "builtin_knowledge",
    "load_knowledge",
    "load_ocd_csv",
    "parse_ocd_csv",
    "parse_services",
]
