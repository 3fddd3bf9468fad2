"""Pieces every command shares: loading a declaration for the terminal, writing output safely."""

from __future__ import annotations

import os
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TextIO

import click

from samtycke.declaration import Declaration, load_declaration
from samtycke.errors import DeclarationError

# The ledger every command that reads or writes one takes, from the flag or SAMTYCKE_DB.
DB_OPTION = click.option(
    "--db",
    required=True,
    envvar="SAMTYCKE_DB",
    help="sqlite:///FILE or postgresql://… (env SAMTYCKE_DB)",
)


def plural(n: int, word: str) -> str:
    """``"1 error"``, ``"2 errors"``."""
    return f"{n} {word}{'' if n == 1 else 's'}"


def load_or_exit(file: str, *, publish: bool = False) -> Declaration:
    """Load ``file``; print every problem as FILE:LINE and exit 1 when it is invalid.

    Warnings of a valid file go to stderr too. An unreadable file raises
    :class:`~samtycke.errors.DeclarationFileError`, which the group turns into exit 2.
    With ``publish`` (policy, build) entries still marked for review are one
    line and exit 1: nothing unconfirmed reaches visitors.
    """
    try:
        decl = load_declaration(file)
    except DeclarationError as exc:
        for problem in exc.problems:
            click.echo(str(problem), err=True)
        errors = sum(1 for p in exc.problems if p.severity == "error")
        warnings = len(exc.problems) - errors
        summary = plural(errors, "error") + (f", {plural(warnings, 'warning')}" if warnings else "")
        click.echo(f"{file}: invalid ({summary})", err=True)
        raise SystemExit(1) from None
    if publish and decl.unreviewed:
        lines = ", ".join(str(c.line) for c in decl.unreviewed)
        click.echo(
            f"{file}: {plural(len(decl.unreviewed), 'cookie')} still marked for review "
            f"(line {lines}); confirm each and remove `review = true` before publishing",
            err=True,
        )
        raise SystemExit(1)
    for warning in decl.warnings:
        click.echo(str(warning), err=True)
    return decl


@contextmanager
def atomic_output(path: Path) -> Iterator[TextIO]:
    """A text file that appears at ``path`` whole, or not at all.

    Writes go to a temporary file in the same folder, renamed over ``path``
    when the block ends normally; on an exception it is removed and ``path``
    is left as it was.
    """
    folder = path.parent if str(path.parent) else Path(".")
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=folder)
    try:
        with os.fdopen(fd, "w", encoding="utf-8", newline="") as fh:
            yield fh
            fh.flush()
            os.fsync(fh.fileno())
        os.chmod(tmp, 0o644)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def write_atomically(path: Path, text: str) -> None:
    """Write ``text`` to ``path`` through :func:`atomic_output`."""
    with atomic_output(path) as fh:
        fh.write(text)
