"""A second, independent reading of kpi-rules.md: the default scheme's month ranking, done plainly.

The engine (storage.measures, storage.rankings, fieldkpi.ranking, fieldkpi.scoring …)
answers each KPI with one SQL aggregate over summary tables kept by triggers. This
module answers the same questions the slow way, straight from the spec: it loads the
raw rows of a fieldkpi database with the sqlite3 module, looks at one ticket, one
action, one event at a time, and writes every rule of kpi-rules.md (as revised) out
in Python with exact fractions. It imports nothing of fieldkpi, so a mistake in the
engine's reading of the spec cannot be repeated here by sharing code with it.

Where the data lives (storage/migrations.py):

* a ticket's holder and cancellation over time: ``ticket_timeline`` rows (engineer and
  cancelled flag from ``since`` on) for tickets worked in the TUI; a ticket without
  rows has its engineer from ``received_at`` on and is cancelled from ``cancelled_at``
  on (``cancelled = 1`` without a time: from ``received_at``);
* its first completion: ``first_completed_at`` (a reopen clears ``completed_at`` only);
* problem reports and deductions that do not stand: ``appraisal_states`` (pending,
  rejected, contested, withdrawn).

Where the spec leaves a reading open, this one takes:

* an engineer's callback is theirs if they held the ticket when it was made (§4 "tickets
  they served"; the time principle: a later re-dispatch never moves it). The engine gives
  it to the ticket's engineer now; the two differ only for a ticket re-dispatched after its
  callback (tests/test_time_principle.py has the case);
* a first-month rep gets the fixed 20 workload points even with no workload days (§3's
  first-month rule over §6's no-data rule);
* a person hired later in a running month is ranked in it (§6: ``hired_on`` ≤ month end);
* a problem report counts whatever became of its ticket (it is the rep's filing, not
  one of the ticket's facts that a cancellation takes out of §2).

Slow on purpose (whole tables in memory): for tests on sample-sized databases only.
"""

from __future__ import annotations

import calendar
import sqlite3
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from decimal import Decimal
from fractions import Fraction
from math import floor
from pathlib import Path

# ---------------------------------------------------------------- the default scheme's numbers

BUCKET_POINTS = (20, 17, 14, 11, 8, 5, 2)  # §1, completed on day 1 … 7
LATE_POINTS = -15  # day 8 or later
OPEN_POINTS = -150  # open more than OPEN_DAYS at as-of
OPEN_DAYS = 30
SATISFIED_MIN = 4  # §4
ENGINEER_TIMELINESS_SCALE = Fraction(5, 2)  # §5
FEEDBACK_MAX, WORKLOAD_MAX, REP_SATISFACTION_MAX, ENGINEER_SATISFACTION_MAX = 20, 40, 20, 50
FIRST_MONTH_POINTS = 20
PROBLEM_LEVEL_POINTS = {"standard": 1}  # the default's one level; the first is the default
FIXED_DEDUCTIONS = {
    "backfill": Fraction(1, 2),
    "violation": Fraction(1),
    "fake_completion": Fraction(1),
    "complaint_general": Fraction(5),
    "complaint_major": Fraction(10),
    "complaint_internal": Fraction(2),
}
ENTERED_DEDUCTION = "branch_rule"
FORFEIT = "complaint_media"
TOP = (200, 100)
BOTTOM = (-100, -50)
ONSITE_KINDS = {"onsite_repair", "installation", "commissioning"}

# The KPIs of each role, in the scheme's order, and their no-data flags.
REP_KPIS = ("feedback", "workload", "satisfaction", "timeliness")
ENGINEER_KPIS = ("satisfaction", "timeliness")
FLAGS = {
    "feedback": "no_visits",
    "workload": "no_workload",
    "satisfaction": "no_callbacks",
    "timeliness": "no_orders",
}


# ---------------------------------------------------------------- reading the database


def moment(text: str) -> datetime:
    return datetime.fromisoformat(text.replace("/", "-"))


def exact(number) -> Fraction:
    """A REAL of the database as the decimal a person typed (0.1 is 1/10, not a binary float)."""
    return Fraction(str(number))


@dataclass
class Ticket:
    code: str
    branch: str
    kind: str
    received: datetime
    visited: datetime | None
    first_completed: datetime | None
    callback: datetime | None
    rating: int | None
    rep: str | None
    engineer: str | None  # as it stands now
    cancelled_from: datetime | None  # for a ticket without a timeline
    timeline: list[tuple[datetime, int, str | None, bool]] = field(default_factory=list)

    def _state(self, when: datetime):
        """The timeline row in force at ``when`` (the last one begun by then), or None."""
        rows = [row for row in self.timeline if row[0] <= when]
        return max(rows, key=lambda row: (row[0], row[1])) if rows else None

    def holder(self, when: datetime) -> str | None:
        """The engineer who held the ticket at ``when``."""
        if not self.timeline:
            return self.engineer
        row = self._state(when)
        return row[2] if row else None

    def cancelled(self, when: datetime) -> bool:
        """Whether the ticket stood cancelled at ``when``."""
        if not self.timeline:
            return self.cancelled_from is not None and self.cancelled_from <= when
        row = self._state(when)
        return bool(row and row[3])


