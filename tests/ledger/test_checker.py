"""Rows hashed in the helper process: the same answers as in this one, over real ledger rows."""

from __future__ import annotations

import contextlib
import os
from collections.abc import Iterator
from pathlib import Path

import pytest

from samtycke.ledger import Ledger
from samtycke.ledger.checker import checked_pages, helper_process, vouched
from samtycke.ledger.rows import RECORD_COLUMNS
from tests.imports import loaded_after
from tests.ledger import tampering as t
from tests.ledger.conftest import decision, open_ledger

Row = tuple[object, ...]


def _helpers() -> list[int]:
    """Pids of this process's children running the checker."""
    found = []
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            ppid = int(stat.read_text().rsplit(")", 1)[1].split()[1])
            cmd = (stat.parent / "cmdline").read_bytes()
        except (OSError, ValueError, IndexError):
            continue
        if ppid == os.getpid() and b"samtycke.ledger.checker" in cmd:
            found.append(int(stat.parent.name))
    return found


def _rows(led: Ledger) -> list[Row]:
    with led.reading() as view:
        return [row for page in view.record_pages(0) for row in page]


def _pages(rows: list[Row], size: int) -> Iterator[list[Row]]:
    return iter([rows[i : i + size] for i in range(0, len(rows), size)])


def _marked(pages: Iterator[tuple[list[Row], int]]) -> Iterator[tuple[Row, bool]]:
    """Each row of the checked pages, with whether it was vouched for."""
    for page, count in pages:
        for i, row in enumerate(page):
            yield row, i < count


def _replace(row: Row, column: str, value: object) -> Row:
    i = RECORD_COLUMNS.index(column)
    return (*row[:i], value, *row[i + 1 :])


def test_vouched_counts_the_leading_rows_that_hash_right(sqlite_url: str) -> None:
    with open_ledger(sqlite_url) as led:
        led.append([decision(i) for i in range(6)])
        rows = _rows(led)
    assert vouched(rows) == 6
    assert vouched([*rows[:3], _replace(rows[3], "url", "https://forged.example/"), *rows[4:]]) == 3
    assert vouched([*rows[:2], _replace(rows[2], "revision", "1")]) == 2  # malformed
    assert vouched([rows[0], _replace(rows[1], "prev_hash", "not hex")]) == 1
    assert vouched([]) == 0


def test_pages_hashed_in_the_helper_give_the_marks_of_this_process(sqlite_url: str) -> None:
    with open_ledger(sqlite_url) as led:
        led.append([decision(i) for i in range(40)])
        t.alter(led, 23, "url", "'https://forged.example/'")
        t.alter(led, 32, "choices", "REPLACE(choices, 'false', '\"false\"')")
        rows = _rows(led)
    seen: list[tuple[Row, bool]] = []
    helpers: set[int] = set()
    with contextlib.closing(checked_pages(_pages(rows, 3))) as pages:
        for item in _marked(pages):
            seen.append(item)
            helpers |= set(_helpers())
    assert len(helpers) == 1  # the helper took part
    assert [r for r, _ in seen] == rows
    # Of each page, only the rows before a bad one are vouched for; never a bad row.
    bad = {22, 31}  # records 23 and 32
    assert [ok for _, ok in seen] == [not bad & set(range(i - i % 3, i + 1)) for i in range(40)]
    assert not _helpers()  # and is gone


def test_one_page_needs_no_helper(sqlite_url: str) -> None:
    with open_ledger(sqlite_url) as led:
        led.append([decision(i) for i in range(3)])
        rows = _rows(led)
    marks = []
    for _, ok in _marked(checked_pages(_pages(rows, 10))):
        marks.append(ok)
        assert not _helpers()
    assert marks == [True, True, True]


def test_one_cpu_needs_no_helper(sqlite_url: str) -> None:
    with open_ledger(sqlite_url) as led:
        led.append([decision(i) for i in range(9)])
        rows = _rows(led)
    cpus = os.sched_getaffinity(0)
    os.sched_setaffinity(0, {min(cpus)})
    try:
        marks = []
        for _, ok in _marked(checked_pages(_pages(rows, 2))):
            marks.append(ok)
            assert not _helpers()
    finally:
        os.sched_setaffinity(0, cpus)
    assert marks == [True] * 9


