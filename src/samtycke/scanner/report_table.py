"""The terminal report: rich tables of cookies, storage, pixels and violations.

Laid out for an 80-column terminal: phases and flags are one-letter codes
(explained under the table), long names and URLs fold onto the next line
instead of being cut, and a page is shown by its path.
"""

from __future__ import annotations

from collections.abc import Sequence
from urllib.parse import urlsplit

from rich.console import Console
from rich.table import Table
from rich.text import Text

from samtycke.scanner.model import ScanResult

PHASE_CODE = {"before-consent": "B", "after-reject": "R", "after-accept": "A", "gpc": "G"}
_LEGEND = (
    "phases: B before consent, R after reject, A after accept, G with GPC; "
    "flags: H HttpOnly, S Secure, P partitioned, b blocked by 3rd-party settings"
)


def _days(value: float | None) -> str:
    return "session" if value is None else f"{value:g} d"


def _codes(phases: Sequence[str]) -> str:
    return "".join(PHASE_CODE[p] for p in phases)


def _path(url: str | None) -> str:
    if not url:
        return ""
    parts = urlsplit(url)
    return parts.path + (f"?{parts.query}" if parts.query else "")


def _table(title: str, *columns: str) -> Table:
    table = Table(title=title, title_justify="left", pad_edge=False, expand=False)
    for col in columns:
        table.add_column(col, overflow="fold")
    return table


def print_table(result: ScanResult, console: Console) -> None:
    """Print the scan as tables, violations last so they stay on screen."""
    phases = "; ".join(
        f"{p.phase} {p.pages} pages {p.seconds:.1f} s" + (f" ({p.banner})" if p.banner else "")
        for p in result.phases
    )
    # Everything the site chose (names, URLs) goes in as Text, never as markup.
    console.print(Text(f"{result.url} — {len(result.pages)} pages; {phases}", style="bold"))
    cookies = _table("Cookies", "name", "domain", "expires", "3rd", "flags", "ph", "category")
    for c in result.cookies:
        flags = "".join(
            f
            for f, on in (
                ("H", c.http_only),
                ("S", c.secure),
                ("P", c.partitioned),
                ("b", c.note is not None),
            )
            if on
        )
        category: Text
        if c.declared:
            category = Text(c.category or "")
        elif c.suggestion_source == "heuristic":
            category = Text(f"{c.suggested_category}?? (guess)", style="yellow")
        elif c.suggested_category:
            category = Text(f"{c.suggested_category}? ({c.suggested_service})", style="yellow")
        else:
            category = Text("undeclared", style="red")
        cookies.add_row(
            Text(c.name),
            Text(c.domain),
            _days(c.expires_days),
            "yes" if c.third_party else "",
            flags,
            _codes(c.phases),
            category,
        )
    console.print(cookies)
    console.print(Text(_LEGEND, style="dim"))
    if result.storage:
        storage = _table("Storage", "kind", "key", "origin", "ph", "declared")
        for s in result.storage:
            storage.add_row(
                s.kind.replace("Storage", ""),
                Text(s.key),
                Text(s.origin),
                _codes(s.phases),
                s.category or ("" if s.declared else "no"),
            )
        console.print(storage)
    if result.pixels:
        pixels = _table("Pixels", "ph", "url", "reason")
        for phase, _page, p in result.pixels:
            pixels.add_row(PHASE_CODE[phase], Text(p.url), Text(p.reason))
        console.print(pixels)
    if result.baseline is not None:
        b = result.baseline
        console.print(
            Text(
                f"Compared with {b.source}: {len(b.new)} new, {len(b.gone)} gone "
                f"({len(b.new_cookies)} new cookies, {len(b.gone_cookies)} gone)",
                style="bold",
            )
        )
    if not result.violations:
        console.print("[green]No violations.[/green]")
        return
    new = result.baseline.new_keys() if result.baseline is not None else None
    violations = _table(f"Violations ({len(result.violations)})", "kind", "cookie", "ph", "page")
    violations.add_column("detail", overflow="fold", ratio=1)
    for v in result.violations:
        kind = Text(v.kind, style="red")
        if new is not None and (v.kind, v.cookie, v.phase) in new:
            kind.append(" (new)", style="bold red")
        violations.add_row(
            kind,
            Text(v.cookie),
            PHASE_CODE[v.phase] if v.phase else "",
            Text(_path(v.page)),
            Text(v.detail),
        )
    console.print(violations)
