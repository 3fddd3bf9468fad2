"""The JSON report; its schema is documented in docs/scanner.md."""

from __future__ import annotations

import json
from typing import Any

from samtycke.scanner.model import ScanResult, Violation

SCHEMA_VERSION = 2


def to_dict(result: ScanResult) -> dict[str, Any]:
    """The report as plain JSON-ready data."""
    return {
        "schema": SCHEMA_VERSION,
        "url": result.url,
        "declaration": result.declaration,
        "browser": result.browser,
        "seconds": round(result.seconds, 2),
        "phases": [
            {"phase": p.phase, "pages": p.pages, "seconds": round(p.seconds, 2), "banner": p.banner}
            for p in result.phases
        ],
        "pages": result.pages,
        "decision_pages": [
            {"phase": v.phase, "page": v.url, "banner": v.banner}
            for v in result.visits
            if v.decision
        ],
        "skipped_by_robots": result.skipped,
        "cookies": [
            {
                "name": c.name,
                "domain": c.domain,
                "path": c.path,
                "expires_days": c.expires_days,
                "third_party": c.third_party,
                "http_only": c.http_only,
                "secure": c.secure,
                "same_site": c.same_site,
                "partitioned": c.partitioned,
                "phases": c.phases,
                "pages": c.pages,
                "declared": c.declared,
                "category": c.category,
                "suggested_category": c.suggested_category,
                "suggested_service": c.suggested_service,
                "suggestion_confidence": c.suggestion_confidence,
                "suggestion_source": c.suggestion_source,
                "note": c.note,
            }
            for c in result.cookies
        ],
        "storage": [
            {
                "kind": s.kind,
                "key": s.key,
                "origin": s.origin,
                "phases": s.phases,
                "pages": s.pages,
                "declared": s.declared,
                "category": s.category,
                "note": s.note,
            }
            for s in result.storage
        ],
        "pixels": [
            {"url": p.url, "page": page, "phase": phase, "reason": p.reason}
            for phase, page, p in result.pixels
        ],
        "rejected_cookies": sorted({r for v in result.visits for r in v.rejected}),
        "errors": [
            {"page": v.url, "phase": v.phase, "error": v.error} for v in result.visits if v.error
        ],
        "violations": [_violation(v) for v in result.violations],
        "baseline": _baseline(result),
    }


def _violation(v: Violation) -> dict[str, Any]:
    return {
        "kind": v.kind,
        "cookie": v.cookie,
        "page": v.page,
        "phase": v.phase,
        "detail": v.detail,
    }


def _baseline(result: ScanResult) -> dict[str, Any] | None:
    b = result.baseline
    if b is None:
        return None
    return {
        "file": b.source,
        "new_violations": [_violation(v) for v in b.new],
        "gone_violations": b.gone,
        "new_cookies": [{"name": n, "domain": d} for n, d in b.new_cookies],
        "gone_cookies": [{"name": n, "domain": d} for n, d in b.gone_cookies],
    }


def to_json(result: ScanResult) -> str:
    """The report as indented JSON text."""
    return json.dumps(to_dict(result), indent=2, ensure_ascii=False) + "\n"
