"""Build a nationwide benchmark database: deterministic, written through fieldkpi's own importer.

    python bench/generate.py bench.db                 # 200 branches, ~1,000,000 October tickets
    python bench/generate.py small.db --tickets 2000  # a small version for a smoke test

Twelve months (2025-11 … 2026-10). The measured month, 2026-10, has the full
volume; the eleven months before it have ``--history-share`` of it (10 % by
default), enough for a year of workload actions and an open backlog without
spending the build on months nobody ranks in full. The data stops at
:data:`NOW` (2026-11-01 00:00): whatever would happen later has not happened,
so late tickets are still open and October is a finished month.

The rows are written as the CSV files a branch hands over (kept beside the
database, in ``PATH.csv/``) and loaded by :func:`storage.importer.import_files`,
the validated import ``fieldkpi import`` runs, in one call and one transaction:
the database holds only what a branch could have imported. ``bench/run.py``
imports the measured month's ticket file again to time the import.
"""

from __future__ import annotations

import argparse
import csv
import functools
import random
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass, replace
from datetime import date, datetime, timedelta
from pathlib import Path

from fieldkpi.period import Period
from fieldkpi.sample import COLUMNS, FAULTS, GIVEN, PRODUCTS, SURNAMES
from storage.db import open_store
from storage.importer import import_files

MEASURED = Period(2026, 10)
MONTHS = tuple(MEASURED.shift(-k) for k in range(11, -1, -1))  # 2025-11 … 2026-10
NOW = datetime(2026, 11, 1)
NOW_TEXT = "2026-11-01 00:00:00"
FIRST_DAY = MONTHS[0].first_day
DAYS = tuple(
    (FIRST_DAY + timedelta(days=n)).isoformat() for n in range((NOW.date() - FIRST_DAY).days + 90)
)
END_MINUTE = (NOW.date() - FIRST_DAY).days * 1440  # NOW, in minutes since FIRST_DAY

KINDS = (("onsite_repair", 55), ("inshop_repair", 15), ("installation", 25), ("commissioning", 5))
ONSITE = {"onsite_repair", "installation", "commissioning"}
DELAY_WEIGHTS = (30, 25, 15, 10, 6, 4, 3)  # completed on day 1 … 7
RATINGS = ((1, 3), (2, 4), (3, 8), (4, 30), (5, 55))
DEDUCTIONS = (
    ("backfill", 30),
    ("violation", 20),
    ("fake_completion", 5),
    ("complaint_general", 15),
    ("complaint_major", 4),
    ("complaint_internal", 15),
    ("branch_rule", 10),
    ("complaint_media", 1),
)


@dataclass(frozen=True)
class Shape:
    """How big the database is; the defaults are the nationwide benchmark."""

    branches: int = 200
    engineers: int = 50  # per branch
    reps: int = 10  # per branch
    tickets: int = 1_000_000  # received in the measured month, all branches
    history_share: float = 0.1  # of that volume, in each earlier month
    seed: int = 20261031
    until: str | None = None  # the data as it stood at this moment (a month still running)

    @property
    def branch_codes(self) -> list[str]:
        return [branch_code(b) for b in range(1, self.branches + 1)]


def branch_code(number: int) -> str:
    return f"B{number:03d}"


