"""Configuration from SAMTYCKE_* variables and declaration folders."""

from __future__ import annotations

from pathlib import Path

import pytest

from samtycke.errors import DeclarationFileError
from samtycke.server.config import ConfigError, config_from_env, parse_rate
from samtycke.server.sites import load_sites, site_for_host
from tests.server.conftest import write_site


def test_environment_is_read_and_options_win(tmp_path: Path) -> None:
    env = {
        "SAMTYCKE_DECLARATION": str(tmp_path),
        "SAMTYCKE_DB": "postgresql://u@h/db",
        "SAMTYCKE_PORT": "9000",
        "SAMTYCKE_WORKERS": "3",
        "SAMTYCKE_IP": "off",
        "SAMTYCKE_USER_AGENT": "on",
        "SAMTYCKE_RATE_LIMIT": "5/s,20",
        "SAMTYCKE_PUBLIC_URL": "https://consent.example.com",
    }
    cfg = config_from_env(env, port=9100)
    assert (cfg.db, cfg.port, cfg.workers, cfg.ip_mode) == ("postgresql://u@h/db", 9100, 3, "off")
    assert cfg.store_user_agent and (cfg.rate, cfg.burst) == (5.0, 20)
    assert config_from_env(cfg.to_env()) == cfg  # what worker processes rebuild


@pytest.mark.parametrize(
    ("env", "message"),
    [
        ({}, "no declaration"),
        ({"SAMTYCKE_PORT": "http"}, "SAMTYCKE_PORT has value 'http': not a whole number"),
        ({"SAMTYCKE_PORT": "70000"}, "between 0 and 65535"),
        ({"SAMTYCKE_IP": "hash"}, "SAMTYCKE_IP has value 'hash'"),
        ({"SAMTYCKE_USER_AGENT": "maybe"}, "not a valid bool"),
        ({"SAMTYCKE_RATE_LIMIT": "lots"}, "not RATE/s,BURST"),
        ({"SAMTYCKE_PUBLIC_URL": "consent.example.com/x"}, "not a base URL"),
    ],
)
def test_bad_values_name_the_variable(env: dict[str, str], message: str, tmp_path: Path) -> None:
    if env:
        env = {"SAMTYCKE_DECLARATION": str(tmp_path), **env}
    with pytest.raises(ConfigError, match=message):
        config_from_env(env)


def test_rate_off() -> None:
    assert parse_rate("off") == (0.0, 0)
    assert parse_rate("2.5/s, 10") == (2.5, 10)


def test_a_folder_serves_every_site(tmp_path: Path) -> None:
    write_site(tmp_path, "shop", "shop.example")
    (tmp_path / "blog.toml").write_text(
        (write_site(tmp_path / "x", "blog", "blog.example")).read_text(), encoding="utf-8"
    )
    sites = load_sites(tmp_path)
    assert sorted(sites) == ["blog", "shop"]
    assert site_for_host(sites, "cdn.shop.example:8443").id == "shop"  # type: ignore[union-attr]
    assert site_for_host(sites, "127.0.0.1:8000") is None


def test_duplicate_site_ids_and_empty_folders_are_refused(tmp_path: Path) -> None:
    with pytest.raises(DeclarationFileError, match=r"holds no samtycke\.toml"):
        load_sites(tmp_path)
    write_site(tmp_path / "a", "shop", "shop.example")
    write_site(tmp_path / "b", "shop", "other.example")
    with pytest.raises(DeclarationFileError, match="no such file"):
        load_sites(tmp_path / "nothing")
    with pytest.raises(DeclarationFileError, match="already declared"):
        load_sites(_both(tmp_path))


def _both(root: Path) -> Path:
    both = root / "both"
    for name in ("a", "b"):
        (both / name).mkdir(parents=True, exist_ok=True)
        (both / name / "samtycke.toml").write_text(
            (root / name / "shop" / "samtycke.toml").read_text(), encoding="utf-8"
        )
    return both
