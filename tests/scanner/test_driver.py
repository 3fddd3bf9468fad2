"""The banner driver on hand-written copies of each platform's markup, in real Chromium."""

from __future__ import annotations

import asyncio

import pytest

from samtycke.scanner.banner_rules import RULES
from samtycke.scanner.browser import launch_browser
from samtycke.scanner.driver import drive_banner

# Minimal markup per platform: just the ids and classes its real banner uses.
MARKUP = {
    "onetrust": '<div id="onetrust-banner-sdk"><button id="onetrust-accept-btn-handler">A</button>'
    '<button id="onetrust-reject-all-handler">R</button></div>',
    "cookiebot": '<div id="CybotCookiebotDialog"><button id="CybotCookiebotDialogBodyLevelButtonLevelOptinAllowAll">A</button>'
    '<button id="CybotCookiebotDialogBodyButtonDecline">R</button></div>',
    "didomi": '<div id="didomi-host"><button id="didomi-notice-agree-button">A</button>'
    '<button id="didomi-notice-disagree-button">R</button></div>',
    "quantcast": '<div class="qc-cmp2-container"><div class="qc-cmp2-summary-buttons">'
    '<button mode="secondary">R</button><button mode="primary">A</button></div></div>',
    "cookieyes": '<div class="cky-consent-container"><button class="cky-btn cky-btn-reject">R</button>'
    '<button class="cky-btn cky-btn-accept">A</button></div>',
    "klaro": '<div class="klaro"><div class="cookie-notice"><button class="cm-btn cn-decline">R</button>'
    '<button class="cm-btn cm-btn-success cm-btn-accept-all">A</button></div></div>',
    "vanilla-cookieconsent": '<div id="cc-main"><div class="cm__btns"><button data-role="all">A</button>'
    '<button data-role="necessary">R</button></div></div>',
    "complianz": '<div class="cmplz-cookiebanner"><button class="cmplz-btn cmplz-accept">A</button>'
    '<button class="cmplz-btn cmplz-deny">R</button></div>',
    "tarteaucitron": '<div id="tarteaucitronRoot"><button id="tarteaucitronPersonalize2">A</button>'
    '<button id="tarteaucitronAllDenied2">R</button></div>',
    "sourcepoint": '<div class="message"><button class="sp_choice_type_11">A</button>'
    '<button class="sp_choice_type_13">R</button></div>',
    "trustarc": '<div id="truste-consent-track"><button id="truste-consent-button">A</button>'
    '<button id="truste-consent-required">R</button></div>',
    "iubenda": '<div id="iubenda-cs-banner"><button class="iubenda-cs-accept-btn">A</button>'
    '<button class="iubenda-cs-reject-btn">R</button></div>',
    "osano": '<div class="osano-cm-dialog"><button class="osano-cm-accept-all">A</button>'
    '<button class="osano-cm-denyAll">R</button></div>',
    "samtycke": '<div><button data-samtycke-action="accept-all">A</button>'
    '<button data-samtycke-action="reject-all">R</button></div>',
}

# Usercentrics renders inside an open shadow root.
USERCENTRICS = """<div id="usercentrics-root"></div><script>{
const root = document.getElementById("usercentrics-root").attachShadow({mode: "open"});
root.innerHTML = '<button data-testid="uc-deny-all-button">R</button>' +
                 '<button data-testid="uc-accept-all-button">A</button>';
for (const b of root.querySelectorAll("button")) b.onclick = () => { window.clicked = b.textContent; };
}</script>"""

TEXTS = {
    "sv": ("Godkänn alla", "Avvisa alla"),
    "en": ("Accept all", "Reject all"),
    "fi": ("Hyväksy kaikki", "Hylkää kaikki"),
    "nb": ("Godta alle", "Avslå alle"),
    "de": ("Alle akzeptieren", "Alle ablehnen"),
}

CLICK = """<script>for (const b of document.querySelectorAll("button, a"))
  b.onclick = () => { window.clicked = b.textContent.trim(); };</script>"""


async def _cases() -> list[tuple[str, str, str | None, str | None]]:
    from playwright.async_api import async_playwright

    out = []
    async with async_playwright() as pw:
        browser = await launch_browser(pw)
        page = await browser.new_page()
        cases = [(name, html + CLICK) for name, html in MARKUP.items()]
        cases.append(("usercentrics", USERCENTRICS))
        for lang, (acc, rej) in TEXTS.items():
            # decoys first: a link and a hidden button must not be chosen
            html = (
                f'<a href="#">Read more</a><button style="display:none">{acc}</button>'
                f'<div class="my-banner"><button>Settings</button><button> {rej} </button>'
                f"<a role='button' href='#'>{acc.upper()}</a></div>"
            )
            cases.append((f"text-{lang}", html + CLICK))
        cases.append(("none", "<p>No banner.</p>" + CLICK))
        for name, html in cases:
            for action in ("accept-all", "reject-all"):
                await page.set_content(html)
                await page.evaluate("window.clicked = null")
                driven = await drive_banner(page, action, wait=0)  # type: ignore[arg-type]
                clicked = await page.evaluate("window.clicked || null")
                out.append((name, action, driven, clicked))
        await browser.close()
    return out


@pytest.fixture(scope="module")
def outcomes() -> list[tuple[str, str, str | None, str | None]]:
    return asyncio.run(_cases())


def test_every_platform_rule(outcomes: list[tuple[str, str, str | None, str | None]]) -> None:
    got = {(n, a): (d, c) for n, a, d, c in outcomes if not n.startswith(("text", "none"))}
    expected = {}
    for name in [*MARKUP, "usercentrics"]:
        expected[name, "accept-all"] = (name, "A")
        expected[name, "reject-all"] = (name, "R")
    assert got == expected
    assert {r.name for r in RULES} | {"samtycke"} == set(MARKUP) | {"usercentrics"}


def test_text_heuristic_in_five_languages(
    outcomes: list[tuple[str, str, str | None, str | None]],
) -> None:
    got = {(n, a): (d, c) for n, a, d, c in outcomes if n.startswith(("text", "none"))}
    expected: dict[tuple[str, str], tuple[str | None, str | None]] = {
        ("none", "accept-all"): (None, None),
        ("none", "reject-all"): (None, None),
    }
    for lang, (acc, rej) in TEXTS.items():
        expected[f"text-{lang}", "accept-all"] = ("text", acc.upper())
        expected[f"text-{lang}", "reject-all"] = ("text", rej)
    assert got == expected
