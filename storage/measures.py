"""Each measure's counts for a period, per person, aggregated in SQL and handed over as plain data.

One counter per measure id of :mod:`fieldkpi.measures`; only the measures a
branch's scheme names are counted. Each query groups one period's rows by
person; nothing reads a whole table into Python. The domain
(:mod:`fieldkpi.ranking`) turns the counts into values and points.

The time principle of kpi-rules.md is applied here, in the WHERE terms: a
ticket counts by its *first* completion and by who held it then
(``completed_engineer``), an open ticket by who held it when it crossed the
open limit, and a ticket that stood cancelled at as-of counts nowhere
(:mod:`storage.timeline`). The drill-down (storage/drilldown.py) lists rows
with these very terms, so the facts it shows are the ones counted.

What would regroup millions of rows for every ranking is counted at write
time instead, by triggers (storage/migrations.py): workload per person, day
and month (m005), and each month's tickets per person by day bucket, rating
and visit (m010, ``ticket_month_facts``, which counts cancelled tickets too).
Months judged whole read those counts and take away the few tickets that
stood cancelled at as-of; a month cut short by as-of reads the rows
themselves, which the summaries must agree with (tests/test_summaries.py).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Iterable
from datetime import date, datetime, time, timedelta
from fractions import Fraction
from typing import Any

from fieldkpi.figures import Person, PersonFigures, PoolFigures, TicketCounts, WorkloadMonth
from fieldkpi.measures import entered_metric
from fieldkpi.period import Judgement, Period, stamp
from fieldkpi.scheme import Kpi, Scheme, exact
from storage.db import Store
from storage.employment import hired_by_sql, still_here_sql
from storage.timeline import cancelled_at, engineer_at

# The ticket column of the person a ticket's facts count for, by role and fact (kpi-rules
# §1, §2, §4): a completion for its holder then, a callback and a visit for the ticket's own
# (a ticket called back is never reopened, so its engineer is the one who held it then).
COMPLETED_BY = {"engineer": "t.completed_engineer", "rep": "t.rep"}
SERVED_BY = {"engineer": "t.engineer", "rep": "t.rep"}
SIDE = {"engineer": "engineer", "rep": "rep"}

NOT_CANCELLED = f"NOT {cancelled_at(':as_of')}"
CALENDAR_DAY = (
    "CAST(julianday(substr(t.first_completed_at, 1, 10))"
    " - julianday(substr(t.received_at, 1, 10)) AS INTEGER) + 1"
)  # §1: received and completed on the same date = day 1
HOURS_DAY = (
    "(CAST(strftime('%s', t.first_completed_at) AS INTEGER)"
    " - CAST(strftime('%s', t.received_at) AS INTEGER)) / 86400 + 1"
)  # day_basis = "24h": whole 24-hour spans from receipt
DAY = {"calendar": CALENDAR_DAY, "24h": HOURS_DAY}
SECONDS_TO_COMPLETE = (
    "(CAST(strftime('%s', t.first_completed_at) AS INTEGER)"
    " - CAST(strftime('%s', t.received_at) AS INTEGER))"
)
COMPLETED_IN = "t.first_completed_at >= :lo AND t.first_completed_at <= :hi"
RATED_IN = "t.rating IS NOT NULL AND t.callback_at >= :lo AND t.callback_at <= :hi"
VISIT = "coalesce(t.visited_at, t.first_completed_at)"
VISITED_IN = f"t.kind != 'inshop_repair' AND {VISIT} >= :lo AND {VISIT} <= :hi"
# §1's O: no first completion and no cancellation that began by as-of, received before the
# limit; in three disjoint parts so that each walks an index of its own (named: without
# statistics the planner would walk a branch's every ticket instead).
OPEN_PARTS = (
    ("tickets_still_open", "t.first_completed_at IS NULL AND t.cancelled_at IS NULL"),
    (
        "tickets_first_completed",
        "t.first_completed_at > :as_of AND (t.cancelled_at IS NULL OR t.cancelled_at > :as_of)",
    ),
    ("tickets_cancelled_at", "t.first_completed_at IS NULL AND t.cancelled_at > :as_of"),
)
# The moment a ticket crossed the open limit: the first second of date(received) + days + 1.
CROSSED = "datetime(substr(t.received_at, 1, 10), '+' || (:open_days + 1) || ' days')"
# Problem reports and deductions count once they stand (kpi-rules §5): not pending,
# rejected, contested or withdrawn (m016 made m001's correcting rows withdrawals).
STANDING = (
    "NOT EXISTS (SELECT 1 FROM appraisal_states x"
    " WHERE x.subject = '{subject}' AND x.subject_id = {alias}.id)"
)
PROBLEM_STANDS = STANDING.format(subject="problem", alias="p")
DEDUCTION_COUNTS = STANDING.format(subject="deduction", alias="d")
PROBLEM_IN = "p.at >= :start AND p.at <= :end"
DEDUCTION_IN = "d.at >= :start AND d.at <= :end"

# Columns of ticket_month_facts (m010).
DAY_COLUMNS = (*(f"day{k}" for k in range(1, 8)), "late")
RATING_COLUMNS = tuple(f"rated{k}" for k in range(1, 6))


class Window:
    """The SQL parameters of one judged period, shared by every counter below.

    The month counts of m010 hold whole calendar months. ``whole`` are the
    months read from them: every month inside the window, and also the month
    the window's end cuts short when less of it lies after the end than
    before. ``ranges`` are read from the rows, each ``(lo, hi, sign)``: +1 adds
    what a stretch of the window holds, −1 takes back from a month read whole
    what lies after the window's end. While a month runs, its counts hold it
    up to now: ``quiet_after`` says nothing of the period is dated after the
    window's end (see :func:`window`), and a month cut short is then read
    whole from its counts, with nothing to take back, wherever the end falls.
    """

    def __init__(
        self,
        judgement: Judgement,
        settings: dict[str, Any],
        branch: str | None,
        *,
        quiet_after: bool = False,
    ) -> None:
        period, end = judgement.period, judgement.window_end
        self.judgement = judgement
        self.branch = branch
        self.day_basis = settings["day_basis"]
        open_days = settings["open_days"]
        self.whole: list[Period] = []
        self.ranges: list[tuple[str, str, int]] = []
        for month in period.months() if self.day_basis == "calendar" else ():
            if month.start > end:
                break
            if month.end <= end or quiet_after or month.end - end < end - month.start:
                self.whole.append(month)
                if month.end > end and not quiet_after:
                    self.ranges.append((stamp(end + timedelta(seconds=1)), stamp(month.end), -1))
            else:
                self.ranges.append((stamp(month.start), stamp(end), 1))
        if self.day_basis != "calendar" and period.start <= end:
            self.ranges.append((stamp(period.start), stamp(end), 1))
        self.params: dict[str, Any] = {
            "start": stamp(period.start),
            "end": stamp(end),
            "as_of": stamp(judgement.as_of),
            "open_days": open_days,
            "open_before": stamp(
                datetime.combine(judgement.as_of.date() - timedelta(days=open_days), time())
            ),
            "first_month": str(period.months()[0]),
            "last_month": str(period.months()[-1]),
            **{f"whole_{n}": str(month) for n, month in enumerate(self.whole)},
            # the part of the whole months inside the window: their cancellations are taken back
            "whole_start": stamp(self.whole[0].start) if self.whole else "",
            "whole_end": stamp(min(self.whole[-1].end, end)) if self.whole else "",
            "year_start": stamp(period.year_start().start),
            "branch": branch,
        }

    @property
    def whole_months(self) -> str:
        """SQL: the months read whole, as a list of parameters (``IN (…)``)."""
        return ", ".join(f":whole_{n}" for n in range(len(self.whole)))

    def narrowing(self, column: str, role: str) -> str:
        """For one branch, a join on the people of its role; for every branch, nothing.

        One branch's rows are found from its few staff, each by their own index.
        For the whole country the join would look up a person for each of a
        million rows, costing more than the scan itself: the rows of everyone
        are grouped by person instead, and :func:`pool_figures` keeps the
        people it ranks.
        """
        if self.branch is None:
            return ""
        return f"JOIN staff s ON s.code = {column} AND s.role = '{role}' AND s.branch = :branch"


# What a month's counts (m010) hold, by the time each is dated at: first completions,
# rated callbacks, visits; each time with an index of its own.
DATED = (
    ("first_completed_at", ""),
    ("callback_at", "rating IS NOT NULL AND "),
    ("coalesce(visited_at, first_completed_at)", "kind != 'inshop_repair' AND "),
)


def window(
    store: Store, judgement: Judgement, settings: dict[str, Any], branch: str | None = None
) -> Window:
    """The :class:`Window` of a judgement: when nothing of the period is dated after as-of
    (a running month judged now), its month cut short is read whole from the counts.

    Three index probes; without them, a month judged before its middle would be
    read from its rows, up to a million tickets for the whole country.
    """
    period, as_of = judgement.period, judgement.as_of
    dated_after = " OR ".join(
        f"EXISTS (SELECT 1 FROM tickets WHERE {also}{time} > :as_of AND {time} <= :end)"
        for time, also in DATED
    )
    quiet = judgement.provisional and not store.scalar(
        f"SELECT {dated_after}", {"as_of": stamp(as_of), "end": stamp(period.end)}
    )
    return Window(judgement, settings, branch, quiet_after=quiet)


def _counted(totals: dict[str, list[int]]) -> dict[str, list[int]]:
    """The people with anything counted: the month counts keep rows of zeros for a person
    with other facts that month, which a count of the rows would not find."""
    return {person: numbers for person, numbers in totals.items() if any(numbers)}


def _add(totals: dict[str, list[int]], rows: Iterable, sign: int = 1) -> None:
    """Add rows (person, n1 … nk) to each person's totals (``sign`` −1 takes them away)."""
    for person, *numbers in rows:
        if person is None:
            continue
        into = totals.setdefault(person, [0] * len(numbers))
        for i, n in enumerate(numbers):
            into[i] += sign * (n or 0)


