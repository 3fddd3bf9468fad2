"""The sites one server serves, and which declaration versions it accepts consent for.

``--declaration`` is one ``samtycke.toml`` or a folder holding ``*/samtycke.toml``
and ``*.toml`` files, one site each. A consent must name a fingerprint the
ledger has a snapshot of for that site: the current one or an earlier one (a
person may answer a banner loaded just before a deploy).
"""

from __future__ import annotations

import threading
import time
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path

from starlette.concurrency import run_in_threadpool

from samtycke.declaration import Declaration, load_declaration
from samtycke.declaration.fingerprint import canonical_json, fingerprint
from samtycke.errors import DeclarationFileError
from samtycke.ledger import Ledger, Snapshot
from samtycke.server.refusals import LOGGER
from samtycke.snapshots import register_snapshot, revision_drift


@dataclass(frozen=True)
class Version:
    """What a person could have been shown: one snapshot's categories and languages."""

    fingerprint: str
    revision: int
    categories: tuple[str, ...]
    refusable: frozenset[str]
    languages: tuple[str, ...]
    # service id -> its category, for checking refused_services
    services: Mapping[str, str] = field(default_factory=dict)
    # "gpc"/"dnt" -> the declared mode of that privacy signal
    signals: Mapping[str, str] = field(default_factory=dict)


@dataclass(frozen=True)
class Site:
    """A served site: its declaration, fingerprint and canonical content."""

    decl: Declaration
    fingerprint: str
    content: str

    @property
    def id(self) -> str:
        """The site id."""
        return self.decl.site.id

    def owns_host(self, host: str) -> bool:
        """True when ``host`` is one of the site's domains or a subdomain of one."""
        host = host.lower().rstrip(".")
        return any(host == d or host.endswith("." + d) for d in self.decl.site.domains)


def declaration_files(path: Path) -> list[Path]:
    """The declaration files ``path`` names: itself, or those in the folder."""
    if path.exists() and not path.is_dir():  # a pipe or device is refused by the loader
        return [path]
    if not path.is_dir():
        raise DeclarationFileError(f"{path}: no such file or folder")
    files = sorted({*path.glob("*/samtycke.toml"), *path.glob("*.toml")})
    if not files:
        raise DeclarationFileError(
            f"{path}: holds no samtycke.toml (looked for */samtycke.toml and *.toml)"
        )
    return files


def load_sites(path: Path) -> dict[str, Site]:
    """Load every declaration under ``path``; site ids must be unique."""
    sites: dict[str, Site] = {}
    origin: dict[str, Path] = {}
    for file in declaration_files(path):
        decl = load_declaration(file)
        sid = decl.site.id
        if sid in sites:
            raise DeclarationFileError(
                f"{file}: site id {sid!r} is already declared in {origin[sid]}"
            )
        sites[sid] = Site(decl, fingerprint(decl), canonical_json(decl).decode())
        origin[sid] = file
    return sites


def version_of(snapshot: Snapshot) -> Version:
    """The consent-relevant facts of a stored snapshot."""
    data = snapshot.content_data()
    cats = data.get("categories", [])
    site = data.get("site", {})
    return Version(
        fingerprint=snapshot.fingerprint,
        revision=snapshot.revision,
        categories=tuple(c["id"] for c in cats),
        refusable=frozenset(c["id"] for c in cats if c.get("refusable", True)),
        languages=tuple(site.get("languages", [])),
        services={s["id"]: s["category"] for s in data.get("services", [])},
        # Snapshots written before the modes existed said "necessary-and-functional".
        signals={
            "gpc": site.get("global_privacy_control", "necessary-and-functional"),
            "dnt": site.get("do_not_track", "necessary-and-functional"),
        },
    )


class Versions:
    """Accepted fingerprints per site, loaded from the ledger and cached.

    A fingerprint not in the cache is looked up in the database, because
    another replica may already run a newer declaration; a miss is remembered
    for ``MISS_SECONDS`` so made-up fingerprints cannot make every request a query.
    """

    MISS_SECONDS = 10.0
    MAX_MISSES = 10_000

    def __init__(self, ledger: Ledger, sites: dict[str, Site]) -> None:
        self._ledger = ledger
        self._lock = threading.Lock()
        self._known: dict[tuple[str, str], Version] = {}
        self._missed: dict[tuple[str, str], float] = {}
        for site in sites.values():
            drift = revision_drift(ledger, site.decl)
            if drift is not None:
                LOGGER.warning("%s", drift)
            register_snapshot(ledger, site.decl)
            for snap in ledger.snapshots(site.id):
                self._known[(site.id, snap.fingerprint)] = version_of(snap)

    def cached(self, site: str, fp: str) -> Version | None:
        """The version when it is already known (a dict lookup, never a query)."""
        # A single dict read is atomic; writers replace entries, never mutate them.
        return self._known.get((site, fp))

    async def find(self, site: str, fp: str) -> Version | None:
        """:meth:`get` for a request handler: a cache hit at once, a database query in a thread.

        Raises ``LedgerError`` when the database cannot answer.
        """
        return self.cached(site, fp) or await run_in_threadpool(self.get, site, fp)

    def get(self, site: str, fp: str) -> Version | None:
        """The version ``fp`` of ``site``, or None when the ledger never stored it.

        May query the database (blocking): request handlers call :meth:`find`.
        """
        key, now = (site, fp), time.monotonic()
        with self._lock:
            hit = self._known.get(key)
            missed = self._missed.get(key)
        if hit is not None:
            return hit
        if missed is not None and now - missed < self.MISS_SECONDS:
            return None
        snap = self._ledger.snapshot(fp)
        if snap is None or snap.site != site:
            with self._lock:
                if len(self._missed) >= self.MAX_MISSES:
                    self._missed.clear()
                self._missed[key] = now
            return None
        version = version_of(snap)
        with self._lock:
            self._known[(site, fp)] = version
        return version


def site_for_host(sites: dict[str, Site], host: str) -> Site | None:
    """The site whose domains cover ``host``; with one site served, that site."""
    name = host.split(":")[0] if not host.startswith("[") else host.split("]")[0] + "]"
    for site in sites.values():
        if site.owns_host(name):
            return site
    return next(iter(sites.values())) if len(sites) == 1 else None
