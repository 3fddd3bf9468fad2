"""Golden files: the Billogram example's policy in every language and format.

Regenerate after an intended change with ``UPDATE_GOLDEN=1 pytest tests/policy``
and read the diff before committing it. The fingerprint is replaced by a
placeholder in the comparison, because it also covers the banner texts, which
change for reasons of their own; it is checked exactly in test_content.py.
"""

from __future__ import annotations

import datetime as dt
import os
from pathlib import Path

import pytest

from samtycke.declaration import Declaration, fingerprint, load_declaration
from samtycke.policy import render_policy

GOLDEN = Path(__file__).parent / "golden"
LANGUAGES = ("sv", "en", "fi", "nb", "de")
DAY = dt.date(2026, 11, 1)
SUFFIX = {"html": "html", "md": "md", "json": "json"}


@pytest.fixture(scope="module")
def billogram(billogram_path: Path) -> Declaration:
    return load_declaration(billogram_path)


def _compare(decl: Declaration, name: str, rendered: str) -> None:
    text = rendered.replace(fingerprint(decl), "<fingerprint>")
    path = GOLDEN / name
    if os.environ.get("UPDATE_GOLDEN") == "1":
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    assert path.exists(), f"{path} is missing; run UPDATE_GOLDEN=1 pytest tests/policy"
    expected = path.read_text(encoding="utf-8")
    assert text == expected, f"{name} differs from its golden file (UPDATE_GOLDEN=1 to accept)"


@pytest.mark.parametrize("fmt", ["html", "md", "json"])
@pytest.mark.parametrize("lang", LANGUAGES)
def test_billogram_matches_golden(billogram: Declaration, lang: str, fmt: str) -> None:
    # The script URL keeps the engine's bytes out of the golden pages.
    rendered = render_policy(billogram, lang, fmt, updated=DAY, script_src="/samtycke.js")
    _compare(billogram, f"billogram.{lang}.{SUFFIX[fmt]}", rendered)


def test_billogram_fragment_matches_golden(billogram: Declaration) -> None:
    rendered = render_policy(billogram, "sv", fragment=True, updated=DAY)
    _compare(billogram, "billogram.sv.fragment.html", rendered)
