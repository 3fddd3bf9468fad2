"""The one URL rule of the package: which URLs a declaration may hold and HTML may link,
and which a setting may name for samtycke to call (a time-stamp authority).

A declaration's URLs end up as links on pages served from the consent server's
own origin (the policy pages) and in the banner, so a ``javascript:`` or
``data:`` URL there would run script in that origin. Absolute URLs must be
http(s) with a host; where relative references are documented (``policy_url``,
``endpoint``), they may be paths — never protocol-relative (``//host``), never
with a scheme of their own. No URL may hold whitespace, control characters,
double quotes, backticks, angle brackets or backslashes (which browsers read as
slashes); a single quote is a legal URL character and is escaped where written.
"""

from __future__ import annotations

import re
import urllib.parse

_FORBIDDEN = re.compile(r"[\x00-\x20\x7f-\x9f<>\"`\\]")
_SCHEME = re.compile(r"[A-Za-z][A-Za-z0-9+.-]*:")
_EMAIL = re.compile(r"[^@\s<>\"'`\\]+@[^@\s<>\"'`\\]+\.[^@\s<>\"'`\\]+")


def url_problem(value: str, *, relative: bool = False) -> str | None:
    """Why ``value`` is not an acceptable URL, or None when it is.

    ``relative`` also accepts a relative reference (a path, with query or fragment).
    """
    if _FORBIDDEN.search(value):
        return "it holds a space, control character, quote, angle bracket or backslash"
    if _SCHEME.match(value):
        try:
            parts = urllib.parse.urlsplit(value)
            _ = parts.port  # raises for a malformed port
        except ValueError:
            return "it is not well formed"
        if parts.scheme.lower() not in ("http", "https"):
            return f"scheme {parts.scheme!r} is not allowed"
        if not parts.hostname or "@" in parts.netloc:
            return "it needs a host name, and no user:password@"
        return None
    if not relative:
        return "it does not start with http:// or https://"
    if value.startswith("//"):
        return "//host is protocol-relative: give https://host"
    head = value.split("/", 1)[0].split("?", 1)[0].split("#", 1)[0]
    if ":" in head:
        return "it has a scheme other than http(s)"
    return None


def safe_href(href: str) -> bool:
    """True when ``href`` may be written into an HTML link: an http(s) URL, a path
    from the root, or ``mailto:`` with an e-mail address. (A path relative to the
    page is refused: declarations give them relative to the banner script.)"""
    if href.startswith("mailto:"):
        return _EMAIL.fullmatch(href[len("mailto:") :]) is not None
    if url_problem(href, relative=True) is not None:
        return False
    return href.startswith("/") or _SCHEME.match(href) is not None
