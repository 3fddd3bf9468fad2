"""The mail endpoints of the consent server: open pixel, click redirect, preference page.

The pixel always answers a 1×1 GIF and the click always redirects to its
signed target; each records something only when the recipient consents at the
moment of the fetch (or the declared exemption allows it). The preference page
writes the recipient's choice into the same chain through the server's group
writer, and the change applies to the next fetch at once. Every database call
runs in the thread pool, never on the event loop.
"""

from __future__ import annotations

import asyncio
import datetime as dt
from urllib.parse import parse_qs

from sqlalchemy import Engine
from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import HTMLResponse, RedirectResponse, Response
from starlette.routing import BaseRoute, Route

from samtycke import locales
from samtycke.errors import LedgerError
from samtycke.ids import new_id
from samtycke.ledger import Ledger
from samtycke.mail.choices import ChoiceCache, MailChoice, choice_decision, store_snapshot
from samtycke.mail.counters import count, note_last_open
from samtycke.mail.keys import MailKey
from samtycke.mail.page import HEADERS, message_page, preference_page
from samtycke.mail.tokens import Token, is_safe_target, verify
from samtycke.server.consents import check_rate, read_body, state_of
from samtycke.server.errors import LEDGER_SECONDS, ApiError, ledger_bound
from samtycke.server.pages import negotiate
from samtycke.server.sites import Site

# The smallest transparent GIF: 1×1, one colour, fully transparent.
GIF = bytes.fromhex(
    "47494638396101000100800000000000ffffff21f90401000000002c00000000010001000002024401003b"
)
FORM_LIMIT = 2048
_NO_STORE = {"Cache-Control": "no-store, private", "Referrer-Policy": "no-referrer"}


