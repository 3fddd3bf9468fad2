"""Insert the banner ``<script>`` into an HTML body, one chunk at a time.

The tag goes right before ``</head>``, or before ``</body>`` when the page has
no ``</head>``; a page that already loads the same script (e.g. through a
template tag) is left as it is, so there is only ever one banner. The search
is case-insensitive and survives a marker split across chunks: the last few
bytes of each chunk are held back until the next one arrives, so nothing is
buffered beyond the length of a marker.
"""

from __future__ import annotations

import html
import re

_MARKERS = (b"</head>", b"</body>")
_HOLD = max(len(m) for m in _MARKERS) - 1
_SRC = re.compile(rb'\ssrc="[^"]*"')
_NONCE = re.compile(r"'nonce-([A-Za-z0-9+/_=-]{1,256})'")
# Directives that govern a <script src> element, most specific first.
_SCRIPT_DIRECTIVES = ("script-src-elem", "script-src", "default-src")


def script_tag(src: str, nonce: str | None = None) -> bytes:
    """The ``<script src=… defer>`` element, with ``nonce`` when given."""
    attrs = f' nonce="{html.escape(nonce)}"' if nonce else ""
    return f'<script src="{html.escape(src)}" defer{attrs}></script>'.encode()


def csp_nonce(policies: list[str]) -> str | None:
    """The nonce a ``<script src>`` needs under these Content-Security-Policy values.

    Per policy, the first directive of script-src-elem, script-src, default-src
    that is present decides; it must carry ``'nonce-…'``.
    """
    for policy in policies:
        directives: dict[str, str] = {}
        for part in policy.split(";"):
            name, _, value = part.strip().partition(" ")
            directives.setdefault(name.lower(), value)
        for name in _SCRIPT_DIRECTIVES:
            if name in directives:
                match = _NONCE.search(directives[name])
                if match:
                    return match.group(1)
                break
    return None


def is_injectable(content_type: str | None, content_encoding: str | None) -> bool:
    """True for an uncompressed ``text/html`` response."""
    if not content_type or not content_type.lower().lstrip().startswith("text/html"):
        return False
    return not content_encoding or content_encoding.strip().lower() == "identity"


class HtmlInjector:
    """A streaming inserter: :meth:`feed` each chunk, then :meth:`finish`.

    Output is the input with :attr:`tag` inserted once, before the first
    ``</head>`` (or ``</body>``). :attr:`injected` tells whether it happened.
    """

    def __init__(self, tag: bytes) -> None:
        self.tag = tag
        # ` src="…"` exactly as script_tag writes it: a page holding it already
        # loads the banner, and a second copy would run twice.
        found = _SRC.search(tag)
        self._present = found.group(0).lower() if found else None
        self._hold = max(_HOLD, len(self._present or b"") - 1)
        self.injected = False
        self.stopped = False
        self._pending = b""

    def feed(self, chunk: bytes) -> bytes:
        """The bytes that are safe to send after receiving ``chunk``."""
        if self.stopped:
            return chunk
        data = self._pending + chunk
        lower = data.lower()
        hits = [i for i in (lower.find(m) for m in _MARKERS) if i >= 0]
        present = lower.find(self._present) if self._present else -1
        if present >= 0 and (not hits or present < min(hits)):
            self.stopped = True
            self._pending = b""
            return data
        if hits:
            at = min(hits)
            self.injected = self.stopped = True
            self._pending = b""
            return data[:at] + self.tag + data[at:]
        cut = max(len(data) - self._hold, 0)
        self._pending = data[cut:]
        return data[:cut]

    def finish(self) -> bytes:
        """The held-back tail; call once at the end of the body."""
        return self.stop()

    def stop(self) -> bytes:
        """Give up inserting; returns the held-back bytes to send as they are."""
        self.stopped = True
        tail, self._pending = self._pending, b""
        return tail
