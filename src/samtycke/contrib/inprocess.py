"""The consent server's parts inside a web app's own process.

:class:`ConsentService` is what the Django, Flask and Starlette/FastAPI
integrations share: it loads the declaration, opens the ledger with the
server's group writer, and answers the few requests a site needs under a URL
prefix of the app's choosing (``/samtycke`` in the docs):

==============================  ===============================================
``GET  PREFIX/samtycke.js``     the banner, posting to ``PREFIX/v1/consents``
``POST PREFIX/v1/consents``     one decision, recorded in the ledger (201)
``GET  PREFIX/cookies``         redirect to the visitor's language
``GET  PREFIX/cookies/LANG``    the cookie policy page
==============================  ===============================================

A consent goes through the very code ``samtycke serve`` runs
(:func:`samtycke.server.consents.record_consent`: validation, origin check,
group commit), so a decision recorded by an app is the same record as one
recorded by the server. Synchronous frameworks call :meth:`respond_sync`, which
runs the request on a private event loop thread.
"""

from __future__ import annotations

import asyncio
import json
import os
import threading
from collections.abc import Coroutine, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, TypeVar

from samtycke.banner import build_script
from samtycke.declaration import Declaration
from samtycke.declaration.fingerprint import canonical_json, fingerprint
from samtycke.policy import render_policy
from samtycke.server.client import RateLimiter
from samtycke.server.config import BODY_LIMIT, ServerConfig
from samtycke.server.consents import (
    NO_STORE,
    Caller,
    check_rate,
    record_consent,
    too_large,
)
from samtycke.server.errors import ApiError
from samtycke.server.pages import negotiate
from samtycke.server.sites import Site, load_sites, site_for_host
from samtycke.server.state import ServerState

DEFAULT_DB = "sqlite:///samtycke-ledger.db"
CACHE = {"Cache-Control": "public, max-age=300"}
_T = TypeVar("_T")


@dataclass(frozen=True)
class Answer:
    """A framework-neutral HTTP response."""

    status: int
    body: bytes
    content_type: str = "application/json"
    headers: dict[str, str] = field(default_factory=dict)


@dataclass(frozen=True)
class Asked:
    """A framework-neutral HTTP request: what :meth:`ConsentService.respond` reads."""

    method: str
    prefix: str  # where the app mounted samtycke, e.g. "/samtycke"
    path: str  # the rest, e.g. "samtycke.js"
    headers: Mapping[str, str]  # lower-case names
    body: bytes = b""
    client: str | None = None


