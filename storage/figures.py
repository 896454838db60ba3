"""Per-person figures for a period, aggregated in SQL and handed over as plain data.

Each query groups one month's rows by person (a handful of GROUP BY passes
over indexed ranges); nothing reads a whole table into Python. The domain
(:mod:`fieldkpi.ranking`) turns these counts into points.

What would mean regrouping millions of rows for every ranking is counted at
write time instead, by triggers (storage/migrations.py): workload per person
and day and month (m005), and a month's tickets per person by day bucket,
rating and visit (m008). A month judged whole reads those counts; one cut
short by as-of reads the rows themselves, which the summaries must agree with
(tests/test_summaries.py).
"""

from __future__ import annotations

from collections import defaultdict
from datetime import date, datetime, time, timedelta
from fractions import Fraction

from fieldkpi.figures import (
    BranchFigures,
    Person,
    PersonFigures,
    TicketCounts,
    WorkloadMonth,
)
from fieldkpi.period import Judgement, stamp
from fieldkpi.scheme import ENTERED_KINDS, exact
from storage.db import Store

# The ticket column that makes a ticket "theirs", by role (kpi-rules §1, §4).
OWNER_COLUMN = {"engineer": "engineer", "rep": "rep"}


def ranked_people(
    store: Store, branch: str | None, role: str, judgement: Judgement
) -> list[Person]:
    """Staff of the role (and branch) employed at some point in the period (§6)."""
    period = judgement.period
    sql = """
        SELECT code, name, branch, role, hired_on, left_on FROM staff
        WHERE role = :role
          AND (hired_on IS NULL OR hired_on <= :last_day)
          AND (left_on IS NULL OR left_on >= :first_day)
    """
    params = {
        "role": role,
        "first_day": period.first_day.isoformat(),
        "last_day": period.last_day.isoformat(),
    }
    if branch is not None:
        sql += " AND branch = :branch"
        params["branch"] = branch
    return [person_from_row(row) for row in store.query(sql + " ORDER BY code", params)]


def person_from_row(row) -> Person:
    return Person(
        code=row["code"],
        name=row["name"],
        branch=row["branch"],
        role=row["role"],
        hired_on=_date(row["hired_on"]),
        left_on=_date(row["left_on"]),
    )


def _date(text: str | None) -> date | None:
    return date.fromisoformat(text) if text else None


def branch_codes(store: Store) -> list[str]:
    return [row[0] for row in store.query("SELECT code FROM branches ORDER BY code")]


# What puts a row in a judged period, as WHERE terms over the parameters of a
# :class:`Window`. The drill-down (storage/drilldown.py) lists rows with these
# very terms, so the facts it shows are the ones counted here.
TICKET_DAY = (
    "CAST(julianday(substr(t.completed_at, 1, 10))"
    " - julianday(substr(t.received_at, 1, 10)) AS INTEGER) + 1"
)  # §1: received and completed on the same date = day 1
COMPLETED_IN_WINDOW = "t.cancelled = 0 AND t.completed_at >= :start AND t.completed_at <= :end"
# §1's O, in two halves so that each walks an index: never completed, or completed after as-of.
OPEN_OVER_LIMIT = (
    "t.cancelled = 0 AND t.completed_at IS NULL AND t.received_at < :open_before",
    "t.cancelled = 0 AND t.completed_at > :as_of AND t.received_at < :open_before",
)
RATED_IN_WINDOW = (
    "t.cancelled = 0 AND t.rating IS NOT NULL AND t.callback_at >= :start AND t.callback_at <= :end"
)
VISIT_IN_WINDOW = (
    "t.cancelled = 0 AND t.kind != 'inshop_repair'"
    " AND coalesce(t.visited_at, t.completed_at) >= :start"
    " AND coalesce(t.visited_at, t.completed_at) <= :end"
)
PROBLEM_IN_WINDOW = "p.at >= :start AND p.at <= :end"
ACTIONS_SINCE = "a.at >= :since AND a.at <= :end"
# A row that another row corrects is void, and so is the correcting row:
# deductions are append-only, so a correction is recorded, never an edit.
COUNTED_DEDUCTION = (
    "d.at >= :start AND d.at <= :end AND d.corrects IS NULL"
    " AND NOT EXISTS (SELECT 1 FROM deductions c WHERE c.corrects = d.id)"
)


# The columns of ticket_month_counts (m008) that ticket_counts and rating_counts read.
DAY_COLUMNS = (*(f"day{k}" for k in range(1, 8)), "late")
RATING_COLUMNS = tuple(f"rated{k}" for k in range(1, 6))


