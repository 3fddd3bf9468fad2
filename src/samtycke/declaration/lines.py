"""Find the line of every key in a TOML file, so errors can name it.

``tomllib`` gives values without positions. This scanner reads the same text
once more and records, for each key path (``("cookies", 3, "expires")``), the
line where it is written. It understands table headers, arrays of tables,
dotted and quoted keys, inline tables on one line, and values that run over
several lines (arrays, inline tables, multi-line strings).
"""

from __future__ import annotations

import re
from collections.abc import Sequence

Path = tuple[str | int, ...]

_BARE = re.compile(r"[A-Za-z0-9_-]+")


class LineMap:
    """Key paths → 1-based line numbers, with the nearest known parent as fallback."""

    def __init__(self, lines: dict[Path, int]) -> None:
        self._lines = lines

    def line(self, *path: str | int) -> int:
        """The line of ``path``, or of its nearest parent that has one (else 1)."""
        p: Path = tuple(path)
        while p:
            if p in self._lines:
                return self._lines[p]
            p = p[:-1]
        return 1


def locate(text: str) -> LineMap:
    """Scan TOML ``text`` and return where each key path is written."""
    found: dict[Path, int] = {}
    counts: dict[Path, int] = {}
    table: Path = ()
    lines = text.splitlines()
    i = 0
    while i < len(lines):
        lineno = i + 1
        stripped = lines[i].strip()
        i += 1
        if not stripped or stripped.startswith("#"):
            continue
        if stripped.startswith("[["):
            keys, _ = _read_key(stripped[2:])
            base = tuple(keys)
            index = counts.get(base, 0)
            counts[base] = index + 1
            table = (*base, index)
            found.setdefault(base, lineno)
            found[table] = lineno
            continue
        if stripped.startswith("["):
            keys, _ = _read_key(stripped[1:])
            table = tuple(keys)
            found.setdefault(table, lineno)
            continue
        keys, rest = _read_key(stripped)
        if not keys or not rest.startswith("="):
            continue
        path = (*table, *keys)
        found.setdefault(path, lineno)
        value = rest[1:]
        for sub in _inline_keys(value):
            found.setdefault((*path, sub), lineno)
        # Skip the continuation lines of a value that spans several lines.
        state = _Scan()
        state.feed(value)
        while state.open and i < len(lines):
            state.feed("\n" + lines[i])
            i += 1
    return LineMap(found)


def _read_key(s: str) -> tuple[list[str], str]:
    """Read a (dotted, maybe quoted) key from the start of ``s``; return it and the rest."""
    keys: list[str] = []
    s = s.lstrip()
    while s:
        if s[0] in "\"'":
            q = s[0]
            end = s.find(q, 1)
            if end < 0:
                return keys, ""
            keys.append(s[1:end])
            s = s[end + 1 :].lstrip()
        else:
            m = _BARE.match(s)
            if not m:
                break
            keys.append(m.group(0))
            s = s[m.end() :].lstrip()
        if s.startswith("."):
            s = s[1:].lstrip()
            continue
        break
    s = s.lstrip("]").lstrip()
    return keys, s


def _inline_keys(value: str) -> Sequence[str]:
    """Top-level keys of an inline table written on this line: ``{ en = "…", sv = "…" }``."""
    v = value.strip()
    if not v.startswith("{"):
        return []
    out: list[str] = []
    state = _Scan()
    expect_key = True
    j = 1
    while j < len(v):
        c = v[j]
        if expect_key and state.depth == 0 and not state.in_string:
            keys, rest = _read_key(v[j:])
            if keys and rest.startswith("="):
                out.append(keys[0])
                j = len(v) - len(rest) + 1
                expect_key = False
                continue
        state.feed(c)
        if state.depth == 0 and not state.in_string and c == ",":
            expect_key = True
        if state.depth < 0:
            break
        j += 1
    return out


class _Scan:
    """Tracks brackets and strings across chunks of a TOML value."""

    def __init__(self) -> None:
        self.depth = 0
        self.quote = ""  # the open string's delimiter, "" when outside a string

    @property
    def in_string(self) -> bool:
        return bool(self.quote)

    @property
    def open(self) -> bool:
        return self.depth > 0 or len(self.quote) == 3

    def feed(self, chunk: str) -> None:
        k = 0
        while k < len(chunk):
            c = chunk[k]
            if self.quote:
                if c == "\\" and self.quote in ('"', '"""'):
                    k += 2
                    continue
                if chunk.startswith(self.quote, k):
                    k += len(self.quote)
                    self.quote = ""
                    continue
                if c == "\n" and len(self.quote) == 1:
                    self.quote = ""
                k += 1
                continue
            if c == "#":
                nl = chunk.find("\n", k)
                if nl < 0:
                    return
                k = nl
                continue
            if c in "\"'":
                triple = c * 3
                self.quote = triple if chunk.startswith(triple, k) else c
                k += len(self.quote)
                continue
            if c in "[{":
                self.depth += 1
            elif c in "]}":
                self.depth -= 1
            k += 1
