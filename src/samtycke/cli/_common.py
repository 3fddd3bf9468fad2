"""Pieces every command shares: loading a declaration for the terminal, writing output safely."""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

import click

from samtycke.declaration import Declaration, load_declaration
from samtycke.errors import DeclarationError


def plural(n: int, word: str) -> str:
    """``"1 error"``, ``"2 errors"``."""
    return f"{n} {word}{'' if n == 1 else 's'}"


def load_or_exit(file: str) -> Declaration:
    """Load ``file``; print every problem as FILE:LINE and exit 1 when it is invalid.

    Warnings of a valid file go to stderr too. An unreadable file raises
    :class:`~samtycke.errors.DeclarationFileError`, which the group turns into exit 2.
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
    for warning in decl.warnings:
        click.echo(str(warning), err=True)
    return decl


def write_atomically(path: Path, data: str | bytes) -> None:
    """Write ``data`` to ``path`` through a temporary file in the same folder and a rename.

    A reader sees either the old file or the whole new one, never half of it,
    and a failed write leaves no temporary file behind.
    """
    folder = path.parent if str(path.parent) else Path(".")
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=folder)
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(data.encode("utf-8") if isinstance(data, str) else data)
            fh.flush()
            os.fsync(fh.fileno())
        os.chmod(tmp, 0o644)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
