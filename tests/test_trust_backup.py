"""``fieldkpi backup`` never lands on the database's companions (issue 11, item 2), nor takes
in anything but the database.

While anyone works, ``branch.db-wal`` holds committed saves not yet in
``branch.db`` and ``branch.db-shm`` the other sessions' locks: a backup renamed
over either loses work or damages the database under a live session. Named
directly, through ``..``, a symlink or a hard link, they are refused and stay
exactly as they were.

The destination's own companions are as dangerous the other way: a ``-wal``
left beside it by a database that was there (or is still open) is replayed
by SQLite into the backup the moment it is opened. Such a destination, and a
file that is not a database, are refused (exit status 2, like every bad
input); two backups into a folder in the same second both stay.
"""

from __future__ import annotations

import os
import sqlite3
import subprocess
import sys
from datetime import datetime
from pathlib import Path

import pytest
from ticket_helpers import seed_staff

from fieldkpi import cli
from storage.maintenance import BackupFailed, backup


def run(capsys, *args: str) -> tuple[int, list[str]]:
    status = cli.main([*args, "--lang", "en"])
    return status, capsys.readouterr().err.splitlines()


@pytest.fixture
def live(store):
    """A database in use: its -wal and -shm exist and the -wal holds the staff not checkpointed."""
    seed_staff(store)
    db = Path(store.path)
    assert db.with_name(db.name + "-wal").stat().st_size > 0
    return store, db


@pytest.mark.parametrize("suffix", ["-wal", "-shm", "-journal"])
def test_a_companion_is_refused_as_the_destination(live, capsys, suffix):
    store, db = live
    companion = db.with_name(db.name + suffix)
    before = companion.read_bytes() if companion.exists() else None
    status, err = run(capsys, "backup", "--db", str(db), str(companion))
    assert status == 2
    assert err == [
        f"fieldkpi: {companion}: that is {companion}, part of the database while it is in use: "
        "replacing it would damage the database"
    ]
    assert (companion.read_bytes() if companion.exists() else None) == before
    assert store.scalar("SELECT count(*) FROM staff") == 9  # the session reads on


def test_a_path_that_resolves_to_the_wal_is_refused(live, tmp_path):
    store, db = live
    wal = db.with_name(db.name + "-wal")
    before = wal.read_bytes()
    roundabout = tmp_path / "sub" / ".." / wal.name
    (tmp_path / "sub").mkdir()
    link = tmp_path / "latest.db"
    link.symlink_to(wal)
    hard = tmp_path / "hard.db"
    os.link(wal, hard)
    for dest in (roundabout, link, hard):
        with pytest.raises(BackupFailed, match="part of the database while it is in use"):
            backup(store.path, dest)
    assert wal.read_bytes() == before
    assert backup(store.path, tmp_path / "good.db").exists()  # an ordinary file is fine


def test_the_database_itself_is_bad_input(live, capsys):
    _store, db = live
    assert run(capsys, "backup", "--db", str(db), str(db)) == (
        2,
        [f"fieldkpi: {db}: that is the database itself"],
    )


# ---------------------------------------------------------------- what is at the destination


def name_of_first(path: Path) -> str:
    conn = sqlite3.connect(path)
    try:
        return conn.execute("SELECT name FROM staff ORDER BY code LIMIT 1").fetchone()[0]
    finally:
        conn.close()


def die_with_a_change_unsaved_to_the_file(path: Path) -> None:
    """Another process changes ``path`` in WAL mode and dies: the change stays in ``path-wal``."""
    code = (
        "import os, sqlite3, sys; c = sqlite3.connect(sys.argv[1]);"
        "c.execute('PRAGMA journal_mode = WAL');"
        "c.execute(\"UPDATE staff SET name = 'STALE'\"); c.commit(); os._exit(0)"
    )
    done = subprocess.run([sys.executable, "-c", code, str(path)], capture_output=True, timeout=60)
    assert done.returncode == 0, done.stderr


