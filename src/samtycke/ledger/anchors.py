"""Anchors: signed statements of the chain head kept outside the database.

``samtycke ledger anchor`` writes one file per anchor into a folder (which may
be write-once storage)::

    {"statement": {"kind": "samtycke-anchor", "format": 1, "seq": N, "hash": H,
                   "recorded_us": T, "recorded_at": "…", "tree_size": N, "root": R,
                   "anchored_at": "…", "kid": "…", "public_key": "…"},
     "signature": "…"}        signed message = b"samtycke-anchor/1\\n" + compact_json(statement)

``root`` is the RFC 9162 Merkle root over the first ``tree_size`` chain entries,
so a receipt can be proven against it without the database. With ``--tsa`` the
sha256 of the signed message is also timestamped (RFC 3161); the reply is kept
next to the anchor as ``.tsr``.

Checked against a ledger (``verify --anchors``), anchors name what a database
administrator could otherwise do unnoticed: cut the tail, reset the chain,
restore an old backup, rewrite anything older than an anchor, or purge with a
checkpoint no anchor has seen.
"""

from __future__ import annotations

import hashlib
import json
import os
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from sqlalchemy.exc import SQLAlchemyError

from samtycke.errors import LedgerError, ProofError
from samtycke.ledger.chain import BrokenChain, Verified
from samtycke.ledger.purge_entry import decode_purge
from samtycke.ledger.records import compact_json, format_us
from samtycke.ledger.runs import record_run
from samtycke.ledger.signing import KeySet, PublicKey, SigningKey
from samtycke.ledger.store import Ledger, now_us
from samtycke.ledger.tree import missing_nodes, store_nodes, tree_of
from samtycke.ledger.tsa import request_timestamp
from samtycke.ledger.view import View

ANCHOR_KIND = "samtycke-anchor"


def anchor_message(statement: dict[str, Any]) -> bytes:
    """What is signed (and timestamped) for ``statement``."""
    return b"samtycke-anchor/1\n" + compact_json(statement).encode()


@dataclass(frozen=True)
class Anchor:
    """One checked anchor file."""

    path: Path
    statement: dict[str, Any]
    key: PublicKey

    @property
    def seq(self) -> int:
        """The head seq it signed."""
        return int(self.statement["seq"])

    @property
    def hash(self) -> str:
        """The head hash it signed."""
        return str(self.statement["hash"])

    @property
    def root(self) -> bytes:
        """The Merkle root it signed."""
        return bytes.fromhex(self.statement["root"])

    @property
    def name(self) -> str:
        """How messages name it."""
        return f"anchor {self.path.name} (seq {self.seq})"


def write_anchor(
    ledger: Ledger, out: Path, key: SigningKey, tsa: str | None = None, at_us: int | None = None
) -> tuple[Path, dict[str, Any]]:
    """Sign the current head and Merkle root into a new file in ``out``.

    The outcome is kept as the last anchor run, a failure too, so the console
    never shows an old success while anchoring fails.
    """
    stamp = now_us() if at_us is None else at_us
    try:
        path, statement = _write(ledger, out, key, tsa, stamp)
    except (LedgerError, SQLAlchemyError) as exc:
        record_run(ledger.engine, "anchor", False, str(exc), stamp)
        raise
    seq, head_hash = statement["seq"], statement["hash"]
    record_run(ledger.engine, "anchor", True, f"seq {seq} hash {head_hash} → {path.name}", stamp)
    return path, statement


def _write(
    ledger: Ledger, out: Path, key: SigningKey, tsa: str | None, stamp: int
) -> tuple[Path, dict[str, Any]]:
    with ledger.reading() as view:
        head = view.head()
        nodes = missing_nodes(view, head.seq)  # computed without holding the write lock
        tree = tree_of(view)
        tree.known.update({(lo, lo + n): bytes.fromhex(h) for lo, n, h in nodes})
        root = tree.root(head.seq)
    if nodes:
        try:  # cache them: later proofs and roots read a few hashes instead of every leaf
            with ledger.writing() as conn:
                store_nodes(View(conn), nodes)
        except SQLAlchemyError:
            pass  # a read-only role can still anchor; the cache just stays empty
    statement = {
        "kind": ANCHOR_KIND,
        "format": 1,
        "seq": head.seq,
        "hash": head.hash,
        "recorded_us": head.recorded_us,
        "recorded_at": format_us(head.recorded_us),
        "tree_size": head.seq,
        "root": root.hex(),
        "anchored_at": format_us(stamp),
        "kid": key.public.kid,
        "public_key": key.public.jwk()["x"],
    }
    message = anchor_message(statement)
    body = json.dumps({"statement": statement, "signature": key.sign(message)}, indent=2)
    reply = request_timestamp(tsa, hashlib.sha256(message).digest()) if tsa else None
    try:
        out.mkdir(parents=True, exist_ok=True)
        path = out / f"anchor-{head.seq:012d}-{stamp}.json"
        _write_new(path, body.encode() + b"\n")
        if reply is not None:
            _write_new(path.with_suffix(".tsr"), reply)
    except OSError as exc:
        raise LedgerError(f"cannot write the anchor into {out}: {exc.strerror or exc}") from None
    return path, statement


