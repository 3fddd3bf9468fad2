"""The ASGI application: routes, error handlers, CORS, and the ledger's lifetime."""

from __future__ import annotations

import contextlib
import gc
import os
from collections.abc import AsyncIterator, Callable
from typing import Any

from starlette.applications import Starlette
from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import BaseRoute, Route
from starlette.types import ASGIApp

from samtycke.mail.server import mail_service
from samtycke.server import pages
from samtycke.server.client import RateLimiter
from samtycke.server.config import ServerConfig, config_from_env, parse_proxies
from samtycke.server.consents import get_history, post_consent
from samtycke.server.cors import cors_middleware
from samtycke.server.crossdomain import crossdomain_routes
from samtycke.server.errors import ApiError, api_error_handler, http_error_handler
from samtycke.server.fastpath import ConsentFastPath
from samtycke.server.forwarded import ForwardedClient, TrustedProxies
from samtycke.server.openapi import openapi_document
from samtycke.server.proof import keys_json
from samtycke.server.sites import load_sites
from samtycke.server.state import ServerState


async def openapi_json(request: Request) -> Response:
    """``GET /openapi.json``."""
    return JSONResponse(openapi_document())


def api_routes() -> list[BaseRoute]:
    """The consent API, assets, policy pages and service endpoints."""
    return [
        Route("/v1/consents", post_consent, methods=["POST"]),
        Route("/v1/consents/{consent_id}", get_history, methods=["GET"]),
        Route("/v1/sites/{site}", pages.site_config, methods=["GET"]),
        Route("/v1/sites/{site}/samtycke.js", pages.banner_script, methods=["GET"]),
        Route("/v1/sites/{site}/samtycke.css", pages.banner_stylesheet, methods=["GET"]),
        Route("/v1/sites/{site}/cookies", pages.policy_redirect, methods=["GET"]),
        Route("/v1/sites/{site}/cookies/{lang}", pages.policy_page, methods=["GET"]),
        Route("/samtycke.js", pages.banner_script, methods=["GET"]),
        Route("/samtycke.css", pages.banner_stylesheet, methods=["GET"]),
        Route("/cookies", pages.policy_redirect, methods=["GET"]),
        Route("/cookies/{lang}", pages.policy_page, methods=["GET"]),
        Route("/.well-known/gpc.json", pages.gpc_json, methods=["GET"]),
        Route("/.well-known/samtycke-keys.json", keys_json, methods=["GET"]),
        Route("/healthz", pages.healthz, methods=["GET"]),
        Route("/openapi.json", openapi_json, methods=["GET"]),
        Route("/robots.txt", pages.robots, methods=["GET"]),
    ]


def create_app(config: ServerConfig, *, own_process: bool = False) -> Starlette:
    """The consent server for ``config``; the ledger opens when the app starts.

    ``own_process``: the app is all its process serves (``samtycke serve`` and its
    workers), so start-up may settle the whole heap (:func:`settle_heap`); an app
    mounted beside others leaves its host's heap alone.
    """
    sites = load_sites(config.declaration)  # fail before listening on a bad declaration
    state = ServerState(config, sites, RateLimiter(config.rate, config.burst))
    mail = mail_service(config, sites)  # None unless a mail key is configured
    # Imported here: the monitor builds on the server's settings and site loading.
    from samtycke.monitor.service import embedded
    from samtycke.monitor.settings import settings_from_env

    settings_from_env(os.environ)  # a bad SAMTYCKE_MONITOR or SMTP setting fails here

    from samtycke.console.app import Console  # the console imports server parts itself

    console = Console(state)

    @contextlib.asynccontextmanager
    async def lifespan(app: Starlette) -> AsyncIterator[None]:
        state.open()
        if mail is not None and state.ledger is not None:
            mail.open(state.ledger)
        console.open()
        monitor = None
        if state.ledger is not None:
            # Every replica may run one: each slot is claimed once in the database.
            decls = [s.decl for s in sites.values()]
            monitor = embedded(state.ledger.engine, decls, os.environ)
        if monitor is not None:
            monitor.start()
        if own_process:
            settle_heap()
        try:
            yield
        finally:
            if monitor is not None:
                monitor.stop()
            console.close()
            state.close()

    routes = api_routes() + crossdomain_routes() + (mail.routes() if mail is not None else [])
    routes += console.routes()
    if config.demo:
        from samtycke.server.demo import demo_routes

        routes = demo_routes() + routes
    proxies = TrustedProxies(parse_proxies(config.forwarded_allow))
    app = _App(
        lambda inner: ForwardedClient(ConsentFastPath(inner, state, sites.values()), proxies),
        routes=routes,
        lifespan=lifespan,
        exception_handlers={ApiError: api_error_handler, HTTPException: http_error_handler},
        middleware=[cors_middleware(sites.values())],
    )
    app.state.samtycke = state
    app.state.console = console
    return app


class _App(Starlette):
    """Starlette with two layers outside its own stack (error handling, CORS, router).

    Outermost, ``ForwardedClient``: every part sees the client behind the
    trusted proxies. Then ``ConsentFastPath``, which answers the consent POST
    before any of Starlette's layers.
    """

    def __init__(self, outer: Callable[[ASGIApp], ASGIApp], **kwargs: Any) -> None:
        self._outer = outer
        super().__init__(**kwargs)

    def build_middleware_stack(self) -> ASGIApp:
        """Starlette's stack inside the two outer layers."""
        return self._outer(super().build_middleware_stack())


def settle_heap() -> None:
    """Leave what start-up built out of every later garbage collection.

    The modules, declarations, engines and caches (some 80,000 objects) live
    as long as the process, yet each full collection would walk all of them
    again; under load requests allocate enough for one every few thousand.
    Frozen, a collection walks only what requests made since.
    """
    gc.collect()
    gc.freeze()


def create_app_from_env() -> Starlette:
    """Factory for ``uvicorn --factory`` and worker processes: settings from SAMTYCKE_*."""
    return create_app(config_from_env(os.environ), own_process=True)
