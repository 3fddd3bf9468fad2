"""``samtycke mail``: the mail key, recipients' choices, rewriting e-mails, campaign counts.

Exit codes: 0 ok; 1 the declaration is invalid; 2 a bad option, key, address,
campaign or e-mail file, or a database that cannot be used.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

import click

from samtycke.cli._common import DB_OPTION, load_or_exit, write_atomically
from samtycke.ledger import Ledger
from samtycke.mail import (
    MailError,
    MailKey,
    MailTracker,
    campaign_counts,
    key_from_env,
    load_key_file,
)
from samtycke.mail.keys import ENV_KEY, ENV_KEY_FILE, new_key_text

_DECL = click.option(
    "--declaration",
    "declaration",
    required=True,
    envvar="SAMTYCKE_DECLARATION",
    type=click.Path(path_type=Path),
    help="The site's samtycke.toml, with an [email] table.",
)
_KEY = click.option(
    "--key",
    "key_file",
    type=click.Path(dir_okay=False, path_type=Path),
    help=f"The mail key file (env {ENV_KEY_FILE}, or the key itself in {ENV_KEY}).",
)
_TO = click.option("--to", "address", required=True, help="The recipient's e-mail address.")
_BASE = click.option(
    "--base-url",
    required=True,
    envvar="SAMTYCKE_PUBLIC_URL",
    help="The consent server's public URL (env SAMTYCKE_PUBLIC_URL).",
)
_LANG = click.option("--lang", help="The e-mail's language (default: the site's first).")


def _key(key_file: Path | None) -> MailKey:
    if key_file is not None:
        return load_key_file(key_file)
    key = key_from_env(os.environ)
    if key is None:
        raise MailError(
            f"no mail key: pass --key FILE or set {ENV_KEY_FILE} (see samtycke mail key)"
        )
    return key


def _tracker(
    declaration: Path, db: str, key_file: Path | None, base_url: str | None
) -> MailTracker:
    decl = load_or_exit(str(declaration))
    key = _key(key_file)
    ledger = Ledger(db)  # opening never migrates: samtycke ledger migrate does
    try:
        return MailTracker(decl, ledger, key, base_url)
    except MailError:
        ledger.close()
        raise


@click.group("mail")
def mail() -> None:
    """Consent for tracking in e-mail: keys, choices, rewriting, counts."""


@mail.command("key")
@click.option(
    "-o",
    "--output",
    required=True,
    type=click.Path(dir_okay=False, path_type=Path),
    help="Key file to create.",
)
def key(output: Path) -> None:
    """Create a new mail key file (readable by its owner only; never overwrites)."""
    try:
        fd = os.open(output, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:
        raise MailError(
            f"{output}: already exists (a new key would orphan every recipient id and token)"
        ) from None
    except OSError as exc:
        raise MailError(f"{output}: cannot be created ({exc.strerror})") from None
    with os.fdopen(fd, "w", encoding="utf-8") as fh:
        fh.write(new_key_text() + "\n")
    click.echo(f"wrote {output}; keep it outside the database and back it up", err=True)


@mail.command("record")
@_DECL
@DB_OPTION
@_KEY
@_TO
@click.option("--opens/--no-opens", default=False, help="The recipient allows open tracking.")
@click.option("--clicks/--no-clicks", default=False, help="The recipient allows click tracking.")
@_LANG
def record(
    declaration: Path,
    db: str,
    key_file: Path | None,
    address: str,
    opens: bool,
    clicks: bool,
    lang: str | None,
) -> None:
    """Record a recipient's choice in the ledger (under their recipient id only)."""
    tracker = _tracker(declaration, db, key_file, None)
    try:
        method = "accept-all" if opens and clicks else "custom" if opens or clicks else "reject-all"
        rec = tracker.record(address, opens=opens, clicks=clicks, method=method, language=lang)
    finally:
        tracker.ledger.close()
    click.echo(f"recorded {rec.decision.record_id} for recipient {rec.decision.consent_id}")


@mail.command("rewrite")
@click.argument("html_file", type=click.Path(dir_okay=False, path_type=Path))
@_DECL
@DB_OPTION
@_KEY
@_TO
@click.option("--campaign", required=True, help='The campaign id, like "newsletter-2026-12".')
@_BASE
@_LANG
@click.option(
    "--do-not-track", is_flag=True, help="The recipient asked not to be tracked: never clicks."
)
@click.option(
    "-o", "--output", type=click.Path(dir_okay=False, path_type=Path), help="File (default stdout)."
)
def rewrite(
    html_file: Path,
    declaration: Path,
    db: str,
    key_file: Path | None,
    address: str,
    campaign: str,
    base_url: str,
    lang: str | None,
    do_not_track: bool,
    output: Path | None,
) -> None:
    """Add the open pixel and tracked links an e-mail may carry for one recipient."""
    try:
        html = html_file.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise MailError(f"{html_file}: no such file (give the HTML e-mail to rewrite)") from None
    except (OSError, UnicodeDecodeError) as exc:
        raise MailError(f"{html_file}: cannot be read as UTF-8 text ({exc})") from None
    tracker = _tracker(declaration, db, key_file, base_url)
    try:
        out = tracker.rewrite(html, address, campaign, language=lang, do_not_track=do_not_track)
    finally:
        tracker.ledger.close()
    if output is None:
        sys.stdout.write(out)
    else:
        write_atomically(output, out)


@mail.command("counts")
@_DECL
@DB_OPTION
def counts(declaration: Path, db: str) -> None:
    """Opens and clicks per campaign, of consenting recipients only (tab-separated)."""
    decl = load_or_exit(str(declaration))
    with Ledger(db) as ledger:
        rows = campaign_counts(ledger.engine, decl.site.id)
    click.echo("campaign\topens\tclicks")
    for row in rows:
        click.echo(f"{row.campaign}\t{row.opens}\t{row.clicks}")
