"""Finding a browser: $SAMTYCKE_CHROMIUM, chromium on PATH, else Playwright's own."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from samtycke.cli import main
from samtycke.errors import ScanError
from samtycke.scanner.browser import DISABLED_FEATURES, find_chromium
from tests.scanner.fixture_site import Site


def fake_exe(folder: Path, name: str) -> Path:
    exe = folder / name
    exe.write_text("#!/bin/sh\nexit 1\n", encoding="utf-8")
    exe.chmod(0o755)
    return exe


def test_env_then_path_then_none(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    mine = fake_exe(tmp_path, "my-chrome")
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    on_path = fake_exe(bin_dir, "chromium")
    monkeypatch.setenv("PATH", str(bin_dir))
    monkeypatch.setenv("SAMTYCKE_CHROMIUM", str(mine))
    assert find_chromium() == str(mine)
    monkeypatch.delenv("SAMTYCKE_CHROMIUM")
    assert find_chromium() == str(on_path)
    monkeypatch.setenv("PATH", str(tmp_path / "empty"))
    assert find_chromium() is None
    monkeypatch.setenv("SAMTYCKE_CHROMIUM", str(tmp_path / "missing"))
    with pytest.raises(ScanError, match="is not an executable file"):
        find_chromium()


def test_no_browser_anywhere_is_one_line_exit_2(site: Site, tmp_path: Path) -> None:
    import os

    env = {
        "PATH": str(tmp_path),  # no chromium on PATH
        "PLAYWRIGHT_BROWSERS_PATH": str(tmp_path / "none"),  # and no bundled browser
        "SAMTYCKE_CHROMIUM": "",
        "HOME": os.environ.get("HOME", "/root"),
    }
    res = CliRunner().invoke(main, ["scan", site.first + "/clean"], env=env)
    assert res.exit_code == 2
    assert res.stderr.startswith("samtycke: no usable browser (Playwright's bundled Chromium: ")
    assert res.stderr.rstrip().endswith("or run `playwright install chromium`")
    assert res.stderr.count("\n") == 1


def _disabled_features(browser: Any) -> set[str]:
    """The features the running browser has switched off, as chrome://version reports them."""
    page = browser.new_page()
    try:
        page.goto("chrome://version/?show-variations-cmd")
        text = page.inner_text("#variations-cmd")
    finally:
        page.close()
    found = re.search(r'--disable-features="([^"]*)"', text)
    return set(found.group(1).split(",")) if found else set()


def test_our_launch_keeps_every_feature_playwright_switches_off(browser: Any) -> None:
    plain = browser.browser_type.launch(executable_path=find_chromium(), headless=True)
    try:
        playwrights = _disabled_features(plain)
    finally:
        plain.close()
    assert "ThirdPartyStoragePartitioning" in playwrights  # the page was read
    missing = playwrights - _disabled_features(browser)
    assert not missing, f"add {sorted(missing)} to PLAYWRIGHT_DISABLED_FEATURES"
    assert set(DISABLED_FEATURES) <= _disabled_features(browser)


def test_a_context_brings_no_hidden_browser_page(browser: Any) -> None:
    context = browser.new_context()
    try:
        context.new_page()
        cdp = browser.new_browser_cdp_session()
        targets = cdp.send("Target.getTargets", {"filter": [{}]})["targetInfos"]
    finally:
        context.close()
    assert [t["url"] for t in targets if t["type"] not in ("page", "tab")] == []


def _renderers(cdp: Any) -> int:
    info = cdp.send("SystemInfo.getProcessInfo")["processInfo"]
    return [p["type"] for p in info].count("renderer")


def test_a_page_in_a_new_context_starts_one_renderer_and_no_spare(browser: Any, site: Site) -> None:
    cdp = browser.new_browser_cdp_session()
    contexts = []
    try:
        before = _renderers(cdp)
        for _ in range(3):
            contexts.append(browser.new_context())
            contexts[-1].new_page().goto(site.first + "/clean")
        after = _renderers(cdp)
    finally:
        for context in contexts:
            context.close()
        cdp.detach()
    # A renderer for each page; none kept spare for a context to come, since
    # every page of a scan has a context of its own that no spare was made for.
    assert after - before == 3
