"""``samtycke build FILE -o DIR``: the static banner and policy pages for any static host."""

from __future__ import annotations

from pathlib import Path

import click

from samtycke.banner import GPC_PATH, banner_css, build_script, gpc_json
from samtycke.cli._common import load_or_exit, write_atomically
from samtycke.declaration import Declaration
from samtycke.errors import SamtyckeError

DEFAULT_POLICY_URL = "cookies/{lang}.html"  # relative to samtycke.js, where build puts them


class BuildOutputError(SamtyckeError):
    """The output folder cannot be written."""


@click.command()
@click.argument("file", type=click.Path(dir_okay=True, path_type=str))
@click.option(
    "-o", "--out", "out", required=True, type=click.Path(path_type=Path), help="Output folder."
)
@click.option(
    "--endpoint",
    default=None,
    help="Consent API URL the banner POSTs decisions to (default: the declaration's "
    "[banner] endpoint; none means static mode, nothing is sent).",
)
@click.option(
    "--policy-url",
    default=None,
    help="Cookie policy link, may contain {lang} (default: the declaration's policy_url, "
    f"else {DEFAULT_POLICY_URL} next to samtycke.js).",
)
@click.option(
    "--db",
    default=None,
    help="Register this declaration's snapshot in the ledger at URL, so the consent "
    "server accepts decisions made on this build even before it serves it.",
)
def build(
    file: str, out: Path, endpoint: str | None, policy_url: str | None, db: str | None
) -> None:
    """Write OUT/samtycke.js, OUT/cookies/<lang>.html for every declared language
    (each with the banner) and OUT/.well-known/gpc.json.

    Exit 0 when built, 1 when FILE is invalid, 2 when FILE, OUT or the ledger cannot be used.
    """
    decl = load_or_exit(file, publish=True)
    url = policy_url or decl.site.policy_url or DEFAULT_POLICY_URL
    files = build_files(decl, endpoint=endpoint, policy_url=url)
    if db is not None:
        register_in_ledger(db, decl)
    write_files(out, files)
    click.echo(f"{out}: wrote {', '.join(sorted(files))}")


def register_in_ledger(db: str, decl: Declaration) -> None:
    """Store the snapshot of ``decl`` in the ledger at ``db``; warn when revision was not raised."""
    from samtycke.ledger import Ledger  # the server extra, needed only with --db
    from samtycke.snapshots import register_snapshot, revision_drift

    ledger = Ledger(db)
    try:
        drift = revision_drift(ledger, decl)
        if drift is not None:
            click.echo(f"warning: {drift}", err=True)
        if register_snapshot(ledger, decl):
            click.echo(f"{db}: registered the snapshot of site {decl.site.id!r}", err=True)
    finally:
        ledger.close()


def build_files(
    decl: Declaration, *, endpoint: str | None, policy_url: str | None
) -> dict[str, str]:
    """Every output file of a static build, by path relative to the output folder."""
    from samtycke.policy import render_policy  # the policy extra is imported only here

    files = {"samtycke.js": build_script(decl, endpoint=endpoint, policy_url=policy_url)}
    css = banner_css()
    if css:
        files["samtycke.css"] = css
    for lang in decl.site.languages:
        # The page loads the samtycke.js written next to cookies/, so its settings button works.
        files[f"cookies/{lang}.html"] = render_policy(
            decl, lang, "html", script_src="../samtycke.js"
        )
    files[GPC_PATH] = gpc_json(decl)
    return files


def write_files(out: Path, files: dict[str, str]) -> None:
    """Write every file under ``out``, each atomically (temporary file, then rename).

    Everything is rendered before the first write, so an invalid declaration
    or a rendering error leaves ``out`` as it was.
    """
    if out.exists() and not out.is_dir():
        raise BuildOutputError(f"{out} exists and is not a folder")
    for name, text in files.items():
        path = out / name
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            write_atomically(path, text)
        except OSError as exc:
            raise BuildOutputError(f"cannot write {path}: {exc.strerror or exc}") from None
