"""Console users' password hashes: RFC 9106's argon2id profile, older hashes replaced."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import Engine, select

from samtycke.console import users
from samtycke.console.users import User, add_user, authenticate
from samtycke.ledger import schema
from tests.databases import migrated_ledger
from tests.passwords import CHEAP_HASHER, REAL_HASHER

RFC_9106 = "$argon2id$v=19$m=65536,t=3,p=4$"


def _stored(engine: Engine, name: str) -> str:
    with engine.connect() as conn:
        t = schema.console_users
        return str(conn.execute(select(t.c.password_hash).where(t.c.name == name)).scalar_one())


def test_passwords_are_hashed_as_deployed_and_cheaper_hashes_replaced(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    led = migrated_ledger(f"sqlite:///{tmp_path / 'ledger.db'}")
    add_user(led.engine, "old", "viewer", "an older password")  # the tests' cheap hasher
    assert _stored(led.engine, "old").startswith("$argon2id$v=19$m=8,t=1,p=1$")
    monkeypatch.setattr(users, "_HASHER", REAL_HASHER)
    monkeypatch.setattr(users, "_DUMMY", None)
    assert users.unknown_name_hash().startswith(RFC_9106)

    add_user(led.engine, "ada", "admin", "a long password")
    assert _stored(led.engine, "ada").startswith(RFC_9106)
    assert authenticate(led.engine, "ada", "a long password") == User("ada", "admin")

    assert authenticate(led.engine, "old", "an older password") == User("old", "viewer")
    assert _stored(led.engine, "old").startswith(RFC_9106)
    assert CHEAP_HASHER.check_needs_rehash(_stored(led.engine, "old"))
    led.close()


def test_the_unknown_name_hash_is_made_once_when_first_needed(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(users, "_DUMMY", None)
    made = users.unknown_name_hash()
    assert users.unknown_name_hash() is made
    assert CHEAP_HASHER.verify(made, "not a password of anybody")
