"""Importing bad CSV files: every bad row is named as FILE:LINE: column: reason, and the
database is left exactly as it was (``rejected`` compares a dump before and after)."""

from __future__ import annotations

from pathlib import Path

import pytest
from import_helpers import STAFF, dump, load, rejected, rows, with_staff, write

from fieldkpi import cli
from storage import import_bad
from storage.csvrows import KINDS, Timestamp
from storage.importer import ImportRejected, import_tables

HERE = Path()  # the tests run in their tmp_path, so that messages name files as people do
TICKET_HEAD = "code,branch,kind,received_at,completed_at,engineer,rep,rating\n"


@pytest.fixture(autouse=True)
def in_tmp_path(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)


@pytest.fixture
def staffed(store, tmp_path):
    """A database with the staff of ``import_helpers.STAFF`` and one ticket, T0."""
    with_staff(store, tmp_path)
    load(
        store,
        tmp_path,
        tickets="code,branch,kind,received_at\nT0,GZ,onsite_repair,2026-09-01 09:00\n",
    )
    return store


def tickets(HERE, *lines: str):
    return [write(HERE, "t.csv", TICKET_HEAD + "".join(line + "\n" for line in lines))]


def test_missing_required_cell(staffed):
    assert rejected(staffed, tickets(HERE, "T1,GZ,,2026-10-01 09:00,,E1,R1,")) == [
        "t.csv:2: kind: required"
    ]


def test_unknown_staff_code(staffed):
    assert rejected(staffed, tickets(HERE, "T1,GZ,onsite_repair,2026-10-01 09:00,,E1,R9,")) == [
        "t.csv:2: rep: unknown staff code “R9”"
    ]


def test_a_code_in_other_letter_case_names_the_known_one(staffed):
    """Codes are case-sensitive: "gz" is no branch, but the person typed GZ, and is told so."""
    assert rejected(staffed, tickets(HERE, "T1,gz,onsite_repair,2026-10-01 09:00,,e1,R1,")) == [
        "t.csv:2: branch: unknown branch “gz”: did you mean GZ? (codes are case-sensitive)",
        "t.csv:2: engineer: unknown staff code “e1”: did you mean E1? (codes are case-sensitive)",
    ]


def test_date_that_does_not_parse(staffed):
    assert rejected(staffed, tickets(HERE, "T1,GZ,onsite_repair,1/10/2026 9:00,,E1,R1,")) == [
        "t.csv:2: received_at: “1/10/2026 9:00” is not a date and time (YYYY-MM-DD HH:MM:SS)"
    ]


def test_date_that_does_not_exist(staffed):
    assert rejected(staffed, tickets(HERE, "T1,GZ,onsite_repair,2026-02-30 10:00,,E1,R1,")) == [
        "t.csv:2: received_at: no such date and time: “2026-02-30 10:00”"
    ]


def test_a_time_given_as_a_date_alone_is_refused_in_every_time_column(staffed):
    """A date alone is no time: read as midnight, a deduction or a step would count at a
    moment nobody gave. Every column that holds a time says so, in every kind of file."""
    files = {
        "t.csv": "code,branch,kind,received_at,dispatched_at,visited_at,completed_at,callback_at\n"
        "T1,GZ,onsite_repair,2026-10-01,2026-10-01,2026/10/1,2026-10-02,2026-10-03\n",
        "c.csv": "code,branch,kind,received_at,cancelled_at\nT2,GZ,onsite_repair,"
        "2026-10-01 09:00,2026-10-01\n",
        "a.csv": "staff,at,action\nR1,2026-10-01,intake\n",
        "p.csv": "rep,engineer,at\nR1,E1,2026-10-01\n",
        "d.csv": "staff,at,kind,note\nR1,2026-10-10,violation,date only\n",
    }
    told = rejected(staffed, [write(HERE, name, text) for name, text in files.items()])
    assert told == [
        "t.csv:2: received_at: “2026-10-01” has no time; write 2026-10-01 HH:MM",
        "t.csv:2: dispatched_at: “2026-10-01” has no time; write 2026-10-01 HH:MM",
        "t.csv:2: visited_at: “2026/10/1” has no time; write 2026/10/1 HH:MM",
        "t.csv:2: completed_at: “2026-10-02” has no time; write 2026-10-02 HH:MM",
        "t.csv:2: callback_at: “2026-10-03” has no time; write 2026-10-03 HH:MM",
        "c.csv:2: cancelled_at: “2026-10-01” has no time; write 2026-10-01 HH:MM",
        "a.csv:2: at: “2026-10-01” has no time; write 2026-10-01 HH:MM",
        "p.csv:2: at: “2026-10-01” has no time; write 2026-10-01 HH:MM",
        "d.csv:2: at: “2026-10-10” has no time; write 2026-10-10 HH:MM",
    ]
    time_columns = {
        (kind.name, column.name)
        for kind in KINDS.values()
        for column in kind.columns
        if isinstance(column.read, Timestamp)
    }
    kind_of = {"t": "tickets", "c": "tickets", "a": "actions", "p": "problems", "d": "deductions"}
    told_columns = {(kind_of[line[0]], line.split(": ")[1]) for line in told}
    assert told_columns == time_columns  # a time column added later is to be added here


