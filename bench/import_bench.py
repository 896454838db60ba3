"""The import targets of issue 14 (and the bounds of issue 11), measured as a person meets them.

    python bench/import_bench.py bench.db [--repeat 5]     # or through bench/run.py

Each run imports the staff and the measured month's 1,000,000 tickets that
``bench/generate.py`` wrote (``bench.db.csv/``) into a new database with
``fieldkpi import`` as a command, on a pseudo-terminal like a person's, and
next to it the **floor**: the same rows read with ``csv`` and written with one
``executemany`` per file into a table of their columns (WAL, like fieldkpi),
the tickets' table with three indexes — the code (unique), (branch,
received_at) and (engineer, completed_at), what any ticket table is looked up
by. fieldkpi does more than that (every cell checked, 22 ticket indexes,
history, month facts), and the ratio says what that costs.

While the command runs, another connection tries a save every 0.2 s (``BEGIN
IMMEDIATE``, then nothing): the longest it waited is what a person at the TUI
would have waited. A second import of 100,000 rows into the million-ticket
database measures the same for an import into a database in use.

Last, a 50 MB file of bad rows: the command's peak memory and how much it prints.
"""

from __future__ import annotations

import argparse
import csv
import os
import pty
import re
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import dataclass
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
from generate import MEASURED, csv_folder  # noqa: E402
from targets import FIELDKPI, Target  # noqa: E402

FLOOR_INDEXES = {  # (unique?, columns) of each table's indexes
    "tickets": ((True, "code"), (False, "branch, received_at"), (False, "engineer, completed_at")),
    "staff": ((True, "code"),),
}
PROBE_EVERY_S = 0.2
DAY_ROWS = 100_000  # the file imported into the database in use
BAD_FILE_BYTES = 50 * 1024 * 1024


def floor(files: list[Path], target: Path) -> float:
    """Seconds for the bare import: csv + executemany into indexed tables, one transaction."""
    started = time.perf_counter()
    conn = sqlite3.connect(target)
    conn.execute("PRAGMA journal_mode = WAL")
    conn.execute("PRAGMA synchronous = NORMAL")
    with conn:
        for path in files:
            table = "staff" if path.name == "staff.csv" else "tickets"
            with path.open(encoding="utf-8-sig", newline="") as fh:
                rows = csv.reader(fh)
                header = next(rows)
                conn.execute(f"CREATE TABLE {table} (id INTEGER PRIMARY KEY, {', '.join(header)})")
                for n, (unique, columns) in enumerate(FLOOR_INDEXES[table]):
                    kind = "UNIQUE INDEX" if unique else "INDEX"
                    conn.execute(f"CREATE {kind} {table}_{n} ON {table} ({columns})")
                marks = ", ".join("?" * len(header))
                conn.executemany(
                    f"INSERT INTO {table} ({', '.join(header)}) VALUES ({marks})", rows
                )
    conn.close()
    return time.perf_counter() - started


@dataclass
class Run:
    seconds: float
    exit_status: int
    progress: list[str]  # each state of the progress line
    said: str  # standard output
    stderr_bytes: int
    peak_rss_mb: float
    longest_save_wait: float  # seconds another connection waited for the write lock


def fieldkpi_import(db: Path, files: list[Path], *extra: str) -> Run:
    """``fieldkpi import`` as a command on a pseudo-terminal, with a save tried every 0.2 s."""
    controller, terminal = pty.openpty()
    started = time.perf_counter()
    proc = subprocess.Popen(
        [*FIELDKPI, "import", "--lang", "en", "--db", str(db), *extra]
        + [str(path) for path in files],
        stdout=subprocess.PIPE,
        stderr=terminal,
        text=True,
    )
    os.close(terminal)
    shown: list[str] = []
    said: list[str] = []
    waits: list[float] = []
    done = threading.Event()
    threads = [
        threading.Thread(target=_read_terminal, args=(controller, shown)),
        threading.Thread(target=lambda: said.append(proc.stdout.read())),
        threading.Thread(target=_probe_saves, args=(db, done, waits)),
    ]
    for thread in threads:
        thread.start()
    _pid, status, usage = os.wait4(proc.pid, 0)
    seconds = time.perf_counter() - started
    proc.returncode = os.waitstatus_to_exitcode(status)
    done.set()
    for thread in threads:
        thread.join()
    os.close(controller)
    errors = "".join(line + "\n" for line in shown)
    return Run(
        seconds,
        proc.returncode,
        shown,
        "".join(said).strip().replace("\n", "; "),
        len(errors.encode()),
        usage.ru_maxrss / 1024,
        max(waits, default=0.0),
    )


def _read_terminal(fd: int, shown: list[str]) -> None:
    buffer = ""
    while True:
        try:
            chunk = os.read(fd, 65536).decode("utf-8", "replace")
        except OSError:  # the command ended and closed the terminal
            break
        if not chunk:
            break
        buffer += chunk.replace("\x1b[K", "")
        *updates, buffer = re.split(r"[\r\n]", buffer)
        shown.extend(u.strip() for u in updates if u.strip())
    if buffer.strip():
        shown.append(buffer.strip())


