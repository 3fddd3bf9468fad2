"""Parse a raw ``Set-Cookie`` line and tell whether any browser would refuse it.

The scanner sees every ``Set-Cookie`` header, also those the browser throws
away. Some are thrown away only because headless Chromium blocks third-party
cookies (an ordinary visitor's browser keeps them, so they are reported); others
are invalid and no browser keeps them (so they are not reported as set). This
module decides the second kind by the rules of RFC 6265bis as Chromium applies them.
"""

from __future__ import annotations

import contextlib
import email.utils
import ipaddress
import time
from dataclasses import dataclass
from urllib.parse import urlsplit

_SAME_SITE = {"strict": "Strict", "lax": "Lax", "none": "None"}


@dataclass(frozen=True)
class SetCookie:
    """One parsed ``Set-Cookie`` line."""

    name: str
    value: str
    domain: str | None = None
    path: str | None = None
    max_age: int | None = None
    expires_at: float | None = None
    secure: bool = False
    http_only: bool = False
    same_site: str | None = None
    partitioned: bool = False

    def lifetime(self, now: float | None = None) -> float | None:
        """Seconds the cookie lives (Max-Age wins over Expires); ``None`` for a session cookie."""
        if self.max_age is not None:
            return float(self.max_age)
        if self.expires_at is not None:
            return self.expires_at - (time.time() if now is None else now)
        return None

    @property
    def deletes(self) -> bool:
        """True when the line removes the cookie instead of setting it."""
        life = self.lifetime()
        return life is not None and life <= 0


def parse_set_cookie(line: str) -> SetCookie | None:
    """Parse one header line; ``None`` when it has no ``name=value`` pair at all."""
    pair, *attrs = line.split(";")
    if "=" not in pair:
        return None
    name, value = (s.strip() for s in pair.split("=", 1))
    fields: dict[str, object] = {}
    for attr in attrs:
        key, _, val = attr.partition("=")
        key, val = key.strip().lower(), val.strip()
        if key == "domain" and val:
            fields["domain"] = val.lower().lstrip(".")
        elif key == "path":
            fields["path"] = val or "/"
        elif key == "max-age":
            # An unparsable Max-Age is ignored, as browsers do.
            with contextlib.suppress(ValueError):
                fields["max_age"] = int(val)
        elif key == "expires":
            parsed = _http_date(val)
            if parsed is not None:
                fields["expires_at"] = parsed
        elif key in ("secure", "httponly", "partitioned"):
            fields[{"httponly": "http_only"}.get(key, key)] = True
        elif key == "samesite":
            fields["same_site"] = _SAME_SITE.get(val.lower())
    return SetCookie(name=name, value=value, **fields)  # type: ignore[arg-type]


def _http_date(text: str) -> float | None:
    try:
        parsed = email.utils.parsedate_to_datetime(text)
    except (TypeError, ValueError, IndexError):
        return None
    return parsed.timestamp()


def is_secure_origin(url: str) -> bool:
    """https, or a loopback host (which Chromium treats as a secure context)."""
    parts = urlsplit(url)
    host = (parts.hostname or "").lower()
    if parts.scheme in ("https", "wss"):
        return True
    if host == "localhost" or host.endswith(".localhost"):
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def invalid_reason(cookie: SetCookie, url: str) -> str | None:
    """Why every browser rejects this cookie from ``url``, or ``None`` when it is valid."""
    host = (urlsplit(url).hostname or "").lower()
    if not cookie.name and not cookie.value:
        return "no name and no value"
    if any(ord(c) < 32 or ord(c) == 127 for c in cookie.name + cookie.value):
        return "control character in the name or value"
    if len(cookie.name) + len(cookie.value) > 4096:
        return "name and value longer than 4096 bytes"
    if cookie.domain is not None and not (
        host == cookie.domain or host.endswith("." + cookie.domain)
    ):
        return f"Domain={cookie.domain} does not match the host {host}"
    if cookie.secure and not is_secure_origin(url):
        return "Secure cookie set over an insecure connection"
    if cookie.same_site == "None" and not cookie.secure:
        return "SameSite=None without Secure"
    if cookie.partitioned and not cookie.secure:
        return "Partitioned without Secure"
    if cookie.name.startswith("__Secure-") and not cookie.secure:
        return "__Secure- prefix without Secure"
    if cookie.name.startswith("__Host-") and (
        not cookie.secure or cookie.domain is not None or cookie.path != "/"
    ):
        return "__Host- prefix needs Secure, Path=/ and no Domain"
    return None