class Window:
    """The SQL parameters of one judged period, shared by every query below."""

    def __init__(self, judgement: Judgement, open_days: int, branch: str | None) -> None:
        self.params = {
            "start": stamp(judgement.period.start),
            "end": stamp(judgement.window_end),
            "as_of": stamp(judgement.as_of),
            "open_before": stamp(
                datetime.combine(judgement.as_of.date() - timedelta(days=open_days), time())
            ),
            "month": str(judgement.period),
            "year_start": stamp(judgement.period.year_start().start),
            "branch": branch,
        }
        self.branch = branch
        # Judged at (or after) the month's end: the month counts of m008 hold the window.
        self.whole_month = judgement.window_end == judgement.period.end

    def completion_dates(self) -> tuple[str, dict[str, str]]:
        """SQL rows (lo, hi, day1 … day7) for each date D of the window, and their parameters.

        lo … hi is the part of D inside the window; day{k} is the first moment
        of D − (k − 1), the earliest receipt for which D is day k.
        """
        end = datetime.fromisoformat(self.params["end"])
        first = datetime.fromisoformat(self.params["start"]).date()
        rows, params = [], {}
        for n in range((end.date() - first).days + 1):
            day = first + timedelta(days=n)
            params[f"lo{n}"] = stamp(datetime.combine(day, time()))
            params[f"hi{n}"] = stamp(min(end, datetime.combine(day, time(23, 59, 59))))
            for k in range(1, 8):
                params[f"d{n}_{k}"] = stamp(datetime.combine(day - timedelta(days=k - 1), time()))
            names = [f":lo{n}", f":hi{n}", *(f":d{n}_{k}" for k in range(1, 8))]
            rows.append(f"({', '.join(names)})")
        if not rows:  # as-of before the period: nothing is completed in it
            return "SELECT " + ", ".join(["NULL"] * 9) + " WHERE 0", params
        return "VALUES " + ", ".join(rows), params

    def staff_filter(self, column: str, role: str) -> str:
        """Only people of this role (and branch): a join on the staff primary key."""
        branch = " AND s.branch = :branch" if self.branch is not None else ""
        return f"JOIN staff s ON s.code = {column} AND s.role = '{role}'{branch}"

    def narrowing(self, column: str, role: str) -> str:
        """For one branch, :meth:`staff_filter`; for every branch, nothing.

        One branch's rows are found from its few staff, each by their own index.
        For the whole country the join would look up a person for each of a
        million rows, costing more than the scan itself: the rows of everyone
        are grouped by person instead, and :func:`period_figures` keeps the
        people it ranks (a code of another role is never looked up).
        """
        return self.staff_filter(column, role) if self.branch is not None else ""


def ticket_counts(store: Store, window: Window, role: str) -> dict[str, TicketCounts]:
    """§1: completed tickets by day bucket, and those open past the limit at as-of."""
    owner = OWNER_COLUMN[role]
    join = window.narrowing(f"t.{owner}", role)
    if window.whole_month:
        completed = _month_counts(store, window, role, DAY_COLUMNS)
    else:
        completed = _completed_in_window(store, window, role)
    still_open = store.query(
        f"""
        SELECT code, count(*) FROM (
            SELECT t.{owner} AS code FROM tickets t {join} WHERE {OPEN_OVER_LIMIT[0]}
            UNION ALL
            SELECT t.{owner} AS code FROM tickets t {join} WHERE {OPEN_OVER_LIMIT[1]}
        )
        GROUP BY code
        """,
        window.params,
    )
    open_over = {row[0]: row[1] for row in still_open}
    counts = {
        code: TicketCounts(by_day=tuple(days[:7]), late=days[7], open_over=open_over.pop(code, 0))
        for code, *days in completed
    }
    counts.update({code: TicketCounts(open_over=n) for code, n in open_over.items()})
    return counts


def _month_counts(store: Store, window: Window, role: str, columns: tuple[str, ...]) -> list:
    """(person, *columns) of the month's ticket counts (m008), for people with any of them."""
    source, people = _people_first("c.person", role, window, "ticket_month_counts c")
    rows = store.query(
        f"""
        SELECT c.person, {", ".join(f"c.{name}" for name in columns)}
        FROM {source}
        WHERE c.month = :month AND c.side = '{OWNER_COLUMN[role]}'{people}
          AND {" + ".join(f"c.{name}" for name in columns)} > 0
        """,
        window.params,
    )
    return [tuple(row) for row in rows]


