"""The banner reads the consent cookie exactly as the Python codec does."""

from __future__ import annotations

import time
from typing import Any

from samtycke.consent import decode_consent_cookie, encode_consent_cookie
from samtycke.declaration import fingerprint

from .conftest import make_declaration

NOW = int(time.time())
ID = "0123456789abcdef0123456789abcdef"
FP = fingerprint(make_declaration())
VALID = encode_consent_cookie(
    {"analytics": True, "marketing": False}, 1, ID, NOW, "custom", ["heatmap"], fingerprint=FP
)
CASES = [
    VALID,
    f'"{VALID}"',
    encode_consent_cookie(["functional", "marketing"], 1, ID, NOW, "withdraw", fingerprint=FP),
    encode_consent_cookie([], 1, ID, NOW, "reject-all", fingerprint=FP),
    VALID.replace("v=2", "v=3"),
    VALID + "&c=marketing",
    VALID.replace(ID, ID.upper()),
    VALID.replace("&r=1", "&r=0"),
    VALID.replace("m=c", "m=z"),
    VALID.replace("analytics", "Analytics"),
    VALID.replace("&t=", "&t=-"),
    VALID + "&" + "x" * 2100,
    "garbage",
    "",
]


def test_browser_and_python_agree_on_the_cookie(site: Any, new_page: Any) -> None:
    site.publish(body="", endpoint=None)
    page = new_page(init_script="addEventListener('samtycke:ready', e => window.ready = e.detail)")
    for value in CASES:
        page.context.clear_cookies()
        page.context.add_cookies([{"name": "samtycke", "value": value, "url": site.origin}])
        page.goto(site.origin)
        page.wait_for_function("window.ready !== undefined")
        expected = decode_consent_cookie(value)
        seen = page.evaluate("samtycke.consent")
        assert page.evaluate("window.ready") == seen, value
        if expected is None:
            assert seen is None, value
            assert page.locator(".stk-b").is_visible(), value
            continue
        assert seen == {
            "id": expected.consent_id,
            "revision": expected.revision,
            "fingerprint": expected.fingerprint,
            "timestamp": expected.timestamp,
            "method": expected.method,
            "categories": sorted(expected.categories),
            "refusedServices": sorted(expected.refused_services),
        }, value
        assert not page.locator(".stk-b").is_visible(), value
