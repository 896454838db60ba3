"""The bad input of interfaces.md's revised list, and the staff screen's rules, through the command.

Each is refused by ``fieldkpi import`` with its ``FILE:LINE: column: reason``,
exit status 2, and the database exactly as it was.
"""

from __future__ import annotations

import pytest
from import_helpers import STAFF, dump, load, rows, write
from rich.cells import cell_len

from fieldkpi import cli
from fieldkpi.linebreaks import CLOSING
from storage.db import open_store

TICKET = "code,branch,kind,received_at,{columns}\nT1,GZ,onsite_repair,2026-10-05 09:00,{cells}\n"


@pytest.fixture
def db(tmp_path, monkeypatch):
    """A branch database with the staff of ``import_helpers.STAFF``; the tests run in tmp_path."""
    monkeypatch.chdir(tmp_path)
    path = tmp_path / "branch.db"
    store = open_store(path)
    load(store, tmp_path, staff=STAFF)
    store.close()
    return path


def state(db) -> tuple:
    store = open_store(db)
    try:
        return dump(store), rows(store, "SELECT * FROM imported_files")
    finally:
        store.close()


def refused(db, capsys, *files: str, options: tuple[str, ...] = ()) -> list[str]:
    """Import ``files`` (``name.csv=text``) with the command; its report, checked as refused."""
    paths = []
    for given in files:
        name, text = given.split("=", 1)
        write(db.parent, name, text)
        paths.append(name)  # as a person types it, in the folder of the files
    before = state(db)
    capsys.readouterr()
    status = cli.main(["import", "--lang", "en", "--db", str(db), *options, *paths])
    err = capsys.readouterr().err.splitlines()
    assert status == 2, err
    assert state(db) == before
    bad = len({line.split(": ", 1)[0] for line in err[:-1]})  # rows, each FILE:LINE once
    assert err[-1] == f"{bad} bad {'row' if bad == 1 else 'rows'}: nothing was imported"
    return err[:-1]


def imported(db, capsys, *files: str, options: tuple[str, ...] = ()) -> None:
    paths = [str(write(db.parent, *given.split("=", 1))) for given in files]
    assert cli.main(["import", "--lang", "en", "--db", str(db), *options, *paths]) == 0, (
        capsys.readouterr().err
    )


def ticket(columns: str, cells: str) -> str:
    return "t.csv=" + TICKET.format(columns=columns, cells=cells)


# -- issue 10: times and callbacks ----------------------------------------------------------


def test_a_rating_without_a_callback_time(db, capsys):
    assert refused(
        db, capsys, ticket("completed_at,callback_at,rating", "2026-10-06 10:00,,5")
    ) == ["t.csv:2: rating: a rating needs its callback_at"]


def test_a_callback_on_a_ticket_not_completed(db, capsys):
    assert refused(db, capsys, ticket("completed_at,callback_at", ",2026-10-07 10:00")) == [
        "t.csv:2: callback_at: a callback needs the ticket completed (completed_at)"
    ]


def test_a_callback_before_the_completion(db, capsys):
    assert refused(
        db, capsys, ticket("completed_at,callback_at", "2026-10-07 10:00,2026-10-06 18:00")
    ) == ["t.csv:2: callback_at: 2026-10-06 18:00:00 is before completed_at 2026-10-07 10:00:00"]


@pytest.mark.parametrize(
    "step", ["dispatched_at", "visited_at", "completed_at", "cancelled_at", "callback_at"]
)
def test_any_step_before_the_ticket_was_received(db, capsys, step):
    cells = {"completed_at": "2026-10-04 08:00"} if step == "callback_at" else {}
    cells[step] = "2026-10-04 08:00"
    lines = refused(db, capsys, ticket(",".join(cells), ",".join(cells.values())))
    assert f"t.csv:2: {step}: 2026-10-04 08:00:00 is before received_at 2026-10-05 09:00:00" in (
        lines
    )


def test_not_cancelled_with_a_cancellation_time_is_a_contradiction(db, capsys):
    assert refused(db, capsys, ticket("cancelled,cancelled_at", "0,2026-10-06 08:00")) == [
        "t.csv:2: cancelled: 0, but cancelled_at says it was cancelled on 2026-10-06 08:00:00: "
        "give 1, or leave it empty"
    ]


