"""``WSGIConsentMiddleware``: the same enforcement for WSGI apps (Flask, Django, …).

The consent is put in ``environ["samtycke.consent"]``; ``start_response`` is
wrapped to strip refused ``Set-Cookie`` headers and to add deletions of refused
cookies the browser still sends. With ``banner_src`` set, HTML bodies get the
banner ``<script>``; a response with ``Content-Length`` has its
``start_response`` deferred until the tag is placed so the length stays right
(PEP 3333 allows that: headers go out with the first body bytes). An app may
call ``start_response`` late, from inside its body iterable, as PEP 3333 also
allows: the body is then wrapped before anything is known about it.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from types import TracebackType
from typing import Any

from samtycke.enforce.effective import EffectiveConsent
from samtycke.enforce.inject import HtmlInjector, csp_nonce, is_injectable, script_tag
from samtycke.enforce.middleware import EnforcingMiddleware

ExcInfo = tuple[type[BaseException], BaseException, TracebackType | None] | None
Headers = list[tuple[str, str]]
Write = Callable[[bytes], object]
StartResponse = Callable[..., Write]
WSGIApp = Callable[[dict[str, Any], StartResponse], Iterable[bytes]]
ENVIRON_KEY = "samtycke.consent"


class WSGIConsentMiddleware(EnforcingMiddleware[WSGIApp]):
    """Enforce the declaration's consent rules on a WSGI app (same options as the ASGI one)."""

    def __call__(self, environ: dict[str, Any], start_response: StartResponse) -> Iterable[bytes]:
        consent, refused = self.enforcer.read(
            environ.get("HTTP_COOKIE"), environ.get("HTTP_SEC_GPC"), environ.get("HTTP_DNT")
        )
        environ[ENVIRON_KEY] = consent
        host: str | None = environ.get("HTTP_HOST")
        extra = (
            [("Set-Cookie", h) for h in self.enforcer.deletions(refused, host, _path(environ))]
            if refused
            else None
        )
        if self.banner_src is not None and environ.get("REQUEST_METHOD") != "HEAD":
            return _InjectingResponse(self, consent, host, extra, start_response).run(environ)

        def start_filtered(status: str, headers: Headers, exc_info: ExcInfo = None) -> Write:
            headers = self.filter_headers(headers, consent, host, extra)
            return start_response(status, headers, exc_info)

        return self.app(environ, start_filtered)

    def filter_headers(
        self,
        headers: Headers,
        consent: EffectiveConsent,
        host: str | None,
        extra: Headers | None = None,
    ) -> Headers:
        """``headers`` as they may go out (the same list when nothing changes).

        Refused ``Set-Cookie`` headers are stripped (or, for a deletion, sent
        in canonical form) and the ``extra`` deletion headers are added.
        """
        outgoing = self.enforcer.outgoing
        kept: Headers | None = None
        for i, (key, value) in enumerate(headers):
            if key.lower() == "set-cookie":
                sent = outgoing(value, consent, host)
                if sent is not value:
                    if kept is None:
                        kept = list(headers[:i])
                    if sent is not None:
                        kept.append((key, sent))
                    continue
            if kept is not None:
                kept.append((key, value))
        if extra:
            kept = [*(headers if kept is None else kept), *extra]
        return headers if kept is None else kept


def _path(environ: dict[str, Any]) -> str:
    """The request path (cookie paths are matched against it)."""
    return str(environ.get("SCRIPT_NAME", "")) + str(environ.get("PATH_INFO", ""))


class _InjectingResponse:
    """One response with script insertion on."""

    def __init__(
        self,
        owner: WSGIConsentMiddleware,
        consent: EffectiveConsent,
        host: str | None,
        extra: Headers | None,
        start_response: StartResponse,
    ) -> None:
        self.owner, self.consent, self.host, self.extra = owner, consent, host, extra
        self.start_response = start_response
        self.injector: HtmlInjector | None = None
        self.held: tuple[str, Headers, ExcInfo] | None = None
        self.length: int | None = None
        self.write: Write | None = None
        self.started = False

    def run(self, environ: dict[str, Any]) -> Iterable[bytes]:
        result = self.owner.app(environ, self.start)
        if self.started and self.injector is None:
            return result  # not HTML: passed through untouched
        # Started with HTML, or not started yet: an app may call start_response
        # from inside its iterable (PEP 3333), so the body decides as it goes.
        return self.body(result)

    def start(self, status: str, headers: Headers, exc_info: ExcInfo = None) -> Write:
        self.started = True
        headers = self.owner.filter_headers(headers, self.consent, self.host, self.extra)
        found: dict[str, list[str]] = {}
        for key, value in headers:
            found.setdefault(key.lower(), []).append(value)
        ctype = found.get("content-type", [None])[0]
        if not is_injectable(ctype, found.get("content-encoding", [None])[0]):
            self.injector = None
            return self.start_response(status, headers, exc_info)
        nonce = csp_nonce(found.get("content-security-policy", []))
        self.injector = HtmlInjector(script_tag(self.owner.banner_src or "", nonce))
        length = found.get("content-length", [""])[0].strip()
        self.length = int(length) if length.isdigit() else None
        self.held = (status, headers, exc_info)
        return self.legacy_write

    def release(self, extra: int | None) -> None:
        """Call the server's ``start_response``, with a corrected or no ``Content-Length``."""
        if self.held is None:
            return
        status, headers, exc_info = self.held
        self.held = None
        headers = [(k, v) for k, v in headers if k.lower() != "content-length"]
        if self.length is not None and extra is not None:
            headers.append(("Content-Length", str(self.length + extra)))
        self.write = self.start_response(status, headers, exc_info)

    def legacy_write(self, data: bytes) -> None:
        """The ``write()`` callable for apps that still use it: streams, no length."""
        if self.injector is None:
            return
        self.release(None)
        if self.write is not None:
            self.write(self.injector.feed(data))

    def body(self, result: Iterable[bytes]) -> Iterator[bytes]:
        buffer = b""
        try:
            for chunk in result:
                injector = self.injector
                if injector is None:
                    yield chunk  # not HTML (or start_response still to come)
                    continue
                out = injector.feed(chunk)
                if self.held is None:
                    yield out
                elif self.length is None:
                    self.release(None)
                    yield out
                else:
                    buffer += out
                    if injector.injected or len(buffer) > self.owner.buffer_limit:
                        buffer += injector.stop()
                        self.release(len(injector.tag) if injector.injected else 0)
                        yield buffer
                        buffer = b""
            injector = self.injector
            if injector is not None:
                buffer += injector.finish()
                self.release(len(injector.tag) if injector.injected else 0)
                yield buffer
        finally:
            close = getattr(result, "close", None)
            if close is not None:
                close()
