"""Server-side deletion: ``Set-Cookie`` headers that remove refused cookies the browser still sends.

A ``Cookie`` request header carries names only, not the Domain and Path each
cookie was set with, so a cookie is deleted at every scope it can have and
still be sent on this request: host-only and each parent of the host inside
the declared domains (as the banner deletes), on ``/`` and on the ancestors
of the request path. Deleting at a scope where no such cookie exists does
nothing, so the extra headers are harmless; they are only ever sent when the
request carries a refused cookie.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from samtycke.ids import is_domain
from samtycke.setcookie import deletion_header

# Paths tried per cookie: "/" and the first few ancestors of the request path.
MAX_PATHS = 4
_SAFE_PATH = re.compile(r"[\x21-\x3a\x3c-\x7e]*")  # printable ASCII but ";"


def cookie_paths(path: str | None) -> list[str]:
    """``/`` and the paths a cookie sent on a request for ``path`` can have (at most MAX_PATHS)."""
    paths = ["/"]
    path = (path or "").partition("?")[0]
    if not path.startswith("/") or not _SAFE_PATH.fullmatch(path):
        return paths  # a path no Set-Cookie could carry as it is
    i = path.find("/", 1)
    while len(paths) < MAX_PATHS:
        piece = path if i < 0 else path[:i]
        if piece not in paths:
            paths.append(piece)
        if i < 0:
            break
        i = path.find("/", i + 1)
    return paths


def is_ip(host: str) -> bool:
    """True for an IPv4 or (bracketed or not) IPv6 literal: cookies there are host-only."""
    return ":" in host or host.startswith("[") or all(c.isdigit() or c == "." for c in host)


def parent_domains(host: str | None, roots: Iterable[str]) -> list[str]:
    """``host`` and its parents that are one of ``roots`` or under one (never a bare TLD)."""
    if not host or is_ip(host) or not is_domain(host):
        return []  # an IP, or a Host header no Domain attribute could carry
    roots = tuple(roots)
    labels = host.split(".")
    found = []
    for i in range(len(labels) - 1):
        domain = ".".join(labels[i:])
        if any(domain == r or domain.endswith("." + r) for r in roots):
            found.append(domain)
    return found


def deletion_headers(
    name: str, host: str | None, path: str | None, roots: Iterable[str]
) -> list[str]:
    """Every ``Set-Cookie`` value that deletes cookie ``name`` as sent on this request.

    None for a name no header can carry as it is (outside printable ASCII).
    """
    if not (name.isascii() and name.isprintable()):
        return []
    if name[:7].lower() == "__host-":
        return [deletion_header(name, None, "/")]  # such a cookie has exactly that scope
    domains: list[str | None] = [None, *parent_domains(host, roots)]
    paths = cookie_paths(path)
    return [deletion_header(name, d, p) for d in domains for p in paths]
