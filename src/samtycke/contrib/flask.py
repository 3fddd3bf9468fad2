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
``SAMTYCKE_DB`` (the consent ledger, default ``sqlite:///samtycke-ledger.db``),
``SAMTYCKE_URL_PREFIX`` (where the blueprint serves the banner, the consent
endpoint and the policy pages; default ``/samtycke``, ``None`` for none),
``SAMTYCKE_UNDECLARED`` (``block``/``allow``/``report``), ``SAMTYCKE_BANNER_SRC``
(default ``PREFIX/samtycke.js``), ``SAMTYCKE_INJECT`` (insert the script into HTML
responses; a bool or "true"/"false", "on"/"off", "1"/"0"; default False).
Templates get ``{{ samtycke_script() }}``; a page holding it gets no second
banner from ``SAMTYCKE_INJECT``.
"""

from __future__ import annotations

from typing import Any, cast

from flask import Blueprint, Flask, Response, g, request
from markupsafe import Markup

from samtycke.contrib.inprocess import DEFAULT_DB, Asked, ConsentService
from samtycke.contrib.settings import SettingError, as_bool, unknown_keys
from samtycke.enforce.effective import NO_CONSENT
from samtycke.enforce.enforcer import DeclarationSource
from samtycke.enforce.inject import script_tag
from samtycke.enforce.rules import UNDECLARED_MODES, Undeclared
from samtycke.enforce.wsgi import ENVIRON_KEY, WSGIConsentMiddleware

DEFAULT_PREFIX = "/samtycke"
DEFAULT_BANNER_SRC = DEFAULT_PREFIX + "/samtycke.js"
CONFIG_KEYS = tuple(
    "SAMTYCKE_" + k
    for k in ("DECLARATION", "DB", "URL_PREFIX", "UNDECLARED", "BANNER_SRC", "INJECT")
)


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
        self.service: ConsentService | None = None
        if app is not None:
            self.init_app(app)

    def init_app(self, app: Flask) -> None:
        """Wrap ``app.wsgi_app`` and register the ``g.consent`` hook and template global."""
        conf = app.config
        unknown = unknown_keys(
            (k for k in conf if k.startswith("SAMTYCKE_")), CONFIG_KEYS, "config"
        )
        if unknown:
            raise SettingError(f"samtycke: app.{unknown}")
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
        prefix = conf.get("SAMTYCKE_URL_PREFIX", DEFAULT_PREFIX)
        if prefix is not None:
            prefix = "/" + str(prefix).strip("/")
            db = conf.get("SAMTYCKE_DB", DEFAULT_DB)
            # The ledger opens on the first request that needs it; the declaration
            # is loaded below by the middleware, so a broken one stops the app here.
            self.service = ConsentService(declaration, db=str(db))
            app.register_blueprint(self.blueprint(self.service), url_prefix=prefix)
        default_src = (prefix or "/static/samtycke") + "/samtycke.js"
        src = self.banner_src or conf.get("SAMTYCKE_BANNER_SRC", default_src)
        if self.inject is not None:
            inject = self.inject
        else:
            inject = as_bool(conf.get("SAMTYCKE_INJECT", False), "SAMTYCKE_INJECT")
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

    @staticmethod
    def blueprint(service: ConsentService) -> Blueprint:
        """The routes of samtycke's prefix, answered by ``service``."""
        bp = Blueprint("samtycke", __name__)

        @bp.route("/<path:rest>", methods=["GET", "HEAD", "POST"])
        def samtycke_asset(rest: str) -> Response:
            prefix = request.path[: len(request.path) - len(rest)].rstrip("/")
            asked = Asked(
                method=request.method,
                prefix=prefix,
                path=rest,
                headers={k.lower(): v for k, v in request.headers.items()},
                body=request.get_data() if request.method == "POST" else b"",
                client=request.remote_addr,
            )
            answer = service.respond_sync(asked)
            return Response(
                answer.body, answer.status, answer.headers, content_type=answer.content_type
            )

        return bp

    def script(self) -> Markup:
        """The banner's ``<script>`` element, with the request's CSP nonce if it has one."""
        if self.middleware is not None and self.middleware.banner_src is not None:
            return Markup("")  # SAMTYCKE_INJECT: the middleware inserts the one banner
        nonce = getattr(request, "csp_nonce", None) or g.get("csp_nonce")
        tag = script_tag(self.banner_src or DEFAULT_BANNER_SRC, str(nonce) if nonce else None)
        return Markup(tag.decode())  # script_tag escapes every attribute


def _set_consent() -> Any:
    # A request that did not pass the middleware (e.g. app.wsgi_app replaced
    # later) gets "no consent" rather than an AttributeError.
    g.consent = request.environ.get(ENVIRON_KEY, NO_CONSENT)
    return None
