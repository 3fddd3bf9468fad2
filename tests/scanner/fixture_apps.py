"""Small loopback sites whose answers depend on the request: login, GPC, consent.

``serve_app(route)`` runs a threaded HTTP server whose ``route(path, headers)``
returns the status, the HTML, the Set-Cookie lines and extra headers.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from email.message import Message
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

from tests.httpd import serving
from tests.scanner.fixture_site import PIXEL

Answer = tuple[int, str | bytes, list[str], dict[str, str]]
Route = Callable[[str, Message], Answer]


def html(title: str, body: str) -> str:
    """A minimal page."""
    return (
        f"<!doctype html><html lang='en'><head><meta charset='utf-8'><title>{title}</title>"
        f"</head><body><h1>{title}</h1>{body}</body></html>"
    )


def _handler(route: Route) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            status, body, cookies, headers = route(self.path.split("?", 1)[0], self.headers)
            data = body.encode() if isinstance(body, str) else body
            self.send_response(status)
            ctype = "image/gif" if data == PIXEL else "text/html; charset=utf-8"
            self.send_header("Content-Type", ctype)
            self.send_header("Content-Length", str(len(data)))
            for name, value in headers.items():
                self.send_header(name, value)
            for c in cookies:
                self.send_header("Set-Cookie", c)
            self.end_headers()
            self.wfile.write(data)

        def log_message(self, format: str, *args: object) -> None:
            pass

    return Handler


@contextmanager
def serve_app(route: Route) -> Iterator[int]:
    """Serve ``route`` on a free loopback port; yields the port."""
    server = ThreadingHTTPServer(("127.0.0.1", 0), _handler(route))
    with serving(server):
        yield int(server.server_address[1])


def not_found() -> Answer:
    """A plain 404."""
    return 404, "not found", [], {}
