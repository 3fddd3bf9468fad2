"""Fixtures shared by every test area: example paths, a real Chromium, a real PostgreSQL."""

from __future__ import annotations

import functools
import gc
import inspect
import os
import sys
import tempfile
import uuid
from collections.abc import Iterator
from pathlib import Path
from types import CodeType, ModuleType
from typing import Any

import pytest

# A run without bytecode caches (PYTHONDONTWRITEBYTECODE, set in many containers)
# rewrites and compiles every test module again in each xdist worker, and every
# `python -m samtycke` or verify helper a test starts compiles samtycke again:
# most of a quick run's time. The caches go to the __pycache__ folders git and
# the sdist ignore.
sys.dont_write_bytecode = False
os.environ.pop("PYTHONDONTWRITEBYTECODE", None)

# A test process holds every test module, SQLAlchemy, Starlette and Hypothesis.
# With the default thresholds (700, 10, 10) the cyclic collector took about 3
# CPU-s of a quick run's two workers; these larger ones let short-lived cycles
# go in fewer passes and nearly halve that. A test that needs a collection makes
# one itself.
gc.set_threshold(10_000, 20, 20)

import tests.profiles  # noqa: E402, F401 (registers and loads the Hypothesis profiles)

_DEFAULT_LEDGER_DIR: list[tempfile.TemporaryDirectory[str]] = []


def pytest_collectstart(collector: pytest.Collector) -> None:
    """Point the framework integrations' default ledger into a temporary folder.

    Framework apps built in tests without a ledger URL get the integrations'
    default, a file in the working directory; servers on PostgreSQL without
    ``SAMTYCKE_SIGNING_KEY`` make their key in the user's data folder
    (``XDG_DATA_HOME``), which goes there too. Set when the first collector
    under tests/ starts, before any test module imports the integrations, a
    test run never writes a ledger or a signing key into the checkout or the
    home folder; and xdist's controlling process, which collects nothing,
    never loads them.
    """
    if _DEFAULT_LEDGER_DIR:
        return
    import samtycke.contrib.inprocess

    folder = tempfile.TemporaryDirectory(prefix="samtycke-tests-")
    _DEFAULT_LEDGER_DIR.append(folder)
    samtycke.contrib.inprocess.DEFAULT_DB = f"sqlite:///{Path(folder.name) / 'samtycke-ledger.db'}"
    os.environ["XDG_DATA_HOME"] = str(Path(folder.name) / "data")  # also for the processes started


@pytest.hookimpl(tryfirst=True)
def pytest_unconfigure(config: pytest.Config) -> None:
    """Freeze the heap once the session is over: all that is left is exiting.

    pytest's last garbage collection (to report unraisable exceptions) and the
    interpreter's own at exit walk every object a test process made: about
    0.7 CPU-s per xdist worker, and about 2 s before the controlling process
    sees the last worker gone. Frozen objects are left out of both. Each test
    is still checked for unraisable exceptions as it runs; only cycles still
    uncollected when the session ends are not examined.
    """
    gc.freeze()


ROOT = Path(__file__).resolve().parent.parent
EXAMPLES = ROOT / "examples"


@pytest.fixture(scope="session", autouse=True)
def _cheap_password_hashes() -> Iterator[None]:
    """Console passwords hashed cheaply in every test process (see tests/passwords.py).

    Imported here, not at the top: xdist's controlling process, which runs no
    test, then never loads the console, SQLAlchemy and argon2.
    """
    from tests.passwords import cheap_password_hashes

    with cheap_password_hashes():
        yield


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

    from samtycke.scanner.browser import CHROMIUM_ARGS, find_chromium

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


# Fixtures that start or drive a real Chromium: a test using one is an e2e test.
BROWSER_FIXTURES = frozenset({"browser", "page", "result", "site"})
# Entry points that launch Chromium themselves; a test module importing one runs it.
BROWSER_ENTRY_POINTS = frozenset(
    {"scan", "launch_browser", "serve_pages", "run_job", "Monitor", "BrokerRunner"}
)
BROWSER_MODULES = ("samtycke.scanner", "tests.scanner", "samtycke.monitor")
# Subcommands of the samtycke CLI that launch Chromium; a test passing one runs it.
BROWSER_COMMANDS = frozenset({"scan"})


