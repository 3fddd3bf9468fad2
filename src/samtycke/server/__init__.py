"""The consent server: consent API, banner assets, policy pages and the demo site.

``create_app(config)`` builds the Starlette app; ``run_server(config)`` serves
it with uvicorn; ``config_from_env`` reads the ``SAMTYCKE_*`` variables.
"""

from typing import TYPE_CHECKING

from samtycke.lazy import lazy_exports

if TYPE_CHECKING:
    from samtycke.server.app import create_app, create_app_from_env
    from samtycke.server.config import ConfigError, ServerConfig, config_from_env
    from samtycke.server.run import preflight, run_server

__all__ = [
    "ConfigError",
    "ServerConfig",
    "config_from_env",
    "create_app",
    "create_app_from_env",
    "preflight",
    "run_server",
]

# Imported on first use: reading the settings (``samtycke.server.config``) does
# not load Starlette, uvicorn and SQLAlchemy, so ``samtycke serve`` refuses a
# bad setting before it spends most of a second importing the server.
__getattr__ = lazy_exports(
    __name__,
    {
        "ConfigError": "samtycke.server.config",
        "ServerConfig": "samtycke.server.config",
        "config_from_env": "samtycke.server.config",
        "create_app": "samtycke.server.app",
        "create_app_from_env": "samtycke.server.app",
        "preflight": "samtycke.server.run",
        "run_server": "samtycke.server.run",
    },
)
