"""Time the console's analytics page over the aggregates of a ten-million-record ledger.

The aggregates are synthetic: ``console_decisions``, ``console_optins`` and
``console_displays`` are filled with the rows a ledger of ``--records``
decisions over ``--days`` days and three sites would leave (the page reads only
these tables, so their size, not the records', is what it costs). That the
rollup of real records produces exactly these tables is tested separately
(tests/console/test_rollup.py, test_analytics.py); ``--real N`` also appends N
real records and reports the rollup's CPU time per record.

The page is requested through the real app (routing, session check, rendering)
with Starlette's TestClient, signed in as a viewer; each timing is the median of
``--runs`` requests, wall and CPU (this process: the app runs in it).

    nice -n 10 .venv/bin/python benchmarks/console/run.py --records 10000000 --runs 20
"""

from __future__ import annotations

import argparse
import datetime as dt
import random
import re
import secrets
import statistics
import tempfile
import time
from pathlib import Path

from starlette.testclient import TestClient

from samtycke.console.rollup import Rollup
from samtycke.console.users import add_user
from samtycke.ledger import Decision, Ledger, schema
from samtycke.ledger.upsert import add_rows
from samtycke.server import ServerConfig, create_app

SITES = ("shop", "blog", "news")
SITE = """
[site]
id = "{id}"
name = "{id}"
controller = "Bench AB"
contact = "privacy@{id}.example"
domains = ["{id}.example"]
languages = ["sv", "en"]
revision = 1

[[services]]
id = "ga"
name = "Google Analytics"
provider = "Google"
category = "analytics"

[[services]]
id = "meta"
name = "Meta pixel"
provider = "Meta"
category = "marketing"

[[cookies]]
name = "_ga"
service = "ga"
expires = "2 years"
purpose = {{ en = "Counts visits.", sv = "Räknar besök." }}

[[cookies]]
name = "_fbp"
service = "meta"
expires = "90 days"
purpose = {{ en = "Ads.", sv = "Annonser." }}

[[cookies]]
name = "theme"
category = "functional"
expires = "1 year"
purpose = {{ en = "Theme.", sv = "Tema." }}
"""
METHODS = (  # method, source, share of decisions
    ("accept-all", "banner", 0.46),
    ("reject-all", "banner", 0.22),
    ("custom", "settings", 0.17),
    ("withdraw", "settings", 0.01),
    ("gpc", "gpc", 0.08),
    ("dnt", "dnt", 0.03),
    ("accept-all", "api", 0.03),
)
CATEGORY_SHARE = {"necessary": 1.0, "functional": 0.7, "analytics": 0.6, "marketing": 0.5}
SERVICE_SHARE = {"ga": 0.58, "meta": 0.48}


def fill_aggregates(ledger: Ledger, records: int, days: int, seed: int) -> int:
    """Write the aggregate rows ``records`` decisions would leave; how many rows."""
    rng = random.Random(seed)
    last = dt.date.today()
    per_site_day = records / (len(SITES) * days)
    decisions, optins, displays = [], [], []
    for site in SITES:
        for k in range(days):
            day = (last - dt.timedelta(days=days - 1 - k)).isoformat()
            revision = 1 + k // 120
            n_day = int(per_site_day * rng.uniform(0.8, 1.2))
            for language, share in (("sv", 0.7), ("en", 0.3)):
                for method, source, m_share in METHODS:
                    n = int(n_day * share * m_share)
                    decisions.append(
                        {
                            "site": site,
                            "day": day,
                            "language": language,
                            "revision": revision,
                            "method": method,
                            "source": source,
                            "count": n,
                        }
                    )
                shown = int(n_day * share * 1.4)
                displays.append(
                    {
                        "site": site,
                        "day": day,
                        "language": language,
                        "layer": "banner",
                        "count": shown,
                    }
                )
                displays.append(
                    {
                        "site": site,
                        "day": day,
                        "language": language,
                        "layer": "settings",
                        "count": shown // 6,
                    }
                )
            for kind, shares in (("category", CATEGORY_SHARE), ("service", SERVICE_SHARE)):
                for name, p in shares.items():
                    optins.append(
                        {
                            "site": site,
                            "day": day,
                            "revision": revision,
                            "kind": kind,
                            "name": name,
                            "count": int(n_day * p),
                        }
                    )
    with ledger.engine.begin() as conn:
        add_rows(conn, schema.console_decisions, decisions)
        add_rows(conn, schema.console_optins, optins)
        add_rows(conn, schema.console_displays, displays)
    return len(decisions) + len(optins) + len(displays)


