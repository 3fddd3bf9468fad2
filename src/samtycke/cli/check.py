"""``samtycke check FILE``: validate a declaration."""

from __future__ import annotations

import click

from samtycke.cli._common import load_or_exit, plural


@click.command()
@click.argument("file", type=click.Path(dir_okay=True, path_type=str))
@click.option("-q", "--quiet", is_flag=True, help="Print nothing when the file is valid.")
@click.option(
    "--db",
    default=None,
    help="Also warn when the ledger at URL holds other content under the same revision "
    "(read only).",
)
def check(file: str, quiet: bool, db: str | None) -> None:
    """Validate FILE and print FILE:LINE: message for every problem.

    Exit 0 when valid (warnings allowed), 1 when invalid, 2 when FILE or the ledger
    cannot be read.
    """
    decl = load_or_exit(file)
    if db is not None:
        from samtycke.ledger import Ledger  # the server extra, needed only with --db
        from samtycke.snapshots import revision_drift

        ledger = Ledger(db)
        try:
            drift = revision_drift(ledger, decl)
        finally:
            ledger.close()
        if drift is not None:
            click.echo(f"{file}: warning: {drift}", err=True)
    if not quiet:
        n = len(decl.warnings)
        note = f", {plural(n, 'warning')}" if n else ""
        click.echo(
            f"{file}: valid — {len(decl.cookies)} cookies, {len(decl.storage)} storage keys, "
            f"{len(decl.services)} services in {len(decl.categories)} categories{note}"
        )
