"""The policy as JSON for other tools: every category, service, cookie and storage key.

The schema (``"schema": "samtycke-policy/1"``) is documented in docs/policy.md;
fields are only ever added within one schema version. Texts are resolved in the
requested language (with the declaration's fallback to its default language).
"""

from __future__ import annotations

import datetime as dt
import json
from typing import Any

from samtycke import locales
from samtycke.declaration import Declaration, Expiry, fingerprint
from samtycke.policy.content import policy_date

SCHEMA = "samtycke-policy/1"


def policy_data(decl: Declaration, lang: str, updated: dt.date | None = None) -> dict[str, Any]:
    """The policy of ``decl`` in ``lang`` as plain JSON-ready data."""
    site = decl.site
    data: dict[str, Any] = {
        "schema": SCHEMA,
        "language": lang,
        "site": {
            "id": site.id,
            "name": site.name,
            "controller": site.controller,
            "contact": site.contact,
            "domains": list(site.domains),
            "languages": list(site.languages),
            "privacy_policy": site.privacy_policy,
            "consent_days": site.consent_days,
            "do_not_track": site.do_not_track,
            "global_privacy_control": site.global_privacy_control,
        },
        "revision": site.revision,
        "updated": policy_date(decl, updated).isoformat(),
        "fingerprint": fingerprint(decl),
        "categories": [
            {
                "id": c.id,
                "label": c.label.get(lang),
                "description": c.description.get(lang),
                "refusable": c.refusable,
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
                "purpose": s.purpose.get(lang) if s.purpose else None,
            }
            for s in decl.services
        ],
        "cookies": [
            {
                "name": c.name,
                "pattern": c.is_pattern,
                "category": c.category,
                "service": c.service,
                "provider": decl.provider_of(c),
                "domain": c.domain,
                "third_party": not decl.is_first_party(c.domain),
                "expires": _expiry(c.expires, lang),
                "purpose": c.purpose.get(lang),
                "justification": c.justification.get(lang) if c.justification else None,
            }
            for c in decl.cookies
        ],
        "storage": [
            {
                "name": s.name,
                "pattern": s.is_pattern,
                "kind": s.kind,
                "category": s.category,
                "service": s.service,
                "expires": _expiry(s.expires, lang) if s.expires else None,
                "purpose": s.purpose.get(lang),
            }
            for s in decl.storage
        ],
    }
    # Present only when declared, so a policy without them reads as it always did.
    if decl.external_pages:
        data["external_pages"] = [
            {
                "name": p.name.get(lang),
                "url": p.url,
                "provider": p.provider,
                "consent_by": p.consent_by,
                "privacy_policy": p.privacy_policy,
                "service": p.service,
            }
            for p in decl.external_pages
        ]
    if decl.email is not None:
        data["email"] = {
            "do_not_track": decl.email.do_not_track,
            "tracking": [
                {"kind": k.kind, "purpose": k.purpose.get(lang), "exemption": k.exemption}
                for k in decl.email.kinds
            ],
        }
    return data


def _expiry(expiry: Expiry, lang: str) -> dict[str, Any]:
    duration = expiry.kind == "duration"
    return {
        "kind": expiry.kind,
        "amount": expiry.amount if duration else None,
        "unit": expiry.unit if duration else None,
        "seconds": expiry.seconds,
        "text": locales.format_expiry(expiry, lang),
    }


def render_json(decl: Declaration, lang: str, updated: dt.date | None = None) -> str:
    """:func:`policy_data` as indented UTF-8 JSON with a final newline."""
    return json.dumps(policy_data(decl, lang, updated), ensure_ascii=False, indent=2) + "\n"
