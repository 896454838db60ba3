"""`fieldkpi rank --merge`: branches ranked on their own servers make the national table.

Two branches, each in its own database, ranked separately and exported (one as
CSV, one as TOML); merged, they must be exactly the ranking of one database
holding both. Rankings never cross a branch, so nothing is ranked again.
"""

from __future__ import annotations

import subprocess
import sys

import pytest

from fieldkpi.cli import main

# Per branch, the CSV files a branch imports. GZ's second rep has a name a spreadsheet
# would run as a formula: the export quotes it, the merge must give it back as it was.
BRANCHES = {
    "GZ": {
        "staff": """code,name,role,branch,hired_on
R1,张伟,rep,GZ,2024-01-01
R2,-王芳,rep,GZ,2024-01-01
E1,陈工,engineer,GZ,2022-01-01
E2,刘洋,engineer,GZ,2022-01-01
""",
        "tickets": """code,branch,kind,received_at,visited_at,completed_at,engineer,rep,callback_at,rating
G1,GZ,onsite_repair,2026-10-03 09:00,2026-10-03 14:00,2026-10-03 15:00,E1,R1,2026-10-04 10:00,5
G2,GZ,onsite_repair,2026-10-05 09:00,,2026-10-09 11:00,E2,R2,2026-10-10 10:00,2
G3,GZ,installation,2026-10-06 09:00,,2026-10-07 11:00,E1,R2,2026-10-08 10:00,4
G4,GZ,onsite_repair,2026-09-10 09:00,,,E2,R1,,
""",
        "actions": """staff,at,action,ticket
R1,2026-10-03 09:00,intake,G1
R1,2026-10-03 09:10,dispatch,G1
R2,2026-10-05 09:00,intake,G2
R2,2026-10-06 09:00,intake,G3
R2,2026-10-07 09:00,complete,G3
R1,2026-03-02 09:00,intake,
""",
        "deductions": """staff,at,kind,points
E2,2026-10-20 10:00,violation,
R2,2026-10-21 10:00,branch_rule,1.5
""",
    },
    "SZ": {
        "staff": """code,name,role,branch,hired_on
S1,孙丽,rep,SZ,2024-01-01
S2,赵敏,rep,SZ,2026-10-12
F1,吴工,engineer,SZ,2022-01-01
""",
        "tickets": """code,branch,kind,received_at,completed_at,engineer,rep,callback_at,rating
Z1,SZ,inshop_repair,2026-10-01 09:00,2026-10-01 12:00,F1,S1,2026-10-02 10:00,5
Z2,SZ,onsite_repair,2026-10-13 09:00,2026-10-14 12:00,F1,S2,2026-10-15 10:00,4
""",
        "actions": """staff,at,action,ticket
S1,2026-10-01 09:00,intake,Z1
S2,2026-10-13 09:00,intake,Z2
S2,2026-10-14 12:00,complete,Z2
""",
        "deductions": """staff,at,kind,points
F1,2026-10-22 10:00,complaint_media,
""",
    },
}
RANK = ("rank", "--month", "2026-10", "--as-of", "2026-10-31 23:59:59")


def fieldkpi(*args: str) -> str:
    done = subprocess.run(
        [sys.executable, "-m", "fieldkpi", *args], capture_output=True, text=True, timeout=120
    )
    assert done.returncode == 0, done.stderr
    return done.stdout


def imported(folder, name: str, branches: list[str]):
    """A database holding the branches' files, loaded by `fieldkpi import`."""
    files = []
    for branch in branches:
        for kind, text in BRANCHES[branch].items():
            path = folder / f"{name}-{branch}-{kind}.csv"
            path.write_text(text, encoding="utf-8")
            files.append(str(path))
    db = folder / f"{name}.db"
    assert main(["import", "--db", str(db), *files]) == 0  # in-process: the same command, faster
    return db


@pytest.fixture(scope="module")
def exports(tmp_path_factory):
    """Both branches ranked from one database, and each from its own, as files."""
    folder = tmp_path_factory.mktemp("merge")
    both = imported(folder, "both", ["GZ", "SZ"])
    gz, sz = imported(folder, "gz", ["GZ"]), imported(folder, "sz", ["SZ"])
    fieldkpi(*RANK, "--db", str(gz), "--format", "csv", "-o", str(folder / "gz.csv"))
    fieldkpi(*RANK, "--db", str(sz), "--format", "toml", "-o", str(folder / "sz.toml"))
    for fmt in ("csv", "toml"):
        assert (
            main([*RANK, "--db", str(both), "--format", fmt, "-o", str(folder / f"both.{fmt}")])
            == 0
        )
    return {
        "folder": folder,
        "csv": (folder / "both.csv").read_text(encoding="utf-8"),
        "toml": (folder / "both.toml").read_text(encoding="utf-8"),
        "files": [str(folder / "sz.toml"), str(folder / "gz.csv")],  # any order
    }


