"""``ConsentMiddleware``: pure ASGI, no framework dependency.

It reads the consent for each HTTP request, exposes it as
``scope["state"]["consent"]`` (``request.state.consent`` in Starlette and
FastAPI), and wraps ``send`` to strip ``Set-Cookie`` headers the person has not
agreed to and to delete refused cookies the browser still sends. Optionally
it inserts the banner ``<script>`` into HTML responses.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, MutableMapping
from typing import Any

from samtycke.enforce.effective import EffectiveConsent
from samtycke.enforce.inject import HtmlInjector, csp_nonce, is_injectable, script_tag
from samtycke.enforce.middleware import EnforcingMiddleware

Scope = MutableMapping[str, Any]
Message = MutableMapping[str, Any]
Receive = Callable[[], Awaitable[Message]]
Send = Callable[[Message], Awaitable[None]]
ASGIApp = Callable[[Scope, Receive, Send], Awaitable[None]]
Headers = list[tuple[bytes, bytes]]


class ConsentMiddleware(EnforcingMiddleware[ASGIApp]):
    """Enforce the declaration's consent rules on an ASGI app.

    ``ConsentMiddleware(app, declaration, *, undeclared="block", banner_src=None,
    buffer_limit=262144, logger=…)``; see :class:`EnforcingMiddleware`.
    """

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        cookie = gpc = dnt = host = None
        for key, value in scope.get("headers") or ():
            key = key.lower()
            if key == b"cookie":
                text = value.decode("latin-1")
                cookie = text if cookie is None else f"{cookie}; {text}"  # HTTP/2 splits it
            elif key == b"sec-gpc":
                gpc = value.decode("latin-1")
            elif key == b"dnt":
                dnt = value.decode("latin-1")
            elif key == b"host":
                host = value.decode("latin-1")
        consent, refused = self.enforcer.read(cookie, gpc, dnt)
        state = scope.get("state")
        # A copy: some servers share one state dict between requests.
        scope["state"] = {**state, "consent": consent} if state else {"consent": consent}
        extra = (
            [
                (b"set-cookie", h.encode("latin-1"))
                for h in self.enforcer.deletions(refused, host, _path(scope))
            ]
            if refused
            else None
        )
        if self.banner_src is not None and scope.get("method") != "HEAD":
            await self.app(scope, receive, _InjectingSend(self, consent, host, extra, send))
            return

        def send_filtered(message: Message) -> Awaitable[None]:
            # Not a coroutine itself: handing back send's awaitable saves a frame per message.
            if message["type"] == "http.response.start":
                message = self.filtered_start(message, consent, host, extra)
            return send(message)

        await self.app(scope, receive, send_filtered)

    def filtered_start(
        self,
        message: Message,
        consent: EffectiveConsent,
        host: str | None,
        extra: Headers | None = None,
    ) -> Message:
        """The ``http.response.start`` message as it may go out.

        Refused ``Set-Cookie`` headers are stripped (or, for a deletion, sent
        in canonical form) and the ``extra`` deletion headers are added.
        """
        headers = message.get("headers")
        if not headers:
            return {**message, "headers": extra} if extra else message
        if not isinstance(headers, list | tuple):
            headers = list(headers)  # any iterable is allowed; it may be read only once
            message = {**message, "headers": headers}
        outgoing = self.enforcer.outgoing
        kept: Headers | None = None
        for i, (key, value) in enumerate(headers):
            if key.lower() == b"set-cookie":
                text = value.decode("latin-1")
                sent = outgoing(text, consent, host)
                if sent is not text:
                    if kept is None:
                        kept = [(k, v) for k, v in headers[:i]]
                    if sent is not None:
                        kept.append((key, sent.encode("latin-1")))
                    continue
            if kept is not None:
                kept.append((key, value))
        if extra:
            kept = [*(headers if kept is None else kept), *extra]
        return message if kept is None else {**message, "headers": kept}


def _path(scope: Scope) -> str | None:
    """The request path as the browser sent it (cookie paths match that form)."""
    raw = scope.get("raw_path")
    return raw.decode("latin-1") if isinstance(raw, bytes) else scope.get("path")


class _InjectingSend:
    """``send`` for one response when script insertion is on.

    With a ``Content-Length`` the start message is held until the marker is
    found (or the body ends, or ``buffer_limit`` bytes wait), so the length can
    be corrected; without one the body streams through untouched but for the tag.
    """

    def __init__(
        self,
        owner: ConsentMiddleware,
        consent: EffectiveConsent,
        host: str | None,
        extra: Headers | None,
        send: Send,
    ) -> None:
        self.owner, self.consent, self.host, self.send = owner, consent, host, send
        self.extra = extra
        self.injector: HtmlInjector | None = None
        self.held: Message | None = None
        self.length = 0
        self.buffer = b""

    async def __call__(self, message: Message) -> None:
        kind = message["type"]
        if kind == "http.response.start":
            await self.start(
                self.owner.filtered_start(message, self.consent, self.host, self.extra)
            )
        elif kind == "http.response.body" and self.injector is not None:
            await self.body(message, self.injector)
        else:
            await self.send(message)

    async def start(self, message: Message) -> None:
        headers: Headers = list(message.get("headers") or ())
        found: dict[bytes, list[str]] = {}
        for key, value in headers:
            found.setdefault(key.lower(), []).append(value.decode("latin-1"))
        ctype = found.get(b"content-type", [None])[0]
        encoding = found.get(b"content-encoding", [None])[0]
        if not is_injectable(ctype, encoding):
            await self.send(message)
            return
        src = self.owner.banner_src or ""
        self.injector = HtmlInjector(
            script_tag(src, csp_nonce(found.get(b"content-security-policy", [])))
        )
        length = found.get(b"content-length")
        if length and length[0].strip().isdigit():
            self.held = {**message, "headers": headers}
            self.length = int(length[0])
        else:
            await self.send(message)

    async def body(self, message: Message, injector: HtmlInjector) -> None:
        more = bool(message.get("more_body", False))
        out = injector.feed(message.get("body", b""))
        if not more:
            out += injector.finish()
        if self.held is None:
            await self.send({**message, "body": out})
            return
        self.buffer += out
        over = len(self.buffer) > self.owner.buffer_limit
        if not (injector.injected or over or not more):
            return
        if over and not injector.injected:
            self.buffer += injector.stop()
        length = self.length + (len(injector.tag) if injector.injected else 0)
        headers = [
            (k, str(length).encode() if k.lower() == b"content-length" else v)
            for k, v in self.held["headers"]
        ]
        await self.send({**self.held, "headers": headers})
        self.held = None
        body, self.buffer = self.buffer, b""
        await self.send({**message, "body": body, "more_body": more})
