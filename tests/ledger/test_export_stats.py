"""Export (CSV, JSON Lines) and daily statistics."""

from __future__ import annotations

import csv
import hashlib
import io
import json

from samtycke.ledger import Ledger, daily_stats, export_records
from samtycke.ledger.export import FIELDS
from samtycke.ledger.retention import DAY_US
from tests.ledger.conftest import decision
from tests.ledger.test_retention import T0


def test_jsonl_export_can_be_re_verified_line_by_line(ledger: Ledger) -> None:
    """The auditor's recipe of docs/ledger.md, independent of samtycke's code."""
    ledger.append([decision(i) for i in range(4)], at_us=T0 + 123_456)
    out = io.StringIO()
    assert export_records(ledger, out, "jsonl") == 4
    prev = "0" * 64
    for line in out.getvalue().splitlines():
        row = json.loads(line)
        keys = ("seq", "record_id", "consent_id", "site", "recorded_at", "revision")
        keys += ("fingerprint", "language", "method", "choices", "url", "ip", "user_agent")
        keys += ("decision_id", "refused_services", "source", "format")
        content = {k: row[k] for k in keys}
        raw = json.dumps(content, sort_keys=True, separators=(",", ":"), ensure_ascii=True)
        digest = hashlib.sha256(bytes.fromhex(row["prev_hash"]) + raw.encode()).hexdigest()
        assert row["prev_hash"] == prev and digest == row["hash"]
        prev = row["hash"]
    assert prev == ledger.head().hash


def test_csv_export_filters_by_time(ledger: Ledger) -> None:
    for day in range(3):
        ledger.append([decision(day)], at_us=T0 + day * DAY_US)
    out = io.StringIO()
    n = export_records(ledger, out, "csv", since_us=T0 + DAY_US, until_us=T0 + 2 * DAY_US)
    rows = list(csv.DictReader(io.StringIO(out.getvalue())))
    assert n == 1 and len(rows) == 1 and tuple(rows[0]) == FIELDS
    assert rows[0]["recorded_at"].startswith("2026-01-02")
    assert json.loads(rows[0]["choices"])["necessary"] is True


def test_daily_stats_count_acceptance_per_category(ledger: Ledger) -> None:
    yes = {"necessary": True, "analytics": True, "marketing": False}
    no = {"necessary": True, "analytics": False, "marketing": False}
    ledger.append([decision(choices=yes), decision(choices=yes), decision(choices=no)], at_us=T0)
    ledger.append([decision(choices=no, method="reject-all")], at_us=T0 + DAY_US)
    days = daily_stats(ledger)
    assert [(d.day, d.decisions) for d in days] == [("2026-01-01", 3), ("2026-01-02", 1)]
    assert abs(days[0].rate("analytics") - 2 / 3) < 1e-9 and days[0].rate("marketing") == 0
    assert days[1].methods == {"reject-all": 1}
