"""Time fieldkpi on the nationwide benchmark database, next to what a user would do instead.

    python bench/generate.py bench.db     # once: ~1,000,000 tickets in 2026-10
    python bench/run.py bench.db          # prints one table

Every figure is measured in the same run, through the calls the command and
the screens make: ``storage.closing.rankings_for`` + the CSV export (what
``fieldkpi rank`` runs), ``storage.queue.queue_page``, ``storage.tickets.dispatch``,
and ``fieldkpi import`` as a command (``bench/import_bench.py``, whose targets
are printed with their floors in a table of their own). Times are the median
of ``--repeat`` runs after one warm-up, so the database is in the page cache as
it is on a server that is in use. See bench/README.md for the figures and what they mean.
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
from fieldkpi.period import Judgement, stamp
from fieldkpi.scheme import default_scheme
from storage.closing import rankings_for
from storage.db import open_store
from storage.people import staff_by_code
from storage.queue import QueueFilter, queue_page
from storage.tickets import dispatch

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
from generate import MEASURED  # noqa: E402
from import_bench import import_targets  # noqa: E402
from targets import table  # noqa: E402

MONTH = str(MEASURED)
JUDGEMENT = Judgement(MEASURED, MEASURED.end)
BRANCH = "B001"
DISPATCH_AT = datetime(2026, 11, 1, 9, 0)  # after the measured month: its ranking stays as it is


def scheme_for(_branch: str):
    return default_scheme()


def rank_month(store, branch: str | None = None) -> str:
    """What `fieldkpi rank --month 2026-10 --format csv` does once the database is open."""
    return export.to_csv(rankings_for(store, JUDGEMENT, scheme_for, branch=branch))


def timed(fn: Callable[[], object], repeat: int) -> tuple[float, object]:
    """Median seconds of ``repeat`` calls after a warm-up, and the last result."""
    result = fn()
    times = []
    for _ in range(repeat):
        started = time.perf_counter()
        result = fn()
        times.append(time.perf_counter() - started)
    return statistics.median(times), result


def bare_count(conn: sqlite3.Connection) -> list:
    """The floor: one pass over the month's completed tickets, counted per engineer."""
    return conn.execute(
        "SELECT engineer, count(*) FROM tickets WHERE cancelled = 0"
        " AND completed_at >= ? AND completed_at <= ? GROUP BY engineer",
        (stamp(MEASURED.start), stamp(MEASURED.end)),
    ).fetchall()


