"""The HTTP connection guard: what uvicorn's own protocol leaves open to the internet.

uvicorn's httptools protocol has no limit on how long a client may take to send
its request head, no cap on its size, and no bound on connections other than
``limit_concurrency``, which answers 503 to everyone once idle sockets fill it.
This protocol (a subclass, chosen with ``http=`` in uvicorn's settings) adds:

- a request-head deadline (``HEAD_SECONDS``) from the moment a connection opens
  or its next request starts: a slowloris client is answered 408 and dropped;
- a body deadline (``BODY_SECONDS``) from the end of the head, the same way.
  It is the head's timer running on: a body that comes with its head (nearly
  all of them) costs no timer of its own. The scope's extension ``BODY_BOUND``
  tells the consent fast path so, which then sets no deadline of its own;
- a request-head size cap (``MAX_HEAD_BYTES``, request line and headers): 431;
- a connection cap per process (``MAX_CONNECTIONS``, never above what the
  descriptor limit allows): a new connection that finds the server full closes
  the longest-waiting *idle* one (no request in flight) instead of being refused,
  so idle or slow sockets held by one client cannot lock everybody else out.

It also sends each response's head together with its first body write (one
send and one TCP segment for a small response, instead of two).

Keep-alive idle time is uvicorn's ``timeout_keep_alive``.
"""

from __future__ import annotations

import asyncio
import resource
import weakref
from collections.abc import Callable
from typing import Any

import httptools
from uvicorn.protocols.http.httptools_impl import HttpToolsProtocol

from samtycke.server.config import BODY_SECONDS

# The ASGI scope extension saying the body's arrival is bounded by the connection.
BODY_BOUND = "samtycke.body_deadline"
# Descriptors kept free for the database pool, the ledger files and logging.
FD_RESERVE = 256

# Connections that wait for a request head, oldest first, per uvicorn server
# (several servers may run in one process, each on its own event loop).
_idle: weakref.WeakKeyDictionary[Any, dict[GuardedProtocol, None]] = weakref.WeakKeyDictionary()


def descriptor_limit() -> int:
    """The soft RLIMIT_NOFILE of this process."""
    return resource.getrlimit(resource.RLIMIT_NOFILE)[0]


def raise_descriptor_limit() -> int:
    """Raise the soft RLIMIT_NOFILE to the hard limit (the default 1,024 is a few
    hundred slow clients away from refusing everyone); returns the new soft limit."""
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    if hard == resource.RLIM_INFINITY or hard > soft:
        target = hard if hard != resource.RLIM_INFINITY else max(soft, 65536)
        try:
            resource.setrlimit(resource.RLIMIT_NOFILE, (target, hard))
        except (ValueError, OSError):
            return soft  # a container may forbid it; the cap below follows the soft limit
        return target
    return soft


