"""Console users: a name, a role and an argon2id hash of the password.

Passwords are hashed with argon2-cffi's defaults for argon2id (RFC 9106's
second recommended profile); a hash made with older parameters is replaced at
the next successful login. A login for a name that does not exist still checks
a password against a fixed hash, so the answer takes as long as for a real user.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Literal, get_args

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from sqlalchemy import Engine, delete, insert, select, update
from sqlalchemy.exc import IntegrityError, SQLAlchemyError

from samtycke.errors import ConsoleError, LedgerError
from samtycke.ledger import schema
from samtycke.ledger.store import now_us
from samtycke.ledger.view import short_error

Role = Literal["viewer", "admin"]
ROLES: tuple[str, ...] = get_args(Role)
MIN_PASSWORD = 12
MAX_PASSWORD = 1024  # argon2 takes any length; a megabyte of it is only a way to burn CPU
NAME = re.compile(r"[a-z0-9][a-z0-9._@-]{0,63}")

_U = schema.console_users
_S = schema.console_sessions
_HASHER = PasswordHasher()
_DUMMY: str | None = None  # see unknown_name_hash


def unknown_name_hash() -> str:
    """The hash a login for an unknown name is checked against, made on first need.

    Not at import: ``samtycke user``, the server's other modules and every test
    process import this module, and one hash costs 64 MiB and ~0.2 CPU-s. The
    console makes it when it opens, so the first login takes no longer than any.
    """
    global _DUMMY
    if _DUMMY is None:
        _DUMMY = _HASHER.hash("not a password of anybody")
    return _DUMMY


@dataclass(frozen=True)
class User:
    """A console user as the pages see it (never the hash)."""

    name: str
    role: Role

    @property
    def is_admin(self) -> bool:
        """Whether the user may take admin actions."""
        return self.role == "admin"


def check_name(name: str) -> str:
    """``name`` when it is a valid user name; else ConsoleError saying what is allowed."""
    if not NAME.fullmatch(name):
        raise ConsoleError(
            f"user name {name!r} is not valid "
            "(1-64 of a-z, 0-9, '.', '_', '@', '-', starting with a letter or digit)"
        )
    return name


def check_role(role: str) -> Role:
    """``role`` when it is viewer or admin."""
    if role not in ROLES:
        raise ConsoleError(f"role {role!r} is not valid (use viewer or admin)")
    return role  # type: ignore[return-value]


def check_password(password: str) -> str:
    """``password`` when long enough and not absurdly long."""
    if len(password) < MIN_PASSWORD:
        raise ConsoleError(f"the password is too short (at least {MIN_PASSWORD} characters)")
    if len(password) > MAX_PASSWORD:
        raise ConsoleError(f"the password is too long (at most {MAX_PASSWORD} characters)")
    return password


def add_user(engine: Engine, name: str, role: str, password: str) -> User:
    """Create a user; ConsoleError when the name is taken or a value is invalid."""
    user = User(check_name(name), check_role(role))
    digest = _HASHER.hash(check_password(password))
    values = {"name": user.name, "role": user.role, "password_hash": digest, "changed_us": now_us()}
    try:
        with engine.begin() as conn:
            conn.execute(insert(_U).values(**values))
    except IntegrityError:
        raise ConsoleError(
            f"user {name!r} already exists (change it with: samtycke user passwd)"
        ) from None
    except SQLAlchemyError as exc:
        raise LedgerError(f"cannot add the user: {short_error(exc)}") from None
    return user


def set_password(engine: Engine, name: str, password: str, role: str | None = None) -> None:
    """Replace a user's password (and role when given); every session of theirs ends."""
    changes: dict[str, object] = {
        "password_hash": _HASHER.hash(check_password(password)),
        "changed_us": now_us(),
    }
    if role is not None:
        changes["role"] = check_role(role)
    _change(engine, name, update(_U).where(_U.c.name == name).values(**changes))


def remove_user(engine: Engine, name: str) -> None:
    """Delete a user and every session of theirs."""
    _change(engine, name, delete(_U).where(_U.c.name == name))


def _change(engine: Engine, name: str, stmt: object) -> None:
    try:
        with engine.begin() as conn:
            if conn.execute(stmt).rowcount == 0:  # type: ignore[call-overload]
                raise ConsoleError(f"no user {name!r} (list them on the console's Users page)")
            conn.execute(delete(_S).where(_S.c.user_name == name))
    except SQLAlchemyError as exc:
        raise LedgerError(f"cannot change the user: {short_error(exc)}") from None


def list_users(engine: Engine) -> list[User]:
    """Every user, by name."""
    with engine.connect() as conn:
        rows = conn.execute(select(_U.c.name, _U.c.role).order_by(_U.c.name)).all()
    return [User(name, role) for name, role in rows]


def authenticate(engine: Engine, name: str, password: str) -> User | None:
    """The user when ``password`` is theirs, else None (blocking: argon2 takes ~50 ms)."""
    with engine.connect() as conn:
        row = conn.execute(select(_U.c.role, _U.c.password_hash).where(_U.c.name == name)).first()
    known = row is not None and len(password) <= MAX_PASSWORD
    digest = str(row.password_hash) if known and row is not None else unknown_name_hash()
    try:
        _HASHER.verify(digest, password[:MAX_PASSWORD])
    except (VerificationError, InvalidHashError):
        return None
    if not known or row is None:
        return None
    if _HASHER.check_needs_rehash(digest):
        with engine.begin() as conn:
            new = _HASHER.hash(password)
            conn.execute(update(_U).where(_U.c.name == name).values(password_hash=new))
    return User(name, row.role)
