"""A recipient's choice about e-mail tracking, kept as records in the consent ledger.

A choice is an ordinary ledger :class:`Decision` in the same hash chain: its
consent id is the recipient id (never the address), its choices are
``{"necessary": true, "email-open": …, "email-click": …}``, and its fingerprint
is that of a snapshot of the e-mail texts the recipient was shown, so the
record proves what they agreed to. The latest such record of a site is the
recipient's current choice; no record means no consent.
"""

from __future__ import annotations

import hashlib
import json
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass

from samtycke import locales
from samtycke.declaration import Declaration
from samtycke.declaration.email import EmailTracking
from samtycke.ledger import Decision, Ledger, Record
from samtycke.mail.errors import MailError

CHOICE_OPEN = "email-open"
CHOICE_CLICK = "email-click"
METHODS = ("accept-all", "custom", "reject-all", "withdraw")
SOURCES = ("api", "settings")
SNAPSHOT_FORMAT = 1


@dataclass(frozen=True)
class MailChoice:
    """What a recipient allows now: opens, clicks, and the record that says so."""

    opens: bool = False
    clicks: bool = False
    record_id: str | None = None

    @property
    def anything(self) -> bool:
        """True when some tracking is allowed."""
        return self.opens or self.clicks


NO_CONSENT = MailChoice()


def email_of(decl: Declaration) -> EmailTracking:
    """The ``[email]`` table of ``decl`` (MailError when it has none)."""
    if decl.email is None:
        raise MailError(f"site {decl.site.id!r} declares no e-mail tracking (add an [email] table)")
    return decl.email


def snapshot_content(decl: Declaration) -> str:
    """The canonical e-mail texts of ``decl``: what a recipient's choice is about."""
    email = email_of(decl)
    langs = decl.site.languages
    content = {
        "format": SNAPSHOT_FORMAT,
        "kind": "email",
        "site": {"id": decl.site.id, "controller": decl.site.controller, "languages": list(langs)},
        "revision": decl.site.revision,
        "do_not_track": email.do_not_track,
        "tracking": [
            {
                "kind": k.kind,
                "exemption": k.exemption,
                "purpose": {lang: k.purpose.get(lang) for lang in langs},
            }
            for k in email.kinds
        ],
        "texts": {lang: dict(sorted(locales.section(lang, "mail").items())) for lang in langs},
    }
    return json.dumps(content, sort_keys=True, separators=(",", ":"), ensure_ascii=True)


def snapshot_fingerprint(decl: Declaration) -> str:
    """sha256 of :func:`snapshot_content`, the fingerprint a mail choice carries."""
    return hashlib.sha256(snapshot_content(decl).encode()).hexdigest()


def store_snapshot(ledger: Ledger, decl: Declaration) -> str:
    """Store the e-mail snapshot of ``decl`` once; its fingerprint."""
    content = snapshot_content(decl)
    fp = hashlib.sha256(content.encode()).hexdigest()
    ledger.add_snapshot(decl.site.id, decl.site.revision, fp, content)
    return fp


def choice_decision(
    decl: Declaration,
    recipient: str,
    *,
    opens: bool,
    clicks: bool,
    method: str,
    source: str,
    language: str | None = None,
    fingerprint: str | None = None,
    record_id: str,
) -> Decision:
    """The ledger decision for a recipient's choice (kinds the site does not use stay off)."""
    email = email_of(decl)
    if method not in METHODS:
        raise MailError(f"method {method!r} is not one of {', '.join(METHODS)}")
    if source not in SOURCES:
        raise MailError(f"source {source!r} is not one of {', '.join(SOURCES)}")
    lang = language if language in decl.site.languages else decl.site.default_language
    return Decision(
        record_id=record_id,
        consent_id=recipient,
        site=decl.site.id,
        revision=decl.site.revision,
        fingerprint=fingerprint or snapshot_fingerprint(decl),
        language=lang or decl.site.default_language,
        method=method,
        choices={
            "necessary": True,
            CHOICE_OPEN: opens and email.kind("open") is not None,
            CHOICE_CLICK: clicks and email.kind("click") is not None,
        },
        source=source,
    )


def is_mail_record(rec: Record, site: str) -> bool:
    """True for a record of a recipient's e-mail choice on ``site``."""
    d = rec.decision
    return d.site == site and (CHOICE_OPEN in d.choices or CHOICE_CLICK in d.choices)


def current_choice(ledger: Ledger, site: str, recipient: str) -> MailChoice:
    """The recipient's latest choice on ``site`` as the ledger holds it (blocking)."""
    latest: Record | None = None
    for rec in ledger.history(recipient):
        if is_mail_record(rec, site):
            latest = rec
    if latest is None:
        return NO_CONSENT
    c = latest.decision.choices
    return MailChoice(
        bool(c.get(CHOICE_OPEN)), bool(c.get(CHOICE_CLICK)), latest.decision.record_id
    )


class ChoiceCache:
    """Current choices, read from the ledger and kept for ``ttl`` seconds.

    A choice made through this process replaces its entry at once (``put``),
    so a withdrawal from the preference page applies to the very next pixel or
    click. Another replica's write is seen once the entry is ``ttl`` old: the
    window is short and documented, and ``ttl=0`` reads the ledger every time.
    ``get`` queries the database: call it off the event loop.
    """

    MAX_ENTRIES = 100_000

    def __init__(
        self, ledger: Ledger, ttl: float = 1.0, clock: Callable[[], float] = time.monotonic
    ) -> None:
        self._ledger = ledger
        self._ttl = ttl
        self._clock = clock
        self._lock = threading.Lock()
        self._entries: dict[tuple[str, str], tuple[float, MailChoice]] = {}
        self._puts = 0  # a read that overlaps a put must not overwrite the newer choice

    def get(self, site: str, recipient: str) -> MailChoice:
        """The current choice of ``recipient`` on ``site``."""
        key, now = (site, recipient), self._clock()
        with self._lock:
            hit = self._entries.get(key)
            puts = self._puts
        if hit is not None and now - hit[0] < self._ttl:
            return hit[1]
        choice = current_choice(self._ledger, site, recipient)
        with self._lock:
            if self._puts == puts:
                self._keep(key, now, choice)
        return choice

    def put(self, site: str, recipient: str, choice: MailChoice) -> None:
        """Remember a choice this process has just committed."""
        with self._lock:
            self._puts += 1
            self._keep((site, recipient), self._clock(), choice)

    def _keep(self, key: tuple[str, str], now: float, choice: MailChoice) -> None:
        if len(self._entries) >= self.MAX_ENTRIES:
            self._entries.clear()
        self._entries[key] = (now, choice)
