"""Snapshot diffs name what was added, removed and changed, section by section."""

from __future__ import annotations

import json
from pathlib import Path

from samtycke.console.diff import diff_snapshots
from samtycke.declaration.fingerprint import canonical_json
from tests.console.conftest import declaration_at


def content(tmp_path: Path, revision: int) -> dict[str, object]:
    data: dict[str, object] = json.loads(
        canonical_json(declaration_at(tmp_path, "shop", "shop.example", revision))
    )
    return data


def test_revision_2_adds_a_service_and_cookie_and_changes_one(tmp_path: Path) -> None:
    d = diff_snapshots(content(tmp_path, 1), content(tmp_path, 2))
    assert d["services"].added == ["hotjar"] and not d["services"].removed
    assert d["cookies"].added == ["_hjid (shop.example)"]
    assert d["cookies"].changed == {"_fbp (shop.example)": ["expires"]}
    assert not d["categories"]
    assert d["site"].changed == {"site": ["revision"]}


def test_going_back_removes_them(tmp_path: Path) -> None:
    d = diff_snapshots(content(tmp_path, 2), content(tmp_path, 1))
    assert d["services"].removed == ["hotjar"] and d["cookies"].removed == ["_hjid (shop.example)"]


def test_the_first_snapshot_adds_everything(tmp_path: Path) -> None:
    d = diff_snapshots(None, content(tmp_path, 1))
    assert d["categories"].added == ["analytics", "functional", "marketing", "necessary"]
    assert not d["site"]
