"""The decision logic every middleware shares: consent, Set-Cookie filtering, deletion.

Everything that depends only on the declaration is computed once, in
:class:`Enforcer`'s constructor; per request there is a dict lookup for the
consent cookie (decoded values are memoised), one for the declared cookies
the request carries, and, per ``Set-Cookie``, a dict lookup for its name.
"""

from __future__ import annotations

import logging
import os
import time
from collections.abc import Iterable
from pathlib import Path

from samtycke.consent import COOKIE_NAME, decode_consent_cookie
from samtycke.declaration import Declaration, fingerprint, load_declaration
from samtycke.declaration.models import normalize_domain
from samtycke.enforce.cookies import consent_cookie_value, cookie_names, set_cookie_name
from samtycke.enforce.deletion import deletion_headers
from samtycke.enforce.effective import NO_CONSENT, EffectiveConsent, signal_consent
from samtycke.enforce.rules import (
    LOGGER,
    UNDECLARED_MODES,
    CookieRules,
    Undeclared,
    UndeclaredLog,
    host_name,
)
from samtycke.setcookie import attribute_reason, deletion_header, domain_matches, parse_set_cookie

DeclarationSource = Declaration | str | os.PathLike[str]
_MEMO_LIMIT = 1024
_MEMO_KEY_LIMIT = 4096  # longer Cookie headers are parsed each time, not kept
# An explicit consent, and the window [not before, not after) in which it is current.
_Entry = tuple[EffectiveConsent, int, int]


class _Carried:
    """The declared cookies one Cookie header carries, and which the last consent refused."""

    __slots__ = ("last", "names")

    def __init__(self, names: tuple[str, ...]) -> None:
        self.names = names
        self.last: tuple[EffectiveConsent | None, tuple[str, ...]] = (None, ())


def as_declaration(declaration: DeclarationSource) -> Declaration:
    """A loaded declaration, reading the file when given a path."""
    if isinstance(declaration, Declaration):
        return declaration
    return load_declaration(Path(declaration))


