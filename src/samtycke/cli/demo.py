"""``samtycke demo``: the whole platform on one machine, one command."""

from __future__ import annotations

import contextlib
from pathlib import Path

import click

from samtycke.server import ServerConfig, run_server
from samtycke.server.demo import bundled_declaration

_REPO_EXAMPLE = Path(__file__).resolve().parents[3] / "examples" / "billogram" / "samtycke.toml"


def demo_declaration() -> Path:
    """The Billogram example of a source checkout, else the copy inside the package."""
    return _REPO_EXAMPLE if _REPO_EXAMPLE.is_file() else bundled_declaration()


@click.command("demo")
@click.option("--port", type=click.IntRange(1, 65535), default=8000, show_default=True)
@click.option("--host", default="127.0.0.1", show_default=True)
@click.option(
    "--db",
    type=click.Path(dir_okay=False, path_type=Path),
    default=Path("samtycke-demo") / "ledger.db",
    show_default=True,
    help="The SQLite ledger file (its folder is created).",
)
def demo(port: int, host: str, db: Path) -> None:
    """Run the Billogram example with a demo website, banner, policy pages and ledger."""
    try:
        db.parent.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise click.UsageError(f"cannot create {db.parent}: {exc.strerror}") from None
    config = ServerConfig(
        declaration=demo_declaration(),
        db=f"sqlite:///{db.resolve()}",
        host=host,
        port=port,
        demo=True,
    )

    def announce(url: str) -> None:
        click.echo(f"samtycke demo: open {url}  (Ctrl-C to stop)")
        click.echo(f"  ledger: {db}  →  samtycke ledger stats --db sqlite:///{db}")

    with contextlib.suppress(KeyboardInterrupt):
        run_server(config, announce=announce)
