"""The app's lifetime: what start-up leaves behind for the requests."""

from __future__ import annotations

import gc
from pathlib import Path

from samtycke.server import ServerConfig, create_app
from tests.server.conftest import LiveServer, write_site


def test_start_up_leaves_its_objects_out_of_later_collections(tmp_path: Path) -> None:
    shop = write_site(tmp_path, "shop", "shop.example")
    cfg = ServerConfig(declaration=shop, db=f"sqlite:///{tmp_path / 'l.db'}", rate=0, burst=0)
    gc.unfreeze()
    with LiveServer(cfg, app=create_app(cfg, own_process=True)):
        assert gc.get_freeze_count() > 10_000  # modules, declarations, engines
    gc.unfreeze()


def test_an_app_in_someone_elses_process_leaves_its_heap_alone(tmp_path: Path) -> None:
    shop = write_site(tmp_path, "shop", "shop.example")
    cfg = ServerConfig(declaration=shop, db=f"sqlite:///{tmp_path / 'l.db'}", rate=0, burst=0)
    gc.unfreeze()
    with LiveServer(cfg):
        assert gc.get_freeze_count() == 0
