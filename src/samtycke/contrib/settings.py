"""Typed settings shared by the framework integrations.

Framework config often arrives as text (environment variables, ``.env``
files), so a boolean is ``True``/``False`` or one of the words below; anything
else is a mistake named with its key, never quietly truthy.
"""

from __future__ import annotations

import difflib
from collections.abc import Iterable

from samtycke.errors import SamtyckeError

TRUE_WORDS = ("1", "on", "true", "yes")
FALSE_WORDS = ("0", "off", "false", "no")


class SettingError(SamtyckeError):
    """A framework setting has a value samtycke cannot use."""


def as_bool(value: object, name: str) -> bool:
    """``value`` as a bool: a bool, or a word of TRUE_WORDS/FALSE_WORDS in any case."""
    if isinstance(value, bool):
        return value
    if isinstance(value, str):
        word = value.strip().lower()
        if word in TRUE_WORDS:
            return True
        if word in FALSE_WORDS:
            return False
    raise SettingError(f"{name} has value {value!r}: use True or False (or on/off, 1/0)")


def unknown_keys(given: Iterable[str], known: Iterable[str], where: str) -> str | None:
    """One message naming the keys of ``given`` not in ``known`` (with a guess), or None."""
    known = tuple(known)
    unknown = sorted(set(given) - set(known))
    if not unknown:
        return None
    parts = []
    for key in unknown:
        close = difflib.get_close_matches(key, known, n=1)
        parts.append(f"{key!r} (did you mean {close[0]!r}?)" if close else repr(key))
    return f"{where} has unknown key(s) {', '.join(parts)}; known: {', '.join(known)}"