def test_a_cancellation_time_cancels_from_then_and_cancelled_alone_from_receipt(db, capsys):
    imported(
        db,
        capsys,
        "t.csv=code,branch,kind,received_at,cancelled,cancelled_at\n"
        "T1,GZ,onsite_repair,2026-10-05 09:00,,2026-10-06 08:00\n"
        "T2,GZ,onsite_repair,2026-10-05 09:00,1,2026-10-07 08:00\n"
        "T3,GZ,onsite_repair,2026-10-05 09:00,1,\n"
        "T4,GZ,onsite_repair,2026-10-05 09:00,0,\n",
    )
    store = open_store(db)
    try:
        assert rows(store, "SELECT code, status, cancelled, cancelled_at FROM tickets") == [
            ("T1", "cancelled", 1, "2026-10-06 08:00:00"),
            ("T2", "cancelled", 1, "2026-10-07 08:00:00"),
            ("T3", "cancelled", 1, "2026-10-05 09:00:00"),
            ("T4", "received", 0, None),
        ]
    finally:
        store.close()


def test_points_on_a_deduction_kind_whose_points_are_fixed(db, capsys):
    assert refused(db, capsys, "d.csv=staff,at,kind,points\nR1,2026-10-04 08:00,backfill,2\n") == [
        "d.csv:2: points: backfill has the points the scheme sets for it: leave points empty"
    ]


def test_one_bad_header_does_not_hide_the_other_files_problems(db, capsys):
    """Issue 10: an unknown engineer was reported only once the other file was fixed."""
    assert refused(
        db,
        capsys,
        "staff2.csv=code,name,role,branch,colour\nE3,周杰,engineer,GZ,red\n",
        ticket("engineer", "E9"),
    ) == [
        "staff2.csv:1: unknown columns for staff: “colour” (the columns of staff are: "
        "code, name, role, branch, hired_on, left_on, login)",
        "t.csv:2: engineer: unknown staff code “E9” (staff2.csv could not be read)",
    ]


# -- issue 11: text that is data, in limits; the staff screen's rules -----------------------


def test_free_text_longer_than_a_person_would_write(db, capsys):
    assert refused(db, capsys, ticket("address", "长" * 201)) == [
        "t.csv:2: address: longer than 200 characters (201 given)"
    ]


@pytest.mark.parametrize(
    ("cells", "line"),
    [
        (
            "T\u202e1,E1",
            "t.csv:2: code: “T\\u202e1” holds an invisible or direction-changing character "
            "(U+202E)",
        ),
        (
            "T1,\u200bE1",
            "t.csv:2: engineer: “\\u200bE1” holds an invisible or direction-changing character "
            "(U+200B)",
        ),
    ],
    ids=["rtl-override-in-a-ticket-code", "zero-width-space-in-a-staff-code"],
)
def test_codes_with_invisible_or_direction_changing_characters(db, capsys, cells, line):
    code, engineer = cells.split(",")
    text = f"code,branch,kind,received_at,engineer\n{code},GZ,onsite_repair,2026-10-05 09:00,{engineer}\n"
    assert refused(db, capsys, f"t.csv={text}") == [line]


def test_a_staff_name_with_a_zero_width_character_but_a_note_keeps_an_emoji(db, capsys):
    assert refused(db, capsys, "s.csv=code,name,role,branch\nR3,王\u200b芳,rep,GZ\n") == [
        "s.csv:2: name: “王\\u200b芳” holds an invisible or direction-changing character (U+200B)"
    ]
    imported(db, capsys, "p.csv=rep,engineer,at,note\nR1,E1,2026-10-02 09:00,修好了👩\u200d🔧\n")
    store = open_store(db)
    try:
        assert rows(store, "SELECT note FROM problems") == [("修好了👩\u200d🔧",)]
    finally:
        store.close()


@pytest.mark.parametrize(
    ("cells", "line"),
    [
        ("R 3,赵敏,rep,GZ,", "s.csv:2: code: “R 3” is not a code: 1 to 20 letters, digits, - or _"),
        (
            "R3,赵敏,rep,GZ,zhao min",
            "s.csv:2: login: “zhao min” is not a login: the account name, letters, digits, "
            ". _ - (up to 32)",
        ),
        (f"R3,{'赵' * 41},rep,GZ,", "s.csv:2: name: longer than 40 characters (41 given)"),
        (
            "R3,赵敏,rep,G[/]Z,",
            "s.csv:2: branch: “G[/]Z” is not a code: 1 to 20 letters, digits, - or _",
        ),
    ],
    ids=["code", "login", "name", "branch"],
)
def test_the_staff_file_is_checked_like_the_staff_screen(db, capsys, cells, line):
    assert refused(db, capsys, f"s.csv=code,name,role,branch,login\n{cells}\n") == [line]


