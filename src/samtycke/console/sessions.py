"""Console sessions: a random id in the cookie, only its sha256 in the database.

A session ends at logout, after ``IDLE_US`` without a request, after
``ABSOLUTE_US`` whatever happens, and when its user's password or role changes
or the user is removed. Each carries its own CSRF token for the forms it shows.
"""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass

from sqlalchemy import Engine, delete, insert, or_, select, update

from samtycke.console.users import User
from samtycke.ledger import schema
from samtycke.ledger.store import now_us

IDLE_US = 30 * 60 * 1_000_000
ABSOLUTE_US = 12 * 3600 * 1_000_000
# A request refreshes the idle clock in the database at most this often.
TOUCH_US = 60 * 1_000_000

_S = schema.console_sessions
_U = schema.console_users


@dataclass(frozen=True)
class Session:
    """A live session: who, and the CSRF token its forms carry."""

    user: User
    csrf: str


def _digest(session_id: str) -> str:
    return hashlib.sha256(session_id.encode()).hexdigest()


def start_session(engine: Engine, user: User, now: int | None = None) -> tuple[str, Session]:
    """A new session for ``user``: the id for the cookie, and the session."""
    t = now_us() if now is None else now
    session_id = secrets.token_urlsafe(32)
    csrf = secrets.token_urlsafe(32)
    with engine.begin() as conn:
        # Expired sessions go whenever anyone logs in, so the table holds live ones only.
        conn.execute(
            delete(_S).where(or_(_S.c.seen_us < t - IDLE_US, _S.c.created_us < t - ABSOLUTE_US))
        )
        conn.execute(
            insert(_S).values(
                id_hash=_digest(session_id), user_name=user.name, csrf=csrf, created_us=t, seen_us=t
            )
        )
    return session_id, Session(user, csrf)


def find_session(engine: Engine, session_id: str, now: int | None = None) -> Session | None:
    """The live session of ``session_id``, refreshing its idle clock; None when ended."""
    t = now_us() if now is None else now
    key = _digest(session_id)
    query = (
        select(_S.c.csrf, _S.c.created_us, _S.c.seen_us, _U.c.name, _U.c.role)
        .join(_U, _U.c.name == _S.c.user_name)
        .where(_S.c.id_hash == key)
    )
    with engine.connect() as conn:
        row = conn.execute(query).first()
    if row is None:
        return None
    if row.seen_us < t - IDLE_US or row.created_us < t - ABSOLUTE_US:
        end_session(engine, session_id)
        return None
    if t - row.seen_us > TOUCH_US:
        with engine.begin() as conn:
            conn.execute(update(_S).where(_S.c.id_hash == key).values(seen_us=t))
    return Session(User(row.name, row.role), row.csrf)


def end_session(engine: Engine, session_id: str) -> None:
    """Forget the session (logout)."""
    with engine.begin() as conn:
        conn.execute(delete(_S).where(_S.c.id_hash == _digest(session_id)))


def end_sessions_of(engine: Engine, name: str) -> int:
    """End every session of user ``name``; how many there were."""
    with engine.begin() as conn:
        return int(conn.execute(delete(_S).where(_S.c.user_name == name)).rowcount)