def test_a_cell_that_cannot_be_read_is_told_once_not_again_as_missing(staffed):
    """The rating needs a callback_at, the callback a completed_at: when the one given cannot
    be read, that is the mistake, told once; "needs its callback_at" would send the person
    looking for an empty cell."""
    head = "code,branch,kind,received_at,completed_at,callback_at,rating\n"
    path = write(
        HERE,
        "t.csv",
        head + "T1,GZ,onsite_repair,2026-10-01 09:00,2026-10-02 09:00,2026-10-03 25:00,5\n"
        "T2,GZ,onsite_repair,2026-10-01 09:00,2026-10-02,2026-10-03 09:00,\n",
    )
    assert rejected(staffed, [path]) == [
        "t.csv:2: callback_at: no such date and time: “2026-10-03 25:00”",
        "t.csv:3: completed_at: “2026-10-02” has no time; write 2026-10-02 HH:MM",
    ]


def test_completed_before_received(staffed):
    lines = tickets(HERE, "T1,GZ,onsite_repair,2026-10-01 09:00,2026-09-30 18:00,E1,R1,")
    assert rejected(staffed, lines) == [
        "t.csv:2: completed_at: 2026-09-30 18:00:00 is before received_at 2026-10-01 09:00:00"
    ]


def test_left_before_the_hired_on_already_in_the_database(staffed):
    load(staffed, HERE, staff="code,name,role,branch,hired_on\nR3,赵敏,rep,GZ,2026-05-01\n")
    update = write(HERE, "u.csv", "code,name,role,branch,left_on\nR3,赵敏,rep,GZ,2026-04-30\n")
    assert rejected(staffed, [update]) == [
        "u.csv:2: left_on: 2026-04-30 is before hired_on 2026-05-01"
    ]


@pytest.mark.parametrize("rating", ["0", "6"])
def test_rating_outside_one_to_five(staffed, rating):
    line = f"T1,GZ,onsite_repair,2026-10-01 09:00,2026-10-02 09:00,E1,R1,{rating}"
    assert rejected(staffed, tickets(HERE, line)) == [f"t.csv:2: rating: {rating} is outside 1–5"]


def test_staff_of_the_wrong_role(staffed):
    assert rejected(staffed, tickets(HERE, "T1,GZ,onsite_repair,2026-10-01 09:00,,L1,E1,")) == [
        "t.csv:2: engineer: L1 is a lead, not an engineer",
        "t.csv:2: rep: E1 is an engineer, not a rep",
    ]


def test_problem_filed_by_an_engineer(staffed):
    path = write(HERE, "p.csv", "rep,engineer,at\nE2,E1,2026-10-02 10:00\n")
    assert rejected(staffed, [path]) == ["p.csv:2: rep: E2 is an engineer, not a rep"]


@pytest.mark.parametrize("days", ["32", "-1"])
def test_days_outside_zero_to_31(staffed, days):
    path = write(HERE, "a.csv", f"staff,month,days\nR1,2026-10,{days}\n")
    assert rejected(staffed, [path]) == [f"a.csv:2: days: {days} is outside 0–31"]


def test_numbers_that_are_not_numbers(staffed):
    path = write(
        HERE,
        "a.csv",
        "staff,month,days\nR1,2026-13,=20\nR2,2026-10,20.5\n",
    )
    assert rejected(staffed, [path]) == [
        "a.csv:2: month: “2026-13” is not a month (YYYY-MM)",
        "a.csv:2: days: “=20” is not a whole number",
        "a.csv:3: days: “20.5” is not a whole number",
    ]