# -- a person's role and branch never change (storage/staff.py) ------------------------------

STAFF_HEADER = "s.csv=code,name,role,branch\n"
MOVES = "someone who moves branch leaves (left_on) and is added again under a new code"


def stored(db, sql: str) -> list[tuple]:
    store = open_store(db)
    try:
        return rows(store, sql)
    finally:
        store.close()


def ranking(db, capsys) -> str:
    capsys.readouterr()
    rank = ["rank", "--lang", "en", "--db", str(db), "--month", "2026-10", "--format", "csv"]
    assert cli.main(rank) == 0
    return capsys.readouterr().out


def ranked_with_e1_in_gz(db, capsys) -> str:
    """T1, completed by E1 of GZ in October, imported: the month's ranking then (CSV)."""
    imported(
        db,
        capsys,
        "t.csv=code,branch,kind,received_at,engineer,completed_at\n"
        "T1,GZ,onsite_repair,2026-10-05 09:00,E1,2026-10-06 09:00\n",
    )
    return ranking(db, capsys)


def test_a_staff_file_moving_someone_to_another_branch_is_refused(db, capsys):
    """A tester's file moved E1 from GZ to SZ: GZ's unclosed October lost them and SZ's gained
    someone who never worked there. The row is refused; GZ still ranks E1 as before."""
    before = ranked_with_e1_in_gz(db, capsys)
    assert ",GZ,engineer,1,E1," in before
    assert refused(db, capsys, STAFF_HEADER + "R2,李娜,rep,GZ\nE1,张伟,engineer,SZ\n") == [
        f"s.csv:3: branch: E1 is in GZ, not SZ: {MOVES}"
    ]
    assert stored(db, "SELECT branch FROM staff WHERE code = 'E1'") == [("GZ",)]
    assert ranking(db, capsys) == before


@pytest.mark.parametrize("options", [(), ("--force",)])
def test_a_role_change_is_refused_even_forced(db, capsys, options):
    """Issue 11: the staff import silently turned a rep into an admin; --force, too, would
    take R1 out of the reps' rankings of months already worked."""
    assert refused(db, capsys, STAFF_HEADER + "R1,王芳,admin,GZ\n", options=options) == [
        "s.csv:2: role: R1 is a rep, not an admin: someone who changes role leaves (left_on)"
        " and is added again under a new code"
    ]


def test_a_branch_code_in_another_letter_case_is_refused(db, capsys):
    """``gz`` would make a new nameless branch (and move E1 there); ``hz`` after ``HZ`` of the
    same file would make two."""
    assert refused(
        db, capsys, STAFF_HEADER + "E1,张伟,engineer,gz\nR3,赵敏,rep,HZ\nR4,孙丽,rep,hz\n"
    ) == [
        "s.csv:2: branch: gz: the branch is GZ (codes are case-sensitive)",
        "s.csv:4: branch: hz: the branch is HZ (codes are case-sensitive)",
    ]


def test_a_new_branch_is_made_and_other_changes_of_a_person_are_taken(db, capsys):
    imported(
        db,
        capsys,
        "s.csv=code,name,role,branch,left_on,login\n"
        "R3,赵敏,rep,HZ,,\nE1,张伟强,engineer,GZ,2026-12-31,zw\n",
    )
    assert stored(db, "SELECT code, name FROM branches WHERE code = 'HZ'") == [("HZ", None)]
    assert stored(
        db,
        "SELECT code, name, role, branch, left_on, login FROM staff WHERE code IN ('R3', 'E1')"
        " ORDER BY code",
    ) == [
        ("E1", "张伟强", "engineer", "GZ", "2026-12-31", "zw"),
        ("R3", "赵敏", "rep", "HZ", None, None),
    ]


def test_a_move_is_refused_in_chinese(db, capsys):
    path = write(db.parent, "s.csv", "code,name,role,branch\nE1,张伟,engineer,SZ\n")
    capsys.readouterr()
    assert cli.main(["import", "--lang", "zh", "--db", str(db), str(path)]) == 2
    err = capsys.readouterr().err
    assert "branch: E1 属于 GZ，不是 SZ：调动分公司的人先离职（left_on），再以新工号重新添加" in err


