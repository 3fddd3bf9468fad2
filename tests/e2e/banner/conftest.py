"""A tiny site on 127.0.0.1 for the banner: a page, the built samtycke.js and a consent API.

Every request the browser makes to it is recorded, so tests can assert that the
banner asks for nothing but what they expect.
"""

from __future__ import annotations

import json
import threading
import uuid
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import pytest

from samtycke.banner import build_script
from samtycke.declaration import Declaration, parse_declaration

AXE = Path(__file__).resolve().parents[3] / "banner" / "node_modules" / "axe-core" / "axe.min.js"

SITE_TOML = """
[site]
id = "shop"
name = "Shop"
controller = "Shop AB"
contact = "privacy@shop.test"
domains = ["shop.test"]
languages = ["sv", "en", "fi", "nb", "de"]
consent_days = 90
revision = {revision}
google_consent_mode = {gcm}
{extra_site}

[[services]]
id = "stats"
name = "Stats"
provider = "Stats Inc"
category = "analytics"

[[services]]
id = "heatmap"
name = "Heatmap"
provider = "Heat Ltd"
category = "analytics"

[[cookies]]
name = "sid"
category = "necessary"
expires = "session"
purpose = {{ en = "Keeps you logged in.", sv = "Håller dig inloggad." }}

[[cookies]]
name = "lang"
category = "functional"
expires = "1 year"
purpose = "Remembers your language."

[[cookies]]
name = "_st"
service = "stats"
expires = "2 years"
purpose = {{ en = "{purpose}", sv = "Räknar besök." }}

[[cookies]]
name = "_st_*"
service = "stats"
expires = "1 day"
purpose = "Throttles requests."

[[cookies]]
name = "_hm"
service = "heatmap"
expires = "1 day"
purpose = "Records clicks."

[[cookies]]
name = "ad"
category = "marketing"
expires = "30 days"
purpose = "Remembers which ads you saw."

[[storage]]
name = "st_queue"
kind = "localStorage"
service = "stats"
purpose = "Events not yet sent."
"""

PAGE = """<!doctype html>
<html lang="{lang}"><head><meta charset="utf-8"><title>Shop</title><link rel="icon" href="data:,">
<script src="/samtycke.js" defer{nonce}></script></head>
<body><main><h1>Shop</h1><p>Welcome.</p>
<button id="own">Own button</button>
<a href="#" data-samtycke-action="settings">Cookie settings</a>
{body}
</main></body></html>"""

# Gated content: inline and external scripts interleaved, so document order is observable.
GATED = """
<script>window.order = [];</script>
<script type="text/plain" data-category="analytics">order.push("a1")</script>
<script type="text/plain" data-category="analytics" data-service="stats" src="/slow.js"></script>
<script type="text/plain" data-category="analytics">order.push("a3")</script>
<script type="text/plain" data-category="analytics" data-service="heatmap">order.push("hm")</script>
<script type="text/plain" data-category="marketing">order.push("m1")</script>
<script type="text/plain" data-category="functional">order.push("f1")</script>
<iframe title="Map" data-category="marketing" data-src="/frame.html"></iframe>
"""


def make_declaration(
    revision: int = 1,
    gcm: bool = False,
    purpose: str = "Counts visits.",
    name: str = "Shop",
    extra_site: str = "",
    extra: str = "",
) -> Declaration:
    """The test site's declaration, with the knobs the tests turn."""
    text = SITE_TOML.format(
        revision=revision,
        gcm=str(gcm).lower(),
        purpose=purpose.replace("\\", "\\\\").replace('"', '\\"'),
        extra_site=extra_site,
    )
    text = text.replace('name = "Shop"', f"name = {json.dumps(name)}", 1)
    return parse_declaration(text + extra)


@dataclass
class Hit:
    """One request the browser made."""

    method: str
    path: str
    headers: dict[str, str]
    body: bytes

    def json(self) -> Any:
        """The body parsed as JSON."""
        return json.loads(self.body)


