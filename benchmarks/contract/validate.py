"""In-process cost of checking one consent POST body (everything before the ledger write).

    .venv/bin/python benchmarks/contract/validate.py [--n 100000] [--repeat 5] [--declaration FILE]

Runs whatever samtycke is importable, so the same script measures another
checkout too: ``PYTHONPATH=/tmp/main/src .venv/bin/python benchmarks/contract/validate.py``.
It times parse_body + the version lookup (a cache hit, as for nearly every
decision) + validate_consent on the Billogram example, for a body the banner
sends, and prints the best per-call time of ``--repeat`` runs.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import tempfile
import time
from pathlib import Path

from samtycke.ledger import Ledger
from samtycke.server import validation
from samtycke.server.sites import Versions, load_sites

DECL = Path(__file__).resolve().parents[2] / "examples" / "billogram" / "samtycke.toml"


def body(fingerprint: str, new_fields: bool) -> bytes:
    data: dict[str, object] = {
        "site": "billogram",
        "consent_id": "5efa6028f66e67c2ec06b49d3a179893",
        "revision": 1,
        "fingerprint": fingerprint,
        "language": "sv",
        "method": "custom",
        "choices": {"necessary": True, "analytics": True, "marketing": False},
        "url": "https://billogram.com/pricing",
    }
    if new_fields:
        data |= {
            "decision_id": "9c0e5d3a7b214f6e8a1c2b3d4e5f6a7b",
            "refused_services": ["hotjar"],
            "source": "settings",
        }
    return json.dumps(data).encode()


async def run(n: int, raw: bytes, sites: dict, versions: Versions) -> float:  # type: ignore[type-arg]
    new_api = hasattr(validation, "consent_key")
    start = time.perf_counter()
    for _ in range(n):
        data = validation.parse_body(raw)
        if new_api:
            site, fp = validation.consent_key(data, sites)
            version = versions.cached(site.id, fp) or await versions.find(site.id, fp)
            validation.validate_consent(data, site, version)
        else:
            validation.validate_consent(data, sites, versions.get)  # type: ignore[call-arg,arg-type]
    return (time.perf_counter() - start) / n


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--n", type=int, default=100_000)
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--declaration", type=Path, default=DECL, help="same file for both runs")
    args = parser.parse_args()
    sites = load_sites(args.declaration)
    with tempfile.TemporaryDirectory() as tmp:
        try:
            ledger = Ledger(f"sqlite:///{tmp}/l.db", migrate=True)
        except TypeError:  # a checkout from before opening stopped migrating
            ledger = Ledger(f"sqlite:///{tmp}/l.db")
        try:
            versions = Versions(ledger, sites)
            fp = sites["billogram"].fingerprint
            cases = [("banner body of the first version", False)]
            if hasattr(validation, "consent_key"):
                cases.append(("with decision_id, refused_services, source", True))
            for label, new_fields in cases:
                raw = body(fp, new_fields)
                best = min(
                    asyncio.run(run(args.n, raw, sites, versions)) for _ in range(args.repeat)
                )
                print(f"{label}: {best * 1e6:.2f} µs per body")
        finally:
            ledger.close()


if __name__ == "__main__":
    main()
