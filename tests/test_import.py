"""Importing good CSV files: what lands in the database, per kind, and how updates work."""

from __future__ import annotations

from datetime import datetime

import pytest
from import_helpers import NOW, NOW_TEXT, STAFF, dump, load, rows, with_staff, write

import storage.importer
from fieldkpi import cli
from storage import tickets
from storage.db import open_store
from storage.importer import ImportRejected, detect_kind, import_files, import_tables
from storage.people import staff_by_code
from storage.queue import QueueFilter, caller_tickets, queue_page

TICKETS = """\
code,branch,kind,received_at,engineer,rep,visited_at,completed_at,callback_at,rating,cancelled,customer
T1,GZ,onsite_repair,2026-10-01 09:00,,R1,,,,,,Ms Wu
T2,GZ,onsite_repair,2026-10-01 09:10,E1,R1,,,,,,
T3,GZ,installation,2026-10-01 09:20,E1,R1,2026-10-02 10:00,,,,,
T4,GZ,inshop_repair,2026-10-01 09:30,E1,R2,2026-10-02 10:00,2026-10-03 11:30:15,,,,
T5,GZ,commissioning,2026-10-01 09:40,E1,R2,,2026-10-03 11:00,2026-10-04 09:00,4,0,
T6,GZ,onsite_repair,2026-10-01 09:50,E1,,,,,,1,
"""


def test_staff_file_adds_people_and_creates_their_branches(store, tmp_path):
    report = load(store, tmp_path, staff=STAFF)

    assert report.counts == {"staff": {"added": 5, "updated": 0, "unchanged": 0}}
    assert rows(store, "SELECT code, name, role, branch, login FROM staff ORDER BY code") == [
        ("E1", "张伟", "engineer", "GZ", "zhangwei"),
        ("E2", "刘强", "engineer", "SZ", None),
        ("L1", "陈静", "lead", "GZ", None),
        ("R1", "王芳", "rep", "GZ", "wangfang"),
        ("R2", "李娜", "rep", "GZ", None),
    ]
    assert rows(store, "SELECT code FROM branches ORDER BY code") == [("GZ",), ("SZ",)]


def test_tickets_get_the_status_their_times_show_and_one_history_row_each(store, tmp_path):
    with_staff(store, tmp_path)

    report = load(store, tmp_path, tickets=TICKETS)

    assert report.counts == {"tickets": {"added": 6, "updated": 0, "unchanged": 0}}
    assert rows(
        store,
        "SELECT code, status, completed_at, rating, cancelled, version, updated_at, updated_by"
        " FROM tickets ORDER BY code",
    ) == [
        ("T1", "received", None, None, 0, 1, NOW_TEXT, "import"),
        ("T2", "dispatched", None, None, 0, 1, NOW_TEXT, "import"),
        ("T3", "visited", None, None, 0, 1, NOW_TEXT, "import"),
        ("T4", "completed", "2026-10-03 11:30:15", None, 0, 1, NOW_TEXT, "import"),
        ("T5", "called_back", "2026-10-03 11:00:00", 4, 0, 1, NOW_TEXT, "import"),
        ("T6", "cancelled", None, None, 1, 1, NOW_TEXT, "import"),
    ]
    assert rows(store, "SELECT ticket, at, by, step, field, old, new FROM ticket_history") == [
        (code, NOW_TEXT, "import", "import", None, None, None)
        for code in ("T1", "T2", "T3", "T4", "T5", "T6")
    ]
    assert rows(store, "SELECT count(*) FROM actions") == [(0,)]  # no workload from imports


def test_the_engineer_of_an_imported_ticket_reads_that_it_came_by_import(store, tmp_path):
    with_staff(store, tmp_path)
    load(store, tmp_path, tickets=TICKETS)
    engineer = staff_by_code(store, "E1")
    history = tickets.ticket_history(store, engineer, "T2")
    assert [(row.step, row.by, row.field) for row in history] == [("import", "import", None)]


