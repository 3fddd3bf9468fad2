"""Export records as CSV or JSON Lines, with every field needed to re-verify them."""

from __future__ import annotations

import csv
import json
from typing import TextIO

from samtycke.ledger.store import Ledger

FIELDS = (
    "seq",
    "record_id",
    "consent_id",
    "site",
    "recorded_at",
    "revision",
    "fingerprint",
    "language",
    "method",
    "choices",
    "url",
    "ip",
    "user_agent",
    "decision_id",
    "refused_services",
    "source",
    "format",
    "prev_hash",
    "hash",
)
FORMATS = ("csv", "jsonl")


def export_records(
    ledger: Ledger,
    out: TextIO,
    fmt: str,
    *,
    since_us: int | None = None,
    until_us: int | None = None,
) -> int:
    """Write the records recorded in ``[since, until)`` to ``out``; returns how many."""
    if fmt not in FORMATS:
        raise ValueError(f"format {fmt!r} is not one of {', '.join(FORMATS)}")
    writer = csv.DictWriter(out, fieldnames=FIELDS, lineterminator="\n") if fmt == "csv" else None
    if writer is not None:
        writer.writeheader()
    n = 0
    for rec in ledger.iter_records(since_us, until_us):
        row = rec.as_dict()
        if writer is not None:
            row["choices"] = json.dumps(row["choices"], separators=(",", ":"))
            if row["refused_services"] is not None:
                row["refused_services"] = json.dumps(row["refused_services"], separators=(",", ":"))
            writer.writerow({k: "" if row[k] is None else row[k] for k in FIELDS})
        else:
            out.write(json.dumps(row, separators=(",", ":"), ensure_ascii=False) + "\n")
        n += 1
    return n
