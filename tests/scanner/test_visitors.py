"""Other visitors: a browser sending GPC, a logged-in one, a site under a multi-label suffix."""

from __future__ import annotations

import json
from email.message import Message
from pathlib import Path
from urllib.parse import urlsplit

import pytest

from samtycke.declaration import parse_declaration
from samtycke.errors import ScanError
from samtycke.scanner import ScanOptions, scan
from samtycke.scanner.model import BLOCKED_NOTE
from samtycke.scanner.party import registrable_domain, same_party
from tests.scanner.fixture_apps import Answer, html, not_found, serve_app
from tests.scanner.fixture_site import PIXEL

B, R, A, G = "before-consent", "after-reject", "after-accept", "gpc"

SITE = """
[site]
id = "visitors"
name = "Visitors"
controller = "Visitors AB"
contact = "privacy@visitors.test"
domains = ["{domain}"]
languages = ["en"]
"""


def _cookie(name: str, category: str) -> str:
    return (
        f'[[cookies]]\nname = "{name}"\ncategory = "{category}"\n'
        f'expires = "session"\npurpose = "A test cookie."\n'
    )


def _path(url: str | None) -> str | None:
    return None if url is None else urlsplit(url).path


# --- GPC ---------------------------------------------------------------------------

GPC_PAGE = html(
    "GPC",
    """<script>
  if (!navigator.globalPrivacyControl) document.cookie = "js_ad=1; path=/";
  document.cookie = "always_ad=1; path=/";
  document.cookie = "fn_lang=sv; path=/";
</script>""",
)


def _gpc_route(path: str, headers: Message) -> Answer:
    if path != "/":
        return not_found()
    cookies = [] if headers.get("Sec-GPC") == "1" else ["srv_ad=1; Path=/"]
    return 200, GPC_PAGE, cookies, {}


def test_gpc_phase_reports_its_violations_apart() -> None:
    site = SITE.format(domain="127.0.0.1").replace(
        "[site]\n", '[site]\nglobal_privacy_control = "necessary-and-functional"\n'
    )
    decl = parse_declaration(
        site
        + "".join(_cookie(n, "marketing") for n in ("srv_ad", "js_ad", "always_ad"))
        + _cookie("fn_lang", "functional")
    )
    with serve_app(_gpc_route) as port:
        result = scan(
            f"http://127.0.0.1:{port}/", declaration=decl, options=ScanOptions(settle=1, gpc=True)
        )
    assert [p.phase for p in result.phases] == [B, R, A, G]
    assert {c.name: c.phases for c in result.cookies} == {
        "srv_ad": [B, R, A],
        "js_ad": [B, R, A],
        "always_ad": [B, R, A, G],
        "fn_lang": [B, R, A, G],
    }
    got = {(v.kind, v.cookie, v.phase) for v in result.violations}
    every = ("srv_ad", "js_ad", "always_ad", "fn_lang")
    assert got == {
        *{("set-before-consent", n, B) for n in every},
        *{("set-after-reject", n, R) for n in every},
        # the header and navigator.globalPrivacyControl were honoured; this one
        # ignores both. fn_lang is functional, which the declaration's GPC
        # policy (necessary-and-functional) allows.
        ("set-under-gpc", "always_ad", G),
    }


# --- logged in -----------------------------------------------------------------------


def _account_route(path: str, headers: Message) -> Answer:
    logged_in = "session=ok" in (headers.get("Cookie") or "")
    if path == "/":
        return 200, html("Home", '<a href="/account">Account</a>'), [], {}
    if path == "/login":
        return 200, html("Log in", "<form></form>"), [], {}
    if path.startswith("/account") and not logged_in:
        return 302, "", [], {"Location": "/login"}
    if path == "/account":
        body = '<a href="/account/settings">Settings</a>'
        return 200, html("Account", body), ["acct_tab=orders; Path=/account"], {}
    if path == "/account/settings":
        return 200, html("Settings", "<p>Theme</p>"), ["acct_theme=dark; Path=/"], {}
    return not_found()


def _state(path: Path, domain: str) -> Path:
    cookie = {
        "name": "session",
        "value": "ok",
        "domain": domain,
        "path": "/",
        "expires": -1,
        "httpOnly": True,
        "secure": False,
        "sameSite": "Lax",
    }
    path.write_text(json.dumps({"cookies": [cookie], "origins": []}), encoding="utf-8")
    return path