class GuardedProtocol(HttpToolsProtocol):
    """uvicorn's httptools protocol with a head deadline, a head cap and a connection cap."""

    HEAD_SECONDS = 10.0
    BODY_SECONDS = BODY_SECONDS
    MAX_HEAD_BYTES = 32 * 1024
    MAX_CONNECTIONS = 10_000
    LINGER_SECONDS = 2.0

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._head_bytes = 0
        self._head_timer: asyncio.TimerHandle | None = None  # the head's, then the body's
        self._body_since: float | None = None  # loop time the head was in, until the body is
        self._unarmed_since: float | None = None  # a request begun whose timer waits to be set
        self._idle_table = self._waiting()  # looked up once, not at every request
        self._linger_timer: asyncio.TimerHandle | None = None  # set once a refusal was sent
        # The 503 of limit_concurrency counts idle sockets too; the cap is ours.
        self.limit_concurrency = None

    @classmethod
    def connection_cap(cls) -> int:
        """Most connections one process keeps open."""
        return max(16, min(cls.MAX_CONNECTIONS, descriptor_limit() - FD_RESERVE))

    def _waiting(self) -> dict[GuardedProtocol, None]:
        table = _idle.get(self.server_state)
        if table is None:
            table = _idle[self.server_state] = {}
        return table

    # Connection lifetime
    def connection_made(self, transport: asyncio.Transport) -> None:  # type: ignore[override]
        """Accept the connection, making room by closing the oldest idle one when full."""
        super().connection_made(transport)
        waiting = self._idle_table
        if len(self.connections) > self.connection_cap():
            victim = next(iter(waiting), None)
            if victim is None:  # every connection has a request in flight
                # Closed at once: a full server keeps no descriptor for lingering.
                self._refuse(503, "the server is at its connection limit", linger=False)
                return
            victim._drop()
        self._await_head()

    def connection_lost(self, exc: Exception | None) -> None:
        """Forget the connection."""
        self._stop_head_timer()
        if self._linger_timer is not None:
            self._linger_timer.cancel()
        self._idle_table.pop(self, None)
        super().connection_lost(exc)

    def _await_head(self, arm: bool = True) -> None:
        self._head_bytes = 0
        self._body_since = None
        self._idle_table[self] = None
        self._stop_head_timer()
        if arm:
            self._head_timer = self.loop.call_later(self.HEAD_SECONDS, self._too_slow)
        else:  # data_received sets it if the request is still incomplete after its data
            self._unarmed_since = self.loop.time()

    def _stop_head_timer(self) -> None:
        if self._head_timer is not None:
            self._head_timer.cancel()
            self._head_timer = None

    def _too_slow(self) -> None:
        self._head_timer = None
        since = self._body_since
        if since is None:
            self._refuse(408, "the request head did not arrive in time")
            return
        left = since + self.BODY_SECONDS - self.loop.time()
        if left > 0:  # the head came late in its time: the body still gets all of its own
            self._head_timer = self.loop.call_later(left, self._too_slow)
            return
        self._refuse(408, f"the body did not arrive within {self.BODY_SECONDS:g} s")

    def _drop(self) -> None:
        self._idle_table.pop(self, None)
        self._stop_head_timer()
        if not self.transport.is_closing():
            self.transport.close()

    def _refuse(self, status: int, message: str, *, linger: bool = True) -> None:
        self._idle_table.pop(self, None)
        self._stop_head_timer()
        if self.transport.is_closing():
            return
        reason = {
            400: b"Bad Request",
            408: b"Request Timeout",
            431: b"Request Header Fields Too Large",
        }
        body = message.encode()
        self.transport.write(
            b"HTTP/1.1 %d %s\r\ncontent-type: text/plain; charset=utf-8\r\n"
            b"content-length: %d\r\nconnection: close\r\n\r\n%s"
            % (status, reason.get(status, b"Service Unavailable"), len(body), body)
        )
        if linger and self.transport.can_write_eof():
            self._linger()
        else:
            self.transport.close()

    def send_400_response(self, msg: str) -> None:
        """uvicorn's answer to a request it cannot parse, refused as the guard refuses (lingering)."""
        self._refuse(400, msg)

    def _linger(self) -> None:
        """Stop writing; close when the client does, or ``LINGER_SECONDS`` from now.

        A refused client is often still sending (the rest of a slow or huge
        head). Closing the socket then would answer those bytes with a reset,
        and a reset makes many clients drop the answer they have not read yet
        (RFC 9112, section 9.6). Half-closed, the answer ends in a clean end of
        stream; what still arrives is discarded unread, for a bounded time.
        """
        self.transport.write_eof()
        self._linger_timer = self.loop.call_later(self.LINGER_SECONDS, self.transport.close)
        cycle = self.cycle
        if cycle is not None and not cycle.response_complete:
            # As uvicorn does when a connection is lost: an app still waiting
            # for the body hears now that it will not come, and nothing it
            # sends after the refusal is written.
            cycle.disconnected = True
            cycle.message_event.set()

    # Parser input
    def data_received(self, data: bytes) -> None:
        """Feed the parser, answering 431 once the head passes its cap."""
        if self._linger_timer is not None:  # refused: what still comes is not read
            return
        self._unset_keepalive_if_required()
        if self._head_timer is None and self.cycle is not None and self.cycle.response_complete:
            # The next request on a kept-alive connection. Most arrive whole in
            # this one piece of data: their deadline needs no timer at all.
            self._await_head(arm=False)
        try:
            self.parser.feed_data(data)
            since, self._unarmed_since = self._unarmed_since, None
            if since is not None and self._head_timer is None:
                self._head_timer = self.loop.call_at(since + self.HEAD_SECONDS, self._too_slow)
        except httptools.HttpParserCallbackError as exc:
            if isinstance(exc.__context__, _HeadTooLarge):
                self._refuse(431, f"the request head is larger than {self.MAX_HEAD_BYTES} bytes")
                return
            self.send_400_response("Invalid HTTP request received.")
        except httptools.HttpParserError:
            self.send_400_response("Invalid HTTP request received.")
        except httptools.HttpParserUpgrade:
            if self._should_upgrade():
                self.handle_websocket_upgrade()
            else:
                self._unsupported_upgrade_warning()

    def on_url(self, url: bytes) -> None:
        """Count the request line towards the head cap."""
        self._count(len(url))
        super().on_url(url)

    def on_header(self, name: bytes, value: bytes) -> None:
        """Count each header towards the head cap."""
        self._count(len(name) + len(value) + 4)
        super().on_header(name, value)

    def on_headers_complete(self) -> None:
        """The head is in: its timer runs on for the body; the request is busy until answered."""
        self._body_since = self.loop.time()
        if self.BODY_SECONDS < self.HEAD_SECONDS:  # the head's timer would come too late
            self._stop_head_timer()
            self._head_timer = self.loop.call_later(self.BODY_SECONDS, self._too_slow)
        self.scope.setdefault("extensions", {})[BODY_BOUND] = {}
        self._idle_table.pop(self, None)
        super().on_headers_complete()
        cycle = self.cycle
        held = _HeadWithBody(self.transport, cycle, cycle.on_response)
        cycle.transport = held  # type: ignore[assignment]
        cycle.on_response = held.response_done

    def on_message_complete(self) -> None:
        """The body is in: stop its deadline."""
        self._stop_head_timer()
        self._body_since = self._unarmed_since = None
        super().on_message_complete()

    def on_response_complete(self) -> None:
        """Back to idle: the connection waits for its next request."""
        if self._body_since is not None:  # answered before its body was read: no 408 after
            self._stop_head_timer()
            self._body_since = None
        super().on_response_complete()
        if not self.transport.is_closing() and not self.pipeline:
            self._idle_table[self] = None

    def _count(self, n: int) -> None:
        self._head_bytes += n
        if self._head_bytes > self.MAX_HEAD_BYTES:
            raise _HeadTooLarge


