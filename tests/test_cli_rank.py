"""`fieldkpi rank` and `fieldkpi scheme` as a user runs them: bad input, closed months, viewers.

Each refusal: a one-line message naming what is wrong, exit status 2, no
traceback, and the database exactly as it was (or not made at all).
"""

from __future__ import annotations

import csv
import hashlib
import os
import re
import subprocess
import sys
from datetime import datetime
from io import StringIO

import pytest
from month_helpers import DEFAULT, OCTOBER, STAFF, calls_to, load, person
from rich.cells import cell_len

from fieldkpi import cli
from fieldkpi.scheme import load_preset
from storage import closing
from storage.closing import close_month
from storage.db import Store, open_store
from storage.schemes import choose_preset

TICKETS = """code,branch,kind,received_at,completed_at,engineer,rep,callback_at,rating
T1,GZ,onsite_repair,2026-10-03 09:00,2026-10-03 15:00,E1,R1,2026-10-04 10:00,5
T2,GZ,onsite_repair,2026-10-05 09:00,2026-10-07 11:00,E2,R2,2026-10-08 10:00,3
"""
# E2's, with R2 as its rep, after October was closed: both their live figures change.
#   E2: T2 day 3 → 14 × 2.5 = 35.00 (rated 3: satisfaction 0, E1's 1 → E1 50, E2 0);
#       with T3 on day 1: (14 + 20)/2 = 17 × 2.5 = 42.50 (1/2 still below E1's 1: 0).
#   R2: 20 feedback + 14 timeliness = 34.00; with T3: 20 + 17 = 37.00.
#   Neither moves a rank nor money: E1 and R1 stay first (+¥200), they last (-¥100).
LATE_TICKET = """code,branch,kind,received_at,completed_at,engineer,rep,callback_at,rating
T3,GZ,onsite_repair,2026-10-20 09:00,2026-10-20 15:00,E2,R2,2026-10-21 10:00,5
"""
LATE_LINES = [
    "  Live figures now differ for 2 people: 刘洋 (E2), 王芳 (R2).",
    "    刘洋 (E2): total 35.00 → 42.50 (+7.50)",
    "    王芳 (R2): total 34.00 → 37.00 (+3.00)",
]


def fieldkpi(*args: str, config=None, env=None) -> subprocess.CompletedProcess:
    """``fieldkpi ARGS`` in a process of its own; ``env`` adds to (or, as None, removes from)
    the environment."""
    given = {"FIELDKPI_CONFIG": str(config or "/nonexistent-config"), "LANG": "C"} | (env or {})
    env = {name: value for name, value in (os.environ | given).items() if value is not None}
    return subprocess.run(
        [sys.executable, "-m", "fieldkpi", *args],
        capture_output=True,
        text=True,
        timeout=120,
        env=env,
    )


@pytest.fixture
def db(tmp_path):
    path = tmp_path / "branch.db"
    store = open_store(path)
    try:
        load(store, staff=STAFF, tickets=TICKETS)
    finally:
        store.close()
    return path


