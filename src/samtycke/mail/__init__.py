"""Consent for tracking in e-mail: open pixels and tracked links, recorded in the ledger.

:class:`MailTracker` rewrites an e-mail for one recipient as far as they
consented and records their choices; :mod:`samtycke.mail.routes` serves the
pixel, the click redirect and the preference page. See docs/email.md.
"""

from samtycke.mail.choices import NO_CONSENT, ChoiceCache, MailChoice, current_choice
from samtycke.mail.counters import CampaignCounts, campaign_counts
from samtycke.mail.errors import MailError
from samtycke.mail.keys import MailKey, key_from_env, load_key_file, normalise_address
from samtycke.mail.rewrite import Envelope, Plan, plan_for, rewrite_html
from samtycke.mail.tokens import Token, sign, verify
from samtycke.mail.tracker import MailTracker

__all__ = [
    "NO_CONSENT",
    "CampaignCounts",
    "ChoiceCache",
    "Envelope",
    "MailChoice",
    "MailError",
    "MailKey",
    "MailTracker",
    "Plan",
    "Token",
    "campaign_counts",
    "current_choice",
    "key_from_env",
    "load_key_file",
    "normalise_address",
    "plan_for",
    "rewrite_html",
    "sign",
    "verify",
]
