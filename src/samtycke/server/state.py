"""What a running server holds: configuration, sites, ledger, writer, limiter."""

from __future__ import annotations

from dataclasses import dataclass, field

from samtycke.ledger import Ledger
from samtycke.server.client import RateLimiter
from samtycke.server.config import ServerConfig
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
    assets: dict[tuple[str, str, str], str] = field(default_factory=dict)
    refusals: RefusalLog = field(default_factory=RefusalLog)

    def open(self) -> None:
        """Open the ledger, store the snapshots, start the writer (at startup)."""
        self.ledger = Ledger(self.config.db)
        self.versions = Versions(self.ledger, self.sites)
        self.writer = GroupWriter(self.ledger, self.config.batch)
        self.writer.start()

    def close(self) -> None:
        """Flush the writer and close the database (at shutdown)."""
        if self.writer is not None:
            self.writer.stop()
        if self.ledger is not None:
            self.ledger.close()
