"""``samtycke ledger``: migrate, verify, anchor, prove, export, purge and summarise.

Exit codes: 0 ok; 1 ``verify`` or ``prove`` found tampering or a proof that
does not hold (one line naming it); 2 the database cannot be opened, a file
cannot be read or written, or an option is wrong.
"""

from __future__ import annotations

import datetime as dt
import json
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Any, TextIO

import click

from samtycke.cli._common import DB_OPTION, atomic_output
from samtycke.errors import ChainError, LedgerError
from samtycke.ledger import FORMATS, Ledger, daily_stats, export_records, format_us, purge
from samtycke.ledger.retention import MAX_DAYS

if TYPE_CHECKING:
    from samtycke.ledger.signing import KeySet

_KEY = click.option(
    "--key",
    "key_file",
    type=click.Path(dir_okay=False, path_type=Path),
    envvar="SAMTYCKE_SIGNING_KEY",
    required=True,
    help="Ed25519 private key (PEM); made when absent (env SAMTYCKE_SIGNING_KEY).",
)
_ANCHORS = click.option(
    "--anchors",
    type=click.Path(file_okay=False, path_type=Path),
    help="Folder of anchors written by `samtycke ledger anchor`.",
)
_KEYS = click.option(
    "--keys",
    "key_set",
    type=click.Path(dir_okay=False, path_type=Path),
    help="The server's key set, saved from /.well-known/samtycke-keys.json: trust what any "
    "of its keys signed (needed once the signing key was rotated).",
)
_DATES = ["%Y-%m-%d", "%Y-%m-%dT%H:%M:%S", "%Y-%m-%dT%H:%M:%SZ", "%Y-%m-%d %H:%M:%S"]


def _us(value: dt.datetime) -> int:
    return int(value.replace(tzinfo=dt.UTC).timestamp() * 1_000_000)


@click.group("ledger")
def ledger() -> None:
    """Migrate, verify, anchor, prove, export, purge or summarise the consent ledger."""


@ledger.command("migrate")
@DB_OPTION
def migrate_cmd(db: str) -> None:
    """Create the ledger or bring its schema up to date (serve does this at start)."""
    with Ledger(db, migrate=True) as led:
        applied = led.applied
    click.echo(f"applied {', '.join(applied)}" if applied else "the schema is up to date")


@ledger.command("export")
@DB_OPTION
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
        try:
            until_us = _us(until + dt.timedelta(days=1) if whole_day else until)
        except OverflowError:
            until_us = None  # the last representable day: no upper bound at all
    since_us = _us(since) if since is not None else None
    with Ledger(db) as led, _open(output) as out:
        n = export_records(led, out, fmt, since_us=since_us, until_us=until_us)
    click.echo(f"exported {n} records", err=True)


@contextmanager
def _open(path: Path | None) -> Iterator[TextIO]:
    where = "standard output" if path is None else str(path)
    try:
        if path is None:
            yield sys.stdout
            sys.stdout.flush()
        elif path.exists() and not path.is_file():
            # A device or pipe (/dev/stdout, a FIFO): write to it, never rename over it.
            with path.open("w", encoding="utf-8") as handle:
                yield handle
        else:
            with atomic_output(path) as handle:
                yield handle
    except OSError as exc:
        raise LedgerError(f"cannot write {where}: {exc.strerror or exc}") from None


def _trusted(key_set: Path | None) -> KeySet | None:
    from samtycke.ledger.signing import KeySet

    return KeySet.read(key_set) if key_set is not None else None


@ledger.command("verify")
@DB_OPTION
@_ANCHORS
@_KEYS
def verify(db: str, anchors: Path | None, key_set: Path | None) -> None:
    """Check the chain over one snapshot (and against anchors); exit 1 naming the first bad entry."""
    from samtycke.ledger import verify_chain
    from samtycke.ledger.anchors import check_anchors, load_anchors
    from samtycke.ledger.runs import record_run

    trusted = _trusted(key_set)
    signed = load_anchors(anchors, trusted) if anchors is not None else []
    with Ledger(db) as led:
        try:
            result = verify_chain(led, also=lambda view, v: check_anchors(view, v, signed))
        except ChainError as exc:
            record_run(led.engine, "verify", False, str(exc))
            raise
        record_run(
            led.engine, "verify", True, f"{result.records} records, head seq {result.head.seq}"
        )
    head = result.head
    start = f" (after the purge at seq {result.purge.seq})" if result.purge else ""
    click.echo(
        f"ok: {result.records} records verified{start}, {result.snapshots} declaration snapshots"
    )
    click.echo(f"head: seq {head.seq} hash {head.hash} time {format_us(head.recorded_us)}")
    if signed:
        click.echo(f"anchors: {len(signed)} checked, newest at seq {signed[-1].seq}")
    for fp in result.unreferenced:
        click.echo(f"note: snapshot {fp} is not referenced by any kept record")