@dataclass
class Person:
    code: str
    name: str
    role: str
    branch: str
    hired_on: date | None
    left_on: date | None


@dataclass
class Data:
    staff: dict[str, Person]
    tickets: list[Ticket]
    actions: dict[str, list[datetime]]  # staff -> when they recorded each action
    attendance: dict[tuple[str, str], int]  # (staff, "YYYY-MM") -> days worked
    problems: list[tuple[str, datetime, Fraction]]  # standing reports: (rep, at, points)
    deductions: list[tuple[str, datetime, str, Fraction | None]]  # standing: (staff, at, kind, pts)


def load(path: str | Path) -> Data:
    """Every row the default scheme reads, whole tables at a time."""
    conn = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    conn.row_factory = sqlite3.Row
    try:
        return _load(conn)
    finally:
        conn.close()


def _day(text: str | None) -> date | None:
    return date.fromisoformat(text[:10]) if text else None


def _load(conn: sqlite3.Connection) -> Data:
    staff = {
        r["code"]: Person(
            r["code"], r["name"], r["role"], r["branch"], _day(r["hired_on"]), _day(r["left_on"])
        )
        for r in conn.execute("SELECT * FROM staff")
    }
    timelines: dict[str, list] = {}
    for r in conn.execute("SELECT * FROM ticket_timeline"):
        timelines.setdefault(r["ticket"], []).append(
            (moment(r["since"]), r["id"], r["engineer"], bool(r["cancelled"]))
        )
    tickets = []
    for r in conn.execute("SELECT * FROM tickets"):
        received = moment(r["received_at"])
        if r["cancelled_at"]:
            cancelled_from = moment(r["cancelled_at"])
        elif r["cancelled"]:
            cancelled_from = received  # interfaces.md: cancelled = 1 without a time
        else:
            cancelled_from = None
        tickets.append(
            Ticket(
                code=r["code"],
                branch=r["branch"],
                kind=r["kind"],
                received=received,
                visited=moment(r["visited_at"]) if r["visited_at"] else None,
                first_completed=(
                    moment(r["first_completed_at"]) if r["first_completed_at"] else None
                ),
                callback=moment(r["callback_at"]) if r["callback_at"] else None,
                rating=r["rating"],
                rep=r["rep"],
                engineer=r["engineer"],
                cancelled_from=cancelled_from,
                timeline=timelines.get(r["code"], []),
            )
        )
    not_standing = {
        (r["subject"], r["subject_id"]) for r in conn.execute("SELECT * FROM appraisal_states")
    }
    problems = []
    for r in conn.execute("SELECT * FROM problems"):
        if ("problem", r["id"]) in not_standing:
            continue
        if r["points"] is not None:
            points = exact(r["points"])
        else:  # no points given: its level's, and the first level's without one
            points = Fraction(
                PROBLEM_LEVEL_POINTS.get(r["level"], next(iter(PROBLEM_LEVEL_POINTS.values())))
            )
        problems.append((r["rep"], moment(r["at"]), points))
    deductions = []
    for r in conn.execute("SELECT * FROM deductions"):
        if ("deduction", r["id"]) in not_standing:
            continue
        points = exact(r["points"]) if r["points"] is not None else None
        deductions.append((r["staff"], moment(r["at"]), r["kind"], points))
    actions: dict[str, list[datetime]] = {}
    for r in conn.execute("SELECT * FROM actions"):
        actions.setdefault(r["staff"], []).append(moment(r["at"]))
    return Data(
        staff=staff,
        tickets=tickets,
        actions=actions,
        attendance={
            (r["staff"], r["month"]): r["days"] for r in conn.execute("SELECT * FROM attendance")
        },
        problems=problems,
        deductions=deductions,
    )


# ---------------------------------------------------------------- the rules


@dataclass
class Kpi:
    value: Fraction | None  # None: no data
    points: Fraction = Fraction(0)
    first_month: bool = False


@dataclass
class Row:
    branch: str
    role: str
    staff_code: str
    name: str
    kpis: dict[str, Kpi]
    deductions: Fraction
    zeroed: bool
    total: Decimal = Decimal(0)
    rank: int = 0
    reward: int = 0


def month_bounds(month: str) -> tuple[datetime, datetime]:
    year, number = (int(part) for part in month.split("-"))
    last = calendar.monthrange(year, number)[1]
    return datetime(year, number, 1), datetime(year, number, last, 23, 59, 59)


