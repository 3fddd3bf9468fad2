"""Putting the monitor together: declarations to pages, the embedded default, its switches."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import Engine

from samtycke.declaration import load_declaration
from samtycke.errors import DeclarationFileError, MonitorError
from samtycke.monitor.service import embedded, load_targets, pages_of
from samtycke.server.config import ConfigError

SITE = """\
[site]
id = "{site}"
name = "Shop"
controller = "Shop AB"
contact = "privacy@shop.example"
domains = ["{site}.example"]
languages = ["en"]
{monitor}
"""


def _write(folder: Path, site: str, monitor: str = "[monitor]") -> Path:
    path = folder / f"{site}.toml"
    path.write_text(SITE.format(site=site, monitor=monitor), encoding="utf-8")
    return path


def test_a_folder_of_declarations_gives_every_monitored_page(tmp_path: Path) -> None:
    _write(tmp_path, "shop")
    _write(
        tmp_path, "blog", '[monitor]\nurls = ["https://blog.example/", "https://blog.example/a"]'
    )
    _write(tmp_path, "quiet", "")
    found = [(t.site, t.url) for t in load_targets(tmp_path)]
    assert found == [
        ("blog", "https://blog.example/"),
        ("blog", "https://blog.example/a"),
        ("shop", "https://shop.example/"),
    ]
    assert [t.url for t in pages_of(load_targets(tmp_path), "shop")] == ["https://shop.example/"]
    with pytest.raises(MonitorError, match=r"'quiet' is not monitored \(monitored: blog, shop\)"):
        pages_of(load_targets(tmp_path), "quiet")


def test_one_site_id_in_two_files_is_refused(tmp_path: Path) -> None:
    _write(tmp_path, "shop")
    (tmp_path / "copy.toml").write_text((tmp_path / "shop.toml").read_text(), encoding="utf-8")
    with pytest.raises(DeclarationFileError, match="site id 'shop' is already declared"):
        load_targets(tmp_path)


def test_serve_embeds_nothing_without_a_monitored_site(
    sqlite_engine: Engine, tmp_path: Path
) -> None:
    decl = load_declaration(_write(tmp_path, "quiet", ""))
    assert embedded(sqlite_engine, [decl], {}) is None


def test_serve_embeds_nothing_when_switched_off(sqlite_engine: Engine, tmp_path: Path) -> None:
    decl = load_declaration(_write(tmp_path, "shop"))
    assert embedded(sqlite_engine, [decl], {"SAMTYCKE_MONITOR": "off"}) is None


def test_a_monitor_setting_that_is_no_broker_is_one_line(
    sqlite_engine: Engine, tmp_path: Path
) -> None:
    decl = load_declaration(_write(tmp_path, "shop"))
    with pytest.raises(
        ConfigError, match="SAMTYCKE_MONITOR has value 'rabbit': give embedded, off"
    ):
        embedded(sqlite_engine, [decl], {"SAMTYCKE_MONITOR": "rabbit"})
