"""m017: the review log is rebuilt to take held ratings; its rows, triggers and guards stay.

Branch GZ, October 2026: a rep (张伟, R1) recorded two deductions before the
upgrade; the lead approved the first, the second still waits.
"""

from __future__ import annotations

import sqlite3
from datetime import datetime

import pytest
from migration_helpers import schema_before
from month_helpers import STAFF, load, person

from storage.appraisal import review
from storage.db import open_store
from storage.maintenance import check

M017 = "m017_held_ratings"
DEDUCTION = (
    "INSERT INTO deductions (id, staff, at, kind, recorded_by, needs_review)"
    " VALUES (?, ?, ?, ?, 'R1', 1)"
)


def _rows(store, sql: str) -> list[tuple]:
    return [tuple(row) for row in store.query(sql)]


def test_the_review_log_keeps_its_rows_triggers_and_guards(tmp_path):
    path = tmp_path / "old.db"
    old = schema_before(path, M017)
    load(old, staff=STAFF)
    with old.write() as db:
        db.execute(DEDUCTION, (1, "E1", "2026-10-20 10:00:00", "violation"))
        db.execute(DEDUCTION, (2, "E2", "2026-10-21 10:00:00", "backfill"))
        db.execute(
            "INSERT INTO appraisal_reviews (subject, subject_id, action, at, by)"
            " VALUES ('deduction', 1, 'approve', '2026-10-22 09:00:00', 'L1')"
        )
    before = _rows(old, "SELECT * FROM appraisal_reviews ORDER BY id")
    old.close()

    store = open_store(path)
    try:
        assert _rows(store, "SELECT * FROM appraisal_reviews ORDER BY id") == before
        states = "SELECT subject, subject_id, state FROM appraisal_states"
        assert _rows(store, states) == [("deduction", 2, "pending")]
        review(store, person(store, "L1"), "deduction", 2, "reject", "未核实",
               now=datetime(2026, 10, 23, 9))  # fmt: skip
        assert _rows(store, states) == [("deduction", 2, "rejected")]  # its trigger still moves
        with pytest.raises(sqlite3.IntegrityError, match="append-only"), store.write() as db:
            db.execute("UPDATE appraisal_reviews SET reason = '改了' WHERE id = 1")
    finally:
        store.close()
    assert check(path).problems == []  # every evidence table, held_ratings too, is guarded
