"""One scan job: what a worker needs to scan one start URL, and running it.

A job carries the site's declaration text, so a worker on another machine
needs no files, only the database the result goes into. Running a job calls
the scanner's public API, compares the result with the previous done scan of
the same site and URL through the scanner's baseline comparison, and stores
the report. The first scan of a URL has nothing to compare with: everything
it found is new.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, fields
from typing import Any

from sqlalchemy import Engine

from samtycke.declaration import parse_declaration
from samtycke.errors import SamtyckeError
from samtycke.monitor import history
from samtycke.scanner import ScanOptions, scan, to_dict
from samtycke.scanner.baseline import compare_with


@dataclass(frozen=True)
class ScanJob:
    """A queued scan: its row id, the page, the crawl limits and the declaration."""

    scan_id: str
    site: str
    url: str
    declaration: str  # the samtycke.toml text
    declaration_name: str  # its file name, for messages
    max_pages: int = 20
    depth: int = 3
    gpc: bool = False
    settle: float = 2.0

    def to_message(self) -> dict[str, Any]:
        """The job as JSON-ready data (a broker message)."""
        return asdict(self)

    @classmethod
    def from_message(cls, data: dict[str, Any]) -> ScanJob:
        """The job a broker message holds (unknown keys from a newer sender are ignored)."""
        names = {f.name for f in fields(cls)}
        return cls(**{k: v for k, v in data.items() if k in names})

    def options(self) -> ScanOptions:
        """The scanner's options for this job."""
        return ScanOptions(
            max_pages=self.max_pages,
            depth=self.depth,
            gpc=self.gpc,
            settle=self.settle,
            settle_cap=max(15.0, self.settle * 4),
            screenshot=False,
        )


def run_job(engine: Engine, job: ScanJob) -> history.ScanRow | None:
    """Scan, compare with the previous scan, store; the stored row (failed ones too)."""
    history.mark_running(engine, job.scan_id)
    try:
        decl = parse_declaration(job.declaration, job.declaration_name)
        result = scan(job.url, declaration=decl, options=job.options())
    except SamtyckeError as exc:
        history.fail(engine, job.scan_id, str(exc).splitlines()[0])
        return history.scan(engine, job.scan_id)
    except Exception as exc:  # a worker outlives any one site's failure, and says why
        history.fail(engine, job.scan_id, f"{type(exc).__name__}: {exc}".splitlines()[0])
        return history.scan(engine, job.scan_id)
    previous = history.previous_report(engine, job.site, job.url, job.scan_id)
    if previous is not None:
        prev_id, old = previous
        result.baseline = compare_with(f"scan {prev_id}", old, result.violations, result.cookies)
    report = to_dict(result)
    if report["baseline"] is not None:
        new_cookies = report["baseline"]["new_cookies"]
        new_violations = report["baseline"]["new_violations"]
    else:
        new_cookies = [{"name": c["name"], "domain": c["domain"]} for c in report["cookies"]]
        new_violations = report["violations"]
    history.finish(engine, job.scan_id, report, new_cookies, new_violations)
    return history.scan(engine, job.scan_id)
