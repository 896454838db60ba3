"""The database file itself: damaged, tampered with, backed up while in use, and checked.

A damaged file gets one clear line and is left as it was; history, deductions
and closings refuse any rewrite through SQL (a mistaken deduction is withdrawn
through a review, never edited); ``fieldkpi backup`` takes a sound copy while
another process keeps saving, and ``fieldkpi check`` says what is wrong.
"""

from __future__ import annotations

import contextlib
import multiprocessing
import os
import shutil
import signal
import sqlite3
from datetime import datetime
from pathlib import Path

import pytest
from month_helpers import AFTER_OCTOBER, DEFAULT, OCTOBER, STAFF, load, person
from reliability_helpers import save_forever, ticket_invariants, wait_until
from ticket_helpers import TICKET_FIELDS, seed_staff

from fieldkpi import cli
from storage import tickets
from storage.closing import close_month
from storage.db import open_store
from storage.importer import import_files
from storage.maintenance import BackupFailed, backup, check
from storage.people import staff_by_code

PAGE = 4096


@contextlib.contextmanager
def untouched(path: Path):
    """The file keeps its bytes and its modification time, and no -wal is left beside it."""
    before, mtime = path.read_bytes(), path.stat().st_mtime_ns
    yield
    assert path.read_bytes() == before
    assert path.stat().st_mtime_ns == mtime
    assert not path.with_name(path.name + "-wal").exists()


def run(capsys, *args: str) -> tuple[int, list[str], list[str]]:
    """``fieldkpi ARGS`` in this process: exit status, standard output and error lines."""
    status = cli.main([*args, "--lang", "en"])
    out, err = capsys.readouterr()
    return status, out.splitlines(), err.splitlines()


# ------------------------------------------------------------ a damaged file


