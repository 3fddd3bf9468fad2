"""When ``verify`` and ``anchor`` last ran, and with what outcome (the console shows it).

One row per kind, replaced by each run. Writing it is best-effort: ``verify``
and ``anchor`` need only ``SELECT``, so under a read-only role the run is
simply not recorded, and a database too old to have the table records nothing.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import Engine, select
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
