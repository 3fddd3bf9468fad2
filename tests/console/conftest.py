"""Console test helpers: a live server with two sites and two users, signed-in clients."""

from __future__ import annotations

import random
import re
import secrets
from collections import Counter
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from sqlalchemy import update

from samtycke.console.rollup import Rollup, day_of
from samtycke.console.users import add_user
from samtycke.declaration import Declaration, load_declaration
from samtycke.declaration.fingerprint import fingerprint
from samtycke.ledger import Decision, Ledger, schema
from samtycke.server import ServerConfig
from samtycke.snapshots import register_snapshot
from tests import web
from tests.server.conftest import LiveServer, write_site

PASSWORDS = {"ada": "correct horse battery", "vic": "viewer password 1"}
CSRF = re.compile(r'name="csrf" value="([^"]+)"')


@pytest.fixture(scope="module")
def console(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LiveServer]:
    """A live server for shop and blog, with admin ``ada`` and viewer ``vic``."""
    folder = tmp_path_factory.mktemp("sites")
    write_site(folder, "shop", "shop.example")
    write_site(folder, "blog", "blog.example")
    db = tmp_path_factory.mktemp("db") / "ledger.db"
    config = ServerConfig(declaration=folder, db=f"sqlite:///{db}", rate=0, burst=0)
    with LiveServer(config) as live:
        engine = live.state.ledger.engine
        add_user(engine, "ada", "admin", PASSWORDS["ada"])
        add_user(engine, "vic", "viewer", PASSWORDS["vic"])
        yield live


def form_token(html: str) -> str:
    """The CSRF token of the first form on a page."""
    found = CSRF.search(html)
    assert found is not None, "the page has no form token"
    return found.group(1)


def client(server: LiveServer) -> httpx.Client:
    """A client of the live server that sends the console's own Origin."""
    return web.client(base_url=server.url, headers={"origin": server.url}, timeout=30)


def log_in(server: LiveServer, name: str, password: str | None = None) -> httpx.Client:
    """A client signed in as ``name`` (raises when the login is refused)."""
    c = client(server)
    token = form_token(c.get("/console/login").text)
    answer = c.post(
        "/console/login",
        data={"csrf": token, "name": name, "password": password or PASSWORDS[name]},
    )
    assert answer.status_code == 303, answer.text
    return c


def db_path(server: LiveServer) -> Path:
    """The SQLite file of the server's ledger."""
    return Path(str(server.state.ledger.engine.url.database))


DAY_US = 86_400 * 1_000_000
GENERATED_DAYS = 8  # the days of decisions the `generated` fixture writes
# 2026-03-01 00:00 UTC: a fixed past day, so the chain's times only move forward.
START_US = 1_772_323_200 * 1_000_000


# What revision 2 changes: a service and its cookie added, a cookie's lifetime changed.
REVISION_2 = """
[[services]]
id = "hotjar"
name = "Hotjar"
provider = "Hotjar Ltd"
category = "analytics"

[[cookies]]
name = "_hjid"
service = "hotjar"
expires = "1 year"
purpose = { en = "Heatmaps.", sv = "Värmekartor." }
"""


def declaration_at(folder: Path, site: str, domain: str, revision: int) -> Declaration:
    """The test declaration of ``site`` at ``revision`` (written under ``folder``).

    From revision 2 on it has a Hotjar service and cookie more, and ``_fbp`` lasts longer.
    """
    path = write_site(folder / f"r{revision}", site, domain, revision)
    if revision >= 2:
        text = path.read_text(encoding="utf-8").replace('"90 days"', '"180 days"')
        path.write_text(text + REVISION_2, encoding="utf-8")
    return load_declaration(path)


def fill(
    ledger: Ledger, decls: list[Declaration], days: int, per_day: int, seed: int, first_day: int = 0
) -> None:
    """Append real records over ``days`` from day ``first_day`` after START_US; later days use later decls.

    Methods, sources, languages, categories and refused services vary; GPC and
    DNT decisions carry their signal as source. Each declaration's snapshot is
    stored first, dated the day it takes over (so it marks that day).
    """
    rng = random.Random(seed)
    switch = days // len(decls)
    prints = {id(decl): fingerprint(decl) for decl in decls}
    for k, decl in enumerate(decls):
        register_snapshot(ledger, decl)
        with ledger.engine.begin() as conn:
            conn.execute(
                update(schema.snapshots)
                .where(schema.snapshots.c.fingerprint == prints[id(decl)])
                .values(created_us=START_US + (first_day + k * switch) * DAY_US)
            )
    for day in range(days):
        decl = decls[min(day // switch, len(decls) - 1)]
        cats = decl.category_ids
        batch = []
        for _ in range(per_day):
            method = rng.choice(
                ["accept-all", "reject-all", "custom", "custom", "withdraw", "gpc", "dnt"]
            )
            source = (
                method
                if method in ("gpc", "dnt")
                else rng.choice(["banner", "settings", "api", "placeholder"])
            )
            if method == "accept-all":
                choices = {c: True for c in cats}
            elif method == "custom":
                choices = {c: c == "necessary" or rng.random() < 0.5 for c in cats}
            else:
                choices = {c: c == "necessary" for c in cats}
            refusable = sorted(s.id for s in decl.services if choices.get(s.category))
            refused = (
                tuple(s for s in refusable if rng.random() < 0.3) if method == "custom" else ()
            )
            batch.append(
                Decision(
                    record_id=secrets.token_hex(16),
                    consent_id=secrets.token_hex(16),
                    site=decl.site.id,
                    revision=decl.site.revision,
                    fingerprint=prints[id(decl)],
                    language=rng.choice(decl.site.languages),
                    method=method,
                    choices=choices,
                    decision_id=secrets.token_hex(16),
                    refused_services=refused,
                    source=source,
                )
            )
        ledger.append(batch, at_us=START_US + (first_day + day) * DAY_US + 3_600_000_000)


@pytest.fixture(scope="module")
def generated(console: LiveServer, tmp_path_factory: pytest.TempPathFactory) -> list[Declaration]:
    """The live server's ledger with 8 days of shop decisions (two revisions) and displays."""
    folder = tmp_path_factory.mktemp("decls")
    decls = [declaration_at(folder, "shop", "shop.example", r) for r in (1, 2)]
    ledger: Ledger = console.state.ledger
    fill(ledger, decls, days=GENERATED_DAYS, per_day=90, seed=7)
    rng = random.Random(3)
    counter = console.app.state.console.displays
    for rec_day in sorted({day_of(r.recorded_us) for r in ledger.iter_records()}):
        counter.add(
            "shop",
            Counter(
                {
                    ("sv", "banner"): rng.randint(60, 120),
                    ("en", "banner"): rng.randint(5, 30),
                    ("sv", "settings"): rng.randint(5, 20),
                }
            ),
            day=rec_day,
        )
    counter.flush(ledger.engine)
    Rollup(ledger.engine).catch_up()  # the server's own thread may have counted some already
    return decls
