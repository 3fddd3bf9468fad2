"""Declaration snapshots: registering what a build or server shows, and noticing silent changes.

The ledger keeps, per fingerprint, the canonical content a person was shown
(its snapshots), so a consent record proves what was agreed to and the
server can accept a decision made on any version it holds. ``samtycke build
--db`` and ``samtycke serve`` register the snapshot of the declaration they
publish; ``samtycke check --db`` only reads.

Re-asking follows the fingerprint, so changed content without a raised
``revision`` still asks people again. ``revision`` is the human version
number, though, and the policy shows it: when the ledger already holds
another content under the same revision, :func:`revision_drift` says so.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from samtycke.declaration import Declaration
from samtycke.declaration.fingerprint import canonical_json, fingerprint

if TYPE_CHECKING:  # the ledger needs the server extra; importing this module does not
    from samtycke.ledger import Ledger


def register_snapshot(ledger: Ledger, decl: Declaration) -> bool:
    """Store the snapshot of ``decl`` in ``ledger``; True when it was new."""
    return ledger.add_snapshot(
        decl.site.id, decl.site.revision, fingerprint(decl), canonical_json(decl).decode()
    )


def revision_drift(ledger: Ledger, decl: Declaration) -> str | None:
    """A warning when the ledger holds other content of this site under the same revision."""
    fp = fingerprint(decl)
    site = decl.site
    others = [
        s.fingerprint
        for s in ledger.snapshots(site.id)
        if s.revision == site.revision and s.fingerprint != fp
    ]
    if not others:
        return None
    return (
        f"site {site.id!r}: the consent-relevant content changed (fingerprint {fp[:12]}, "
        f"before {others[-1][:12]}) but revision is still {site.revision}; people are asked "
        f"again either way, raise revision to {site.revision + 1} so the policy's version "
        "number says so too"
    )