def _write_new(path: Path, data: bytes) -> None:
    # O_EXCL: an anchor is never overwritten, also not on a store that would allow it.
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o644)
    with os.fdopen(fd, "wb") as fh:
        fh.write(data)
        fh.flush()
        os.fsync(fh.fileno())


def load_anchors(folder: Path, trusted: KeySet | None = None) -> list[Anchor]:
    """Every anchor in ``folder``, signatures checked, oldest head first.

    Without ``trusted`` they must all be signed by one key; with it, each by a
    key of the set (anchors of a rotated key among them).
    """
    if not folder.is_dir():
        raise LedgerError(f"--anchors {folder}: not a folder")
    out: list[Anchor] = []
    for path in sorted(folder.glob("anchor-*.json")):
        out.append(read_anchor(path, trusted))
    keys = {a.key.kid for a in out}
    if len(keys) > 1 and trusted is None:
        raise ProofError(
            f"the anchors in {folder} are signed by {len(keys)} different keys: after a key "
            "rotation, pass --keys with the server's key set (/.well-known/samtycke-keys.json)"
        )
    return sorted(out, key=lambda a: (a.seq, a.statement.get("anchored_at", "")))


def read_anchor(path: Path, trusted: KeySet | None = None) -> Anchor:
    """One anchor file, its signature checked (ProofError when it does not hold)."""
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
        statement, signature = data["statement"], data["signature"]
        key = PublicKey.from_text(statement["public_key"])
        ok_shape = (
            statement["kind"] == ANCHOR_KIND
            and type(statement["seq"]) is int
            and statement["tree_size"] == statement["seq"]
            and len(bytes.fromhex(statement["root"])) == 32
        )
    except (OSError, ValueError, KeyError, TypeError):
        raise ProofError(f"anchor {path.name}: not a samtycke anchor file") from None
    if not ok_shape or not key.verify(signature, anchor_message(statement)):
        raise ProofError(f"anchor {path.name}: its signature does not verify (altered)")
    if trusted is not None:
        trusted.check(key, f"anchor {path.name}")
    return Anchor(path, statement, key)


def check_anchors(view: View, verified: Verified, anchors: list[Anchor]) -> None:
    """Name anything the ledger did that its anchors contradict (runs in verify's snapshot)."""
    if not anchors:
        return
    head = verified.head
    last = anchors[-1]
    if head.seq < last.seq:
        if head.seq == 0:
            raise BrokenChain(
                f"the ledger was reset: its head is seq {head.seq} but {last.name} "
                f"signed seq {last.seq}",
                head.seq,
            )
        older = [a for a in anchors if (a.seq, a.hash) == (head.seq, head.hash)]
        if older:
            raise BrokenChain(
                f"an old backup was restored: the head is {older[-1].name}, but {last.name} "
                f"signed {last.seq - head.seq} entries more",
                head.seq,
            )
        raise BrokenChain(
            f"the tail was cut: the chain ends at seq {head.seq} but {last.name} signed "
            f"seq {last.seq}",
            head.seq + 1,
        )
    purges = [decode_purge(r) for r in view.purges()]
    kept_from = max((p.through_seq for p in purges), default=0)
    by_seq = view.leaf_hashes(kept_from + 1, last.seq + 1)
    for anchor in anchors:
        stored = by_seq.get(anchor.seq)
        if stored is not None and stored != anchor.hash:
            raise BrokenChain(
                f"entry {anchor.seq} was rewritten: its hash differs from {anchor.name}",
                anchor.seq,
            )
        for p in purges:
            if anchor.seq <= p.through_seq and anchor.statement["recorded_us"] >= p.cutoff_us:
                raise BrokenChain(
                    f"purge entry {p.seq} is forged: it cut seq {anchor.seq}, which "
                    f"{anchor.name} dates after its cutoff",
                    p.seq,
                )
    if last.seq >= kept_from and last.seq > 0:
        root = tree_of(view).root(last.seq)
        if root != last.root:
            raise BrokenChain(
                f"the chain was rewritten before {last.name}: the Merkle root of its first "
                f"{last.seq} entries differs from the signed one (or a merkle_nodes row was altered)",
                None,
            )
    for p in purges:
        if p.seq > last.seq:
            raise BrokenChain(
                f"purge entry {p.seq} is not anchored (newest {last.name}): "
                "run samtycke ledger anchor after each purge",
                p.seq,
            )