class _HeadWithBody:
    """The transport as one request's response cycle sees it.

    The first write after the response started is its head: it is held and
    leaves joined to the next write (the body, or its first chunk), or when
    the response completes or the connection is closed without one (a HEAD
    request, an app that failed midway). A ``100 Continue`` comes before the
    response starts and passes straight through.
    """

    __slots__ = ("_cycle", "_done", "_head", "_passed", "_transport")

    def __init__(self, transport: asyncio.Transport, cycle: Any, done: Callable[[], None]) -> None:
        self._transport = transport
        self._cycle = cycle
        self._done = done
        self._head: bytes | None = None
        self._passed = False

    def write(self, data: bytes) -> None:
        """Hold the head, send it with what follows."""
        if self._head is not None:
            data, self._head = self._head + data, None
        elif not self._passed and self._cycle.response_started:
            self._head, self._passed = data, True
            return
        self._transport.write(data)

    def flush(self) -> None:
        """Send a head still held."""
        if self._head is not None:
            data, self._head = self._head, None
            self._transport.write(data)

    def response_done(self) -> None:
        """The response is complete (the cycle's ``on_response``): flush, then go on."""
        self.flush()
        self._done()

    def close(self) -> None:
        """Flush, then close the connection."""
        self.flush()
        self._transport.close()

    def is_closing(self) -> bool:
        """Whether the connection is closing."""
        return self._transport.is_closing()


class _HeadTooLarge(Exception):
    """Raised inside a parser callback; httptools re-raises it as a callback error."""
