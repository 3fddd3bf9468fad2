"""The consent server: consent API, banner assets, policy pages and the demo site.

``create_app(config)`` builds the Starlette app; ``run_server(config)`` serves
it with uvicorn; ``config_from_env`` reads the ``SAMTYCKE_*`` variables.
"""

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