class ConsentService:
    """Declaration, ledger and writer of one app; :meth:`start` before the first request."""

    def __init__(
        self,
        declaration: str | os.PathLike[str] | Declaration,
        *,
        db: str = DEFAULT_DB,
        store_user_agent: bool = False,
        ip_mode: str = "truncate",
    ) -> None:
        self.declaration = declaration
        path = Path("<memory>") if isinstance(declaration, Declaration) else Path(declaration)
        self.config = ServerConfig(
            declaration=path,
            db=db,
            store_user_agent=store_user_agent,
            ip_mode=ip_mode,
        )
        self.state: ServerState | None = None
        self._lock = threading.Lock()
        self._loop: asyncio.AbstractEventLoop | None = None
        self._thread: threading.Thread | None = None

    @property
    def started(self) -> bool:
        """True between :meth:`start` and :meth:`stop`."""
        return self.state is not None

    def start(self) -> ServerState:
        """Load the declaration and open the ledger (errors raise SamtyckeError subclasses)."""
        with self._lock:
            if self.state is None:
                decl = self.declaration
                if isinstance(decl, Declaration):
                    site = Site(decl, fingerprint(decl), canonical_json(decl).decode())
                    sites = {site.id: site}
                else:
                    sites = load_sites(self.config.declaration)
                state = ServerState(
                    self.config, sites, RateLimiter(self.config.rate, self.config.burst)
                )
                state.open()
                self.state = state
            return self.state

    def stop(self) -> None:
        """Flush the writer, close the ledger and the private loop."""
        with self._lock:
            if self.state is not None:
                self.state.close()
                self.state = None
            if self._loop is not None:
                self._loop.call_soon_threadsafe(self._loop.stop)
                if self._thread is not None:
                    self._thread.join(timeout=10)
                self._loop.close()
                self._loop = self._thread = None

    def site(self, host: str | None) -> Site:
        """The served site for a Host header (the only one when there is one)."""
        site = site_for_host(self.start().sites, host or "")
        if site is None:
            raise ApiError(404, f"host {host!r} is not a domain of any declared site", "site")
        return site

    def banner_js(self, prefix: str, host: str | None) -> str:
        """The banner of the site at ``host``, posting to ``prefix``/v1/consents."""
        site = self.site(host)
        st = self.start()
        key = ("js", site.id, prefix)
        js = st.assets.get(key)
        if js is None:
            policy = site.decl.site.policy_url or f"{prefix}/cookies/{{lang}}"
            js = build_script(site.decl, endpoint=f"{prefix}/v1/consents", policy_url=policy)
            st.assets.put(key, js)
        return js

    async def respond(self, asked: Asked) -> Answer:
        """Answer one request under the prefix; a refusal is a JSON 4xx."""
        try:
            return await self._route(asked)
        except ApiError as exc:
            return self.refusal(exc, asked)

    def refusal(self, exc: ApiError, asked: Asked) -> Answer:
        """The JSON answer to a refused request (the consent path has logged it)."""
        body = json.dumps({"error": exc.message, "field": exc.field}).encode()
        return Answer(exc.status, body, headers={**exc.headers, **NO_STORE})

    def respond_sync(self, asked: Asked, timeout: float = 30) -> Answer:
        """:meth:`respond` for a synchronous (WSGI) app."""
        return self._run(self.respond(asked), timeout)

    async def _route(self, asked: Asked) -> Answer:
        method, path, host = asked.method.upper(), asked.path.strip("/"), asked.headers.get("host")
        if path == "v1/consents":
            if method != "POST":
                raise ApiError(405, "method not allowed; POST a decision here")
            st = self.start()
            check_rate(st, asked.client)
            if len(asked.body) > BODY_LIMIT:
                raise too_large()
            h = asked.headers
            caller = Caller(asked.client, h.get("origin"), host, h.get("user-agent"))
            body = await record_consent(st, asked.body, caller)
            return Answer(201, body, headers=dict(NO_STORE))
        if method not in ("GET", "HEAD"):
            raise ApiError(405, "method not allowed")
        if path == "samtycke.js":
            js = self.banner_js(asked.prefix, host)
            return Answer(200, js.encode(), "text/javascript; charset=utf-8", dict(CACHE))
        if path == "cookies":
            site = self.site(host)
            lang = negotiate(asked.headers.get("accept-language", ""), site.decl.site.languages)
            where = {"Location": f"{asked.prefix}/cookies/{lang}", "Vary": "Accept-Language"}
            return Answer(307, b"", "text/plain", where)
        if path.startswith("cookies/"):
            return self._policy(path.removeprefix("cookies/"), host)
        raise ApiError(404, f"no such resource: {asked.prefix}/{path}")

    def _policy(self, lang: str, host: str | None) -> Answer:
        site = self.site(host)
        if lang not in site.decl.site.languages:
            offered = ", ".join(site.decl.site.languages)
            raise ApiError(404, f"language {lang!r} is not one of the site's ({offered})", "lang")
        st = self.start()
        key = ("policy", site.id, lang)
        page = st.assets.get(key)
        if page is None:
            page = render_policy(site.decl, lang, "html")
            st.assets.put(key, page)
        return Answer(200, page.encode(), "text/html; charset=utf-8", dict(CACHE))

    def _run(self, coro: Coroutine[Any, Any, _T], timeout: float) -> _T:
        with self._lock:
            if self._loop is None:
                loop = asyncio.new_event_loop()
                thread = threading.Thread(
                    target=loop.run_forever, name="samtycke-consents", daemon=True
                )
                thread.start()
                self._loop, self._thread = loop, thread
            loop = self._loop
        return asyncio.run_coroutine_threadsafe(coro, loop).result(timeout)