def digest(path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def refused(result, *words: str) -> None:
    assert result.returncode == 2, result.stderr
    assert "Traceback" not in result.stderr
    lines = result.stderr.strip().splitlines()
    assert lines and all(w in result.stderr for w in words), result.stderr


@pytest.mark.parametrize(
    ("args", "words"),
    [
        (("--month", "2099-05"), ("2099-05 has not begun",)),
        (("--month", "2026-13"), ("--month", "2026-13")),
        (("--month", "2026-10", "--as-of", "2026-11-02 10:00:00"), ("not inside 2026-10",)),
        (("--month", "2026-10", "--as-of", "2026-09-30 23:59:59"), ("not inside 2026-10",)),
        (("--month", "2026-10", "--branch", "XX"), ("unknown branch XX",)),
        (("--quarter", "2026-10"), ("--quarter", "is not a quarter")),
        (("--month", "2026-Q4"), ("--month", "is not a month")),
        (("--quarter", "2026-Q4"), ("GZ, HQ, SZ appraise by month", "--month")),
        (("--quarter", "2026-Q4", "--branch", "GZ"), ("GZ appraises by month", "--month")),
        (("--month", "2026-10", "--as", "nobody"), ("no staff member has the login 'nobody'",)),
    ],
)
def test_bad_input_is_refused_and_changes_nothing(db, args, words):
    before = digest(db)
    refused(fieldkpi("rank", "--db", str(db), *args), *words)
    assert digest(db) == before


def test_the_kind_of_period_is_worded_in_chinese(db):
    refused(fieldkpi("--lang", "zh", "rank", "--db", str(db), "--quarter", "2026-Q4"), "按月份考核")


@pytest.mark.parametrize("command", [("rank", "--month", "2026-10"), ("check",), ("backup", "x")])
def test_a_database_that_does_not_exist_is_not_made(tmp_path, command):
    missing = tmp_path / "typo.db"
    verb, *rest = command
    rest = [str(tmp_path / "backup") if a == "x" else a for a in rest]
    refused(fieldkpi(verb, "--db", str(missing), *rest), "typo.db: no such database")
    assert not missing.exists()


def test_a_database_in_a_folder_that_does_not_exist_makes_no_folder(tmp_path):
    typo = tmp_path / "srv" / "branch.db"  # an import into a new database, its folder mistyped
    staff = tmp_path / "staff.csv"
    staff.write_text("code,name,role,branch\nR1,王芳,rep,GZ\n", encoding="utf-8")
    refused(fieldkpi("import", "--db", str(typo), str(staff)), "srv: no such folder")
    assert not typo.parent.exists()


def _staff_file(tmp_path):
    staff = tmp_path / "staff.csv"
    staff.write_text("code,name,role,branch\nR1,王芳,rep,GZ\n", encoding="utf-8")
    return staff


def test_the_shared_database_in_a_folder_that_does_not_exist_makes_no_folder(tmp_path):
    typo = tmp_path / "srv" / "fieldkpl" / "branch.db"  # the profile's FIELDKPI_DB, mistyped
    staff = _staff_file(tmp_path)

    done = fieldkpi("import", str(staff), env={"FIELDKPI_DB": str(typo)})

    refused(done, "fieldkpl: no such folder")
    assert not (tmp_path / "srv").exists()


def test_the_per_user_database_makes_its_own_folder_on_first_use(tmp_path):
    data = tmp_path / "data"  # a new login: no XDG data folder yet
    staff = _staff_file(tmp_path)

    done = fieldkpi("import", str(staff), env={"FIELDKPI_DB": None, "XDG_DATA_HOME": str(data)})

    assert done.returncode == 0, done.stderr
    store = open_store(data / "fieldkpi" / "fieldkpi.db")
    try:
        assert store.scalar("SELECT name FROM staff WHERE code = 'R1'") == "王芳"
    finally:
        store.close()


def test_a_misspelt_scheme_key_is_refused_even_for_a_closed_month(db, tmp_path):
    store = open_store(db)
    try:
        close_month(store, person(store, "L1"), "GZ", OCTOBER, DEFAULT, datetime(2026, 11, 2))
    finally:
        store.close()
    config = tmp_path / "config"
    config.mkdir()
    (config / "scheme-GZ.toml").write_text("[rewards]\ntpo = [300]\n", encoding="utf-8")
    refused(
        fieldkpi("rank", "--db", str(db), "--month", "2026-10", config=config),
        "scheme-GZ.toml:2: unknown setting rewards.tpo",
    )


def test_a_closed_month_says_it_prints_frozen_figures_and_whether_live_ones_differ(db):
    store = open_store(db)
    try:
        close_month(store, person(store, "L1"), "GZ", OCTOBER, DEFAULT, datetime(2026, 11, 2))
    finally:
        store.close()
    same = fieldkpi("rank", "--db", str(db), "--month", "2026-10", "--format", "csv")
    assert same.returncode == 0, same.stderr
    assert "GZ 2026-10 was closed by 周经理 on 2026-11-02 00:00: these are its frozen figures." in (
        same.stderr
    )
    assert "Live figures are the same." in same.stderr
    store = open_store(db)
    try:
        load(store, now=datetime(2026, 11, 10), tickets=LATE_TICKET)
    finally:
        store.close()
    changed = fieldkpi("rank", "--db", str(db), "--month", "2026-10", "--format", "csv")
    assert changed.stderr.splitlines()[-3:] == LATE_LINES  # by how much, a line each
    assert changed.stdout == same.stdout  # the frozen rows, as scripts read them


def test_a_closed_month_judged_at_another_moment_says_its_figures_are_live(db):
    """``--as-of`` inside a closed month ranks live: printed under "provisional" with no word
    of the closing, its figures read as the ones paid on."""
    store = open_store(db)
    try:
        close_month(store, person(store, "L1"), "GZ", OCTOBER, DEFAULT, datetime(2026, 11, 2))
    finally:
        store.close()
    mid = fieldkpi("rank", "--db", str(db), "--month", "2026-10", "--as-of", "2026-10-15 12:00:00")
    assert mid.returncode == 0, mid.stderr
    assert (
        "GZ 2026-10 was closed by 周经理 on 2026-11-02 00:00; these are live figures as of"
        " 2026-10-15 12:00:00, not its frozen ones (without --as-of, rank prints those)."
    ) in mid.stderr
    assert "these are its frozen figures" not in mid.stderr


def test_a_closed_month_is_read_once_and_its_changes_are_told_of_the_roles_asked_for(
    db, monkeypatch, capsys
):
    """The closing is read once and its scheme parsed once a process, its frozen rows once;
    who changed since the closing is told of the roles ranked: ``--role engineer`` listed
    the reps whose figures changed too (a lead read R2 among the engineers)."""
    store = open_store(db)
    try:
        close_month(store, person(store, "L1"), "GZ", OCTOBER, DEFAULT, datetime(2026, 11, 2))
        load(store, now=datetime(2026, 11, 10), tickets=LATE_TICKET)
    finally:
        store.close()
    monkeypatch.setenv("FIELDKPI_CONFIG", "/nonexistent-config")
    monkeypatch.delenv("LANGUAGE", raising=False)
    closing.frozen_scheme.cache_clear()  # as in a new process
    closings = calls_to(monkeypatch, closing, "closed_months")
    parses = calls_to(monkeypatch, closing, "scheme_from_dict")
    queries = calls_to(monkeypatch, Store, "query")
    engineer_lines = [
        "  Live figures now differ for 1 person: 刘洋 (E2).",
        "    刘洋 (E2): total 35.00 → 42.50 (+7.50)",
    ]
    for role, told, parsed in (([], LATE_LINES, 1), (["--role", "engineer"], engineer_lines, 0)):
        rank = ["rank", "--lang", "en", "--db", str(db), "--month", "2026-10", "--format", "csv"]
        assert cli.main([*rank, *role]) == 0
        said = capsys.readouterr().err.splitlines()
        assert said[1:] == told, role
        frozen = sum("FROM frozen_rows" in sql for _store, sql, *_params in queries)
        assert (len(closings), frozen, len(parses)) == (1, 1, parsed), role
        for calls in (closings, parses, queries):
            calls.clear()


@pytest.mark.parametrize(
    ("lang", "said"),
    [
        ("en", "fieldkpi: GZ appraises by quarter: use --quarter instead"),
        ("zh", "fieldkpi: GZ 按季度考核：请改用 --quarter"),
    ],
)
def test_a_month_closed_before_the_branch_went_quarterly_prints_its_frozen_rows(
    db, monkeypatch, capsys, lang, said
):
    """GZ closed October, then its lead switched to quarterly-bands: October is still a
    month of GZ's, printed from its frozen rows (and said so); a month it never closed is
    refused, in one line, as a quarterly branch's."""
    monkeypatch.setenv("FIELDKPI_CONFIG", "/nonexistent-config")
    store = open_store(db)
    try:
        close_month(store, person(store, "L1"), "GZ", OCTOBER, DEFAULT, datetime(2026, 11, 2))
    finally:
        store.close()
    rank = ["rank", "--lang", lang, "--db", str(db), "--branch", "GZ", "--format", "csv"]
    assert cli.main([*rank, "--month", "2026-10"]) == 0
    frozen = capsys.readouterr().out
    store = open_store(db)
    try:
        choose_preset(store, person(store, "L1"), "GZ", "quarterly-bands", datetime(2026, 11, 3))
    finally:
        store.close()

    assert cli.main([*rank, "--month", "2026-10"]) == 0
    shown = capsys.readouterr()
    assert shown.out == frozen
    assert {r["staff_code"] for r in csv.DictReader(StringIO(frozen.lstrip("\ufeff")))} == {
        "R1",
        "R2",
        "E1",
        "E2",
    }
    assert "GZ 2026-10" in shown.err

    assert cli.main([*rank, "--month", "2026-09"]) == 2  # never closed: ranked by quarter now
    assert capsys.readouterr().err.strip() == said


def test_a_closed_month_of_a_now_quarterly_branch_is_ranked_beside_the_monthly_ones(
    db, monkeypatch, capsys
):
    monkeypatch.setenv("FIELDKPI_CONFIG", "/nonexistent-config")
    store = open_store(db)
    try:
        close_month(store, person(store, "L1"), "GZ", OCTOBER, DEFAULT, datetime(2026, 11, 2))
        choose_preset(store, person(store, "L1"), "GZ", "quarterly-bands", datetime(2026, 11, 3))
    finally:
        store.close()
    rank = ["rank", "--lang", "en", "--db", str(db), "--format", "csv"]
    assert cli.main([*rank, "--month", "2026-10"]) == 0
    rows = list(csv.DictReader(StringIO(capsys.readouterr().out.lstrip("\ufeff"))))
    assert {row["branch"] for row in rows} == {"GZ", "SZ"}
    assert cli.main([*rank, "--month", "2026-09"]) == 0  # SZ's alone: GZ's is a quarter now
    rows = list(csv.DictReader(StringIO(capsys.readouterr().out.lstrip("\ufeff"))))
    assert {row["branch"] for row in rows} == {"SZ"}


def test_as_an_engineer_the_ranking_shows_only_their_own_row(db):
    store = open_store(db)
    try:
        with store.write() as write:
            write.execute("UPDATE staff SET login = 'chengong' WHERE code = 'E1'")
            write.execute("UPDATE staff SET login = 'zhoujl' WHERE code = 'L1'")
    finally:
        store.close()
    mine = fieldkpi(
        "rank", "--db", str(db), "--month", "2026-10", "--format", "csv", "--as", "chengong"
    )
    rows = list(csv.DictReader(StringIO(mine.stdout.lstrip("\ufeff"))))
    assert [r["staff_code"] for r in rows] == ["E1"]
    lead = fieldkpi(
        "rank", "--db", str(db), "--month", "2026-10", "--format", "csv", "--as", "zhoujl"
    )
    rows = list(csv.DictReader(StringIO(lead.stdout.lstrip("\ufeff"))))
    assert {r["branch"] for r in rows} == {"GZ"}  # the lead's own branch only
    assert {r["staff_code"] for r in rows} == {"R1", "R2", "E1", "E2"}


def test_who_changed_since_the_closing_is_told_only_of_people_the_viewer_may_see(
    db, monkeypatch, capsys
):
    """An engineer is told whether their own figures changed, never a colleague's code, and
    nothing of the closings of branches whose figures they do not see."""
    monkeypatch.setenv("FIELDKPI_CONFIG", "/nonexistent-config")
    store = open_store(db)
    try:
        close_month(store, person(store, "L1"), "GZ", OCTOBER, DEFAULT, datetime(2026, 11, 2))
        close_month(store, person(store, "L2"), "SZ", OCTOBER, DEFAULT, datetime(2026, 11, 3))
        load(store, now=datetime(2026, 11, 10), tickets=LATE_TICKET)  # E2's and R2's change
        with store.write() as write:
            for code, login in (("E1", "chengong"), ("E2", "liuyang"), ("L1", "zhoujl")):
                write.execute("UPDATE staff SET login = ? WHERE code = ?", [login, code])
    finally:
        store.close()
    rank = ["rank", "--lang", "en", "--db", str(db), "--month", "2026-10", "--format", "csv"]
    said = {}
    for login in ("chengong", "liuyang", "zhoujl"):
        assert cli.main([*rank, "--as", login]) == 0
        told = capsys.readouterr().err
        assert "SZ 2026-10 was closed" not in told and "GZ 2026-10 was closed" in told
        said[login] = told.splitlines()[1:]
    assert cli.main(rank) == 0  # the database's owner: every branch
    assert "SZ 2026-10 was closed by 郑经理" in capsys.readouterr().err
    assert said == {
        "chengong": ["  Your live figures are the same."],  # nothing said of R2's and E2's
        # whether, never by how much: a live rank or total tells of the others' figures too
        "liuyang": ["  Your live figures now differ."],
        "zhoujl": LATE_LINES,  # the lead: who, and by how much
    }


@pytest.mark.parametrize(
    ("lang", "said"),
    [
        (
            "en",
            "fieldkpi: --as {login}: you work for branch SZ; the rankings of GZ are not yours to see",
        ),
        ("zh", "fieldkpi: --as {login}：你属于分公司 SZ；GZ 的排名不在你的查看范围内"),
    ],
)
def test_a_branch_the_viewer_does_not_see_is_refused_not_ranked_as_empty(db, lang, said):
    """Another branch's lead (or rep) asking for GZ by name was told "nobody to rank", exit
    0, as if GZ had nobody: refused as bad input now, and nothing of GZ said, its closing
    neither; their own branch is ranked as before."""
    store = open_store(db)
    try:
        close_month(store, person(store, "L1"), "GZ", OCTOBER, DEFAULT, datetime(2026, 11, 2))
        with store.write() as write:
            for code, login in (("L2", "zhengjl"), ("S1", "sunli")):
                write.execute("UPDATE staff SET login = ? WHERE code = ?", [login, code])
    finally:
        store.close()
    rank = ["rank", "--db", str(db), "--month", "2026-10", "--lang", lang]
    for login in ("zhengjl", "sunli"):  # SZ's lead, an SZ rep
        result = fieldkpi(*rank, "--branch", "GZ", "--as", login)
        refused(result)
        assert result.stderr.splitlines() == [said.format(login=login)]
        assert result.stdout == ""
    own = fieldkpi(*rank, "--branch", "SZ", "--as", "zhengjl", "--format", "csv")
    assert own.returncode == 0, own.stderr
    assert [r["staff_code"] for r in csv.DictReader(StringIO(own.stdout.lstrip("\ufeff")))] == [
        "S1",
        "SE",
    ]


def test_missing_entered_values_are_listed(db, tmp_path):
    config = tmp_path / "config"
    config.mkdir()
    (config / "scheme.toml").write_text('[settings]\nrep_satisfaction = "entered"\n', "utf-8")
    result = fieldkpi(
        "rank", "--db", str(db), "--month", "2026-10", "--format", "csv", config=config
    )
    assert result.returncode == 0, result.stderr
    assert "2026-10: no satisfaction entered for R1 (0 points until it is)" in result.stderr
    assert "2026-10: no satisfaction entered for R2" in result.stderr


# ---------------------------------------------------------------- fieldkpi scheme


def test_scheme_list_and_show():
    listed = fieldkpi("scheme", "list")
    assert listed.returncode == 0
    assert listed.stdout.splitlines()[0].split()[0] in listed.stdout
    assert "skyworth" in listed.stdout and "month" in listed.stdout
    chinese = fieldkpi("--lang", "zh", "scheme", "list").stdout.splitlines()
    quarterly = next(line for line in chinese if line.startswith("quarterly-bands"))
    assert "季度" in quarterly and "quarter" not in quarterly.replace("quarterly-bands", "")
    assert "客服代表、上门服务工程师" in chinese[1]  # roles by name, in the language
    assert len({cell_len(line[: line.index("客服代表")]) for line in chinese}) == 1
    shown = fieldkpi("scheme", "show", "skyworth")
    assert shown.returncode == 0
    assert 'name = "skyworth"' in shown.stdout and "完单及时率" in shown.stdout
    refused(fieldkpi("scheme", "show", "nope"), "there is no preset 'nope'")


def test_scheme_check_lists_every_problem_with_key_and_line(tmp_path):
    path = tmp_path / "gz.toml"
    path.write_text(
        '[settings]\nopen_days = 0\n[[kpi]]\nid = "x"\nrole = "rep"\nmeasure = "nope"\n'
        'score = { method = "rank", max = 5 }\n',
        encoding="utf-8",
    )
    result = fieldkpi("scheme", "check", str(path))
    refused(
        result, "gz.toml:2: settings.open_days", "gz.toml:6: kpi[0].measure 'nope' is no measure"
    )
    good = tmp_path / "ok.toml"
    good.write_text("[money]\ntop = [300, 150]\n", encoding="utf-8")
    result = fieldkpi("scheme", "check", str(good))
    assert result.returncode == 0, result.stderr
    assert "scheme skyworth (month; 6 KPIs) is fine" in result.stdout


SAID = {
    "en": (
        "fieldkpi: {path}:4: unknown key money.topp",
        "fieldkpi: {path}:2: settings.open_days must be a whole number 1 … 3660, not 0",
    ),
    "zh": (
        "fieldkpi: {path}:4：未知的键 money.topp",
        "fieldkpi: {path}:2：settings.open_days 必须是 1 … 3660 之间的整数，而不是 0",
    ),
}


def test_scheme_check_lists_an_unknown_key_and_a_bad_value_in_one_run(
    tmp_path, monkeypatch, capsys, lang
):
    """The bad value was told only once the misspelt key had been fixed."""
    monkeypatch.setenv("FIELDKPI_CONFIG", "/nonexistent-config")
    path = tmp_path / "gz.toml"
    path.write_text("[settings]\nopen_days = 0\n[money]\ntopp = [300]\n", encoding="utf-8")
    assert cli.main(["scheme", "check", str(path), "--lang", lang]) == 2
    said = [line.format(path=path) for line in SAID[lang]]
    assert capsys.readouterr().err.splitlines() == said


def test_scheme_check_lists_the_entered_values_a_period_lacks(db, tmp_path):
    path = tmp_path / "gz.toml"
    path.write_text('[settings]\nrep_satisfaction = "entered"\n', encoding="utf-8")
    result = fieldkpi("scheme", "check", str(path), "--db", str(db), "--month", "2026-10")
    refused(result, "2026-10: no satisfaction entered for R1 张伟", "R2 王芳")


@pytest.mark.parametrize(
    ("args", "words"),
    [
        (("--quarter", "2026-Q3"), ("the scheme appraises by month: use --month instead",)),
        (("--month", "2026-10", "--branch", "XX"), ("unknown branch XX",)),
        (("--month", "2099-05"), ("2099-05 has not begun",)),
    ],
)
def test_scheme_check_asked_of_a_period_or_branch_it_cannot_judge_says_so(
    db, tmp_path, args, words
):
    path = tmp_path / "gz.toml"
    path.write_text('[settings]\nrep_satisfaction = "entered"\n', encoding="utf-8")
    result = fieldkpi("scheme", "check", str(path), "--db", str(db), *args)
    refused(result, *words)
    assert "no satisfaction entered" not in result.stderr


def test_a_stored_name_reaches_the_terminal_without_its_escapes(db, monkeypatch, capsys):
    """A lead's name stored with escape sequences (by an older version, another program)
    is printed as text: ESC would let it retitle or recolour the reader's terminal."""
    monkeypatch.setenv("FIELDKPI_CONFIG", "/nonexistent-config")
    store = open_store(db)
    try:
        with store.write() as write:
            write.execute("UPDATE staff SET name = '周\x1b]0;PWNED\x07经理' WHERE code = 'L1'")
        close_month(store, person(store, "L1"), "GZ", OCTOBER, DEFAULT, datetime(2026, 11, 2))
    finally:
        store.close()
    rank = ["rank", "--lang", "en", "--db", str(db), "--month", "2026-10", "--format", "csv"]
    assert cli.main(rank) == 0
    told = capsys.readouterr().err
    assert "closed by 周]0;PWNED经理" in told and "\x1b" not in told and "\x07" not in told


# ---------------------------------------------------------------- paths a person names

OPENED = {  # where each command opens a path the person gave, and what is wrong with it
    "csv to a missing folder": (
        ("rank", "--month", "2026-10", "--format", "csv", "-o", "{missing}/a.csv"),
        "{missing}/a.csv",
        "missing",
    ),
    "xlsx to a missing folder": (
        ("rank", "--month", "2026-10", "--format", "xlsx", "-o", "{missing}/a.xlsx"),
        "{missing}/a.xlsx",
        "missing",
    ),
    "csv onto a folder": (
        ("rank", "--month", "2026-10", "--format", "csv", "-o", "{folder}"),
        "{folder}",
        "folder",
    ),
    "xlsx onto a folder": (
        ("rank", "--month", "2026-10", "--format", "xlsx", "-o", "{folder}"),
        "{folder}",
        "folder",
    ),
    "a folder as --scheme": (
        ("rank", "--month", "2026-10", "--scheme", "{folder}"),
        "{folder}",
        "folder",
    ),
    "a folder to scheme check": (("scheme", "check", "{folder}"), "{folder}", "folder"),
    "a folder to merge": (("rank", "--merge", "{folder}"), "{folder}", "folder"),
}
REASONS = {
    "en": {"missing": "no such folder", "folder": "it is a folder, not a file"},
    "zh": {"missing": "没有此文件夹", "folder": "这是文件夹，不是文件"},
}


@pytest.mark.parametrize("case", OPENED)
def test_a_path_that_cannot_be_opened_is_one_line_in_the_persons_language(
    db, tmp_path, monkeypatch, capsys, lang, case
):
    """No traceback: the path and why, in the person's language, exit status 2."""
    monkeypatch.setenv("FIELDKPI_CONFIG", "/nonexistent-config")
    folder = tmp_path / "exports"
    folder.mkdir()
    names = {"missing": tmp_path / "nowhere", "folder": folder}
    args, path, reason = OPENED[case]
    args = [a.format(**names) for a in args]
    assert cli.main([*args, "--db", str(db), "--lang", lang]) == 2
    colon = "：" if lang == "zh" else ": "
    said = f"fieldkpi: {path.format(**names)}{colon}{REASONS[lang][reason]}"
    assert capsys.readouterr().err.splitlines() == [said]
    assert list(folder.iterdir()) == [] and not names["missing"].exists()


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_o_never_writes_over_the_database(db, capsys, monkeypatch, fmt):
    """A ranking written to the database's own path destroyed the database."""
    monkeypatch.setenv("FIELDKPI_CONFIG", "/nonexistent-config")
    before = digest(db)
    for target in (db, db.with_name(db.name + "-wal")):
        args = ["rank", "--db", str(db), "--month", "2026-10", "--format", fmt, "-o", str(target)]
        assert cli.main([*args, "--lang", "en"]) == 2
        assert capsys.readouterr().err.splitlines() == [
            f"fieldkpi: {target}: that is the database (or its -wal, -shm or -journal): "
            "-o names the file the ranking is written to"
        ]
    assert digest(db) == before


# ---------------------------------------------------------------- the table at 80 columns


@pytest.mark.parametrize("language", ["en", "zh"])
def test_piped_at_80_columns_the_table_keeps_every_heading_letter_within_the_width(db, language):
    """``COLUMNS=80 fieldkpi rank | less``: no line is wider than 80 nor padded with spaces,
    and a heading too long for its column is never cut to "…"."""
    env = os.environ | {"FIELDKPI_CONFIG": "/nonexistent-config", "LANG": "C", "COLUMNS": "80"}
    rank = ["rank", "--db", str(db), "--month", "2026-10", "--role", "rep", "--format", "table"]
    result = subprocess.run(
        [sys.executable, "-m", "fieldkpi", *rank, "--lang", language],
        capture_output=True,
        text=True,
        timeout=120,
        env=env,
    )
    assert result.returncode == 0, result.stderr
    lines = result.stdout.splitlines()
    assert all(cell_len(line) <= 80 for line in lines)
    assert not [line for line in lines if line != line.rstrip()]
    assert "…" not in result.stdout
    heading = lines[1 : next(i for i, line in enumerate(lines) if "───" in line)]
    if language == "zh":
        assert "满意度" in heading[-1] and "加扣分" in heading[-1]
        return
    assert "Adjustments" in heading[-1].split()  # whole, as every word (test below)
    assert "KPI 3: Satisfaction" in lines  # keyed: four KPI names cannot all fit whole


def test_the_table_has_no_reward_column_for_a_branch_whose_scheme_pays_none(
    db, monkeypatch, capsys, lang
):
    """SZ runs generic-bands (grades, no money): a Reward column of dashes beside every
    name read as "nothing earned". GZ's skyworth pays the top and bottom ranks: its stays.
    The CSV keeps its columns for scripts (interfaces.md), reward 0 for SZ."""
    monkeypatch.setenv("FIELDKPI_CONFIG", "/nonexistent-config")
    monkeypatch.setenv("COLUMNS", "160")
    store = open_store(db)
    try:
        choose_preset(store, person(store, "L2"), "SZ", "generic-bands", datetime(2026, 11, 2))
    finally:
        store.close()
    reward = "奖励/罚款" if lang == "zh" else "Reward"
    rank = ["rank", "--db", str(db), "--month", "2026-10", "--role", "rep", "--lang", lang]

    def heading(branch: str) -> str:
        assert cli.main([*rank, "--branch", branch, "--format", "table"]) == 0
        lines = capsys.readouterr().out.splitlines()
        return "\n".join(lines[1 : next(i for i, line in enumerate(lines) if "───" in line)])

    assert reward not in heading("SZ")
    assert reward in heading("GZ")
    assert cli.main([*rank, "--branch", "SZ", "--format", "csv"]) == 0
    rows = list(csv.DictReader(StringIO(capsys.readouterr().out.lstrip("\ufeff"))))
    assert [(row["staff_code"], row["reward"]) for row in rows] == [("S1", "0")]


def tables_in(lines: list[str]) -> list[list[str]]:
    """The table output as one list of lines per branch and role, each from its title."""
    starts = [i for i, line in enumerate(lines) if " · 2026-10 · " in line]
    return [lines[a:b] for a, b in zip(starts, [*starts[1:], len(lines)], strict=True)]


def kpi_labels() -> set[str]:
    return {
        str(kpi.label)
        for preset in ("skyworth", "generic-bands")
        for role in ("rep", "engineer")
        for kpi in load_preset(preset).kpis_of(role)
    }


def test_at_80_columns_every_word_stays_whole_and_the_rows_line_up(db, lang, monkeypatch, capsys):
    """The tester's 80-column table broke "satisfac/tion", "Resolutio/n" and a grade as
    "Needs / improvem / ent"; a 40-character name was cut to "…" and squeezed the rest.
    Words are whole now (English KPIs keyed below the table when their names cannot fit),
    each name whole (Chinese between characters), each row's cells in their columns."""
    monkeypatch.setenv("FIELDKPI_CONFIG", "/nonexistent-config")
    monkeypatch.setenv("COLUMNS", "80")
    store = open_store(db)
    try:
        choose_preset(store, person(store, "L2"), "SZ", "generic-bands", datetime(2026, 11, 2))
        with store.write() as write:  # the longest a name may be: 80 cells
            write.execute("UPDATE staff SET name = ? WHERE code = 'R2'", ["欧阳" * 20])
    finally:
        store.close()
    rank = ["rank", "--db", str(db), "--month", "2026-10", "--lang", lang]
    assert cli.main([*rank, "--format", "csv"]) == 0
    ranked = list(csv.DictReader(StringIO(capsys.readouterr().out.lstrip("\ufeff"))))
    assert cli.main([*rank, "--format", "table"]) == 0
    out = capsys.readouterr().out
    lines = out.splitlines()
    assert all(cell_len(line) <= 80 for line in lines) and "…" not in out
    labels = kpi_labels()
    heading_words = {w for label in labels for w in label.split()} | {
        "Rank", "Code", "Name", "KPI", "1", "2", "3", "4", "Adjustments", "Total", "Grade",
        "Reward",
    }  # fmt: skip
    tables = tables_in(lines)
    assert len(tables) == 4
    for table in tables:
        rule = next(i for i, line in enumerate(table) if "───" in line)
        heading, body = table[1:rule], table[rule + 1 :]
        starts = [i for i, line in enumerate(body) if re.match(r" *\d+ \S", line)]
        rows = [r for r in ranked if any(f" {r['staff_code']} " in body[i] for i in starts)]
        assert len(starts) == len(rows) > 0
        columns = set()
        for row, start in zip(rows, starts, strict=True):
            line = body[start]
            total_end = line.rindex(f" {row['total']}") + len(row["total"]) + 1
            columns.add(
                (cell_len(line[: line.index(row["staff_code"])]), cell_len(line[:total_end]))
            )
            if row["grade"]:
                assert f" {row['grade']}" in line  # on its row's line, whole
        assert len(columns) == 1, table  # every row's code and total in the same cells
        if lang == "en":  # every heading word whole, and a KPI's name whole in its key
            assert {w for line in heading for w in line.split()} <= heading_words, heading
            keys = [line.partition(": ") for line in body if line.startswith("KPI ")]
            assert all(re.fullmatch(r"KPI \d", k) and label in labels for k, _, label in keys)
    name_lines = [line for line in lines if "欧阳" in line]
    assert "".join(name_lines).count("欧阳") == 20  # the whole name, over several lines


def test_nobody_to_rank_is_a_sentence_and_the_provisional_note_its_own_line(
    db, lang, monkeypatch, capsys
):
    """A new engineer's ranking of a month in progress, which shows them nothing, printed
    "2026-10: nobody to rank PROVISIONAL — as of …" as one line."""
    monkeypatch.setenv("FIELDKPI_CONFIG", "/nonexistent-config")
    store = open_store(db)
    try:
        with store.write() as write:
            write.execute("UPDATE staff SET login = 'wangfang' WHERE code = 'R2'")
    finally:
        store.close()
    rank = ["rank", "--db", str(db), "--month", "2026-10", "--as-of", "2026-10-15 09:00:00"]
    assert cli.main([*rank, "--role", "engineer", "--as", "wangfang", "--lang", lang]) == 0
    assert (
        capsys.readouterr().out.splitlines()
        == {
            "en": [
                "There is nobody to rank for 2026-10.",
                "PROVISIONAL — as of 2026-10-15 09:00:00; figures can still change",
            ],
            "zh": [
                "2026-10 没有可排名的人员。",
                "临时结果 — 截至 2026-10-15 09:00:00；数据仍可能变化",
            ],
        }[lang]
    )
