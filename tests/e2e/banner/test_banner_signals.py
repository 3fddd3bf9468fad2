"""Consent signals for tags: Google Consent Mode v2 in full, Microsoft UET, Microsoft Clarity.

The documented embedding is ``<script src="samtycke.js">`` without ``defer``, placed
before the Google tag: it runs synchronously, so its defaults come first.
"""

from __future__ import annotations

from typing import Any

from samtycke.banner import build_script

from .conftest import click_decision, make_declaration

SIGNALS = """
[banner]
microsoft_uet = true
clarity = true

[banner.consent_mode]
ads_data_redaction = true
url_passthrough = true
regions = [{ region = ["US", "CA-QC"], granted = ["analytics", "marketing"] }]
"""
GTAG = (
    "<script>window.dataLayer = window.dataLayer || [];"
    "function gtag(){dataLayer.push(arguments)}"
    "gtag('js', new Date()); gtag('config', 'G-TEST');</script>"
)
# Clarity's own loader keeps a queue that already exists, as its snippet does.
CLARITY = "<script>(function(c){c.clarity = c.clarity || function(){(c.clarity.q = c.clarity.q || []).push(arguments)}})(window)</script>"


def _page(site: Any, head: str, decl: Any = None) -> None:
    decl = decl or make_declaration(gcm=True, extra=SIGNALS)
    site.files["/samtycke.js"] = ("text/javascript", build_script(decl).encode())
    html = (
        "<!doctype html><html lang='en'><head><title>t</title><link rel='icon' href='data:,'>"
        f"{head}<script>window.seen = dataLayer.map(a => Array.from(a))</script></head>"
        "<body><p>page</p></body></html>"
    )
    site.files["/"] = ("text/html", html.encode())


def _commands(page: Any) -> list[str]:
    """Each dataLayer entry as "command" or "command name" ("js" carries a date)."""
    return [
        a[0] + (f" {a[1]}" if isinstance(a[1], str) else "") for a in page.evaluate("window.seen")
    ]


def test_defaults_precede_the_google_tag_with_the_documented_embedding(
    site: Any, page: Any
) -> None:
    _page(site, "<script src='/samtycke.js'></script>" + GTAG)
    page.goto(site.origin)
    assert _commands(page) == [
        "consent default",  # the region-scoped default
        "consent default",  # everywhere else: denied
        "set ads_data_redaction",
        "set url_passthrough",
        "js",
        "config G-TEST",
    ]
    region, default, redaction, passthrough = page.evaluate("window.seen.slice(0, 4)")
    assert region[2]["region"] == ["US", "CA-QC"]
    assert region[2]["analytics_storage"] == region[2]["ad_storage"] == "granted"
    assert region[2]["functionality_storage"] == "denied"
    assert "region" not in default[2] and default[2]["ad_storage"] == "denied"
    assert redaction[2] is True and passthrough[2] is True


def test_a_stored_decision_is_in_the_data_layer_before_the_tag(site: Any, page: Any) -> None:
    _page(site, "<script src='/samtycke.js'></script>" + GTAG)
    page.goto(site.origin)
    page.click("[data-samtycke-action=accept-all]")
    page.reload()
    assert _commands(page)[4] == "consent update"
    assert page.evaluate("window.seen[4][2].ad_storage") == "granted"
    assert _commands(page)[5:] == ["js", "config G-TEST"]


def test_a_deferred_embedding_is_reported(site: Any, page: Any) -> None:
    _page(site, "<script src='/samtycke.js' defer></script>" + GTAG)
    warnings: list[str] = []
    page.on("console", lambda m: warnings.append(m.text) if m.type == "warning" else None)
    page.goto(site.origin)
    page.locator(".stk-b").wait_for()
    assert _commands(page)[:2] == ["js", "config G-TEST"]
    assert any("before gtag" in w for w in warnings)


def test_uet_and_clarity_follow_the_categories(site: Any, page: Any) -> None:
    _page(site, "<script src='/samtycke.js'></script>" + CLARITY)
    page.goto(site.origin)
    assert page.evaluate("window.uetq") == ["consent", "default", {"ad_storage": "denied"}]
    assert page.evaluate("window.clarity.q || []") == []  # nothing decided, nothing said
    page.click(".stk-b [data-samtycke-action=settings]")
    page.click("#stk-c-analytics")
    click_decision(page, "[data-samtycke-action=save]")
    assert page.evaluate("window.uetq.slice(3)") == ["consent", "update", {"ad_storage": "denied"}]
    assert page.evaluate("Array.from(window.clarity.q.at(-1))") == [
        "consentv2",
        {"ad_Storage": "denied", "analytics_Storage": "granted"},
    ]
    page.evaluate("samtycke.acceptAll()")
    assert page.evaluate("window.uetq.slice(-3)") == [
        "consent",
        "update",
        {"ad_storage": "granted"},
    ]
    assert page.evaluate("Array.from(window.clarity.q.at(-1))")[1]["ad_Storage"] == "granted"
    page.reload()  # the stored decision is passed on at load, before the tags
    assert page.evaluate("window.uetq.slice(3)") == ["consent", "update", {"ad_storage": "granted"}]
    assert page.evaluate("Array.from(window.clarity.q[0])")[0] == "consentv2"


def test_nothing_for_tags_a_site_does_not_use(site: Any, page: Any) -> None:
    _page(
        site,
        "<script src='/samtycke.js'></script><script>window.dataLayer=[]</script>",
        make_declaration(),
    )
    page.goto(site.origin)
    page.click("[data-samtycke-action=accept-all]")
    assert page.evaluate("[window.uetq, window.clarity, window.dataLayer.length]") == [
        None,
        None,
        0,
    ]
