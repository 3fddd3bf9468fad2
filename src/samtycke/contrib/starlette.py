"""Starlette and FastAPI: samtycke mounted in the app, its ledger opened by the lifespan.

::

    samtycke = Samtycke("samtycke.toml")                  # db="sqlite:///samtycke-ledger.db"
    app = FastAPI(lifespan=samtycke.lifespan)             # or Starlette(lifespan=…)
    app.mount("/samtycke", samtycke.app)                  # banner, consents, policy pages
    app.add_middleware(ConsentMiddleware, declaration="samtycke.toml",
                       banner_src="/samtycke/samtycke.js")

The lifespan loads the declaration and opens the ledger before the app
accepts a request: a broken declaration stops the server at startup with the
declaration's own messages. An app with a lifespan of its own enters this one
inside it (``async with samtycke.lifespan(app): yield``).
"""

from __future__ import annotations

import contextlib
import os
from collections.abc import AsyncIterator
from dataclasses import replace
from typing import Any

from starlette.requests import Request
from starlette.responses import Response
from starlette.types import Receive, Scope, Send

from samtycke.contrib.inprocess import DEFAULT_DB, Asked, ConsentService
from samtycke.declaration import Declaration
from samtycke.server.consents import read_body
from samtycke.server.errors import ApiError


class Samtycke:
    """samtycke's endpoints for one app: :attr:`app` to mount, :meth:`lifespan` to run."""

    def __init__(
        self, declaration: str | os.PathLike[str] | Declaration, *, db: str = DEFAULT_DB
    ) -> None:
        self.service = ConsentService(declaration, db=db)

    @contextlib.asynccontextmanager
    async def lifespan(self, app: Any = None) -> AsyncIterator[None]:
        """Load the declaration and open the ledger; flush and close it at shutdown."""
        self.service.start()
        try:
            yield
        finally:
            self.service.stop()

    async def app(self, scope: Scope, receive: Receive, send: Send) -> None:
        """The ASGI app to mount: ``samtycke.js``, ``v1/consents``, ``cookies/LANG``."""
        if scope["type"] != "http":
            return
        request = Request(scope, receive)
        root = scope.get("root_path", "")
        path = scope["path"]
        rest = path[len(root) :] if root and path.startswith(root) else path
        asked = Asked(
            method=request.method,
            prefix=root.rstrip("/"),
            path=rest.lstrip("/"),
            headers={k.lower(): v for k, v in request.headers.items()},
            client=request.client.host if request.client else None,
        )
        try:
            if request.method == "POST":
                asked = replace(asked, body=await read_body(request))
        except ApiError as exc:  # too large: refused before the body is read
            answer = self.service.refusal(exc, asked)
        else:
            answer = await self.service.respond(asked)
        response = Response(answer.body, answer.status, answer.headers, answer.content_type)
        await response(scope, receive, send)
