"""What a scan observes and concludes: plain dataclasses, no browser in sight."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Literal

if TYPE_CHECKING:
    from samtycke.scanner.baseline import BaselineDiff

Phase = Literal["before-consent", "after-reject", "after-accept", "gpc"]
PHASES: tuple[Phase, ...] = ("before-consent", "after-reject", "after-accept", "gpc")

# The note on a cookie headless Chromium refused only because of its third-party
# cookie settings: a visitor whose browser allows third-party cookies stores it.
BLOCKED_NOTE = (
    "blocked by the scanning browser's third-party cookie settings; "
    "a browser that allows third-party cookies stores it"
)
BLOCKED_STORAGE_NOTE = (
    "the scanning browser blocks this frame's storage (third-party settings); "
    "a browser that allows it stores the key"
)


@dataclass(frozen=True)
class CookieSighting:
    """One cookie seen being set on one page in one phase."""

    name: str
    domain: str
    path: str
    lifetime: float | None  # seconds; None for a session cookie
    http_only: bool
    secure: bool
    same_site: str | None
    partitioned: bool
    source: Literal["jar", "header", "script"]
    blocked: bool = False  # refused by third-party cookie settings only


@dataclass(frozen=True)
class StorageSighting:
    """A localStorage or sessionStorage key of one frame's origin."""

    kind: Literal["localStorage", "sessionStorage"]
    key: str
    origin: str
    blocked: bool = False  # the browser refused the frame storage (third-party settings)


@dataclass(frozen=True)
class Pixel:
    """A tracking pixel request: a 1×1 image or a request to a known tracker host."""

    url: str
    reason: str


@dataclass
class PageVisit:
    """Everything one page showed in one phase."""

    url: str
    phase: Phase
    depth: int
    seconds: float = 0.0
    cookies: list[CookieSighting] = field(default_factory=list)
    storage: list[StorageSighting] = field(default_factory=list)
    pixels: list[Pixel] = field(default_factory=list)
    rejected: list[str] = field(default_factory=list)  # "name: reason" of invalid cookies
    banner: str | None = None  # which banner was driven on this page, if any
    error: str | None = None
    decision: bool = False  # the page where the banner was answered (before its reload)
    settled: str = ""  # the rule that ended the wait: quiet, idle or cap (settle.py)


@dataclass
class ObservedCookie:
    """A cookie across the whole scan, matched against the declaration."""

    name: str
    domain: str
    path: str
    expires_days: float | None
    third_party: bool
    http_only: bool
    secure: bool
    same_site: str | None
    partitioned: bool
    phases: list[Phase]
    pages: list[str]
    declared: bool = False
    category: str | None = None
    suggested_category: str | None = None
    suggested_service: str | None = None
    # How sure the suggestion is (1.0 a listed name, less for a pattern or a guess)
    # and where it comes from: "samtycke", "open-cookie-database", "heuristic"
    # or a --knowledge file.
    suggestion_confidence: float | None = None
    suggestion_source: str | None = None
    note: str | None = None


@dataclass
class ObservedStorage:
    """A storage key across the whole scan."""

    kind: str
    key: str
    origin: str
    phases: list[Phase]
    pages: list[str]
    declared: bool = False
    category: str | None = None
    note: str | None = None


@dataclass(frozen=True)
class Violation:
    """One finding: the cookie, where and in which phase, and why."""

    kind: Literal[
        "set-before-consent",
        "set-after-reject",
        "set-under-gpc",
        "undeclared",
        "expiry-mismatch",
        "declared-not-found",
    ]
    cookie: str
    page: str | None
    phase: Phase | None
    detail: str


@dataclass
class PhaseSummary:
    """How one phase went: pages, time, the banner it drove."""

    phase: Phase
    pages: int
    seconds: float
    banner: str | None


@dataclass
class ScanResult:
    """The whole scan."""

    url: str
    pages: list[str]
    visits: list[PageVisit]
    cookies: list[ObservedCookie]
    storage: list[ObservedStorage]
    pixels: list[tuple[Phase, str, Pixel]]
    violations: list[Violation]
    phases: list[PhaseSummary]
    seconds: float
    browser: str
    declaration: str | None = None
    screenshot: bytes | None = None
    skipped: list[str] = field(default_factory=list)  # URLs robots.txt forbade
    baseline: BaselineDiff | None = None  # set when compared with an earlier report
