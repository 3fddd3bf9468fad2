"""Django adapter: middleware, typed settings and the script tag the template tag renders.

Settings, all in one dict::

    SAMTYCKE = {
        "DECLARATION": BASE_DIR / "samtycke.toml",   # required
        "DB": "sqlite:///samtycke-ledger.db",        # the consent ledger (or postgresql://…)
        "UNDECLARED": "block",                       # or "allow", "report"
        "BANNER_SRC": None,                          # default: samtycke's own URL (see below)
        "INJECT": False,                             # insert the script into HTML responses
    }

Add ``"samtycke.contrib.django.ConsentMiddleware"`` to ``MIDDLEWARE`` (before
anything that sets cookies, i.e. near the top), ``"samtycke.contrib.django_app"``
to ``INSTALLED_APPS`` (``{% load samtycke %}`` and the system checks) and
``path("samtycke/", include("samtycke.contrib.django_app.urls"))`` to the URLs:
the banner, the consent endpoint writing to the ledger and the policy pages.
"""

from __future__ import annotations

import contextlib
import os
from collections.abc import Callable, Container, Iterable, Iterator
from dataclasses import dataclass
from functools import lru_cache
from http.cookies import CookieError, Morsel
from pathlib import Path
from typing import Any, cast

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.core.signals import setting_changed
from django.http import HttpRequest, HttpResponseBase

from samtycke.contrib.inprocess import DEFAULT_DB, ConsentService
from samtycke.contrib.settings import SettingError, as_bool, unknown_keys
from samtycke.enforce.effective import EffectiveConsent
from samtycke.enforce.enforcer import Enforcer
from samtycke.enforce.inject import HtmlInjector, csp_nonce, is_injectable, script_tag
from samtycke.enforce.rules import UNDECLARED_MODES, Undeclared

_KEYS = ("DECLARATION", "DB", "UNDECLARED", "BANNER_SRC", "INJECT")


@dataclass(frozen=True)
class SamtyckeSettings:
    """``settings.SAMTYCKE``, checked once."""

    declaration: Path
    undeclared: Undeclared = "block"
    banner_src: str | None = None
    inject: bool = False
    db: str = DEFAULT_DB

    @classmethod
    def from_dict(cls, raw: object) -> SamtyckeSettings:
        """Validate the ``SAMTYCKE`` dict; ``ImproperlyConfigured`` names the bad key."""
        if not isinstance(raw, dict):
            raise ImproperlyConfigured(
                "settings.SAMTYCKE must be a dict with at least DECLARATION (the samtycke.toml path)"
            )
        unknown = unknown_keys(raw, _KEYS, "settings.SAMTYCKE")
        if unknown:
            raise ImproperlyConfigured(unknown)
        decl = raw.get("DECLARATION")
        if not isinstance(decl, str | os.PathLike):
            raise ImproperlyConfigured(
                f"settings.SAMTYCKE['DECLARATION'] has value {decl!r}; give the samtycke.toml path"
            )
        undeclared = raw.get("UNDECLARED", "block")
        if undeclared not in UNDECLARED_MODES:
            raise ImproperlyConfigured(
                f"settings.SAMTYCKE['UNDECLARED'] has value {undeclared!r}; "
                f"use one of {', '.join(UNDECLARED_MODES)}"
            )
        src = raw.get("BANNER_SRC")
        if src is not None and not isinstance(src, str):
            raise ImproperlyConfigured(
                f"settings.SAMTYCKE['BANNER_SRC'] has value {src!r}; give a URL or None"
            )
        try:
            inject = as_bool(raw.get("INJECT", False), "settings.SAMTYCKE['INJECT']")
        except SettingError as exc:
            raise ImproperlyConfigured(str(exc)) from None
        db = raw.get("DB", DEFAULT_DB)
        if not isinstance(db, str) or not db.startswith(("sqlite:///", "postgresql")):
            raise ImproperlyConfigured(
                f"settings.SAMTYCKE['DB'] has value {db!r}; "
                "give sqlite:///FILE or postgresql://USER@HOST/DB"
            )
        return cls(Path(decl), cast(Undeclared, undeclared), src, inject, db)


@lru_cache(maxsize=1)
def samtycke_settings() -> SamtyckeSettings:
    """The project's samtycke settings (re-read when a test overrides ``SAMTYCKE``)."""
    return SamtyckeSettings.from_dict(getattr(settings, "SAMTYCKE", None))


@lru_cache(maxsize=1)
def enforcer() -> Enforcer:
    """The one :class:`Enforcer` for the configured declaration."""
    conf = samtycke_settings()
    return Enforcer(conf.declaration, undeclared=conf.undeclared)


@lru_cache(maxsize=1)
def consent_service() -> ConsentService:
    """The app's consent endpoint, ledger and policy pages (started on first use)."""
    conf = samtycke_settings()
    return ConsentService(conf.declaration, db=conf.db)


def _reset(*, setting: str, **kwargs: Any) -> None:
    if setting == "SAMTYCKE":
        if consent_service.cache_info().currsize:
            consent_service().stop()
        samtycke_settings.cache_clear()
        enforcer.cache_clear()
        consent_service.cache_clear()


