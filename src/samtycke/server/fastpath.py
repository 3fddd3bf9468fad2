"""A lean ASGI path for ``POST /v1/consents``, the one route under heavy load.

It answers exactly as the Starlette route does (same ``record_consent``, same
errors, the CORS headers of cors.py) ahead of Starlette's whole stack: no
router, request objects, error and CORS middleware, each of which wraps
``send`` again. Everything else goes on to the Starlette app. It sits inside
``ForwardedClient``, so the client it sees is the one behind trusted proxies.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable

from starlette.types import ASGIApp, Receive, Scope, Send

from samtycke.server.config import BODY_LIMIT
from samtycke.server.consents import Caller, body_deadline, check_rate, record_consent, too_large
from samtycke.server.cors import origin_pattern, simple_cors_headers
from samtycke.server.errors import ApiError
from samtycke.server.guard import BODY_BOUND
from samtycke.server.sites import Site
from samtycke.server.state import ServerState

_WANTED = frozenset({b"origin", b"host", b"user-agent", b"content-length"})
_JSON = (b"content-type", b"application/json")
_NO_STORE = (b"cache-control", b"no-store")


class ConsentFastPath:
    """ASGI middleware answering ``POST /v1/consents`` itself."""

    def __init__(self, app: ASGIApp, state: ServerState, sites: Iterable[Site]) -> None:
        self.app = app
        self.state = state
        self.cors = simple_cors_headers(re.compile(origin_pattern(sites)))

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope["method"] != "POST" or scope["path"] != "/v1/consents":
            await self.app(scope, receive, send)
            return
        headers = {k: v for k, v in scope["headers"] if k in _WANTED}
        client = scope.get("client")
        host = client[0] if client else None
        origin = headers.get(b"origin")
        extra = [_NO_STORE]
        try:
            check_rate(self.state, host)
            declared = headers.get(b"content-length")
            if BODY_BOUND in (scope.get("extensions") or ()):
                raw = await _body(receive, declared)  # in time, or the guard answers 408
            else:
                async with body_deadline():
                    raw = await _body(receive, declared)
            caller = Caller(
                host,
                _text(origin),
                _text(headers.get(b"host")),
                _text(headers.get(b"user-agent")),
            )
            body = await record_consent(self.state, raw, caller)
            status = 201
        except ApiError as exc:
            status = exc.status
            body = json.dumps({"error": exc.message, "field": exc.field}).encode()
            extra = [(k.lower().encode(), v.encode()) for k, v in exc.headers.items()]
        await send(
            {
                "type": "http.response.start",
                "status": status,
                "headers": [
                    _JSON,
                    (b"content-length", b"%d" % len(body)),
                    *extra,
                    *self.cors(origin),
                ],
            }
        )
        await send({"type": "http.response.body", "body": body})


def _text(value: bytes | None) -> str | None:
    return None if value is None else value.decode("latin-1")


async def _body(receive: Receive, declared: bytes | None, limit: int = BODY_LIMIT) -> bytes:
    if declared is not None and declared.isdigit() and int(declared) > limit:
        raise too_large(limit)
    chunks: list[bytes] = []
    size = 0
    while True:
        message = await receive()
        if message["type"] == "http.disconnect":
            raise ApiError(400, "the client went away before sending the body")
        chunk = message.get("body", b"")
        size += len(chunk)
        if size > limit:
            raise too_large(limit)
        chunks.append(chunk)
        if not message.get("more_body", False):
            return b"".join(chunks)
