"""Rows that could not have happened: a time still to come, or people and tickets of two branches.

A tester's files were imported with exit 0: a ticket received in 2030, a
deduction of 2030 and a problem report of 2027 (a year typed wrong lands in a
far month and counts there), a ticket of SZ with a GZ engineer and rep, a GZ
rep's report on an SZ engineer, a deduction naming another branch's ticket.
The TUI lets none of them happen; the import refuses them the same way as
every bad row, all or nothing (``rejected`` checks the database is as it was).
"""

from __future__ import annotations

from pathlib import Path

import pytest
from import_helpers import NOW, load, rejected, rows, with_staff, write

from storage.csvrows import KINDS
from storage.importer import import_files

HERE = Path()  # the tests run in their tmp_path, so that messages name files as people do
TODAY = NOW.date().isoformat()  # 2026-11-05: the import's own day

# Another branch's people (import_helpers.STAFF has GZ's and one SZ engineer, E2), and an admin.
MORE_STAFF = "code,name,role,branch\nR3,周敏,rep,SZ\nA1,孙丽,admin,GZ\n"


@pytest.fixture(autouse=True)
def in_tmp_path(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)


@pytest.fixture
def staffed(store, tmp_path):
    """GZ (R1, R2, E1, L1, A1) and SZ (R3, E2), with a ticket of each: G0 and S0."""
    with_staff(store, tmp_path)
    load(
        store,
        tmp_path,
        more=MORE_STAFF,
        tickets="code,branch,kind,received_at\n"
        "G0,GZ,onsite_repair,2026-10-01 09:00\nS0,SZ,onsite_repair,2026-10-01 09:00\n",
    )
    return store


def refused(store, name: str, text: str, **options) -> list[str]:
    return rejected(store, [write(HERE, name, text)], **options)


def imported(store, name: str, text: str, **options):
    return import_files(store, [write(HERE, name, text)], now=NOW, **options)


# -- times later than the import's day -------------------------------------------------------

# A good row of each kind that has times, without them; each time column is added to it.
GOOD = {
    "tickets": {
        "code": "T1",
        "branch": "GZ",
        "kind": "onsite_repair",
        "received_at": "2026-10-05 09:00",
    },
    "actions": {"staff": "R1", "action": "intake"},
    "attendance": {"staff": "R1", "days": "20"},
    "problems": {"rep": "R1", "engineer": "E1"},
    "scores": {"staff": "R1", "metric": "quality", "value": "90"},
    "deductions": {"staff": "E1", "kind": "violation"},
}
# By the column's reader: the first value after today, and the last one of today.
LATER = {"Timestamp": "2026-11-06 00:00", "YearMonth": "2026-12", "Period": "2027-Q1"}
LAST = {"Timestamp": "2026-11-05 23:59", "YearMonth": "2026-11", "Period": "2026-Q4"}
SHOWN = {"2026-11-06 00:00": "2026-11-06 00:00:00"}

TIME_COLUMNS = [
    (kind.name, column.name, type(column.read).__name__)
    for kind in KINDS.values()
    for column in kind.columns
    if column.read.starts("x") is not None and not column.planned
]


def one_row(kind: str, column: str, value: str) -> str:
    needs = {"completed_at": "2026-10-06 09:00"} if column == "callback_at" else {}
    cells = GOOD[kind] | needs | {column: value}
    return ",".join(cells) + "\n" + ",".join(cells.values()) + "\n"


def test_every_time_column_of_every_kind_is_covered():
    """A new time column is checked without anyone remembering to: the rule reads KINDS."""
    assert {(kind, column) for kind, column, _reader in TIME_COLUMNS} == {
        ("tickets", "received_at"),
        ("tickets", "dispatched_at"),
        ("tickets", "visited_at"),
        ("tickets", "completed_at"),
        ("tickets", "cancelled_at"),
        ("tickets", "callback_at"),
        ("actions", "at"),
        ("attendance", "month"),
        ("problems", "at"),
        ("scores", "period"),
        ("deductions", "at"),
    }


@pytest.mark.parametrize(("kind", "column", "reader"), TIME_COLUMNS)
def test_a_time_after_the_import_day_is_refused(staffed, kind, column, reader):
    later = LATER[reader]
    shown = SHOWN.get(later, later)
    lines = refused(staffed, f"{kind}.csv", one_row(kind, column, later))
    assert f"{kind}.csv:2: {column}: {shown} is after today ({TODAY})" in lines


