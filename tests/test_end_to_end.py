"""CSV files in the interfaces.md formats → `fieldkpi import` → `fieldkpi rank`, as a user runs them.

One branch (GZ) is worked through every rule by hand; a second (SZ) has a
single rep and no data at all. Month 2026-10, judged at its last second.

Timeliness (day = completed − received + 1; O = open > 30 days at 10-31):
  E1: T1 d1, T2 d2, T5 d4; O: T9            → (20 + 17 + 11 − 150)/4 = −25.5; ×2.5 = −63.75
  E2: T3 d10, T10 d11 (late); O: T4, T8     → (−15·2 − 150·2)/4 = −82.5; ×2.5 = −206.25
  R1: T1 d1, T2 d2, T3 late (T7 was Sept.)  → (20 + 17 − 15)/3 = 7.333… → 7.33
  R2: T5 d4, T10 late; O: T4, T8, T9        → (11 − 15 − 450)/5 = −90.8
  (T6 is cancelled and counts nowhere; T8 is open across the month-end, completed 11-02.)
Satisfaction (callbacks in October; T7's callback on 10-01 counts though it completed in Sept.):
  R1: 5, 3, 4, 1 → 2/4 = 0.5;  R2: 5 → 1;  R3: none → no data, out of the pool ⇒ R2 20, R1 0
  E1: 5, 3, 5, 1 → 0.5;        E2: 4 → 1               ⇒ E2 50, E1 0
Feedback (problem points / on-site visits in October):
  R1: (1 + 2)/3 visits (T1 visited, T2 and T3 completed) = 1;  R2: 1 (default)/2 (T4, T10) = 0.5;
  R3: no visits → no data, out of the pool                  ⇒ R1 20, R2 0
Workload: annual max daily = X1's June 60/10 = 6 (X1 has left, but was a rep of GZ this year)
  R1: 30 actions / 20 attendance days = 1.5 → 0.25;  R2: 44 / 11 distinct dates = 4 → 0.6667
  R3 hired 2026-10-10: first month → exactly 20, out of the pool ⇒ R2 40, R1 0 (pool of 2)
Deductions: R1 backfill ×2 (1.0) + branch_rule 1.5 = 2.5;  R2 complaint_internal 2;
  R3's complaint of 09-30 is outside the month;  E1 violation 1;  E2 media complaint.
Totals: R1 20 + 0 + 0 + 7.333 − 2.5 = 24.83;  R3 0 + 20 + 0 + 0 = 20;  R2 0 + 40 + 20 − 90.8 − 2 = −32.8
        E1 0 − 63.75 − 1 = −64.75;  E2 50 − 206.25 = −156.25, the month forfeited: min(−156.25, 0)
Money: three reps, one rank paid at each end: R1 +200, R3 0, R2 −100;
       two engineers: E1 +200, E2 −100 (a forfeited month is penalised like any other).
SZ: one rep, nothing recorded → no data anywhere, 0 points, and a one-person branch is paid nothing.
"""

from __future__ import annotations

import csv
import subprocess
import sys
import tomllib
from io import StringIO

import pytest
from rich.cells import cell_len

STAFF = """code,name,role,branch,hired_on,left_on,login
R1,张伟,rep,GZ,2025-01-01,,zhangwei
R2,王芳,rep,GZ,2024-05-01,,wangfang
R3,李娜,rep,GZ,2026-10-10,,lina
X1,赵敏,rep,GZ,2023-01-01,2026-09-15,
E1,陈工,engineer,GZ,2022-03-01,,chengong
E2,刘洋,engineer,GZ,2021-07-01,,liuyang
L1,周经理,lead,GZ,2020-01-01,,zhoujl
S1,孙丽,rep,SZ,2024-01-01,,sunli
"""

