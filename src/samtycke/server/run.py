"""Starting the server: check everything first, bind, then hand over to uvicorn.

The limits a public endpoint needs (see docs/deployment.md):

- keep-alive idle time ``KEEP_ALIVE_SECONDS``; a request head must arrive within
  ``GuardedProtocol.HEAD_SECONDS`` and be at most ``GuardedProtocol.MAX_HEAD_BYTES``;
- at most ``GuardedProtocol.connection_cap()`` connections per process, after
  raising the descriptor limit from soft to hard;
- a body must arrive within ``BODY_SECONDS`` of its head: the guard's timer, and
  under another ASGI server a deadline where the body is read.
"""

from __future__ import annotations

import contextlib
import errno
import os
import socket
from collections.abc import Callable
from typing import Any

import uvicorn
from uvicorn.supervisors import Multiprocess

from samtycke.errors import ServeError
from samtycke.ledger import Ledger
from samtycke.server.app import create_app
from samtycke.server.config import ServerConfig
from samtycke.server.guard import raise_descriptor_limit
from samtycke.server.proof import check_ledger_key, open_proof, settings_from_env
from samtycke.server.sites import load_sites

KEEP_ALIVE_SECONDS = 5
BACKLOG = 2048
PROTOCOL = "samtycke.server.guard:GuardedProtocol"


def preflight(config: ServerConfig) -> list[str]:
    """Load the declarations and open (migrate) the ledger; returns the site ids.

    Raises the DeclarationError or LedgerError a user should see as one line,
    before uvicorn starts and would print a traceback instead.
    """
    sites = load_sites(config.declaration)
    proof = settings_from_env(os.environ, config.db)
    key = open_proof(proof)  # a bad key or setting: one line
    from samtycke.monitor.settings import settings_from_env as monitor_settings

    monitor_settings(os.environ)  # SAMTYCKE_MONITOR and SAMTYCKE_SMTP_*, the same
    # Without the session limits: a migration of a large ledger may rightly take minutes.
    with Ledger(config.db, migrate=True) as led:  # serve migrates at start
        check_ledger_key(led.engine, key.public, proof.retired)
    return sorted(sites)


def uvicorn_settings(config: ServerConfig) -> dict[str, Any]:
    """The uvicorn settings of every samtycke server (also used by the tests)."""
    return {
        "host": config.host,
        "port": config.port,
        "http": PROTOCOL,
        "log_level": "warning",
        "access_log": False,  # an access log would keep every visitor's full address
        # Forwarding headers are read by the app itself, from validated proxies only.
        "proxy_headers": False,
        "server_header": False,
        "timeout_keep_alive": KEEP_ALIVE_SECONDS,
        "timeout_graceful_shutdown": 10,
        "backlog": BACKLOG,
        "lifespan": "on",
    }


def bind(host: str, port: int) -> socket.socket:
    """A listening TCP socket on ``host:port`` (ServeError when it cannot be had)."""
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    sock = socket.socket(family, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    try:
        sock.bind((host, port))
        sock.listen(BACKLOG)
    except OSError as exc:
        sock.close()
        where = f"[{host}]:{port}" if ":" in host else f"{host}:{port}"
        if exc.errno == errno.EADDRINUSE:
            raise ServeError(
                f"cannot listen on {where}: the port is already in use "
                "(stop the other server or choose another --port)"
            ) from None
        if exc.errno == errno.EACCES:
            raise ServeError(
                f"cannot listen on {where}: permission denied (ports below 1024 need "
                "privileges; choose a port of 1024 or more)"
            ) from None
        raise ServeError(f"cannot listen on {where}: {exc.strerror}") from None
    sock.set_inheritable(True)
    return sock


def run_server(config: ServerConfig, announce: Callable[[str], None] | None = None) -> None:
    """Serve until interrupted (several worker processes when ``config.workers`` > 1).

    ``announce`` gets the URL once the server accepts connections.
    """
    preflight(config)
    raise_descriptor_limit()
    sock = bind(config.host, config.port)
    port = sock.getsockname()[1]
    host = f"[{config.host}]" if ":" in config.host else config.host
    url = f"http://{host}:{port}/"
    settings = uvicorn_settings(config)
    try:
        if config.workers > 1:
            # Workers are fresh processes: they rebuild the configuration from the environment.
            os.environ.update(config.to_env())
            uv = uvicorn.Config(
                "samtycke.server.app:create_app_from_env",
                factory=True,
                workers=config.workers,
                **settings,
            )
            if announce is not None:
                announce(url)  # the socket listens: the kernel queues connections for the workers
            with contextlib.suppress(KeyboardInterrupt):
                Multiprocess(uv, sockets=[sock]).run()
        else:
            server = _AnnouncingServer(
                uvicorn.Config(create_app(config, own_process=True), **settings),
                announce and (lambda: announce(url)),
            )
            with contextlib.suppress(KeyboardInterrupt):  # uvicorn re-raises Ctrl-C after stopping
                server.run(sockets=[sock])
            if not server.started:
                raise ServeError("the server did not start (see the messages above)")
    finally:
        sock.close()


class _AnnouncingServer(uvicorn.Server):
    """A uvicorn server that says so once its listener accepts connections."""

    def __init__(self, config: uvicorn.Config, ready: Callable[[], None] | None) -> None:
        super().__init__(config)
        self._ready = ready

    async def startup(self, sockets: list[socket.socket] | None = None) -> None:
        """Start, then announce (after the app's lifespan opened the ledger)."""
        await super().startup(sockets=sockets)
        if self._ready is not None and not self.should_exit:
            self._ready()
