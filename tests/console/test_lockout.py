"""Lock-out: per key, time-limited, bounded in memory."""

from __future__ import annotations

from samtycke.console.lockout import Failures, Lockout


def test_the_limit_locks_until_the_oldest_failure_leaves_the_window() -> None:
    f = Failures(limit=3, window=100.0)
    for t in (0.0, 10.0, 20.0):
        assert f.locked_for("ada", t) == 0
        f.fail("ada", t)
    assert f.locked_for("ada", 30.0) == 70.0
    assert f.locked_for("ada", 99.9) > 0
    assert f.locked_for("ada", 100.0) == 0  # the failure at 0 is outside the window now
    assert f.locked_for("bo", 30.0) == 0


def test_the_tables_stay_bounded_and_forget_the_oldest() -> None:
    f = Failures(limit=2, window=100.0, max_keys=50)
    for i in range(1000):
        f.fail(f"name-{i}", 1.0)
    assert len(f) == 50
    f.fail("name-999", 2.0)
    assert f.locked_for("name-999", 3.0) > 0
    assert f.locked_for("name-0", 3.0) == 0  # forgotten, not locked


def test_expired_keys_leave_the_table() -> None:
    f = Failures(limit=2, window=10.0)
    f.fail("ada", 0.0)
    assert f.locked_for("ada", 11.0) == 0 and len(f) == 0


def test_an_address_is_locked_across_names_and_success_clears_only_the_account() -> None:
    lock = Lockout(account_limit=3, address_limit=5)
    for i in range(5):
        lock.failed(f"guess-{i}", "203.0.113.9", now=float(i))
    assert lock.wait("ada", "203.0.113.9", now=5.0) > 0  # this address is locked for every name
    assert lock.wait("ada", "198.51.100.1", now=5.0) == 0
    for i in range(3):
        lock.failed("ada", f"198.51.100.{i}", now=float(i))
    assert lock.wait("ada", "192.0.2.1", now=4.0) > 0  # the account is locked from everywhere
    lock.succeeded("ada")
    assert lock.wait("ada", "192.0.2.1", now=4.0) == 0
