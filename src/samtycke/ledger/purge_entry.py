"""A purge as an entry of the chain: its canonical form, hash and strict decoding."""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

from samtycke.ledger.records import compact_json, format_us, link_hash
from samtycke.ledger.rows import MalformedRow
from samtycke.ledger.view import PURGE_COLUMNS


@dataclass(frozen=True)
class PurgeEntry:
    """A purge as it sits in the chain."""

    seq: int
    recorded_us: int
    through_seq: int
    through_hash: str
    through_us: int
    cutoff_us: int
    retention_days: int
    purged_count: int
    frontier: list[tuple[int, int, str]]
    prev_hash: str
    hash: str

    def canonical(self) -> bytes:
        """The exact bytes this entry's hash covers."""
        return compact_json(
            {
                "kind": "purge",
                "format": 2,
                "seq": self.seq,
                "recorded_at": format_us(self.recorded_us),
                "through_seq": self.through_seq,
                "through_hash": self.through_hash,
                "through_at": format_us(self.through_us),
                "cutoff_at": format_us(self.cutoff_us),
                "retention_days": self.retention_days,
                "purged_count": self.purged_count,
                "frontier": [list(f) for f in self.frontier],
            }
        ).encode()

    def hash_ok(self) -> bool:
        """True when the stored hash is the link over this entry's content."""
        return link_hash(self.prev_hash, self.canonical()) == self.hash


def decode_purge(row: tuple[Any, ...]) -> PurgeEntry:
    """A ``chain_purges`` row as an entry, or MalformedRow naming what is wrong."""
    values = dict(zip(PURGE_COLUMNS, row, strict=True))
    seq = values["seq"]
    for name in PURGE_COLUMNS:
        value = values[name]
        want_text = name in ("through_hash", "frontier", "prev_hash", "hash")
        ok = isinstance(value, str) if want_text else type(value) is int
        if not ok:
            raise MalformedRow(
                f"purge entry {seq!r}: {name} holds {value!r}, not "
                + ("text" if want_text else "an integer"),
                seq if type(seq) is int else None,
            )
    try:
        front = [(int(a), int(b), str(h)) for a, b, h in json.loads(values["frontier"])]
    except (ValueError, TypeError):
        raise MalformedRow(f"purge entry {seq}: frontier is not a list of subtrees", seq) from None
    return PurgeEntry(**{**values, "frontier": front})