def test_rows_of_every_other_kind_are_stored_as_given(store, tmp_path):
    with_staff(store, tmp_path)

    report = load(
        store,
        tmp_path,
        actions="staff,at,action,ticket\nR1,2026-10-01 09:00,intake,T1\nR2,2026-10-02 15:00,dealer_callback,\n",
        attendance="staff,month,days\nR1,2026-10,22\nE1,2026/9,0\n",
        problems="rep,engineer,at,points,ticket,note\nR1,E1,2026-10-02 10:00,,T1,late\nR2,E1,2026-10-03 10:00,2.5,,\n",
        deductions="staff,at,kind,points,note\n"
        "E1,2026-10-04 08:00,backfill,,opened after the visit\n"
        "R1,2026-10-05 08:00,branch_rule,3,late report\n",
        tickets="code,branch,kind,received_at\nT1,GZ,onsite_repair,2026-10-01 09:00\n",
    )

    assert report.counts == {
        "tickets": {"added": 1, "updated": 0, "unchanged": 0},
        "actions": {"added": 2, "updated": 0, "unchanged": 0},
        "attendance": {"added": 2, "updated": 0, "unchanged": 0},
        "problems": {"added": 2, "updated": 0, "unchanged": 0},
        "deductions": {"added": 2, "updated": 0, "unchanged": 0},
    }
    assert rows(store, "SELECT staff, at, action, ticket FROM actions ORDER BY id") == [
        ("R1", "2026-10-01 09:00:00", "intake", "T1"),
        ("R2", "2026-10-02 15:00:00", "dealer_callback", None),
    ]
    assert rows(store, "SELECT staff, month, days FROM attendance ORDER BY staff") == [
        ("E1", "2026-09", 0),
        ("R1", "2026-10", 22),
    ]
    assert rows(store, "SELECT rep, engineer, at, points, ticket, note FROM problems") == [
        # no points given: stored empty, so the branch's scheme decides (default 1)
        ("R1", "E1", "2026-10-02 10:00:00", None, "T1", "late"),
        ("R2", "E1", "2026-10-03 10:00:00", 2.5, None, None),
    ]
    assert rows(store, "SELECT staff, at, kind, points, note, recorded_by FROM deductions") == [
        ("E1", "2026-10-04 08:00:00", "backfill", None, "opened after the visit", "import"),
        ("R1", "2026-10-05 08:00:00", "branch_rule", 3.0, "late report", "import"),
    ]


def test_rows_without_a_code_are_appended_by_each_new_file(store, tmp_path):
    with_staff(store, tmp_path)
    load(store, tmp_path, actions="staff,at,action\nR1,2026-10-01 09:00,intake\n")

    # Another day's file holding an identical row (a dealer callback batch, say) adds it.
    load(store, tmp_path, actions="staff,at,action\nR1,2026-10-01 09:00,intake\n\n")

    assert rows(store, "SELECT count(*) FROM actions") == [(2,)]


def test_attendance_is_one_record_per_person_and_month(store, tmp_path):
    with_staff(store, tmp_path)
    load(store, tmp_path, attendance="staff,month,days\nR1,2026-10,22\nE1,2026-10,20\n")

    report = load(store, tmp_path, attendance="staff,month,days\nR1,2026-10,21\nR1,2026-11,3\n")

    assert report.counts == {"attendance": {"added": 1, "updated": 1, "unchanged": 0}}
    assert rows(store, "SELECT staff, month, days FROM attendance ORDER BY staff, month") == [
        ("E1", "2026-10", 20),
        ("R1", "2026-10", 21),
        ("R1", "2026-11", 3),
    ]


