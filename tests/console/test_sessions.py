"""Sessions and users on both databases: hashed ids, idle and absolute expiry, ends."""

from __future__ import annotations

import hashlib

import pytest
from sqlalchemy import select

from samtycke.console.sessions import (
    ABSOLUTE_US,
    IDLE_US,
    TOUCH_US,
    end_session,
    find_session,
    start_session,
)
from samtycke.console.users import add_user, authenticate, remove_user, set_password
from samtycke.errors import ConsoleError
from samtycke.ledger import Ledger, schema
from tests.databases import db_url, migrated_ledger

__all__ = ["db_url"]
T0 = 1_800_000_000 * 1_000_000


@pytest.fixture
def ledger(db_url: str) -> Ledger:
    led = migrated_ledger(db_url)
    add_user(led.engine, "ada", "admin", "a long password")
    return led


def test_only_a_hash_of_the_id_is_stored(ledger: Ledger) -> None:
    user = authenticate(ledger.engine, "ada", "a long password")
    assert user is not None and user.is_admin
    session_id, session = start_session(ledger.engine, user, now=T0)
    with ledger.engine.connect() as conn:
        stored = conn.execute(select(schema.console_sessions.c.id_hash)).scalars().all()
    assert stored == [hashlib.sha256(session_id.encode()).hexdigest()]
    assert session_id not in str(stored)
    found = find_session(ledger.engine, session_id, now=T0 + 1)
    assert found == session and len(session.csrf) >= 40
    ledger.close()


def test_idle_expiry_and_its_refresh(ledger: Ledger) -> None:
    user = authenticate(ledger.engine, "ada", "a long password")
    assert user is not None
    session_id, _ = start_session(ledger.engine, user, now=T0)
    # Used just before going idle: the clock restarts from that request.
    assert find_session(ledger.engine, session_id, now=T0 + IDLE_US - TOUCH_US // 2) is not None
    assert find_session(ledger.engine, session_id, now=T0 + IDLE_US + TOUCH_US) is not None
    later = T0 + 2 * IDLE_US + TOUCH_US + 1  # just past idle since the last request
    assert find_session(ledger.engine, session_id, now=later) is None
    assert find_session(ledger.engine, session_id, now=T0) is None  # ended for good
    ledger.close()


def test_absolute_expiry_however_busy(ledger: Ledger) -> None:
    user = authenticate(ledger.engine, "ada", "a long password")
    assert user is not None
    session_id, _ = start_session(ledger.engine, user, now=T0)
    t = T0
    while t < T0 + ABSOLUTE_US - IDLE_US:
        t += IDLE_US // 2
        assert find_session(ledger.engine, session_id, now=t) is not None
    assert find_session(ledger.engine, session_id, now=T0 + ABSOLUTE_US + 1) is None
    ledger.close()


def test_logout_password_change_and_removal_end_sessions(ledger: Ledger) -> None:
    user = authenticate(ledger.engine, "ada", "a long password")
    assert user is not None
    a, _ = start_session(ledger.engine, user, now=T0)
    b, _ = start_session(ledger.engine, user, now=T0)
    end_session(ledger.engine, a)
    assert find_session(ledger.engine, a, now=T0) is None
    assert find_session(ledger.engine, b, now=T0) is not None
    set_password(ledger.engine, "ada", "another long one")
    assert find_session(ledger.engine, b, now=T0) is None
    assert authenticate(ledger.engine, "ada", "a long password") is None
    c, _ = start_session(ledger.engine, user, now=T0)
    remove_user(ledger.engine, "ada")
    assert find_session(ledger.engine, c, now=T0) is None
    with pytest.raises(ConsoleError, match="no user 'ada'"):
        remove_user(ledger.engine, "ada")
    ledger.close()


def test_a_password_beyond_the_limit_never_matches(ledger: Ledger) -> None:
    long = "x" * 1024
    add_user(ledger.engine, "bo", "viewer", long)
    assert authenticate(ledger.engine, "bo", long) is not None
    assert authenticate(ledger.engine, "bo", long + "y") is None
    ledger.close()
