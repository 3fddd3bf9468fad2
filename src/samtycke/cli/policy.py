"""``samtycke policy FILE``: render the cookie policy as HTML, Markdown or JSON."""

from __future__ import annotations

import os
import tempfile
from pathlib import Path
from typing import NoReturn

import click

from samtycke.declaration import load_declaration
from samtycke.errors import DeclarationError
from samtycke.policy import FORMATS, render_policy


@click.command()
@click.argument("file", type=click.Path(dir_okay=True, path_type=str))
@click.option(
    "--lang",
    "-l",
    metavar="LANG",
    help="One of the declaration's languages (default: its first, the default language).",
)
@click.option(
    "--format",
    "-f",
    "fmt",
    type=click.Choice(FORMATS),
    default="html",
    show_default=True,
    help="html: a complete page; md: Markdown; json: data for other tools.",
)
@click.option("--fragment", is_flag=True, help="HTML only: just the <section>, for embedding.")
@click.option(
    "-o",
    "--output",
    "out",
    # Checked when writing, not by click: one clear line instead of a usage screen.
    type=click.Path(path_type=Path),
    help="Write to this file (atomically) instead of standard output.",
)
def policy(file: str, lang: str | None, fmt: str, fragment: bool, out: Path | None) -> None:
    """Render the cookie policy of FILE in one language.

    Exit 0 when written, 1 when the declaration is invalid, 2 for a usage or
    input error (unreadable file, a language the declaration does not offer,
    an output path that cannot be written).
    """
    if fragment and fmt != "html":
        _usage_error("--fragment only applies to --format html")
    try:
        decl = load_declaration(file)
    except DeclarationError as exc:
        for problem in exc.problems:
            click.echo(str(problem), err=True)
        errors = sum(1 for p in exc.problems if p.severity == "error")
        click.echo(f"{file}: invalid ({errors} error{'s' if errors != 1 else ''})", err=True)
        raise SystemExit(1) from None
    for warning in decl.warnings:
        click.echo(str(warning), err=True)
    lang = lang or decl.site.default_language
    if lang not in decl.site.languages:
        _usage_error(
            f"--lang {lang!r} is not one of the declaration's languages "
            f"({', '.join(decl.site.languages)})"
        )
    text = render_policy(decl, lang, fmt, fragment=fragment)
    if out is None:
        click.echo(text, nl=False)
        return
    try:
        write_atomically(out, text)
    except OSError as exc:
        click.echo(f"samtycke: cannot write {out}: {exc.strerror or exc}", err=True)
        raise SystemExit(2) from None


def _usage_error(message: str) -> NoReturn:
    # One line and exit 2, like every other usage error of samtycke.
    click.echo(f"samtycke policy: {message}", err=True)
    raise SystemExit(2)


def write_atomically(path: Path, text: str) -> None:
    """Write ``text`` to ``path`` through a temporary file in the same folder and a rename.

    A reader sees either the old file or the whole new one, never half of it,
    and a failed write leaves no temporary file behind.
    """
    folder = path.parent if str(path.parent) else Path(".")
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=folder)
    try:
        with os.fdopen(fd, "w", encoding="utf-8", newline="\n") as fh:
            fh.write(text)
            fh.flush()
            os.fsync(fh.fileno())
        os.chmod(tmp, 0o644)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
