"""A self-contained HTML report: inline CSS, the banner screenshot as a data: URL."""

from __future__ import annotations

import base64
from html import escape

from samtycke.scanner.model import ScanResult

_CSS = """
body{font:15px/1.45 system-ui,sans-serif;margin:2rem auto;max-width:72rem;padding:0 1rem;color:#222}
table{border-collapse:collapse;width:100%;margin:0 0 2rem}th,td{border:1px solid #ccc;
padding:.3rem .5rem;text-align:left;vertical-align:top}th{background:#f3f3f3}
.bad{color:#a40000;font-weight:600}.ok{color:#17692f;font-weight:600}
img.shot{max-width:100%;border:1px solid #ccc}small{color:#666}
"""


def _table(headers: list[str], rows: list[list[str]]) -> str:
    head = "".join(f"<th>{escape(h)}</th>" for h in headers)
    body = "".join("<tr>" + "".join(f"<td>{escape(c)}</td>" for c in r) + "</tr>" for r in rows)
    return f"<table><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>"


def render_html(result: ScanResult) -> str:
    """The whole report as one HTML document with nothing to fetch."""
    parts = [
        "<!doctype html><html lang='en'><head><meta charset='utf-8'>",
        f"<title>samtycke scan of {escape(result.url)}</title><style>{_CSS}</style></head><body>",
        f"<h1>Cookie scan of {escape(result.url)}</h1>",
        f"<p>{len(result.pages)} pages, {result.seconds:.1f} s, {escape(result.browser)}"
        + (f", declaration {escape(result.declaration)}" if result.declaration else "")
        + "</p>",
    ]
    count = len(result.violations)
    verdict = (
        f"<p class='bad'>{count} violations</p>" if count else "<p class='ok'>No violations</p>"
    )
    parts.append(verdict)
    new = result.baseline.new_keys() if result.baseline is not None else set()
    if result.baseline is not None:
        b = result.baseline
        parts.append(
            f"<p>Compared with {escape(b.source)}: {len(b.new)} new, {len(b.gone)} gone</p>"
        )
    if result.violations:
        parts.append("<h2>Violations</h2>")
        parts.append(
            _table(
                ["kind", "cookie", "phase", "page", "detail"],
                [
                    [
                        v.kind + (" (new)" if (v.kind, v.cookie, v.phase) in new else ""),
                        v.cookie,
                        v.phase or "",
                        v.page or "",
                        v.detail,
                    ]
                    for v in result.violations
                ],
            )
        )
    parts.append("<h2>Cookies</h2>")
    parts.append(
        _table(
            [
                "name",
                "domain",
                "expires (days)",
                "third party",
                "HttpOnly",
                "Secure",
                "SameSite",
                "phases",
                "category",
                "note",
            ],
            [
                [
                    c.name,
                    c.domain,
                    "session" if c.expires_days is None else f"{c.expires_days:g}",
                    "yes" if c.third_party else "no",
                    "yes" if c.http_only else "no",
                    "yes" if c.secure else "no",
                    c.same_site or "",
                    ", ".join(c.phases),
                    c.category
                    or (
                        f"{c.suggested_category}? ({c.suggested_service})"
                        if c.suggested_category
                        else "undeclared"
                    ),
                    c.note or "",
                ]
                for c in result.cookies
            ],
        )
    )
    if result.storage:
        parts.append("<h2>Storage</h2>")
        parts.append(
            _table(
                ["kind", "key", "origin", "phases", "category"],
                [
                    [s.kind, s.key, s.origin, ", ".join(s.phases), s.category or "undeclared"]
                    for s in result.storage
                ],
            )
        )
    if result.pixels:
        parts.append("<h2>Pixels</h2>")
        parts.append(
            _table(
                ["phase", "page", "url", "reason"],
                [[ph, pg, p.url, p.reason] for ph, pg, p in result.pixels],
            )
        )
    parts.append("<h2>Phases</h2>")
    parts.append(
        _table(
            ["phase", "pages", "seconds", "banner"],
            [
                [p.phase, str(p.pages), f"{p.seconds:.1f}", p.banner or "none found"]
                for p in result.phases
            ],
        )
    )
    if result.screenshot:
        data = base64.b64encode(result.screenshot).decode("ascii")
        parts.append("<h2>The banner</h2><p><small>First page, before clicking.</small></p>")
        parts.append(
            f"<img class='shot' alt='The first page with its banner' "
            f"src='data:image/png;base64,{data}'>"
        )
    parts.append("</body></html>\n")
    return "".join(parts)
