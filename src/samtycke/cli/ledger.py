"""``samtycke ledger``: export, verify, purge and summarise the consent ledger.

Exit codes: 0 ok; 1 ``verify`` found a broken chain; 2 the database cannot be
opened or an option is wrong.
"""

from __future__ import annotations

import datetime as dt
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TextIO

import click

from samtycke.cli._common import atomic_output
from samtycke.ledger import (
    FORMATS,
    Ledger,
    daily_stats,
    export_records,
    format_us,
    purge,
    verify_chain,
)

_DB = click.option(
    "--db",
    required=True,
    envvar="SAMTYCKE_DB",
    help="sqlite:///FILE or postgresql://… (env SAMTYCKE_DB)",
)
_DATES = ["%Y-%m-%d", "%Y-%m-%dT%H:%M:%S", "%Y-%m-%dT%H:%M:%SZ", "%Y-%m-%d %H:%M:%S"]


def _us(value: dt.datetime) -> int:
    return int(value.replace(tzinfo=dt.UTC).timestamp() * 1_000_000)


@click.group("ledger")
def ledger() -> None:
    """Export, verify, purge or summarise the consent ledger."""


@ledger.command("export")
@_DB
@click.option("--since", type=click.DateTime(_DATES), help="From this UTC date/time (inclusive).")
@click.option(
    "--until",
    type=click.DateTime(_DATES),
    help="Up to this UTC date (inclusive) or time (exclusive).",
)
@click.option("--format", "fmt", type=click.Choice(FORMATS), required=True)
@click.option(
    "-o", "--output", type=click.Path(dir_okay=False, path_type=Path), help="File (default stdout)."
)
def export(
    db: str, since: dt.datetime | None, until: dt.datetime | None, fmt: str, output: Path | None
) -> None:
    """Write records as CSV or JSON Lines, with the hashes needed to re-verify them."""
    until_us = None
    if until is not None:
        whole_day = until.time() == dt.time(0)
        until_us = _us(until + dt.timedelta(days=1) if whole_day else until)
    since_us = _us(since) if since is not None else None
    with Ledger(db, create=False) as led, _open(output) as out:
        n = export_records(led, out, fmt, since_us=since_us, until_us=until_us)
    click.echo(f"exported {n} records", err=True)


@contextmanager
def _open(path: Path | None) -> Iterator[TextIO]:
    if path is None:
        yield sys.stdout
        return
    try:
        with atomic_output(path) as handle:
            yield handle
    except OSError as exc:
        raise click.UsageError(f"cannot write {path}: {exc.strerror or exc}") from None


@ledger.command("verify")
@_DB
def verify(db: str) -> None:
    """Check the hash chain; exit 1 naming the first bad record, else 0."""
    with Ledger(db, create=False) as led:
        result = verify_chain(led)
    start = (
        f" (after the purge checkpoint at seq {result.checkpoint.seq})" if result.checkpoint else ""
    )
    click.echo(
        f"ok: {result.records} records verified{start}, chain head seq {result.head.seq} "
        f"hash {result.head.hash}, {result.snapshots} declaration snapshots"
    )


@ledger.command("purge")
@_DB
@click.option("--older-than", "days", type=click.IntRange(0), required=True, help="Days to keep.")
def purge_cmd(db: str, days: int) -> None:
    """Delete whole UTC days of records older than DAYS; the chain keeps a checkpoint."""
    with Ledger(db, create=False) as led:
        done = purge(led, days)
    if done.count == 0:
        click.echo(f"nothing to purge before {format_us(done.cutoff_us)}")
    else:
        click.echo(
            f"purged {done.count} records recorded before {format_us(done.cutoff_us)} "
            f"(through seq {done.through_seq}; checkpoint kept)"
        )


@ledger.command("stats")
@_DB
def stats(db: str) -> None:
    """Decisions and acceptance rate per category per day."""
    from rich.console import Console
    from rich.table import Table

    with Ledger(db, create=False) as led:
        days = daily_stats(led)
    cats: list[str] = []
    for d in days:
        cats.extend(c for c in d.accepted if c not in cats and c != "necessary")
    table = Table(title="Consent decisions per day (UTC)")
    for head in ("day", "site", "decisions", *cats):
        table.add_column(head, justify="left" if head in ("day", "site") else "right")
    for d in days:
        table.add_row(d.day, d.site, str(d.decisions), *(f"{d.rate(c):.0%}" for c in cats))
    Console(width=max(80, 30 + 12 * len(cats))).print(table)