@pytest.fixture
def damaged(tmp_path) -> Path:
    """A real branch database (3,000 tickets) with pages in the middle overwritten."""
    db = tmp_path / "branch.db"
    staff, tickets_csv = tmp_path / "staff.csv", tmp_path / "tickets.csv"
    staff.write_text("code,name,role,branch\nR1,王芳,rep,GZ\nE1,张伟,engineer,GZ\n", "utf-8")
    tickets_csv.write_text(
        "code,branch,kind,received_at,completed_at,engineer,rep\n"
        + "".join(
            f"T{n:05d},GZ,onsite_repair,2026-10-01 09:00,2026-10-02 10:00,E1,R1\n"
            for n in range(3000)
        ),
        encoding="utf-8",
    )
    store = open_store(db)
    import_files(store, [staff, tickets_csv])
    store.close()
    pages = db.stat().st_size // PAGE
    with db.open("r+b") as fh:
        for page in range(pages // 3, 2 * pages // 3):
            fh.seek(page * PAGE)
            fh.write(bytes([0xA5, 0x5A] * (PAGE // 2)))
    return db


def test_a_damaged_database_gets_one_line_and_exit_1_from_every_command(damaged, tmp_path, capsys):
    again = tmp_path / "again.csv"
    again.write_text(
        "code,branch,kind,received_at\nT00001,GZ,installation,2026-10-01 09:00\n", "utf-8"
    )
    expected = (
        f"fieldkpi: {damaged}: the database is damaged (database disk image is malformed);"
        " run `fieldkpi check` and restore the latest backup"
    )
    # Judged on its first day, before the completions of the 2nd, the month is counted from
    # the tickets themselves (a month judged whole, or one with nothing dated after as-of,
    # reads only the small month counts of m010, which the damage here does not reach).
    cut_short = ("--as-of", "2026-10-01 12:00:00")
    with untouched(damaged):
        assert run(capsys, "rank", "--db", str(damaged), "--month", "2026-10", *cut_short) == (
            1,
            [],
            [expected],
        )
        assert run(capsys, "import", "--db", str(damaged), str(again)) == (1, [], [expected])


def test_check_reports_the_damage_and_backup_refuses_to_copy_it(damaged, tmp_path, capsys):
    last_good = tmp_path / "nightly.db"  # yesterday's good backup
    yesterday = sqlite3.connect(last_good)
    yesterday.execute("CREATE TABLE staff (code)")
    yesterday.close()
    good = last_good.read_bytes()
    with untouched(damaged):
        status, out, err = run(capsys, "check", "--db", str(damaged))
        assert (status, out) == (1, [])
        assert err[0].startswith(f"{damaged}: integrity: ")
        assert err[-2:] == [
            f"{damaged}: foreign keys: stopped by database disk image is malformed",
            f"{damaged}: {len(err) - 1} problems found",
        ]

        status, out, err = run(capsys, "backup", "--db", str(damaged), str(last_good))
        assert (status, out, len(err)) == (1, [], 1), err
        assert err[0].startswith(f"fieldkpi: {damaged}: the copy fails the integrity check (")
        assert err[0].endswith("), so no backup was written; run `fieldkpi check`")
    assert last_good.read_bytes() == good
    assert not [p.name for p in tmp_path.iterdir() if p.name.endswith(".part")]


# ------------------------------------------------------------ history cannot be rewritten


@pytest.fixture
def closed(store):
    """October of GZ with tickets, a deduction and a closing with its frozen rows."""
    load(
        store,
        staff=STAFF,
        tickets="code,branch,kind,received_at,completed_at,engineer,rep\n"
        "T1,GZ,onsite_repair,2026-10-01 09:00,2026-10-01 15:00,E1,R1\n",
        deductions="staff,at,kind,ticket\nE1,2026-10-05 10:00,violation,T1\n",
    )
    close_month(store, person(store, "L1"), "GZ", OCTOBER, DEFAULT, AFTER_OCTOBER)
    return store


TAMPERING = [
    ("ticket_history", "UPDATE ticket_history SET new = 'R2'"),
    ("ticket_history", "DELETE FROM ticket_history"),
    (
        "ticket_history",
        "INSERT OR REPLACE INTO ticket_history (id, ticket, at, by, step)"
        " VALUES (1, 'T1', '2026-10-01 09:00:00', 'R2', 'create')",
    ),
    ("deductions", "UPDATE deductions SET kind = 'backfill'"),
    ("deductions", "DELETE FROM deductions WHERE staff = 'E1'"),
    (
        "deductions",
        "REPLACE INTO deductions (id, staff, at, kind) VALUES (1, 'E1', '2026-10-05', 'backfill')",
    ),
    (
        "deductions",
        "INSERT INTO deductions (id, staff, at, kind) VALUES (1, 'E1', '2026-10-05', 'backfill')"
        " ON CONFLICT (id) DO UPDATE SET kind = 'backfill'",
    ),
    ("month_closings", "UPDATE month_closings SET by = 'A1'"),
    ("month_closings", "DELETE FROM month_closings"),
    ("month_closings", "INSERT OR REPLACE INTO month_closings SELECT * FROM month_closings"),
    ("frozen_rows", "UPDATE frozen_rows SET total = '100'"),
    ("frozen_rows", "DELETE FROM frozen_rows"),
    ("frozen_rows", "INSERT OR REPLACE INTO frozen_rows SELECT * FROM frozen_rows"),
]


@pytest.mark.parametrize(("table", "sql"), TAMPERING)
def test_history_deductions_and_closings_refuse_any_rewrite_through_sql(closed, table, sql):
    conn = sqlite3.connect(closed.path)  # anyone with the file, not through fieldkpi
    try:
        before = conn.execute(f"SELECT * FROM {table} ORDER BY 1, 2").fetchall()
        assert before
        with pytest.raises(sqlite3.IntegrityError, match=f"{table} is append-only"):
            conn.execute(sql)
        conn.commit()
        assert conn.execute(f"SELECT * FROM {table} ORDER BY 1, 2").fetchall() == before
    finally:
        conn.close()


# ------------------------------------------------------------ backups


@pytest.mark.slow
def test_a_backup_taken_while_another_process_saves_restores_to_a_consistent_point(
    store, tmp_path, capsys
):
    seed_staff(store)
    spawn = multiprocessing.get_context("spawn")
    writer = spawn.Process(target=save_forever, args=(store.path, "R1"))

    def saves() -> int:
        return store.scalar("SELECT count(*) FROM actions")

    writer.start()
    try:
        wait_until(lambda: saves() >= 40, what="the writer's first saves")
        copies = []
        for n in range(3):
            low = saves()
            status, out, err = run(capsys, "backup", "--db", store.path, str(tmp_path / f"b{n}.db"))
            assert (status, err) == (0, [])
            assert out[0].startswith(f"backed up {store.path} to {tmp_path / f'b{n}.db'} (")
            copies.append((tmp_path / f"b{n}.db", low, saves()))
        last = saves()
        wait_until(lambda: saves() > last, what="saves after the backups")  # it never stopped
    finally:
        os.kill(writer.pid, signal.SIGKILL)
        writer.join(timeout=30)

    for copy, low, high in copies:
        assert not copy.with_name(copy.name + "-wal").exists()
        restored = tmp_path / "restored.db"
        shutil.copyfile(copy, restored)
        assert check(restored).problems == []
        again = open_store(restored)
        try:
            assert low <= again.scalar("SELECT count(*) FROM actions") <= high
            assert ticket_invariants(again) == []  # no save caught halfway
            rep = staff_by_code(again, "R1")
            assert tickets.new_ticket(again, rep, TICKET_FIELDS).version == 1  # work goes on
        finally:
            again.close()
        restored.unlink()


def test_a_backup_into_a_folder_gets_a_dated_name_and_the_databases_permissions(store, tmp_path):
    seed_staff(store)
    Path(store.path).chmod(0o660)
    folder = tmp_path / "backups"
    folder.mkdir()
    written = backup(store.path, folder, now=datetime(2026, 11, 5, 3, 0))
    assert written == folder / "fieldkpi-20261105-030000.db"
    assert written.stat().st_mode & 0o777 == 0o660
    assert sorted(p.name for p in folder.iterdir()) == ["fieldkpi-20261105-030000.db"]
    conn = sqlite3.connect(written)
    assert conn.execute("PRAGMA journal_mode").fetchone()[0] == "delete"
    assert conn.execute("SELECT count(*) FROM staff").fetchone()[0] == 9
    conn.close()


def test_a_backup_is_refused_onto_the_database_or_into_a_missing_folder(store, tmp_path, capsys):
    with pytest.raises(BackupFailed, match="that is the database itself"):
        backup(store.path, store.path)
    missing = tmp_path / "nowhere" / "b.db"
    assert run(capsys, "backup", "--db", store.path, str(missing)) == (
        2,  # bad input, as interfaces.md has it
        [],
        [f"fieldkpi: {missing}: cannot write there (no such folder)"],
    )
    assert run(capsys, "backup", "--db", str(tmp_path / "none.db"), str(tmp_path / "b.db")) == (
        2,
        [],
        [f"fieldkpi: {tmp_path / 'none.db'}: no such database"],
    )


# ------------------------------------------------------------ check


def test_check_says_ok_for_a_sound_database(store, capsys):
    seed_staff(store)
    assert run(capsys, "check", "--db", store.path) == (
        0,
        [f"{store.path}: ok (integrity, foreign keys, append-only guards)"],
        [],
    )


def test_check_names_broken_references_and_a_missing_guard(store, capsys):
    seed_staff(store)
    conn = sqlite3.connect(store.path)  # foreign keys are off on a plain connection
    rowid = conn.execute(
        "INSERT INTO actions (staff, at, action) VALUES ('ZZ', '2026-10-01', 'intake')"
    ).lastrowid
    conn.execute("DROP TRIGGER deductions_no_update")
    conn.commit()
    conn.close()
    assert run(capsys, "check", "--db", store.path) == (
        1,
        [],
        [
            f"{store.path}: foreign keys: actions names a missing staff in 1 row(s) (rowid {rowid})",
            f"{store.path}: deductions: an UPDATE goes through: its rows can be rewritten",
            f"{store.path}: 2 problems found",
        ],
    )
