"""Every generated policy page carries the banner, and its settings button opens it."""

from __future__ import annotations

import datetime as dt
import json
from typing import Any

import pytest

from samtycke.cli.build import build_files
from samtycke.policy import render_policy

from .conftest import make_declaration

DAY = dt.date(2026, 11, 1)


def _decide_then_reopen(page: Any) -> None:
    """Decide on the first layer, then reopen the settings from the policy's own button."""
    page.locator("#samtycke [data-samtycke-action=reject-all]").click(timeout=5000)
    page.wait_for_function("window.samtycke.consent !== null")
    assert page.locator("#samtycke [role=dialog]").count() == 0
    page.locator(".samtycke-policy [data-samtycke-action=settings]").click()
    page.locator("#samtycke [role=dialog][aria-modal=true]").wait_for(state="visible")


def test_built_policy_pages_load_the_built_banner(site: Any, page: Any) -> None:
    decl = make_declaration()
    files = build_files(decl, endpoint=None, policy_url="cookies/{lang}.html")
    for name, text in files.items():
        kind = "application/json" if name.endswith(".json") else "text/html"
        kind = "text/javascript" if name.endswith(".js") else kind
        site.files["/" + name] = (kind, text.encode())
    page.goto(site.origin + "/cookies/sv.html")
    _decide_then_reopen(page)
    assert page.evaluate("samtycke.language") == "sv"


def test_built_gpc_json_says_whether_gpc_is_honoured() -> None:
    honoured = build_files(make_declaration(), endpoint=None, policy_url=None)
    assert json.loads(honoured[".well-known/gpc.json"]) == {"gpc": True}
    ignored = make_declaration(extra_site='global_privacy_control = "ignore"\nupdated = 2026-11-01')
    body = json.loads(build_files(ignored, endpoint=None, policy_url=None)[".well-known/gpc.json"])
    assert body == {"gpc": False, "lastUpdate": "2026-11-01"}


@pytest.mark.parametrize("lang", ["en", "fi"])
def test_render_policy_full_page_is_self_contained(site: Any, page: Any, lang: str) -> None:
    html = render_policy(make_declaration(), lang, updated=DAY)
    site.files["/policy"] = ("text/html", html.encode())
    page.goto(site.origin + "/policy")
    _decide_then_reopen(page)
    assert page.evaluate("samtycke.language") == lang


def test_fragment_stays_without_script() -> None:
    assert "<script" not in render_policy(make_declaration(), "en", fragment=True, updated=DAY)
