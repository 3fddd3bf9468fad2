"""The scanner's view of ``Set-Cookie`` lines, read by the package's one parser.

The scanner sees every ``Set-Cookie`` header, also those the browser throws
away. Some are thrown away only because headless Chromium blocks third-party
cookies (an ordinary visitor's browser keeps them, so they are reported); others
are invalid and no browser keeps them (so they are not reported as set).
:mod:`samtycke.setcookie` parses them and says which are invalid; this module
only keeps the scanner's contract that a line without a ``name=value`` pair is
no cookie at all.
"""

from __future__ import annotations

from samtycke.setcookie import SetCookie, invalid_reason, is_secure_origin
from samtycke.setcookie import parse_set_cookie as _parse

__all__ = ["SetCookie", "invalid_reason", "is_secure_origin", "parse_set_cookie"]


def parse_set_cookie(line: str) -> SetCookie | None:
    """Parse one header line; ``None`` when it has no ``name=value`` pair at all."""
    if "=" not in line.partition(";")[0]:
        return None
    return _parse(line)