def test_a_wal_left_beside_the_destination_is_never_taken_into_the_backup(live, tmp_path, capsys):
    store, db = live
    old = tmp_path / "old.db"
    copy = sqlite3.connect(old)
    store.conn.backup(copy)  # an earlier copy of the database, opened and left with a -wal
    copy.close()
    die_with_a_change_unsaved_to_the_file(old)
    wal = old.with_name("old.db-wal")
    before = {path: path.read_bytes() for path in (old, wal)}
    assert wal.stat().st_size > 0
    status, err = run(capsys, "backup", "--db", str(db), str(old))
    assert status == 2
    assert err == [
        f"fieldkpi: {old}: {wal} lies beside it, from a database that was there or is still "
        "open, and SQLite would apply it to the backup: give another name, or move that "
        "database and its -wal, -shm and -journal aside first"
    ]
    assert {path: path.read_bytes() for path in before} == before
    assert name_of_first(old) == "STALE"  # the leftover is still that database's
    assert name_of_first(Path(store.path)) != "STALE"


@pytest.mark.parametrize("suffix", ["-wal", "-shm", "-journal"])
def test_any_companion_beside_the_destination_is_refused(live, tmp_path, capsys, suffix):
    _store, db = live
    folder = tmp_path / "backups"
    folder.mkdir()
    dest, leftover = folder / "b.db", folder / f"b.db{suffix}"
    leftover.write_bytes(b"another database's")
    status, err = run(capsys, "backup", "--db", str(db), str(dest))
    assert status == 2 and err[0].startswith(f"fieldkpi: {dest}: {leftover} lies beside it")
    assert leftover.read_bytes() == b"another database's"
    assert [p.name for p in folder.iterdir()] == [leftover.name]  # no .part left


def test_a_file_that_is_not_a_database_is_not_replaced(live, tmp_path, capsys):
    _store, db = live
    folder = tmp_path / "backups"
    folder.mkdir()
    notes = folder / "notes.txt"
    notes.write_text("the notes typed by mistake as DEST", encoding="utf-8")
    status, err = run(capsys, "backup", "--db", str(db), str(notes))
    assert (status, err) == (
        2,
        [
            f"fieldkpi: {notes}: not a SQLite database, so no backup replaces it: give "
            "another name, or a folder"
        ],
    )
    assert notes.read_text(encoding="utf-8") == "the notes typed by mistake as DEST"
    assert [p.name for p in folder.iterdir()] == ["notes.txt"]


def test_an_earlier_backup_is_replaced(live, tmp_path, capsys):
    store, db = live
    dest = tmp_path / "nightly.db"
    assert run(capsys, "backup", "--db", str(db), str(dest))[0] == 0
    with store.write() as write:
        write.execute("UPDATE staff SET name = 'NEW' WHERE code = 'R1'")
    assert run(capsys, "backup", "--db", str(db), str(dest))[0] == 0
    conn = sqlite3.connect(dest)
    assert conn.execute("SELECT name FROM staff WHERE code = 'R1'").fetchone() == ("NEW",)
    conn.close()


# ---------------------------------------------------------------- a folder


def test_two_backups_into_a_folder_in_the_same_second_both_stay(live, tmp_path):
    store, db = live
    folder = tmp_path / "backups"
    folder.mkdir()
    second = datetime(2026, 11, 5, 3, 0)
    first = backup(db, folder, now=second)
    with store.write() as write:
        write.execute("UPDATE staff SET name = 'LATER' WHERE code = 'R1'")
    later = backup(db, folder, now=second)
    assert (first.name, later.name) == (
        "fieldkpi-20261105-030000.db",
        "fieldkpi-20261105-030000-2.db",
    )
    assert sorted(p.name for p in folder.iterdir()) == [later.name, first.name]
    assert name_of_first(first) != "LATER"


def test_a_dated_name_with_leftovers_beside_it_is_passed_over(live, tmp_path, monkeypatch):
    """On a filesystem without hard links too (FAT, some shares), where the name is checked
    before the copy is renamed to it."""
    _store, db = live
    folder = tmp_path / "backups"
    folder.mkdir()
    (folder / "fieldkpi-20261105-030000.db-wal").write_bytes(b"another database's")

    def no_hard_links(*args):
        raise PermissionError(1, "Operation not permitted")

    monkeypatch.setattr(os, "link", no_hard_links)
    second = datetime(2026, 11, 5, 3, 0)
    written = [backup(db, folder, now=second).name for _ in range(2)]
    assert written == ["fieldkpi-20261105-030000-2.db", "fieldkpi-20261105-030000-3.db"]
