"""Who may open the TUI: the login decides, and a wrong one is told what to do."""

from __future__ import annotations

import subprocess
import sys

import pytest

STAFF = """code,name,role,branch,hired_on,left_on,login
R1,张伟,rep,GZ,2025-01-01,,zhangwei
X1,赵敏,rep,GZ,2023-01-01,2026-09-15,zhaomin
"""


def fieldkpi(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "fieldkpi", *args],
        capture_output=True,
        text=True,
        timeout=60,
        stdin=subprocess.DEVNULL,
    )


@pytest.fixture
def db(tmp_path):
    (tmp_path / "staff.csv").write_text(STAFF, encoding="utf-8")
    path = tmp_path / "branch.db"
    assert fieldkpi("import", "--db", str(path), str(tmp_path / "staff.csv")).returncode == 0
    return path


def test_unknown_login_says_how_to_add_one(db):
    result = fieldkpi("--db", str(db), "--as", "nobody", "--lang", "en")
    assert result.returncode == 2
    assert "no staff member has the login 'nobody'" in result.stderr
    assert "fieldkpi import staff.csv" in result.stderr
    assert "Traceback" not in result.stderr


def test_someone_who_left_can_no_longer_sign_in(db):
    result = fieldkpi("--db", str(db), "--as", "zhaomin", "--lang", "zh")
    assert result.returncode == 2
    assert result.stderr.strip() == "fieldkpi: 赵敏（zhaomin）已于 2026-09-15 离职，不能再登录"
