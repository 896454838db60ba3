"""Rows of an import dated in a closed month: imported, and said so by ``fieldkpi import``.

A closed month was paid on its frozen figures; later data changes only its live
figures, which the lead sees as differences (kpi-rules.md, time principle). An
import is such later data, so it is taken, but whoever imports it is told which
rows fall in a closed period, as the TUI tells a lead who types such a time.
"""

from __future__ import annotations

from datetime import datetime

import pytest
from import_helpers import STAFF, load, write

from fieldkpi import cli
from fieldkpi.period import Period
from fieldkpi.scheme import default_scheme
from storage.closing import close_month
from storage.db import open_store
from storage.people import staff_by_code

OCTOBER = Period(2026, 10)
TICKET = "code,branch,kind,received_at,dispatched_at,engineer,rep\n"
TICKETS = TICKET + "T1,GZ,onsite_repair,2026-10-05 09:00,2026-10-05 10:00,E1,R1\n"
LATE = {
    "d.csv": "staff,at,kind,ticket\nE1,2026-10-25 10:00,complaint_major,T1\n",
    "t.csv": "code,branch,kind,received_at,completed_at\n"
    "T1,GZ,onsite_repair,2026-10-05 09:00,2026-10-20 15:00\n",
    "a.csv": "staff,at,action,ticket\nR2,2026-11-02 09:00,intake,\nR2,2026-10-26 11:00,callback,T1\n",
}


@pytest.fixture
def db(tmp_path, monkeypatch):
    """GZ's October, with one ticket, closed by its lead on 2026-11-05."""
    monkeypatch.chdir(tmp_path)
    path = tmp_path / "branch.db"
    store = open_store(path)
    load(store, tmp_path, staff=STAFF, tickets=TICKETS)
    lead = staff_by_code(store, "L1")
    close_month(store, lead, "GZ", OCTOBER, default_scheme(), datetime(2026, 11, 5, 9, 0))
    store.close()
    return path


def run(db, capsys, files: dict[str, str], lang: str = "en") -> tuple[int, str, list[str]]:
    """``fieldkpi import`` of ``files`` (name: text) as typed in their folder: status, out, err."""
    for name, text in files.items():
        write(db.parent, name, text)
    capsys.readouterr()
    status = cli.main(["import", "--lang", lang, "--db", str(db), *files])
    out, err = capsys.readouterr()
    return status, out, err.splitlines()


def test_rows_dated_in_a_closed_month_are_imported_and_named(db, capsys):
    status, out, err = run(db, capsys, LATE)
    assert status == 0, err
    assert out.splitlines() == [
        "deductions: 1 added, 0 updated",
        "tickets: 0 added, 1 updated",
        "actions: 2 added, 0 updated",
    ]
    assert err == [
        "3 rows are dated in closed periods (2026-10 for GZ): their frozen figures stand, "
        "and the lead sees the difference from them.",
        "  d.csv:2, t.csv:2, a.csv:3",
    ]


def test_the_closed_rows_are_said_in_chinese(db, capsys):
    status, _out, err = run(db, capsys, LATE, lang="zh")
    assert status == 0, err
    assert err == [
        "3 行的日期落在已结算的期间（GZ 的 2026-10）：其冻结的数据不变，主管会看到与之的差异。",
        "  d.csv:2, t.csv:2, a.csv:3",
    ]


def test_nothing_is_said_of_rows_that_leave_a_closed_month_as_it_was(db, capsys):
    """The same ticket again, a month still open, and a branch whose October is open."""
    files = {
        "t.csv": TICKETS,
        "a.csv": "staff,at,action,ticket\nR2,2026-11-02 09:00,intake,\n",
        "e.csv": "staff,at,action\nE2,2026-10-26 11:00,complete\n",  # E2 works for SZ
    }
    status, out, err = run(db, capsys, files)
    assert status == 0, err
    assert "tickets: 0 added, 0 updated" in out
    assert err == []


def test_a_ticket_moved_out_of_a_closed_month_is_named(db, capsys):
    """Its October changes as much as a ticket moved into it would."""
    moved = "code,branch,kind,received_at,dispatched_at\n"
    moved += "T1,GZ,onsite_repair,2026-11-03 09:00,2026-11-03 10:00\n"
    status, _out, err = run(db, capsys, {"t.csv": moved})
    assert status == 0, err
    assert err[0].startswith("1 row is dated in a closed period (2026-10 for GZ):")
    assert err[1] == "  t.csv:2"


def test_only_the_first_rows_are_listed(db, capsys):
    rows = "".join(f"R2,2026-10-{day:02} 11:00,intake,\n" for day in range(1, 13))
    status, _out, err = run(db, capsys, {"a.csv": "staff,at,action,ticket\n" + rows})
    assert status == 0, err
    assert err[0].startswith("12 rows are dated in closed periods (2026-10 for GZ)")
    assert err[1] == "  " + ", ".join(f"a.csv:{line}" for line in range(2, 7)) + ", … and 7 more"
