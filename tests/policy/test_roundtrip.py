"""Escaping loses nothing: any text a declaration holds reads back unchanged.

Property tests (hypothesis): a purpose and a site name made of arbitrary
characters are rendered to HTML and Markdown, the output is parsed back (the
Markdown through markdown-it, as a docs site would), and the reader must see
exactly the text that was declared — no markup it could have smuggled in, and
no character lost to over-eager escaping.
"""

from __future__ import annotations

import re
from dataclasses import replace
from html import unescape

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from markdown_it import MarkdownIt

from samtycke.declaration import Declaration, LocalText
from samtycke.policy import render_policy
from tests.profiles import examples

from .conftest import small_declaration

BASE = small_declaration()
# Half the characters are ones that mean something in Markdown or HTML.
SPECIAL = st.sampled_from(list("*_`[]()|<>&;\\#!~-+=.:/ a1"))
TEXT = st.text(
    alphabet=st.one_of(SPECIAL, st.characters(blacklist_categories=("Cs", "Cc"))),
    min_size=1,
    max_size=60,
).filter(lambda s: s.strip() != "")
# Known hazards, always tried besides what hypothesis generates.
HAZARDS = [
    "a *em* b",
    "_u_ and __s__",
    "[y](https://evil.example) ![i](x.png)",
    "<b>bold</b> <script>x</script>",
    "`code` and ``more``",
    "x | y",
    "&amp; &copy; &#60;",
    "\\* \\",
    "~~gone~~",
    "# heading",
    "1. list",
    "- item",
    "> quote",
    "https://e.example/a_b*c",
]
MD = MarkdownIt("commonmark", {"html": True}).enable("table")


def with_texts(purpose: str, name: str) -> Declaration:
    cookies = tuple(
        replace(c, purpose=LocalText({"en": purpose}, "en")) if c.name == "_ga" else c
        for c in BASE.cookies
    )
    return replace(BASE, cookies=cookies, site=replace(BASE.site, name=name))


def seen(fragment: str) -> str:
    """What a reader sees of an HTML fragment: tags removed, entities resolved."""
    return unescape(re.sub(r"<[^>]+>", "", fragment))


def ga_cell(html: str) -> str:
    m = re.search(r"<code>_ga</code></th>(?:\s*<td>.*?</td>){3}\s*<td>(.*?)</td>", html, re.S)
    assert m, html
    return m.group(1)


def normal(text: str) -> str:
    # Markdown and HTML both show a run of white space as one space.
    return re.sub(r"\s+", " ", text).strip()


def check_html(purpose: str, name: str) -> None:
    html = render_policy(with_texts(purpose, name), "en")
    cell = ga_cell(html)
    assert seen(cell) == purpose
    assert not re.search(r"<(?!/?(a|code)\b)", cell), cell  # only our own links
    title = re.search(r"<title>(.*?)</title>", html, re.S)
    assert title and unescape(title.group(1)) == f"Cookie policy – {name}"


def check_markdown(purpose: str, name: str) -> None:
    rendered = MD.render(render_policy(with_texts(purpose, name), "en", "md"))
    m = re.search(
        r"<td><code>_ga</code></td>(?:\s*<td>.*?</td>){3}\s*<td>(.*?)</td>", rendered, re.S
    )
    assert m, rendered
    assert normal(seen(m.group(1))) == normal(purpose)
    assert not re.search(r"<(?!/?(a|code)\b)", m.group(1)), m.group(1)
    intro = re.search(r"<p>This page explains how (.*?) uses cookies", rendered, re.S)
    assert intro and normal(seen(intro.group(1))) == normal(name)


@pytest.mark.parametrize("text", HAZARDS)
def test_known_hazards_read_back_unchanged(text: str) -> None:
    check_html(text, text)
    check_markdown(text, text)


@settings(max_examples=examples(120), deadline=None)
@given(purpose=TEXT, name=TEXT)
def test_html_shows_exactly_the_declared_text(purpose: str, name: str) -> None:
    check_html(purpose, name)


@settings(max_examples=examples(120), deadline=None)
@given(purpose=TEXT, name=TEXT)
def test_markdown_shows_exactly_the_declared_text(purpose: str, name: str) -> None:
    check_markdown(purpose, name)
