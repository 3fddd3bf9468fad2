"""One page's visit: the links it hands to the crawl."""

from __future__ import annotations

from email.message import Message
from urllib.parse import urlsplit

from samtycke.scanner import ScanOptions, scan
from tests.scanner.fixture_apps import Answer, html, not_found, serve_app

# Links in the light DOM, in an open shadow root and in one nested inside it.
HOME = html(
    "Home",
    """<a href="/a">A</a><div id="host"></div><a href="/d">D</a>
<script>
  const outer = document.getElementById("host").attachShadow({ mode: "open" });
  outer.innerHTML = '<a href="/b">B</a><span id="inner"></span><a>no href</a>';
  const inner = outer.getElementById("inner").attachShadow({ mode: "open" });
  inner.innerHTML = '<a href="/c">C</a>';
</script>""",
)


def _route(path: str, headers: Message) -> Answer:
    if path == "/":
        return 200, HOME, [], {}
    if path in ("/a", "/b", "/c", "/d"):
        return 200, html(path, '<a href="/">Home</a>'), [], {}
    return not_found()


def test_links_in_open_shadow_roots_are_followed_after_the_documents_own() -> None:
    with serve_app(_route) as port:
        result = scan(
            f"http://127.0.0.1:{port}/",
            options=ScanOptions(settle=0.4, banner_wait=0.5, screenshot=False),
        )
    assert [urlsplit(p).path for p in result.pages] == ["/", "/a", "/d", "/b", "/c"]
    assert {v.phase for v in result.visits} == {"before-consent", "after-reject", "after-accept"}
