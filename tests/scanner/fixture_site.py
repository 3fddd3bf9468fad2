"""A fixture website on loopback with two origins, for the scanner tests.

The first party is ``http://127.0.0.1:<p1>``; the third party is
``http://tp.localhost:<p2>`` (Chromium resolves every ``*.localhost`` name to
loopback itself) — a different *site* to Chromium (an IP address and a host
name never share a registrable domain), so its iframe and pixel are
cross-site. ``*.localhost`` is a secure context, so ``Secure`` cookies over
plain http are accepted there, which lets the third party set
``SameSite=None`` cookies the way a real tracker does over https.
"""

from __future__ import annotations

import sys
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

from tests.httpd import serving

# A transparent 1×1 GIF, the classic tracking pixel.
PIXEL = bytes.fromhex(
    "47494638396101000100800000000000ffffff21f90401000000002c000000000100010000020144003b"
)

BANNER = """
<div id="onetrust-banner-sdk" style="position:fixed;bottom:0;left:0;right:0;padding:1em;background:#eee">
  <p>We use cookies.</p>
  <button id="onetrust-accept-btn-handler">Accept All Cookies</button>
  <button id="onetrust-reject-all-handler">Reject All</button>
</div>
<script>
// A tag that ignores consent: it runs on every page, whatever the choice.
document.cookie = "trk_early=1; max-age=" + 90 * 86400 + "; path=/";
(function () {
  var year = 365 * 86400;
  function consent() {
    var m = document.cookie.match(/(?:^|; )OptanonConsent=([^;]*)/);
    return m ? decodeURIComponent(m[1]) : null;
  }
  function analytics() {
    document.cookie = "_ga=GA1.1.123.456; max-age=" + 2 * year + "; path=/";
    document.cookie = "_hjSessionUser_1234=abc; max-age=" + year + "; path=/";
    document.cookie = "mystery=1; path=/";
  }
  function decide(groups) {
    document.cookie = "OptanonConsent=" + encodeURIComponent("groups=" + groups) +
      "; max-age=" + year + "; path=/";
    document.getElementById("onetrust-banner-sdk").remove();
    if (groups.indexOf("C0002") >= 0) analytics();
  }
  var state = consent();
  if (state !== null) {
    document.getElementById("onetrust-banner-sdk").remove();
    if (state.indexOf("C0002") >= 0) analytics();
    return;
  }
  document.getElementById("onetrust-accept-btn-handler").onclick = function () {
    decide("C0001,C0002,C0004");
  };
  document.getElementById("onetrust-reject-all-handler").onclick = function () {
    decide("C0001");
  };
})();
</script>
"""


def _page(title: str, body: str) -> str:
    return (
        f"<!doctype html><html lang='en'><head><meta charset='utf-8'><title>{title}</title>"
        f"</head><body><h1>{title}</h1>{body}{BANNER}</body></html>"
    )


def first_party_pages(third: str) -> dict[str, tuple[str, list[str]]]:
    """Path → (HTML, Set-Cookie headers) of the first-party site."""
    home = f"""
<nav>
  <a href="/about">About</a> <a href="/about#team">Team</a> <a href="/private">Private</a>
  <a href="{third}/elsewhere">Partner</a> <a href="mailto:hi@example.org">Mail</a>
  <a href="/file.pdf">PDF</a>
</nav>
<iframe src="{third}/frame" title="widget" width="200" height="80"></iframe>
<img src="{third}/pixel.gif?ev=view" width="1" height="1" alt="">
<script>
  localStorage.setItem("ls_theme", "dark");
  sessionStorage.setItem("ss_visit", "1");
  // A late tracker: its cookie comes 1.5 s after the load event.
  window.addEventListener("load", function () {{
    setTimeout(function () {{
      document.cookie = "late_ping=1; max-age=86400; path=/";
    }}, 1500);
  }});
</script>
"""
    return {
        "/": (
            _page("Home", home),
            [
                "sid=abc123; Path=/; HttpOnly; SameSite=Lax",
                "pref=sv; Max-Age=2592000; Path=/",
                "bad_dom=1; Domain=example.org; Path=/",
            ],
        ),
        "/about": (_page("About", '<a href="/deep/1">Deeper</a> <a href="/">Home</a>'), []),
        "/deep/1": (_page("Deep 1", '<a href="/deep/2">Deeper</a>'), []),
        "/deep/2": (_page("Deep 2", '<a href="/deep/3">Deeper</a>'), []),
        "/deep/3": (_page("Deep 3", "<p>Too deep for depth 3.</p>"), []),
        "/private": (_page("Private", "<p>robots.txt forbids this.</p>"), []),
        "/file.bin": ("binary", []),
        "/clean": (
            "<!doctype html><html lang='en'><head><title>Clean</title></head>"
            "<body><p>No cookies here.</p></body></html>",
            [],
        ),
    }


