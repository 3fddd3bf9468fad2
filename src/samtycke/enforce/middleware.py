"""What the ASGI and WSGI middleware share: their options and the one Enforcer."""

from __future__ import annotations

import logging
from typing import Generic, TypeVar

from samtycke.enforce.enforcer import DeclarationSource, Enforcer
from samtycke.enforce.rules import LOGGER, Undeclared

AppT = TypeVar("AppT")
DEFAULT_BUFFER_LIMIT = 256 * 1024


class EnforcingMiddleware(Generic[AppT]):
    """Base of :class:`ConsentMiddleware` and :class:`WSGIConsentMiddleware`.

    ``declaration`` is a path or a loaded ``Declaration``. ``undeclared`` is
    ``"block"`` (default), ``"report"`` or ``"allow"``. ``banner_src`` (off by
    default) is the URL of ``samtycke.js``: HTML responses then get
    ``<script src=… defer>`` before ``</head>``. ``buffer_limit`` caps how much
    of a body with a ``Content-Length`` is held while looking for ``</head>``.
    """

    def __init__(
        self,
        app: AppT,
        declaration: DeclarationSource,
        *,
        undeclared: Undeclared = "block",
        banner_src: str | None = None,
        buffer_limit: int = DEFAULT_BUFFER_LIMIT,
        logger: logging.Logger = LOGGER,
    ) -> None:
        self.app = app
        self.enforcer = Enforcer(declaration, undeclared=undeclared, logger=logger)
        self.banner_src = banner_src
        self.buffer_limit = buffer_limit