class Enforcer:
    """Consent decisions for one declaration; shared by the ASGI and WSGI middleware.

    ``undeclared`` says what happens to a cookie the declaration does not name:
    ``"block"`` strips it (the default), ``"report"`` lets it through, and both
    log it once per name; ``"allow"`` lets it through silently.
    """

    def __init__(
        self,
        declaration: DeclarationSource,
        *,
        undeclared: Undeclared = "block",
        logger: logging.Logger = LOGGER,
    ) -> None:
        if undeclared not in UNDECLARED_MODES:
            raise ValueError(
                f"undeclared={undeclared!r} is not one of {', '.join(UNDECLARED_MODES)}"
            )
        self.declaration = as_declaration(declaration)
        site = self.declaration.site
        self.undeclared: Undeclared = undeclared
        self.rules = CookieRules(self.declaration)
        self._log = UndeclaredLog(self.declaration, logger)
        self._revision = site.revision
        self._consent_days = site.consent_days
        self._fingerprint = fingerprint(self.declaration)
        self._gpc = signal_consent(site.global_privacy_control, "gpc")
        self._dnt = signal_consent(site.do_not_track, "dnt")
        self._memo: dict[str, _Entry | None] = {}
        self._carried: dict[str, _Carried] = {}
        self._deletions: dict[tuple[tuple[str, ...], str | None, str | None], tuple[str, ...]] = {}
        self._roots = tuple(normalize_domain(d) for d in site.domains)

    def consent(
        self,
        cookie_header: str | None,
        gpc: str | None = None,
        dnt: str | None = None,
        now: float | None = None,
    ) -> EffectiveConsent:
        """The consent in force given the request's ``Cookie``, ``Sec-GPC`` and ``DNT`` headers.

        Never raises for any header values: anything unreadable is no consent.
        """
        return self.read(cookie_header, gpc, dnt, now)[0]

    def read(
        self,
        cookie_header: str | None,
        gpc: str | None = None,
        dnt: str | None = None,
        now: float | None = None,
    ) -> tuple[EffectiveConsent, tuple[str, ...]]:
        """The consent in force and the cookies of the request it refuses (to delete).

        The second item names the declared cookies the browser sent that the
        person refused — by an explicit choice or a privacy signal; with no
        decision at all nothing is refused yet. It is empty, at the cost of
        one dict lookup, for a request that carries no such cookie.
        """
        consent = self._consent(cookie_header, gpc, dnt, now)
        if consent.source == "none" or not cookie_header:
            return consent, ()
        carried = self._declared_in(cookie_header)
        if not carried.names:
            return consent, ()
        last = carried.last  # one attribute, so threads never see half an update
        if last[0] is not consent:
            refused = tuple(n for n in carried.names if not self._allows_name(n, consent))
            carried.last = last = (consent, refused)  # a visitor's next request: same answer
        return consent, last[1]

    def _consent(
        self, cookie_header: str | None, gpc: str | None, dnt: str | None, now: float | None
    ) -> EffectiveConsent:
        entry = self._entry(cookie_header)
        if entry is not None:
            effective, not_before, not_after = entry
            if not_before <= (time.time() if now is None else now) < not_after:
                return effective
        if self._gpc is not None and is_signal(gpc):
            return self._gpc
        if self._dnt is not None and is_signal(dnt):
            return self._dnt
        return NO_CONSENT

    def _entry(self, cookie_header: str | None) -> _Entry | None:
        """The explicit, current-revision consent in a Cookie header, with its validity window.

        Memoised per whole header (a visitor sends the same one again and
        again), so the common case is one dict lookup and no parsing.
        """
        if not cookie_header:
            return None
        try:
            return self._memo[cookie_header]
        except KeyError:
            pass
        entry = None
        state = decode_consent_cookie(consent_cookie_value(cookie_header))
        span = state and state.window(self._revision, self._fingerprint, self._consent_days)
        if state is not None and span and state.explicit:
            entry = (EffectiveConsent(state.categories, "cookie", state), *span)
        if len(cookie_header) <= _MEMO_KEY_LIMIT:
            if len(self._memo) >= _MEMO_LIMIT:
                self._memo.clear()  # visitors control the keys: keep the memo bounded
            self._memo[cookie_header] = entry
        return entry

    def _declared_in(self, cookie_header: str) -> _Carried:
        """The declared cookies in a Cookie header (but ours), memoised like consent."""
        try:
            return self._carried[cookie_header]
        except KeyError:
            pass
        rules = self.rules
        carried = _Carried(
            tuple(n for n in cookie_names(cookie_header) if n != COOKIE_NAME and rules.declares(n))
        )
        if len(cookie_header) <= _MEMO_KEY_LIMIT:
            if len(self._carried) >= _MEMO_LIMIT:
                self._carried.clear()
            self._carried[cookie_header] = carried
        return carried

    def _allows_name(self, name: str, consent: EffectiveConsent) -> bool:
        rule = self.rules.lookup(name)
        return (
            rule is None
            or rule.category == "necessary"
            or consent.allows_service(rule.service, rule.category)
        )

    def deletions(
        self, refused: Iterable[str], host: str | None = None, path: str | None = "/"
    ) -> tuple[str, ...]:
        """``Set-Cookie`` values deleting the ``refused`` cookies of :meth:`read`.

        One per scope such a cookie can have on this request: host-only and
        each parent of ``host`` inside the declared domains, on ``/`` and the
        ancestors of ``path``.
        """
        key = (tuple(refused), host, path)
        try:
            return self._deletions[key]
        except KeyError:
            pass
        hostname = host_name(host)
        hostname = hostname.lower() if hostname else None
        out: list[str] = []
        for name in key[0]:
            rule = self.rules.lookup(name, "", host)
            roots = self._roots + (rule.domains if rule is not None else ())
            out.extend(deletion_headers(name, hostname, path, roots))
        # Visitors who withdrew share hosts and landing pages: the same answer
        # serves many of them. Bounded, as visitors choose the paths.
        if len(self._deletions) >= _MEMO_LIMIT:
            self._deletions.clear()
        self._deletions[key] = answer = tuple(out)
        return answer

    def outgoing(
        self, header: str, consent: EffectiveConsent, host: str | None = None
    ) -> str | None:
        """The ``Set-Cookie`` value to send for ``header`` under ``consent``; ``None`` strips it.

        The consent cookie itself and necessary and consented cookies pass as
        they are. A refused (or, in ``block`` mode, undeclared) cookie is
        stripped — unless the header deletes it as Chromium reads it: that is
        how apps honour a withdrawal, and the deletion then goes out in a form
        every browser reads as one (the header's own Domain and Path,
        ``Max-Age=0`` and a 1970 ``Expires``), so no browser that reads the
        original more strictly than Chromium is left holding the cookie.
        """
        name = set_cookie_name(header)
        if name == COOKIE_NAME:
            return header
        rule = self.rules.lookup(name, header, host)
        if rule is None:
            self._log.note(name, self.undeclared, header, host)
            if self.undeclared != "block":
                return header
        elif rule.category == "necessary" or consent.allows_service(rule.service, rule.category):
            return header
        return _as_deletion(header, host)

    def allows_set_cookie(
        self, header: str, consent: EffectiveConsent, host: str | None = None
    ) -> bool:
        """True when a ``Set-Cookie`` header value may reach the browser (see :meth:`outgoing`)."""
        return self.outgoing(header, consent, host) is not None

    def filter_set_cookies(
        self, headers: Iterable[str], consent: EffectiveConsent, host: str | None = None
    ) -> list[str]:
        """The ``Set-Cookie`` values to send for ``headers``, in order (see :meth:`outgoing`)."""
        out = []
        for header in headers:
            sent = self.outgoing(header, consent, host)
            if sent is not None:
                out.append(sent)
        return out


def is_signal(value: str | None) -> bool:
    """True for a ``Sec-GPC``/``DNT`` header that says ``1`` and nothing else.

    Only HTTP's optional white space (spaces, tabs) around it is allowed —
    not ``\xa0`` or ``\x85``, which Python's ``str.strip()`` would also remove.
    """
    return value is not None and value.strip(" \t") == "1"


def _as_deletion(header: str, host: str | None) -> str | None:
    """The canonical form of a header Chromium reads as a deletion, else ``None``."""
    lower = header.lower()
    if "max-age" not in lower and "expires" not in lower:
        return None  # no lifetime at all: it sets a session cookie, no need to parse
    cookie = parse_set_cookie(header)
    if not cookie.deletes or attribute_reason(cookie) is not None:
        return None
    hostname = host_name(host)
    if hostname and not domain_matches(cookie.domain, hostname.lower()):
        return None  # refused by the browser: it deletes nothing
    return deletion_header(
        cookie.name,
        cookie.domain,
        cookie.path,
        secure=cookie.secure,
        partitioned=cookie.partitioned,
    )