def round_half_away(value: Fraction) -> Decimal:
    """Two decimals, halves away from zero, worked on the exact value."""
    cents = floor(abs(value) * 100 + Fraction(1, 2))
    return Decimal(cents if value >= 0 else -cents).scaleb(-2)


def rank_points(values: dict[str, Fraction], maximum: int) -> dict[str, Fraction]:
    """§6 rank_points over one pool: competition ranks, higher is better."""
    n = len(values)
    points = {}
    for code, value in values.items():
        r = 1 + sum(1 for other in values.values() if other > value)
        points[code] = Fraction(maximum) if n == 1 else Fraction(maximum * (n - r), n - 1)
    return points


def ranked_people(data: Data, branch: str, role: str, start: datetime, end: datetime):
    """§6 "who is ranked": the role's staff of the branch employed at some point in the period."""
    return sorted(
        (
            p
            for p in data.staff.values()
            if p.branch == branch
            and p.role == role
            and (p.hired_on is None or p.hired_on <= end.date())
            and (p.left_on is None or p.left_on >= start.date())
        ),
        key=lambda p: p.code,
    )


def gone(data: Data, code: str, as_of: datetime) -> bool:
    """Left before as-of's day (the leaving day is worked)."""
    left_on = data.staff[code].left_on if code in data.staff else None
    return left_on is not None and left_on < as_of.date()


def timeliness(data: Data, code: str, role: str, start: datetime, as_of: datetime) -> Kpi:
    """§1 for one person: their C and O tickets, the weighted day points over N."""
    total, n = Fraction(0), 0
    for t in data.tickets:
        if t.cancelled(as_of):
            continue
        done = t.first_completed
        if done is not None and start <= done <= as_of:  # in C
            owner = t.holder(done) if role == "engineer" else t.rep
            if owner != code:
                continue
            day = (done.date() - t.received.date()).days + 1
            assert day >= 1, f"{t.code} completed before it was received"
            total += BUCKET_POINTS[day - 1] if day <= 7 else LATE_POINTS
            n += 1
        elif (done is None or done > as_of) and (as_of.date() - t.received.date()).days > OPEN_DAYS:
            crossed = datetime.combine(
                t.received.date() + timedelta(days=OPEN_DAYS + 1), datetime.min.time()
            )
            owner = t.holder(crossed) if role == "engineer" else t.rep
            if owner != code or gone(data, code, as_of):
                continue  # §6: open tickets of someone who has left count against nobody
            total += OPEN_POINTS
            n += 1
    if n == 0:
        return Kpi(None)
    value = total / n
    return Kpi(value, value * (ENGINEER_TIMELINESS_SCALE if role == "engineer" else 1))


def satisfaction(data: Data, code: str, role: str, start: datetime, as_of: datetime):
    """§4's measure: the share of the period's rated callbacks on their tickets rated ≥ 4."""
    rated = satisfied = 0
    for t in data.tickets:
        if t.callback is None or t.rating is None or not start <= t.callback <= as_of:
            continue
        if t.cancelled(as_of):
            continue
        owner = t.holder(t.callback) if role == "engineer" else t.rep
        if owner != code:
            continue
        rated += 1
        satisfied += t.rating >= SATISFIED_MIN
    return Fraction(satisfied, rated) if rated else None


def feedback_rate(data: Data, code: str, start: datetime, as_of: datetime):
    """§2's measure: standing problem points filed in the period over the rep's on-site visits."""
    points = sum(
        (p for rep, at, p in data.problems if rep == code and start <= at <= as_of), Fraction(0)
    )
    visits = 0
    for t in data.tickets:
        if t.rep != code or t.kind not in ONSITE_KINDS or t.cancelled(as_of):
            continue
        visit = t.visited or t.first_completed
        if visit is not None and start <= visit <= as_of:
            visits += 1
    return points / visits if visits else None


def daily_workload(data: Data, code: str, start: datetime, as_of: datetime, provisional: bool):
    """§3: (workload, days, daily) of one rep in one month judged at ``as_of``."""
    moments = [at for at in data.actions.get(code, []) if start <= at <= as_of]
    attended = data.attendance.get((code, start.strftime("%Y-%m")))
    if attended is not None and not provisional:
        days = attended
    else:
        days = len({at.date() for at in moments})
    return len(moments), days, (Fraction(len(moments), days) if days else None)


def annual_max(data: Data, branch: str, start: datetime, as_of: datetime, provisional: bool):
    """§3: the highest monthly daily workload of any rep of the branch, January … the period."""
    best = Fraction(0)
    reps = [p.code for p in data.staff.values() if p.branch == branch and p.role == "rep"]
    for number in range(1, start.month + 1):
        first, last = month_bounds(f"{start.year}-{number:02d}")
        this = number == start.month
        for code in reps:
            *_counts, daily = daily_workload(
                data, code, first, as_of if this else last, provisional and this
            )
            if daily is not None:
                best = max(best, daily)
    return best