def test_leaving_early_stops_the_helper(sqlite_url: str) -> None:
    with open_ledger(sqlite_url) as led:
        led.append([decision(i) for i in range(20)])
        rows = _rows(led)
    pages = checked_pages(_pages(rows, 2))
    for _ in range(4):
        next(pages)
    assert _helpers()
    pages.close()
    assert not _helpers()


def test_a_helper_running_other_code_is_not_believed(
    sqlite_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    from samtycke.ledger import BrokenChain, checker, verify_chain

    with open_ledger(sqlite_url) as led:
        led.append([decision(i) for i in range(12)])
        rows = _rows(led)
        # As if this process had imported another copy of samtycke than the helper runs.
        monkeypatch.setattr(checker, "_HERE", "/elsewhere/samtycke/ledger/checker.py")
        marks = [ok for _, ok in _marked(checked_pages(_pages(rows, 2)))]
        assert not all(marks)  # the helper's pages came back unchecked, all rows being good
        assert verify_chain(led, page=2).records == 12  # checked here instead
        t.alter(led, 9, "url", "'https://forged.example/'")
        with pytest.raises(BrokenChain, match=r"record 9 .*altered"):
            verify_chain(led, page=2)


def test_a_helper_that_stops_answering_is_given_up_and_its_pages_checked_here(
    sqlite_url: str, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    from samtycke.ledger import BrokenChain, checker, verify_chain

    # A "Python" that starts, reads nothing and never answers: alive but silent.
    silent = tmp_path / "silent-python"
    silent.write_text("#!/bin/sh\nexec sleep 600\n")
    silent.chmod(0o755)
    monkeypatch.setattr(checker.sys, "executable", str(silent))
    monkeypatch.setattr(checker, "HELPER_PATIENCE", 0.2)
    with open_ledger(sqlite_url) as led:
        led.append([decision(i) for i in range(12)])
        assert verify_chain(led, page=2).records == 12
        t.alter(led, 9, "url", "'https://forged.example/'")
        with pytest.raises(BrokenChain, match=r"record 9 .*altered"):
            verify_chain(led, page=2)


def test_a_helper_started_beforehand_checks_from_the_first_page(sqlite_url: str) -> None:
    with open_ledger(sqlite_url) as led:
        led.append([decision(i) for i in range(6)])
        t.alter(led, 2, "url", "'https://forged.example/'")
        rows = _rows(led)
    with helper_process() as helper:
        assert helper is not None and len(_helpers()) == 1
        marks = [ok for _, ok in _marked(checked_pages(_pages(rows, 3), helper))]
        assert len(_helpers()) == 1  # the same helper, still running
    assert not _helpers()
    assert marks == [True, False, False, True, True, True]


def test_no_helper_is_started_when_not_wanted() -> None:
    with helper_process(False) as helper:
        assert helper is None and not _helpers()


def test_a_problem_named_before_the_walk_stops_the_helper_started_for_it(
    sqlite_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    from samtycke.ledger import BrokenChain, chain, verify_chain

    started: list[object] = []

    @contextlib.contextmanager
    def watched(wanted: bool = True) -> Iterator[object]:
        with helper_process(wanted) as helper:
            started.append(helper)
            assert helper is not None and _helpers()  # more than a page: started at once
            yield helper

    monkeypatch.setattr(chain, "helper_process", watched)
    with open_ledger(sqlite_url) as led:
        led.append([decision(i) for i in range(6)])
        t.insert_row(led, 0)  # named by the checks before the walk
        with pytest.raises(BrokenChain, match=r"record 0 .*lies outside the chain"):
            verify_chain(led, page=2)
    assert started
    assert not _helpers()


def test_the_helper_process_loads_no_database_library() -> None:
    # It is started for every verify of more than a page: SQLAlchemy would
    # double its start-up.
    loaded = loaded_after("import samtycke.ledger.checker")
    assert not {m for m in loaded if m.split(".")[0] == "sqlalchemy"}
    assert "samtycke.ledger.store" not in loaded
