"""The tests' http.server servers, answering from a thread."""

from __future__ import annotations

import socketserver
import threading
from collections.abc import Iterator
from contextlib import contextmanager

# serve_forever looks for a stop once per poll interval; at its default half
# second, every server's end waited a quarter of a second on average.
POLL = 0.01


@contextmanager
def serving(server: socketserver.BaseServer) -> Iterator[None]:
    """``server`` answers in a thread until the block ends; then it stops and is closed."""
    thread = threading.Thread(
        target=server.serve_forever, kwargs={"poll_interval": POLL}, daemon=True
    )
    thread.start()
    try:
        yield
    finally:
        server.shutdown()
        server.server_close()
