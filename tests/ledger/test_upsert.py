"""Adding to counters on SQLite, and only the SQLite dialect loaded for it."""

from __future__ import annotations

from sqlalchemy import Column, Integer, MetaData, String, Table, create_engine, select

from samtycke.ledger.upsert import add_counts
from tests.imports import loaded_after

COUNTERS = Table(
    "counters",
    MetaData(),
    Column("day", String(10), primary_key=True),
    Column("count", Integer, nullable=False),
)


def test_counts_add_up_per_key() -> None:
    engine = create_engine("sqlite://")
    COUNTERS.metadata.create_all(engine)
    add_counts(engine, COUNTERS, [{"day": "2026-01-01", "count": 2}])
    add_counts(engine, COUNTERS, [{"day": "2026-01-01", "count": 3}, {"day": "x", "count": 1}])
    with engine.connect() as conn:
        assert dict(conn.execute(select(COUNTERS.c.day, COUNTERS.c["count"])).all()) == {
            "2026-01-01": 5,
            "x": 1,
        }


def test_an_sqlite_upsert_loads_no_postgresql_dialect() -> None:
    loaded = loaded_after(
        "from samtycke.ledger.upsert import insert_for; from samtycke.ledger import schema; "
        "insert_for('sqlite', schema.records)"
    )
    assert "sqlalchemy.dialects.sqlite" in loaded
    assert "sqlalchemy.dialects.postgresql" not in loaded
