"""Every target of issue 14 on the nationwide benchmark database, in one table, in one run.

    python bench/generate.py bench.db                                   # once: October finished
    python bench/generate.py running.db --until "2026-10-20 12:00:00"   # once: October running
    python bench/run.py bench.db --running running.db                   # prints the table

Each row is a median of ``--repeat`` runs after a warm-up (the database in the
page cache, as on a server in use), next to its floor where the target is
relative to one, both measured in this run:

* ``fieldkpi rank … --format csv`` as a command (a new process: start,
  imports, the database opened, ranked, written), as a branch server has it
  installed (``as_installed.py``); its peak RSS; the bare SQL floor;
* the same ranking in-process, what ``fieldkpi rank`` runs once the database
  is open, against the analyst's pandas version (``analyst.py``), which must
  rank every person alike;
* one branch in-process, and the storage calls behind the ticket queue;
* the TUI: start to the first queue page, every queue key, a session's memory
  (``queue_paint.py``); the import (``import_bench.py``).

bench/README.md says what each figure means and what was done to reach it.
"""

from __future__ import annotations

import argparse
import os
import resource
import sqlite3
import statistics
import subprocess
import sys
import time
from collections.abc import Callable
from datetime import datetime
from pathlib import Path

from fieldkpi import export
from fieldkpi.cli import collector_paused, scheme_loader
from fieldkpi.period import Judgement, stamp
from storage.closing import rankings_for
from storage.db import open_store
from storage.people import staff_by_code
from storage.queue import QueueFilter, queue_page
from storage.tickets import dispatch

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
from generate import MEASURED, NOW  # noqa: E402
from import_bench import import_targets  # noqa: E402
from queue_paint import queue_targets  # noqa: E402
from targets import FIELDKPI, Target, compile_installed, table  # noqa: E402

MONTH = str(MEASURED)
FINISHED = Judgement(MEASURED, MEASURED.end)
RUNNING_AS_OF = "2026-10-20 12:00:00"  # the 20th, noon: the moment running.db was cut at
RUNNING = Judgement(MEASURED, datetime.fromisoformat(RUNNING_AS_OF))
BRANCH = "B001"
DISPATCH_AT = NOW.replace(hour=9)  # after the measured month: its ranking stays as it is
# Before the scheme engine (issue 13 promises no slower): bench/README.md, 2026-11-30.
BEFORE_ENGINE = {"country": 1.9, "branch": 0.0089}


def rank_month(store, judgement: Judgement, scheme_for=None, branch: str | None = None) -> str:
    """What `fieldkpi rank --month 2026-10 --format csv` does once the database is open
    (the schemes read anew, as a command does; a TUI session hands its own in)."""
    with collector_paused():
        rows = rankings_for(store, judgement, scheme_for or scheme_loader(store), branch=branch)
        return export.to_csv(rows)


def timed(fn: Callable[[], object], repeat: int) -> tuple[float, object]:
    """Median seconds of ``repeat`` calls after a warm-up, and the last result."""
    result = fn()
    times = []
    for _ in range(repeat):
        started = time.perf_counter()
        result = fn()
        times.append(time.perf_counter() - started)
    return statistics.median(times), result


def command(args: list[str], repeat: int) -> tuple[float, float]:
    """Median seconds of ``fieldkpi ARGS`` as a new process after a warm-up, and its peak RSS
    in MB (the largest of the runs)."""
    seconds, peaks = [], []
    for n in range(repeat + 1):
        started = time.perf_counter()
        proc = subprocess.Popen([*FIELDKPI, *args], stdout=subprocess.DEVNULL)
        _pid, status, usage = os.wait4(proc.pid, 0)
        if os.waitstatus_to_exitcode(status) != 0:
            raise SystemExit(f"fieldkpi {' '.join(args)} failed")
        if n:
            seconds.append(time.perf_counter() - started)
        peaks.append(usage.ru_maxrss / 1024)
    return statistics.median(seconds), max(peaks)


def floor(db: str, repeat: int) -> float:
    """The bare SQL floor: one pass over the month's completed tickets, counted per engineer
    who completed them (the covering index on the first completion; never-cancelled ones)."""
    with sqlite3.connect(db) as conn:
        seconds, _rows = timed(
            lambda: conn.execute(
                "SELECT completed_engineer, count(*) FROM tickets WHERE cancel_seen = 0"
                " AND first_completed_at >= ? AND first_completed_at <= ?"
                " GROUP BY completed_engineer",
                (stamp(MEASURED.start), stamp(MEASURED.end)),
            ).fetchall(),
            repeat,
        )
    return seconds