def test_merged_branches_are_the_ranking_of_one_database(exports):
    merged_csv = fieldkpi("rank", "--merge", *exports["files"], "--format", "csv")
    assert merged_csv == exports["csv"]
    assert "'-王芳" in merged_csv  # still quoted against spreadsheet formulas
    merged_toml = fieldkpi("rank", "--merge", *exports["files"], "--format", "toml")
    assert merged_toml == exports["toml"]
    assert 'name = "-王芳"' in merged_toml
    lines = merged_csv.splitlines()
    assert [line.split(",")[3:5] for line in lines[1:]] == [
        ["GZ", "rep"],
        ["GZ", "rep"],
        ["GZ", "engineer"],
        ["GZ", "engineer"],
        ["SZ", "rep"],
        ["SZ", "rep"],
        ["SZ", "engineer"],
    ]


def test_merged_table_shows_every_branch(exports, capsys):
    assert main(["rank", "--merge", *exports["files"], "--month", "2026-10"]) == 0
    table = capsys.readouterr().out
    assert "GZ" in table and "SZ" in table
    assert "孙丽" in table and "-王芳" in table
    assert "as of 2026-10-31 23:59:59" in table


def refused(capsys, *args: str) -> str:
    assert main(["rank", *args]) == 2
    captured = capsys.readouterr()
    assert captured.out == ""
    return captured.err.strip()


def test_the_same_branch_twice_is_refused(exports, capsys):
    gz = str(exports["folder"] / "gz.csv")
    again = exports["folder"] / "gz-again.csv"
    again.write_bytes((exports["folder"] / "gz.csv").read_bytes())
    error = refused(capsys, "--merge", gz, str(again))
    assert (
        error == f"fieldkpi: {again}:2: branch GZ is also in {gz} (line 2): give each branch once"
    )


def test_files_of_different_months_are_refused(exports, capsys):
    september = exports["folder"] / "sz-september.csv"
    text = (exports["folder"] / "gz.csv").read_text(encoding="utf-8-sig")
    september.write_text(text.replace("2026-10,", "2026-09,").replace("GZ", "SZ"))
    error = refused(capsys, "--merge", exports["files"][1], str(september))
    assert error.startswith(f"fieldkpi: {september}:2: period 2026-09, but ")
    assert "merge one month" in error
    error = refused(capsys, "--merge", exports["files"][1], "--month", "2026-09")
    assert error == f"fieldkpi: {exports['files'][1]}:2: period 2026-10, but --month is 2026-09"


def test_malformed_files_are_refused_with_file_and_line(exports, capsys):
    folder = exports["folder"]
    lines = (folder / "gz.csv").read_text(encoding="utf-8-sig").splitlines()
    bad_total = folder / "bad-total.csv"
    fields = lines[3].split(",")
    fields[20] = "lots"  # total
    bad_total.write_text("\n".join([*lines[:3], ",".join(fields)]) + "\n")
    assert refused(capsys, "--merge", str(bad_total)) == (
        f"fieldkpi: {bad_total}:4: total: 'lots' is not a number"
    )

    short = folder / "short.csv"
    short.write_text("\n".join([lines[0], "2026-10,2026-10-31 23:59:59,0,GZ"]) + "\n")
    assert refused(capsys, "--merge", str(short)) == (
        f"fieldkpi: {short}:2: 4 cells, but the header has 30 columns"
    )

    not_ranking = folder / "staff.csv"
    not_ranking.write_text(BRANCHES["GZ"]["staff"])
    assert refused(capsys, "--merge", str(not_ranking)).startswith(
        f"fieldkpi: {not_ranking}:1: not the header of a ranking export (missing period"
    )

    toml = (folder / "sz.toml").read_text().splitlines()
    bad_role = folder / "bad-role.toml"
    second = [n for n, line in enumerate(toml) if line == "[[rows]]"][1]
    bad_role.write_text(
        "\n".join(
            line.replace('"rep"', '"boss"') if n > second else line for n, line in enumerate(toml)
        )
    )
    assert refused(capsys, "--merge", str(bad_role)) == (
        f"fieldkpi: {bad_role}:{second + 1}: role: 'boss' is not rep or engineer"
    )

    broken = folder / "broken.toml"
    broken.write_text("[[rows]]\nperiod = \n")
    assert refused(capsys, "--merge", str(broken)).startswith(
        f"fieldkpi: {broken}:2: not readable as TOML"
    )


def test_month_is_required_without_merge_and_merge_takes_no_database_options(exports, capsys):
    assert refused(capsys) == (
        "fieldkpi: --month YYYY-MM or --quarter YYYY-Qn is required (or --merge FILE…)"
    )
    assert refused(capsys, "--merge", *exports["files"], "--branch", "GZ") == (
        "fieldkpi: --merge takes the rows as exported: drop --branch"
    )
