"""Adding to counters: one ``INSERT … ON CONFLICT DO UPDATE SET count = count + n``.

SQLite and PostgreSQL spell the upsert the same way; the mail counts and the
console's aggregates both add through here.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from sqlalchemy import Connection, Engine, Table

if TYPE_CHECKING:
    from sqlalchemy.dialects import postgresql, sqlite


def insert_for(dialect: str, table: Table) -> postgresql.Insert | sqlite.Insert:
    """The dialect's INSERT for ``table`` (both have ``on_conflict_do_update``).

    Only that dialect's module is imported: an SQLite ledger never loads
    the PostgreSQL one.
    """
    if dialect == "postgresql":
        from sqlalchemy.dialects.postgresql import insert as postgresql_insert

        return postgresql_insert(table)
    from sqlalchemy.dialects.sqlite import insert as sqlite_insert

    return sqlite_insert(table)


def add_statement(dialect: str, table: Table) -> Any:
    """An upsert adding the row's ``count`` to the stored one (key: the primary key)."""
    ins = insert_for(dialect, table)
    return ins.on_conflict_do_update(
        index_elements=list(table.primary_key.columns),
        set_={"count": table.c["count"] + ins.excluded["count"]},
    )


def add_rows(conn: Connection, table: Table, rows: Sequence[dict[str, Any]]) -> None:
    """Add each row's ``count`` to its counter inside the caller's transaction."""
    if rows:
        conn.execute(add_statement(conn.dialect.name, table), list(rows))


def add_counts(engine: Engine, table: Table, rows: Sequence[dict[str, Any]]) -> None:
    """Add each row's ``count`` to its counter, in one transaction."""
    with engine.begin() as conn:
        add_rows(conn, table, rows)
