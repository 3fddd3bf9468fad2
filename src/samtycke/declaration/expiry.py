"""The expiry grammar: how long a cookie lives.

``"session"`` | ``"persistent"`` | ``"N unit"`` where unit is one of minutes,
hours, days, weeks, months, years (singular accepted, ``N`` a positive integer).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Literal

Unit = Literal["minutes", "hours", "days", "weeks", "months", "years"]
UNITS: tuple[Unit, ...] = ("minutes", "hours", "days", "weeks", "months", "years")

# Calendar-average lengths; months and years are what a person means, not exact.
_SECONDS: dict[Unit, int] = {
    "minutes": 60,
    "hours": 3600,
    "days": 86400,
    "weeks": 7 * 86400,
    "months": 2_629_746,  # 365.2425 days / 12
    "years": 31_556_952,  # 365.2425 days
}

_DURATION = re.compile(r"^\s*(\d+)\s*([a-z]+)\s*$")


@dataclass(frozen=True)
class Expiry:
    """A parsed expiry: a session cookie, a persistent one, or a fixed duration."""

    kind: Literal["session", "persistent", "duration"]
    amount: int = 0
    unit: Unit = "days"

    @property
    def seconds(self) -> int | None:
        """Lifetime in seconds; ``None`` for session and persistent cookies."""
        if self.kind != "duration":
            return None
        return self.amount * _SECONDS[self.unit]

    @property
    def days(self) -> float | None:
        """Lifetime in days; ``None`` for session and persistent cookies."""
        s = self.seconds
        return None if s is None else s / 86400

    def __str__(self) -> str:
        if self.kind != "duration":
            return self.kind
        unit = self.unit[:-1] if self.amount == 1 else self.unit
        return f"{self.amount} {unit}"


def expiry_of_seconds(seconds: float | None) -> Expiry:
    """The expiry a person would write for a lifetime of ``seconds`` (None: session).

    The largest unit that states it within half a percent wins (3600 s is
    "1 hour", 730 days "2 years", 395 days "13 months"); otherwise whole days,
    hours or minutes, never rounded up to a larger unit than the lifetime.
    """
    if seconds is None:
        return Expiry("session")
    seconds = max(seconds, 60.0)
    for unit in reversed(UNITS):
        amount = round(seconds / _SECONDS[unit])
        if amount >= 1 and abs(amount * _SECONDS[unit] - seconds) <= 0.005 * seconds:
            return Expiry("duration", amount, unit)
    for unit in ("days", "hours", "minutes"):
        amount = round(seconds / _SECONDS[unit])
        if amount >= 1:
            return Expiry("duration", amount, unit)
    return Expiry("duration", 1, "minutes")  # pragma: no cover - seconds >= 60 always fits


class ExpiryGrammarError(ValueError):
    """The text is not in the expiry grammar; the message says what would be."""


def parse_expiry(text: str) -> Expiry:
    """Parse ``"session"``, ``"persistent"`` or ``"N unit"`` into an :class:`Expiry`."""
    raw = text.strip().lower()
    if raw in ("session", "persistent"):
        return Expiry(raw)  # type: ignore[arg-type]
    m = _DURATION.match(raw)
    if not m:
        raise ExpiryGrammarError(_hint(text))
    amount, word = int(m.group(1)), m.group(2)
    unit = _unit(word)
    if unit is None:
        raise ExpiryGrammarError(_hint(text, amount=amount))
    if amount <= 0:
        raise ExpiryGrammarError(f"the amount must be at least 1 ({_hint(text, amount=1)[1:]}")
    return Expiry("duration", amount, unit)


def _unit(word: str) -> Unit | None:
    for unit in UNITS:
        if word in (unit, unit[:-1]):
            return unit
    return None


# Words people write for "never expires" and "ends with the browser session".
_PERSISTENT_WORDS = ("forever", "permanent", "never", "infinit", "further notice", "no expir")
_SESSION_WORDS = ("session", "browser", "closed", "close")


def _hint(text: str, amount: int | None = None) -> str:
    low = text.lower()
    if any(w in low for w in _PERSISTENT_WORDS):
        return '(try "persistent", for a cookie that does not expire)'
    if any(w in low for w in _SESSION_WORDS) and not re.search(r"\d", low):
        return '(try "session", for a cookie deleted when the browser closes)'
    m = re.match(r"^\s*(\d+)\s*([A-Za-z]+)", text)
    if m and amount is None:
        amount = int(m.group(1))
    if m:
        guess = _closest_unit(m.group(2).lower())
        if guess and amount:
            return f'(try "{Expiry("duration", amount, guess)}", "session" or "persistent")'
    return '(try "30 days", "session" or "persistent")'


def _closest_unit(word: str) -> Unit | None:
    from difflib import get_close_matches

    singulars = {u[:-1]: u for u in UNITS}
    candidates = list(UNITS) + list(singulars)
    found = get_close_matches(word, candidates, n=1, cutoff=0.6)
    return _unit(found[0]) if found else None
