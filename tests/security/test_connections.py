"""Slow, idle and oversized connections cannot take the server from anybody else."""

from __future__ import annotations

import asyncio
import contextlib
import resource
import select
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from starlette.types import Receive, Scope, Send

from samtycke.ledger import Ledger
from samtycke.server import ServerConfig
from samtycke.server.guard import GuardedProtocol
from samtycke.server.sites import load_sites
from tests import web
from tests.security.conftest import GuardedServer, consent_body, free_port, write_site
from tests.server.process import ServeProcess

# Every wait below is an upper bound on a loopback answer, never a measured time.
BOUND = 20.0


class QuickHead(GuardedProtocol):
    HEAD_SECONDS = 0.15


class SmallServer(GuardedProtocol):
    MAX_CONNECTIONS = 20


async def _read_all(reader: asyncio.StreamReader) -> bytes:
    return await asyncio.wait_for(reader.read(), BOUND)


def test_a_slowloris_pool_is_answered_408_and_dropped(shop: Path, tmp_path: Path) -> None:
    cfg = ServerConfig(declaration=shop, db=f"sqlite:///{tmp_path / 'l.db'}", rate=0, burst=0)

    async def slow(port: int) -> bytes:
        reader, writer = await asyncio.open_connection("127.0.0.1", port)
        writer.write(b"GET /healthz HTTP/1.1\r\nHost: shop.example\r\n")
        got = b""
        for i in range(200):  # one header a beat, never the blank line
            if reader.at_eof():
                break
            try:
                writer.write(b"X-%d: y\r\n" % i)
                await writer.drain()
            except ConnectionError:
                break
            try:
                got += await asyncio.wait_for(reader.read(4096), 0.05)
            except TimeoutError:
                continue
            if got:
                break
        got += await _read_all(reader)
        writer.close()
        return got

    with GuardedServer(cfg, QuickHead) as live:

        async def main() -> list[bytes]:
            return await asyncio.gather(*(slow(live.port) for _ in range(20)))

        answers = asyncio.run(main())
        assert all(a.startswith(b"HTTP/1.1 408 ") for a in answers), answers[:2]
        assert web.get(live.url + "/healthz").status_code == 200


class QuickLinger(QuickHead):
    LINGER_SECONDS = 0.2


@contextlib.contextmanager
def _head_begun(shop: Path, tmp_path: Path, protocol: type) -> Iterator[socket.socket]:
    """A socket to a fresh server that has sent a request line and one header, no more."""
    cfg = ServerConfig(declaration=shop, db=f"sqlite:///{tmp_path / 'l.db'}", rate=0, burst=0)
    with (
        GuardedServer(cfg, protocol) as live,
        socket.create_connection(("127.0.0.1", live.port), timeout=BOUND) as sock,
    ):
        sock.sendall(b"GET /healthz HTTP/1.1\r\nHost: shop.example\r\n")
        yield sock


def test_a_client_still_sending_when_answered_408_reads_the_answer_to_its_end(
    shop: Path, tmp_path: Path
) -> None:
    # A socket closed while the client's bytes still arrive answers them with a
    # reset, and a reset makes many clients (asyncio's streams, browsers) drop
    # the 408 they have not read yet. The server stops writing, discards what
    # still comes, and the client reads the answer and then a clean end.
    with _head_begun(shop, tmp_path, QuickHead) as sock:
        got = _send_past_the_answer(sock)  # one header a beat, never the blank line
    assert got.startswith(b"HTTP/1.1 408 "), got[:80]
    assert got.endswith(b"the request head did not arrive in time")


def _send_past_the_answer(sock: socket.socket) -> bytes:
    """Send a header a beat until answered, a few more after it, as a client would; read to the end."""
    answered = 0
    for i in range(int(BOUND / 0.01)):
        sock.sendall(b"X-%d: y\r\n" % i)
        if select.select([sock], [], [], 0.01)[0]:
            answered += 1  # the answer is there: send on a little
            if answered == 5:
                break
    got = b""
    while chunk := sock.recv(4096):
        got += chunk
    return got


def test_a_client_still_sending_after_a_malformed_head_reads_its_400(
    shop: Path, tmp_path: Path
) -> None:
    # The parser's refusal is the guard's too: a half-close, not a reset.
    with _head_begun(shop, tmp_path, GuardedProtocol) as sock:
        sock.sendall(b"Content-Length: twelve\r\n")
        got = _send_past_the_answer(sock)
    assert got.startswith(b"HTTP/1.1 400 "), got[:80]
    assert got.endswith(b"Invalid HTTP request received.")