def small_shape(tickets: int, seed: int = Shape.seed) -> Shape:
    """A smaller database with the same mix: about 5,000 October tickets per branch."""
    return Shape(branches=max(2, min(200, tickets // 5000)), tickets=tickets, seed=seed)


@dataclass(frozen=True)
class Member:
    code: str
    branch: str
    role: str
    hired_on: date
    left_on: date | None

    def works_on(self, day: date) -> bool:
        return self.hired_on <= day and (self.left_on is None or day <= self.left_on)


def staff(shape: Shape) -> list[Member]:
    """Each branch: a lead, reps and engineers; some hired or gone during the year.

    In every branch one engineer left at the end of June; in every fifth one an
    engineer joined in September; in every fourth one a rep joined in October
    (ranked with the first-month rule).
    """
    people = []
    for number, branch in enumerate(shape.branch_codes, start=1):
        people.append(Member(f"{branch}-L1", branch, "lead", date(2020, 1, 1), None))
        for i in range(1, shape.reps + 1):
            new = i == shape.reps and number % 4 == 0
            hired = date(2026, 10, 12) if new else date(2023, 1, 1)
            people.append(Member(f"{branch}-R{i:02d}", branch, "rep", hired, None))
        for i in range(1, shape.engineers + 1):
            left = date(2026, 6, 30) if i == shape.engineers else None
            hired = date(2026, 9, 1) if i == shape.engineers - 1 and number % 5 == 0 else None
            people.append(
                Member(f"{branch}-E{i:02d}", branch, "engineer", hired or date(2022, 1, 1), left)
            )
    return people


def staff_rows(shape: Shape) -> list[dict[str, str]]:
    rng = random.Random(f"{shape.seed}:staff")
    rows = []
    for m in staff(shape):
        surname, given = rng.choice(SURNAMES)[0], rng.choice(GIVEN)[0]
        login = m.code.lower().replace("-", "") if m.role in ("lead", "rep") else ""
        rows.append(
            {
                "code": m.code,
                "name": surname + given,
                "role": m.role,
                "branch": m.branch,
                "hired_on": m.hired_on.isoformat(),
                "left_on": m.left_on.isoformat() if m.left_on else "",
                "login": login,
            }
        )
    return rows


def _stamp(minute: int) -> str:
    """A moment given in minutes since FIRST_DAY, as the importer's text."""
    day, rest = divmod(minute, 1440)
    return f"{DAYS[day]} {rest // 60:02d}:{rest % 60:02d}:00"


def _weighted(pairs) -> tuple[list, list[int]]:
    values, weights = zip(*pairs, strict=True)
    return list(values), list(weights)


class _Month:
    """The rows of one month for one branch: tickets received in it, and what followed."""

    kinds, kind_weights = _weighted(KINDS)
    ratings, rating_weights = _weighted(RATINGS)
    deduction_kinds, deduction_weights = _weighted(DEDUCTIONS)

    def __init__(self, shape: Shape, period: Period, branch: str, people: list[Member]) -> None:
        self.rng = random.Random(f"{shape.seed}:{period}:{branch}")
        self.shape = shape
        self.period = period
        self.branch = branch
        self.reps = [m for m in people if m.role == "rep"]
        self.engineers = [m for m in people if m.role == "engineer"]
        self.rows: dict[str, list[dict[str, str]]] = {n: [] for n in COLUMNS if n != "staff"}

    def build(self) -> dict[str, list[dict[str, str]]]:
        shape, rng = self.shape, self.rng
        days = (self.period.last_day - self.period.first_day).days + 1
        share = 1.0 if self.period == MEASURED else shape.history_share
        per_day = shape.tickets * share / shape.branches / days
        for offset in range(days):
            day = self.period.first_day + timedelta(days=offset)
            reps = [m for m in self.reps if m.works_on(day)]
            engineers = [m for m in self.engineers if m.works_on(day)]
            count = int(per_day) + (rng.random() < per_day % 1)
            first_minute = (day - FIRST_DAY).days * 1440
            for n in range(1, count + 1):
                code = f"{self.branch}-{day:%Y%m%d}-{n:04d}"
                received = first_minute + rng.randint(8 * 60, 20 * 60)
                self._ticket(code, received, rng.choice(reps), rng.choice(engineers))
        self._attendance()
        self._deductions()
        return self.rows

    def _ticket(self, code: str, received: int, rep: Member, engineer: Member) -> None:
        rng = self.rng
        kind = rng.choices(self.kinds, self.kind_weights)[0]
        dispatched = received + rng.randint(10, 60) if rng.random() < 0.97 else None
        cancelled = rng.random() < 0.02
        completed = visited = callback = None
        rating = ""
        if dispatched is not None and not cancelled:
            roll = rng.random()
            if roll < 0.015:  # stuck: finished long after, if ever
                delay = rng.randint(35, 70)
            elif roll < 0.065:  # late: day 8 or later
                delay = rng.randint(7, 20)
            else:
                delay = rng.choices(range(7), DELAY_WEIGHTS)[0]
            finish = (received // 1440 + delay) * 1440 + rng.randint(10 * 60, 19 * 60)
            completed = max(finish, dispatched + 60)
            if completed >= END_MINUTE:
                completed = None
            elif kind in ONSITE:
                visited = max(dispatched + 10, completed - rng.randint(30, 120))
        if completed is not None and rng.random() < 0.7:
            callback = (completed // 1440 + rng.randint(1, 3)) * 1440 + rng.randint(540, 1080)
            if callback >= END_MINUTE:
                callback = None
            else:
                rating = str(rng.choices(self.ratings, self.rating_weights)[0])
        customer = rng.choice(SURNAMES)[0] + rng.choice(GIVEN)[0]
        family = rng.choice(tuple(PRODUCTS))
        self.rows["tickets"].append(
            {
                "code": code,
                "branch": self.branch,
                "kind": kind,
                "received_at": _stamp(received),
                "dispatched_at": _stamp(dispatched) if dispatched is not None else "",
                "visited_at": _stamp(visited) if visited is not None else "",
                "completed_at": _stamp(completed) if completed is not None else "",
                "cancelled": "1" if cancelled else "0",
                "engineer": engineer.code if dispatched is not None else "",
                "rep": rep.code,
                "callback_at": _stamp(callback) if callback is not None else "",
                "rating": rating,
                "customer": customer,
                "phone": f"1{rng.randrange(3_000_000_000, 9_999_999_999)}",
                "address": f"{rng.randint(1, 999)}号",
                "product": rng.choice(PRODUCTS[family]),
                "fault": rng.choice(FAULTS.get(family, ("不开机",))),
            }
        )
        actions = self.rows["actions"]
        actions.append(_action(rep, received, "intake", code))
        if dispatched is not None:
            actions.append(_action(rep, dispatched, "dispatch", code))
            if rng.random() < 0.05 and dispatched + 1440 < END_MINUTE:  # re-dispatched
                actions.append(_action(rep, dispatched + 1440, "dispatch", code))
        if completed is not None:
            actions.append(_action(rep, completed, "complete", code))
            if kind in ONSITE and rng.random() < 0.01:
                points = rng.choices(("", "1", "2"), (70, 20, 10))[0]
                self.rows["problems"].append(
                    {
                        "rep": rep.code,
                        "engineer": engineer.code,
                        "at": _stamp(completed + 60),
                        "points": points,
                        "ticket": code,
                        "note": "",
                    }
                )
        if callback is not None:
            done_by = "dealer_callback" if rng.random() < 0.1 else "callback"
            actions.append(_action(rep, callback, done_by, code))

    def _attendance(self) -> None:
        for rep in self.reps:
            if rep.works_on(self.period.last_day) and self.rng.random() < 0.9:
                days = str(self.rng.randint(20, 26))
                self.rows["attendance"].append(
                    {"staff": rep.code, "month": str(self.period), "days": days}
                )

    def _deductions(self) -> None:
        rng = self.rng
        first = (self.period.first_day - FIRST_DAY).days * 1440
        minutes = ((self.period.last_day - self.period.first_day).days + 1) * 1440
        for _ in range(rng.randint(2, 6)):
            kind = rng.choices(self.deduction_kinds, self.deduction_weights)[0]
            who = rng.choice(self.reps + self.engineers)
            if not who.works_on(self.period.last_day):
                continue
            self.rows["deductions"].append(
                {
                    "staff": who.code,
                    "at": _stamp(first + rng.randrange(minutes)),
                    "kind": kind,
                    "points": rng.choice(("0.5", "1", "2")) if kind == "branch_rule" else "",
                    "ticket": "",
                    "note": "",
                }
            )


def _action(rep: Member, minute: int, action: str, code: str) -> dict[str, str]:
    return {"staff": rep.code, "at": _stamp(minute), "action": action, "ticket": code}


def month_rows(shape: Shape, period: Period, branch: str) -> dict[str, list[dict[str, str]]]:
    """The import rows of one month of one branch."""
    rows = _Month(shape, period, branch, _by_branch(shape)[branch]).build()
    return rows if shape.until is None else as_it_stood(rows, shape.until)


TICKET_STEPS = ("dispatched_at", "visited_at", "completed_at", "callback_at")


def as_it_stood(
    rows: dict[str, list[dict[str, str]]], until: str
) -> dict[str, list[dict[str, str]]]:
    """The same rows as they stood at ``until``: what happened after it has not happened yet.

    The random draws are those of the whole database, so the earlier rows are
    exactly its rows: a running month's database is the finished one cut short.
    A ticket received later is left out; a later step is blank (an engineer
    comes with the dispatch, a rating with the callback); events and actions
    dated later are left out, and so is the attendance of a month not over.
    """
    tickets = []
    for ticket in rows["tickets"]:
        if ticket["received_at"] > until:
            continue
        ticket = dict(ticket)
        for step in TICKET_STEPS:
            if ticket[step] > until:
                ticket[step] = ""
        if not ticket["dispatched_at"]:
            ticket["engineer"] = ""
        if not ticket["callback_at"]:
            ticket["rating"] = ""
        tickets.append(ticket)
    dated = {
        name: [r for r in rows[name] if r["at"] <= until]
        for name in ("actions", "problems", "deductions")
    }
    ended = [
        r
        for r in rows["attendance"]
        if Period.parse(r["month"]).end < datetime.fromisoformat(until)
    ]
    return {**rows, "tickets": tickets, **dated, "attendance": ended}


@functools.cache
def _by_branch(shape: Shape) -> dict[str, list[Member]]:
    by_branch: dict[str, list[Member]] = {}
    for member in staff(shape):
        by_branch.setdefault(member.branch, []).append(member)
    return by_branch


def write_csv(shape: Shape, folder: Path) -> list[Path]:
    """The import files, as a branch would hand them over: staff, tickets, the rest.

    The measured month's tickets have a file of their own (run.py imports it
    again to time the import); the earlier months' share one.
    """
    folder.mkdir(parents=True, exist_ok=True)
    staff_file, measured = folder / "staff.csv", folder / f"tickets-{MEASURED}.csv"
    _write(staff_file, "staff", staff_rows(shape))
    names = [name for name in COLUMNS if name != "staff"]
    files = {n: (folder / f"{n}.csv").open("w", encoding="utf-8", newline="") for n in names}
    try:
        writers = {name: _writer(fh, name) for name, fh in files.items()}
        for period in MONTHS:
            if period == MEASURED:
                files["tickets"].close()
                files["tickets"] = measured.open("w", encoding="utf-8", newline="")
                writers["tickets"] = _writer(files["tickets"], "tickets")
            for branch in shape.branch_codes:
                for name, rows in month_rows(shape, period, branch).items():
                    writers[name].writerows(rows)
    finally:
        for fh in files.values():
            fh.close()
    # The measured month first: the bigger file fills the empty table (see the importer).
    return [staff_file, measured, *(folder / f"{name}.csv" for name in names)]


def _writer(fh, name: str) -> csv.DictWriter:
    writer = csv.DictWriter(fh, fieldnames=COLUMNS[name], lineterminator="\n")
    writer.writeheader()
    return writer


def _write(path: Path, name: str, rows: list[dict[str, str]]) -> None:
    with path.open("w", encoding="utf-8", newline="") as fh:
        _writer(fh, name).writerows(rows)


def csv_folder(path: str | Path) -> Path:
    """Where the import files of the database at ``path`` are written (and kept for run.py)."""
    return Path(f"{path}.csv")


def build(path: str | Path, shape: Shape, say: Callable[[str], None] = print) -> dict[str, int]:
    """(Re)write the database at ``path`` by importing generated CSV files in one call.

    Returns the row count of each table. The files stay in :func:`csv_folder`.
    """
    target = Path(path)
    for leftover in (target, *(Path(f"{target}{end}") for end in ("-wal", "-shm"))):
        leftover.unlink(missing_ok=True)
    started = time.perf_counter()
    paths = write_csv(shape, csv_folder(target))
    say(f"{time.perf_counter() - started:7.1f} s  wrote {len(paths)} CSV files")
    shown = [0]

    def progress(done: int, total: int | None, step: str = "") -> None:
        if step:
            say(f"{time.perf_counter() - started:7.1f} s  {step} {done:,} rows")
        elif total and done >= shown[0]:
            say(f"{time.perf_counter() - started:7.1f} s  read {done:,} of {total:,} rows")
            shown[0] = done + total // 20

    store = open_store(target)
    try:
        now = NOW if shape.until is None else datetime.fromisoformat(shape.until)
        import_files(store, paths, progress=progress, now=now)
        with store.write() as db:
            for code in shape.branch_codes:
                db.execute("UPDATE branches SET name = ? WHERE code = ?", [f"{code} 分公司", code])
        with store.lock:
            store.conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        tables = ("staff", "tickets", "actions", "ticket_history", "attendance", "problems",
                  "deductions")  # fmt: skip
        return {name: store.scalar(f"SELECT count(*) FROM {name}") for name in tables}
    finally:
        store.close()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("path", help="database file to (re)write")
    parser.add_argument("--tickets", type=int, help="October tickets (default 1,000,000)")
    parser.add_argument("--branches", type=int, help="branches (default 200, fewer with --tickets)")
    parser.add_argument("--history-share", type=float, default=Shape.history_share)
    parser.add_argument("--seed", type=int, default=Shape.seed)
    parser.add_argument(
        "--until",
        help="the data as it stood at this moment, e.g. '2026-10-20 12:00:00': October running",
    )
    args = parser.parse_args(argv)
    shape = small_shape(args.tickets, args.seed) if args.tickets else Shape(seed=args.seed)
    shape = replace(shape, history_share=args.history_share, until=args.until)
    if args.branches:
        shape = replace(shape, branches=args.branches)
    started = time.perf_counter()
    counts = build(args.path, shape, say=lambda line: print(line, file=sys.stderr))
    for name, count in counts.items():
        print(f"{name:>15}: {count:,}")
    print(f"built {args.path} in {time.perf_counter() - started:.0f} s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
