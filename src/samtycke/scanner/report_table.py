"""The terminal report: rich tables of cookies, storage, pixels and violations."""

from __future__ import annotations

from rich.console import Console
from rich.table import Table
from rich.text import Text

from samtycke.scanner.model import ScanResult

_PHASE_SHORT = {"before-consent": "before", "after-reject": "reject", "after-accept": "accept"}


def _days(value: float | None) -> str:
    return "session" if value is None else f"{value:g} d"


def print_table(result: ScanResult, console: Console) -> None:
    """Print the scan as tables, violations last so they stay on screen."""
    phases = ", ".join(
        f"{p.phase} {p.pages} pages {p.seconds:.1f} s" + (f" ({p.banner})" if p.banner else "")
        for p in result.phases
    )
    # Everything the site chose (names, URLs) goes in as Text, never as markup.
    console.print(Text(f"{result.url} — {len(result.pages)} pages; {phases}", style="bold"))
    cookies = Table(title="Cookies", show_lines=False)
    for col in ("name", "domain", "expires", "3rd", "flags", "phases", "category"):
        cookies.add_column(col)
    for c in result.cookies:
        flags = " ".join(
            f
            for f, on in (("HttpOnly", c.http_only), ("Secure", c.secure), ("CHIPS", c.partitioned))
            if on
        )
        category: str | Text
        if c.declared:
            category = c.category or ""
        elif c.suggested_category:
            category = Text(f"{c.suggested_category}? ({c.suggested_service})", style="yellow")
        else:
            category = "[red]undeclared[/red]"
        if c.note:
            flags += " [dim](blocked 3P)[/dim]"
        cookies.add_row(
            Text(c.name),
            Text(c.domain),
            _days(c.expires_days),
            "yes" if c.third_party else "",
            flags.strip(),
            ", ".join(_PHASE_SHORT[p] for p in c.phases),
            category,
        )
    console.print(cookies)
    if result.storage:
        storage = Table(title="Storage")
        for col in ("kind", "key", "origin", "phases", "declared"):
            storage.add_column(col)
        for s in result.storage:
            storage.add_row(
                s.kind,
                Text(s.key),
                Text(s.origin),
                ", ".join(_PHASE_SHORT[p] for p in s.phases),
                s.category or ("" if s.declared else "no"),
            )
        console.print(storage)
    if result.pixels:
        pixels = Table(title="Pixels")
        for col in ("phase", "url", "reason"):
            pixels.add_column(col, overflow="fold")
        for phase, _page, p in result.pixels:
            pixels.add_row(_PHASE_SHORT[phase], Text(p.url), Text(p.reason))
        console.print(pixels)
    if not result.violations:
        console.print("[green]No violations.[/green]")
        return
    violations = Table(title=f"Violations ({len(result.violations)})")
    for col in ("kind", "cookie", "phase", "page", "detail"):
        violations.add_column(col, overflow="fold")
    for v in result.violations:
        violations.add_row(
            Text(v.kind, style="red"),
            Text(v.cookie),
            v.phase or "",
            Text(v.page or ""),
            Text(v.detail),
        )
    console.print(violations)
