"""A suggestion for a cookie no knowledge source lists: from its name, with a confidence.

The name is split into words (``_`` ``-`` ``.`` and camelCase); words that
usually mean a purpose suggest its category. Nothing here is a finding: the
suggestion only helps a person fill in the declaration, and the confidence
(0–1) says how much it is worth — never more than a listed name's.
"""

from __future__ import annotations

import re
from dataclasses import dataclass


@dataclass(frozen=True)
class Guess:
    """A suggested category, why, and how sure it is."""

    category: str
    reason: str
    confidence: float


# (category, confidence, whole words, word prefixes), checked in this order:
# the consent and security words first, since "consent_ad" is still consent.
_CUES: tuple[tuple[str, float, frozenset[str], tuple[str, ...]], ...] = (
    (
        "necessary",
        0.6,
        frozenset({"consent", "cmp", "gdpr", "cookieconsent", "csrf", "xsrf", "csrftoken"}),
        ("consent", "csrf", "xsrf"),
    ),
    (
        "necessary",
        0.5,
        frozenset({"sid", "sess", "session", "auth", "token", "login", "jwt", "lb", "cf"}),
        ("session", "sess", "auth", "__host", "__secure"),
    ),
    (
        "analytics",
        0.5,
        frozenset({"ga", "gid", "stats", "stat", "analytics", "utm", "visit", "visitor", "pk"}),
        ("analytic", "statist", "metric", "visit", "pageview", "hj"),
    ),
    (
        "marketing",
        0.5,
        frozenset({"ad", "ads", "fbp", "fbc", "gclid", "pixel", "track", "trk", "uid", "retarget"}),
        ("advert", "track", "campaign", "retarget", "affiliate", "promo"),
    ),
    (
        "functional",
        0.4,
        frozenset({"lang", "locale", "pref", "prefs", "theme", "currency", "cart", "basket", "tz"}),
        ("lang", "locale", "pref", "theme", "currency", "region", "wishlist"),
    ),
)
_FALLBACK_THIRD = Guess("marketing", "an unknown third-party cookie", 0.3)
_FALLBACK_FIRST = Guess("functional", "an unknown first-party cookie", 0.2)


def words(name: str) -> list[str]:
    """The lower-case words of a cookie name."""
    spaced = re.sub(r"([a-z0-9])([A-Z])", r"\1 \2", name)
    return [w for w in re.split(r"[^A-Za-z0-9]+", spaced.lower()) if w]


def guess_category(name: str, *, third_party: bool) -> Guess:
    """The heuristic suggestion for ``name``; always one, with its confidence."""
    found = words(name)
    for category, confidence, exact, prefixes in _CUES:
        for word in found:
            if word in exact or word.startswith(prefixes):
                return Guess(category, f'the word "{word}" in its name', confidence)
    return _FALLBACK_THIRD if third_party else _FALLBACK_FIRST
