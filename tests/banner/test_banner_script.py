"""build_script: the engine plus one site's config, in one file that strict CSP allows."""

from __future__ import annotations

import gzip
import json
import re

from samtycke.banner import banner_config, banner_css, build_script, engine_js, type_declarations
from samtycke.banner.script import COMPILE_HINT, addon_js
from samtycke.declaration import parse_declaration

TOML = """
[site]
id = "s"
name = "</script><script>alert(1)</script>\u2028!"
controller = "S AB"
contact = "p@s.test"
domains = ["s.test"]
languages = ["en"]

[[cookies]]
name = "a"
category = "analytics"
expires = "1 day"
purpose = "Counts."
"""


def config_of(script: str) -> dict[str, object]:
    head, sep, _ = script.partition(";\n")
    assert sep and head.startswith("window.samtyckeConfig=")
    parsed: dict[str, object] = json.loads(head.removeprefix("window.samtyckeConfig="))
    return parsed


def test_config_comes_first_then_the_engine() -> None:
    decl = parse_declaration(TOML)
    script = build_script(decl, endpoint="/v1/consents", policy_url="/p/{lang}")
    assert config_of(script) == banner_config(
        decl, endpoint="/v1/consents", policy_url="/p/{lang}", purposes=False
    )
    assert script.endswith(engine_js())


def test_the_engine_is_compiled_while_it_loads() -> None:
    # Right after the config, before the add-ons and the engine it covers (whose click
    # handlers would otherwise be compiled inside the first interaction).
    lines = build_script(parse_declaration(TOML), endpoint="/v1/consents").split("\n")
    assert lines[0].startswith("window.samtyckeConfig=") and lines[1] == COMPILE_HINT


def test_purposes_only_when_asked() -> None:
    decl = parse_declaration(TOML)
    assert "Counts." not in build_script(decl)
    assert "Counts." in build_script(decl, purposes=True)


def test_config_cannot_close_an_inlined_script_tag() -> None:
    script = build_script(parse_declaration(TOML))
    head = script.partition(";\n")[0]
    assert "</script" not in head.lower()
    assert "\u2028" not in head
    assert config_of(script)["name"] == "</script><script>alert(1)</script>\u2028!"


def test_css_ships_inside_the_script() -> None:
    assert banner_css() == ""
    assert ".stk-btn{" in engine_js()
    assert "adoptedStyleSheets" in engine_js()


def test_engine_needs_no_eval_and_writes_no_html() -> None:
    engine = engine_js()
    for unsafe in (
        "innerHTML",
        "outerHTML",
        "insertAdjacentHTML",
        "document.write",
        "eval(",
        "Function(",
    ):
        assert unsafe not in engine, unsafe
    assert not re.search(r"setAttribute\(\s*['\"]style", engine)


def test_engine_is_small() -> None:
    # The size goal: engine JS+CSS at most 7 KB gzip -9.
    assert len(gzip.compress(engine_js().encode(), 9)) <= 7 * 1024


def test_types_are_published() -> None:
    types = type_declarations()
    for name in ("SamtyckeApi", "SamtyckeConsent", "samtycke:change", "acceptAll", "accepted"):
        assert name in types


def test_engine_can_be_inlined_in_html() -> None:
    # The full policy page inlines samtycke.js; neither sequence may end or extend its <script>.
    assert "</" not in engine_js() and "<!--" not in engine_js()


SHOP = TOML.replace('domains = ["s.test"]', 'domains = ["s.test", "s-shop.test"]')
SHARED = '[shared_consent]\ndomains = ["s.test", "s-shop.test"]\n'


def test_shared_domains_get_the_handshake_add_on_and_others_do_not() -> None:
    xd = addon_js("addon-xd.js")
    assert "/v1/xd/" in xd and "/v1/xd/" not in engine_js()
    shared = build_script(parse_declaration(SHOP + SHARED), endpoint="/v1/consents")
    alone = build_script(parse_declaration(SHOP), endpoint="/v1/consents")
    assert xd in shared and shared.endswith(xd + engine_js())
    assert xd not in alone and "/v1/xd/" not in alone
    # Without a consent server there is nothing to ask.
    assert xd not in build_script(parse_declaration(SHOP + SHARED))


def test_tag_signals_are_an_add_on_for_the_sites_that_enable_them() -> None:
    signals = addon_js("addon-signals.js")
    assert "ads_data_redaction" in signals and "ads_data_redaction" not in engine_js()
    assert signals not in build_script(parse_declaration(SHOP))
    for switch in ("[banner]\nmicrosoft_uet = true\n", "[banner]\nclarity = true\n"):
        assert signals in build_script(parse_declaration(SHOP + switch))
    gcm = SHOP.replace('languages = ["en"]', 'languages = ["en"]\ngoogle_consent_mode = true')
    assert signals in build_script(parse_declaration(gcm))


def test_add_ons_need_no_eval_and_can_be_inlined() -> None:
    for name in ("addon-send.js", "addon-signals.js", "addon-xd.js"):
        js = addon_js(name)
        assert "</" not in js and "<!--" not in js and "eval(" not in js, name


def test_sending_is_an_add_on_for_a_script_with_an_endpoint() -> None:
    send = addon_js("addon-send.js")
    assert "samtycke.pending" in send and "samtycke.pending" not in engine_js()
    assert send in build_script(parse_declaration(SHOP), endpoint="/v1/consents")
    assert send not in build_script(parse_declaration(SHOP))
    # The receipt of a decision recorded elsewhere on the origin shows on every page.
    assert "samtycke.receipt" in engine_js()
