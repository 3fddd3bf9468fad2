"""The consent that applies to one request: cookie, privacy signals, or none.

Order of precedence:

1. a current, explicit choice in the ``samtycke`` cookie (accept, reject,
   custom, withdraw) — an explicit choice wins over any signal;
2. ``Sec-GPC: 1`` or ``DNT: 1``, when the declaration honours that signal:
   only necessary (mode ``necessary-only``) or necessary and functional
   (``necessary-and-functional``); a signal never grants more than that;
3. otherwise no consent: only necessary.

A cookie for an older revision, or older than ``consent_days``, is no consent.
A cookie the banner wrote from a signal (method ``g``/``d``) is not a choice:
like the banner, it holds only while the browser still sends the signal, and
then rule 2 already gives the same answer.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from samtycke.consent import ConsentState
from samtycke.contract import SIGNAL_ALLOWS

Source = Literal["cookie", "gpc", "dnt", "none"]


@dataclass(frozen=True, slots=True)
class EffectiveConsent:
    """What the person has agreed to for this request; ask it with :meth:`allows`."""

    categories: frozenset[str]
    source: Source
    state: ConsentState | None = None

    def allows(self, category: str) -> bool:
        """True when cookies of ``category`` may be set (``necessary`` always may)."""
        return category == "necessary" or category in self.categories

    def allows_service(self, service: str | None, category: str) -> bool:
        """True when the category is allowed and the service was not refused by name."""
        if not self.allows(category):
            return False
        return service is None or self.state is None or service not in self.state.refused_services

    @property
    def explicit(self) -> bool:
        """True when this comes from a choice the person made in the banner."""
        return self.source == "cookie" and self.state is not None and self.state.explicit

    @property
    def consent_id(self) -> str | None:
        """The consent id of the cookie in force, if any."""
        return self.state.consent_id if self.state is not None else None


NO_CONSENT = EffectiveConsent(frozenset({"necessary"}), "none")


def signal_consent(mode: str, source: Literal["gpc", "dnt"]) -> EffectiveConsent | None:
    """What a privacy signal leaves accepted under the declared ``mode``; None for ``ignore``."""
    allowed = SIGNAL_ALLOWS.get(mode)
    return None if allowed is None else EffectiveConsent(allowed, source)
