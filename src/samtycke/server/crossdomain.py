"""One decision across a site's domains: a first-party handshake through the consent server.

Browsers partition third-party storage, so a cookie the consent server sets
from inside ``help.example.net`` is not the one it set from ``example.com``.
A top-level navigation is first-party, though: on a domain with no decision
yet, the banner sends the browser to ``/v1/xd/{site}/lookup``, where the
server's own cookie (``samtycke_xd``, a consent id) is readable, and is sent
straight back with that consent id in the URL fragment, bound to a random
nonce the banner keeps in session storage (so no one can plant their own id
through a crafted link). The banner then asks ``/v1/xd/{site}/state/{id}``
for the latest decision under that id, on every page of every shared domain,
so a withdrawal on one domain applies on all of them. Each decision is still
recorded with the page (and so the domain) it was made on.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import urlunsplit

from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import JSONResponse, RedirectResponse, Response
from starlette.routing import BaseRoute, Route

from samtycke import ids
from samtycke.contract import COOKIE_FINGERPRINT_DIGITS
from samtycke.errors import LedgerError
from samtycke.ledger import Ledger, Record
from samtycke.redirects import safe_redirect
from samtycke.server.consents import state_of
from samtycke.server.errors import ApiError, ledger_bound
from samtycke.server.sites import Site

COOKIE = "samtycke_xd"
FRAGMENT = "samtycke-xd"
_NO_STORE = {"Cache-Control": "no-store", "Referrer-Policy": "no-referrer"}


def shared_site(request: Request) -> Site:
    """The site in the path, when it shares consent across domains (404 otherwise)."""
    site = state_of(request).sites.get(request.path_params["site"])
    if site is None or not site.decl.shared_consent:
        raise ApiError(404, "this site shares no consent across domains", "site")
    return site


def return_url(site: Site, raw: str | None) -> str:
    """``raw`` when it is an http(s) page on a shared domain; else 400 (no open redirect)."""
    parts = safe_redirect(raw or "")
    host = (parts.hostname or "").rstrip(".") if parts else ""
    if parts is None or not any(
        host == d or host.endswith("." + d) for d in site.decl.shared_consent
    ):
        raise ApiError(
            400, "return must be a page on one of the domains that share consent", "return"
        )
    return urlunsplit((parts.scheme, parts.netloc, parts.path, parts.query, ""))


async def lookup(request: Request) -> Response:
    """``GET /v1/xd/{site}/lookup?return=URL&nonce=N``: back to URL with this browser's id."""
    site = shared_site(request)
    back = return_url(site, request.query_params.get("return"))
    nonce = request.query_params.get("nonce")
    if not ids.is_hex32(nonce):
        raise ApiError(400, "nonce must be 32 lower-case hex digits", "nonce")
    known = request.cookies.get(COOKIE, "")
    consent_id = known if ids.is_hex32(known) else ids.new_id()
    response = RedirectResponse(f"{back}#{FRAGMENT}={consent_id}.{nonce}", 303, _NO_STORE)
    response.set_cookie(
        COOKIE,
        consent_id,
        max_age=site.decl.site.consent_days * 86400,
        path="/v1/xd",
        secure=request.url.scheme == "https",
        httponly=True,
        samesite="lax",
    )
    return response


def latest(ledger: Ledger, site: str, consent_id: str) -> Record | None:
    """The latest banner decision of ``consent_id`` on ``site`` (e-mail choices aside)."""
    found = None
    for rec in ledger.history(consent_id):
        if rec.decision.site == site and not any(
            k.startswith("email-") for k in rec.decision.choices
        ):
            found = rec
    return found


async def shared_state(request: Request) -> Response:
    """``GET /v1/xd/{site}/state/{consent_id}``: the latest decision under that id, or null."""
    site = shared_site(request)
    cid = request.path_params["consent_id"]
    if not ids.is_hex32(cid):
        raise ApiError(422, "consent_id must be 32 lower-case hex digits", "consent_id")
    st = state_of(request)
    if st.ledger is None:
        raise ApiError(503, "the ledger is not open yet")
    try:
        rec = await ledger_bound(run_in_threadpool(latest, st.ledger, site.id, cid), "try again")
    except LedgerError as exc:
        raise ApiError(503, f"the ledger is unavailable ({exc})") from None
    consent: dict[str, Any] | None = None
    if rec is not None:
        d = rec.decision
        consent = {
            "revision": d.revision,
            # As the consent cookie carries it, so the banner's validity rule applies.
            "fingerprint": d.fingerprint[:COOKIE_FINGERPRINT_DIGITS],
            "method": d.method,
            "categories": sorted(k for k, v in d.choices.items() if v),
            "refused_services": list(d.refused_services),
            "timestamp": rec.recorded_us // 1_000_000,
        }
    return JSONResponse({"consent_id": cid, "consent": consent}, headers=_NO_STORE)


def crossdomain_routes() -> list[BaseRoute]:
    """The handshake's two routes."""
    return [
        Route("/v1/xd/{site}/lookup", lookup, methods=["GET"]),
        Route("/v1/xd/{site}/state/{consent_id}", shared_state, methods=["GET"]),
    ]