def test_a_refused_client_that_never_stops_sending_is_cut_off_after_the_linger(
    shop: Path, tmp_path: Path
) -> None:
    with (
        _head_begun(shop, tmp_path, QuickLinger) as sock,
        pytest.raises((BrokenPipeError, ConnectionResetError)),
    ):
        for i in range(int(BOUND / 0.01)):  # ends when the server closes for good
            sock.sendall(b"X-%d: y\r\n" % i)
            time.sleep(0.01)


class QuickBodyLongLinger(GuardedProtocol):
    BODY_SECONDS = 0.15
    LINGER_SECONDS = BOUND * 10  # longer than the test waits: only the refusal can end it


def test_an_app_waiting_for_a_body_hears_of_the_408_while_the_client_lingers(
    shop: Path, tmp_path: Path
) -> None:
    heard = threading.Event()

    async def app(scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "lifespan":
            for answer in ("lifespan.startup.complete", "lifespan.shutdown.complete"):
                await receive()
                await send({"type": answer})
            return
        while (await receive())["type"] != "http.disconnect":
            pass
        heard.set()

    cfg = ServerConfig(declaration=shop, db=f"sqlite:///{tmp_path / 'l.db'}", rate=0, burst=0)
    with (
        GuardedServer(cfg, QuickBodyLongLinger, app=app) as live,  # type: ignore[arg-type]
        socket.create_connection(("127.0.0.1", live.port), timeout=BOUND) as sock,
    ):
        sock.sendall(b"POST /v1/consents HTTP/1.1\r\nHost: shop.example\r\n")
        sock.sendall(b"Content-Length: 500\r\n\r\n{")  # and nothing more, nor a close
        assert sock.recv(4096).startswith(b"HTTP/1.1 408 ")
        assert heard.wait(BOUND)  # before the client closes and long before the linger ends


def test_an_idle_connection_that_never_speaks_is_closed(shop: Path, tmp_path: Path) -> None:
    cfg = ServerConfig(declaration=shop, db=f"sqlite:///{tmp_path / 'l.db'}", rate=0, burst=0)
    with GuardedServer(cfg, QuickHead) as live:

        async def main() -> bytes:
            reader, writer = await asyncio.open_connection("127.0.0.1", live.port)
            got = await _read_all(reader)
            writer.close()
            return got

        assert asyncio.run(main()).startswith(b"HTTP/1.1 408 ")


def test_a_huge_request_head_is_refused_with_431(guarded: GuardedServer) -> None:
    r = web.get(guarded.url + "/healthz", headers={"X-Big": "a" * 100_000})
    assert r.status_code == 431
    many = {f"X-{i}": "b" * 100 for i in range(400)}
    assert web.get(guarded.url + "/healthz", headers=many).status_code == 431
    assert web.get(guarded.url + "/healthz", headers={"X-Ok": "c" * 8000}).status_code == 200


@pytest.mark.load
def test_a_full_server_closes_idle_sockets_not_new_visitors(shop: Path, tmp_path: Path) -> None:
    cfg = ServerConfig(declaration=shop, db=f"sqlite:///{tmp_path / 'l.db'}", rate=0, burst=0)
    with GuardedServer(cfg, SmallServer) as live:

        async def main() -> tuple[int, int, int]:
            idle = [await asyncio.open_connection("127.0.0.1", live.port) for _ in range(60)]
            async with web.async_client(timeout=BOUND) as client:
                health = (await client.get(live.url + "/healthz")).status_code
                post = await client.post(live.url + "/v1/consents", json=consent_body(live))
            closed = 0
            for reader, writer in idle:
                try:
                    if await asyncio.wait_for(reader.read(), 0.5) == b"":
                        closed += 1
                except TimeoutError:
                    pass
                writer.close()
            return health, post.status_code, closed

        health, post, closed = asyncio.run(main())
        assert (health, post) == (200, 201)
        assert closed >= 60 - SmallServer.MAX_CONNECTIONS


@pytest.mark.load
def test_2000_idle_and_slow_connections_leave_health_and_consents_working(tmp_path: Path) -> None:
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    resource.setrlimit(resource.RLIMIT_NOFILE, (max(soft, min(hard, 8192)), hard))
    decl = write_site(tmp_path, "shop", "shop.example")
    site = load_sites(decl)["shop"]
    body = {
        "site": "shop",
        "revision": site.decl.site.revision,
        "fingerprint": site.fingerprint,
        "language": "sv",
        "method": "reject-all",
        "choices": {c: c == "necessary" for c in site.decl.category_ids},
    }
    db = f"sqlite:///{tmp_path / 'l.db'}"
    server = ServeProcess(decl, db).start()
    try:

        async def main() -> tuple[int, list[int]]:
            held: list[asyncio.StreamWriter] = []
            for i in range(2000):
                _, writer = await asyncio.open_connection("127.0.0.1", server.port)
                if i % 2:  # half idle, half in the middle of a request head
                    writer.write(b"POST /v1/consents HTTP/1.1\r\nHost: shop.example\r\n")
                held.append(writer)
            async with web.async_client(timeout=BOUND) as client:
                health = (await client.get(server.url + "/healthz")).status_code
                posts = [
                    (await client.post(server.url + "/v1/consents", json=body)).status_code
                    for _ in range(20)
                ]
            for writer in held:
                writer.close()
            return health, posts

        health, posts = asyncio.run(main())
    finally:
        server.stop()
    assert health == 200
    assert posts == [201] * 20
    with Ledger(db) as ledger:
        assert ledger.count() == 20


def test_a_busy_port_is_one_line_and_exit_3(tmp_path: Path) -> None:
    decl = write_site(tmp_path, "shop", "shop.example")
    # Whoever holds the port, the kernel refuses the bind the same way: a
    # listening socket of this process is as busy a port as another server.
    with socket.create_server(("127.0.0.1", 0)) as busy:
        cmd = [sys.executable, "-m", "samtycke", "serve", "-d", str(decl)]
        cmd += ["--port", str(busy.getsockname()[1]), "--db", f"sqlite:///{tmp_path / 'b.db'}"]
        done = subprocess.run(cmd, capture_output=True, text=True, timeout=BOUND)
    assert done.returncode == 3
    lines = done.stderr.strip().splitlines()
    assert len(lines) == 1 and "already in use" in lines[0], done.stderr


@pytest.mark.load
def test_1100_half_open_connections_at_a_1024_descriptor_limit(tmp_path: Path) -> None:
    # A limit the server cannot raise: its connection cap follows it and sheds idle sockets.
    decl = write_site(tmp_path, "shop", "shop.example")
    site = load_sites(decl)["shop"]
    body = {
        "site": "shop",
        "revision": site.decl.site.revision,
        "fingerprint": site.fingerprint,
        "language": "sv",
        "method": "accept-all",
        "choices": dict.fromkeys(site.decl.category_ids, True),
    }
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    resource.setrlimit(resource.RLIMIT_NOFILE, (max(soft, min(hard, 8192)), hard))
    port = free_port()
    cmd = [sys.executable, "-m", "samtycke", "serve", "-d", str(decl), "--port", str(port)]
    cmd += ["--db", f"sqlite:///{tmp_path / 'l.db'}", "--rate-limit", "off"]
    proc = subprocess.Popen(
        cmd,
        stderr=subprocess.PIPE,
        text=True,
        preexec_fn=lambda: resource.setrlimit(resource.RLIMIT_NOFILE, (1024, 1024)),
    )
    url = f"http://127.0.0.1:{port}"
    try:
        assert proc.stderr is not None and "serving on" in proc.stderr.readline()

        async def main() -> tuple[int, list[int]]:
            held = []
            for _ in range(1100):
                _, writer = await asyncio.open_connection("127.0.0.1", port)
                writer.write(b"GET /healthz HTTP/1.1\r\n")
                held.append(writer)
            async with web.async_client(timeout=BOUND) as client:
                health = (await client.get(url + "/healthz")).status_code
                posts = [
                    (await client.post(url + "/v1/consents", json=body)).status_code
                    for _ in range(5)
                ]
            for writer in held:
                writer.close()
            return health, posts

        health, posts = asyncio.run(main())
    finally:
        proc.terminate()
        proc.wait(timeout=BOUND)
    assert health == 200
    assert posts == [201] * 5


def test_a_kept_alive_connection_whose_next_head_stalls_is_answered_408(
    shop: Path, tmp_path: Path
) -> None:
    cfg = ServerConfig(declaration=shop, db=f"sqlite:///{tmp_path / 'l.db'}", rate=0, burst=0)
    with GuardedServer(cfg, QuickHead) as live:

        async def main() -> tuple[bytes, bytes]:
            reader, writer = await asyncio.open_connection("127.0.0.1", live.port)
            writer.write(b"GET /healthz HTTP/1.1\r\nHost: shop.example\r\n\r\n")
            first = await asyncio.wait_for(reader.readuntil(b"\r\n\r\n"), BOUND)
            length = int(first.lower().split(b"content-length: ")[1].split(b"\r\n")[0])
            await reader.readexactly(length)
            writer.write(b"GET /healthz HTTP/1.1\r\nHost: shop")  # and nothing more
            second = await _read_all(reader)
            writer.close()
            return first, second

        first, second = asyncio.run(main())
        assert first.startswith(b"HTTP/1.1 200 ")
        assert second.startswith(b"HTTP/1.1 408 ")