FRAME = """<!doctype html><html><body><p>Widget</p>
<script>
  localStorage.setItem("tp_ls", "1");
  document.cookie = "tp_js=1; max-age=3600; path=/; SameSite=None; Secure";
</script></body></html>"""

THIRD_PARTY_COOKIES = {
    "/frame": [
        "tp_frame=1; Path=/; SameSite=None; Secure",
        "tp_chips=1; Path=/; SameSite=None; Secure; Partitioned; Max-Age=86400",
        "tp_insecure=1; Path=/; SameSite=None",
    ],
    "/pixel.gif": ["tp_pixel=1; Path=/; SameSite=None; Secure; Max-Age=31536000"],
}


@dataclass
class Site:
    """The two running origins of the fixture site."""

    first: str
    third: str


def _handler(pages: dict[str, tuple[str, list[str]]], robots: str) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            path = self.path.split("?", 1)[0]
            if path == "/robots.txt" and robots:
                self._send(200, "text/plain", robots.encode(), [])
            elif path in pages:
                body, cookies = pages[path]
                ctype = "text/javascript" if path.endswith(".js") else "text/html; charset=utf-8"
                if path.endswith(".bin"):  # a download, not a page
                    ctype = "application/octet-stream"
                self._send(200, ctype, body.encode(), cookies, attachment=path.endswith(".bin"))
            elif path == "/pixel.gif" and path in THIRD_PARTY_COOKIES:
                self._send(200, "image/gif", PIXEL, THIRD_PARTY_COOKIES[path])
            else:
                self._send(404, "text/plain", b"not found", [])

        def _send(
            self, status: int, ctype: str, body: bytes, cookies: list[str], attachment: bool = False
        ) -> None:
            self.send_response(status)
            self.send_header("Content-Type", ctype)
            if attachment:
                self.send_header("Content-Disposition", 'attachment; filename="file.bin"')
            self.send_header("Content-Length", str(len(body)))
            for c in cookies:
                self.send_header("Set-Cookie", c)
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, format: str, *args: object) -> None:
            pass

    return Handler


class _Server(ThreadingHTTPServer):
    """Quiet about a browser that drops a connection (a download it refuses, a closed page)."""

    def handle_error(self, request: Any, client_address: Any) -> None:
        if not isinstance(sys.exc_info()[1], ConnectionError):
            super().handle_error(request, client_address)


@contextmanager
def serve_pages(pages: dict[str, tuple[str, list[str]]], robots: str = "") -> Iterator[str]:
    """Serve ``pages`` (path → HTML and Set-Cookie lines) on a free loopback port."""
    server = _Server(("127.0.0.1", 0), _handler(pages, robots))
    with serving(server):
        yield f"http://127.0.0.1:{server.server_address[1]}"


@contextmanager
def serve_site() -> Iterator[Site]:
    """Run both origins on free loopback ports until the block ends."""
    third_pages = {"/frame": (FRAME, THIRD_PARTY_COOKIES["/frame"])}
    with serve_pages(third_pages) as third_local:
        third = third_local.replace("127.0.0.1", "tp.localhost")
        robots = "User-agent: *\nDisallow: /private\n"
        with serve_pages(first_party_pages(third), robots) as first:
            yield Site(first=first, third=third)