@pytest.mark.parametrize("phone", ["-----", "1234", "138-0013-800x"])
def test_a_phone_the_new_ticket_form_would_refuse(staffed, phone):
    text = (
        "code,branch,kind,received_at,phone\n"
        "T1,GZ,onsite_repair,2026-10-01 09:00,13800138000\n"
        f"T2,GZ,onsite_repair,2026-10-01 09:00,{phone}\n"
    )
    assert rejected(staffed, [write(HERE, "t.csv", text)]) == [
        f"t.csv:3: phone: “{phone}” is not a phone number: 5 to 20 characters: digits, “+” or"
        " “-”, at least 5 digits."
    ]


def test_unknown_column(staffed):
    path = write(HERE, "s.csv", "code,name,role,branch,colour\nR3,赵敏,rep,GZ,red\n")
    assert rejected(staffed, [path]) == [
        "s.csv:1: unknown columns for staff: “colour” "
        "(the columns of staff are: code, name, role, branch, hired_on, left_on, login)"
    ]


def test_missing_required_column(staffed):
    path = write(HERE, "t.csv", "code,branch,received_at\nT1,GZ,2026-10-01 09:00\n")
    assert rejected(staffed, [path]) == ["t.csv:1: missing required columns for tickets: kind"]


def test_column_given_twice(staffed):
    path = write(HERE, "a.csv", "staff,month,days,days\nR1,2026-10,20,21\n")
    assert rejected(staffed, [path]) == ["a.csv:1: columns given more than once: “days”"]


def test_header_of_no_kind(staffed):
    path = write(HERE, "x.csv", "staff,at\nR1,2026-10-01 09:00\n")
    assert rejected(staffed, [path]) == [
        "x.csv:1: cannot tell from the header which kind of file this is "
        "(staff, tickets, actions, attendance, problems, scores, deductions)"
    ]


REQUIRED = (
    "staff: code, name, role, branch; tickets: code, branch, kind, received_at; "
    "actions: staff, at, action; attendance: staff, month, days; problems: rep, engineer, at; "
    "scores: period, staff, metric, value; deductions: staff, at, kind"
)


def test_a_header_in_chinese_is_refused_at_line_1_with_the_columns_it_must_name(staffed):
    """Column names translated (期间, 员工 …) are no columns: the file is refused at its
    header, with the English names, not read as a kind nobody can tell."""
    path = write(HERE, "s.csv", "期间,员工,指标,数值,备注\n2026-10,R1,plan,1,\n")
    assert rejected(staffed, [path]) == [
        "s.csv:1: the first row names no column: the header gives the column names in "
        f"English, as fieldkpi import --help lists them (required: {REQUIRED})"
    ]
    assert rejected(staffed, [path], kind="scores") == [
        "s.csv:1: the first row names none of the columns of scores: the header gives them "
        "in English: period, staff, metric, value, note"
    ]


def test_a_header_in_chinese_is_refused_in_chinese(staffed, zh):
    path = write(HERE, "s.csv", "期间,员工,指标,数值,备注\n2026-10,R1,plan,1,\n")
    assert rejected(staffed, [path], kind="scores") == [
        "s.csv:1: 第一行没有 scores 的任何列名：表头须用英文列名：period, staff, metric, value, note"
    ]


def test_kind_named_by_the_caller_must_fit_the_header(staffed):
    path = write(HERE, "x.csv", "staff,at,kind\nR1,2026-10-01 09:00,backfill\n")
    assert rejected(staffed, [path], kind="actions") == [
        "x.csv:1: unknown columns for actions: “kind” "
        "(the columns of actions are: staff, at, action, ticket)"
    ]


def test_code_given_twice_in_one_file(staffed):
    lines = tickets(
        HERE,
        "T1,GZ,onsite_repair,2026-10-01 09:00,,E1,R1,",
        "T2,GZ,onsite_repair,2026-10-01 09:00,,E1,R1,",
        "T1,GZ,installation,2026-10-01 09:00,,E1,R1,",
    )
    assert rejected(staffed, lines) == ["t.csv:4: code: “T1” is already on line 2"]


