"""Declaration text is untrusted: every string is escaped in HTML and Markdown (point 8).

The Markdown is also rendered with markdown-it (CommonMark + tables, HTML
allowed, as a docs site would) to prove the escaping holds in a real renderer.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

import pytest
from markdown_it import MarkdownIt

from samtycke.declaration import Declaration, parse_declaration
from samtycke.policy import render_policy

SCRIPT = "<script>alert(1)</script>"
IMG = '"><img src=x onerror=alert(2)>'
MD = "| ![x](javascript:alert(3)) [y](https://evil.example) `z` *em* _u_ ~~s~~ & \\"

HOSTILE = f"""
[site]
id = "evil"
name = {SCRIPT + IMG!r}
controller = {"Evil AB " + IMG!r}
contact = {"mail me " + SCRIPT!r}
domains = ["evil.example"]
languages = ["en", "sv"]

[categories.extras]
label = {{ en = {"Extras " + SCRIPT!r}, sv = {"Extra " + IMG!r} }}
description = {{ en = {"Desc " + MD!r}, sv = {"Beskr " + IMG!r} }}

[[services]]
id = "tracker"
name = {"Tracker " + SCRIPT!r}
provider = {"Provider " + IMG + MD!r}
category = "marketing"
privacy_policy = "https://evil.example/policy?a=1&b='x'"

[[cookies]]
name = "x|y`z&w"
service = "tracker"
domain = "tracker.example"
expires = "1 day"
purpose = {{ en = {SCRIPT + IMG + MD!r}, sv = {"# Rubrik " + MD + IMG!r} }}

[[cookies]]
name = "1.2"
category = "extras"
expires = "session"
purpose = {{ en = {"- not a list " + MD!r}, sv = {"1. inte en lista " + SCRIPT!r} }}

[[storage]]
name = "k*"
kind = "sessionStorage"
category = "extras"
purpose = {{ en = {SCRIPT!r}, sv = {IMG!r} }}
"""


@pytest.fixture(scope="module")
def hostile() -> Declaration:
    return parse_declaration(HOSTILE, "hostile.toml")


def _tags(html: str, check_html: Callable[[str], Any]) -> list[tuple[str, dict[str, Any]]]:
    doc = check_html(html)
    assert doc.errors == []
    tags: list[tuple[str, dict[str, Any]]] = doc.tags
    return tags


@pytest.mark.parametrize("lang", ["en", "sv"])
@pytest.mark.parametrize("fragment", [False, True])
def test_html_escapes_every_declaration_string(
    hostile: Declaration, lang: str, fragment: bool, check_html: Callable[[str], Any]
) -> None:
    html = render_policy(hostile, lang, fragment=fragment, script_src="/samtycke.js")
    tags = _tags(html, check_html)
    names = {t for t, _ in tags}
    scripts = [attrs for t, attrs in tags if t == "script"]
    assert scripts == ([] if fragment else [{"src": "/samtycke.js", "defer": None}])
    html = html.replace('<script src="/samtycke.js" defer></script>', "")
    assert "img" not in names
    assert not any(a.startswith("on") for _, attrs in tags for a in attrs)
    assert "<script" not in html and "<img" not in html
    assert "&lt;script&gt;" in html or "&lt;img" in html
    # the only links are ours and the declared policy URL, quoted safely
    hrefs = [attrs["href"] for t, attrs in tags if t == "a"]
    assert "https://evil.example/policy?a=1&b='x'" in hrefs
    assert not any(h.startswith("javascript") for h in hrefs)
    assert 'href="https://evil.example/policy?a=1&amp;b=&#x27;x&#x27;"' in html
    assert "<code>x|y`z&amp;w</code>" in html


def test_inlined_banner_cannot_be_ended_by_declaration_text(hostile: Declaration) -> None:
    html = render_policy(hostile, "en")
    assert html.count("<script") == 1 and html.count("</script>") == 1
    assert "\\u003cscript>alert(1)\\u003c/script>" in html  # the site name, in the config


def test_html_title_and_attributes_escape_the_site_name(hostile: Declaration) -> None:
    html = render_policy(hostile, "en")
    title = re.search(r"<title>(.*)</title>", html)
    assert title and "<" not in title.group(1)
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in title.group(1)


def _md_html(md: str) -> str:
    return MarkdownIt("commonmark", {"html": True}).enable("table").render(md)


@pytest.mark.parametrize("lang", ["en", "sv"])
def test_markdown_neutralises_html(
    hostile: Declaration, lang: str, check_html: Callable[[str], Any]
) -> None:
    md = render_policy(hostile, lang, "md")
    assert "<script" not in md and "<img" not in md
    rendered = _md_html(md)
    tags = _tags(rendered, check_html)
    names = {t for t, _ in tags}
    assert "script" not in names and "img" not in names
    assert not any(a.startswith("on") for _, attrs in tags for a in attrs)
    # our own button is the one raw HTML element that is meant to stay
    assert [t for t in names if t == "button"] == ["button"]


@pytest.mark.parametrize("lang", ["en", "sv"])
def test_markdown_neutralises_links_emphasis_and_tables(hostile: Declaration, lang: str) -> None:
    md = render_policy(hostile, lang, "md")
    rendered = _md_html(md)
    hrefs = re.findall(r'<a href="([^"]*)"', rendered)
    assert not any("javascript" in h for h in hrefs)
    # "[y](…)" stays text; a bare URL may become a link, but only one that shows itself
    assert ">y</a>" not in rendered
    for href, text in re.findall(r'<a href="(https?://[^"]*)"[^>]*>(.*?)</a>', rendered):
        assert text in (href, "privacy policy", "integritetspolicy") or text.startswith(
            ("Delete cookies", "Radera cookies")
        )
    assert "<em>" not in rendered and "<strong>em" not in rendered and "<del>" not in rendered
    # every table row keeps exactly its columns despite "|" in names and texts
    for table in re.findall(r"<table>.*?</table>", rendered, re.S):
        widths = {
            row.count("<td") + row.count("<th") for row in re.findall(r"<tr>.*?</tr>", table, re.S)
        }
        assert len(widths) == 1, widths
    assert "<code>x|y`z&amp;w</code>" in rendered


def test_markdown_text_cannot_start_a_heading_or_list(hostile: Declaration) -> None:
    en = _md_html(render_policy(hostile, "en", "md"))
    sv = _md_html(render_policy(hostile, "sv", "md"))
    # headings come only from the page structure, never from declaration text
    assert "Rubrik" not in "".join(re.findall(r"<h\d>.*?</h\d>", sv))
    assert "<ol" not in sv and "<ol" not in en
    assert "1. inte en lista" in sv or "1\\. inte en lista" in render_policy(hostile, "sv", "md")


def test_markdown_escapes_plain_pipes_brackets_and_backticks() -> None:
    decl = parse_declaration(
        """
[site]
id = "p"
name = "A | B [c] `d` <e>"
controller = "C"
contact = "c@p.example"
domains = ["p.example"]
languages = ["en"]

[[cookies]]
name = "n"
category = "necessary"
expires = "session"
purpose = "x | y [z](https://p.example) `w` <b>"
""",
        "p.toml",
    )
    md = render_policy(decl, "en", "md")
    assert "x \\| y \\[z\\]([https://p.example](<https://p.example>)) \\`w\\` &lt;b&gt;" in md
    assert "A \\| B \\[c\\] \\`d\\` &lt;e&gt;" in md