def _facts_and_rows(
    store: Store,
    w: Window,
    role: str,
    columns: tuple[str, ...],
    fact: tuple[str, str, str, str],
) -> dict[str, list[int]]:
    """One counter of the month counts: whole months, their cancellations, the rows beside.

    ``fact`` is (the person's column, the derived columns of a row, the counts
    per person, the WHERE of a row's fact in ``lo`` … ``hi``) and ``columns``
    the month counts' columns that hold the same counts.
    """
    owner, _derived, _counts, fact_in = fact
    totals: dict[str, list[int]] = {}
    if w.whole:
        counts = ", ".join(f"f.{c}" for c in columns)
        months = f"f.side = '{SIDE[role]}' AND f.month IN ({w.whole_months})"
        if w.branch is None:
            sql = f"SELECT f.person, {counts} FROM ticket_month_facts f WHERE {months}"
        else:  # its people first (CROSS JOIN keeps the order), each one's months by key
            sql = (
                f"SELECT f.person, {counts} FROM staff s CROSS JOIN ticket_month_facts f"
                f" ON f.person = s.code WHERE s.role = '{role}' AND s.branch = :branch AND {months}"
            )
        _add(totals, store.query(sql, w.params))
        whole = fact_in.replace(":lo", ":whole_start").replace(":hi", ":whole_end")
        index = CANCEL_SEEN_INDEX[fact_in]
        _add(
            totals,
            store.query(
                _grouped_sql(
                    fact,
                    f"tickets t INDEXED BY {index}",
                    f"t.cancel_seen = 1 AND {whole} AND {cancelled_at(':as_of')}",
                ),
                w.params,
            ),
            -1,
        )
    for lo, hi, sign in w.ranges:
        # what the window holds leaves out tickets cancelled at as-of; what is taken back
        # from a whole month is whatever its counts hold
        cancelled = f" AND {NOT_CANCELLED}" if sign > 0 else ""
        source = f"tickets t {w.narrowing(owner, role)}"
        _add(
            totals,
            store.query(
                _grouped_sql(fact, source, fact_in + cancelled), w.params | {"lo": lo, "hi": hi}
            ),
            sign,
        )
    return _counted(totals)


