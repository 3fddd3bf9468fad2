"""``samtycke policy FILE``: render the cookie policy as HTML, Markdown or JSON."""

from __future__ import annotations

from pathlib import Path
from typing import NoReturn

import click

from samtycke.cli._common import load_or_exit, write_atomically
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
    decl = load_or_exit(file, publish=True)
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