TICKETS = """\ufeffcode,branch,kind,received_at,visited_at,completed_at,cancelled,engineer,rep,callback_at,rating,customer
T1,GZ,onsite_repair,2026-10-03 09:00,2026-10-03 14:00,2026-10-03 15:00,0,E1,R1,2026-10-04 10:00,5,黄先生
T2,GZ,onsite_repair,2026-10-05 09:00,,2026-10-06 11:00,0,E1,R1,2026-10-07 10:00,3,
T3,GZ,installation,2026/10/01 08:30,,2026/10/10 17:00,0,E2,R1,2026-10-11 09:00,4,
T4,GZ,onsite_repair,2026-09-20 10:00,2026-10-02 10:00,,0,E2,R2,,,
T5,GZ,inshop_repair,2026-10-20T10:00,,2026-10-23T16:00,0,E1,R2,2026-10-24 10:00,5,
T6,GZ,onsite_repair,2026-10-11 10:00,,2026-10-11 12:00,1,E2,R2,,,
T7,GZ,onsite_repair,2026-08-15 10:00,,2026-09-30 10:00,0,E1,R1,2026-10-01 10:00,1,
T8,GZ,commissioning,2026-09-25 10:00,,2026-11-02 10:00,0,E2,R2,,,
T9,GZ,onsite_repair,2026-08-01 10:00,,,0,E1,R2,,,
T10,GZ,onsite_repair,2026-10-15 10:00,2026-10-16 10:00,2026-10-25 10:00,0,E2,R2,,,
"""

ATTENDANCE = """staff,month,days
R1,2026-10,20
R3,2026-10,15
X1,2026-06,10
"""

PROBLEMS = """rep,engineer,at,points,ticket,note
R1,E1,2026-10-04 12:00,1,T1,迟到
R1,E2,2026-10-12 12:00,2,T3,未带配件
R2,E2,2026-10-16 12:00,,T10,
"""

DEDUCTIONS = """staff,at,kind,points,ticket,note
R1,2026-10-05 10:00,backfill,,T2,
R1,2026-10-06 10:00,backfill,,,
R1,2026-10-20 10:00,branch_rule,1.5,,例会缺席
R2,2026-10-21 10:00,complaint_internal,,,
R3,2026-09-30 10:00,complaint_general,,,
E1,2026-10-22 10:00,violation,,,
E2,2026-10-23 10:00,complaint_media,,,
"""


def _actions() -> str:
    rows = ["staff,at,action,ticket"]
    for i in range(30):  # R1: 2 a day on 15 dates; attendance says 20 days
        rows.append(f"R1,2026-10-{1 + i // 2:02d} 09:{i % 60:02d},intake,")
    for i in range(44):  # R2: 4 a day on 11 dates; no attendance record
        rows.append(f"R2,2026-10-{1 + i // 4:02d} 10:{i % 60:02d},dispatch,")
    for i in range(10):  # R3: first month
        rows.append(f"R3,2026-10-{12 + i // 2:02d} 11:{i:02d},callback,")
    for i in range(100):  # R1 in March: 100/20 = 5 a day, below X1's 6
        rows.append(f"R1,2026-03-{1 + i // 5:02d} 09:{i % 60:02d},intake,")
    rows.append("R1,2026-03-01 00:00,dealer_callback,")  # 101/20 = 5.05, still below 6
    for i in range(60):  # X1 in June: 60 / 10 days = 6, the branch's annual maximum
        rows.append(f"X1,2026-06-{1 + i // 6:02d} 09:{i:02d},complete,")
    return "\n".join(rows) + "\n"