def deductions(data: Data, code: str, start: datetime, as_of: datetime) -> tuple[Fraction, bool]:
    """§5: the standing deductions of the period (points taken off) and whether one forfeits."""
    off, forfeited = Fraction(0), False
    for staff, at, kind, points in data.deductions:
        if staff != code or not start <= at <= as_of:
            continue
        if kind == FORFEIT:
            forfeited = True
        elif kind == ENTERED_DEDUCTION:
            off += points
        else:
            off += FIXED_DEDUCTIONS[kind]
    return off, forfeited


def score_pool(pool: dict[str, Fraction | None], maximum: int, kpis: dict, kpi_id: str) -> None:
    """§6: rank_points among those with data; no data → 0 points, out of the pool."""
    with_data = {code: value for code, value in pool.items() if value is not None}
    for code, points in rank_points(with_data, maximum).items():
        kpis[code][kpi_id].points = points


def money(rows: list[Row]) -> None:
    """§6 rewards and penalties: ⌊n/2⌋ ranks at each end, someone beyond, never both ends."""
    n = len(rows)
    k_top, k_bottom = min(len(TOP), n // 2), min(len(BOTTOM), n // 2)
    for row in rows:
        above = sum(1 for other in rows if other.total > row.total)
        below = sum(1 for other in rows if other.total < row.total)
        from_top, from_bottom = above + 1, below + 1
        top = from_top <= k_top and below > 0
        bottom = from_bottom <= k_bottom and above > 0
        if top and bottom:
            continue  # a tie that reaches both ends gets neither
        if top and not row.zeroed:  # a forfeited month is never paid a top amount
            row.reward = TOP[from_top - 1]
        elif bottom:
            row.reward = BOTTOM[from_bottom - 1]


def branch_role(data: Data, branch: str, role: str, month: str, as_of: datetime) -> list[Row]:
    """One (branch, role, month) judged at ``as_of``, ordered by rank then staff code."""
    start, end = month_bounds(month)
    assert start <= as_of <= end, "as-of must lie inside the period"
    provisional = as_of < end
    people = ranked_people(data, branch, role, start, end)
    kpi_ids = REP_KPIS if role == "rep" else ENGINEER_KPIS
    kpis = {p.code: {k: Kpi(None) for k in kpi_ids} for p in people}
    for p in people:
        kpis[p.code]["timeliness"] = timeliness(data, p.code, role, start, as_of)
        kpis[p.code]["satisfaction"].value = satisfaction(data, p.code, role, start, as_of)
    if role == "rep":
        biggest = annual_max(data, branch, start, as_of, provisional)
        workload_pool = {}
        for p in people:
            kpis[p.code]["feedback"].value = feedback_rate(data, p.code, start, as_of)
            *_counts, daily = daily_workload(data, p.code, start, as_of, provisional)
            saturation = None if daily is None else (daily / biggest if biggest else Fraction(0))
            workload = kpis[p.code]["workload"]
            workload.value = saturation
            if p.hired_on is not None and start.date() <= p.hired_on <= end.date():
                workload.points, workload.first_month = Fraction(FIRST_MONTH_POINTS), True
            else:
                workload_pool[p.code] = saturation
        score_pool(workload_pool, WORKLOAD_MAX, kpis, "workload")
        score_pool(
            {p.code: kpis[p.code]["feedback"].value for p in people}, FEEDBACK_MAX, kpis, "feedback"
        )
    satisfaction_max = REP_SATISFACTION_MAX if role == "rep" else ENGINEER_SATISFACTION_MAX
    score_pool(
        {p.code: kpis[p.code]["satisfaction"].value for p in people},
        satisfaction_max,
        kpis,
        "satisfaction",
    )
    rows = []
    for p in people:
        off, forfeited = deductions(data, p.code, start, as_of)
        exact_total = sum((k.points for k in kpis[p.code].values()), Fraction(0)) - off
        if forfeited:
            exact_total = min(exact_total, Fraction(0))
        rows.append(
            Row(
                branch,
                role,
                p.code,
                p.name,
                kpis[p.code],
                off,
                forfeited,
                round_half_away(exact_total),
            )
        )
    for row in rows:
        row.rank = 1 + sum(1 for other in rows if other.total > row.total)
    money(rows)
    return sorted(rows, key=lambda row: (row.rank, row.staff_code))


def rankings(data: Data, month: str, as_of: datetime) -> list[Row]:
    """Every branch's reps and engineers for ``month`` judged at ``as_of``."""
    rows = []
    for branch in sorted({p.branch for p in data.staff.values()}):
        for role in ("rep", "engineer"):
            rows.extend(branch_role(data, branch, role, month, as_of))
    return rows