# -- a ticket's branch never changes either ----------------------------------------------------

TICKETS_HEADER = "t.csv=code,branch,kind,received_at,customer\n"
STAYS = "a ticket stays in the branch that took it in, whose appraisal counts it"


@pytest.mark.parametrize("options", [(), ("--force",)])
def test_a_ticket_file_moving_a_ticket_to_another_branch_is_refused(db, capsys, options):
    """A ticket row of an existing code in another branch moved its figures from GZ's
    appraisal to SZ's; the row is refused, forced or not, and GZ still ranks E1 as before."""
    before = ranked_with_e1_in_gz(db, capsys)
    assert refused(
        db,
        capsys,
        TICKETS_HEADER + "T2,SZ,onsite_repair,2026-10-07 09:00,\n"
        "T1,SZ,onsite_repair,2026-10-05 09:00,Ms Wu\n",
        options=options,
    ) == [f"t.csv:3: branch: T1 is a ticket of GZ, not SZ: {STAYS}"]
    assert ranking(db, capsys) == before


def test_a_ticket_row_of_its_own_branch_still_updates_it(db, capsys):
    imported(db, capsys, TICKETS_HEADER + "T1,GZ,onsite_repair,2026-10-05 09:00,\n")
    imported(db, capsys, TICKETS_HEADER + "T1,GZ,onsite_repair,2026-10-05 09:00,Ms Wu\n")
    assert stored(db, "SELECT code, branch, customer FROM tickets") == [("T1", "GZ", "Ms Wu")]


def test_a_ticket_move_is_refused_in_chinese(db, capsys):
    imported(db, capsys, TICKETS_HEADER + "T1,GZ,onsite_repair,2026-10-05 09:00,\n")
    path = write(
        db.parent, "t.csv", "code,branch,kind,received_at\nT1,SZ,onsite_repair,2026-10-05 09:00\n"
    )
    capsys.readouterr()
    assert cli.main(["import", "--lang", "zh", "--db", str(db), str(path)]) == 2
    err = capsys.readouterr().err
    assert (
        "t.csv:2: branch: T1 是 GZ 的工单，不是 SZ 的：工单始终属于受理它的分公司，计入该分公司的考核"
        in err
    )


def test_import_help_lists_every_kind_with_its_columns_in_chinese(capsys):
    with pytest.raises(SystemExit):
        cli.main(["import", "--lang", "zh", "--help"])
    text = capsys.readouterr().out
    assert "文件种类及其列（* 为必填" in text
    assert "  attendance  staff* (工号), month* (YYYY-MM), days* (0–31), absent (0–31)\n" in text
    for name in ("staff", "tickets", "actions", "attendance", "problems", "scores", "deductions"):
        assert f"\n  {name} " in text
    columns = text.split("文件种类")[1].splitlines()
    assert max(cell_len(line) for line in columns) <= 79
    # wrapped by the screens' rule: "(工号)" and "文件:行号" are never broken before ")" or ":"
    lines = [line.strip() for line in text.splitlines() if line.strip()]
    assert [line for line in lines if line[0] in CLOSING | {")", ":"}] == []


def test_import_help_in_english_marks_the_required_columns(capsys):
    with pytest.raises(SystemExit):
        cli.main(["import", "--lang", "en", "--help"])
    text = " ".join(capsys.readouterr().out.split())
    assert "Kinds of file and their columns (* required" in text
    assert "attendance staff* (staff code), month* (YYYY-MM), days* (0–31)" in text
    assert "cancelled (0–1), cancelled_at (time)" in text


def test_staff_and_rows_naming_them_may_come_in_one_import(tmp_path, capsys, monkeypatch):
    """The order of the files does not matter (interfaces.md), whatever checks run."""
    monkeypatch.chdir(tmp_path)
    paths = [
        str(write(tmp_path, "t.csv", TICKET.format(columns="engineer,rep", cells="E1,R1"))),
        str(write(tmp_path, "s.csv", STAFF)),
    ]
    assert cli.main(["import", "--lang", "en", "--db", "b.db", *paths]) == 0
    assert "tickets: 1 added, 0 updated" in capsys.readouterr().out
