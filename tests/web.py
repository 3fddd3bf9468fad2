"""HTTP from the tests: httpx, with one TLS context for the whole test process.

Every client httpx makes builds a TLS context unless it is given one, and
loads certifi's certificate bundle into it; ``httpx.get`` and the other
one-request functions make a client each time. That is about 40 ms of CPU per
request, even to a plain-http server on loopback, and the tests make hundreds
of requests to live servers: it was the larger part of the tests' own CPU.

These functions take the same arguments as httpx's and share one context, made
on first use. Requests keep httpx's behaviour otherwise: each one-request call
still opens and closes its own connection. ruff refuses ``httpx.get`` and its
siblings in the tests (``banned-api`` in pyproject.toml), so a new test cannot
bring the cost back unnoticed.
"""

from __future__ import annotations

import functools
import ssl
from typing import Any

import httpx


@functools.cache
def tls() -> ssl.SSLContext:
    """The TLS context every request and client of the test process shares."""
    return httpx.create_ssl_context()


def request(method: str, url: str, **kwargs: Any) -> httpx.Response:
    """``httpx.request`` with the shared TLS context."""
    return httpx.request(method, url, verify=tls(), **kwargs)  # noqa: TID251


# The methods the tests use; any other goes through ``request(method, url)``.
get = functools.partial(request, "GET")
options = functools.partial(request, "OPTIONS")
post = functools.partial(request, "POST")
put = functools.partial(request, "PUT")


def client(**kwargs: Any) -> httpx.Client:
    """An ``httpx.Client`` with the shared TLS context."""
    return httpx.Client(verify=tls(), **kwargs)


def async_client(**kwargs: Any) -> httpx.AsyncClient:
    """An ``httpx.AsyncClient`` with the shared TLS context."""
    return httpx.AsyncClient(verify=tls(), **kwargs)