class MailService:
    """The mail endpoints of one server process, with its key and choice cache."""

    def __init__(self, key: MailKey, sites: dict[str, Site], cache_seconds: float = 1.0) -> None:
        self.key = key
        self.sites = {sid: s for sid, s in sites.items() if s.decl.email is not None}
        self.cache_seconds = cache_seconds
        self._cache: ChoiceCache | None = None
        self._engine: Engine | None = None
        self._fingerprints: dict[str, str] = {}

    def open(self, ledger: Ledger) -> None:
        """At startup, once the ledger is open: store each site's e-mail snapshot, make the cache."""
        self._engine = ledger.engine
        for sid, site in self.sites.items():
            self._fingerprints[sid] = store_snapshot(ledger, site.decl)
        self._cache = ChoiceCache(ledger, self.cache_seconds)

    def routes(self) -> list[BaseRoute]:
        """The routes to mount in the server."""
        return [
            Route("/v1/mail/o/{token}", self.pixel, methods=["GET"]),
            Route("/v1/mail/c/{token}", self.click, methods=["GET"]),
            Route("/v1/mail/p/{token}", self.preferences, methods=["GET", "POST"]),
        ]

    @property
    def cache(self) -> ChoiceCache:
        """The choice cache (503 before startup finished)."""
        if self._cache is None:
            raise ApiError(503, "the mail endpoints are starting; try again shortly")
        return self._cache

    # -- pixel and click --------------------------------------------------
    async def pixel(self, request: Request) -> Response:
        """``GET /v1/mail/o/{token}.gif``: a GIF whatever happens; counts only with consent."""
        token = verify(self.key, request.path_params["token"].removesuffix(".gif"), "open")
        if token is not None:
            await self._noted(token)
        return Response(GIF, media_type="image/gif", headers=_NO_STORE)

    async def click(self, request: Request) -> Response:
        """``GET /v1/mail/c/{token}``: redirect to the signed target; counts only with consent."""
        token = verify(self.key, request.path_params["token"], "click")
        if token is None or token.target is None or not is_safe_target(token.target):
            lang = self._reader_language(request)
            return HTMLResponse(message_page(lang, "link_broken"), 400, HEADERS)
        await self._noted(token)
        return RedirectResponse(token.target, 302, _NO_STORE)

    async def _noted(self, token: Token) -> None:
        # The recipient waits for the image or the redirect, never longer than
        # a ledger call may take: a stuck database costs a count, not the answer.
        try:
            await asyncio.wait_for(run_in_threadpool(self._note, token), LEDGER_SECONDS)
        except TimeoutError:
            return

    def _note(self, token: Token) -> None:
        # Runs in the thread pool. A database failure loses one count, never the
        # image or the redirect the recipient is waiting for.
        site = self.sites.get(token.site)
        email = site.decl.email if site else None
        tracking = email.kind(token.kind) if email else None
        engine, cache = self._engine, self._cache
        if tracking is None or token.campaign is None or cache is None or engine is None:
            return
        try:
            choice = cache.get(token.site, token.recipient)
            allowed = choice.opens if token.kind == "open" else choice.clicks
            if allowed or tracking.exemption == "security":
                count(engine, token.site, token.campaign, token.kind)
            elif tracking.exemption == "deliverability":
                day = dt.datetime.now(dt.UTC).date().isoformat()
                note_last_open(engine, token.site, token.recipient, day)
        except LedgerError:
            return

    # -- preference page --------------------------------------------------
    async def preferences(self, request: Request) -> Response:
        """``GET|POST /v1/mail/p/{token}``: show, save or withdraw a recipient's choice."""
        token = verify(self.key, request.path_params["token"], "prefs")
        site = self.sites.get(token.site) if token else None
        if token is None or site is None or site.decl.email is None:
            lang = self._reader_language(request)
            return HTMLResponse(message_page(lang, "prefs_invalid"), 404, HEADERS)
        langs = site.decl.site.languages
        lang = token.language if token.language in langs else site.decl.site.default_language
        if request.method == "POST":
            return await self._save(request, token, site, lang)
        choice = await ledger_bound(
            run_in_threadpool(self.cache.get, token.site, token.recipient), "try again"
        )
        notice = request.query_params.get("done")
        html = preference_page(site.decl.site.name, lang, site.decl.email, choice, notice)
        return HTMLResponse(html, 200, HEADERS)

    async def _save(self, request: Request, token: Token, site: Site, lang: str) -> Response:
        st = state_of(request)
        check_rate(st, request.client.host if request.client else None)
        form = parse_qs((await read_body(request, FORM_LIMIT)).decode("utf-8", "replace"))
        action = form.get("action", [""])[0]
        # RFC 8058 one-click unsubscribe posts "List-Unsubscribe=One-Click".
        if action == "withdraw" or form.get("List-Unsubscribe") == ["One-Click"]:
            opens = clicks = False
            method, notice = "withdraw", "withdrawn"
        elif action == "save":
            opens, clicks = form.get("open") == ["on"], form.get("click") == ["on"]
            method, notice = "custom", "saved"
        else:
            raise ApiError(422, "action must be withdraw or save", "action")
        decision = choice_decision(
            site.decl,
            token.recipient,
            opens=opens,
            clicks=clicks,
            method=method,
            source="settings",
            language=lang,
            fingerprint=self._fingerprints.get(site.id),
            record_id=new_id(),
        )
        if st.writer is None:
            raise ApiError(503, "the ledger is not open yet; nothing was stored")
        done = await ledger_bound(
            st.writer.submit(decision), "your choice may not be saved: try again"
        )
        rec = done.record
        c = rec.decision.choices
        self.cache.put(
            token.site,
            token.recipient,
            MailChoice(
                bool(c.get("email-open")), bool(c.get("email-click")), rec.decision.record_id
            ),
        )
        return RedirectResponse(f"{request.url.path}?done={notice}", 303, dict(HEADERS))

    @staticmethod
    def _reader_language(request: Request) -> str:
        header = request.headers.get("accept-language", "")
        return negotiate(header, locales.supported_languages())
