"""Finding a browser: $SAMTYCKE_CHROMIUM, chromium on PATH, else Playwright's own."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner

from samtycke.cli import main
from samtycke.errors import ScanError
from samtycke.scanner.browser import find_chromium
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
