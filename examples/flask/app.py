"""A Flask app whose server-side cookies obey the visitor's consent.

Run: ``cd examples/flask && flask --app app run --port 8000`` and open http://127.0.0.1:8000/.
"""

from __future__ import annotations

from pathlib import Path

from flask import Flask, Response, g, make_response, render_template_string

from samtycke.banner import build_script
from samtycke.contrib.flask import Samtycke
from samtycke.declaration import load_declaration

HERE = Path(__file__).resolve().parent
PAGE = """<!doctype html><html><head><title>Flask + samtycke</title>{{ samtycke_script() }}</head>
<body><p>analytics allowed: {{ g.consent.allows("analytics") }} (from {{ g.consent.source }})</p>
<button data-samtycke-action="settings">Cookie settings</button></body></html>"""


def create_app() -> Flask:
    """The example app, configured from ``samtycke.toml`` next to this file."""
    app = Flask(__name__)
    app.config.update(
        SAMTYCKE_DECLARATION=HERE / "samtycke.toml", SAMTYCKE_BANNER_SRC="/samtycke.js"
    )
    Samtycke(app)
    script = build_script(load_declaration(HERE / "samtycke.toml"))

    @app.get("/samtycke.js")
    def banner() -> Response:
        return Response(script, mimetype="text/javascript")

    @app.get("/")
    def home() -> Response:
        response = make_response(render_template_string(PAGE, g=g))
        response.set_cookie("session", "s3ss10n", httponly=True)  # necessary: always set
        response.set_cookie("ab_variant", "b", max_age=30 * 86400)  # functional
        if g.consent.allows(
            "analytics"
        ):  # asking first saves work; the middleware would strip it anyway
            response.set_cookie("_ga", "GA1.1.42.1700000000", max_age=730 * 86400)
        return response

    return app


app = create_app()
