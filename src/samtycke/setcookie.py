"""The package's one ``Set-Cookie`` parser: RFC 6265bis §5.6 as Chromium applies it.

Enforcement (which header deletes a cookie) and the scanner (which cookie a
site really sets, and for how long) both read headers here, so they cannot
disagree. Where the RFC and Chromium differ, Chromium's reading is the one
kept, because it is the one a visitor's browser acts on (each point is
checked against a real Chromium in ``tests/enforce/test_enforce_chromium.py``):

- the *last* ``Max-Age`` / ``Expires`` attribute counts even when its value is
  unreadable (the RFC would fall back to an earlier, valid one);
- ``Max-Age`` is ``[+-]?DIGITS`` and nothing else: no ``_``, no Unicode
  digits or spaces (Python's ``int()`` accepts all three); beyond 64 bits it
  saturates; anything else means "no Max-Age" and ``Expires`` decides;
- in a cookie date every number is plain ASCII digits with nothing after it,
  a year has 1 to 5 digits (0–69 → 2000+, 70–99 → 1900+), and a year before
  1601 is clamped to the earliest date (so it deletes).
"""

from __future__ import annotations

import calendar
import ipaddress
import re
import time
from dataclasses import dataclass
from urllib.parse import urlsplit

WSP = " \t"
MAX_NAME_VALUE = 4096  # bytes of name + value; longer lines are ignored
MAX_ATTRIBUTE_VALUE = 1024  # bytes; a longer attribute is ignored
DELETED_EXPIRES = "Thu, 01 Jan 1970 00:00:00 GMT"
_INT64 = 2**63 - 1
_CTL = re.compile(r"[\x00-\x08\x0a-\x1f\x7f]")  # every control character but HTAB
_MAX_AGE = re.compile(r"([+-]?)([0-9]+)")
_LEADING_INT = re.compile(r"[+-]?[0-9]+")
_DATE_DELIMITER = re.compile(r"[\x09\x20-\x2f\x3b-\x40\x5b-\x60\x7b-\x7e]+")
_DIGITS = re.compile(r"[0-9]+")
_MONTHS = ("jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec")
_SAME_SITE = {"strict": "Strict", "lax": "Lax", "none": "None"}
_ATTRIBUTES = frozenset(
    {"expires", "max-age", "domain", "path", "secure", "httponly", "samesite", "partitioned"}
)
_EARLIEST = float(calendar.timegm((1601, 1, 1, 0, 0, 0)))
_LATEST = float(calendar.timegm((9999, 12, 31, 23, 59, 59)))


@dataclass(frozen=True, slots=True)
class SetCookie:
    """One parsed ``Set-Cookie`` line.

    ``domain`` is lower-case without its leading dot (``None``: host-only);
    ``path`` is the ``Path`` attribute when browsers keep it (starts with
    ``/``; ``None``: the default path of the request). ``ignored`` says why
    every browser drops the whole line, whatever the URL (``None``: it does not).
    """

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
    ignored: str | None = None

    def lifetime(self, now: float | None = None) -> float | None:
        """Seconds the cookie lives (Max-Age wins over Expires); ``None`` for a session cookie."""
        if self.max_age is not None:
            return float(self.max_age)
        if self.expires_at is not None:
            return self.expires_at - (time.time() if now is None else now)
        return None

    def deletes_at(self, now: float | None = None) -> bool:
        """True when a browser reads the line as removing the cookie, at time ``now``.

        A line the browser refuses whatever the URL (see :func:`attribute_reason`)
        removes nothing.
        """
        if attribute_reason(self) is not None:
            return False
        life = self.lifetime(now)
        return life is not None and life <= 0

    @property
    def deletes(self) -> bool:
        """True when a browser reads the line as removing the cookie instead of setting it."""
        return self.deletes_at()


def parse_set_cookie(line: str) -> SetCookie:
    """Parse one header value (never raises; see :attr:`SetCookie.ignored`)."""
    pair, _, rest = line.partition(";")
    name, eq, value = pair.partition("=")
    if not eq:
        name, value = "", pair  # a pair without "=" is a nameless cookie
    name, value = name.strip(WSP), value.strip(WSP)
    ignored = None
    if _CTL.search(line):
        ignored = "control character in the header"
    elif "\t" in name or "\t" in value:
        ignored = "tab inside the name or value"
    elif not name and not value:
        ignored = "no name and no value"
    elif len(name) + len(value) > MAX_NAME_VALUE:
        ignored = f"name and value longer than {MAX_NAME_VALUE} bytes"
    attrs: dict[str, str] = {}
    for part in rest.split(";") if rest else ():
        key, _, val = part.partition("=")
        key, val = key.strip(WSP).lower(), val.strip(WSP)
        if key in _ATTRIBUTES and len(val) <= MAX_ATTRIBUTE_VALUE:
            attrs[key] = val  # the last one counts, readable or not
    domain = attrs.get("domain", "").lstrip(".").lower() or None
    path = attrs.get("path")
    same_site = attrs.get("samesite")
    return SetCookie(
        name=name,
        value=value,
        domain=domain,
        path=path if path and path.startswith("/") else None,
        max_age=parse_max_age(attrs["max-age"]) if "max-age" in attrs else None,
        expires_at=parse_cookie_date(attrs["expires"]) if "expires" in attrs else None,
        secure="secure" in attrs,
        http_only="httponly" in attrs,
        same_site=None if same_site is None else _SAME_SITE.get(same_site.lower()),
        partitioned="partitioned" in attrs,
        ignored=ignored,
    )


