"""Take the screenshots of docs/console.md: .venv/bin/python docs/img/console_screenshots.py

A real server on 127.0.0.1 (a free port, stopped at the end) for the Billogram
example, with a SQLite ledger in a temporary folder holding three weeks of
generated records under two revisions (the first without the Hotjar cookies),
banner displays, a verify and an anchor run; then the console in headless
Chromium, signed in as an admin.
"""

from __future__ import annotations

import random
import secrets
import socket
import sys
import tempfile
import threading
import time
from collections import Counter
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parents[1]
sys.path.insert(0, str(ROOT / "src"))

import uvicorn  # noqa: E402
from playwright.sync_api import sync_playwright  # noqa: E402
from sqlalchemy import update  # noqa: E402

from samtycke.console.rollup import Rollup, day_of  # noqa: E402
from samtycke.console.users import add_user  # noqa: E402
from samtycke.declaration import load_declaration  # noqa: E402
from samtycke.declaration.fingerprint import fingerprint  # noqa: E402
from samtycke.ledger import Decision, schema  # noqa: E402
from samtycke.ledger.runs import record_run  # noqa: E402
from samtycke.scanner.browser import CHROMIUM_ARGS, find_chromium  # noqa: E402
from samtycke.server import ServerConfig, create_app  # noqa: E402
from samtycke.snapshots import register_snapshot  # noqa: E402

BILLOGRAM = ROOT / "examples" / "billogram" / "samtycke.toml"
DAY_US = 86_400 * 1_000_000
DAYS = 21
PASSWORD = "screenshot password"


def revisions(folder: Path) -> tuple[Path, Path]:
    """Billogram's declaration as revision 1 (no Hotjar cookies yet) and 2 (as it is)."""
    text = BILLOGRAM.read_text(encoding="utf-8")
    blocks = text.split("\n[[cookies]]\n")
    old = "\n[[cookies]]\n".join(b for b in blocks if 'name = "_hj' not in b)
    paths = []
    for name, body in (("old", old), ("new", text.replace("revision = 1", "revision = 2", 1))):
        path = folder / name / "samtycke.toml"
        path.parent.mkdir(parents=True)
        path.write_text(body, encoding="utf-8")
        paths.append(path)
    return paths[0], paths[1]


def populate(app: object, folder: Path) -> None:
    """Three weeks of records and displays, then the aggregates and two runs."""
    state = app.state.samtycke  # type: ignore[attr-defined]
    ledger = state.ledger
    old, new = load_declaration(folder / "old" / "samtycke.toml"), state.sites["billogram"].decl
    start = (time.time_ns() // 1000 // DAY_US - DAYS + 1) * DAY_US
    register_snapshot(ledger, old)
    for decl, day in ((old, 0), (new, 9)):
        with ledger.engine.begin() as conn:
            conn.execute(
                update(schema.snapshots)
                .where(schema.snapshots.c.fingerprint == fingerprint(decl))
                .values(created_us=start + day * DAY_US + 3_600_000_000)
            )
    rng = random.Random(5)
    counter = app.state.console.displays  # type: ignore[attr-defined]
    for day in range(DAYS):
        decl = old if day < 9 else new
        n = rng.randint(260, 340)
        batch = []
        for _ in range(n):
            method = rng.choices(
                ["accept-all", "reject-all", "custom", "gpc", "dnt"], [48, 24, 16, 9, 3]
            )[0]
            cats = decl.category_ids
            choices = {
                c: method == "accept-all"
                or c == "necessary"
                or (method == "custom" and rng.random() < 0.5)
                for c in cats
            }
            source = (
                method if method in ("gpc", "dnt") else rng.choice(["banner", "banner", "settings"])
            )
            batch.append(
                Decision(
                    record_id=secrets.token_hex(16),
                    consent_id=secrets.token_hex(16),
                    site="billogram",
                    revision=decl.site.revision,
                    fingerprint=fingerprint(decl),
                    language=rng.choice(["sv", "sv", "en"]),
                    method=method,
                    choices=choices,
                    decision_id=secrets.token_hex(16),
                    source=source,
                )
            )
        at = start + day * DAY_US + 12 * 3_600_000_000
        ledger.append(batch, at_us=min(at, time.time_ns() // 1000))
        shown = int(n * rng.uniform(1.15, 1.4))
        counter.add(
            "billogram",
            Counter(
                {
                    ("sv", "banner"): shown * 2 // 3,
                    ("en", "banner"): shown // 3,
                    ("sv", "settings"): n // 5,
                }
            ),
            day=day_of(at),
        )
    counter.flush(ledger.engine)
    Rollup(ledger.engine).catch_up()
    head = ledger.head()
    record_run(ledger.engine, "verify", True, f"{head.seq} records, head seq {head.seq}")
    record_run(
        ledger.engine,
        "anchor",
        True,
        f"seq {head.seq} hash {head.hash} → anchor-{head.seq:012d}.json",
    )
    add_user(ledger.engine, "ada", "admin", PASSWORD)


def main() -> None:
    with tempfile.TemporaryDirectory(prefix="samtycke-shots-") as tmp, socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
        s.close()
        _, current = revisions(Path(tmp))
        config = ServerConfig(
            declaration=current,
            db=f"sqlite:///{Path(tmp) / 'ledger.db'}",
            port=port,
            rate=0,
            burst=0,
        )
        app = create_app(config)
        server = uvicorn.Server(
            uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning")
        )
        thread = threading.Thread(target=server.run, daemon=True)
        thread.start()
        while not server.started:
            time.sleep(0.05)
        try:
            populate(app, Path(tmp))
            base = f"http://127.0.0.1:{port}"
            with sync_playwright() as pw:
                browser = pw.chromium.launch(
                    executable_path=find_chromium(), args=CHROMIUM_ARGS, headless=True
                )
                page = browser.new_page(viewport={"width": 1100, "height": 760})
                page.goto(f"{base}/console")
                page.screenshot(path=str(HERE / "console-login.png"))
                page.fill("#name", "ada")
                page.fill("#password", PASSWORD)
                page.click("button[type=submit]")
                page.wait_for_url(f"{base}/console")
                first = day_of(time.time_ns() // 1000 - (DAYS - 1) * DAY_US)
                page.goto(f"{base}/console/analytics?site=billogram&from={first}")
                page.screenshot(path=str(HERE / "console-analytics.png"), full_page=True)
                page.goto(f"{base}/console/ledger")
                page.screenshot(path=str(HERE / "console-ledger.png"), full_page=True)
                page.goto(f"{base}/console/declarations")
                page.screenshot(path=str(HERE / "console-declarations.png"), full_page=True)
                browser.close()
        finally:
            server.should_exit = True
            thread.join(timeout=20)


if __name__ == "__main__":
    main()