EXPECTED = [
    # branch, role, rank, code, feedback_rate, feedback_points, workload, days, saturation,
    # workload_points, satisfaction, satisfaction_points, timeliness, timeliness_points,
    # deductions, zeroed, total, reward (an empty measured value: no data, with its flag)
    ("GZ", "rep", "1", "R1", "1.0000", "20.00", "30", "20", "0.2500", "0.00",
     "0.5000", "0.00", "7.33", "7.33", "2.50", "0", "24.83", "200"),
    ("GZ", "rep", "2", "R3", "", "0.00", "10", "15", "0.1111", "20.00",
     "", "0.00", "", "0.00", "0.00", "0", "20.00", "0"),
    ("GZ", "rep", "3", "R2", "0.5000", "0.00", "44", "11", "0.6667", "40.00",
     "1.0000", "20.00", "-90.80", "-90.80", "2.00", "0", "-32.80", "-100"),
    ("GZ", "engineer", "1", "E1", "", "", "", "", "", "",
     "0.5000", "0.00", "-25.50", "-63.75", "1.00", "0", "-64.75", "200"),
    ("GZ", "engineer", "2", "E2", "", "", "", "", "", "",
     "1.0000", "50.00", "-82.50", "-206.25", "0.00", "1", "-156.25", "-100"),
    ("SZ", "rep", "1", "S1", "", "0.00", "0", "0", "", "0.00",
     "", "0.00", "", "0.00", "0.00", "0", "0.00", "0"),
]  # fmt: skip
FLAGS = {  # first_month, no_visits, no_workload, no_callbacks, no_orders
    "R1": ("0", "0", "0", "0", "0"),
    "R3": ("1", "1", "0", "1", "1"),
    "R2": ("0", "0", "0", "0", "0"),
    "E1": ("0", "", "", "0", "0"),
    "E2": ("0", "", "", "0", "0"),
    "S1": ("0", "1", "1", "1", "1"),
}
COMPARED = (
    "branch role rank staff_code feedback_rate feedback_points workload days saturation "
    "workload_points satisfaction satisfaction_points timeliness timeliness_points "
    "deductions zeroed total reward"
).split()


def fieldkpi(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "fieldkpi", *args], capture_output=True, text=True, timeout=120
    )


@pytest.fixture(scope="module")
def branch_db(tmp_path_factory):
    folder = tmp_path_factory.mktemp("e2e")
    files = {
        "tickets.csv": TICKETS,  # named before staff on purpose: staff load first anyway
        "staff.csv": STAFF,
        "actions.csv": _actions(),
        "attendance.csv": ATTENDANCE,
        "problems.csv": PROBLEMS,
        "deductions.csv": DEDUCTIONS,
    }
    for name, text in files.items():
        (folder / name).write_text(text, encoding="utf-8")
    db = folder / "branch.db"
    result = fieldkpi("import", "--db", str(db), *(str(folder / n) for n in files))
    assert result.returncode == 0, result.stderr
    assert "tickets: 10 added" in result.stdout
    return db


def test_rank_csv_matches_the_hand_worked_month(branch_db, tmp_path):
    out = tmp_path / "2026-10.csv"
    result = fieldkpi("rank", "--db", str(branch_db), "--month", "2026-10", "--format", "csv",
                      "-o", str(out))  # fmt: skip
    assert result.returncode == 0, result.stderr
    raw = out.read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf"), "Excel needs the BOM to show Chinese names"
    rows = list(csv.DictReader(StringIO(raw.decode("utf-8-sig"))))
    assert [tuple(r[c] for c in COMPARED) for r in rows] == EXPECTED
    flags = ("first_month", "no_visits", "no_workload", "no_callbacks", "no_orders")
    assert {r["staff_code"]: tuple(r[f] for f in flags) for r in rows} == FLAGS
    assert {r["period"] for r in rows} == {"2026-10"}
    assert {r["as_of"] for r in rows} == {"2026-10-31 23:59:59"}
    assert {r["provisional"] for r in rows} == {"0"}
    assert [r["name"] for r in rows[:3]] == ["张伟", "李娜", "王芳"]


