"""The Python API of e-mail tracking consent: rewrite e-mails, record choices, read counts.

::

    tracker = MailTracker(decl, ledger, key, "https://consent.example.com")
    tracker.record("ada@example.com", opens=True, clicks=False)
    html = tracker.rewrite(html, "ada@example.com", campaign="newsletter-2026-12")

The address is only ever turned into its recipient id; nothing stores it.
"""

from __future__ import annotations

import re

from samtycke.declaration import Declaration
from samtycke.declaration.email import EmailTracking
from samtycke.ids import new_id
from samtycke.ledger import Ledger, Record
from samtycke.mail.choices import (
    MailChoice,
    choice_decision,
    current_choice,
    email_of,
    store_snapshot,
)
from samtycke.mail.counters import CampaignCounts, campaign_counts
from samtycke.mail.errors import MailError
from samtycke.mail.keys import MailKey
from samtycke.mail.rewrite import Envelope, plan_for, rewrite_html
from samtycke.mail.tokens import is_campaign

_BASE_URL = re.compile(r"https?://[^/\s?#]+(?:/[^\s?#]*)?")


class MailTracker:
    """E-mail tracking for one site, on one ledger, with one mail key."""

    def __init__(
        self, decl: Declaration, ledger: Ledger, key: MailKey, base_url: str | None = None
    ) -> None:
        """``base_url`` (the consent server) is needed only to rewrite e-mails."""
        self.email: EmailTracking = email_of(decl)
        if base_url is not None and not _BASE_URL.fullmatch(base_url):
            raise MailError(
                f"base URL {base_url!r} is not the consent server's http(s) address "
                "(like https://consent.example.com)"
            )
        self.decl = decl
        self.ledger = ledger
        self.key = key
        self.base_url = base_url.rstrip("/") if base_url else None
        self._fingerprint: str | None = None

    def recipient_id(self, address: str) -> str:
        """The pseudonymous id ``address`` is recorded under."""
        return self.key.recipient_id(address)

    def choice(self, address: str) -> MailChoice:
        """The recipient's current choice, read from the ledger."""
        return current_choice(self.ledger, self.decl.site.id, self.recipient_id(address))

    def record(
        self,
        address: str,
        *,
        opens: bool,
        clicks: bool,
        method: str = "custom",
        language: str | None = None,
    ) -> Record:
        """Chain a recipient's choice into the ledger (committed when this returns)."""
        if self._fingerprint is None:
            self._fingerprint = store_snapshot(self.ledger, self.decl)
        decision = choice_decision(
            self.decl,
            self.recipient_id(address),
            opens=opens,
            clicks=clicks,
            method=method,
            source="api",
            language=language,
            fingerprint=self._fingerprint,
            record_id=new_id(),
        )
        return self.ledger.append([decision])[0]

    def envelope(self, address: str, campaign: str, language: str | None = None) -> Envelope:
        """The signing context of one e-mail (MailError for a bad campaign or language)."""
        if not is_campaign(campaign):
            raise MailError(
                f"campaign {campaign!r} is not a campaign id "
                '(a-z, 0-9 and single hyphens, at most 64 characters, like "newsletter-2026-12")'
            )
        if self.base_url is None:
            raise MailError("rewriting needs the consent server's base URL (--base-url)")
        langs = self.decl.site.languages
        if language is not None and language not in langs:
            raise MailError(f"language {language!r} is not one of the site's ({', '.join(langs)})")
        return Envelope(
            self.key,
            self.base_url,
            self.decl.site.id,
            self.recipient_id(address),
            campaign,
            language or self.decl.site.default_language,
        )

    def preference_url(self, address: str, language: str | None = None) -> str:
        """The recipient's preference page (e.g. for a List-Unsubscribe header)."""
        return self.envelope(address, "preferences", language).url("prefs")

    def rewrite(
        self,
        html: str,
        address: str,
        campaign: str,
        *,
        language: str | None = None,
        do_not_track: bool = False,
    ) -> str:
        """``html`` for this recipient: pixel and tracked links only as far as they allow."""
        envelope = self.envelope(address, campaign, language)
        choice = current_choice(self.ledger, self.decl.site.id, envelope.recipient)
        return rewrite_html(html, envelope, plan_for(self.email, choice, do_not_track=do_not_track))

    def counts(self) -> list[CampaignCounts]:
        """Opens and clicks per campaign, of consenting recipients only."""
        return campaign_counts(self.ledger.engine, self.decl.site.id)