def append_real(ledger: Ledger, n: int) -> None:
    """Append ``n`` real records of shop (for the rollup's cost per record)."""
    snap = ledger.snapshots("shop")[0]
    rng = random.Random(1)
    for start in range(0, n, 1000):
        ledger.append(
            [
                Decision(
                    record_id=secrets.token_hex(16),
                    consent_id=secrets.token_hex(16),
                    site="shop",
                    revision=snap.revision,
                    fingerprint=snap.fingerprint,
                    language=rng.choice(["sv", "en"]),
                    method="custom",
                    choices={c: rng.random() < p for c, p in CATEGORY_SHARE.items()},
                    decision_id=secrets.token_hex(16),
                    source="banner",
                )
                for _ in range(min(1000, n - start))
            ]
        )


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--records", type=int, default=10_000_000)
    ap.add_argument("--days", type=int, default=365)
    ap.add_argument("--runs", type=int, default=20)
    ap.add_argument("--real", type=int, default=0, help="Also roll up this many real records.")
    ap.add_argument("--db", help="A database URL (default: a temporary SQLite file).")
    args = ap.parse_args()
    with tempfile.TemporaryDirectory(prefix="samtycke-console-bench-") as tmp:
        folder = Path(tmp) / "sites"
        for site in SITES:
            (folder / site).mkdir(parents=True)
            (folder / site / "samtycke.toml").write_text(SITE.format(id=site), encoding="utf-8")
        url = args.db or f"sqlite:///{Path(tmp) / 'ledger.db'}"
        with Ledger(url, migrate=True) as ledger:
            rows = fill_aggregates(ledger, args.records, args.days, seed=1)
            add_user(ledger.engine, "bench", "viewer", "bench password 1")
        print(
            f"aggregates: {rows} rows standing for {args.records:,} records over {args.days} days, {len(SITES)} sites"
        )
        app = create_app(ServerConfig(declaration=folder, db=url, rate=0, burst=0))
        with TestClient(app, base_url="http://127.0.0.1") as client:
            client.headers["origin"] = "http://127.0.0.1"
            form = client.get("/console/login").text
            token = re.search(r'name="csrf" value="([^"]+)"', form).group(1)  # type: ignore[union-attr]
            assert (
                client.post(
                    "/console/login",
                    data={"csrf": token, "name": "bench", "password": "bench password 1"},
                    follow_redirects=False,
                ).status_code
                == 303
            )
            if args.real:
                ledger = app.state.samtycke.ledger
                append_real(ledger, args.real)
                rollup = Rollup(ledger.engine)
                cpu = time.process_time()
                counted = rollup.catch_up()
                cpu = time.process_time() - cpu
                print(
                    f"rollup: {counted} real records in {cpu:.2f} s CPU = {cpu / counted * 1e6:.1f} µs CPU per record"
                )
            today = dt.date.today()
            for label, days in (("30 days", 30), ("365 days", 365)):
                first = (today - dt.timedelta(days=days - 1)).isoformat()
                path = f"/console/analytics?site=shop&from={first}&to={today.isoformat()}"
                wall, cpu_t = [], []
                for _ in range(args.runs):
                    w, c = time.perf_counter(), time.process_time()
                    answer = client.get(path)
                    wall.append(time.perf_counter() - w)
                    cpu_t.append(time.process_time() - c)
                    assert answer.status_code == 200, answer.status_code
                csv_answer = client.get(path + "&format=csv")
                assert csv_answer.status_code == 200
                print(
                    f"analytics page, {label}: median {statistics.median(wall) * 1000:.1f} ms wall, "
                    f"{statistics.median(cpu_t) * 1000:.1f} ms CPU ({len(answer.content):,} B HTML); goal ≤ 200 ms"
                )


if __name__ == "__main__":
    main()
