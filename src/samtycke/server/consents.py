"""The consent API: record a decision, read a person's history.

``record_consent`` is the whole of ``POST /v1/consents`` apart from HTTP; the
Starlette route and the fast path (fastpath.py) both call it.
"""

from __future__ import annotations

import asyncio
import contextlib
import os
import random
import threading
from collections.abc import AsyncIterator
from typing import Any, NamedTuple

from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import JSONResponse, Response

from samtycke import ids
from samtycke.ledger import Decision, Record, RefusedDecision
from samtycke.ledger.receipts import receipt_text
from samtycke.server.client import pseudonymise_ip
from samtycke.server.config import BODY_LIMIT, BODY_SECONDS
from samtycke.server.cors import origin_allowed
from samtycke.server.errors import ApiError, ledger_bound
from samtycke.server.state import ServerState
from samtycke.server.validation import ConsentPost, consent_key, parse_body, validate_consent
from samtycke.server.writer import Committed

MAX_USER_AGENT = 512
NO_STORE = {"Cache-Control": "no-store"}


class _RecordIds(threading.local):
    # Record ids need to be unique, not secret (consent ids, which are, come from
    # `secrets`); a generator seeded from the OS per thread and process saves a
    # system call per request.
    def __init__(self) -> None:
        self.rng = random.Random(os.urandom(32))


_ids = _RecordIds()


def new_record_id() -> str:
    """128 random bits as 32 hex digits."""
    return f"{_ids.rng.getrandbits(128):032x}"


class Caller(NamedTuple):
    """What the consent POST needs to know about the HTTP request.

    A named tuple, like the other values made per request: a frozen
    dataclass sets each field through ``object.__setattr__``, about a
    microsecond per field of CPU on this path.
    """

    client_host: str | None
    origin: str | None
    host: str | None
    user_agent: str | None


def state_of(request: Request) -> ServerState:
    """The server state of the app handling ``request``."""
    st: ServerState = request.app.state.samtycke
    return st


def too_large(limit: int = BODY_LIMIT) -> ApiError:
    """The 413 refusal."""
    return ApiError(413, f"body is larger than {limit} bytes")


@contextlib.asynccontextmanager
async def body_deadline() -> AsyncIterator[None]:
    """Refuse with 408 a body that takes longer than ``BODY_SECONDS`` to arrive."""
    try:
        async with asyncio.timeout(BODY_SECONDS):
            yield
    except TimeoutError:
        raise ApiError(408, f"the body did not arrive within {BODY_SECONDS:g} s") from None


async def read_body(request: Request, limit: int = BODY_LIMIT) -> bytes:
    """The request body, refused with 413 as soon as it passes ``limit`` bytes."""
    declared = request.headers.get("content-length")
    if declared is not None and declared.isdigit() and int(declared) > limit:
        raise too_large(limit)
    chunks: list[bytes] = []
    size = 0
    async with body_deadline():
        async for chunk in request.stream():
            size += len(chunk)
            if size > limit:
                raise too_large(limit)
            chunks.append(chunk)
    return b"".join(chunks)


def check_rate(st: ServerState, client_host: str | None) -> None:
    """429 when this client (or its network) has spent its tokens."""
    if not st.limiter.enabled:
        return
    wait = st.limiter.take(client_host or "-")
    if wait > 0:
        raise ApiError(
            429,
            "too many requests from this network; try again shortly",
            headers={"Retry-After": str(max(1, round(wait)))},
        )


async def record_consent(st: ServerState, raw: bytes, caller: Caller) -> bytes:
    """Validate one consent body, chain and commit it; the 201 body (ApiError if refused).

    Every refusal is logged with its reason (rate-limited by ``st.refusals``).
    """
    data: dict[str, Any] = {}
    try:
        data = parse_body(raw)
        post = await _validated(st, data, caller)
    except ApiError as exc:
        site = data.get("site")
        st.refusals.refused(
            exc.status, exc.message, site if isinstance(site, str) else None, exc.field
        )
        raise
    return await _store(st, post, caller)


