"""The cookie declaration: models, loader, expiry grammar, name patterns, fingerprint."""

from samtycke.declaration.expiry import Expiry, parse_expiry
from samtycke.declaration.fingerprint import canonical_content, fingerprint
from samtycke.declaration.loader import load_declaration, parse_declaration
from samtycke.declaration.models import (
    BUILTIN_CATEGORIES,
    Banner,
    Category,
    Cookie,
    Declaration,
    LocalText,
    Service,
    Site,
    Storage,
)
from samtycke.declaration.patterns import matches

__all__ = [
    "BUILTIN_CATEGORIES",
    "Banner",
    "Category",
    "Cookie",
    "Declaration",
    "Expiry",
    "LocalText",
    "Service",
    "Site",
    "Storage",
    "canonical_content",
    "fingerprint",
    "load_declaration",
    "matches",
    "parse_declaration",
    "parse_expiry",
]
