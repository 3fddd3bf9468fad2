"""The same vectors through banner/src/cookie.ts: ``node --test`` in banner/ (no browser)."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest

BANNER = Path(__file__).resolve().parents[2] / "banner"


def test_cookie_ts_passes_the_shared_vectors() -> None:
    node = shutil.which("node")
    if node is None or not (BANNER / "node_modules" / "esbuild").is_dir():
        pytest.fail("node and banner/node_modules are needed: run scripts/setup")
    run = subprocess.run(
        [node, "--test", "test/"], cwd=BANNER, capture_output=True, text=True, timeout=120
    )
    assert run.returncode == 0, run.stdout[-4000:] + run.stderr[-2000:]
    assert "# fail 0" in run.stdout and "# pass 0" not in run.stdout