def test_days_absent_are_kept_and_a_file_without_them_leaves_them(store, tmp_path):
    """cs-levels scores attendance by days absent; a days-only file must not wipe them."""
    with_staff(store, tmp_path)
    load(store, tmp_path, attendance="staff,month,days,absent\nR1,2026-10,20,2\nE1,2026-10,22,\n")

    load(store, tmp_path, attendance="staff,month,days\nR1,2026-10,21\n")

    assert rows(store, "SELECT staff, days, absent FROM attendance ORDER BY staff") == [
        ("E1", 22, None),
        ("R1", 21, 2),
    ]


def test_staff_are_loaded_before_the_rows_that_name_them_whatever_the_order(store, tmp_path):
    tickets = write(tmp_path, "tickets.csv", TICKETS)
    actions = write(
        tmp_path, "actions.csv", "staff,at,action,ticket\nR1,2026-10-01 09:00,intake,T1\n"
    )
    staff = write(tmp_path, "staff.csv", STAFF)

    report = import_files(store, [actions, tickets, staff], now=NOW)

    assert list(report.counts) == ["actions", "tickets", "staff"]  # as given
    assert rows(store, "SELECT count(*) FROM tickets") == [(6,)]
    assert rows(store, "SELECT staff, ticket FROM actions") == [("R1", "T1")]


def test_a_ticket_imported_again_is_updated_field_by_field(store, tmp_path):
    with_staff(store, tmp_path)
    load(
        store,
        tmp_path,
        tickets="code,branch,kind,received_at,rep,customer,fault\n"
        "T1,GZ,onsite_repair,2026-10-01 09:00,R1,Ms Wu,noisy\n",
    )
    later = datetime(2026, 11, 6, 14, 0, 0)

    report = import_files(
        store,
        [
            write(
                tmp_path,
                "update.csv",
                "code,branch,kind,received_at,engineer,completed_at,fault\n"
                "T1,GZ,onsite_repair,2026-10-01 09:00,E1,2026-10-03 12:00,\n",
            )
        ],
        now=later,
    )

    assert report.counts == {"tickets": {"added": 0, "updated": 1, "unchanged": 0}}
    assert rows(
        store,
        "SELECT status, engineer, rep, customer, fault, version, updated_at FROM tickets",
    ) == [("completed", "E1", "R1", "Ms Wu", None, 2, "2026-11-06 14:00:00")]
    assert rows(store, "SELECT at, by, step, field, old, new FROM ticket_history ORDER BY id") == [
        (NOW_TEXT, "import", "import", None, None, None),
        ("2026-11-06 14:00:00", "import", "import", "engineer", None, "E1"),
        ("2026-11-06 14:00:00", "import", "import", "completed_at", None, "2026-10-03 12:00:00"),
        ("2026-11-06 14:00:00", "import", "import", "fault", "noisy", None),
        ("2026-11-06 14:00:00", "import", "import", "status", "received", "completed"),
    ]


def test_a_ticket_imported_again_unchanged_keeps_its_version(store, tmp_path):
    with_staff(store, tmp_path)
    load(store, tmp_path, tickets=TICKETS)
    before = dump(store)

    report = load(store, tmp_path, tickets=TICKETS)

    assert report.counts == {"tickets": {"added": 0, "updated": 0, "unchanged": 6}}
    assert dump(store) == before


def test_a_staff_update_keeps_the_columns_the_file_leaves_out(store, tmp_path):
    with_staff(store, tmp_path)

    report = load(
        store, tmp_path, staff="code,name,role,branch\nR1,王芳芳,rep,GZ\nR9,周敏,rep,FS\n"
    )

    assert report.counts == {"staff": {"added": 1, "updated": 1, "unchanged": 0}}
    assert rows(store, "SELECT name, branch, login FROM staff WHERE code = 'R1'") == [
        ("王芳芳", "GZ", "wangfang")
    ]
    assert rows(store, "SELECT code FROM branches ORDER BY code") == [("FS",), ("GZ",), ("SZ",)]