def test_code_given_in_two_files(staffed):
    first = write(HERE, "s1.csv", "code,name,role,branch\nR3,赵敏,rep,GZ\n")
    second = write(HERE, "s2.csv", "code,name,role,branch\nE3,周杰,engineer,GZ\nR3,赵敏,lead,GZ\n")
    assert rejected(staffed, [first, second]) == [
        "s2.csv:3: code: “R3” is already in s1.csv line 2"
    ]


def test_attendance_given_twice_for_one_month(staffed):
    path = write(HERE, "a.csv", "staff,month,days\nR1,2026-10,20\nR1,2026/10,21\n")
    assert rejected(staffed, [path]) == ["a.csv:3: month: “R1 2026-10” is already on line 2"]


def test_attendance_given_in_two_files_of_one_call(staffed):
    """All or nothing: one call has no "later" file to replace an earlier one's days
    (a later call does: test_import.test_attendance_is_one_record_per_person_and_month)."""
    first = write(HERE, "a1.csv", "staff,month,days\nR1,2026-10,20\n")
    second = write(HERE, "a2.csv", "staff,month,days\nR1,2026-10,21\n")
    assert rejected(staffed, [first, second]) == [
        "a2.csv:2: month: “R1 2026-10” is already in a1.csv line 2"
    ]


def test_a_row_whose_key_cell_is_bad_is_not_also_a_duplicate(staffed):
    """Its key is unknown until the cell is put right; the bad cell is what to fix.
    A row whose key is good but another cell bad is still a duplicate: fixing that
    cell leaves the row twice in the file."""
    text = "staff,month,days\nR1,2026-10,20\nR1,2026-13,21\nR1,2026-13,22\nR1,2026-10,x\n"
    assert rejected(staffed, [write(HERE, "a.csv", text)]) == [
        "a.csv:3: month: “2026-13” is not a month (YYYY-MM)",
        "a.csv:4: month: “2026-13” is not a month (YYYY-MM)",
        "a.csv:5: days: “x” is not a whole number",
        "a.csv:5: month: “R1 2026-10” is already on line 2",
    ]


def test_file_saved_as_gbk(staffed):
    text = "code,name,role,branch\nR3,Zhao,rep,GZ\nR4,赵敏,rep,GZ\n"
    path = write(HERE, "s.csv", text, encoding="gbk")
    assert rejected(staffed, [path]) == [
        "s.csv:3: the file is not UTF-8: it looks like GBK/GB18030 (the first bad byte is on "
        "this line); save it as UTF-8 (in Excel: Save As “CSV UTF-8”) and import it again"
    ]


def test_file_in_no_known_encoding(staffed):
    path = HERE / "s.csv"
    path.write_bytes(b"code,name,role,branch\nR3,\xff\xfe,rep,GZ\n")
    assert rejected(staffed, [path]) == [
        "s.csv:2: the file is not UTF-8 (the first bad byte is on this line); "
        "save it as UTF-8 (in Excel: Save As “CSV UTF-8”) and import it again"
    ]


def test_empty_file(staffed):
    assert rejected(staffed, [write(HERE, "e.csv", "")]) == ["e.csv:1: empty file, no header"]


def test_file_that_cannot_be_read(staffed):
    assert rejected(staffed, [HERE / "gone.csv"]) == [
        "gone.csv:1: cannot read the file: no such file"
    ]


def test_every_bad_row_of_a_file_is_reported_with_its_line(staffed):
    text = (
        TICKET_HEAD
        + "T1,GZ,onsite_repair,2026-10-01 09:00,,E1,R1,\n"  # line 2: good
        + "T2,GZ,onsite_repair,2026-10-01 09:00,,E1,R1,9\n"  # line 3: rating
        + "\n"  # line 4: blank, skipped
        + 'T3,GZ,onsite_repair,2026-10-01 09:00,,E1,R1,"\n'  # lines 5-6: one quoted cell
        + '"\n'
        + "T4,XX,repair,2026-10-01 09:00,,E9,R1,\n"  # line 7: branch, kind and engineer
        + "T5,GZ,onsite_repair,2026-10-01 09:00,,E1\n"  # line 8: a cell short
    )
    assert rejected(staffed, [write(HERE, "t.csv", text)]) == [
        "t.csv:3: rating: 9 is outside 1–5",
        "t.csv:7: kind: “repair” is not one of: onsite_repair, inshop_repair, installation, "
        "commissioning",
        "t.csv:7: branch: unknown branch “XX” (a staff file creates branches)",
        "t.csv:7: engineer: unknown staff code “E9”",
        "t.csv:8: 6 cells, but the header has 8 columns",
    ]


