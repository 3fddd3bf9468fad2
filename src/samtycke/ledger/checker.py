"""Hashing stored rows on a second core while verify walks the chain in order.

Whether a row hashes to its stored ``hash`` does not depend on the rows before
it: the hash covers the row's own ``prev_hash`` and values. Verify's walk
(sequence numbers, links, times, snapshots) stays in order in the main
process; the costly part, checking each row's types and recomputing its hash,
is done for some pages in a helper process. The main process reads every
page in its one snapshot and sends it over a pipe (``marshal``: the values
are ints, strings and None), so both processes check the same state. The
helper answers how many leading rows of a page it vouches for; every row it
does not vouch for is checked again in the main process, which names the
problem exactly as it would alone. The main process checks a page itself
whenever the helper already has enough to do, so the two share the work.
"""

from __future__ import annotations

import collections
import contextlib
import fcntl
import itertools
import marshal
import os
import queue
import select
import subprocess
import sys
import threading
from collections.abc import Generator, Iterator, Sequence
from typing import IO, Any

from samtycke.ledger.records import link_hash
from samtycke.ledger.rows import RECORD_COLUMNS, MalformedRow, stored_canonical

Row = tuple[Any, ...]
_PREV_HASH, _HASH = RECORD_COLUMNS.index("prev_hash"), RECORD_COLUMNS.index("hash")
IN_FLIGHT = 3  # pages queued at the helper: one being hashed, two waiting
_HERE = os.path.realpath(__file__)  # the helper must run this very file
_AHEAD = 8  # pages the main process checks past an unanswered one before it waits
# How long an answer may take before the helper is given up on and its pages are
# checked here; a page takes well under a second, so only a stuck helper waits it out.
HELPER_PATIENCE = 60.0
_PIPE_MAX = 16 << 20  # bytes; pages of 20,000 rows are ~9 MB


def vouched(rows: Sequence[Row]) -> int:
    """How many leading rows are well-formed and hash to their stored hash."""
    for i, row in enumerate(rows):
        try:
            if link_hash(row[_PREV_HASH], stored_canonical(row)) != row[_HASH]:
                return i
        except (MalformedRow, ValueError):  # ValueError: a prev_hash that is not hex
            return i
    return len(rows)


@contextlib.contextmanager
def helper_process(wanted: bool = True) -> Iterator[_Helper | None]:
    """A helper process for :func:`checked_pages`, started now; None on one core or unwanted.

    Started before the pages are read, its start-up (imports) overlaps the
    caller's first queries; it is stopped on leaving.
    """
    helper = _Helper() if wanted and len(os.sched_getaffinity(0)) >= 2 else None
    try:
        yield helper
    finally:
        if helper is not None:
            helper.close()


def checked_pages(
    pages: Iterator[list[Row]], helper: _Helper | None = None
) -> Generator[tuple[list[Row], int], None, None]:
    """Every page of ``pages`` in order, with how many of its leading rows hash right.

    The rows past that count have not been checked (or failed): the caller
    checks them. Without a ``helper`` from :func:`helper_process`, one is
    started from the second page on, and only when this process may run on
    two cores.
    """
    own = None
    if helper is None:
        head = list(itertools.islice(pages, 2))
        if len(head) < 2 or len(os.sched_getaffinity(0)) < 2:
            for page in itertools.chain(head, pages):
                yield page, vouched(page)
            return
        helper = own = _Helper()
        pages = itertools.chain(head, pages)
    # [page, vouched count or None while the helper has it], in chain order
    queue: collections.deque[list[Any]] = collections.deque()
    try:
        for page in pages:
            if helper.busy < IN_FLIGHT and helper.send(page):
                queue.append([page, None])
            else:
                queue.append([page, vouched(page)])
            while queue and (queue[0][1] is not None or helper.ready() or len(queue) > _AHEAD):
                yield _resolved(queue.popleft(), helper)
        while queue:
            yield _resolved(queue.popleft(), helper)
    finally:
        if own is not None:
            own.close()


def _resolved(item: list[Any], helper: _Helper) -> tuple[list[Row], int]:
    page, count = item
    return page, helper.receive() if count is None else count


