"""API errors: every refusal is JSON ``{"error": "...", "field": "..."}`` with a 4xx.

A client's mistake is always answered by one of these; a database that is down
is a 503. Nothing the client sends can produce a 500.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable
from typing import TypeVar

from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import JSONResponse, Response

from samtycke.errors import LedgerError

T = TypeVar("T")

# The longest a request waits for the database before it is told 503: well past
# a healthy commit (milliseconds), short of the patience of a load balancer.
LEDGER_SECONDS = 10.0


class ApiError(Exception):
    """A request the server refuses, with the status and the field at fault."""

    def __init__(
        self,
        status: int,
        message: str,
        field: str | None = None,
        headers: dict[str, str] | None = None,
    ) -> None:
        super().__init__(message)
        self.status = status
        self.message = message
        self.field = field
        self.headers = headers or {}


def error_response(
    status: int, message: str, field: str | None = None, headers: dict[str, str] | None = None
) -> JSONResponse:
    """The JSON error body every refusal uses."""
    return JSONResponse({"error": message, "field": field}, status_code=status, headers=headers)


async def api_error_handler(request: Request, exc: Exception) -> Response:
    """Starlette handler for ApiError."""
    assert isinstance(exc, ApiError)  # registered for ApiError only
    return error_response(exc.status, exc.message, exc.field, exc.headers)


async def http_error_handler(request: Request, exc: Exception) -> Response:
    """Starlette's own 404/405 as JSON errors too."""
    assert isinstance(exc, HTTPException)
    messages = {404: f"no such resource: {request.url.path}", 405: "method not allowed"}
    message = messages.get(exc.status_code, str(exc.detail))
    return error_response(exc.status_code, message, None, dict(exc.headers or {}))


async def ledger_bound(work: Awaitable[T], what: str, *, timed: bool = False) -> T:
    """Await database ``work``; a fault or no answer within LEDGER_SECONDS is a 503.

    ``timed`` says ``work`` keeps that deadline itself, raising TimeoutError
    (the group writer does, for every consent POST).
    """
    try:
        if timed:
            return await work
        # A deadline on this task, not wait_for's extra task per request.
        async with asyncio.timeout(LEDGER_SECONDS):
            return await work
    except TimeoutError:
        raise ApiError(
            503, f"the ledger did not answer within {LEDGER_SECONDS:g} s; {what}"
        ) from None
    except LedgerError as exc:
        raise ApiError(503, f"the ledger is unavailable ({exc}); {what}") from None