@pytest.mark.parametrize(
    "typed", ["１３８００１３８０００", "138 0013 8000"], ids=["full-width", "spaces"]
)
def test_an_imported_phone_is_kept_as_the_form_keeps_it_and_found_by_its_digits(
    store, tmp_path, typed
):
    """A phone typed with a Chinese input method or in groups, in a file as in the form."""
    with_staff(store, tmp_path)

    load(
        store,
        tmp_path,
        tickets="code,branch,kind,received_at,rep,phone\n"
        f"T1,GZ,onsite_repair,2026-10-01 09:00,R1,{typed}\n",
    )

    assert rows(store, "SELECT phone FROM tickets") == [("13800138000",)]
    rep = staff_by_code(store, "R1")
    for search in ("13800138000", "1380013", "8000"):  # the whole phone, its start, its tail
        found = queue_page(store, rep, QueueFilter(text=search), now=NOW)
        assert [row.code for row in found] == ["T1"], search
    assert [row.code for row in caller_tickets(store, rep, "13800138000", NOW)] == ["T1"]


@pytest.mark.parametrize("bom", [True, False], ids=["bom", "no-bom"])
@pytest.mark.parametrize("newline", ["\n", "\r\n"], ids=["lf", "crlf"])
def test_utf8_with_or_without_bom(store, tmp_path, bom, newline):
    path = write(tmp_path, "people.csv", STAFF.replace("\n", newline), bom=bom)

    import_files(store, [path], now=NOW)

    assert rows(store, "SELECT code, name FROM staff WHERE role = 'engineer' ORDER BY code") == [
        ("E1", "张伟"),
        ("E2", "刘强"),
    ]


def test_dates_with_slashes_or_a_t_are_stored_in_one_form(store, tmp_path):
    load(
        store,
        tmp_path,
        staff="code,name,role,branch,hired_on\nR1,王芳,rep,GZ,2026/3/1\n",
        tickets="code,branch,kind,received_at,dispatched_at,visited_at\n"
        "T1,GZ,onsite_repair,2026/10/01 9:05,2026-10-01T09:05:30,2026/10/2 14:00\n",
    )

    assert rows(store, "SELECT hired_on FROM staff") == [("2026-03-01",)]
    assert rows(store, "SELECT received_at, dispatched_at, visited_at FROM tickets") == [
        ("2026-10-01 09:05:00", "2026-10-01 09:05:30", "2026-10-02 14:00:00")
    ]


def test_cells_that_look_like_formulas_are_stored_as_text(store, tmp_path):
    with_staff(store, tmp_path)

    load(
        store,
        tmp_path,
        tickets="code,branch,kind,received_at,customer,address,product,fault\n"
        'T1,GZ,onsite_repair,2026-10-01 09:00,"=HYPERLINK(""x"")",-3 floor,@pump,+86 line\n',
    )

    assert rows(store, "SELECT customer, address, product, fault FROM tickets") == [
        ('=HYPERLINK("x")', "-3 floor", "@pump", "+86 line")
    ]


def test_a_header_only_file_imports_nothing(store, tmp_path):
    report = load(store, tmp_path, staff="code,name,role,branch\n")

    assert report.counts == {"staff": {"added": 0, "updated": 0, "unchanged": 0}}
    assert rows(store, "SELECT count(*) FROM staff") == [(0,)]


def test_a_day_with_no_actions_is_imported_every_night_as_nothing(store, tmp_path, capsys):
    """A nightly export of a day with no actions is its header alone, the same bytes every
    such day: it has no rows that could count twice, so the second such day is not refused."""
    store.close()
    header = "staff,at,action,ticket\n"
    for day in ("2026-10-03", "2026-10-04", "2026-10-05"):
        path = write(tmp_path, f"actions-{day}.csv", header)
        assert cli.main(["import", "--lang", "en", "--db", str(store.path), str(path)]) == 0
        assert capsys.readouterr().out == "actions: 0 added, 0 updated\n"


