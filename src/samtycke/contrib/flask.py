"""Flask adapter: the ``Samtycke`` extension.

::

    app = Flask(__name__)
    app.config["SAMTYCKE_DECLARATION"] = "samtycke.toml"
    Samtycke(app)

    @app.get("/")
    def home():
        if g.consent.allows("analytics"):
            ...

Config keys (constructor arguments win): ``SAMTYCKE_DECLARATION`` (required),
``SAMTYCKE_UNDECLARED`` (``block``/``allow``/``report``), ``SAMTYCKE_BANNER_SRC``
(default ``/static/samtycke/samtycke.js``), ``SAMTYCKE_INJECT`` (insert the script
into HTML responses; default False). Templates get ``{{ samtycke_script() }}``.
"""

from __future__ import annotations

from typing import Any, cast

from flask import Flask, g, request
from markupsafe import Markup

from samtycke.enforce.effective import NO_CONSENT
from samtycke.enforce.enforcer import DeclarationSource
from samtycke.enforce.inject import script_tag
from samtycke.enforce.rules import UNDECLARED_MODES, Undeclared
from samtycke.enforce.wsgi import ENVIRON_KEY, WSGIConsentMiddleware

DEFAULT_BANNER_SRC = "/static/samtycke/samtycke.js"


class Samtycke:
    """Enforces consent on a Flask app and exposes it as ``flask.g.consent``."""

    def __init__(
        self,
        app: Flask | None = None,
        *,
        declaration: DeclarationSource | None = None,
        undeclared: Undeclared | None = None,
        banner_src: str | None = None,
        inject: bool | None = None,
    ) -> None:
        self.declaration = declaration
        self.undeclared = undeclared
        self.banner_src = banner_src
        self.inject = inject
        self.middleware: WSGIConsentMiddleware | None = None
        if app is not None:
            self.init_app(app)

    def init_app(self, app: Flask) -> None:
        """Wrap ``app.wsgi_app`` and register the ``g.consent`` hook and template global."""
        conf = app.config
        declaration = self.declaration or conf.get("SAMTYCKE_DECLARATION")
        if declaration is None:
            raise ValueError(
                "samtycke: set app.config['SAMTYCKE_DECLARATION'] to the samtycke.toml path"
            )
        undeclared = self.undeclared or conf.get("SAMTYCKE_UNDECLARED", "block")
        if undeclared not in UNDECLARED_MODES:
            raise ValueError(
                f"samtycke: SAMTYCKE_UNDECLARED has value {undeclared!r}; "
                f"use one of {', '.join(UNDECLARED_MODES)}"
            )
        src = self.banner_src or conf.get("SAMTYCKE_BANNER_SRC", DEFAULT_BANNER_SRC)
        inject = self.inject if self.inject is not None else bool(conf.get("SAMTYCKE_INJECT"))
        self.banner_src = src
        self.middleware = WSGIConsentMiddleware(
            app.wsgi_app,
            declaration,
            undeclared=cast(Undeclared, undeclared),
            banner_src=src if inject else None,
        )
        app.wsgi_app = self.middleware  # type: ignore[method-assign]
        app.before_request(_set_consent)
        app.jinja_env.globals["samtycke_script"] = self.script
        app.extensions["samtycke"] = self

    def script(self) -> Markup:
        """The banner's ``<script>`` element, with the request's CSP nonce if it has one."""
        nonce = getattr(request, "csp_nonce", None) or g.get("csp_nonce")
        tag = script_tag(self.banner_src or DEFAULT_BANNER_SRC, str(nonce) if nonce else None)
        return Markup(tag.decode())  # script_tag escapes every attribute


def _set_consent() -> Any:
    # A request that did not pass the middleware (e.g. app.wsgi_app replaced
    # later) gets "no consent" rather than an AttributeError.
    g.consent = request.environ.get(ENVIRON_KEY, NO_CONSENT)
    return None
