"""When ``verify`` and ``anchor`` last ran, and with what outcome (the console shows it).

One row per kind, replaced by each run. Writing it is best-effort: ``verify``
and ``anchor`` need only ``SELECT``, so under a read-only role the run is
simply not recorded, and a database too old to have the table records nothing.

A scheduled job that every server process runs on one ledger also takes its
rounds here (``take_round``): the row ``<kind>-round`` holds when a round was
last taken and for which chain head, so one process does each round. The row
``signing-key`` holds the public key the ledger's servers sign with
(``signing_key``, ``set_signing_key``), so a replica with another key is found.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import Engine, select, update
from sqlalchemy.exc import SQLAlchemyError

from samtycke.ledger import schema
from samtycke.ledger.store import now_us
from samtycke.ledger.upsert import insert_for

_T = schema.console_runs
MAX_DETAIL = 500


@dataclass(frozen=True)
class Run:
    """One recorded run."""

    kind: str  # "verify" or "anchor"
    ran_us: int
    ok: bool
    detail: str


def record_run(engine: Engine, kind: str, ok: bool, detail: str, at_us: int | None = None) -> bool:
    """Keep this run as the last of its kind; False when the database would not take it."""
    values = {
        "kind": kind,
        "ran_us": now_us() if at_us is None else at_us,
        "ok": int(ok),
        "detail": detail[:MAX_DETAIL],
    }
    ins = insert_for(engine.dialect.name, _T).values(**values)
    stmt = ins.on_conflict_do_update(
        index_elements=[_T.c.kind], set_={k: v for k, v in values.items() if k != "kind"}
    )
    try:
        with engine.begin() as conn:
            conn.execute(stmt)
    except SQLAlchemyError:
        return False
    return True


def last_runs(engine: Engine) -> dict[str, Run]:
    """The last run of each kind recorded."""
    with engine.connect() as conn:
        rows = conn.execute(select(_T.c.kind, _T.c.ran_us, _T.c.ok, _T.c.detail)).all()
    return {k: Run(k, int(t), bool(ok), d) for k, t, ok, d in rows}


def take_round(engine: Engine, kind: str, head_seq: int, at_us: int, gap_us: int) -> bool:
    """Take the scheduled round of ``kind`` for the chain head ``head_seq``; False when not ours.

    It is ours when no round was taken for this head and none in the last
    ``gap_us``. One statement decides, so of the processes that arrive at once
    one takes the round and the others see it taken.
    """
    head = str(head_seq)
    ins = insert_for(engine.dialect.name, _T).values(
        kind=f"{kind}-round", ran_us=at_us, ok=1, detail=head
    )
    stmt = ins.on_conflict_do_update(
        index_elements=[_T.c.kind],
        set_={"ran_us": at_us, "detail": head},
        where=(_T.c.ran_us <= at_us - gap_us) & (_T.c.detail != head),
    )
    with engine.begin() as conn:  # an INSERT's count is kept only when asked for
        return conn.execute(stmt.execution_options(preserve_rowcount=True)).rowcount == 1


def round_done(engine: Engine, kind: str, head_seq: int | None) -> None:
    """The round taken anchored ``head_seq`` (the head may have moved meanwhile), or failed (None).

    After a failure the next round may take the same head again.
    """
    head = "" if head_seq is None else str(head_seq)
    with engine.begin() as conn:
        conn.execute(update(_T).where(_T.c.kind == f"{kind}-round").values(detail=head))


SIGNING_KEY = "signing-key"
_KEY_ROW = select(_T.c.detail).where(_T.c.kind == SIGNING_KEY)


def signing_key(engine: Engine, public_key: str, at_us: int | None = None) -> str:
    """The ledger's signing key (base64url); ``public_key`` becomes it when there is none yet.

    Of servers starting at once with different keys, the first to write wins
    and the others read its key.
    """
    ins = insert_for(engine.dialect.name, _T).values(
        kind=SIGNING_KEY, ran_us=now_us() if at_us is None else at_us, ok=1, detail=public_key
    )
    with engine.begin() as conn:
        conn.execute(ins.on_conflict_do_nothing(index_elements=[_T.c.kind]))
        stored = conn.execute(_KEY_ROW).scalar_one()
    return str(stored)


def stored_signing_key(engine: Engine) -> str | None:
    """The ledger's signing key (base64url) when a server has set one; only reads."""
    with engine.connect() as conn:
        stored = conn.execute(_KEY_ROW).scalar()
    return None if stored is None else str(stored)


def set_signing_key(engine: Engine, public_key: str, at_us: int | None = None) -> None:
    """Make ``public_key`` the ledger's signing key (a rotation)."""
    values = {"ran_us": now_us() if at_us is None else at_us, "detail": public_key}
    with engine.begin() as conn:
        conn.execute(update(_T).where(_T.c.kind == SIGNING_KEY).values(**values))