# Three bad rows with six problems between them.
THREE_BAD_ROWS = (
    "staff,month,days,absent\n"
    "R1,2026-13,40,\n"  # line 2: month and days
    "R2,2026-10,20,40\n"  # line 3: absent
    "R9,2026-10,x,x\n"  # line 4: days, absent and staff
)


@pytest.mark.parametrize(
    ("lang", "summary"),
    [("en", "3 bad rows: nothing was imported"), ("zh", "3 行有误：未导入任何数据")],
    indirect=["lang"],
)
def test_the_summary_counts_the_bad_rows_not_their_problems(staffed, capsys, lang, summary):
    path = write(HERE, "a.csv", THREE_BAD_ROWS)
    assert len(rejected(staffed, [path])) == 6
    staffed.close()
    assert cli.main(["import", "--lang", lang, "--db", str(staffed.path), str(path)]) == 2
    assert capsys.readouterr().err.splitlines()[-1] == summary


@pytest.mark.parametrize(
    ("lang", "end"),
    [
        ("en", ["… and 1 more bad row, not listed", "3 bad rows: nothing was imported"]),
        ("zh", ["…… 另有 1 行有误，未列出", "3 行有误：未导入任何数据"]),
    ],
    indirect=["lang"],
)
def test_a_long_refusal_lists_the_first_rows_whole_and_counts_the_other_rows(
    staffed, monkeypatch, capsys, lang, end
):
    """Of more bad rows than are listed, each listed row has all its problems, and the
    rest are counted as rows, as the summary counts them."""
    monkeypatch.setattr(import_bad, "LISTED", 2)
    path = write(HERE, "a.csv", THREE_BAD_ROWS)
    staffed.close()
    assert cli.main(["import", "--lang", lang, "--db", str(staffed.path), str(path)]) == 2
    lines = capsys.readouterr().err.splitlines()
    assert [line.split(":")[1] for line in lines[:-2]] == ["2", "2", "3"]
    assert lines[-2:] == end


def test_bad_row_in_the_second_file_keeps_the_good_first_file_out(store):
    staff = write(HERE, "staff.csv", STAFF)
    actions = write(
        HERE, "actions.csv", "staff,at,action\nR1,2026-10-01 09:00,intake\nR1,,intake\n"
    )
    assert rejected(store, [staff, actions]) == ["actions.csv:3: at: required"]
    assert rows(store, "SELECT count(*) FROM staff") == [(0,)]


def test_rows_naming_a_rejected_staff_row_are_not_reported_again(store):
    staff = write(HERE, "staff.csv", "code,name,role,branch\nR1,王芳,rep,GZ\nE1,张伟,enginer,GZ\n")
    actions = write(HERE, "actions.csv", "staff,at,action\nE1,2026-10-01 09:00,complete\n")
    assert rejected(store, [staff, actions]) == [
        "staff.csv:3: role: “enginer” is not one of: rep, engineer, lead, admin"
    ]


def test_unknown_ticket(staffed):
    path = write(HERE, "d.csv", "staff,at,kind,ticket\nE1,2026-10-04 08:00,backfill,T9\n")
    assert rejected(staffed, [path]) == ["d.csv:2: ticket: unknown ticket “T9”"]


@pytest.mark.parametrize(
    ("points", "reason"),
    [
        ("", "required for branch_rule"),
        ("0", "must be more than 0 for branch_rule"),
        ("abc", "“abc” is not a number"),  # one bad cell, one message: not "required" too
    ],
)
def test_branch_rule_deduction_needs_points(staffed, points, reason):
    path = write(HERE, "d.csv", f"staff,at,kind,points\nR1,2026-10-04 08:00,branch_rule,{points}\n")
    assert rejected(staffed, [path]) == [f"d.csv:2: points: {reason}"]


