"""The proof-of-consent ledger: hash-chained records in SQLite or PostgreSQL.

``Ledger(url)`` opens a database (``migrate=True`` brings its schema up to
date); ``append_each`` chains decisions in one transaction; ``verify_chain``
checks every link over one snapshot; ``purge`` removes whole old days as a
chained entry; ``export_records`` and ``daily_stats`` read it back.

Each name is imported from its module on first use, so verify's checker
process (``samtycke.ledger.checker``) and the record codec load no SQLAlchemy.
"""

from typing import TYPE_CHECKING

from samtycke.lazy import lazy_exports

if TYPE_CHECKING:
    from samtycke.ledger.chain import BrokenChain, Verified, record_hash_ok, verify_chain
    from samtycke.ledger.export import FORMATS, export_records
    from samtycke.ledger.purge_entry import PurgeEntry
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
    from samtycke.ledger.store import Ledger, RefusedDecision
    from samtycke.ledger.view import ChainHead, Snapshot

__all__ = [
    "FORMATS",
    "GENESIS_HASH",
    "BrokenChain",
    "ChainHead",
    "DayStats",
    "Decision",
    "Ledger",
    "PurgeEntry",
    "Purged",
    "Record",
    "RefusedDecision",
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

__getattr__ = lazy_exports(
    __name__,
    {
        "BrokenChain": "samtycke.ledger.chain",
        "Verified": "samtycke.ledger.chain",
        "record_hash_ok": "samtycke.ledger.chain",
        "verify_chain": "samtycke.ledger.chain",
        "FORMATS": "samtycke.ledger.export",
        "export_records": "samtycke.ledger.export",
        "PurgeEntry": "samtycke.ledger.purge_entry",
        "GENESIS_HASH": "samtycke.ledger.records",
        "Decision": "samtycke.ledger.records",
        "Record": "samtycke.ledger.records",
        "canonical_record": "samtycke.ledger.records",
        "format_us": "samtycke.ledger.records",
        "link_hash": "samtycke.ledger.records",
        "seal": "samtycke.ledger.records",
        "Purged": "samtycke.ledger.retention",
        "purge": "samtycke.ledger.retention",
        "DayStats": "samtycke.ledger.stats",
        "daily_stats": "samtycke.ledger.stats",
        "Ledger": "samtycke.ledger.store",
        "RefusedDecision": "samtycke.ledger.store",
        "ChainHead": "samtycke.ledger.view",
        "Snapshot": "samtycke.ledger.view",
    },
)
