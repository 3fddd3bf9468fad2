"""The committed engine must be what banner/ builds, and banner/ must type-check."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
BANNER = ROOT / "banner"
ASSETS = ROOT / "src" / "samtycke" / "banner" / "assets"


def _node() -> str:
    node = shutil.which("node")
    if node is None:
        pytest.fail("node is not installed; the banner is built with esbuild (scripts/setup)")
    if not (BANNER / "node_modules" / "esbuild").is_dir():
        pytest.fail("banner/node_modules is missing: run `npm ci` in banner/ (scripts/setup does)")
    return node


def test_committed_engine_is_not_stale(tmp_path: Path) -> None:
    run = subprocess.run(
        [_node(), "build.mjs", str(tmp_path)],
        cwd=BANNER,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert run.returncode == 0, run.stderr
    for name in ("engine.js", "addon-send.js", "addon-signals.js", "addon-xd.js", "samtycke.d.ts"):
        built = (tmp_path / name).read_bytes()
        assert built == (ASSETS / name).read_bytes(), (
            f"src/samtycke/banner/assets/{name} is stale: run `npm run build` in banner/"
        )


def test_banner_sources_type_check() -> None:
    tsc = BANNER / "node_modules" / "typescript" / "bin" / "tsc"
    # Incremental: tsc keeps each file's hash and diagnostics in the build info,
    # so a run after no change re-reports the same errors in a third of the time.
    info = BANNER / "node_modules" / ".cache" / "samtycke" / "tsc.tsbuildinfo"
    run = subprocess.run(
        [_node(), str(tsc), "--noEmit", "-p", ".", "--incremental", "--tsBuildInfoFile", str(info)],
        cwd=BANNER,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert run.returncode == 0, run.stdout + run.stderr