def _probe_saves(db: Path, done: threading.Event, waits: list[float]) -> None:
    """What a person saving at the TUI meets: the time it takes to get the write lock."""
    while not done.is_set() and not db.exists():
        time.sleep(0.05)
    conn = sqlite3.connect(db, timeout=120, isolation_level=None)
    try:
        while not done.wait(PROBE_EVERY_S):
            started = time.perf_counter()
            try:
                conn.execute("BEGIN IMMEDIATE")
            except sqlite3.OperationalError:  # the database is being created or migrated
                continue
            waits.append(time.perf_counter() - started)
            conn.execute("ROLLBACK")
    finally:
        conn.close()


def a_day_of_tickets(source: Path, target: Path, rows: int) -> Path:
    """(Up to) ``rows`` ticket rows of the measured month, changed as a call centre's next
    file would: half of them new tickets, half the same tickets with a later callback."""
    with (
        source.open(encoding="utf-8", newline="") as fh,
        target.open("w", encoding="utf-8", newline="") as out,
    ):
        reader, writer = csv.DictReader(fh), None
        for n, row in enumerate(reader):
            if n >= rows:
                break
            if writer is None:
                writer = csv.DictWriter(out, fieldnames=reader.fieldnames, lineterminator="\n")
                writer.writeheader()
            if n % 2:
                row["code"] = f"N-{row['code']}"
            elif row["completed_at"] and not row["callback_at"]:
                row["callback_at"], row["rating"] = "2026-11-01 09:00:00", "5"
            writer.writerow(row)
    return target


def bad_rows_file(target: Path) -> Path:
    """About 50 MB of ticket rows, every one with bad cells (a file exported all wrong)."""
    line = "T{n},XX,repair,31/10/2026,,,,,maybe,,E-none,R-none,,,{pad}\n"
    with target.open("w", encoding="utf-8") as out:
        out.write(
            "code,branch,kind,received_at,dispatched_at,visited_at,completed_at,cancelled,"
            "cancelled_at,engineer,rep,callback_at,rating,customer,phone\n"
        )
        n = 0
        while out.tell() < BAD_FILE_BYTES:
            out.write(line.format(n=n, pad="x" * 40))
            n += 1
    return target


def import_targets(db: str, repeat: int = 5, say=print) -> list[Target]:
    """Every import target, the medians of ``repeat`` runs of the import and its floor."""
    folder = csv_folder(db)
    files = [folder / "staff.csv", folder / f"tickets-{MEASURED}.csv"]
    imports, floors, runs = [], [], []
    with tempfile.TemporaryDirectory(prefix="fieldkpi-import-", dir=Path(db).parent) as tmp:
        work = Path(tmp)
        for n in range(repeat):
            floors.append(floor(files, work / f"floor{n}.db"))
            (work / f"floor{n}.db").unlink()
            target = work / f"import{n}.db"
            run = fieldkpi_import(target, files)
            if run.exit_status != 0:
                raise SystemExit(f"fieldkpi import failed: {run.progress[-3:]}")
            imports.append(run.seconds)
            runs.append(run)
            say(f"  import {n + 1}/{repeat}: {run.seconds:.1f} s, floor {floors[-1]:.1f} s")
            if n < repeat - 1:
                for end in ("", "-wal", "-shm"):
                    Path(f"{target}{end}").unlink(missing_ok=True)
        day = fieldkpi_import(target, [a_day_of_tickets(files[1], work / "day.csv", DAY_ROWS)])
        bad = fieldkpi_import(work / "bad.db", [bad_rows_file(work / "bad.csv")])
    if day.exit_status != 0 or bad.exit_status != 2:
        raise SystemExit(f"unexpected: {day.progress[-3:]}, exit {bad.exit_status}")
    rows = sum(1 for _line in files[1].open("rb")) - 1
    last = runs[-1]
    return [
        Target(
            f"`fieldkpi import` staff + {rows:,} tickets, new database",
            statistics.median(imports),
            limit=60,
            floor=statistics.median(floors),
            ratio_limit=2.5,
            note=f"{len(last.progress)} progress updates, last “{last.progress[-1]}”; {last.said}",
        ),
        Target(
            "  a save waited, during that import (longest)",
            statistics.median(run.longest_save_wait for run in runs),
            note="the import holds the write lock only while it writes",
        ),
        Target("  peak memory of that import", last.peak_rss_mb, unit="MB"),
        Target(
            f"{DAY_ROWS:,} ticket rows into that database (half new, half updated)",
            day.seconds,
            note=day.said,
        ),
        Target("  a save waited, during that import (longest)", day.longest_save_wait, limit=2),
        Target(
            "50 MB file of bad rows: peak memory",
            bad.peak_rss_mb,
            unit="MB",
            limit=300,
            note=f"exit {bad.exit_status}; printed {bad.stderr_bytes / 1024:,.0f} KB of errors",
        ),
    ]


def main(argv: list[str] | None = None) -> int:
    from targets import compile_installed, table

    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("db", help="a database built by bench/generate.py (its CSV files are used)")
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args(argv)
    compile_installed()
    print(table(import_targets(args.db, args.repeat, say=lambda s: print(s, file=sys.stderr))))
    return 0


if __name__ == "__main__":
    sys.exit(main())
