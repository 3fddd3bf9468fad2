"""Fixtures shared by every test area: example paths, a real Chromium, a real PostgreSQL."""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from samtycke.scanner.browser import CHROMIUM_ARGS, find_chromium

ROOT = Path(__file__).resolve().parent.parent
EXAMPLES = ROOT / "examples"


@pytest.fixture(scope="session")
def billogram_path() -> Path:
    """The Billogram example declaration."""
    return EXAMPLES / "billogram" / "samtycke.toml"


@pytest.fixture(scope="session")
def bokio_path() -> Path:
    """The Bokio example declaration."""
    return EXAMPLES / "bokio" / "samtycke.toml"


@pytest.fixture(scope="session")
def browser() -> Iterator[Any]:
    """A headless Chromium shared by the session (fresh contexts per test)."""
    from playwright.sync_api import sync_playwright

    exe = find_chromium()
    if exe is None:
        pytest.fail("no Chromium found: install Debian's chromium package (scripts/setup does)")
    with sync_playwright() as pw:
        b = pw.chromium.launch(executable_path=exe, args=CHROMIUM_ARGS, headless=True)
        yield b
        b.close()


@pytest.fixture
def page(browser: Any) -> Iterator[Any]:
    """A page in a fresh browser context."""
    context = browser.new_context()
    pg = context.new_page()
    yield pg
    context.close()


@pytest.fixture
def pg_url() -> Iterator[str]:
    """A fresh, empty PostgreSQL database on the local server, dropped afterwards."""
    import psycopg

    admin = os.environ.get("SAMTYCKE_TEST_PG", "postgresql://postgres@127.0.0.1:5432/postgres")
    name = f"samtycke_test_{uuid.uuid4().hex[:12]}"
    try:
        conn = psycopg.connect(admin, autocommit=True, connect_timeout=5)
    except psycopg.OperationalError as exc:
        pytest.fail(f"PostgreSQL is not reachable at {admin} ({exc}); scripts/setup starts it")
    with conn:
        conn.execute(f'CREATE DATABASE "{name}"')
    base = admin.rsplit("/", 1)[0]
    yield f"{base}/{name}"
    with psycopg.connect(admin, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Run the tests that use the shared sync-Playwright browser last.

    Playwright's sync API keeps an event loop running in the main thread for as
    long as the session browser lives, and ``asyncio.run`` refuses to start
    inside one; so every test that needs its own loop runs before the first
    browser test. The sort is stable: the order within each group is kept.
    """
    items.sort(key=lambda item: "browser" in getattr(item, "fixturenames", ()))
