"""``/console``: login, sessions, CSRF and Origin checks, roles, and the page routes.

Every POST must come from the console's own origin (the ``Origin`` header is
required and must be this server's scheme and host) and carry the form token:
the session's for signed-in forms, a cookie-bound one for the login form. A
page a user's role does not allow answers 403, whether asked for or posted to.
"""

from __future__ import annotations

import asyncio
import hmac
import secrets
from typing import TYPE_CHECKING
from urllib.parse import parse_qsl

from sqlalchemy import Engine
from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import RedirectResponse, Response
from starlette.routing import BaseRoute, Route

from samtycke.console import pages as _pages  # noqa: F401  (registers the built-in pages)
from samtycke.console.displays import DisplayCounter, post_displays
from samtycke.console.html import Html, document, esc, layout, stylesheet
from samtycke.console.lockout import Lockout
from samtycke.console.registry import PAGES, Page, PageContext, PageError, navigation
from samtycke.console.rollup import Rollup, RollupThread
from samtycke.console.sessions import Session, end_session, find_session, start_session
from samtycke.console.users import MAX_PASSWORD, authenticate, unknown_name_hash
from samtycke.server.consents import read_body
from samtycke.server.errors import ApiError

if TYPE_CHECKING:
    from samtycke.server.state import ServerState

FORM_LIMIT = 16 * 1024
HASHING_AT_ONCE = 2
HEADERS = {
    "content-security-policy": (
        "default-src 'none'; style-src 'self'; img-src 'self'; form-action 'self'; "
        "frame-ancestors 'none'; base-uri 'none'"
    ),
    "cache-control": "no-store",
    "referrer-policy": "same-origin",
    "x-content-type-options": "nosniff",
    "x-frame-options": "DENY",
}


def _https(request: Request) -> bool:
    return request.url.scheme == "https"


def cookie_name(request: Request, base: str = "samtycke-console") -> str:
    """The session cookie's name: ``__Host-`` prefixed over https (Secure, Path=/, no Domain)."""
    return f"__Host-{base}" if _https(request) else base


def _set_cookie(response: Response, request: Request, name: str, value: str) -> None:
    response.set_cookie(
        cookie_name(request, name),
        value,
        path="/",
        httponly=True,
        samesite="strict",
        secure=_https(request),
    )


def _page(status: int, title: str, body: Html) -> Response:
    return Response(document(title, body), status, headers=HEADERS, media_type="text/html")


