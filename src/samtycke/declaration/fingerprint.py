"""The fingerprint: sha256 of the canonical, consent-relevant content of a declaration.

The canonical content is what a person is shown and agrees to: the site's
consent settings, every category, service, cookie and storage key with its
texts resolved in every declared language (fallbacks applied), and the banner
texts of those languages. TOML key order, comments and whitespace cannot change
it; any visible text, category, cookie or the revision does.
"""

from __future__ import annotations

import hashlib
import json
from typing import Any

from samtycke import locales
from samtycke.declaration.models import Declaration, LocalText

FORMAT = 1  # bump when the canonical form itself changes


def canonical_content(decl: Declaration) -> dict[str, Any]:
    """The consent-relevant content of ``decl`` as plain JSON-ready data."""
    langs = decl.site.languages
    site = decl.site

    def texts(t: LocalText | None) -> dict[str, str] | None:
        return None if t is None else {lang: t.get(lang) for lang in langs}

    return {
        "format": FORMAT,
        "site": {
            "id": site.id,
            "name": site.name,
            "controller": site.controller,
            "contact": site.contact,
            "domains": list(site.domains),
            "languages": list(langs),
            "consent_days": site.consent_days,
            "revision": site.revision,
            "do_not_track": site.do_not_track,
            "global_privacy_control": site.global_privacy_control,
            "google_consent_mode": site.google_consent_mode,
            "updated": site.updated.isoformat() if site.updated else None,
            "privacy_policy": site.privacy_policy,
        },
        "categories": [
            {
                "id": c.id,
                "refusable": c.refusable,
                "label": texts(c.label),
                "description": texts(c.description),
            }
            for c in decl.categories
        ],
        "services": [
            {
                "id": s.id,
                "name": s.name,
                "provider": s.provider,
                "category": s.category,
                "privacy_policy": s.privacy_policy,
                "purpose": texts(s.purpose),
            }
            for s in decl.services
        ],
        "cookies": [
            {
                "name": c.name,
                "category": c.category,
                "service": c.service,
                "domain": c.domain,
                "expires": str(c.expires),
                "purpose": texts(c.purpose),
            }
            for c in decl.cookies
        ],
        "storage": [
            {
                "name": s.name,
                "kind": s.kind,
                "category": s.category,
                "service": s.service,
                "expires": str(s.expires) if s.expires else None,
                "purpose": texts(s.purpose),
            }
            for s in decl.storage
        ],
        # The words the person read: the catalog's, or the site's own where it overrides them.
        "ui": {
            lang: {**locales.section(lang, "banner"), **decl.banner.text_overrides(lang)}
            for lang in langs
        },
    }


def canonical_json(decl: Declaration) -> bytes:
    """The canonical content serialised deterministically (sorted keys, no spaces, UTF-8)."""
    return json.dumps(
        canonical_content(decl), sort_keys=True, separators=(",", ":"), ensure_ascii=False
    ).encode()


def fingerprint(decl: Declaration) -> str:
    """sha256 hex of :func:`canonical_json`."""
    return hashlib.sha256(canonical_json(decl)).hexdigest()