def _grouped_sql(fact: tuple[str, str, str, str], source: str, where: str) -> str:
    """The counts per person of the tickets ``where`` selects: derived columns, if any,
    worked out once per row in a subquery that carries nothing else."""
    owner, derived, counts, _fact_in = fact
    if not derived:
        return f"SELECT {owner}, {counts} FROM {source} WHERE {where} GROUP BY 1"
    return (  # LIMIT -1 (no limit) keeps SQLite from flattening the subquery into one
        # that works the derived columns out again for each count that reads them
        f"SELECT person, {counts} FROM (SELECT {owner} AS person{derived}"
        f" FROM {source} WHERE {where} LIMIT -1) GROUP BY 1"
    )


# Each fact's partial index on its time over once-cancelled tickets (m010).
CANCEL_SEEN_INDEX = {
    COMPLETED_IN: "tickets_cancel_seen_completed",
    RATED_IN: "tickets_cancel_seen_rated",
    VISITED_IN: "tickets_cancel_seen_visited",
}


# ------------------------------------------------------------------ §1 timeliness


def timeliness_counts(store: Store, w: Window, role: str) -> dict[str, TicketCounts]:
    """§1: first completions in the window by day bucket, and tickets open past the limit."""
    bucket = f", min(max({DAY[w.day_basis]}, 1), 8) AS b"
    buckets = ", ".join(f"sum(b = {k})" for k in range(1, 9))
    owner = COMPLETED_BY[role]
    days = _facts_and_rows(store, w, role, DAY_COLUMNS, (owner, bucket, buckets, COMPLETED_IN))
    opened = open_over_limit(store, w, role)
    counts = {
        person: TicketCounts(by_day=tuple(n[:7]), late=n[7], open_over=opened.pop(person, 0))
        for person, n in days.items()
    }
    counts.update({person: TicketCounts(open_over=n) for person, n in opened.items()})
    return counts