def parse_max_age(text: str) -> int | None:
    """Seconds of a ``Max-Age`` value, or ``None`` when browsers ignore it.

    Only ASCII ``[+-]?DIGITS`` counts. A number beyond 64 bits saturates — also
    when junk follows it, as in Chromium's integer parser, which stops there.
    """
    match = _MAX_AGE.fullmatch(text)
    if match is None:
        lead = _LEADING_INT.match(text)
        if lead is None or abs(int(lead.group())) <= _INT64:
            return None
        return -_INT64 if lead.group().startswith("-") else _INT64
    number = int(match.group(2))
    if number > _INT64:
        number = _INT64
    return -number if match.group(1) == "-" else number


def parse_cookie_date(text: str) -> float | None:
    """Unix seconds of a cookie date (RFC 6265bis §5.6.1), or ``None`` when it is unreadable."""
    day = month = year = None
    clock: tuple[int, int, int] | None = None
    for token in _DATE_DELIMITER.split(text):
        if not token:
            continue
        if not token[0].isascii() or not token[0].isdigit():
            if month is None and token[:3].lower() in _MONTHS:
                month = _MONTHS.index(token[:3].lower()) + 1
        elif ":" in token:
            fields = token.split(":")
            if clock is None and len(fields) == 3 and all(_DIGITS.fullmatch(f) for f in fields):
                clock = (int(fields[0]), int(fields[1]), int(fields[2]))
        elif _DIGITS.fullmatch(token) is None:
            continue  # "1st", "2000x": no field at all
        elif day is None and len(token) <= 2:
            day = int(token)
        elif year is None and len(token) <= 5:
            year = int(token)
    if day is None or month is None or year is None or clock is None:
        return None
    if year <= 69:
        year += 2000
    elif year <= 99:
        year += 1900
    hour, minute, second = clock
    if hour > 23 or minute > 59 or second > 59 or not 1 <= day <= 31:
        return None
    if year < 1601:
        return _EARLIEST
    if year > 9999:
        return _LATEST
    if day > calendar.monthrange(year, month)[1]:
        return None
    return float(calendar.timegm((year, month, day, hour, minute, second)))


def deletion_header(
    name: str,
    domain: str | None = None,
    path: str | None = "/",
    *,
    secure: bool = False,
    partitioned: bool = False,
) -> str:
    """A ``Set-Cookie`` value every browser reads as deleting ``name`` at that Domain and Path.

    ``Max-Age=0`` and an ``Expires`` in 1970 both say it, for browsers that
    know only one of them; ``__Secure-``/``__Host-`` names get ``Secure``.
    """
    parts = [f"{name}=", "Max-Age=0", f"Expires={DELETED_EXPIRES}"]
    if domain:
        parts.append(f"Domain={domain}")
    if path:
        parts.append(f"Path={path}")
    if secure or partitioned or has_secure_prefix(name):
        parts.append("Secure")
    if partitioned:
        parts.append("Partitioned")
    return "; ".join(parts)


def has_secure_prefix(name: str) -> bool:
    """True for a ``__Secure-`` or ``__Host-`` name (browsers compare them case-insensitively)."""
    lower = name[:9].lower()
    return lower.startswith("__secure-") or lower.startswith("__host-")


def attribute_reason(cookie: SetCookie) -> str | None:
    """Why every browser refuses the cookie from its attributes alone, whatever the URL."""
    if cookie.ignored is not None:
        return cookie.ignored
    if cookie.same_site == "None" and not cookie.secure:
        return "SameSite=None without Secure"
    if cookie.partitioned and not cookie.secure:
        return "Partitioned without Secure"
    lower = cookie.name.lower()
    if lower.startswith("__secure-") and not cookie.secure:
        return "__Secure- prefix without Secure"
    if lower.startswith("__host-") and (
        not cookie.secure or cookie.domain is not None or cookie.path != "/"
    ):
        return "__Host- prefix needs Secure, Path=/ and no Domain"
    return None


def domain_matches(domain: str | None, host: str) -> bool:
    """True when a cookie with ``Domain=domain`` may be set by ``host`` (a host-only one always)."""
    return domain is None or host == domain or host.endswith("." + domain)


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
    if cookie.ignored is not None:
        return cookie.ignored
    host = (urlsplit(url).hostname or "").lower()
    if not domain_matches(cookie.domain, host):
        return f"Domain={cookie.domain} does not match the host {host}"
    if cookie.secure and not is_secure_origin(url):
        return "Secure cookie set over an insecure connection"
    return attribute_reason(cookie)
