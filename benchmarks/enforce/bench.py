"""Added latency and throughput cost of samtycke's enforcement middleware.

Run from the repository root::

    .venv/bin/python benchmarks/enforce/bench.py [--seconds 4] [--rounds 3]

In one run: an in-process microbenchmark (each app called directly many times,
``time.perf_counter_ns``), then ``wrk`` on loopback against uvicorn (ASGI) and
waitress (WSGI), 1 worker each, apps with and without the middleware
alternating. The in-process part also times a request whose consent was
withdrawn while the browser still sends ``_ga``: the middleware then adds the
deletion headers. Prints a Markdown table for benchmarks/README.md.
"""

from __future__ import annotations

import argparse
import gc
import os
import re
import signal
import socket
import statistics
import subprocess
import sys
import time
from collections.abc import Callable, Coroutine
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

import apps  # noqa: E402

from samtycke.consent import encode_consent_cookie  # noqa: E402
from samtycke.declaration import fingerprint  # noqa: E402

FP = fingerprint(apps.DECLARATION)
CONSENT = "samtycke=" + encode_consent_cookie(
    ["analytics"], 1, timestamp=time.time(), fingerprint=FP
)
COOKIE = f"_ga=GA1.1.1.1; csrftoken=t0k3n; {CONSENT}"
WITHDRAWN = "samtycke=" + encode_consent_cookie(
    [], 1, timestamp=time.time(), method="withdraw", fingerprint=FP
)
# Withdrawn, and the browser still sends _ga: 3 deletions (host-only, www., the domain).
STALE = (f"_ga=GA1.1.1.1; csrftoken=t0k3n; {WITHDRAWN}", "www.billogram.com")
SCENARIOS = (("/", (COOKIE, "127.0.0.1")), ("/cookies", (COOKIE, "127.0.0.1")), ("/", STALE))


def asgi_call(
    app: Any, path: str, sent: tuple[str, str] = (COOKIE, "127.0.0.1")
) -> Callable[[], None]:
    """One request to ``app`` without an event loop (nothing in it really awaits)."""
    cookie, host = sent
    headers = [(b"host", host.encode()), (b"user-agent", b"bench"), (b"cookie", cookie.encode())]

    async def receive() -> dict[str, Any]:
        return {"type": "http.request", "body": b"", "more_body": False}

    async def send(message: Any) -> None:
        return None

    def call() -> None:
        scope = {
            "type": "http",
            "asgi": {"version": "3.0"},
            "http_version": "1.1",
            "method": "GET",
            "scheme": "http",
            "path": path,
            "raw_path": path.encode(),
            "query_string": b"",
            "root_path": "",
            "headers": list(headers),
            "client": ("127.0.0.1", 1),
            "server": ("127.0.0.1", 80),
        }
        coro: Coroutine[Any, Any, None] = app(scope, receive, send)
        try:
            coro.send(None)
        except StopIteration:
            return
        coro.close()
        raise RuntimeError("the app suspended; the microbenchmark needs one that does not")

    return call


def wsgi_call(
    app: Any, path: str, sent: tuple[str, str] = (COOKIE, "127.0.0.1")
) -> Callable[[], None]:
    """One request to a WSGI ``app``, body consumed."""
    cookie, host = sent

    def start_response(status: str, headers: Any, exc_info: Any = None) -> Any:
        return None

    def call() -> None:
        environ = {
            "REQUEST_METHOD": "GET",
            "PATH_INFO": path,
            "QUERY_STRING": "",
            "SERVER_NAME": "127.0.0.1",
            "SERVER_PORT": "80",
            "SERVER_PROTOCOL": "HTTP/1.1",
            "HTTP_HOST": host,
            "HTTP_COOKIE": cookie,
            "wsgi.url_scheme": "http",
            "wsgi.input": None,
            "wsgi.errors": sys.stderr,
            "wsgi.multithread": False,
            "wsgi.multiprocess": False,
            "wsgi.run_once": False,
            "wsgi.version": (1, 0),
        }
        result = app(environ, start_response)
        for _ in result:
            pass
        close = getattr(result, "close", None)
        if close:
            close()

    return call