def open_holder(role: str) -> str:
    """SQL: who an open ticket counts against — its holder when it crossed the limit (§1),
    unless that person had left before as-of's day: a ticket still open in the name of
    someone who has left is the lead's to re-dispatch and counts against nobody (§6).

    The leaving day itself is a working day (as signing in and saving have it).
    """
    holder = engineer_at(CROSSED) if role == "engineer" else "t.rep"
    return (
        f"(SELECT s.code FROM staff s WHERE s.code = {holder}"
        f" AND {still_here_sql('s.left_on', 'substr(:as_of, 1, 10)')})"
    )


def open_tickets_sql(w: Window, select: str) -> str:
    """The tickets of §1's O at the window's as-of, in its three index-walking parts."""
    branch = " AND t.branch = :branch" if w.branch is not None else ""
    return " UNION ALL ".join(
        f"SELECT {select} FROM tickets t INDEXED BY {index}"
        f" WHERE {part} AND t.received_at < :open_before{branch} AND {NOT_CANCELLED}"
        for index, part in OPEN_PARTS
    )


def open_over_limit(store: Store, w: Window, role: str) -> dict[str, int]:
    rows = store.query(
        f"SELECT holder, count(*) FROM ({open_tickets_sql(w, f'{open_holder(role)} AS holder')})"
        " WHERE holder IS NOT NULL GROUP BY holder",
        w.params,
    )
    return {row[0]: row[1] for row in rows}