def test_files_with_no_rows_are_never_the_same_file_twice(store, tmp_path):
    """Neither given twice in one call nor once more later, with blank lines or none."""
    header = "staff,at,action\n"
    paths = [write(tmp_path, f"{n}.csv", text) for n, text in enumerate([header, header + "\n"])]
    paths += [
        write(tmp_path, "again.csv", header),
        write(tmp_path, "blank-again.csv", header + "\n"),
    ]

    for files in (paths, paths[:1], paths[1:2]):
        report = import_files(store, files, now=NOW)
        assert report.counts == {"actions": {"added": 0, "updated": 0, "unchanged": 0}}


def test_progress_is_told_batch_by_batch_and_at_the_end(store, tmp_path, monkeypatch):
    monkeypatch.setattr(storage.importer, "BATCH", 2)
    calls = []

    import_files(store, [write(tmp_path, "staff.csv", STAFF)], progress=lambda *a: calls.append(a))

    assert calls == [(2, 5), (4, 5), (5, 5), (5, 5, "checking"), (5, 5, "writing"), (5, 5)]


def test_tables_and_files_give_the_same_database(store, tmp_path):
    load(store, tmp_path, staff=STAFF, tickets=TICKETS)
    other = open_store(tmp_path / "tables.db")
    try:
        tables = {}
        for kind, text in (("staff", STAFF), ("tickets", TICKETS)):
            header, *lines = text.splitlines()
            tables[kind] = [
                dict(zip(header.split(","), line.split(","), strict=True)) for line in lines
            ]

        import_tables(other, tables, now=NOW)

        assert dump(other) == dump(store)
    finally:
        other.close()


@pytest.mark.parametrize(
    ("header", "kind"),
    [
        (["code", "name", "role", "branch"], "staff"),
        (["code", "branch", "kind", "received_at"], "tickets"),
        (["staff", "at", "action"], "actions"),
        (["staff", "month", "days"], "attendance"),
        (["rep", "engineer", "at"], "problems"),
        (["staff", "at", "kind", "points"], "deductions"),
        (["Code", " Name ", "role", "branch", "phone"], "staff"),  # a stray column still tells
        (["staff", "at"], None),  # actions or deductions?
        (["colour", "size"], None),
    ],
)
def test_detect_kind_reads_the_header(header, kind):
    assert detect_kind(header) == kind


def test_empty_columns_that_excel_adds_are_ignored(store, tmp_path):
    load(store, tmp_path, staff="code,name,role,branch,,\nR1,王芳,rep,GZ,,\n")

    assert rows(store, "SELECT code, name, role, branch FROM staff") == [
        ("R1", "王芳", "rep", "GZ")
    ]


def test_a_file_of_actions_imported_twice_is_refused_unless_asked(store, tmp_path):
    """Actions have no code: loading the same file again would double the rep's workload."""
    seed = tmp_path / "staff.csv"
    seed.write_text("code,name,role,branch\nR1,张伟,rep,GZ\n", encoding="utf-8")
    actions = tmp_path / "actions-2026-10.csv"
    actions.write_text(
        "staff,at,action\nR1,2026-10-01 09:00,intake\nR1,2026-10-01 10:00,dispatch\n",
        encoding="utf-8",
    )
    import_files(store, [seed, actions], now=datetime(2026, 11, 1, 9, 0))
    staff_again = import_files(store, [seed])  # codes: loading staff again changes nothing
    assert staff_again.counts["staff"]["unchanged"] == 1

    with pytest.raises(ImportRejected) as caught:
        import_files(store, [actions])
    assert [str(bad) for bad in caught.value.bad_rows] == [
        f"{actions}:1: this file was already imported on 2026-11-01 09:00:00 "
        f"(as {actions}); its rows would count twice. Import it again with --again "
        "only if that is what you mean"
    ]
    assert store.scalar("SELECT count(*) FROM actions") == 2

    import_files(store, [actions], again=True)
    assert store.scalar("SELECT count(*) FROM actions") == 4