@pytest.mark.parametrize(("kind", "column", "reader"), TIME_COLUMNS)
def test_a_time_of_the_import_day_is_taken(staffed, kind, column, reader):
    """The clock of whoever exported the file may be ahead of ours within the day."""
    imported(staffed, f"{kind}.csv", one_row(kind, column, LAST[reader]))


def test_a_quarter_that_has_begun_is_taken_and_one_to_come_is_not(staffed):
    text = "period,staff,metric,value\n2026-Q4,R1,quality,90\n2027-Q1,R1,quality,90\n"
    assert refused(staffed, "s.csv", text) == [f"s.csv:3: period: 2027-Q1 is after today ({TODAY})"]


def test_the_testers_future_rows_are_each_named(staffed):
    """A year typed wrong: every such row of the files is told, with its line."""
    tickets = write(
        HERE,
        "t.csv",
        "code,branch,kind,received_at,engineer,rep\n"
        "T1,GZ,onsite_repair,2026-10-05 09:00,E1,R1\n"
        "T2,GZ,onsite_repair,2030-10-05 09:00,,\n",
    )
    deductions = write(
        HERE,
        "d.csv",
        "staff,at,kind,points,ticket,note\n"
        "E1,2030-10-05 09:00,violation,,,未来\nE1,2026-10-05 09:00,violation,,,\n",
    )
    problems = write(
        HERE,
        "p.csv",
        "rep,engineer,at,points,ticket,note\nR1,E1,2026-10-05 09:00,1,,\nR1,E1,2027-10-05 09:00,1,,未来\n",
    )
    assert rejected(staffed, [tickets, deductions, problems]) == [
        f"t.csv:3: received_at: 2030-10-05 09:00:00 is after today ({TODAY})",
        f"d.csv:2: at: 2030-10-05 09:00:00 is after today ({TODAY})",
        f"p.csv:3: at: 2027-10-05 09:00:00 is after today ({TODAY})",
    ]


def test_hiring_and_leaving_may_be_agreed_ahead(staffed):
    """As on the staff screen: someone starts next month, someone has given notice."""
    imported(
        staffed,
        "s.csv",
        "code,name,role,branch,hired_on,left_on\nR4,钱多,rep,GZ,2026-12-01,\nR2,李娜,rep,GZ,,2027-01-31\n",
    )
    assert rows(
        staffed, "SELECT code, hired_on, left_on FROM staff WHERE code IN ('R2', 'R4')"
    ) == [
        ("R2", None, "2027-01-31"),
        ("R4", "2026-12-01", None),
    ]


# -- people and tickets of two branches ------------------------------------------------------


def test_a_ticket_of_one_branch_with_another_branchs_engineer_and_rep(staffed):
    text = "code,branch,kind,received_at,engineer,rep\nT1,SZ,onsite_repair,2026-10-05 09:00,E1,R1\n"
    assert refused(staffed, "t.csv", text) == [
        "t.csv:2: engineer: E1 works for branch GZ, but the ticket is of branch SZ",
        "t.csv:2: rep: R1 works for branch GZ, but the ticket is of branch SZ",
    ]


def test_a_problem_report_against_another_branchs_engineer(staffed):
    text = "rep,engineer,at\nR1,E1,2026-10-05 09:00\nR1,E2,2026-10-05 09:00\n"
    assert refused(staffed, "p.csv", text) == [
        "p.csv:3: engineer: E2 works for branch SZ, but R1 (rep) works for branch GZ"
    ]


def test_a_problem_report_on_another_branchs_ticket(staffed):
    text = "rep,engineer,at,ticket\nR3,E2,2026-10-05 09:00,S0\nR3,E2,2026-10-05 09:00,G0\n"
    assert refused(staffed, "p.csv", text) == [
        "p.csv:3: ticket: ticket G0 is of branch GZ, but R3 (rep) works for branch SZ"
    ]


def test_a_deduction_naming_another_branchs_ticket(staffed):
    text = "staff,at,kind,ticket\nE1,2026-10-05 09:00,violation,S0\n"
    assert refused(staffed, "d.csv", text) == [
        "d.csv:2: ticket: ticket S0 is of branch SZ, but E1 (staff) works for branch GZ"
    ]


