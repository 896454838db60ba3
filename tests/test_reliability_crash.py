"""Killed with SIGKILL, mid-import or mid-save: the database holds all of a write or none of it.

The import runs as `fieldkpi import` does for a person, its progress on a
terminal (a pty), and is killed as soon as the progress shows the point
wanted; a writer process saving tickets in a loop is killed after a number of
saves. Nothing is guessed with sleeps: every wait polls for what it waits for.
"""

from __future__ import annotations

import multiprocessing
import os
import pty
import re
import select
import signal
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path

import pytest
from reliability_helpers import save_forever, ticket_invariants, wait_until
from ticket_helpers import seed_staff

from storage.db import open_store
from storage.importer import import_files
from storage.maintenance import check

ROWS = 10_000  # five batches of the importer: progress to kill at
PROGRESS = re.compile(r"importing… ([\d,]+) / ([\d,]+) rows")
STAFF = "code,name,role,branch\nR1,王芳,rep,GZ\nE1,张伟,engineer,GZ\n"


def write_tickets(path: Path, rows: int) -> None:
    with path.open("w", encoding="utf-8", newline="") as out:
        out.write("code,branch,kind,received_at,completed_at,engineer,rep,customer,fault\n")
        for n in range(rows):
            out.write(
                f"T{n:06d},GZ,onsite_repair,2026-10-{1 + n % 28:02d} 09:00,"
                f"2026-10-{1 + n % 28:02d} 17:30,E1,R1,客户{n},无法开机 “{n}”\n"
            )


# `fieldkpi` as installed, and the same with the importer's switch to dropping the ticket
# indexes and building them again lowered to this file's size (it is for files of a million).
COMMANDS = {
    "rows-into-indexes": [sys.executable, "-m", "fieldkpi"],
    "indexes-rebuilt": [
        sys.executable,
        "-c",
        "import sys, storage.importer as i; i.REBUILD_MIN_ROWS = 1000; "
        "from fieldkpi.cli import main; sys.exit(main(sys.argv[1:]))",
    ],
}


def run_until(command: list[str], kill_when: Callable[[str], bool], timeout: float = 120) -> str:
    """Run ``command`` with standard error on a terminal; SIGKILL it once ``kill_when(output)``.

    Returns what it wrote to the terminal. Fails if it ended before it was killed.
    """
    leader, follower = pty.openpty()
    proc = subprocess.Popen(
        command, stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=follower
    )
    os.close(follower)
    output = b""
    deadline = time.monotonic() + timeout
    try:
        while not kill_when(output.decode("utf-8", "replace")):
            assert proc.poll() is None, f"ended before the kill point: {output!r}"
            assert time.monotonic() < deadline, f"no kill point in {timeout} s: {output!r}"
            if select.select([leader], [], [], 0.01)[0]:
                output += os.read(leader, 65536)
        proc.send_signal(signal.SIGKILL)
        assert proc.wait(timeout=30) == -signal.SIGKILL
    finally:
        if proc.poll() is None:
            proc.kill()
        os.close(leader)
    return output.decode("utf-8", "replace")


def rows_done(output: str) -> int:
    counts = PROGRESS.findall(output)
    return int(counts[-1][0].replace(",", "")) if counts else -1


def imported(db: Path) -> tuple[int, int, int, list[str]]:
    """(staff, tickets, history rows, indexes), read by a fresh opener as the next user would."""
    store = open_store(db)
    try:
        return (
            *(
                store.scalar(f"SELECT count(*) FROM {table}")
                for table in ("staff", "tickets", "ticket_history")
            ),
            sorted(
                r[0] for r in store.query("SELECT name FROM sqlite_master WHERE type = 'index'")
            ),
        )
    finally:
        store.close()


@pytest.mark.slow
@pytest.mark.parametrize("fieldkpi", COMMANDS.values(), ids=COMMANDS.keys())
def test_an_import_killed_at_any_point_holds_all_or_none_and_then_succeeds(tmp_path, fieldkpi):
    db = tmp_path / "branch.db"
    staff, tickets = tmp_path / "staff.csv", tmp_path / "tickets.csv"
    staff.write_text(STAFF, encoding="utf-8")
    write_tickets(tickets, ROWS)
    store = open_store(db)
    import_files(store, [staff])
    store.close()
    indexes = imported(db)[3]
    none, whole = (2, 0, 0, indexes), (2, ROWS, ROWS, indexes)
    wal = db.with_name(db.name + "-wal")
    command = [*fieldkpi, "import", "--lang", "en", "--db", str(db), str(tickets)]

    kill_points = {
        "it opened the database": lambda output: wal.exists(),
        "its first progress": lambda output: rows_done(output) > 0,
        "half the rows": lambda output: rows_done(output) >= ROWS // 2,
        "all rows, about to commit": lambda output: rows_done(output) >= ROWS,
    }
    states = []
    for point, kill_when in kill_points.items():
        run_until(command, kill_when)
        states.append(imported(db))
        assert states[-1] in (none, whole), point
        assert check(db).problems == [], point
    assert states[0] == none  # killed before it could commit: none of it

    finished = subprocess.run(command, capture_output=True, text=True, timeout=120)
    assert finished.returncode == 0, finished.stderr
    assert imported(db) == whole
    assert check(db).problems == []


@pytest.mark.slow
def test_a_writer_killed_mid_save_leaves_every_ticket_whole(store):
    seed_staff(store)
    spawn = multiprocessing.get_context("spawn")

    def actions() -> int:
        return store.scalar("SELECT count(*) FROM actions")

    for saves in (1, 25, 60, 100):
        before = actions()
        writer = spawn.Process(target=save_forever, args=(store.path, "R2"))
        writer.start()
        try:
            wait_until(lambda: actions() >= before + saves, what=f"{saves} saves")  # noqa: B023
        finally:
            os.kill(writer.pid, signal.SIGKILL)
            writer.join(timeout=30)
        assert writer.exitcode == -signal.SIGKILL
        fresh = open_store(store.path)
        try:
            assert ticket_invariants(fresh) == []
        finally:
            fresh.close()
        assert check(store.path).problems == []
    assert actions() >= 186  # the saves waited for, all kept
