"""The one check for a URL samtycke may redirect a browser to.

Browsers read ``\\`` as ``/`` in http(s) URLs and ignore tabs and newlines,
so ``https://evil.example\\@shop.example/`` goes to evil.example although
Python's ``urlsplit`` reports the host shop.example. A redirect target must
therefore be an absolute http(s) URL with a host, no user info, no backslash,
no whitespace and no control character; only then do both readings agree.
"""

from __future__ import annotations

from urllib.parse import SplitResult, urlsplit

MAX_URL = 2048


def safe_redirect(url: str) -> SplitResult | None:
    """The parts of ``url`` when a browser may be sent there, else None."""
    if not url or len(url) > MAX_URL or "\\" in url:
        return None
    if any(ord(ch) < 33 or ord(ch) == 127 for ch in url):
        return None
    try:
        parts = urlsplit(url)
        parts.port  # noqa: B018 — raises ValueError for a port that is no number
    except ValueError:
        return None
    if parts.scheme not in ("http", "https") or not parts.hostname or "@" in parts.netloc:
        return None
    return parts