class Console:
    """The console of one server process: its lock-out tables and its routes."""

    def __init__(self, state: ServerState, lockout: Lockout | None = None) -> None:
        self.state = state
        self.lockout = lockout or Lockout()
        self.displays = DisplayCounter()
        # Each argon2id check takes 64 MiB for a moment: a burst of logins waits its turn
        # instead of taking the memory of the whole thread pool at once.
        self._hashing = asyncio.Semaphore(HASHING_AT_ONCE)
        self.rollup: RollupThread | None = None

    def open(self) -> None:
        """Start counting displays and advancing the decision aggregates (app start)."""
        unknown_name_hash()
        self.displays.start(self.engine)
        self.rollup = RollupThread(Rollup(self.engine))
        self.rollup.start()

    def close(self) -> None:
        """Write the displays held in memory and stop both threads (shutdown)."""
        if self.rollup is not None:
            self.rollup.stop()
        self.displays.stop()

    def routes(self) -> list[BaseRoute]:
        """The routes under ``/console`` (mounted by the server's app)."""
        return [
            Route("/v1/sites/{site}/displays", self.post_displays, methods=["POST"]),
            Route("/console/console.css", self.css, methods=["GET"]),
            Route("/console/login", self.login_page, methods=["GET", "POST"]),
            Route("/console/logout", self.logout, methods=["POST"]),
            Route("/console", self.page, methods=["GET", "POST"]),
            Route("/console/{slug}", self.page, methods=["GET", "POST"]),
        ]

    @property
    def engine(self) -> Engine:
        if self.state.ledger is None:
            raise PageError(503, "The ledger is not open yet.")
        return self.state.ledger.engine

    async def post_displays(self, request: Request) -> Response:
        return await post_displays(request, self.displays)

    async def css(self, request: Request) -> Response:
        return Response(
            stylesheet(), headers={**HEADERS, "cache-control": "max-age=300"}, media_type="text/css"
        )

    # -- login and logout --------------------------------------------------

    async def login_form(self, request: Request, *, status: int = 200, error: str = "") -> Response:
        token = secrets.token_urlsafe(32)
        message = f'<p class="error" role="alert">{esc(error)}</p>' if error else ""
        body = Html(
            '<main class="login"><h1>samtycke console</h1>'
            f'{message}<form method="post" action="/console/login">'
            f'<input type="hidden" name="csrf" value="{esc(token)}">'
            '<label for="name">User name</label>'
            '<input id="name" name="name" autocomplete="username" required maxlength="64">'
            '<label for="password">Password</label>'
            '<input id="password" name="password" type="password" '
            f'autocomplete="current-password" required maxlength="{MAX_PASSWORD}">'
            '<button type="submit" class="primary">Log in</button></form></main>'
        )
        response = _page(status, "Log in", body)
        _set_cookie(response, request, "samtycke-console-login", token)
        return response

    async def login_page(self, request: Request) -> Response:
        return await (self.login(request) if request.method == "POST" else self.login_form(request))

    async def login(self, request: Request) -> Response:
        try:
            form = await self._form(request)
            login_token = request.cookies.get(cookie_name(request, "samtycke-console-login"), "")
            _same_token(form.get("csrf", ""), login_token)
        except PageError as exc:
            return self._refused(exc)
        name = form.get("name", "").strip().lower()
        address = request.client.host if request.client else "-"
        wait = self.lockout.wait(name, address)
        if wait > 0:
            minutes = max(1, round(wait / 60))
            return await self.login_form(
                request,
                status=429,
                error=f"Too many failed logins. Try again in {minutes} minute{'s' if minutes != 1 else ''}.",
            )
        async with self._hashing:
            password = form.get("password", "")
            user = await run_in_threadpool(authenticate, self.engine, name, password)
        if user is None:
            self.lockout.failed(name, address)
            return await self.login_form(request, status=401, error="Wrong user name or password.")
        self.lockout.succeeded(name)
        session_id, _ = await run_in_threadpool(start_session, self.engine, user)
        response = RedirectResponse("/console", 303, headers=HEADERS)
        _set_cookie(response, request, "samtycke-console", session_id)
        response.delete_cookie(
            cookie_name(request, "samtycke-console-login"),
            path="/",
            secure=_https(request),
            httponly=True,
            samesite="strict",
        )
        return response

    async def logout(self, request: Request) -> Response:
        try:
            session_id, session = await self._session(request)
            form = await self._form(request)
            _same_token(form.get("csrf", ""), session.csrf)
        except PageError as exc:
            return self._refused(exc)
        await run_in_threadpool(end_session, self.engine, session_id)
        response = RedirectResponse("/console/login", 303, headers=HEADERS)
        response.delete_cookie(
            cookie_name(request), path="/", secure=_https(request), httponly=True, samesite="strict"
        )
        return response

    # -- pages -------------------------------------------------------------

    async def page(self, request: Request) -> Response:
        slug = request.path_params.get("slug", "")
        try:
            if request.method == "POST":
                _check_origin(request)
            try:
                _, session = await self._session(request)
            except PageError:
                if request.method == "GET":
                    return RedirectResponse("/console/login", 303, headers=HEADERS)
                raise
            page = PAGES.get(slug)
            if page is None:
                raise PageError(404, "There is no such console page.")
            form: dict[str, str] = {}
            if request.method == "POST":
                form = await self._form(request)
                _same_token(form.get("csrf", ""), session.csrf)
                if page.post is None:
                    raise PageError(405, "This page takes no form.")
                _allow(session, page.post_role)
                handler = page.post
            else:
                handler = page.render
            _allow(session, page.role)
            ctx = PageContext(request, self.state, self.engine, session.user, session.csrf, form)
        except PageError as exc:
            return self._refused(exc)
        try:
            out = await run_in_threadpool(handler, ctx)
        except PageError as exc:
            # The page's own refusal (a bad filter): shown inside the console's layout.
            message = Html(f'<p class="error" role="alert">{esc(exc.message)}</p>')
            html = self._layout(page, session, message)
            return Response(html, exc.status, headers=HEADERS, media_type="text/html")
        if isinstance(out, Response):
            for key, value in HEADERS.items():
                out.headers.setdefault(key, value)
            return out
        return Response(self._layout(page, session, out), headers=HEADERS, media_type="text/html")

    def _layout(self, page: Page, session: Session, main: Html) -> Html:
        nav = [
            (f"/console/{p.slug}" if p.slug else "/console", p.title, p.slug == page.slug)
            for p in navigation(session.user)
        ]
        return layout(page.title, main, nav, session.user.name, session.csrf)

    # -- checks ------------------------------------------------------------

    async def _session(self, request: Request) -> tuple[str, Session]:
        session_id = request.cookies.get(cookie_name(request), "")
        if not session_id or len(session_id) > 128:
            raise PageError(401, "Log in first.")
        session = await run_in_threadpool(find_session, self.engine, session_id)
        if session is None:
            raise PageError(401, "Your session has ended; log in again.")
        return session_id, session

    async def _form(self, request: Request) -> dict[str, str]:
        _check_origin(request)
        kind = request.headers.get("content-type", "").split(";")[0].strip().lower()
        if kind != "application/x-www-form-urlencoded":
            raise PageError(415, "Send the form as application/x-www-form-urlencoded.")
        try:
            body = await read_body(request, FORM_LIMIT)
        except ApiError as exc:
            raise PageError(
                exc.status, "The form is too large or did not arrive in time."
            ) from None
        try:
            return dict(parse_qsl(body.decode("utf-8"), keep_blank_values=True, max_num_fields=50))
        except (UnicodeDecodeError, ValueError):
            raise PageError(400, "The form could not be read.") from None

    def _refused(self, exc: PageError) -> Response:
        link = '<p><a href="/console">Back to the console</a></p>'
        body = Html(f'<main id="main"><h1>{esc(exc.message)}</h1>{link}</main>')
        return _page(exc.status, exc.message, body)


def _check_origin(request: Request) -> None:
    origin = request.headers.get("origin")
    host = request.headers.get("host", "")
    if origin is None:
        raise PageError(
            403, "The request carries no Origin; the console takes forms from itself only."
        )
    if origin != f"{request.url.scheme}://{host}":
        raise PageError(403, "The form was sent from another site; the console refuses it.")


def _same_token(sent: str, expected: str) -> None:
    if not sent or not expected or not hmac.compare_digest(sent.encode(), expected.encode()):
        raise PageError(
            403, "The form's security token is missing or wrong; reload the page and try again."
        )


def _allow(session: Session, role: str) -> None:
    if role == "admin" and not session.user.is_admin:
        raise PageError(403, "This needs an admin; your role is viewer.")