@dataclass
class Site:
    """What the test server serves, and what it saw."""

    origin: str = ""
    files: dict[str, tuple[str, bytes]] = field(default_factory=dict)
    headers: dict[str, str] = field(default_factory=dict)
    hits: list[Hit] = field(default_factory=list)
    api_status: int = 201
    lock: threading.Lock = field(default_factory=threading.Lock)

    def publish(
        self,
        decl: Declaration | None = None,
        *,
        body: str = GATED,
        lang: str = "en",
        endpoint: str | None = "/v1/consents",
        nonce: str = "",
        csp: str | None = None,
        purposes: bool = True,
    ) -> None:
        """Serve ``decl``'s samtycke.js and a page embedding it."""
        decl = decl or make_declaration()
        script = build_script(
            decl, endpoint=endpoint, policy_url="/cookies/{lang}.html", purposes=purposes
        )
        attr = f' nonce="{nonce}"' if nonce else ""
        page = PAGE.format(lang=lang, body=body, nonce=attr)
        self.files.update(
            {
                "/": ("text/html", page.encode()),
                "/samtycke.js": ("text/javascript", script.encode()),
                "/slow.js": ("text/javascript", b"order.push('a2')"),
                "/frame.html": ("text/html", b"<!doctype html><title>Map</title><p>map</p>"),
            }
        )
        self.headers = {"Content-Security-Policy": csp} if csp else {}

    def paths(self) -> list[str]:
        """``METHOD path`` of every request so far."""
        with self.lock:
            return [f"{h.method} {h.path}" for h in self.hits]

    def posts(self) -> list[dict[str, Any]]:
        """The decisions POSTed to the consent API."""
        with self.lock:
            return [h.json() for h in self.hits if h.method == "POST" and h.path == "/v1/consents"]

    def reset(self) -> None:
        """Forget everything before the next test."""
        with self.lock:
            self.hits.clear()
        self.files.clear()
        self.headers = {}
        self.api_status = 201


def _handler(site: Site) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        def log_message(self, format: str, *args: Any) -> None:
            pass  # keep test output clean

        def _record(self) -> Hit:
            size = int(self.headers.get("Content-Length") or 0)
            hit = Hit(self.command, self.path, dict(self.headers), self.rfile.read(size))
            with site.lock:
                site.hits.append(hit)
            return hit

        def _send(self, status: int, ctype: str, body: bytes) -> None:
            self.send_response(status)
            self.send_header("Content-Type", ctype)
            self.send_header("Content-Length", str(len(body)))
            self.send_header("Cache-Control", "no-store")
            for k, v in site.headers.items():
                self.send_header(k, v)
            self.end_headers()
            self.wfile.write(body)

        def do_GET(self) -> None:
            self._record()
            path = self.path.split("?")[0]
            if path in site.files:
                self._send(200, *site.files[path])
            else:
                self._send(404, "text/plain", b"not found")

        def do_POST(self) -> None:
            hit = self._record()
            if self.path != "/v1/consents" or site.api_status != 201:
                self._send(
                    site.api_status if self.path == "/v1/consents" else 404, "text/plain", b"no"
                )
                return
            cid = hit.json().get("consent_id") or uuid.uuid4().hex
            answer = {
                "consent_id": cid,
                "record_id": uuid.uuid4().hex,
                "recorded_at": "2026-11-23T12:00:00Z",
            }
            self._send(201, "application/json", json.dumps(answer).encode())

    return Handler


@pytest.fixture(scope="session")
def _server() -> Iterator[Site]:
    site = Site()
    httpd = ThreadingHTTPServer(("127.0.0.1", 0), _handler(site))
    httpd.daemon_threads = True
    site.origin = f"http://127.0.0.1:{httpd.server_address[1]}"
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    yield site
    httpd.shutdown()
    httpd.server_close()


@pytest.fixture
def site(_server: Site) -> Iterator[Site]:
    """The test site, empty; call ``site.publish(...)`` then open ``site.origin``."""
    _server.reset()
    yield _server
    _server.reset()


@pytest.fixture
def new_page(browser: Any) -> Iterator[Callable[..., Any]]:
    """Open pages in fresh contexts (``new_page(locale=…, init_script=…)``); closed afterwards."""
    contexts: list[Any] = []

    def make(init_script: str | None = None, **options: Any) -> Any:
        context = browser.new_context(**options)
        contexts.append(context)
        if init_script:
            context.add_init_script(init_script)
        return context.new_page()

    yield make
    for c in contexts:
        c.close()


def consent_cookie(page: Any) -> dict[str, Any] | None:
    """The ``samtycke`` cookie as the browser holds it."""
    return next((c for c in page.context.cookies() if c["name"] == "samtycke"), None)


def visible(page: Any, selector: str) -> bool:
    """True when ``selector`` matches a visible element."""
    return bool(page.locator(selector).first.is_visible())


def click_decision(page: Any, selector: str) -> None:
    """Click a decision button in the banner and wait until the decision has taken effect.

    The click only hides the layer and moves focus; the cookie, the gated content,
    the add-ons and ``samtycke:change`` follow after the next paint, and that
    event, last of them, says they are done.
    """
    page.evaluate(
        "window.__decided = new Promise((r) => addEventListener('samtycke:change', r, {once: true}));"
        " null"  # not the promise: evaluate would wait for it
    )
    page.click(selector)
    page.evaluate("window.__decided.then(() => null)")