# ------------------------------------------------------------------ §2, §4: callbacks and visits


def rating_counts(store: Store, w: Window, role: str) -> dict[str, tuple[int, ...]]:
    """§4: callbacks in the window on the person's tickets, counted per rating 1–5."""
    ratings = ", ".join(f"sum(t.rating = {k})" for k in range(1, 6))
    fact = (SERVED_BY[role], "", ratings, RATED_IN)
    return {p: tuple(n) for p, n in _facts_and_rows(store, w, role, RATING_COLUMNS, fact).items()}


def visit_counts(store: Store, w: Window) -> dict[str, int]:
    """§2: the rep's on-site tickets visited (else first completed) in the window."""
    fact = ("t.rep", "", "count(*)", VISITED_IN)
    return {p: n[0] for p, n in _facts_and_rows(store, w, "rep", ("visits",), fact).items()}


def problem_counts(store: Store, w: Window) -> dict[str, dict[str, Any]]:
    """§2: the points of the standing problem reports each rep filed in the window."""
    rows = store.query(
        f"""
        SELECT p.rep, total(p.points), sum(p.points IS NULL) FROM problems p
        {w.narrowing("p.rep", "rep")}
        WHERE {PROBLEM_IN} AND {PROBLEM_STANDS} GROUP BY p.rep
        """,
        w.params,
    )
    return {
        rep: {"problem_points": sql_points(points), "unscored": unscored}
        for rep, points, unscored in rows
    }


def sql_points(total: float) -> Fraction:
    """SQL sums points as binary floats; points are entered with a few decimals."""
    return exact(f"{total:.6f}")


# ------------------------------------------------------------------ §3 workload


