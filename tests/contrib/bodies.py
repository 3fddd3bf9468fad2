"""A valid consent body for a declaration file, as the banner would post it."""

from __future__ import annotations

import secrets
from pathlib import Path
from typing import Any

from samtycke.declaration import load_declaration
from samtycke.declaration.fingerprint import fingerprint


def consent_body(declaration: Path, method: str = "accept-all") -> dict[str, Any]:
    """Everything accepted on the site's first domain."""
    decl = load_declaration(declaration)
    return {
        "site": decl.site.id,
        "consent_id": secrets.token_hex(16),
        "revision": decl.site.revision,
        "fingerprint": fingerprint(decl),
        "language": decl.site.default_language,
        "method": method,
        "choices": {c: True for c in decl.category_ids},
        "url": f"https://{decl.site.domains[0]}/",
    }
