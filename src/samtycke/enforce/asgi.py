"""``ConsentMiddleware``: pure ASGI, no framework dependency.

It reads the consent for each HTTP request, exposes it as
``scope["state"]["consent"]`` (``request.state.consent`` in Starlette and
FastAPI), and wraps ``send`` to strip ``Set-Cookie`` headers the person has not
agreed to. Optionally it inserts the banner ``<script>`` into HTML responses.
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
        consent = self.enforcer.consent(cookie, gpc, dnt)
        state = scope.get("state")
        # A copy: some servers share one state dict between requests.
        scope["state"] = {**state, "consent": consent} if state else {"consent": consent}
        if self.banner_src is not None and scope.get("method") != "HEAD":
            await self.app(scope, receive, _InjectingSend(self, consent, host, send))
            return

        def send_filtered(message: Message) -> Awaitable[None]:
            # Not a coroutine itself: handing back send's awaitable saves a frame per message.
            if message["type"] == "http.response.start":
                message = self.filtered_start(message, consent, host)
            return send(message)

        await self.app(scope, receive, send_filtered)

    def filtered_start(
        self, message: Message, consent: EffectiveConsent, host: str | None
    ) -> Message:
        """The ``http.response.start`` message without the refused ``Set-Cookie`` headers."""
        headers = message.get("headers")
        if not headers:
            return message
        if not isinstance(headers, list | tuple):
            headers = list(headers)  # any iterable is allowed; it may be read only once
            message = {**message, "headers": headers}
        allows = self.enforcer.allows_set_cookie
        kept: Headers | None = None
        for i, (key, value) in enumerate(headers):
            if key.lower() == b"set-cookie" and not allows(value.decode("latin-1"), consent, host):
                if kept is None:
                    kept = [(k, v) for k, v in headers[:i]]
                continue
            if kept is not None:
                kept.append((key, value))
        return message if kept is None else {**message, "headers": kept}


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
        send: Send,
    ) -> None:
        self.owner, self.consent, self.host, self.send = owner, consent, host, send
        self.injector: HtmlInjector | None = None
        self.held: Message | None = None
        self.length = 0
        self.buffer = b""

    async def __call__(self, message: Message) -> None:
        kind = message["type"]
        if kind == "http.response.start":
            await self.start(self.owner.filtered_start(message, self.consent, self.host))
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