def _people_first(column: str, role: str, window: Window, tables: str) -> tuple[str, str]:
    """FROM and WHERE terms that walk one branch from its staff, each by their own key.

    CROSS JOIN fixes the order, whatever the planner (without statistics)
    would guess; for every branch the tables are read as they are, and
    :func:`period_figures` keeps the people it ranks (see :meth:`Window.narrowing`).
    """
    if window.branch is None:
        return tables, ""
    return (
        f"staff s CROSS JOIN {tables}",
        f" AND {column} = s.code AND s.role = '{role}' AND s.branch = :branch",
    )


def _completed_in_window(store: Store, window: Window, role: str) -> list[tuple]:
    """(person, day1 … day7, late) from the tickets completed in a window cut short by as-of.

    A ticket's day (:data:`TICKET_DAY`) is found without date arithmetic per
    row, which cost more than reading the rows: the tickets completed on each
    date D of the window are read by their own index range, and compared with
    the first moments of D, D − 1, … D − 6: received at or after D − (k − 1)
    means completed on day k or sooner.
    """
    owner = OWNER_COLUMN[role]
    dates, params = window.completion_dates()
    # The dates, then a range of tickets for each (for one branch, after its staff, each
    # walked by their own completion index). The dates cover COMPLETED_IN_WINDOW exactly;
    # its own range terms would take the place of each date's in the plan.
    source, people = _people_first(f"t.{owner}", role, window, "d CROSS JOIN tickets t")
    rows = store.query(
        f"""
        WITH d(lo, hi, {", ".join(f"day{k}" for k in range(1, 8))}) AS ({dates})
        SELECT t.{owner}, count(*),
               {", ".join(f"sum(t.received_at >= d.day{k})" for k in range(1, 8))}
        FROM {source} ON t.completed_at >= d.lo AND t.completed_at <= d.hi
        WHERE t.cancelled = 0{people}
        GROUP BY t.{owner}
        """,
        window.params | params,
    )
    completed = []
    for code, total, *within in rows:  # within[k - 1]: completed on day k or sooner
        by_day = [n - before for n, before in zip(within, [0, *within[:-1]], strict=True)]
        completed.append((code, *by_day, total - within[-1]))
    return completed


def rating_counts(store: Store, window: Window, role: str) -> dict[str, tuple[int, ...]]:
    """§4: callbacks in the period on the person's tickets, counted per rating 1–5."""
    owner = OWNER_COLUMN[role]
    if window.whole_month:
        return {row[0]: row[1:] for row in _month_counts(store, window, role, RATING_COLUMNS)}
    rows = store.query(
        f"""
        SELECT t.{owner}, sum(t.rating = 1), sum(t.rating = 2), sum(t.rating = 3),
               sum(t.rating = 4), sum(t.rating = 5)
        FROM tickets t {window.narrowing(f"t.{owner}", role)}
        WHERE {RATED_IN_WINDOW}
        GROUP BY t.{owner}
        """,
        window.params,
    )
    return {row[0]: tuple(row[1:]) for row in rows}


def deduction_counts(
    store: Store, window: Window, role: str
) -> dict[str, tuple[dict[str, int], Fraction]]:
    """§5: events per kind, and the sum of points entered with them (see COUNTED_DEDUCTION)."""
    rows = store.query(
        f"""
        SELECT d.staff, d.kind, count(*), total(d.points)
        FROM deductions d {window.narrowing("d.staff", role)}
        WHERE {COUNTED_DEDUCTION}
        GROUP BY d.staff, d.kind
        """,
        window.params,
    )
    result: dict[str, tuple[dict[str, int], Fraction]] = {}
    for staff, kind, count, points in rows:
        kinds, entered = result.get(staff, ({}, Fraction(0)))
        kinds[kind] = count
        if kind in ENTERED_KINDS:
            entered += sql_points(points)
        result[staff] = (kinds, entered)
    return result


def sql_points(total: float) -> Fraction:
    """SQL sums points as binary floats; points are entered with a few decimals."""
    return exact(f"{total:.6f}")


def rep_activity(store: Store, window: Window) -> dict[str, dict[str, object]]:
    """§2 and §3 for reps: problem points, on-site visits, workload, days."""
    join = window.narrowing("{col}", "rep")
    facts: dict[str, dict[str, object]] = defaultdict(dict)
    for code, points, unscored in store.query(
        f"""
        SELECT p.rep, total(p.points), sum(p.points IS NULL) FROM problems p
        {join.format(col="p.rep")}
        WHERE {PROBLEM_IN_WINDOW} GROUP BY p.rep
        """,
        window.params,
    ):
        facts[code]["problem_points"] = sql_points(points)
        facts[code]["unscored_problems"] = unscored
    visits = (
        _month_counts(store, window, "rep", ("visits",))
        if window.whole_month
        else store.query(
            f"""
            SELECT t.rep, count(*) FROM tickets t {join.format(col="t.rep")}
            WHERE {VISIT_IN_WINDOW}
            GROUP BY t.rep
            """,
            window.params,
        )
    )
    for code, count in visits:
        facts[code]["visits"] = count
    for code, days in store.query(
        f"SELECT att.staff, att.days FROM attendance att {join.format(col='att.staff')} "
        "WHERE att.month = :month",
        window.params,
    ):
        facts[code]["attendance_days"] = days
    for _, month in workload_months(store, window, since=window.params["start"]):
        facts[month.staff]["workload"] = month.workload
        facts[month.staff]["active_days"] = month.active_days
    return facts