def test_logged_in_scan_from_a_storage_state(tmp_path: Path) -> None:
    state = _state(tmp_path / "state.json", "127.0.0.1")
    with serve_app(_account_route) as port:
        url = f"http://127.0.0.1:{port}/"
        inside = scan(url, options=ScanOptions(settle=1, storage_state=state))
        outside = scan(url, options=ScanOptions(settle=1))
    assert [_path(p) for p in inside.pages] == ["/", "/account", "/account/settings"]
    assert {(c.name, c.path): c.phases for c in inside.cookies} == {
        ("acct_tab", "/account"): [B, R, A],
        ("acct_theme", "/"): [B, R, A],
    }
    # the login cookie came with the state: it is not something the site set
    assert outside.cookies == []
    assert [_path(p) for p in outside.pages] == ["/", "/account"]


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("not json", "not a storage state file"),
        ('{"cookies": {}}', 'needs lists "cookies" and "origins"'),
        ('{"cookies": [{"name": "a"}]}', "cookie 1 needs name, value, domain and path"),
    ],
)
def test_bad_storage_state_is_one_clear_error(tmp_path: Path, text: str, message: str) -> None:
    path = tmp_path / "state.json"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(ScanError, match=message):
        scan("http://127.0.0.1:9/", options=ScanOptions(storage_state=path))


# --- an answer kept in local storage ----------------------------------------------------

LS_BANNER = """<div id="cmp"><button data-samtycke-action="accept-all">OK</button>
<button data-samtycke-action="reject-all">No</button></div>
<script>
  const choice = localStorage.getItem("cmp_choice");
  if (choice !== null) document.getElementById("cmp").remove();
  // Only a page loaded with the stored answer sets it; the click itself does not.
  if (choice === "yes") document.cookie = "ls_ok=1; path=/";
  for (const [action, value] of [["accept-all", "yes"], ["reject-all", "no"]]) {
    document.querySelector(`[data-samtycke-action="${action}"]`).onclick = () => {
      localStorage.setItem("cmp_choice", value);
      document.getElementById("cmp").remove();
    };
  }
</script>"""


def _ls_route(path: str, headers: Message) -> Answer:
    if path == "/":
        body = " ".join(f'<a href="/{p}">{p}</a>' for p in "abc")
    elif path in ("/a", "/b", "/c"):
        body = "<p>Content.</p>"
    else:
        return not_found()
    return 200, html(path, body + LS_BANNER), [], {}


def test_answer_kept_in_local_storage_reaches_every_page() -> None:
    # The phase's contexts open while the banner is being answered; each must
    # still load its page with the answer's local storage in place.
    with serve_app(_ls_route) as port:
        result = scan(f"http://127.0.0.1:{port}/", options=ScanOptions(settle=1))
    ok = next(c for c in result.cookies if c.name == "ls_ok")
    assert ok.phases == [A]
    assert sorted(_path(p) for p in ok.pages) == ["/", "/a", "/b", "/c"]
    assert [(p.phase, p.banner) for p in result.phases] == [
        (B, None),
        (R, "samtycke"),
        (A, "samtycke"),
    ]
    assert {s.key: s.phases for s in result.storage} == {"cmp_choice": [R, A]}


# --- a multi-label public suffix -------------------------------------------------------------


def test_registrable_domain_by_the_public_suffix_list() -> None:
    assert registrable_domain("www.shop.co.uk") == "shop.co.uk"
    assert registrable_domain("static.shop.co.uk") == "shop.co.uk"
    assert registrable_domain("alice.github.io") == "alice.github.io"
    assert registrable_domain(".Example.COM") == "example.com"
    assert registrable_domain("127.0.0.1") == "127.0.0.1"
    assert registrable_domain("localhost") == "localhost"
    assert same_party("www.shop.co.uk", "static.shop.co.uk")
    assert not same_party("shop.co.uk", "other.co.uk")
    assert not same_party("alice.github.io", "bob.github.io")


def test_first_and_third_party_under_co_uk() -> None:
    def shop(path: str, headers: Message) -> Answer:
        if path != "/":
            return not_found()
        body = (
            f'<img src="http://static.shop.co.uk:{assets}/s.gif" width="1" height="1" alt="">'
            f'<iframe src="http://ads.other.co.uk:{assets}/frame" title="ad"></iframe>'
        )
        return 200, html("Shop", body), ["www_sid=1; Path=/", "wide=1; Domain=co.uk; Path=/"], {}

    def cdn(path: str, headers: Message) -> Answer:
        if path == "/s.gif":
            return 200, PIXEL, ["cdn_pref=1; Path=/"], {}
        if path == "/frame":
            script = '<script>document.cookie = "ad_frame=1; path=/";</script>'
            return 200, html("Ad", script), [], {}
        return not_found()

    decl = parse_declaration(SITE.format(domain="www.shop.co.uk"))
    with serve_app(cdn) as assets, serve_app(shop) as port:
        result = scan(
            f"http://www.shop.co.uk:{port}/",
            declaration=decl,
            options=ScanOptions(settle=1, max_pages=1, host_rules="MAP *.co.uk 127.0.0.1"),
        )
    got = {c.name: (c.domain, c.third_party, c.note) for c in result.cookies}
    assert got == {
        "www_sid": ("www.shop.co.uk", False, None),
        # another host, but the same registrable domain: first party
        "cdn_pref": ("static.shop.co.uk", False, None),
        # co.uk is a public suffix: other.co.uk is another site
        "ad_frame": ("ads.other.co.uk", True, BLOCKED_NOTE),
    }
    rejected = {r for v in result.visits for r in v.rejected}
    assert any(r.startswith("wide: ") for r in rejected), rejected
