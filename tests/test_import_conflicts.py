"""Imports never revert newer work (issue 11, item 6).

The call centre's daily file, exported in the morning and imported in the
evening, reverted a completion and a re-dispatch made in the TUI in between.
A file has no time of its own; a field whose latest change was made in the
TUI after the ticket was last imported is newer than the file, and a row
that says otherwise is a conflict. Whoever made them, step times, the
rating, the engineer and the cancellation are never cleared nor put back.
``--force`` applies the file anyway.
"""

from __future__ import annotations

from datetime import datetime

import pytest
from import_helpers import rejected, rows, write
from ticket_helpers import seed_staff

from storage import tickets
from storage.importer import import_files

MORNING = datetime(2026, 10, 15, 7, 0)
NOON = datetime(2026, 10, 15, 12, 0)
EVENING = datetime(2026, 10, 15, 20, 0)
HEADER = "code,branch,kind,received_at,engineer,rep,completed_at,customer\n"
STALE = "T1,GZ,onsite_repair,2026-10-15 06:30,E1,R1,,王先生"  # as exported in the morning
# As the call centre's system has it by the evening: the TUI's work, and a corrected name.
AGREEING = "T1,GZ,onsite_repair,2026-10-15 06:30,E2,R1,2026-10-15 12:00,王伟先生"


@pytest.fixture
def crew(store):
    return seed_staff(store)


def daily(folder, name: str, *lines: str):
    return write(folder, name, HEADER + "".join(line + "\n" for line in lines))


def imported(store, folder, name: str, *lines: str, at=MORNING, **options):
    return import_files(store, [daily(folder, name, *lines)], now=at, **options)


@pytest.fixture
def worked(store, crew, tmp_path):
    """T1 imported in the morning with E1; at noon the rep re-dispatches it to E2, who completes it."""
    imported(store, tmp_path, "morning.csv", STALE)
    ticket = tickets.dispatch(store, crew.rep, "T1", 1, "E2", now=NOON)
    tickets.complete(store, crew.rep, "T1", ticket.version, "换电源", now=NOON)
    return store


def test_the_morning_file_imported_in_the_evening_is_refused(worked, tmp_path):
    stale = daily(tmp_path, "morning.csv", STALE)
    assert rejected(worked, [stale]) == [
        f"{stale}:2: engineer: 王芳 (R1) changed it in the TUI on 2026-10-15 12:00:00, after "
        "the ticket was last imported: it is E2, the file says E1 (--force applies the file)",
        f"{stale}:2: completed_at: 王芳 (R1) changed it in the TUI on 2026-10-15 12:00:00, after "
        "the ticket was last imported: it is 2026-10-15 12:00:00, the file says empty "
        "(--force applies the file)",
    ]


def test_a_file_that_agrees_with_the_tui_imports(worked, tmp_path):
    report = imported(
        worked,
        tmp_path,
        "evening.csv",
        "T1,GZ,onsite_repair,2026-10-15 06:30,E2,R1,2026-10-15 12:00,王先生",
        at=EVENING,
    )
    assert report.counts["tickets"] == {"added": 0, "updated": 0, "unchanged": 1}


def test_fields_the_tui_did_not_touch_still_update(worked, tmp_path):
    imported(worked, tmp_path, "evening.csv", AGREEING, at=EVENING)
    assert rows(worked, "SELECT engineer, customer, status FROM tickets") == [
        ("E2", "王伟先生", "completed")
    ]


def test_force_applies_the_file(worked, tmp_path):
    imported(
        worked,
        tmp_path,
        "morning.csv",
        STALE,
        at=EVENING,
        force=True,
    )
    assert rows(worked, "SELECT engineer, completed_at, status FROM tickets") == [
        ("E1", None, "dispatched")
    ]
    assert rows(
        worked, "SELECT by, field, old, new FROM ticket_history WHERE at = '2026-10-15 20:00:00'"
    ) == [
        ("import", "engineer", "E2", "E1"),
        ("import", "completed_at", "2026-10-15 12:00:00", None),
        ("import", "status", "completed", "dispatched"),
    ]


def test_once_imported_again_the_tui_change_is_old_news(worked, tmp_path):
    """After an import that agrees, the file again speaks for every field."""
    imported(worked, tmp_path, "evening.csv", AGREEING, at=EVENING)
    imported(
        worked,
        tmp_path,
        "next.csv",
        "T1,GZ,onsite_repair,2026-10-15 06:30,E2,R1,2026-10-15 11:30,王伟先生",
        at=datetime(2026, 10, 16, 8, 0),
    )
    assert rows(worked, "SELECT completed_at FROM tickets") == [("2026-10-15 11:30:00",)]


def test_no_import_clears_a_step_time_an_import_set(store, crew, tmp_path):
    imported(
        store, tmp_path, "a.csv", "T1,GZ,onsite_repair,2026-10-15 06:30,E1,R1,2026-10-15 11:00,"
    )
    stale = daily(tmp_path, "b.csv", "T1,GZ,onsite_repair,2026-10-15 06:30,E1,R1,,")
    assert rejected(store, [stale]) == [
        f"{stale}:2: completed_at: the file clears it, but it is 2026-10-15 11:00:00 "
        "(--force applies the file)"
    ]


def test_no_import_puts_back_an_engineer_the_ticket_had_before(store, crew, tmp_path):
    imported(store, tmp_path, "a.csv", "T1,GZ,onsite_repair,2026-10-15 06:30,E1,R1,,")
    imported(store, tmp_path, "b.csv", "T1,GZ,onsite_repair,2026-10-15 06:30,E2,R1,,", at=NOON)
    stale = daily(tmp_path, "a.csv", "T1,GZ,onsite_repair,2026-10-15 06:30,E1,R1,,")
    assert rejected(store, [stale]) == [
        f"{stale}:2: engineer: the file puts back E1, but it is E2 "
        "(changed by an import on 2026-10-15 12:00:00) (--force applies the file)"
    ]


def test_a_ticket_created_in_the_tui_is_newer_than_any_file(store, crew, tmp_path):
    ticket = tickets.new_ticket(
        store,
        crew.rep,
        {"customer": "张伟", "phone": "13800138000", "address": "天河路 1 号", "product": "电视",
         "kind": "onsite_repair", "fault": "无法开机"},
        now=NOON,
    )  # fmt: skip
    other = write(
        tmp_path,
        "t.csv",
        f"code,branch,kind,received_at,customer\n{ticket.code},GZ,onsite_repair,2026-10-15 12:00,李四\n",
    )
    assert rejected(store, [other]) == [
        f"{other}:2: customer: 王芳 (R1) changed it in the TUI on 2026-10-15 12:00:00, after the "
        "ticket was last imported: it is 张伟, the file says 李四 (--force applies the file)"
    ]


def test_a_save_an_import_overtook_is_told_what_the_import_changed(store, crew, tmp_path):
    imported(store, tmp_path, "morning.csv", STALE)  # the rep opens T1 at version 1
    renamed = STALE.replace("王先生", "王伟先生")
    imported(store, tmp_path, "noon.csv", renamed, at=NOON)
    with pytest.raises(tickets.Conflict) as refused:
        tickets.dispatch(store, crew.rep, "T1", 1, "E2", now=NOON)
    assert str(refused.value) == (
        "Ticket T1 was changed by import at 12:00:00: customer 王先生 → 王伟先生."
        " Your change was not saved."
    )
    assert [(row.field, row.new) for row in refused.value.changes] == [("customer", "王伟先生")]
