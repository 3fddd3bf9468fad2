"""Just enough cookie reading for the hot path.

The request side reads one cookie (``samtycke``) out of the ``Cookie`` header
without building a dict of every cookie, and the names of the cookies the
browser still holds (for server-side deletion). The response side reads only
the name of a ``Set-Cookie`` header; everything else about a header is read,
when it matters, by the package's one parser, :mod:`samtycke.setcookie`.
"""

from __future__ import annotations

from samtycke.consent import COOKIE_NAME
from samtycke.setcookie import WSP

_NEEDLE = COOKIE_NAME + "="
# A Cookie header longer than this is not read at all: browsers cap a header at
# a few KiB, so a longer one is hostile and scanning it would only cost time.
MAX_COOKIE_HEADER = 16384


def consent_cookie_value(header: str | None) -> str | None:
    """The value of the ``samtycke`` cookie in a ``Cookie`` request header, if any.

    When the cookie appears twice (a path- or domain-scoped duplicate) the first
    one wins, as in browsers' ordering by most specific path.
    """
    if not header or len(header) > MAX_COOKIE_HEADER:
        return None
    start = 0
    while True:
        i = header.find(_NEEDLE, start)
        if i < 0:
            return None
        # Only a match at the start of a cookie-pair counts ("xsamtycke=" does not).
        if i == 0 or header[i - 1] in "; \t":
            j = header.find(";", i)
            return (header[i + len(_NEEDLE) :] if j < 0 else header[i + len(_NEEDLE) : j]).strip()
        start = i + 1


def cookie_names(header: str | None) -> list[str]:
    """The names of the cookies in a ``Cookie`` request header, each once, in order."""
    if not header or len(header) > MAX_COOKIE_HEADER:
        return []
    names: dict[str, None] = {}
    for pair in header.split(";"):
        name, eq, _ = pair.partition("=")
        name = name.strip(WSP)
        if eq and name:
            names[name] = None
    return list(names)


def set_cookie_name(header: str) -> str:
    """The cookie name of a ``Set-Cookie`` header value (``""`` when it has none).

    Only spaces and tabs are trimmed, as browsers do: a name padded with any
    other white space is another cookie to them, so it is another cookie here.
    """
    name, sep, _ = header.partition("=")
    if not sep or ";" in name:
        return ""
    return name.strip(WSP)
