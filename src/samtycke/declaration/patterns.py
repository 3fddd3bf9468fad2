"""Cookie and storage names: exact names or patterns with ``*``.

A ``*`` matches any run of characters (also none). Names follow RFC 6265's
token rule: no spaces, controls or separators ``()<>@,;:\\"/[]?={}``.
"""

from __future__ import annotations

import re
from functools import lru_cache

_SEPARATORS = set('()<>@,;:\\"/[]?={} \t')


class PatternError(ValueError):
    """The name is not a valid cookie name or pattern."""


def is_pattern(name: str) -> bool:
    """True when the name contains a ``*`` wildcard."""
    return "*" in name


def check_name(name: str) -> None:
    """Raise :class:`PatternError` when ``name`` is not a valid name or pattern."""
    if not name:
        raise PatternError("the name is empty")
    bad = sorted({c for c in name if c in _SEPARATORS or ord(c) < 33 or ord(c) == 127})
    if bad:
        shown = ", ".join(repr(c) for c in bad)
        raise PatternError(
            f"contains {shown}, which a cookie name cannot hold "
            "(use the real cookie name, or * for the varying part)"
        )
    if "**" in name:
        raise PatternError("has '**'; one '*' already matches any run of characters")
    if name.strip("*") == "":
        raise PatternError('matches every name; give the fixed part, e.g. "_ga_*"')


@lru_cache(maxsize=4096)
def compile_pattern(name: str) -> re.Pattern[str]:
    """The regular expression matching the whole of a name for ``name``."""
    return re.compile("".join(".*" if p == "*" else re.escape(p) for p in re.split(r"(\*)", name)))


def matches(pattern: str, name: str) -> bool:
    """True when cookie ``name`` is matched by the declared ``pattern`` (or equals it)."""
    if "*" not in pattern:
        return pattern == name
    return compile_pattern(pattern).fullmatch(name) is not None
