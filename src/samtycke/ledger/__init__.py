"""The proof-of-consent ledger: hash-chained records in SQLite or PostgreSQL.

``Ledger(url)`` opens (and migrates) a database; ``append`` chains decisions
in one transaction; ``verify_chain`` checks every link; ``purge`` removes whole
old days and leaves a checkpoint; ``export_records`` and ``daily_stats`` read
it back.
"""

from samtycke.ledger.chain import BrokenChain, Verified, record_hash_ok, verify_chain
from samtycke.ledger.export import FORMATS, export_records
from samtycke.ledger.records import (
    GENESIS_HASH,
    Decision,
    Record,
    canonical_record,
    format_us,
    link_hash,
    seal,
)
from samtycke.ledger.retention import Purged, purge
from samtycke.ledger.stats import DayStats, daily_stats
from samtycke.ledger.store import ChainHead, Checkpoint, Ledger, Snapshot

__all__ = [
    "FORMATS",
    "GENESIS_HASH",
    "BrokenChain",
    "ChainHead",
    "Checkpoint",
    "DayStats",
    "Decision",
    "Ledger",
    "Purged",
    "Record",
    "Snapshot",
    "Verified",
    "canonical_record",
    "daily_stats",
    "export_records",
    "format_us",
    "link_hash",
    "purge",
    "record_hash_ok",
    "seal",
    "verify_chain",
]
