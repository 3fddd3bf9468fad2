"""A site with samtycke's own banner: the scanner drives it by its hooks."""

from __future__ import annotations

from samtycke.banner import build_script
from samtycke.declaration import parse_declaration
from samtycke.scanner import ScanOptions, scan
from tests.scanner.fixture_site import serve_pages

DECL = """
[site]
id = "own"
name = "Own"
controller = "Own AB"
contact = "privacy@own.test"
domains = ["127.0.0.1"]
languages = ["sv", "en"]

[[cookies]]
name = "samtycke"
category = "necessary"
expires = "90 days"
purpose = { sv = "Kommer ihåg ditt val.", en = "Remembers your choice." }

[[cookies]]
name = "_ga"
category = "analytics"
expires = "2 years"
purpose = { sv = "Räknar besök.", en = "Counts visits." }
"""

PAGE = """<!doctype html><html lang="sv"><head><meta charset="utf-8"><title>Own</title>
<script src="/samtycke.js" defer></script></head><body><p>Hej.</p>
<script type="text/plain" data-category="analytics">
  document.cookie = "_ga=GA1.1.1.1; max-age=" + 63072000 + "; path=/";
</script></body></html>"""


def test_own_banner_driven_by_its_hooks_and_gating_respected() -> None:
    decl = parse_declaration(DECL)
    pages = {"/": (PAGE, []), "/samtycke.js": (build_script(decl), [])}
    with serve_pages(pages) as origin:
        result = scan(origin + "/", declaration=decl, options=ScanOptions(settle=1.0))
    assert [(p.phase, p.banner) for p in result.phases] == [
        ("before-consent", None),
        ("after-reject", "samtycke"),
        ("after-accept", "samtycke"),
    ]
    assert {c.name: c.phases for c in result.cookies} == {
        "samtycke": ["after-reject", "after-accept"],
        "_ga": ["after-accept"],
    }
    assert result.violations == []
