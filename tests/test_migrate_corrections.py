"""m016: a deduction voided by m001's correcting row becomes a withdrawn one; no figure moves.

Branch GZ, October 2026, default scheme. E1 has a violation (1 point) that
stands, and a major complaint (10 points) the lead recorded by mistake on
10-25 and voided on 10-26 with a correcting row ("投诉不属实"), as fieldkpi did
before the review of m011. By m001's rule neither complaint row counts: E1's
deductions are 1. October was closed with those figures.

A correcting row that names nobody is withdrawn in the name of the branch's
lead; in FS, which has none, of an admin; with no admin either, nobody can be
named and the upgrade is refused, the file left at the schema before m016.
"""

from __future__ import annotations

import sqlite3

import pytest
from migration_helpers import schema_before
from month_helpers import AFTER_OCTOBER, DEFAULT, OCTOBER, STAFF, load, person

from fieldkpi.period import judge
from fieldkpi.scheme import default_for_every_branch
from storage.appraisal import events_about
from storage.closing import changed_people, close_month
from storage.db import Store, open_store
from storage.errors import DatabaseUnusable
from storage.maintenance import check
from storage.migrations import known_versions
from storage.rankings import compute_rankings

M016 = "m016_corrections_become_withdrawals"
TICKETS = """code,branch,kind,received_at,completed_at,engineer,rep,callback_at,rating
T1,GZ,onsite_repair,2026-10-03 09:00,2026-10-03 15:00,E1,R1,2026-10-04 10:00,5
T2,GZ,onsite_repair,2026-10-05 09:00,2026-10-07 11:00,E2,R2,2026-10-08 10:00,3
"""
DEDUCTION = (
    "INSERT INTO deductions (id, staff, at, kind, points, ticket, note, recorded_by, corrects)"
    " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)"
)
EVIDENCE = ("month_closings", "frozen_rows", "frozen_rankings", "ticket_history")


def _before_m016(path) -> Store:
    """A database at the last schema before m016, opened without migrating it."""
    store = schema_before(path, M016)
    # Today's closing also asks m017's held ratings whether any waits; this schema predates
    # them, so an empty table of this connection alone (never in the file) stands in.
    store.conn.execute(
        "CREATE TEMP TABLE held_ratings (id, ticket, at, rating, note, recorded_by, recorded_at)"
    )
    return store


def _evidence(store) -> dict[str, list[tuple]]:
    return {
        t: [tuple(r) for r in store.query(f"SELECT * FROM {t} ORDER BY 1, 2")] for t in EVIDENCE
    }


def _deductions(store) -> dict[str, object]:
    rows = compute_rankings(
        store, judge(OCTOBER, AFTER_OCTOBER), default_for_every_branch, branch="GZ"
    )
    return {row.staff_code: row.deductions for row in rows}