def bare_asgi(path: str) -> tuple[Any, Any]:
    """The smallest ASGI app (no framework), and it wrapped: the middleware's own cost."""
    headers = [(b"content-type", b"text/plain")]
    if path == "/cookies":
        headers += [
            (b"set-cookie", b"csrftoken=t0k3n; Path=/"),
            (b"set-cookie", b"_ga=GA1; Path=/"),
        ]

    async def app(scope: Any, receive: Any, send: Any) -> None:
        await send({"type": "http.response.start", "status": 200, "headers": headers})
        await send({"type": "http.response.body", "body": b"Hello, world!"})

    return app, apps.ConsentMiddleware(app, apps.DECLARATION)


def bare_wsgi(path: str) -> tuple[Any, Any]:
    """The smallest WSGI app, and it wrapped."""
    headers = [("Content-Type", "text/plain")]
    if path == "/cookies":
        headers += [("Set-Cookie", "csrftoken=t0k3n; Path=/"), ("Set-Cookie", "_ga=GA1; Path=/")]

    def app(environ: Any, start_response: Any) -> list[bytes]:
        start_response("200 OK", headers)
        return [b"Hello, world!"]

    return app, apps.WSGIConsentMiddleware(app, apps.DECLARATION)


# Wall time by default; --cpu-clock counts only the CPU time of this thread,
# which a machine busy with other work disturbs far less.
CLOCK = time.perf_counter_ns


def per_call_ns(call: Callable[[], None], n: int) -> float:
    gc.collect()
    gc.disable()  # a collection landing in one batch and not the other is pure noise
    try:
        start = CLOCK()
        for _ in range(n):
            call()
        return (CLOCK() - start) / n
    finally:
        gc.enable()