@ledger.command("anchor")
@DB_OPTION
@click.option(
    "--out", type=click.Path(file_okay=False, path_type=Path), required=True, help="Folder."
)
@_KEY
@click.option("--tsa", help="URL of an RFC 3161 time-stamp authority.")
def anchor_cmd(db: str, out: Path, key_file: Path, tsa: str | None) -> None:
    """Sign the chain head and its Merkle root into a new file in OUT."""
    from samtycke.ledger.anchors import write_anchor
    from samtycke.ledger.runs import stored_signing_key
    from samtycke.ledger.signing import PublicKey, SigningKey

    with Ledger(db) as led:
        servers = stored_signing_key(led.engine)
        # A ledger whose servers sign already has its key: a missing file is a mistake.
        key = SigningKey.load(key_file, create=servers is None)
        if servers is not None and servers != key.public.x:
            # Anchors of another key would split the folder: verify trusts one key.
            raise LedgerError(
                f"{key_file} is key {key.public.kid}, not the one this ledger's servers sign "
                f"with ({PublicKey.kid_of(servers)}): anchor with their "
                "SAMTYCKE_SIGNING_KEY"
            )
        path, st = write_anchor(led, out, key, tsa)
    click.echo(f"anchored seq {st['seq']} hash {st['hash']} root {st['root']} → {path}")


@ledger.command("prove")
@click.argument("receipt_file", metavar="RECEIPT.json", type=click.Path(path_type=Path))
@click.option("--db", envvar="SAMTYCKE_DB", help="The ledger (env SAMTYCKE_DB).")
@_ANCHORS
@_KEYS
@click.option(
    "-o", "--output", type=click.Path(dir_okay=False, path_type=Path), help="Write the proof here."
)
def prove(
    receipt_file: Path,
    db: str | None,
    anchors: Path | None,
    key_set: Path | None,
    output: Path | None,
) -> None:
    """Show that a receipt's record is in the ledger unaltered (or check a proof offline)."""
    from samtycke.ledger.anchors import load_anchors
    from samtycke.ledger.proofs import PROOF_KIND, build_bundle, check_bundle, check_stored
    from samtycke.ledger.receipts import check_receipt

    trusted = _trusted(key_set)
    data = _read_json(receipt_file)
    if isinstance(data, dict) and data.get("kind") == PROOF_KIND and db is None:
        st = check_bundle(data, trusted)
        seq = data["receipt"]["seq"]
        click.echo(f"ok: record {seq} is under the Merkle root anchored at seq {st['seq']}")
        return
    receipt, key = check_receipt(data.get("receipt") if _is_bundle(data) else data)
    seq = receipt["seq"]
    if trusted is not None:
        trusted.check(key, f"the receipt of record {seq}")
    if db is None:
        click.echo(f"ok: receipt of record {seq} is intact and signed (no --db: not looked up)")
        return
    signed = load_anchors(anchors, trusted) if anchors is not None else []
    with Ledger(db) as led, led.reading() as view:
        check_stored(view, receipt)
        bundle = build_bundle(view, receipt, signed, trusted) if signed else None
    click.echo(f"ok: record {seq} is in the ledger unaltered")
    if bundle is not None:
        click.echo(
            f"ok: included under the Merkle root anchored at seq {bundle['inclusion']['tree_size']}"
        )
        if output is not None:
            with _open(output) as fh:
                fh.write(json.dumps(bundle, indent=2) + "\n")
            click.echo(f"proof written to {output}")


def _is_bundle(data: object) -> bool:
    return isinstance(data, dict) and "receipt" in data and "kind" not in data


def _read_json(path: Path) -> Any:
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except OSError as exc:
        raise LedgerError(f"cannot read {path}: {exc.strerror or exc}") from None
    except (ValueError, UnicodeDecodeError) as exc:
        raise LedgerError(f"{path}: not JSON ({exc})") from None


@ledger.command("purge")
@DB_OPTION
@click.option(
    "--older-than",
    "days",
    type=click.IntRange(0, MAX_DAYS),
    required=True,
    help="Days to keep.",
)
def purge_cmd(db: str, days: int) -> None:
    """Delete whole UTC days of records older than DAYS, as a chained purge entry."""
    with Ledger(db) as led:
        done = purge(led, days)
    if done.count == 0:
        click.echo(f"nothing to purge before {format_us(done.cutoff_us)}")
    else:
        click.echo(
            f"purged {done.count} records recorded before {format_us(done.cutoff_us)} "
            f"(through seq {done.through_seq}; the purge is chained — anchor now)"
        )


@ledger.command("stats")
@DB_OPTION
def stats(db: str) -> None:
    """Decisions and acceptance rate per category per day."""
    from rich.console import Console
    from rich.table import Table

    with Ledger(db) as led:
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
