"""The guard's response writes: a head leaves with its body, in one write, and none is lost."""

from __future__ import annotations

import asyncio
from pathlib import Path

from samtycke.server import ServerConfig
from samtycke.server.guard import _HeadWithBody
from tests.server.conftest import LiveServer, write_site


class _Recorder:
    """What a transport was asked to write, and whether it was closed."""

    def __init__(self) -> None:
        self.writes: list[bytes] = []
        self.closed = False

    def write(self, data: bytes) -> None:
        self.writes.append(data)

    def close(self) -> None:
        self.closed = True

    def is_closing(self) -> bool:
        return self.closed


class _Cycle:
    response_started = False


def test_the_head_is_written_with_the_body_and_a_lone_head_on_completion() -> None:
    sent, cycle, done = _Recorder(), _Cycle(), []
    held = _HeadWithBody(sent, cycle, lambda: done.append(True))  # type: ignore[arg-type]
    held.write(b"HTTP/1.1 100 Continue\r\n\r\n")  # before the response: straight through
    cycle.response_started = True
    held.write(b"HEAD\r\n\r\n")
    assert sent.writes == [b"HTTP/1.1 100 Continue\r\n\r\n"]
    held.write(b"body")
    held.write(b"more")
    held.response_done()
    assert sent.writes[1:] == [b"HEAD\r\n\r\nbody", b"more"] and done == [True]

    sent, cycle = _Recorder(), _Cycle()
    held = _HeadWithBody(sent, cycle, lambda: None)  # type: ignore[arg-type]
    cycle.response_started = True
    held.write(b"HEAD\r\n\r\n")
    held.response_done()  # a HEAD request: no body write
    assert sent.writes == [b"HEAD\r\n\r\n"]
    held = _HeadWithBody(sent := _Recorder(), cycle, lambda: None)  # type: ignore[arg-type]
    held.write(b"HEAD\r\n\r\n")
    held.close()  # closed midway
    assert sent.writes == [b"HEAD\r\n\r\n"] and sent.closed


def test_pipelined_head_and_get_requests_are_all_answered(tmp_path: Path) -> None:
    shop = write_site(tmp_path, "shop", "shop.example")
    cfg = ServerConfig(declaration=shop, db=f"sqlite:///{tmp_path / 'l.db'}", rate=0, burst=0)
    with LiveServer(cfg) as live:

        async def main() -> bytes:
            reader, writer = await asyncio.open_connection("127.0.0.1", live.port)
            one = b"%s /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n"
            writer.write(one % b"HEAD" + one % b"GET" + one % b"HEAD")
            writer.write(b"GET /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n")
            got = await asyncio.wait_for(reader.read(), 20)
            writer.close()
            return got

        got = asyncio.run(main())
    answers = got.split(b"HTTP/1.1 ")[1:]
    assert [a[:3] for a in answers] == [b"200"] * 4, got
    assert answers[0].endswith(b"\r\n\r\n") and answers[2].endswith(b"\r\n\r\n")  # no body
    assert not answers[1].endswith(b"\r\n\r\n") and not answers[3].endswith(b"\r\n\r\n")