def rank_args(db: str, as_of: str | None = None) -> list[str]:
    extra = ["--as-of", as_of] if as_of else []
    return ["rank", "--db", db, "--month", MONTH, *extra, "--format", "csv", "-o", os.devnull]


def pandas_run(db: str, judgement: Judgement, repeat: int) -> tuple[float, int]:
    """The analyst's pandas ranking: median seconds, and how many people it ranks otherwise."""
    import analyst  # bench/ is on the path: pandas only when it is asked for

    as_of = stamp(judgement.as_of)
    with sqlite3.connect(db) as conn:
        seconds, theirs = timed(lambda: analyst.rank_month(conn, MONTH, as_of), repeat)
    store = open_store(db)
    try:
        ours = analyst.fieldkpi_rows(rankings_for(store, judgement, scheme_loader(store)))
    finally:
        store.close()
    return seconds, analyst.differences(ours, theirs)


def ranking_targets(db: str, running: str | None, args, say) -> list[Target]:
    repeat = args.repeat
    whole, rss = command(rank_args(db), repeat)
    bare = floor(db, repeat)
    say(f"  fieldkpi rank: {whole:.2f} s, {rss:.0f} MB; floor {bare:.2f} s")
    back_dated, _rss = command(rank_args(db, RUNNING_AS_OF), repeat)
    targets = [
        Target(
            "whole country, finished month: `fieldkpi rank --format csv` (a command)",
            whole,
            limit=1.0,
            floor=bare,
            ratio_limit=2,
            note="floor: one SQL pass counting the month's completions per engineer",
        )
    ]
    if running:
        running_time, _rss = command(rank_args(running, RUNNING_AS_OF), repeat)
        targets.append(
            Target(
                "whole country, running month as of the 20th noon (a command)",
                running_time,
                limit=1.5,
                note=f"{Path(running).name}: the data as it stood then (generate.py --until)",
            )
        )
    targets.append(
        Target(
            "  the same judged back-dated: --as-of the 20th noon on the whole month's data",
            back_dated,
            limit=1.5,
            note="reads the tickets of the 11½ days after it, to take them back",
        )
    )
    targets.append(Target("  peak RSS of `fieldkpi rank`, whole country", rss, "MB", limit=200))

    store = open_store(db)
    try:
        inside, text = timed(lambda: rank_month(store, FINISHED), repeat)
        ranked = text.count("\n") - 1
        session = scheme_loader(store)  # one branch as the lead's screen ranks it
        one, _text = timed(lambda: rank_month(store, FINISHED, session, BRANCH), repeat)
        one_back, _text = timed(lambda: rank_month(store, RUNNING, session, BRANCH), repeat)
        storage = storage_targets(store, repeat)
    finally:
        store.close()
    if not args.skip_pandas:
        pandas_time, disagree = pandas_run(db, FINISHED, max(1, repeat // 2))
        peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
        notes = [f"{disagree} of {ranked:,} people ranked otherwise", f"peak RSS {peak:,.0f} MB"]
        if running:
            _seconds, running_disagree = pandas_run(running, RUNNING, 1)
            notes.append(f"running month: {running_disagree} otherwise")
        targets.append(
            Target(
                "pandas (analyst.py), same month, same result",
                pandas_time,
                floor=inside,
                ratio_min=15,
                note="floor: fieldkpi in-process (next row); " + "; ".join(notes),
            )
        )
    targets.append(
        Target(
            "  whole country in-process (rankings_for + CSV); issue 13: not slower",
            inside,
            limit=BEFORE_ENGINE["country"],
            note=f"{ranked:,} people; before the engine: {BEFORE_ENGINE['country']} s",
        )
    )
    branch_targets = [
        Target(f"one branch ({BRANCH}), finished month, in-process", one * 1000, "ms", limit=20),
        Target(
            "  issue 13: one branch through the engine, not slower",
            one * 1000,
            "ms",
            limit=BEFORE_ENGINE["branch"] * 1000,
            note=f"before the engine: {BEFORE_ENGINE['branch'] * 1000} ms",
        ),
        Target(
            f"one branch ({BRANCH}), back-dated to the 20th noon",
            one_back * 1000,
            "ms",
            limit=20,
            note="reads its tickets after the 20th noon",
        ),
    ]
    if running:
        store = open_store(running)
        try:
            session = scheme_loader(store)
            one_running, _text = timed(lambda: rank_month(store, RUNNING, session, BRANCH), repeat)
        finally:
            store.close()
        branch_targets.insert(
            2,
            Target(f"one branch ({BRANCH}), running month", one_running * 1000, "ms", limit=20),
        )
    return targets + branch_targets + storage


def storage_targets(store, repeat: int) -> list[Target]:
    """The storage calls behind the ticket queue (round one's targets)."""
    lead = staff_by_code(store, f"{BRANCH}-L1")
    page, first = timed(lambda: queue_page(store, lead, QueueFilter()), repeat)
    phone = store.scalar(
        "SELECT phone FROM tickets WHERE branch = ? ORDER BY id DESC LIMIT 1", (BRANCH,)
    )
    targets = [
        Target(
            "queue_page: first page of open tickets",
            page * 1000,
            "ms",
            limit=50,
            note=f"{len(first)} rows",
        ),
    ]
    for text, label in ((phone, "a whole number"), (phone[:4], "its first 4 digits")):
        search = QueueFilter(text=text, include_closed=True)
        found_time, found = timed(lambda s=search: queue_page(store, lead, s), repeat)
        targets.append(
            Target(
                f"queue_page: phone search, {label}",
                found_time * 1000,
                "ms",
                limit=50,
                note=f"{len(found)} rows",
            )
        )
    waiting = store.query(
        "SELECT code, version, engineer FROM tickets WHERE branch = ?"
        " AND status IN ('received', 'dispatched') AND received_at >= ? ORDER BY id DESC LIMIT ?",
        (BRANCH, f"{MONTH}-25", repeat + 1),
    )
    engineers = [f"{BRANCH}-E{n:02d}" for n in (1, 2)]
    times = []
    for ticket in waiting:
        to = engineers[0] if ticket["engineer"] != engineers[0] else engineers[1]
        started = time.perf_counter()
        dispatch(store, lead, ticket["code"], ticket["version"], to, now=DISPATCH_AT)
        times.append(time.perf_counter() - started)
    saved = statistics.median(times[1:])
    targets.append(
        Target("dispatch saved (storage.tickets.dispatch)", saved * 1000, "ms", limit=10)
    )
    return targets


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("db", help="a database built by bench/generate.py")
    parser.add_argument("--running", help="the same cut at the 20th noon (generate.py --until)")
    parser.add_argument("--as", dest="login", default="b001r01", help="the TUI's dispatcher")
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--skip-import", action="store_true", help="skip the ticket import")
    parser.add_argument("--skip-pandas", action="store_true", help="skip the pandas ranking")
    parser.add_argument("--skip-tui", action="store_true", help="skip the TUI's start and keys")
    args = parser.parse_args(argv)
    say = lambda line: print(line, file=sys.stderr)  # noqa: E731
    compile_installed()

    store = open_store(args.db)
    tickets = store.scalar("SELECT count(*) FROM tickets")
    actions = store.scalar("SELECT count(*) FROM actions")
    store.close()
    started = time.perf_counter()
    load = os.getloadavg()[0]
    say(f"{args.db}: {tickets:,} tickets, {actions:,} actions; load {load:.1f}")

    # The import first: a child's peak RSS, as the kernel counts it, is at least the
    # parent's size when it was started, and the pandas ranking makes this process 3 GB.
    imported = [] if args.skip_import else import_targets(args.db, args.repeat, say=say)
    targets = ranking_targets(args.db, args.running, args, say)
    if not args.skip_tui:
        targets += queue_targets(args.db, args.login, args.repeat, say=say)
    print(table(targets + imported))
    loads = os.getloadavg()
    print(
        f"\n{tickets:,} tickets, {actions:,} actions; medians of {args.repeat} runs; "
        f"load average {load:.1f} at the start, {loads[0]:.1f} / {loads[1]:.1f} / {loads[2]:.1f} "
        f"(1 / 5 / 15 min) at the end of {time.perf_counter() - started:.0f} s on "
        f"{os.cpu_count()} cores"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
