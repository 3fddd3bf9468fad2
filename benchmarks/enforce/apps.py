"""Hello-world apps with and without samtycke's middleware, for bench.py.

Starlette (ASGI) ``plain`` / ``enforced`` and Flask (WSGI) ``flask_plain`` /
``flask_enforced``. Every app answers ``/`` with "Hello, world!" and ``/cookies``
by also setting a necessary cookie and an analytics one (``csrftoken``, ``_ga``).
The declaration is the Billogram example (47 cookies, 4 patterns).
"""

from __future__ import annotations

from pathlib import Path

from flask import Flask, make_response
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import PlainTextResponse, Response
from starlette.routing import Route

from samtycke.declaration import load_declaration
from samtycke.enforce import ConsentMiddleware, WSGIConsentMiddleware

DECLARATION = load_declaration(
    Path(__file__).resolve().parents[2] / "examples" / "billogram" / "samtycke.toml"
)


async def hello(request: Request) -> Response:
    return PlainTextResponse("Hello, world!")


async def cookies(request: Request) -> Response:
    response = PlainTextResponse("Hello, world!")
    response.set_cookie("csrftoken", "t0k3n")
    response.set_cookie("_ga", "GA1.1.1.1")
    return response


def starlette_app() -> Starlette:
    """A fresh hello-world Starlette app."""
    return Starlette(routes=[Route("/", hello), Route("/cookies", cookies)])


def flask_app() -> Flask:
    """A fresh hello-world Flask app."""
    app = Flask("bench")

    @app.get("/")
    def flask_hello() -> str:
        return "Hello, world!"

    @app.get("/cookies")
    def flask_cookies() -> object:
        response = make_response("Hello, world!")
        response.set_cookie("csrftoken", "t0k3n")
        response.set_cookie("_ga", "GA1.1.1.1")
        return response

    return app


plain = starlette_app()
enforced = ConsentMiddleware(starlette_app(), DECLARATION)
flask_plain = flask_app()
flask_enforced = WSGIConsentMiddleware(flask_app(), DECLARATION)
