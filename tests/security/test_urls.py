"""Hostile URLs in a declaration: refused at load, never a live link in served HTML."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner

from samtycke.cli import main
from samtycke.declaration.urls import safe_href, url_problem
from samtycke.policy.html import render_html
from samtycke.policy.model import Link, Page, Paragraph
from tests import web
from tests.security.conftest import GuardedServer, write_site

HOSTILE = [
    "javascript:alert(document.domain)",
    "JavaScript:alert(1)",
    "data:text/html,<script>alert(1)</script>",
    "vbscript:msgbox(1)",
    "//evil.example/x",
    "java\tscript:alert(1)",
    'https://shop.example/" onmouseover="alert(1)',
    "https://user:pw@shop.example/",
    "/\\evil.example",
    "https://",
]

PLACES = [
    ("[site]", "privacy_policy"),
    ("[site]", "policy_url"),
    ("[banner]", "endpoint"),
    ("[[services]]", "privacy_policy"),
]


def _with(decl: Path, table: str, key: str, value: str) -> Path:
    text = decl.read_text(encoding="utf-8")
    line = f"{key} = {_toml(value)}\n"
    if table == "[[services]]":
        text = text.replace('category = "analytics"\n', 'category = "analytics"\n' + line, 1)
    elif table == "[banner]":
        text += "\n[banner]\n" + line
    else:
        text = text.replace("revision = 1\n", "revision = 1\n" + line, 1)
    decl.write_text(text, encoding="utf-8")
    return decl


def _toml(value: str) -> str:
    return '"' + value.replace("\\", "\\\\").replace('"', '\\"').replace("\t", "\\t") + '"'


@pytest.mark.parametrize(("table", "key"), PLACES)
@pytest.mark.parametrize("url", HOSTILE)
def test_check_refuses_a_hostile_url(tmp_path: Path, table: str, key: str, url: str) -> None:
    decl = _with(write_site(tmp_path, "shop", "shop.example"), table, key, url)
    result = CliRunner().invoke(main, ["check", str(decl)])
    assert result.exit_code == 1, result.output
    assert "samtycke.toml:" in result.output and key in result.output


@pytest.mark.parametrize(
    ("table", "key", "url"),
    [
        ("[site]", "privacy_policy", "https://shop.example/privacy?a=1&b='x'#top"),
        ("[site]", "policy_url", "/cookies/{lang}"),
        ("[site]", "policy_url", "cookies/{lang}.html"),
        ("[banner]", "endpoint", "https://consent.shop.example/v1/consents"),
        ("[banner]", "endpoint", "/v1/consents"),
    ],
)
def test_documented_urls_pass(tmp_path: Path, table: str, key: str, url: str) -> None:
    decl = _with(write_site(tmp_path, "shop", "shop.example"), table, key, url)
    result = CliRunner().invoke(main, ["check", str(decl)])
    assert result.exit_code == 0, result.output


@pytest.mark.parametrize("url", HOSTILE)
def test_no_hostile_href_is_ever_written(url: str) -> None:
    assert not safe_href(url)
    page = Page("en", "t", "h", (Paragraph((Link("privacy", url),)),), (), 1, "0" * 64)
    html = render_html(page, fragment=True)
    assert "privacy" in html and "href" not in html


def test_the_rule_in_short() -> None:
    assert url_problem("https://shop.example/a") is None
    assert url_problem("/a") is not None
    assert url_problem("/a", relative=True) is None
    assert safe_href("mailto:privacy@shop.example")
    assert not safe_href("mailto:x@y.z?body=<script>")
    assert not safe_href("cookies/en.html")  # page-relative: only root paths in HTML


def test_served_policy_pages_link_nothing_but_http(guarded: GuardedServer) -> None:
    html = web.get(guarded.url + "/v1/sites/shop/cookies/en").text
    for chunk in html.split('href="')[1:]:
        href = chunk.split('"', 1)[0]
        assert href.startswith(("https://", "http://", "/", "mailto:", "#")), href
