"""The decision logic both middlewares share: effective consent and Set-Cookie filtering.

Everything that depends only on the declaration is computed once, in
:class:`Enforcer`'s constructor; per request there is a dict lookup for the
consent cookie (decoded values are memoised) and, per ``Set-Cookie``, a dict
lookup for its name.
"""

from __future__ import annotations

import logging
import os
import time
from collections.abc import Iterable
from pathlib import Path

from samtycke.consent import COOKIE_NAME, decode_consent_cookie
from samtycke.declaration import Declaration, fingerprint, load_declaration
from samtycke.enforce.cookies import (
    consent_cookie_value,
    is_deletion,
    set_cookie_attributes,
    set_cookie_domain,
    set_cookie_name,
)
from samtycke.enforce.effective import NO_CONSENT, EffectiveConsent, signal_consent
from samtycke.enforce.rules import (
    LOGGER,
    UNDECLARED_MODES,
    CookieRules,
    Undeclared,
    UndeclaredLog,
)

DeclarationSource = Declaration | str | os.PathLike[str]
_MEMO_LIMIT = 1024
_MEMO_KEY_LIMIT = 4096  # longer Cookie headers are parsed each time, not kept
# An explicit consent, and the window [not before, not after) in which it is current.
_Entry = tuple[EffectiveConsent, int, int]


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
        entry = self._entry(cookie_header)
        if entry is not None:
            effective, not_before, not_after = entry
            if not_before <= (time.time() if now is None else now) < not_after:
                return effective
        if self._gpc is not None and gpc is not None and gpc.strip() == "1":
            return self._gpc
        if self._dnt is not None and dnt is not None and dnt.strip() == "1":
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

    def allows_set_cookie(
        self, header: str, consent: EffectiveConsent, host: str | None = None
    ) -> bool:
        """True when a ``Set-Cookie`` header value may reach the browser under ``consent``.

        The consent cookie itself and necessary cookies always pass, and so
        does any header that deletes a cookie (that is how apps honour a
        withdrawal).
        """
        name = set_cookie_name(header)
        if name == COOKIE_NAME:
            return True
        rule = self.rules.lookup(name, header, host)
        if rule is None:
            attrs = set_cookie_attributes(header)
            self._log.note(name, self.undeclared, set_cookie_domain(attrs) or host)
            return self.undeclared != "block" or is_deletion(attrs)
        if rule.category == "necessary" or consent.allows_service(rule.service, rule.category):
            return True
        return is_deletion(set_cookie_attributes(header))

    def filter_set_cookies(
        self, headers: Iterable[str], consent: EffectiveConsent, host: str | None = None
    ) -> list[str]:
        """The ``Set-Cookie`` values of ``headers`` that may pass, in order."""
        return [h for h in headers if self.allows_set_cookie(h, consent, host)]
