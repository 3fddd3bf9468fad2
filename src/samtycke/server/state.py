"""What a running server holds: configuration, sites, ledger, writer, limiter."""

from __future__ import annotations

import functools
import os
from dataclasses import dataclass, field

from samtycke.ledger import Ledger
from samtycke.ledger.receipts import receipt_signature
from samtycke.ledger.signing import PublicKey, SigningKey
from samtycke.server import errors
from samtycke.server.assets import AssetCache
from samtycke.server.client import RateLimiter
from samtycke.server.config import ServerConfig
from samtycke.server.proof import Anchorer, check_ledger_key, open_proof, settings_from_env
from samtycke.server.refusals import RefusalLog
from samtycke.server.sites import Site, Versions
from samtycke.server.writer import GroupWriter


@dataclass
class ServerState:
    """Shared by every request of one process (``app.state.samtycke``)."""

    config: ServerConfig
    sites: dict[str, Site]
    limiter: RateLimiter
    ledger: Ledger | None = None
    versions: Versions | None = None
    writer: GroupWriter | None = None
    signing_key: SigningKey | None = None
    retired_keys: tuple[PublicKey, ...] = ()
    anchorer: Anchorer | None = None
    assets: AssetCache = field(default_factory=AssetCache)
    refusals: RefusalLog = field(default_factory=RefusalLog)

    def open(self) -> None:
        """Migrate and open the ledger, load the signing key, start writer and anchors.

        ``serve`` migrates at start: several processes may do so at once, each
        migration runs under a lock and is applied once.
        """
        proof = settings_from_env(os.environ, self.config.db)
        self.signing_key = open_proof(proof)
        self.retired_keys = proof.retired
        self.ledger = Ledger(self.config.ledger_url, migrate=True)
        check_ledger_key(self.ledger.engine, self.signing_key.public, proof.retired)
        self.versions = Versions(self.ledger, self.sites)
        key = self.signing_key
        sign = None if key is None else functools.partial(receipt_signature, key=key)
        self.writer = GroupWriter(self.ledger, self.config.batch, sign, errors.LEDGER_SECONDS)
        self.writer.start()
        if proof.anchors is not None:
            self.anchorer = Anchorer(self.ledger, self.signing_key, proof)
            self.anchorer.start()

    def close(self) -> None:
        """Flush the writer, stop anchoring and close the database (at shutdown)."""
        if self.anchorer is not None:
            self.anchorer.stop()
        if self.writer is not None:
            self.writer.stop()
        if self.ledger is not None:
            self.ledger.close()
