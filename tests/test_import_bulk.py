"""A big ticket file into a small table: indexes dropped and built again, nothing else differs.

The importer drops the ticket table's secondary indexes for a file at least as
long as the table and builds them again at the end of the same transaction
(storage/importer.py). Lowered here to a few rows, the same file must give the
same database as the ordinary path, and a refused import must keep every index.
"""

from __future__ import annotations

import contextlib
import sqlite3

import pytest
from import_helpers import NOW, STAFF, dump, write

from storage import import_write, importer
from storage.db import open_store
from storage.importer import ImportRejected, import_files

TICKETS = """code,branch,kind,received_at,completed_at,engineer,rep,callback_at,rating
T1,GZ,onsite_repair,2026-10-01 09:00,2026-10-01 15:00,E1,R1,2026-10-02 10:00,5
T2,GZ,installation,2026-10-02 09:00,2026-10-09 10:00,E1,R2,,
T3,GZ,onsite_repair,2026-10-03 09:00,,E1,R1,,
"""


INDEX_COUNT = (
    "SELECT count(*) FROM sqlite_master WHERE type = 'index' AND tbl_name = 'tickets'"
    " AND sql IS NOT NULL"
)


def indexes(store) -> list[tuple]:
    rows = store.query(
        "SELECT name, sql FROM sqlite_master WHERE type = 'index' AND tbl_name = 'tickets'"
        " ORDER BY name"
    )
    return [tuple(row) for row in rows]


def summaries(store) -> list[tuple]:
    return [tuple(r) for r in store.query("SELECT * FROM ticket_month_facts ORDER BY 1, 2, 3")]


def loaded(store, folder, tickets: str):
    import_files(store, [write(folder, "staff.csv", STAFF)], now=NOW)
    import_files(store, [write(folder, "tickets.csv", tickets)], now=NOW)


@pytest.fixture
def bulk(monkeypatch):
    """The bulk path for any ticket file; the tables it was taken for, in order."""
    monkeypatch.setattr(importer, "REBUILD_MIN_ROWS", 1)
    taken = []
    rebuilt = import_write._indexes_rebuilt

    def spy(conn, table):
        taken.append(table)
        return rebuilt(conn, table)

    monkeypatch.setattr(import_write, "_indexes_rebuilt", spy)
    return taken


def test_a_file_longer_than_the_table_gives_the_same_database(store, tmp_path, bulk):
    ordinary = open_store(tmp_path / "ordinary.db")
    try:
        with pytest.MonkeyPatch.context() as patch:
            patch.setattr(importer, "REBUILD_MIN_ROWS", 10**9)
            loaded(ordinary, tmp_path, TICKETS)
        assert bulk == []
        before = indexes(store)
        loaded(store, tmp_path, TICKETS)
        assert bulk == ["tickets"]
        assert indexes(store) == before == indexes(ordinary)
        assert dump(store) == dump(ordinary)
        assert summaries(store) == summaries(ordinary) != []
        plan = store.query(
            "EXPLAIN QUERY PLAN SELECT completed_engineer FROM tickets"
            " WHERE first_completed_at >= '2026-10-01'"
        )
        assert "tickets_first_completed" in plan[0]["detail"]
    finally:
        ordinary.close()


def test_a_refused_import_is_refused_before_anything_is_written(store, tmp_path, bulk):
    import_files(store, [write(tmp_path, "staff.csv", STAFF)], now=NOW)
    before = indexes(store), dump(store)
    with pytest.raises(ImportRejected):
        import_files(
            store,
            [write(tmp_path, "tickets.csv", TICKETS + "T4,GZ,repair,2026-10-04 09:00,,,,,\n")],
        )
    assert bulk == []  # checked in full before the write began
    assert (indexes(store), dump(store)) == before


def test_a_bulk_write_that_fails_midway_keeps_every_index(store, tmp_path, monkeypatch):
    """The indexes are dropped inside the import's transaction: its rollback brings them back."""
    import_files(store, [write(tmp_path, "staff.csv", STAFF)], now=NOW)
    before = indexes(store), dump(store)
    monkeypatch.setattr(importer, "REBUILD_MIN_ROWS", 1)
    rebuilt = import_write._indexes_rebuilt
    dropped = []

    @contextlib.contextmanager
    def failing(conn, table):
        with rebuilt(conn, table):
            dropped.append(conn.execute(INDEX_COUNT).fetchone()[0])
            yield
            raise sqlite3.OperationalError("disk I/O error")

    monkeypatch.setattr(import_write, "_indexes_rebuilt", failing)
    with pytest.raises(sqlite3.OperationalError):
        import_files(store, [write(tmp_path, "tickets.csv", TICKETS)], now=NOW)
    assert dropped == [0]
    assert (indexes(store), dump(store)) == before