def test_a_correcting_row_becomes_a_withdrawal_and_no_figure_changes(tmp_path):
    path = tmp_path / "old.db"
    old = _before_m016(path)
    load(old, staff=STAFF, tickets=TICKETS)
    with old.write() as db:
        db.execute(DEDUCTION, (1, "E1", "2026-10-22 10:00:00", "violation", None, None,
                               "迟到", "L1", None))  # fmt: skip
    close_month(old, person(old, "L1"), "GZ", OCTOBER, DEFAULT, AFTER_OCTOBER)
    with old.write() as db:
        db.execute(DEDUCTION, (2, "E1", "2026-10-25 10:00:00", "complaint_major", None, None,
                               "客户来电投诉", "L1", None))  # fmt: skip
        db.execute(DEDUCTION, (3, "E1", "2026-10-26 16:30:00", "complaint_major", None, None,
                               "投诉不属实", "L1", 2))  # fmt: skip
        # an imported event (recorded by nobody), voided by a row that names nobody either
        db.execute(DEDUCTION, (4, "E2", "2026-10-27 09:00:00", "backfill", None, None,
                               None, None, None))  # fmt: skip
        db.execute(DEDUCTION, (5, "E2", "2026-10-27 11:00:00", "backfill", None, None,
                               "导入有误", None, 4))  # fmt: skip
    evidence = _evidence(old)
    old.close()

    store = open_store(path)
    try:
        assert store.scalar("PRAGMA user_version") == len(known_versions())
        assert [tuple(r) for r in store.query("SELECT id, kind FROM deductions ORDER BY id")] == [
            (1, "violation"),
            (2, "complaint_major"),
            (4, "backfill"),
        ]
        events = events_about(store, person(store, "L1"), person(store, "E1"), OCTOBER, DEFAULT)
        complaint = next(e for e in events if e.id == 2)
        assert complaint.state == "withdrawn"
        assert [(r.action, r.at, r.by, r.by_name, r.reason) for r in complaint.reviews] == [
            ("withdraw", "2026-10-26 16:30:00", "L1", "周经理", "投诉不属实")
        ]
        assert [e.id for e in events if e.state == "standing"] == [1]
        imported = events_about(store, person(store, "L1"), person(store, "E2"), OCTOBER, DEFAULT)
        assert [(e.id, e.state, [(r.by, r.reason) for r in e.reviews]) for e in imported] == [
            (4, "withdrawn", [("L1", "导入有误")])  # in the name of GZ's lead
        ]

        assert _deductions(store)["E1"] == 1  # the withdrawn complaint counts nowhere
        assert list(changed_people(store, "GZ", OCTOBER)) == []  # live = frozen = before
        assert _evidence(store) == evidence
        assert "corrects" not in store.db["deductions"].columns_dict  # nothing left to read
    finally:
        store.close()
    assert check(path).problems == []  # the guard against DELETE is back on deductions


# FS has an engineer and nobody to lead it.
FS_ENGINEER = "FE,冯工,engineer,FS,2024-01-01,,\n"


def _correction_by_nobody_in_fs(path, staff: str) -> None:
    """An old database: FE's imported event voided by a row that names nobody, FS leaderless."""
    old = _before_m016(path)
    load(old, staff=staff)
    with old.write() as db:
        db.execute(DEDUCTION, (1, "FE", "2026-10-27 09:00:00", "backfill", None, None,
                               None, None, None))  # fmt: skip
        db.execute(DEDUCTION, (2, "FE", "2026-10-27 11:00:00", "backfill", None, None,
                               "导入有误", None, 1))  # fmt: skip
    old.close()


def test_a_correction_nobody_recorded_in_a_branch_with_no_lead_is_withdrawn_by_an_admin(tmp_path):
    path = tmp_path / "old.db"
    _correction_by_nobody_in_fs(path, STAFF + FS_ENGINEER)
    store = open_store(path)
    try:
        admin = person(store, "A1")
        events = events_about(store, admin, person(store, "FE"), OCTOBER, DEFAULT)
        assert [
            (e.id, e.state, [(r.by, r.by_name, r.reason) for r in e.reviews]) for e in events
        ] == [(1, "withdrawn", [("A1", "管理员", "导入有误")])]
    finally:
        store.close()


def test_with_neither_a_lead_nor_an_admin_to_name_the_database_is_refused_as_it_was(tmp_path):
    """Nobody can be named as who withdrew: the upgrade is refused whole, the file kept at the
    schema before m016; once there is an admin (or FS has a lead) it goes through."""
    path = tmp_path / "old.db"
    no_admin = "".join(line for line in STAFF.splitlines(keepends=True) if ",admin," not in line)
    _correction_by_nobody_in_fs(path, no_admin + FS_ENGINEER)
    with pytest.raises(DatabaseUnusable, match="not a usable fieldkpi database") as refused:
        open_store(path)
    assert str(path) in str(refused.value)
    conn = sqlite3.connect(path)
    try:
        assert conn.execute("PRAGMA user_version").fetchone()[0] == known_versions().index(M016)
        kept = conn.execute("SELECT id, corrects FROM deductions ORDER BY id").fetchall()
        assert kept == [(1, None), (2, 1)]
        assert conn.execute("SELECT count(*) FROM appraisal_reviews").fetchone()[0] == 0
    finally:
        conn.close()
    old = _before_m016(path)
    try:
        load(old, staff="code,name,role,branch,hired_on,left_on,login\n"
                        "A1,管理员,admin,HQ,2020-01-01,,admin\n")  # fmt: skip
    finally:
        old.close()
    open_store(path).close()