setting_changed.connect(_reset)


def banner_src() -> str:
    """The URL of ``samtycke.js``: ``BANNER_SRC``, else samtycke's included URLs.

    Without ``include("samtycke.contrib.django_app.urls")`` it falls back to the
    static file ``samtycke/samtycke.js`` (which ``samtycke build`` writes).
    """
    src = samtycke_settings().banner_src
    if src is not None:
        return src
    from django.urls import NoReverseMatch, reverse

    try:
        return str(reverse("samtycke:asset", kwargs={"rest": "samtycke.js"}))
    except NoReverseMatch:
        from django.templatetags.static import static

        return str(static("samtycke/samtycke.js"))


def request_nonce(request: HttpRequest | None) -> str | None:
    """The CSP nonce django-csp (or a similar middleware) put on the request, if any."""
    nonce = getattr(request, "csp_nonce", None)
    return str(nonce) if nonce else None


class ConsentMiddleware:
    """Sets ``request.consent`` and strips cookies the person has not agreed to."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponseBase]) -> None:
        self.get_response = get_response
        self.settings = samtycke_settings()
        self.enforcer = enforcer()

    def __call__(self, request: HttpRequest) -> HttpResponseBase:
        meta = request.META
        consent, refused = self.enforcer.read(
            meta.get("HTTP_COOKIE"), meta.get("HTTP_SEC_GPC"), meta.get("HTTP_DNT")
        )
        request.consent = consent  # Django's documented way to hang data on a request
        response = self.get_response(request)
        host = meta.get("HTTP_HOST")
        self.filter_cookies(response, consent, host)
        if refused:
            self.add_deletions(response, self.enforcer.deletions(refused, host, request.path))
        if self.settings.inject and request.method != "HEAD":
            self.insert_script(response, request)
        return response

    def filter_cookies(
        self, response: HttpResponseBase, consent: EffectiveConsent, host: str | None
    ) -> None:
        """Strip the refused cookies from ``response.cookies`` and a raw ``Set-Cookie`` header.

        A view may bypass ``set_cookie()`` with ``response["Set-Cookie"] = …``
        (Django sends that header as it is, next to the cookies), so that one
        is read by the same rules.
        """
        outgoing = self.enforcer.outgoing
        for key, morsel in list(response.cookies.items()):
            header = morsel.OutputString()
            sent = outgoing(header, consent, host)
            if sent is None:
                del response.cookies[key]
            elif sent is not header:
                response.cookies[key] = HeaderMorsel(morsel.key, sent)
        raw = response.headers.get("Set-Cookie")
        if raw is not None:
            sent = outgoing(raw, consent, host)
            if sent is None:
                del response.headers["Set-Cookie"]
            elif sent is not raw:
                response.headers["Set-Cookie"] = sent

    def add_deletions(self, response: HttpResponseBase, headers: Iterable[str]) -> None:
        """Add deletion ``Set-Cookie`` values, several per name (keys only need to be unique)."""
        for i, header in enumerate(headers):
            name = header.partition("=")[0]
            # A space cannot be in a name set_cookie() accepts: no clash with the app's keys.
            response.cookies[f"{name} {i}"] = HeaderMorsel(name, header)

    def insert_script(self, response: HttpResponseBase, request: HttpRequest) -> None:
        """Insert the banner script into an HTML response, streamed or not."""
        if not is_injectable(response.get("Content-Type"), response.get("Content-Encoding")):
            return
        # Django keeps one value per header; a CSP middleware running after this
        # one has not set it yet, so fall back to the nonce on the request.
        policy = response.get("Content-Security-Policy")
        nonce = csp_nonce([policy] if policy else []) or request_nonce(request)
        injector = HtmlInjector(script_tag(banner_src(), nonce))
        if getattr(response, "streaming", False):
            body = cast(Iterator[bytes], response.streaming_content)
            response.streaming_content = _injected(body, injector)
            if response.has_header("Content-Length"):
                del response["Content-Length"]
            return
        content: bytes = response.content
        response.content = injector.feed(content) + injector.finish()
        if response.has_header("Content-Length"):
            response["Content-Length"] = str(len(response.content))


class HeaderMorsel(Morsel[str]):
    """A cookie whose ``Set-Cookie`` value is already written.

    Django emits one header per entry of ``response.cookies`` from
    ``OutputString()``; a ready value lets the middleware send the canonical
    deletions, several for one name (host-only, each parent domain, …).
    """

    def __init__(self, name: str, header: str) -> None:
        super().__init__()
        self.header = header
        # Key and value for readers such as the test client's cookie jar; a name
        # Morsel refuses still goes out as written.
        with contextlib.suppress(CookieError):
            self.set(name, "", "")

    def OutputString(self, attrs: Container[str] | None = None) -> str:
        """The ready ``Set-Cookie`` value."""
        return self.header


def _injected(body: Iterator[bytes], injector: HtmlInjector) -> Iterator[bytes]:
    for chunk in body:
        yield injector.feed(chunk)
    yield injector.finish()