def test_problem_points_must_be_a_positive_decimal(staffed):
    text = (
        "rep,engineer,at,points\n"
        "R1,E1,2026-10-02 09:00,-1\n"
        "R1,E1,2026-10-02 09:00,1,5\n"  # a decimal comma splits the row
        'R1,E1,2026-10-02 09:00,"1,5"\n'
        "R1,E1,2026-10-02 09:00,1e3\n"
    )
    assert rejected(staffed, [write(HERE, "p.csv", text)]) == [
        "p.csv:2: points: must be more than 0, not -1",
        "p.csv:3: 5 cells, but the header has 4 columns",
        "p.csv:4: points: “1,5” is not a number",
        "p.csv:5: points: “1e3” is not a number",
    ]


def test_left_before_hired(staffed):
    path = write(
        HERE,
        "s.csv",
        "code,name,role,branch,hired_on,left_on\nR3,赵敏,rep,GZ,2026-05-01,2026-04-30\n",
    )
    assert rejected(staffed, [path]) == [
        "s.csv:2: left_on: 2026-04-30 is before hired_on 2026-05-01"
    ]


def test_login_of_someone_else(staffed):
    path = write(
        HERE,
        "s.csv",
        "code,name,role,branch,login\nR3,赵敏,rep,GZ,zhangwei\nR4,孙丽,rep,GZ,sunli\nR5,孙莉,rep,GZ,sunli\n",
    )
    assert rejected(staffed, [path]) == [
        "s.csv:2: login: login “zhangwei” belongs to staff E1",
        "s.csv:4: login: login “sunli” is already given to R4 on line 3",
    ]


def test_cell_longer_than_ten_thousand_characters(staffed):
    text = f"staff,at,kind,note\nR1,2026-10-04 09:00,violation,{'x' * 10_001}\nR1,2026-10-04 09:00,violation,{'y' * 200_000}\n"
    assert rejected(staffed, [write(HERE, "d.csv", text)]) == [
        "d.csv:2: note: longer than 10000 characters",
        "d.csv:3: longer than 10000 characters",
    ]


def test_quote_never_closed(staffed):
    path = write(
        HERE,
        "d.csv",
        'staff,at,kind,note\nR1,2026-10-04 09:00,violation,"oops\nR1,2026-10-05 09:00,violation,\n',
    )
    assert rejected(staffed, [path]) == ["d.csv:2: a quote opened on this line is never closed"]


def test_value_under_a_column_with_no_name(staffed):
    path = write(HERE, "s.csv", "code,name,role,branch,\nR3,赵敏,rep,GZ,x\n")
    assert rejected(staffed, [path]) == [
        "s.csv:2: a value under a column with no name in the header"
    ]


def test_rows_naming_people_of_an_unreadable_file_are_still_checked_and_say_so(store):
    """Issue 10: one bad file must not hide the problems of the others until it is fixed."""
    staff = write(HERE, "staff.csv", STAFF, encoding="gb18030")
    actions = write(HERE, "actions.csv", "staff,at,action\nR1,2026-10-01 09:00,intake\n")
    assert rejected(store, [staff, actions]) == [
        "staff.csv:2: the file is not UTF-8: it looks like GBK/GB18030 (the first bad byte is on "
        "this line); save it as UTF-8 (in Excel: Save As “CSV UTF-8”) and import it again",
        "actions.csv:2: staff: unknown staff code “R1” (staff.csv could not be read)",
    ]


def test_unknown_kind_named_by_the_caller(staffed):
    path = write(HERE, "a.csv", "staff,month,days\nR1,2026-10,20\n")
    assert rejected(staffed, [path], kind="holidays") == [
        "a.csv:1: unknown kind of file “holidays”; the kinds are: staff, tickets, actions, "
        "attendance, problems, scores, deductions"
    ]


def test_tables_are_checked_like_files(staffed):
    before = dump(staffed)
    tables = {
        "attendance": [
            {"staff": "R1", "month": "2026-10", "days": "20"},
            {"staff": "R2", "month": "2026-10", "days": "40"},
            {"staff": "R2", "month": "2026-11"},
        ]
    }
    with pytest.raises(ImportRejected) as refusal:
        import_tables(staffed, tables, source="sample")
    assert str(refusal.value).splitlines() == [
        "sample/attendance:3: days: 40 is outside 0–31",
        "sample/attendance:4: has the columns staff, month, not those of the first row",
    ]
    assert dump(staffed) == before
