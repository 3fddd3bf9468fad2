"""A loopback TCP proxy that can stop relaying: a database that goes silent.

While ``silent`` is set, the proxy keeps every connection open and accepts new
ones, but passes no byte in either direction, as a network partition or a
dropped firewall rule does. Clearing it lets the held bytes through.
"""

from __future__ import annotations

import selectors
import socket
import threading


class Blackhole:
    """Relay 127.0.0.1:<port> to ``target``, until told to go silent."""

    def __init__(self, target: tuple[str, int]) -> None:
        self.target = target
        self.listener = socket.create_server(("127.0.0.1", 0))
        self.port: int = self.listener.getsockname()[1]
        self.silent = threading.Event()
        self._stop = threading.Event()
        self._pairs: dict[socket.socket, socket.socket] = {}
        self._held: dict[socket.socket, bytearray] = {}
        self._thread = threading.Thread(target=self._run, daemon=True)

    def __enter__(self) -> Blackhole:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        self._thread.join(timeout=10)
        for sock in [self.listener, *self._pairs]:
            sock.close()

    def _run(self) -> None:
        sel = selectors.DefaultSelector()
        sel.register(self.listener, selectors.EVENT_READ)
        while not self._stop.is_set():
            for key, _ in sel.select(timeout=0.05):
                sock = key.fileobj
                assert isinstance(sock, socket.socket)
                if sock is self.listener:
                    client, _ = self.listener.accept()
                    try:
                        upstream = socket.create_connection(self.target)
                    except OSError:
                        client.close()
                        continue
                    self._pairs[client], self._pairs[upstream] = upstream, client
                    for s in (client, upstream):
                        self._held[s] = bytearray()
                        sel.register(s, selectors.EVENT_READ)
                    continue
                if sock not in self._pairs:  # dropped with its partner earlier in this round
                    continue
                try:
                    data = sock.recv(65536)
                except OSError:
                    data = b""
                if not data:
                    self._close(sel, sock)
                    continue
                self._held[sock] += data
            if not self.silent.is_set():
                for sock, buf in list(self._held.items()):
                    if buf and sock in self._pairs:
                        try:
                            self._pairs[sock].sendall(bytes(buf))
                        except OSError:  # the other side went away: so does this one
                            self._close(sel, sock)
                            continue
                        buf.clear()

    def _close(self, sel: selectors.BaseSelector, sock: socket.socket) -> None:
        other = self._pairs.pop(sock, None)
        for s in (sock, other):
            if s is not None:
                self._pairs.pop(s, None)
                self._held.pop(s, None)
                if s in sel.get_map():
                    sel.unregister(s)
                s.close()
