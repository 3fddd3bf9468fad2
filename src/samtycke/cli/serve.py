"""``samtycke serve``: the consent server."""

from __future__ import annotations

import os
from pathlib import Path

import click

from samtycke.server.config import IP_MODES, config_from_env, parse_rate


@click.command("serve")
@click.option(
    "--declaration",
    "-d",
    type=click.Path(path_type=Path),
    help="A samtycke.toml, or a folder of them (one site each). Env: SAMTYCKE_DECLARATION.",
)
@click.option("--db", help="Ledger URL: sqlite:///FILE or postgresql://… Env: SAMTYCKE_DB.")
@click.option("--host", help="Address to listen on (default 127.0.0.1). Env: SAMTYCKE_HOST.")
@click.option(
    "--port", type=click.IntRange(0, 65535), help="Port (default 8000). Env: SAMTYCKE_PORT."
)
@click.option(
    "--workers", type=click.IntRange(1, 64), help="Server processes. Env: SAMTYCKE_WORKERS."
)
@click.option("--public-url", help="Base URL the banner posts to. Env: SAMTYCKE_PUBLIC_URL.")
@click.option(
    "--ip",
    "ip_mode",
    type=click.Choice(IP_MODES),
    help="How client addresses are stored. Env: SAMTYCKE_IP.",
)
@click.option(
    "--user-agent/--no-user-agent",
    default=None,
    help="Store the user agent. Env: SAMTYCKE_USER_AGENT.",
)
@click.option(
    "--rate-limit", help="Per pseudonymised address: RATE/s,BURST or off. Env: SAMTYCKE_RATE_LIMIT."
)
def serve(
    declaration: Path | None,
    db: str | None,
    host: str | None,
    port: int | None,
    workers: int | None,
    public_url: str | None,
    ip_mode: str | None,
    user_agent: bool | None,
    rate_limit: str | None,
) -> None:
    """Run the consent server: API, banner, policy pages (until Ctrl-C).

    Every option can also be set by its SAMTYCKE_* environment variable
    (see docs/deployment.md). Exit 1 for an invalid declaration, 2 when the declaration,
    the database or a setting cannot be used, 3 when the port cannot be listened on.
    """
    rate, burst = parse_rate(rate_limit) if rate_limit is not None else (None, None)
    config = config_from_env(
        os.environ,
        declaration=declaration,
        db=db,
        host=host,
        port=port,
        workers=workers,
        public_url=public_url,
        ip_mode=ip_mode,
        store_user_agent=user_agent,
        rate=rate,
        burst=burst,
    )
    from samtycke.server.run import run_server  # the web stack, once the settings are good

    run_server(config, announce=lambda url: click.echo(f"samtycke: serving on {url}", err=True))
