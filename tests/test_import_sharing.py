"""Imports share the database (issue 11, items 8 and 9).

A long import used to hold the write lock for its whole run (a TUI save failed
after 30 s), to keep every bad row in memory and print them all, to import the
same file twice in one call or with CRLF line endings, and to end a full disk
with a traceback.
"""

from __future__ import annotations

import sqlite3
from datetime import datetime

import pytest
from import_helpers import NOW, STAFF, dump, load, rejected, rows, with_staff, write
from ticket_helpers import seed_staff

from fieldkpi import cli
from storage import import_bad, importer, tickets
from storage.db import open_store
from storage.importer import ImportRejected, import_files

TICKETS = "code,branch,kind,received_at,engineer,rep\n" + "".join(
    f"T{n},GZ,onsite_repair,2026-10-01 09:00,E1,R1\n" for n in range(1, 41)
)


def test_people_save_while_an_import_reads_its_files(store, tmp_path, monkeypatch):
    """While the rows are staged and read, the import holds no lock: another connection
    that waits at most a moment for the write lock saves at once."""
    crew = seed_staff(store)
    monkeypatch.setattr(importer, "BATCH", 10)
    other = open_store(store.path)
    other.conn.execute("PRAGMA busy_timeout = 100")  # a save that had to wait would fail
    saved = []

    def save_while_reading(done, total, *step):
        if not step and done < total:
            ticket = tickets.new_ticket(other, crew.rep, NEW_TICKET, now=NOW)
            saved.append(ticket.code)

    try:
        import_files(store, [write(tmp_path, "t.csv", TICKETS)], progress=save_while_reading)
    finally:
        other.close()
    assert len(saved) == 3  # after 10, 20 and 30 of the 40 rows
    assert rows(store, "SELECT count(*) FROM tickets") == [(43,)]


NEW_TICKET = {
    "customer": "张伟",
    "phone": "13800138000",
    "address": "天河路 1 号",
    "product": "电视",
    "kind": "onsite_repair",
    "fault": "无法开机",
}


@pytest.mark.parametrize("when", ["reading", "writing"])
def test_a_save_made_while_the_import_ran_is_checked_before_it_writes(
    store, tmp_path, monkeypatch, when
):
    """Someone re-dispatches a ticket of the file while the import reads the files, or just
    after it checked them: either way the import checks it before it writes (the second time
    because the database changed since its check) and refuses to undo it."""
    crew = seed_staff(store)
    import_files(store, [write(tmp_path, "t.csv", TICKETS)], now=NOW)
    monkeypatch.setattr(importer, "BATCH", 10)
    other = open_store(store.path)
    stale = write(tmp_path, "t2.csv", TICKETS)

    def redispatch(done, total, step="reading"):
        ticket = tickets.get_ticket(other, crew.rep, "T40")
        if step == when and ticket.engineer != "E2":
            tickets.dispatch(
                other, crew.rep, "T40", ticket.version, "E2", now=datetime(2026, 11, 6)
            )

    try:
        with pytest.raises(ImportRejected) as refusal:
            import_files(store, [stale], progress=redispatch, now=datetime(2026, 11, 7))
    finally:
        other.close()
    assert [str(bad) for bad in refusal.value.bad_rows] == [
        f"{stale}:41: engineer: 王芳 (R1) changed it in the TUI on 2026-11-06 00:00:00, after the "
        "ticket was last imported: it is E2, the file says E1 (--force applies the file)"
    ]
    assert rows(store, "SELECT engineer FROM tickets WHERE code = 'T40'") == [("E2",)]


def test_a_file_of_bad_rows_lists_the_first_and_counts_the_rest(
    store, tmp_path, monkeypatch, capsys
):
    monkeypatch.setattr(import_bad, "LISTED", 3)
    with_staff(store, tmp_path)
    text = "staff,month,days\n" + "".join(f"R1,2026-{n:02d},40\n" for n in range(1, 13))
    path = write(tmp_path, "a.csv", text)
    assert rejected(store, [path]) == [
        f"{path}:2: days: 40 is outside 0–31",
        f"{path}:3: days: 40 is outside 0–31",
        f"{path}:4: days: 40 is outside 0–31",
        "… and 9 more bad rows, not listed",
    ]
    store.close()
    assert cli.main(["import", "--lang", "en", "--db", store.path, str(path)]) == 2
    assert capsys.readouterr().err.splitlines()[-2:] == [
        "… and 9 more bad rows, not listed",
        "12 bad rows: nothing was imported",
    ]