def child_rss(db: str, what: str) -> int:
    """Peak RSS (KiB) of a fresh process that ranks the month (``what``: fieldkpi or pandas)."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    subprocess.run([sys.executable, __file__, db, "--child", what], check=True)
    after = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    return after if after > before else before  # the largest child so far


def child(db: str, what: str) -> None:
    if what == "fieldkpi":
        store = open_store(db)
        rank_month(store)
        store.close()
    elif what == "pandas":
        import analyst

        with sqlite3.connect(db) as conn:
            analyst.rank_month(conn, MONTH, analyst.judged_at(MONTH))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("db", help="a database built by bench/generate.py")
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--skip-import", action="store_true", help="skip the ticket import")
    parser.add_argument("--skip-pandas", action="store_true", help="skip the pandas ranking")
    parser.add_argument("--child", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.child:
        child(args.db, args.child)
        return 0

    lines: list[tuple[str, str, str, str]] = []

    def report(what: str, value: str, target: str = "", note: str = "") -> None:
        lines.append((what, value, target, note))
        print(f"  {what}: {value} {note}", file=sys.stderr)

    ms = lambda seconds: f"{seconds * 1000:,.1f} ms"  # noqa: E731

    rss = child_rss(args.db, "fieldkpi")  # first: the peak is over every child so far
    store = open_store(args.db)
    tickets = store.scalar("SELECT count(*) FROM tickets")
    month_tickets = store.scalar(
        "SELECT count(*) FROM tickets WHERE received_at >= ? AND received_at < ?",
        (f"{MONTH}-01", f"{MEASURED.shift(1)}-01"),
    )
    actions = store.scalar("SELECT count(*) FROM actions")
    print(
        f"{args.db}: {tickets:,} tickets ({month_tickets:,} received in {MONTH}), "
        f"{actions:,} actions",
        file=sys.stderr,
    )

    whole, text = timed(lambda: rank_month(store), args.repeat)
    ranked = text.count("\n") - 1
    with sqlite3.connect(args.db) as conn:
        floor, _rows = timed(lambda: bare_count(conn), args.repeat)
    report(
        "whole country ranked (rankings_for + CSV)",
        ms(whole),
        "≤ 1 s, ≤ 3× floor",
        f"{ranked:,} people; {whole / floor:.1f}× floor",
    )
    report("floor: one SQL pass counting the month's tickets per engineer", ms(floor))
    if not args.skip_pandas:
        import analyst  # bench/ is on the path: pandas only when it is asked for

        with sqlite3.connect(args.db) as conn:
            pandas_time, theirs = timed(
                lambda: analyst.rank_month(conn, MONTH, analyst.judged_at(MONTH)),
                max(1, args.repeat // 3),
            )
        rows = rankings_for(store, JUDGEMENT, scheme_for)
        disagree = analyst.differences(analyst.fieldkpi_rows(rows), theirs)
        report(
            "pandas: read_sql + DataFrame ranking",
            ms(pandas_time),
            "fieldkpi ≥ 10× faster",
            f"fieldkpi {pandas_time / whole:.1f}× faster; {disagree} people ranked differently",
        )

    started = time.perf_counter()
    subprocess.run(
        [sys.executable, "-m", "fieldkpi", "rank", "--db", args.db, "--month", MONTH,
         "--format", "csv", "-o", os.devnull],
        check=True,
    )  # fmt: skip
    report(
        "`fieldkpi rank --month` whole country, as a command",
        ms(time.perf_counter() - started),
        "",
        "process start and imports included",
    )

    one, _text = timed(lambda: rank_month(store, BRANCH), args.repeat)
    report(f"one branch ranked ({BRANCH})", ms(one), "≤ 50 ms")

    lead = staff_by_code(store, f"{BRANCH}-L1")
    page, first = timed(lambda: queue_page(store, lead, QueueFilter()), args.repeat)
    report("queue: first page (open tickets, 50 rows)", ms(page), "≤ 50 ms", f"{len(first)} rows")
    phone = store.scalar(
        "SELECT phone FROM tickets WHERE branch = ? ORDER BY id DESC LIMIT 1", (BRANCH,)
    )
    for text_, label in ((phone, "a whole number"), (phone[:4], "4 digits")):
        search = QueueFilter(text=text_, include_closed=True)
        found_time, found = timed(lambda s=search: queue_page(store, lead, s), args.repeat)
        report(
            f"queue: phone search, {label}",
            ms(found_time),
            "≤ 50 ms",
            f"{len(found)} rows",
        )

    waiting = store.query(
        "SELECT code, version, engineer FROM tickets WHERE branch = ?"
        " AND status IN ('received', 'dispatched') AND received_at >= ? ORDER BY id DESC LIMIT ?",
        (BRANCH, f"{MONTH}-25", args.repeat + 1),
    )
    engineers = [f"{BRANCH}-E{n:02d}" for n in (1, 2)]
    times = []
    for ticket in waiting:
        to = engineers[0] if ticket["engineer"] != engineers[0] else engineers[1]
        started = time.perf_counter()
        dispatch(store, lead, ticket["code"], ticket["version"], to, now=DISPATCH_AT)
        times.append(time.perf_counter() - started)
    report("dispatch saved (storage.tickets.dispatch)", ms(statistics.median(times[1:])), "≤ 10 ms")
    store.close()

    report("peak RSS, whole-country ranking (own process)", f"{rss / 1024:,.0f} MB", "≤ 300 MB")
    if not args.skip_pandas:
        pandas_rss = child_rss(args.db, "pandas")
        report("peak RSS, pandas ranking (own process)", f"{pandas_rss / 1024:,.0f} MB")

    targets = []
    if not args.skip_import:
        say = lambda line: print(line, file=sys.stderr)  # noqa: E731
        targets += import_targets(args.db, args.repeat, say=say)

    width = [max(len(line[i]) for line in lines) for i in range(3)]
    print(f"{'measured':<{width[0]}}  {'time':>{width[1]}}  {'target':<{width[2]}}  notes")
    for what, value, target, note in lines:
        print(f"{what:<{width[0]}}  {value:>{width[1]}}  {target:<{width[2]}}  {note}")
    if targets:
        print()
        print(table(targets))
    return 0


if __name__ == "__main__":
    sys.exit(main())
