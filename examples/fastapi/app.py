"""A FastAPI app whose server-side cookies obey the visitor's consent.

Run: ``cd examples/fastapi && uvicorn app:app --port 8000`` and open http://127.0.0.1:8000/.
"""

from __future__ import annotations

from pathlib import Path

from fastapi import FastAPI, Request
from fastapi.responses import HTMLResponse, Response

from samtycke.banner import build_script
from samtycke.declaration import load_declaration
from samtycke.enforce import ConsentMiddleware

DECLARATION = load_declaration(Path(__file__).with_name("samtycke.toml"))
SCRIPT = build_script(DECLARATION)  # static mode: no consent server needed

app = FastAPI(title="samtycke FastAPI example")
# banner_src: the middleware inserts <script src="/samtycke.js" defer> into every HTML page.
app.add_middleware(ConsentMiddleware, declaration=DECLARATION, banner_src="/samtycke.js")


@app.get("/samtycke.js", include_in_schema=False)
def banner() -> Response:
    """The banner engine with this site's config."""
    return Response(SCRIPT, media_type="text/javascript")


@app.get("/", response_class=HTMLResponse)
def home(request: Request) -> HTMLResponse:
    """A page that tries to set one cookie of each category; the middleware decides."""
    consent = request.state.consent
    body = (
        "<!doctype html><html><head><title>FastAPI + samtycke</title></head><body>"
        f"<p>analytics allowed: {consent.allows('analytics')} (from {consent.source})</p>"
        '<button data-samtycke-action="settings">Cookie settings</button>'
        "</body></html>"
    )
    response = HTMLResponse(body)
    response.set_cookie("session", "s3ss10n", httponly=True)  # necessary: always set
    response.set_cookie("ab_variant", "b", max_age=30 * 86400)  # functional
    response.set_cookie("_ga", "GA1.1.42.1700000000", max_age=730 * 86400)  # analytics
    return response
