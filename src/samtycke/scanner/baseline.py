"""Compare a scan with an earlier JSON report: what is new, what is gone.

A finding is the same finding when its kind, cookie and phase are (the page
it was first seen on may change from run to run); a cookie is the same
cookie when its name and domain are. A CI gate can then fail on new findings
only (``--fail-on new``).
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from samtycke.errors import ScanError
from samtycke.scanner.model import ObservedCookie, Violation

FindingKey = tuple[str, str, str | None]


@dataclass
class BaselineDiff:
    """What changed since the baseline report."""

    source: str
    new: list[Violation] = field(default_factory=list)
    gone: list[dict[str, Any]] = field(default_factory=list)  # as the old report had them
    new_cookies: list[tuple[str, str]] = field(default_factory=list)
    gone_cookies: list[tuple[str, str]] = field(default_factory=list)

    def new_keys(self) -> set[FindingKey]:
        """The identities of the new findings."""
        return {(v.kind, v.cookie, v.phase) for v in self.new}


def load_baseline(path: Path) -> dict[str, Any]:
    """An earlier ``samtycke scan --format json`` report; :class:`ScanError` when it is not."""
    hint = "give a report written by `samtycke scan --format json`"
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except OSError as exc:
        raise ScanError(f"{path}: cannot read the baseline ({exc.strerror or exc})") from exc
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise ScanError(f"{path}: the baseline is not JSON ({exc}); {hint}") from exc
    if not isinstance(data, dict) or not isinstance(data.get("schema"), int):
        raise ScanError(f"{path}: not a scan report (no schema number); {hint}")
    for key in ("violations", "cookies"):
        items = data.get(key)
        if not isinstance(items, list) or not all(isinstance(i, dict) for i in items):
            raise ScanError(f"{path}: not a scan report (no list of {key}); {hint}")
    for i, v in enumerate(data["violations"], start=1):
        if not isinstance(v.get("kind"), str) or not isinstance(v.get("cookie"), str):
            raise ScanError(f"{path}: violation {i} has no kind or cookie; {hint}")
    return data


def compare_with(
    source: str, old: dict[str, Any], violations: list[Violation], cookies: list[ObservedCookie]
) -> BaselineDiff:
    """The difference between an old report and this scan's findings and cookies."""
    before = {(v["kind"], v["cookie"], v.get("phase")): v for v in old["violations"]}
    now = {(v.kind, v.cookie, v.phase) for v in violations}
    old_cookies = {(str(c.get("name")), str(c.get("domain"))) for c in old["cookies"]}
    new_cookies = {(c.name, c.domain) for c in cookies}
    return BaselineDiff(
        source=source,
        new=[v for v in violations if (v.kind, v.cookie, v.phase) not in before],
        gone=[v for key, v in before.items() if key not in now],
        new_cookies=sorted(new_cookies - old_cookies),
        gone_cookies=sorted(old_cookies - new_cookies),
    )