def test_a_ticket_of_the_same_import_counts_with_its_branch(staffed):
    """The branch of a ticket given in the same call is the file's."""
    tickets = write(
        HERE, "t.csv", "code,branch,kind,received_at\nS1,SZ,onsite_repair,2026-10-05 09:00\n"
    )
    deductions = write(HERE, "d.csv", "staff,at,kind,ticket\nE1,2026-10-06 09:00,violation,S1\n")
    assert rejected(staffed, [deductions, tickets]) == [
        "d.csv:2: ticket: ticket S1 is of branch SZ, but E1 (staff) works for branch GZ"
    ]


def test_an_action_on_another_branchs_ticket_unless_by_an_admin(staffed):
    """An admin works every branch's tickets (fieldkpi/access.py); a rep only their own."""
    text = "staff,at,action,ticket\nR1,2026-10-05 09:00,intake,G0\nR1,2026-10-05 09:00,intake,S0\n"
    assert refused(staffed, "a.csv", text) == [
        "a.csv:3: ticket: ticket S0 is of branch SZ, but R1 (staff) works for branch GZ"
    ]
    imported(staffed, "b.csv", "staff,at,action,ticket\nA1,2026-10-05 09:00,dispatch,S0\n")


# -- someone who would move branch, a ticket that did ----------------------------------------

OLD_TICKETS = "code,branch,kind,received_at,engineer\nT1,GZ,onsite_repair,2026-10-05 09:00,E1\n"
MOVED = "code,name,role,branch\nE1,张伟,engineer,SZ\n"


def test_a_move_is_refused_and_rows_of_after_it_too(staffed):
    """A staff file may not move E1 to SZ (storage/staff.py: a branch never changes), so a
    ticket of SZ for E1 in the same call is of two branches: both are refused."""
    staff = write(HERE, "s.csv", MOVED)
    tickets = write(
        HERE,
        "t.csv",
        "code,branch,kind,received_at,engineer\n"
        "T1,GZ,onsite_repair,2026-10-05 09:00,E1\nT2,SZ,onsite_repair,2026-11-02 09:00,E1\n",
    )
    assert rejected(staffed, [tickets, staff]) == [
        "t.csv:3: engineer: E1 works for branch GZ, but the ticket is of branch SZ",
        "s.csv:2: branch: E1 is in GZ, not SZ: someone who moves branch leaves (left_on) and is"
        " added again under a new code",
    ]


def test_rows_the_database_holds_import_again_after_their_ticket_changed_branch(staffed):
    """A ticket file of an older version (which took that) moved T1 to SZ: its problem report
    imported again (with --again) and the ticket itself again, with its GZ engineer, are
    taken as they were; a new report is not."""
    problems = "rep,engineer,at,ticket\nR1,E1,2026-10-06 09:00,T1\n"
    imported(staffed, "t.csv", OLD_TICKETS)
    imported(staffed, "p.csv", problems)
    with staffed.write() as db:
        db.execute("UPDATE tickets SET branch = 'SZ' WHERE code = 'T1'")
    imported(staffed, "p.csv", problems, again=True)
    imported(
        staffed,
        "t2.csv",
        "code,branch,kind,received_at,engineer,completed_at\n"
        "T1,SZ,onsite_repair,2026-10-05 09:00,E1,2026-10-07 09:00\n",
    )
    assert rows(staffed, "SELECT count(*) FROM problems") == [(2,)]
    new = "rep,engineer,at,ticket\nR1,E1,2026-10-08 09:00,T1\n"
    assert refused(staffed, "n.csv", new) == [
        "n.csv:2: ticket: ticket T1 is of branch SZ, but R1 (rep) works for branch GZ"
    ]


def test_the_reasons_in_chinese(staffed, zh):
    text = "code,branch,kind,received_at,engineer\nT1,SZ,onsite_repair,2030-10-05 09:00,E1\n"
    assert refused(staffed, "t.csv", text) == [
        "t.csv:2: received_at: 2030-10-05 09:00:00 晚于今天（2026-11-05）",
        "t.csv:2: engineer: E1 属于分公司 GZ，但工单属于分公司 SZ",
    ]
