"""The cookie scanner: visit a site in a real browser and compare it with its declaration.

``scan(url, declaration=…)`` runs its phases at once over one shared crawl —
before consent, after "Reject all", after "Accept all" (each page loaded
again with the answer in place), and optionally with Global Privacy Control —
every page in a fresh browser context, and returns a :class:`ScanResult` with
the cookies, storage keys, pixels and violations. Reports: :func:`to_json`, :func:`render_html`, :func:`print_table`;
:func:`write_declaration` appends the undeclared cookies to a declaration.
"""

from samtycke.scanner.model import (
    PHASES,
    ObservedCookie,
    ObservedStorage,
    PageVisit,
    Phase,
    ScanResult,
    Violation,
)
from samtycke.scanner.options import ScanOptions
from samtycke.scanner.report_html import render_html
from samtycke.scanner.report_json import to_dict, to_json
from samtycke.scanner.report_table import print_table
from samtycke.scanner.scan import check_url, scan, scan_async
from samtycke.scanner.write_decl import write_declaration

__all__ = [
    "PHASES",
    "ObservedCookie",
    "ObservedStorage",
    "PageVisit",
    "Phase",
    "ScanOptions",
    "ScanResult",
    "Violation",
    "check_url",
    "print_table",
    "render_html",
    "scan",
    "scan_async",
    "to_dict",
    "to_json",
    "write_declaration",
]
