"""Opening a database: the wrong file gets one clear line and is left exactly as it was."""

from __future__ import annotations

import os
import sqlite3
import subprocess
import sys

import pytest
import sqlite_utils

from storage.db import open_store
from storage.errors import DatabaseUnusable
from storage.migrations import known_versions, migrations


def fieldkpi(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "fieldkpi", *args], capture_output=True, text=True, timeout=60
    )


def test_new_database_gets_the_current_schema_in_wal_mode(tmp_path):
    store = open_store(tmp_path / "new.db")
    assert store.scalar("PRAGMA user_version") == len(known_versions())
    assert store.scalar("PRAGMA journal_mode") == "wal"
    assert store.scalar("PRAGMA foreign_keys") == 1
    store.close()


def test_oldest_schema_is_migrated_in_place_keeping_its_data(tmp_path):
    path = tmp_path / "old.db"
    conn = sqlite3.connect(path)
    db = sqlite_utils.Database(conn)
    migrations.apply(db, stop_before=known_versions()[1])
    db.execute("PRAGMA user_version = 1")
    db.execute("INSERT INTO branches (code, name) VALUES ('GZ', '广州分公司')")
    conn.commit()
    conn.close()

    store = open_store(path)
    assert store.scalar("PRAGMA user_version") == len(known_versions())
    assert store.query("SELECT code, name FROM branches")[0][:] == ("GZ", "广州分公司")
    store.close()


def _untouched(path, check):
    before = path.read_bytes()
    mtime = os.stat(path).st_mtime_ns
    check()
    assert path.read_bytes() == before
    assert os.stat(path).st_mtime_ns == mtime
    assert not path.with_name(path.name + "-wal").exists()


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"code,name\nR1,Zhang\n", "not a SQLite database"),
        (
            b"SQLite format 3\x00" + b"\x00" * 84 + b"garbage" * 100,
            "not a usable fieldkpi database",
        ),
    ],
)
def test_a_file_that_is_not_a_fieldkpi_database_is_refused(tmp_path, content, message):
    path = tmp_path / "staff.db"
    path.write_bytes(content)

    def check():
        with pytest.raises(DatabaseUnusable, match=message):
            open_store(path)

    _untouched(path, check)


def test_someone_elses_sqlite_database_is_refused(tmp_path):
    path = tmp_path / "other.db"
    conn = sqlite3.connect(path)
    conn.execute("CREATE TABLE invoices (id INTEGER)")
    conn.commit()
    conn.close()
    _untouched(path, lambda: _refused(path, "not a fieldkpi one"))


def _refused(path, message):
    with pytest.raises(DatabaseUnusable, match=message):
        open_store(path)


def test_a_database_from_a_newer_fieldkpi_is_refused(tmp_path):
    path = tmp_path / "newer.db"
    open_store(path).close()
    conn = sqlite3.connect(path)
    conn.execute(f"PRAGMA user_version = {len(known_versions()) + 1}")
    conn.commit()
    conn.close()
    _untouched(path, lambda: _refused(path, "newer fieldkpi"))


def test_a_new_database_in_a_folder_that_does_not_exist_is_refused_and_no_folder_made(tmp_path):
    _refused(tmp_path / "srv" / "branch.db", "srv: no such folder")
    assert list(tmp_path.iterdir()) == []


def test_a_directory_and_a_read_only_file_are_refused(tmp_path):
    _refused(tmp_path, "is a directory")
    path = tmp_path / "ro.db"
    open_store(path).close()
    path.chmod(0o444)
    try:
        _untouched(path, lambda: _refused(path, "read-only"))
    finally:
        path.chmod(0o644)


@pytest.mark.parametrize("command", [["rank", "--month", "2026-10"], ["import", "x.csv"]])
def test_cli_says_one_line_and_exits_2_for_a_non_sqlite_db(tmp_path, command):
    path = tmp_path / "notes.txt"
    path.write_text("这不是数据库\n", encoding="utf-8")
    (tmp_path / "x.csv").write_text("staff,month,days\n", encoding="utf-8")
    args = [*command[:1], "--db", str(path), *command[1:]]
    if command[0] == "import":
        args[-1] = str(tmp_path / "x.csv")
    result = fieldkpi(*args)
    assert result.returncode == 2
    assert result.stderr.strip().splitlines() == [f"fieldkpi: {path}: not a SQLite database"]
    assert "Traceback" not in result.stderr
    assert path.read_text(encoding="utf-8") == "这不是数据库\n"
