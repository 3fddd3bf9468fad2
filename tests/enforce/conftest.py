"""A small shop declaration shared by the enforcement tests."""

from __future__ import annotations

import time
from pathlib import Path

import pytest

from samtycke.consent import encode_consent_cookie
from samtycke.declaration import Declaration, fingerprint, load_declaration

SHOP = Path(__file__).resolve().parent / "shop.toml"
SHOP_FP = fingerprint(load_declaration(SHOP))


@pytest.fixture(scope="session")
def shop_path() -> Path:
    """Path of the shop declaration (revision 3, 90 days, GPC and DNT honoured)."""
    return SHOP


@pytest.fixture(scope="session")
def shop() -> Declaration:
    """The loaded shop declaration."""
    return load_declaration(SHOP)


def cookie(*categories: str, method: str = "custom", revision: int = 3, age_days: float = 0) -> str:
    """A ``samtycke=…`` pair for a Cookie header."""
    value = encode_consent_cookie(
        list(categories),
        revision,
        timestamp=time.time() - age_days * 86400,
        method=method,
        fingerprint=SHOP_FP,
    )
    return f"samtycke={value}"


@pytest.fixture(scope="session")
def consent_cookie() -> object:
    """The :func:`cookie` helper, for tests in other files."""
    return cookie