async def _validated(st: ServerState, data: dict[str, Any], caller: Caller) -> ConsentPost:
    assert st.versions is not None  # set at startup
    site, fp = consent_key(data, st.sites)
    # Nearly every decision names a known version: no coroutine, no thread for those.
    version = st.versions.cached(site.id, fp) or await ledger_bound(
        st.versions.find(site.id, fp), "nothing was stored"
    )
    post = validate_consent(data, site, version)
    if caller.origin is not None and not origin_allowed(caller.origin, caller.host, [post.site]):
        raise ApiError(
            403, f"origin {caller.origin!r} is not a domain of site {post.site.id!r}", "site"
        )
    return post


async def _store(st: ServerState, post: ConsentPost, caller: Caller) -> bytes:
    assert st.writer is not None  # set at startup
    ua = caller.user_agent if st.config.store_user_agent else None
    decision = Decision(
        record_id=new_record_id(),
        consent_id=post.consent_id,
        site=post.site.id,
        revision=post.revision,
        fingerprint=post.fingerprint,
        language=post.language,
        method=post.method,
        choices=post.choices,
        url=post.url,
        ip=pseudonymise_ip(caller.client_host, st.config.ip_mode),
        user_agent=_clean(ua)[:MAX_USER_AGENT] if ua else None,
        decision_id=post.decision_id,
        refused_services=post.refused_services,
        source=post.source,
    )
    done = await ledger_bound(
        _submit(st, decision),
        "the decision may not be stored: send it again",
        timed=st.writer.wait is not None,
    )
    return receipt_body(st, done.record, done.signature)


async def _submit(st: ServerState, decision: Decision) -> Committed:
    # A decision the database refuses fails alone, as a client error; the rest
    # of its batch was stored. Other ledger faults become 503 in ledger_bound.
    assert st.writer is not None  # set at startup
    try:
        return await st.writer.submit(decision)
    except RefusedDecision as exc:
        raise ApiError(
            422, f"the ledger refused this decision, nothing was stored ({exc})"
        ) from None


def receipt_body(st: ServerState, rec: Record, signature: str | None = None) -> bytes:
    """The 201 body: the record's ids, time and hash, and its signed receipt.

    Compact JSON written directly (every value is hex or the ISO time, the
    receipt is JSON already), as ``json.dumps`` of the same object in this
    order would write it. A retried decision (same decision id) gets its
    original record, so the same body: Ed25519 signatures are deterministic.
    """
    d = rec.decision
    head = (
        f'{{"consent_id":"{d.consent_id}","record_id":"{d.record_id}",'
        f'"recorded_at":"{rec.recorded_at}","hash":"{rec.hash}"'
    )
    if st.signing_key is None:
        return f"{head}}}".encode()
    return f'{head},"receipt":{receipt_text(rec, st.signing_key, signature)}}}'.encode()


async def post_consent(request: Request) -> Response:
    """``POST /v1/consents`` as a Starlette route (the fast path usually answers first)."""
    st = state_of(request)
    host = request.client.host if request.client else None
    check_rate(st, host)
    raw = await read_body(request)
    h = request.headers
    caller = Caller(host, h.get("origin"), h.get("host"), h.get("user-agent"))
    return Response(await record_consent(st, raw, caller), 201, NO_STORE, "application/json")


async def get_history(request: Request) -> JSONResponse:
    """``GET /v1/consents/{consent_id}``: every decision made under this consent id."""
    st = state_of(request)
    check_rate(st, request.client.host if request.client else None)
    cid = request.path_params["consent_id"]
    if not ids.is_hex32(cid):
        raise ApiError(422, "consent_id must be 32 lower-case hex digits", "consent_id")
    assert st.ledger is not None
    records = await ledger_bound(run_in_threadpool(st.ledger.history, cid), "try again later")
    if not records:
        raise ApiError(404, f"no decisions recorded for consent id {cid}", "consent_id")
    return JSONResponse(
        {"consent_id": cid, "decisions": [public_record(r) for r in records]}, headers=NO_STORE
    )


def public_record(rec: Record) -> dict[str, Any]:
    """A record as shown to the person: no address or user agent."""
    d = rec.as_dict()
    for key in ("ip", "user_agent", "seq", "prev_hash"):
        d.pop(key, None)
    return d


def _clean(text: str) -> str:
    if text.isprintable():  # nearly every user agent: one C call, not one per character
        return text
    return "".join(ch for ch in text if ch.isprintable())