def workload_months(store: Store, window: Window, since: str) -> list[tuple[str, WorkloadMonth]]:
    """(branch, month) of each rep's workload per month from ``since`` to the period's end (§3).

    The actions counted are those of ``ACTIONS_SINCE``, read from the
    summaries that triggers keep on every write (migration m005) instead of
    the actions themselves: whole months from ``rep_month_workload``, the
    days of a month that the window's end cuts short from ``staff_day_actions``,
    and only the actions of the day the window ends on, up to that second.
    """
    end = datetime.fromisoformat(window.params["end"])
    whole_day = end.time() == time(23, 59, 59)  # the window holds all of its last day
    cut = end.date() + timedelta(days=1) if whole_day else end.date()  # first day not whole
    join = window.staff_filter("{col}", "rep")
    rows = store.query(
        f"""
        WITH counted(staff, month, workload, active_days) AS (
            SELECT w.staff, w.month, w.workload, w.active_days
            FROM rep_month_workload w {join.format(col="w.staff")}
            WHERE w.month >= :since_month AND w.month < :cut_month
            UNION ALL
            SELECT staff, :cut_month, sum(actions), count(*) FROM (
                SELECT d.staff, d.actions FROM staff_day_actions d {join.format(col="d.staff")}
                WHERE d.day >= :cut_first AND d.day >= :since_day AND d.day < :cut_day
                UNION ALL
                SELECT a.staff, count(*) FROM actions a {join.format(col="a.staff")}
                WHERE a.at >= :cut_start AND {ACTIONS_SINCE}
                GROUP BY a.staff
            )
            GROUP BY staff
        )
        SELECT s.branch, c.staff, c.month, c.workload, c.active_days, att.days
        FROM counted c JOIN staff s ON s.code = c.staff AND s.role = 'rep'
        LEFT JOIN attendance att ON att.staff = c.staff AND att.month = c.month
        ORDER BY c.staff, c.month
        """,
        window.params
        | {
            "since": since,
            "since_month": since[:7],
            "since_day": since[:10],
            "cut_month": cut.isoformat()[:7],
            "cut_first": cut.replace(day=1).isoformat(),
            "cut_day": cut.isoformat(),
            "cut_start": stamp(datetime.combine(cut, time())),
        },
    )
    return [
        (branch, WorkloadMonth(staff, month, workload, days, active))
        for branch, staff, month, workload, active, days in rows
    ]


def branch_figures(
    store: Store, branch: str, role: str, judgement: Judgement, open_days: int
) -> BranchFigures:
    """Everything needed to rank one role of one branch in one period."""
    return period_figures(store, role, judgement, open_days, branch=branch)[branch]


def period_figures(
    store: Store, role: str, judgement: Judgement, open_days: int, branch: str | None = None
) -> dict[str, BranchFigures]:
    """The figures of every branch (or one) for a role, from one snapshot of the database."""
    window = Window(judgement, open_days, branch)
    with store.read():
        people = ranked_people(store, branch, role, judgement)
        tickets = ticket_counts(store, window, role)
        ratings = rating_counts(store, window, role)
        deductions = deduction_counts(store, window, role)
        activity = rep_activity(store, window) if role == "rep" else {}
        history = (
            workload_months(store, window, since=window.params["year_start"])
            if role == "rep"
            else []
        )
        branches = [branch] if branch is not None else branch_codes(store)
    by_branch: dict[str, BranchFigures] = {
        code: BranchFigures(code, role, judgement, people=[], workload_history=[])
        for code in branches
    }
    for person in people:
        kinds, entered = deductions.get(person.code, ({}, Fraction(0)))
        by_branch[person.branch].people.append(
            PersonFigures(
                person=person,
                tickets=tickets.get(person.code, TicketCounts()),
                ratings=ratings.get(person.code, (0,) * 5),
                deductions=kinds,
                entered_deduction_points=entered,
                **activity.get(person.code, {}),
            )
        )
    for rep_branch, month in history:
        by_branch[rep_branch].workload_history.append(month)
    return by_branch