class _Helper:
    """``python -m samtycke.ledger.checker`` and its pipes; answers come in the order pages went.

    A plain subprocess, not multiprocessing: nothing of the calling program
    (its main module, threads or pools) is imported or copied into it. It
    first says which file it runs (``-P``: not one found in the working
    folder); unless that is this very module, or when it cannot start or
    dies, its pages are answered 0: checked here instead.
    """

    def __init__(self) -> None:
        self.busy = 0
        self._same_code: bool | None = None
        try:
            self._proc: subprocess.Popen[bytes] | None = subprocess.Popen(
                [sys.executable, "-P", "-m", "samtycke.ledger.checker"],
                stdin=subprocess.PIPE,
                stdout=subprocess.PIPE,
                stderr=subprocess.DEVNULL,
                bufsize=0,
            )
        except OSError:
            self._proc = None
        else:
            _widen(self._proc.stdin)

    def send(self, page: list[Row]) -> bool:
        """Queue a page; False when it cannot be sent (the caller checks it itself)."""
        if self._proc is None or self._proc.stdin is None:
            return False
        try:
            data = marshal.dumps(page)
        except ValueError:  # a value marshal cannot carry
            return False
        try:
            self._proc.stdin.write(len(data).to_bytes(8, "little") + data)
        except OSError:  # the helper is gone
            self._proc = None
            return False
        self.busy += 1
        return True

    def ready(self) -> bool:
        """Whether an answer (or the helper's end) is waiting."""
        if self.busy == 0 or self._proc is None or self._proc.stdout is None:
            return self.busy > 0
        return bool(select.select([self._proc.stdout], [], [], 0)[0])

    def receive(self) -> int:
        """The next answer (waits for it); 0 when the helper is gone."""
        self.busy -= 1
        if self._proc is None or self._proc.stdout is None:
            return 0
        if not select.select([self._proc.stdout], [], [], HELPER_PATIENCE)[0]:
            self.close(patience=0)  # alive but silent: stop it, check its pages here
            return 0
        if self._same_code is None:
            size = _read(self._proc.stdout, 8)
            path = _read(self._proc.stdout, int.from_bytes(size, "little")) if size else None
            self._same_code = path is not None and os.fsdecode(path) == _HERE
        answer = _read(self._proc.stdout, 8) if self._same_code else None
        if answer is None:
            self.close()
            return 0
        return int.from_bytes(answer, "little")

    def close(self, patience: float = 5) -> None:
        """Stop the helper, waiting ``patience`` seconds for it to end, then for certain."""
        proc, self._proc = self._proc, None
        if proc is None:
            return
        with contextlib.suppress(OSError):  # already gone
            if proc.stdin is not None:
                proc.stdin.close()
        try:
            proc.wait(timeout=patience)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()
        if proc.stdout is not None:
            proc.stdout.close()


def _widen(pipe: IO[bytes] | None) -> None:
    # A page is megabytes. Through the default 64 KB pipe the sender waited for
    # the helper's reading thread about 130 times a page, each time until the
    # hashing thread let go of the GIL; a pipe of the largest size allowed cuts
    # that to a few.
    if pipe is None or not hasattr(fcntl, "F_SETPIPE_SZ"):
        return
    try:
        with open("/proc/sys/fs/pipe-max-size", "rb") as f:
            size = int(f.read())
        fcntl.fcntl(pipe.fileno(), fcntl.F_SETPIPE_SZ, min(size, _PIPE_MAX))
    except (OSError, ValueError):  # not Linux, or not allowed: the default size
        pass


def _read(stream: IO[bytes], n: int) -> bytes | None:
    data = b""
    while len(data) < n:
        chunk = stream.read(n - len(data))
        if not chunk:
            return None
        data += chunk
    return data


def _serve(pipe_in: IO[bytes], pipe_out: IO[bytes]) -> None:
    # A thread takes pages off the pipe as they come, so the sender never waits
    # for the page before to be hashed.
    pages: queue.SimpleQueue[bytes | None] = queue.SimpleQueue()

    def receive() -> None:
        while (size := _read(pipe_in, 8)) is not None:
            data = _read(pipe_in, int.from_bytes(size, "little"))
            if data is None:
                break
            pages.put(data)
        pages.put(None)

    # The reading thread takes the GIL after each chunk of the pipe; by default the
    # hashing thread keeps it up to 5 ms each time, while the sender waits.
    sys.setswitchinterval(0.0005)
    threading.Thread(target=receive, daemon=True).start()
    me = os.fsencode(_HERE)
    pipe_out.write(len(me).to_bytes(8, "little") + me)
    while (data := pages.get()) is not None:
        pipe_out.write(vouched(marshal.loads(data)).to_bytes(8, "little"))
        pipe_out.flush()


if __name__ == "__main__":
    _serve(sys.stdin.buffer, sys.stdout.buffer)