def micro(
    base: Callable[[], None], wrapped: Callable[[], None], n: int, rounds: int
) -> tuple[float, float]:
    """Best µs per call of ``base`` and ``wrapped`` over ``rounds`` alternating batches."""
    for f in (base, wrapped):
        per_call_ns(f, n // 10)  # warm up memos and caches
    b, w = [], []
    for _ in range(rounds):
        b.append(per_call_ns(base, n))
        w.append(per_call_ns(wrapped, n))
    # The fastest batch is the one least disturbed by the rest of the machine.
    return min(b) / 1000, min(w) / 1000


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def serve(kind: str, target: str, port: int) -> subprocess.Popen[bytes]:
    if kind == "asgi":
        cmd = [
            sys.executable,
            "-m",
            "uvicorn",
            target,
            "--port",
            str(port),
            "--host",
            "127.0.0.1",
            "--workers",
            "1",
            "--no-access-log",
            "--log-level",
            "warning",
        ]
    else:
        cmd = [
            sys.executable,
            "-m",
            "waitress",
            "--host=127.0.0.1",
            f"--port={port}",
            "--threads=4",
            target,
        ]
    proc = subprocess.Popen(
        cmd,
        cwd=HERE,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        env={**os.environ, "PYTHONPATH": str(HERE)},
    )
    deadline = time.monotonic() + 15
    while time.monotonic() < deadline:
        try:
            socket.create_connection(("127.0.0.1", port), timeout=0.2).close()
            return proc
        except OSError:
            time.sleep(0.1)
    proc.kill()
    raise RuntimeError(f"{target} did not start")


def cpu_seconds(pid: int) -> float:
    """User + system CPU time the process has used so far (Linux /proc)."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def wrk(proc: subprocess.Popen[bytes], port: int, path: str, seconds: int) -> tuple[float, float]:
    """One ``wrk`` run (1 thread, 16 connections, the consent cookie sent).

    Returns requests/s and the server's CPU µs per request. The second does not
    depend on how busy the rest of the machine is, so it shows the
    middleware's cost even where requests/s is noisy.
    """
    cpu = cpu_seconds(proc.pid)
    out = subprocess.run(
        [
            "wrk",
            "-t1",
            "-c16",
            f"-d{seconds}s",
            "-H",
            f"Cookie: {COOKIE}",
            f"http://127.0.0.1:{port}{path}",
        ],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    used = cpu_seconds(proc.pid) - cpu
    rate = re.search(r"Requests/sec:\s+([\d.]+)", out)
    count = re.search(r"(\d+) requests in", out)
    if not rate or not count:
        raise RuntimeError(f"wrk said: {out}")
    return float(rate.group(1)), used * 1e6 / max(int(count.group(1)), 1)


Row = tuple[list[float], list[float]]


def throughput(kind: str, base: str, wrapped: str, seconds: int, rounds: int) -> dict[str, Row]:
    """Per path and per server: the requests/s and server CPU µs/request of each run.

    Three servers run at once: ``base``, ``wrapped`` and ``base`` again; the
    runs rotate, so a burst of load from elsewhere hits all alike, and the two
    copies of ``base`` show how far apart identical servers measure (A/A).
    """
    targets = (base, wrapped, base)
    ports = [free_port() for _ in targets]
    procs = [serve(kind, t, port) for t, port in zip(targets, ports, strict=True)]
    try:
        results: dict[str, list[Row]] = {}
        for path in ("/", "/cookies"):
            runs: list[Row] = [([], []) for _ in targets]
            for side, proc in enumerate(procs):
                wrk(proc, ports[side], path, 1)  # warm up
            for i in range(rounds):
                for k in range(len(targets)):
                    side = (i + k) % len(targets)
                    rate, cpu = wrk(procs[side], ports[side], path, seconds)
                    runs[side][0].append(rate)
                    runs[side][1].append(cpu)
            results[path] = runs
        return results
    finally:
        for proc in procs:
            proc.terminate()
            proc.wait(10)


def print_throughput(stack: str, path: str, runs: list[Row]) -> None:
    """Rows for one path: requests/s and CPU µs/request, samtycke vs. without, and A/A."""
    med = statistics.median
    (base_r, base_c), (with_r, with_c), (copy_r, copy_c) = runs
    b, w, c = med(base_r), med(with_r), med(copy_r)
    print(f"| {stack} | wrk `{path}` requests/s | {b:.0f} | {w:.0f} | {(w - b) / b * 100:+.1f} % |")
    print(
        f"| {stack} | same, A/A: plain app twice | {b:.0f} | {c:.0f} | {(c - b) / b * 100:+.1f} % |"
    )
    b, w, c = med(base_c), med(with_c), med(copy_c)
    print(f"| {stack} | wrk `{path}` server CPU µs/request | {b:.0f} | {w:.0f} | {w - b:+.0f} µs |")
    print(f"| {stack} | same, A/A: plain app twice | {b:.0f} | {c:.0f} | {c - b:+.0f} µs |")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=int, default=3, help="wrk duration per run")
    parser.add_argument("--rounds", type=int, default=6, help="alternating wrk runs per app")
    parser.add_argument("--calls", type=int, default=5000, help="calls per microbenchmark batch")
    parser.add_argument("--batches", type=int, default=21, help="alternating batches per app")
    parser.add_argument("--no-wrk", action="store_true", help="only the microbenchmark")
    parser.add_argument(
        "--cpu-clock", action="store_true", help="time the microbenchmark by thread CPU time"
    )
    args = parser.parse_args()
    if args.cpu_clock:
        global CLOCK
        CLOCK = time.thread_time_ns
    # Stopped with SIGTERM, still stop the servers (the finally blocks run).
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))

    print("| stack | what | without | with samtycke | added |")
    print("|---|---|---:|---:|---:|")
    for path, sent in SCENARIOS:
        bare, wrapped = bare_asgi(path)
        bare_w, wrapped_w = bare_wsgi(path)
        a, w = asgi_call, wsgi_call
        for stack, base_call, wrapped_call in (
            ("bare ASGI app", a(bare, path, sent), a(wrapped, path, sent)),
            ("bare WSGI app", w(bare_w, path, sent), w(wrapped_w, path, sent)),
            ("Starlette", a(apps.plain, path, sent), a(apps.enforced, path, sent)),
            ("Flask", w(apps.flask_plain, path, sent), w(apps.flask_enforced, path, sent)),
        ):
            base, with_ = micro(base_call, wrapped_call, args.calls, args.batches)
            label = f"`{path}`" if sent is not STALE else f"`{path}` withdrawn, deletes `_ga`"
            what = f"in-process {label} µs/request"
            print(f"| {stack} | {what} | {base:.2f} | {with_:.2f} | {with_ - base:+.2f} µs |")
    if args.no_wrk:
        return
    for kind, stack, base_t, wrapped_t in (
        ("asgi", "Starlette + uvicorn", "apps:plain", "apps:enforced"),
        ("wsgi", "Flask + waitress", "apps:flask_plain", "apps:flask_enforced"),
    ):
        for path, runs in throughput(kind, base_t, wrapped_t, args.seconds, args.rounds).items():
            print_throughput(stack, path, runs)


if __name__ == "__main__":
    main()