def test_rank_toml_holds_the_same_rows(branch_db):
    csv_out = fieldkpi("rank", "--db", str(branch_db), "--month", "2026-10", "--format", "csv")
    toml_out = fieldkpi("rank", "--db", str(branch_db), "--month", "2026-10", "--format", "toml")
    assert toml_out.returncode == 0, toml_out.stderr
    csv_rows = list(csv.DictReader(StringIO(csv_out.stdout.lstrip("\ufeff"))))
    toml_rows = tomllib.loads(toml_out.stdout)["rows"]
    assert len(toml_rows) == len(csv_rows) == len(EXPECTED)
    for from_csv, from_toml in zip(csv_rows, toml_rows, strict=True):
        present = {k: v for k, v in from_csv.items() if v != ""}
        assert set(from_toml) == set(present), "absent in TOML exactly where empty in CSV"
        for key, text in present.items():
            value = from_toml[key]
            if isinstance(value, str):
                assert value == text
            else:
                assert value == pytest.approx(float(text)), key


def test_rank_filters_by_branch_and_role(branch_db):
    result = fieldkpi("rank", "--db", str(branch_db), "--month", "2026-10", "--role", "engineer",
                      "--branch", "GZ", "--format", "csv")  # fmt: skip
    rows = list(csv.DictReader(StringIO(result.stdout.lstrip("\ufeff"))))
    assert [(r["staff_code"], r["total"]) for r in rows] == [("E1", "-64.75"), ("E2", "-156.25")]


def test_rank_table_is_readable(branch_db):
    result = fieldkpi("rank", "--db", str(branch_db), "--month", "2026-10", "--branch", "GZ")
    assert result.returncode == 0, result.stderr
    lines = result.stdout.splitlines()
    rows = [line for line in lines if "张伟" in line or "李娜" in line or "王芳" in line]
    assert len(rows) == 3
    # Wide characters are measured in terminal cells: every column border lines up.
    borders = {
        tuple(cell_len(line[:i]) for i, char in enumerate(line) if char == "│") for line in rows
    }
    assert len(borders) == 1
    assert "+¥200" in result.stdout and "-¥100" in result.stdout
    assert "PROVISIONAL" not in result.stdout


def test_running_month_is_provisional(branch_db):
    result = fieldkpi("rank", "--db", str(branch_db), "--month", "2026-10", "--format", "csv",
                      "--as-of", "2026-10-15 12:00:00")  # fmt: skip
    rows = list(csv.DictReader(StringIO(result.stdout.lstrip("\ufeff"))))
    assert {r["provisional"] for r in rows} == {"1"}
    assert {r["as_of"] for r in rows} == {"2026-10-15 12:00:00"}


def test_a_month_where_nothing_happened_gives_nobody_points_or_money(branch_db):
    # July: nothing recorded for anyone in GZ; X1 still employed, R3 not yet hired.
    result = fieldkpi("rank", "--db", str(branch_db), "--month", "2026-07", "--branch", "GZ",
                      "--role", "rep", "--format", "csv")  # fmt: skip
    rows = list(csv.DictReader(StringIO(result.stdout.lstrip("\ufeff"))))
    # No data for any KPI: nobody is in any pool, all tie at 0, and a tie that reaches both
    # ends is paid nothing.
    assert [(r["staff_code"], r["rank"], r["total"], r["reward"]) for r in rows] == [
        ("R1", "1", "0.00", "0"),
        ("R2", "1", "0.00", "0"),
        ("X1", "1", "0.00", "0"),
    ]
    assert {
        (r["no_visits"], r["no_workload"], r["no_callbacks"], r["no_orders"]) for r in rows
    } == {("1", "1", "1", "1")}


def test_db_may_come_before_the_command(branch_db):
    result = fieldkpi("--db", str(branch_db), "rank", "--month", "2026-10", "--format", "csv")
    rows = list(csv.DictReader(StringIO(result.stdout.lstrip("\ufeff"))))
    assert [r["staff_code"] for r in rows] == [e[3] for e in EXPECTED]


def test_table_marks_a_total_zeroed_by_a_media_complaint(branch_db):
    result = fieldkpi("rank", "--db", str(branch_db), "--month", "2026-10", "--role", "engineer")
    assert "ⓩ" in result.stdout
    assert "media complaint: month forfeited" in result.stdout
