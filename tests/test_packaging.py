"""The lock file covers pyproject.toml, and the package data holds the built banner."""

from __future__ import annotations

import re
import tomllib
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def normalise(name: str) -> str:
    return re.sub(r"[-_.]+", "-", name).lower()


def test_every_dependency_is_pinned_in_the_lock() -> None:
    project = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    wanted = list(project["dependencies"])
    for extra in project["optional-dependencies"].values():
        wanted += [d for d in extra if not d.startswith("samtycke[")]
    lock = (ROOT / "requirements-dev.lock").read_text(encoding="utf-8")
    pinned = {normalise(m) for m in re.findall(r"^([A-Za-z0-9_.-]+)==", lock, re.M)}
    missing = set()
    for spec in wanted:
        name = normalise(re.split(r"[\s<>=!~;\[]", spec, maxsplit=1)[0])
        platform_only = "sys_platform" in spec and name not in pinned
        if name not in pinned and not platform_only:
            missing.add(name)
    assert not missing, f"not in requirements-dev.lock (run scripts/lock): {sorted(missing)}"


def test_the_built_banner_is_package_data() -> None:
    config = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    data = config["tool"]["setuptools"]["package-data"]["samtycke"]
    assert "banner/assets/*" in data
    assert (ROOT / "src/samtycke/banner/assets/engine.js").is_file()
