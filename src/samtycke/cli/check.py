"""``samtycke check FILE``: validate a declaration."""

from __future__ import annotations

import click

from samtycke.declaration import load_declaration
from samtycke.errors import DeclarationError


@click.command()
@click.argument("file", type=click.Path(dir_okay=True, path_type=str))
@click.option("-q", "--quiet", is_flag=True, help="Print nothing when the file is valid.")
def check(file: str, quiet: bool) -> None:
    """Validate FILE and print FILE:LINE: message for every problem.

    Exit 0 when valid (warnings allowed), 1 when invalid, 2 when FILE cannot be read.
    """
    try:
        decl = load_declaration(file)
    except DeclarationError as exc:
        for problem in exc.problems:
            click.echo(str(problem), err=True)
        errors = sum(1 for p in exc.problems if p.severity == "error")
        warnings = len(exc.problems) - errors
        summary = _plural(errors, "error") + (
            f", {_plural(warnings, 'warning')}" if warnings else ""
        )
        click.echo(f"{file}: invalid ({summary})", err=True)
        raise SystemExit(1) from None
    for warning in decl.warnings:
        click.echo(str(warning), err=True)
    if not quiet:
        n = len(decl.warnings)
        note = f", {_plural(n, 'warning')}" if n else ""
        click.echo(
            f"{file}: valid — {len(decl.cookies)} cookies, {len(decl.storage)} storage keys, "
            f"{len(decl.services)} services in {len(decl.categories)} categories{note}"
        )


def _plural(n: int, word: str) -> str:
    return f"{n} {word}{'' if n == 1 else 's'}"