def _strings_reached(func: Any, names: dict[str, Any]) -> set[str]:
    """The string constants of ``func``, its nested code and the module functions it calls."""
    home = getattr(func, "__module__", None)
    todo = [getattr(func, "__code__", None)]
    seen: set[CodeType] = set()
    found: set[str] = set()
    while todo:
        code = todo.pop()
        if not isinstance(code, CodeType) or code in seen:
            continue
        seen.add(code)
        found.update(c for c in code.co_consts if isinstance(c, str))
        todo += [c for c in code.co_consts if isinstance(c, CodeType)]
        for name in code.co_names:
            target = names.get(name)
            if inspect.isfunction(target) and target.__module__ == home:
                todo.append(target.__code__)
    return found


def needs_browser(item: pytest.Item) -> bool:
    """Whether ``item`` runs a real Chromium (by place, fixture, import or CLI command)."""
    if "e2e" in Path(str(item.path)).relative_to(ROOT / "tests").parts:
        return True
    if BROWSER_FIXTURES & set(getattr(item, "fixturenames", ())):
        return True
    module = getattr(item, "module", None)
    if module is None:
        return False
    found = _module_runs_browser(module)
    if found is not None:
        return found
    return bool(BROWSER_COMMANDS & _strings_reached(getattr(item, "obj", None), vars(module)))


@functools.cache
def _module_runs_browser(module: ModuleType) -> bool | None:
    """True when ``module`` imports a browser entry point, False when it cannot run one.

    None when it imports the CLI group (``samtycke.cli.main``), which runs the
    scanner when told ``scan``: then each test's own strings decide. Asked once
    per module, not for each of its tests (every worker collects them all).
    """
    names = vars(module)
    if any(
        getattr(names.get(n), "__module__", "").startswith(BROWSER_MODULES)
        for n in BROWSER_ENTRY_POINTS
    ):
        return True
    if any(getattr(v, "__module__", None) == "samtycke.cli" for v in names.values()):
        return None
    return False


def needs_postgres(item: pytest.Item) -> bool:
    """Whether ``item`` uses the real PostgreSQL (``pg_url``, or ``db_url`` on PostgreSQL)."""
    if "pg_url" in getattr(item, "fixturenames", ()):
        return True
    callspec = getattr(item, "callspec", None)
    return callspec is not None and "postgres" in callspec.params.values()


@pytest.fixture(autouse=True)
def _chromium_only_in_e2e(request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch) -> None:
    """A test that launches Chromium without the ``e2e`` marker fails, saying so.

    ``scripts/test --fast`` must stay browser-free; a test the rules above
    miss is caught here, the first time it runs, rather than slowing it down.
    """
    if request.node.get_closest_marker("e2e") is not None:
        return
    import playwright.async_api
    import playwright.sync_api

    def refuse(*args: object, **kwargs: object) -> None:
        pytest.fail(
            f"{request.node.nodeid} launches Chromium but is not marked e2e; "
            "teach needs_browser() in tests/conftest.py what it uses"
        )

    for api in (playwright.async_api, playwright.sync_api):
        monkeypatch.setattr(api.BrowserType, "launch", refuse)


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Mark browser and PostgreSQL tests, then run the shared-browser tests last.

    The ``e2e`` and ``postgres`` markers come from what a test uses, so
    ``-m "not e2e and not postgres and not load"`` (``scripts/test --fast``)
    is always the subset that needs neither (``load`` is written on the tests).

    Playwright's sync API keeps an event loop running in the main thread for as
    long as the session browser lives, and ``asyncio.run`` refuses to start
    inside one; so every test that needs its own loop runs before the first
    browser test. The sort is stable: the order within each group is kept.
    """
    for item in items:
        if needs_browser(item):
            item.add_marker(pytest.mark.e2e)
        if needs_postgres(item):
            item.add_marker(pytest.mark.postgres)
    items.sort(key=lambda item: "browser" in getattr(item, "fixturenames", ()))