def workload_months(
    store: Store, w: Window, since: str, role: str = "rep"
) -> list[tuple[str, WorkloadMonth]]:
    """(branch, month) of each person's workload per month from ``since`` to the window's end.

    Read from the summaries triggers keep on every action written (m005):
    whole months from ``rep_month_workload``, the days of a month that the
    window's end cuts short from ``staff_day_actions``, and only the actions of
    the day the window ends on, up to that second. A whole month with attendance
    and no action is there too, with 0 actions: days at work, nothing done.
    """
    end = datetime.fromisoformat(w.params["end"])
    whole_day = end.time() == time(23, 59, 59)  # the window holds all of its last day
    cut = end.date() + timedelta(days=1) if whole_day else end.date()  # first day not whole
    join = w.narrowing("{col}", role)
    # For every branch, the role's people: the summaries are keyed by person, so each
    # person's months and days are found by key instead of scanning everyone's year.
    whose = "" if w.branch else f" AND {{col}} IN (SELECT code FROM staff WHERE role = '{role}')"
    rows = store.query(
        f"""
        WITH counted(staff, month, workload, active_days) AS (
            SELECT m.staff, m.month, m.workload, m.active_days
            FROM rep_month_workload m {join.format(col="m.staff")}
            WHERE m.month >= :since_month AND m.month < :cut_month{whose.format(col="m.staff")}
            UNION ALL  -- days at work by the attendance record, no action: 0 a day, not no data
            SELECT att.staff, att.month, 0, 0 FROM attendance att {join.format(col="att.staff")}
            WHERE att.month >= :since_month AND att.month < :cut_month
              {whose.format(col="att.staff")} AND NOT EXISTS (
                SELECT 1 FROM rep_month_workload m
                WHERE m.staff = att.staff AND m.month = att.month
            )
            UNION ALL
            SELECT staff, :cut_month, sum(actions), count(*) FROM (
                SELECT d.staff, d.actions FROM staff_day_actions d {join.format(col="d.staff")}
                WHERE d.day >= :cut_first AND d.day >= :since_day AND d.day < :cut_day
                  {whose.format(col="d.staff")}
                UNION ALL
                SELECT a.staff, count(*) FROM actions a {join.format(col="a.staff")}
                WHERE a.at >= :cut_start AND a.at >= :since AND a.at <= :end
                GROUP BY a.staff
            )
            GROUP BY staff
        )
        SELECT s.branch, c.staff, c.month, c.workload, c.active_days, att.days
        FROM counted c JOIN staff s ON s.code = c.staff AND s.role = '{role}'
        LEFT JOIN attendance att ON att.staff = c.staff AND att.month = c.month
        ORDER BY c.staff, c.month
        """,
        w.params
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


def attendance_counts(store: Store, w: Window, role: str) -> dict[str, dict[str, Any]]:
    """Days absent in the period's months, for people whose attendance says so."""
    rows = store.query(
        f"""
        SELECT att.staff, sum(att.absent) FROM attendance att {w.narrowing("att.staff", role)}
        WHERE att.month >= :first_month AND att.month <= :last_month AND att.absent IS NOT NULL
        GROUP BY att.staff
        """,
        w.params,
    )
    return {staff: {"absent": absent} for staff, absent in rows}


# ------------------------------------------------------------------ tickets as schemes count them


# The completed tickets the measures of schemes.md read: first completed in the window, and
# what makes each count for its measure (the drill-down lists them with these very terms).
COMPLETED_WINDOW = (
    f"t.first_completed_at >= :start AND t.first_completed_at <= :end AND {NOT_CANCELLED}"
)
RESOLVED_WITHIN = f"{SECONDS_TO_COMPLETE} <= :limit"
# A reopening within the KPI's days of the first completion, known by as-of.
REOPENINGS = (
    "FROM ticket_history h WHERE h.ticket = t.code AND h.step = 'reopen'"
    " AND h.at > t.first_completed_at AND h.at <= :as_of"
    " AND h.at <= datetime(t.first_completed_at, '+' || :days || ' days')"
)


def ticket_settings(kpi: Kpi) -> dict[str, int]:
    """A completed-tickets KPI's settings as SQL parameters: the hours in seconds, the days."""
    if kpi.measure == "resolved_within":
        return {"limit": int(kpi.settings["hours"] * 3600)}
    if kpi.measure == "first_time_fix":
        return {"days": int(kpi.settings["days"])}
    return {}


def ticket_counts(store: Store, w: Window, role: str, kpi: Kpi) -> dict[str, dict[str, Any]]:
    """The completed tickets of the window for the measures of schemes.md that read them."""
    owner = COMPLETED_BY[role]
    if kpi.measure == "resolved_within":
        value, name = f"sum({RESOLVED_WITHIN})", "within"
    elif kpi.measure == "first_time_fix":
        value, name = f"sum(NOT EXISTS (SELECT 1 {REOPENINGS}))", "fixed"
    elif kpi.measure == "cycle_hours":
        value, name = f"sum({SECONDS_TO_COMPLETE})", "seconds"
    else:  # completed
        value, name = "count(*)", "completed"
    rows = store.query(
        f"""
        SELECT {owner}, count(*), {value} FROM tickets t {w.narrowing(owner, role)}
        WHERE {COMPLETED_WINDOW}
        GROUP BY 1
        """,
        w.params | ticket_settings(kpi),
    )
    return {person: {"completed": n, name: v or 0} for person, n, v in rows}


FIRST_DISPATCH = (
    "CASE WHEN t.timeline THEN (SELECT min(l.since) FROM ticket_timeline l"
    " WHERE l.ticket = t.code AND l.engineer IS NOT NULL) ELSE t.dispatched_at END"
)
FIRST_ENGINEER = (
    "CASE WHEN t.timeline THEN (SELECT l.engineer FROM ticket_timeline l"
    " WHERE l.ticket = t.code AND l.engineer IS NOT NULL ORDER BY l.since, l.id LIMIT 1)"
    " ELSE t.engineer END"
)


def first_dispatches_sql(w: Window, role: str) -> str:
    """The tickets first dispatched in the window: whose (``person``), when (``first``), and the
    seconds from receipt; the drill-down lists the rows that ``dispatch_counts`` counts."""
    owner = FIRST_ENGINEER if role == "engineer" else "t.rep"
    branch = " AND t.branch = :branch" if w.branch is not None else ""
    return f"""
        SELECT * FROM (
            SELECT {owner} AS person, t.code, t.received_at, {FIRST_DISPATCH} AS first,
                   CAST(strftime('%s', {FIRST_DISPATCH}) AS INTEGER)
                   - CAST(strftime('%s', t.received_at) AS INTEGER) AS seconds
            FROM tickets t
            WHERE t.dispatched_at >= :start AND t.received_at <= :end AND {NOT_CANCELLED}{branch}
        )
        WHERE first >= :start AND first <= :end AND person IS NOT NULL
    """


def dispatch_counts(store: Store, w: Window, role: str) -> dict[str, dict[str, Any]]:
    """Tickets first dispatched in the window: how many, and the seconds from receipt."""
    rows = store.query(
        f"SELECT person, count(*), sum(seconds) FROM ({first_dispatches_sql(w, role)})"
        " GROUP BY person",
        w.params,
    )
    return {person: {"dispatched": n, "seconds": s or 0} for person, n, s in rows}


# ------------------------------------------------------------------ events and entered values


def adjustment_counts(
    store: Store, w: Window, role: str
) -> dict[str, dict[str, tuple[int, Fraction]]]:
    """§5: standing events per person and kind: how many, and the points entered with them."""
    rows = store.query(
        f"""
        SELECT d.staff, d.kind, count(*), total(d.points)
        FROM deductions d {w.narrowing("d.staff", role)}
        WHERE {DEDUCTION_IN} AND {DEDUCTION_COUNTS}
        GROUP BY d.staff, d.kind
        """,
        w.params,
    )
    result: dict[str, dict[str, tuple[int, Fraction]]] = defaultdict(dict)
    for staff, kind, count, points in rows:
        result[staff][kind] = (count, sql_points(points))
    return result


def entered_values(store: Store, w: Window, role: str, metric: str) -> dict[str, dict[str, Any]]:
    """The latest value entered for each person, metric and period (schemes.md ``entered.*``)."""
    rows = store.query(
        f"""
        SELECT sc.staff, sc.value FROM scores sc {w.narrowing("sc.staff", role)}
        WHERE sc.period = :period AND sc.metric = :metric
          AND sc.id = (SELECT max(l.id) FROM scores l
                       WHERE l.period = sc.period AND l.staff = sc.staff AND l.metric = sc.metric)
        """,
        w.params | {"period": str(w.judgement.period), "metric": metric},
    )
    return {staff: {"value": exact(value)} for staff, value in rows}


# ------------------------------------------------------------------ people and pools


def ranked_people(
    store: Store, branch: str | None, role: str, judgement: Judgement
) -> list[Person]:
    """Staff of the role (and branch) employed at some point in the period (§6)."""
    period = judgement.period
    sql = f"""
        SELECT code, name, branch, role, hired_on, left_on FROM staff
        WHERE role = :role
          AND {hired_by_sql("hired_on", ":last_day")}
          AND {still_here_sql("left_on", ":first_day")}
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


def _months_of(period: Period, months: list[WorkloadMonth]) -> list[WorkloadMonth]:
    inside = {str(m) for m in period.months()}
    return [m for m in months if m.period in inside]


def kpi_counts(
    store: Store, w: Window, role: str, kpis: Iterable[Kpi], months: dict[str, list]
) -> dict[tuple, dict[str, dict[str, Any]]]:
    """The counts of every KPI's measure, by KPI key and person (each key counted once)."""
    counted: dict[tuple, dict[str, dict[str, Any]]] = {}
    cache: dict[str, Any] = {}

    def once(name: str, count: Callable[[], Any]) -> Any:
        if name not in cache:
            cache[name] = count()
        return cache[name]

    period = w.judgement.period
    for kpi in kpis:
        if kpi.key in counted:
            continue
        m = kpi.measure
        if m == "timeliness":
            found = {
                p: {"tickets": c}
                for p, c in once(m, lambda: timeliness_counts(store, w, role)).items()
            }
        elif m in ("satisfaction_rate", "satisfaction_mean"):
            found = {
                p: {"ratings": r}
                for p, r in once("ratings", lambda: rating_counts(store, w, role)).items()
            }
        elif m == "feedback_rate":
            problems = once("problems", lambda: problem_counts(store, w))
            visits = once("visits", lambda: visit_counts(store, w))
            found = {
                p: {"visits": visits.get(p, 0), **problems.get(p, {})}
                for p in problems.keys() | visits.keys()
            }
        elif m in ("saturation", "workload"):
            found = {p: {"months": _months_of(period, ms)} for p, ms in months.items()}
        elif m in ("resolved_within", "first_time_fix", "cycle_hours", "completed"):
            found = ticket_counts(store, w, role, kpi)
        elif m == "dispatch_minutes":
            found = once(m, lambda: dispatch_counts(store, w, role))
        elif m == "attendance.absent":
            found = once(m, lambda: attendance_counts(store, w, role))
        elif m.startswith("adjustments."):
            kind = m.partition(".")[2]
            events = once("adjustments", lambda: adjustment_counts(store, w, role))
            found = {p: {"events": kinds[kind][0]} for p, kinds in events.items() if kind in kinds}
        else:
            metric = entered_metric(m)
            found = entered_values(store, w, role, metric)
        counted[kpi.key] = found
    return counted


def pool_figures(
    store: Store,
    role: str,
    judgement: Judgement,
    schemes: dict[str, Scheme],
    branch: str | None = None,
) -> dict[str, PoolFigures]:
    """The figures of each branch of ``schemes`` for a role, from one snapshot of the database.

    Branches whose schemes count alike (the same open limit and day basis)
    are counted together: for the whole country one pass per measure, for
    one branch a pass over its own people.
    """
    by_plan: dict[tuple, list[str]] = defaultdict(list)
    for code, scheme in schemes.items():
        plan = (scheme.settings["open_days"], scheme.settings["day_basis"])
        by_plan[plan].append(code)
    result: dict[str, PoolFigures] = {}
    with store.read():
        for (open_days, day_basis), codes in by_plan.items():
            one = codes[0] if len(codes) == 1 else branch
            w = window(store, judgement, {"open_days": open_days, "day_basis": day_basis}, one)
            people = ranked_people(store, one, role, judgement)
            kpis = {k.key: k for code in codes for k in schemes[code].kpis_of(role)}
            wanted = {"saturation", "workload"} & {k.measure for k in kpis.values()}
            history: list[tuple[str, WorkloadMonth]] = []
            months: dict[str, list[WorkloadMonth]] = defaultdict(list)
            if wanted:
                since = w.params["year_start"] if "saturation" in wanted else w.params["start"]
                history = workload_months(store, w, since, role)
                for _branch, month in history:
                    months[month.staff].append(month)
            counts = kpi_counts(store, w, role, kpis.values(), months)
            events = adjustment_counts(store, w, role)
            counted = set(codes)  # a set: the whole country's people and months look up 200
            for code in codes:
                result[code] = PoolFigures(code, role, judgement, people=[], workload_history=[])
            for person in people:
                if person.branch not in counted:
                    continue
                result[person.branch].people.append(
                    PersonFigures(
                        person=person,
                        counts={
                            key: found[person.code]
                            for key, found in counts.items()
                            if person.code in found
                        },
                        adjustments=events.get(person.code, {}),
                    )
                )
            for staff_branch, month in history:
                if staff_branch in counted:
                    result[staff_branch].workload_history.append(month)
    return result