def test_the_same_file_of_actions_twice_in_one_call_is_refused(store, tmp_path):
    with_staff(store, tmp_path)
    first = write(tmp_path, "a.csv", "staff,at,action\nR1,2026-10-01 09:00,intake\n")
    copy = write(tmp_path, "copy.csv", "staff,at,action\nR1,2026-10-01 09:00,intake\n")
    assert rejected(store, [first, copy]) == [
        f"{copy}:1: this file is the same as {first}, given before it; its rows would count "
        "twice. Give it twice with --again only if that is what you mean"
    ]
    import_files(store, [first, copy], again=True)
    assert rows(store, "SELECT count(*) FROM actions") == [(2,)]


def test_the_same_rows_with_crlf_line_endings_are_the_same_file(store, tmp_path):
    with_staff(store, tmp_path)
    text = "staff,at,action\nR1,2026-10-01 09:00,intake\nR2,2026-10-01 10:00,dispatch\n"
    import_files(store, [write(tmp_path, "a.csv", text)], now=NOW)
    windows = write(tmp_path, "a-excel.csv", text.replace("\n", "\r\n"), bom=True)
    assert rejected(store, [windows]) == [
        f"{windows}:1: this file was already imported on 2026-11-05 08:30:00 (as "
        f"{tmp_path / 'a.csv'}); its rows would count twice. Import it again with --again only "
        "if that is what you mean"
    ]


def test_a_file_imported_before_this_change_is_still_known_by_its_bytes(store, tmp_path):
    """imported_files of earlier versions holds the digest of the bytes, CRLF and all."""
    import hashlib

    with_staff(store, tmp_path)
    path = write(tmp_path, "a.csv", "staff,at,action\r\nR1,2026-10-01 09:00,intake\r\n")
    with store.write() as db:
        db.execute(
            "INSERT INTO imported_files (sha256, name, kind, rows, at) VALUES (?, ?, ?, 1, ?)",
            (hashlib.sha256(path.read_bytes()).hexdigest(), "old.csv", "actions", "2026-10-02"),
        )
    assert len(rejected(store, [path])) == 1


def test_a_full_disk_is_one_line_exit_1_and_nothing_written(tmp_path, capsys, monkeypatch):
    db = tmp_path / "b.db"
    store = open_store(db)
    load(store, tmp_path, staff=STAFF)
    before = dump(store)
    pages = store.scalar("PRAGMA page_count")
    store.close()

    def full_disk(args):
        opened = open_store(db)
        opened.conn.execute(f"PRAGMA max_page_count = {pages + 2}")
        return opened

    monkeypatch.setattr(cli, "open_db", full_disk)
    big = "code,branch,kind,received_at,fault\n" + "".join(
        f"T{n},GZ,onsite_repair,2026-10-01 09:00,{'故障' * 200}\n" for n in range(400)
    )
    path = write(tmp_path, "t.csv", big)
    assert cli.main(["import", "--lang", "en", "--db", str(db), str(path)]) == 1
    assert capsys.readouterr().err.splitlines() == [
        "fieldkpi: the disk is full (or the database has reached its size limit): nothing was "
        "imported"
    ]
    store = open_store(db)
    try:
        assert dump(store) == before
    finally:
        store.close()


def test_staging_writes_nothing_to_the_database_file(store, tmp_path, monkeypatch):
    """The rows are staged in a private database beside it, not in the branch's."""
    with_staff(store, tmp_path)
    seen = []

    def look(done, total, *step):
        if not step:
            found = store.conn.execute(
                "SELECT name FROM main.sqlite_master WHERE name LIKE 'import%'"
                " AND name NOT LIKE 'imported_files%'"
            ).fetchall()
            seen.append(found)

    import_files(store, [write(tmp_path, "t.csv", TICKETS)], progress=look)
    assert seen and all(found == [] for found in seen)
    with pytest.raises(sqlite3.OperationalError):
        store.conn.execute("SELECT * FROM import_stage.s0")  # detached when done


def test_two_imports_of_the_same_actions_at_once_write_it_once(store, tmp_path):
    """The second import to write sees that the first one wrote the file meanwhile."""
    with_staff(store, tmp_path)
    actions = write(tmp_path, "a.csv", "staff,at,action\nR1,2026-10-01 09:00,intake\n")
    other = open_store(store.path)

    def the_other_imports_it(done, total, step="reading"):
        if step == "writing":
            import_files(other, [actions], now=NOW)

    try:
        with pytest.raises(ImportRejected) as refusal:
            import_files(store, [actions], progress=the_other_imports_it, now=NOW)
    finally:
        other.close()
    assert str(refusal.value) == (
        f"{actions}:1: this file was already imported on {NOW:%Y-%m-%d %H:%M:%S} (as "
        f"{actions}); its rows would count twice. Import it again with --again only if that is "
        "what you mean"
    )
    assert rows(store, "SELECT count(*) FROM actions") == [(1,)]
