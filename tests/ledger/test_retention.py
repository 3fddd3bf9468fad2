"""Purging whole old days keeps a checkpoint; the rest still verifies."""

from __future__ import annotations

import pytest

from samtycke.ledger import BrokenChain, Ledger, purge, verify_chain
from samtycke.ledger.retention import DAY_US
from tests.ledger.conftest import decision
from tests.ledger.test_chain import alter, delete

T0 = 1_767_225_600_000_000  # 2026-01-01T00:00:00Z


def fill_days(led: Ledger) -> None:
    """Three records on each of days 0..4 after T0 (at noon)."""
    for day in range(5):
        led.append(
            [decision(day * 10 + k) for k in range(3)], at_us=T0 + day * DAY_US + DAY_US // 2
        )


def test_purge_removes_whole_days_and_keeps_a_checkpoint(ledger: Ledger) -> None:
    fill_days(ledger)
    # On day 4 at 01:00, keeping 2 days cuts at midnight starting day 2.
    done = purge(ledger, 2, at_us=T0 + 4 * DAY_US + DAY_US // 24)
    assert done.count == 6 and done.through_seq == 6 and done.cutoff_us == T0 + 2 * DAY_US
    assert [r.seq for r in ledger.iter_records()][:1] == [7]
    result = verify_chain(ledger)
    assert result.records == 9 and result.purge is not None
    # The purge is itself the next entry of the chain, after the 15 records.
    assert (result.purge.through_seq, result.purge.seq, result.head.seq) == (6, 16, 16)
    again = purge(ledger, 2, at_us=T0 + 4 * DAY_US + DAY_US // 24)
    assert again.count == 0  # nothing more from before the cut
    ledger.append([decision(99)])
    assert verify_chain(ledger).records == 10


def test_tampering_after_a_purge_is_still_found(ledger: Ledger) -> None:
    fill_days(ledger)
    purge(ledger, 3, at_us=T0 + 4 * DAY_US)
    first = next(ledger.iter_records()).seq
    delete(ledger, first)  # pretending the purge went further, without a checkpoint
    with pytest.raises(BrokenChain) as err:
        verify_chain(ledger)
    assert err.value.seq == first


def test_altering_after_a_purge_is_found(ledger: Ledger) -> None:
    fill_days(ledger)
    purge(ledger, 3, at_us=T0 + 4 * DAY_US)
    alter(ledger, 11, "language", "'de'")
    with pytest.raises(BrokenChain) as err:
        verify_chain(ledger)
    assert err.value.seq == 11


def test_negative_days_are_refused(ledger: Ledger) -> None:
    from samtycke.errors import LedgerError

    with pytest.raises(LedgerError):
        purge(ledger, -1)
