"""Starting the server: check everything first, then hand over to uvicorn."""

from __future__ import annotations

import os
from collections.abc import Callable

from samtycke.ledger import Ledger
from samtycke.server.app import create_app
from samtycke.server.config import ServerConfig
from samtycke.server.sites import load_sites


def preflight(config: ServerConfig) -> list[str]:
    """Load the declarations and open (migrate) the ledger; returns the site ids.

    Raises the DeclarationError or LedgerError a user should see as one line,
    before uvicorn starts and would print a traceback instead.
    """
    sites = load_sites(config.declaration)
    Ledger(config.db, migrate=True).close()  # serve migrates at start
    return sorted(sites)


def run_server(config: ServerConfig, announce: Callable[[str], None] | None = None) -> None:
    """Serve until interrupted (several worker processes when ``config.workers`` > 1)."""
    import uvicorn

    preflight(config)
    common = {
        "host": config.host,
        "port": config.port,
        "log_level": "warning",
        "access_log": False,  # an access log would keep every visitor's full address
        "proxy_headers": True,
        "forwarded_allow_ips": config.forwarded_allow,
        "timeout_graceful_shutdown": 10,
    }
    if announce is not None:
        host = f"[{config.host}]" if ":" in config.host else config.host
        announce(f"http://{host}:{config.port}/")
    if config.workers > 1:
        # Workers are fresh processes: they rebuild the configuration from the environment.
        os.environ.update(config.to_env())
        uvicorn.run(
            "samtycke.server.app:create_app_from_env",
            factory=True,
            workers=config.workers,
            **common,  # type: ignore[arg-type]
        )
    else:
        uvicorn.run(create_app(config), **common)  # type: ignore[arg-type]
