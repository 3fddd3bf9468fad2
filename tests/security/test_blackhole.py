"""The test proxy that plays a silent database must not fail on its own."""

from __future__ import annotations

import socket
import threading
import time

from tests.security.blackhole import Blackhole


def test_both_ends_closing_at_once_is_not_an_error() -> None:
    """Both sides of a pair hang up in the same instant: the proxy drops the pair."""
    upstream = socket.create_server(("127.0.0.1", 0))
    upstream.settimeout(5)  # a proxy thread that died accepts nothing more
    errors: list[BaseException] = []
    previous = threading.excepthook
    threading.excepthook = lambda args: errors.append(args.exc_value)  # type: ignore[assignment,misc]
    try:
        with Blackhole(upstream.getsockname()) as hole:
            for _ in range(30):
                client = socket.create_connection(("127.0.0.1", hole.port))
                served, _ = upstream.accept()
                client.close()
                served.close()
            # one more pair that carries a byte proves the proxy is still relaying
            client = socket.create_connection(("127.0.0.1", hole.port))
            served, _ = upstream.accept()
            client.sendall(b"x")
            served.settimeout(5)
            assert served.recv(1) == b"x"
            client.close()
            served.close()
            time.sleep(0.2)
    finally:
        threading.excepthook = previous
        upstream.close()
    assert errors == []
