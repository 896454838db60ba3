"""The month's ranking as an analyst would compute it with pandas: read the rows, then group.

This is the alternative that ``bench/run.py`` measures fieldkpi against. It
follows the revised kpi-rules.md (its last section lists what changed from the
first version) with the default scheme's numbers written in, reads what each
rule needs with ``read_sql`` (the period's tickets, problem reports,
deductions, and the year's actions for the annual maximum daily workload),
and computes in floats, rounding half-up with a small nudge so that a value
like 7.125 that a float holds exactly rounds as the rules say.

It takes the database's recorded facts as they are (a ticket's first
completion and who completed it, when a cancellation began, the holder and
cancelled flag of a ticket worked in the TUI from each moment on, the review
log of problem reports and deductions) and applies the rules to them itself.

Only the benchmark and its smoke test use it; pandas is in the ``bench`` extra.
"""

from __future__ import annotations

import sqlite3
from datetime import date, datetime, timedelta

import numpy as np
import pandas as pd

DAY_POINTS = (20, 17, 14, 11, 8, 5, 2)  # §1: completed on day 1 … 7
LATE_POINTS, OPEN_POINTS, OPEN_DAYS = -15, -150, 30
SATISFIED = 4  # §4: a rating of 4 or 5 is satisfied
PROBLEM_POINTS = 1.0  # §2: a report filed without points of its own
FIRST_MONTH = 20.0  # §3: a rep hired in the period
FIXED_DEDUCTIONS = {
    "backfill": 0.5,
    "violation": 1,
    "fake_completion": 1,
    "complaint_general": 5,
    "complaint_major": 10,
    "complaint_internal": 2,
}
ENTERED, FORFEIT = "branch_rule", "complaint_media"
TOP, BOTTOM = (200, 100), (-100, -50)
STANDS = ("approve", "uphold")  # the review actions after which an event counts again


def half_up(values: pd.Series) -> pd.Series:
    """Round half away from zero to 2 places (pandas' round() rounds half to even)."""
    return np.sign(values) * np.floor(values.abs() * 100 + 0.5 + 1e-9) / 100


def rank_month(conn: sqlite3.Connection, month: str, as_of: str) -> pd.DataFrame:
    """One row per ranked person: branch, role, staff_code, rank, total, reward."""
    first = date.fromisoformat(f"{month}-01")
    last = (first + timedelta(days=32)).replace(day=1) - timedelta(days=1)
    start = f"{first} 00:00:00"
    end = min(as_of, f"{last} 23:59:59")
    running = as_of < f"{last} 23:59:59"  # provisional: the month is judged before its end
    open_before = f"{date.fromisoformat(as_of[:10]) - timedelta(days=OPEN_DAYS)} 00:00:00"

    def sql(query: str, *params: str) -> pd.DataFrame:
        return pd.read_sql_query(query, conn, params=params)

    staff = sql("SELECT code, name, branch, role, hired_on, left_on FROM staff")
    people = staff[
        staff.role.isin(["rep", "engineer"])
        & (staff.hired_on.isna() | (staff.hired_on <= str(last)))
        & (staff.left_on.isna() | (staff.left_on >= str(first)))
    ].set_index("code")
    timeline = sql(
        "SELECT l.id, l.ticket, l.since, l.engineer, l.cancelled FROM ticket_timeline l"
        " JOIN tickets t ON t.code = l.ticket WHERE t.timeline = 1"
    )
    state = _States(timeline)

    # §1 C: first completions in the window, by who completed them; a reopen keeps them here
    done = sql(
        "SELECT code, completed_engineer AS engineer, rep, received_at, first_completed_at,"
        " cancelled_at, timeline FROM tickets"
        " WHERE first_completed_at >= ? AND first_completed_at <= ?",
        start,
        end,
    )
    done = done[~state.cancelled(done, as_of)]
    day = (
        pd.to_datetime(done.first_completed_at.str[:10]) - pd.to_datetime(done.received_at.str[:10])
    ).dt.days + 1
    done["points"] = np.select(
        [day <= 1, *(day == k for k in range(2, 8))], DAY_POINTS, default=LATE_POINTS
    )
    # §1 O: not completed by as-of, open more than 30 days; the engineer who held it when it
    # crossed the limit (the first second of date(received) + 31 days)
    still_open = sql(
        "SELECT code, engineer, rep, received_at, cancelled_at, timeline FROM tickets"
        " WHERE received_at < ? AND (first_completed_at IS NULL OR first_completed_at > ?)",
        open_before,
        as_of,
    )
    still_open = still_open[~state.cancelled(still_open, as_of)].copy()
    crossed = (
        pd.to_datetime(still_open.received_at.str[:10]) + pd.Timedelta(days=OPEN_DAYS + 1)
    ).dt.strftime("%Y-%m-%d %H:%M:%S")
    still_open["engineer"] = state.engineer(still_open, crossed)
    still_open["points"] = OPEN_POINTS
    counted = ["engineer", "rep", "points"]
    orders = pd.concat([done[counted], still_open[counted]])
    rated = sql(
        "SELECT code, engineer, rep, rating, cancelled_at, timeline FROM tickets"
        " WHERE rating IS NOT NULL AND callback_at >= ? AND callback_at <= ?",
        start,
        end,
    )
    rated = rated[~state.cancelled(rated, as_of)]
    rated = rated.assign(satisfied=rated.rating >= SATISFIED)

    adjustments = _standing(
        sql(
            "SELECT d.id, d.staff, d.kind, d.points, d.needs_review FROM deductions d"
            " WHERE d.at >= ? AND d.at <= ?",
            start,
            end,
        ),
        sql("SELECT subject_id, action FROM appraisal_reviews WHERE subject = 'deduction'"),
    )
    adjustments["taken"] = adjustments.kind.map(FIXED_DEDUCTIONS).fillna(
        adjustments.points.where(adjustments.kind == ENTERED, 0)
    )
    taken = adjustments.groupby("staff").taken.sum()
    forfeited = set(adjustments.staff[adjustments.kind == FORFEIT])

    for role in ("engineer", "rep"):
        mine = people.role == role
        mark = orders.groupby(role).points.agg(["sum", "count"])
        people.loc[mine, "timeliness"] = (mark["sum"] / mark["count"]).reindex(people.index[mine])
        satisfied = rated.groupby(role).satisfied.mean()  # no rated callback: NaN, no data
        people.loc[mine, "satisfaction"] = satisfied.reindex(people.index[mine])
    people["timeliness"] = people.timeliness.fillna(0.0)  # no orders: 0 (not ranked)
    people["deductions"] = taken.reindex(people.index).fillna(0.0)
    people["forfeited"] = people.index.isin(forfeited)

    reps = _reps(
        people[people.role == "rep"].copy(),
        sql,
        state,
        month=month,
        span=(start, end, as_of),
        running=running,
        staff=staff,
    )
    engineers = people[people.role == "engineer"].copy()
    engineers["points"] = _rank_points(engineers, "satisfaction", 50) + engineers.timeliness * 2.5
    ranked = pd.concat([reps, engineers])
    total = ranked.points - ranked.deductions
    ranked["total"] = half_up(total.where(~ranked.forfeited, np.minimum(total, 0.0))).round(2)
    out = _money(ranked).reset_index().rename(columns={"code": "staff_code"})
    return out[["branch", "role", "staff_code", "rank", "total", "reward"]]


class _States:
    """A ticket's engineer and cancelled flag at a moment.

    A ticket worked in the TUI (``timeline = 1``) has its state from each
    moment on in ``ticket_timeline`` (the latest row at or before the moment);
    any other ticket has its engineer from receipt on, and is cancelled from
    ``cancelled_at`` on.
    """

    def __init__(self, timeline: pd.DataFrame) -> None:
        timeline = timeline.assign(since=pd.to_datetime(timeline.since))
        self.timeline = timeline.sort_values(["since", "id"], kind="stable")

    def _at(self, tickets: pd.DataFrame, moments) -> pd.DataFrame:
        """The timeline row in force at each moment, for the tickets that have a timeline."""
        worked = tickets[tickets.timeline == 1]
        left = pd.DataFrame(
            {
                "row": worked.index,
                "ticket": worked.code.to_numpy(),
                "moment": pd.to_datetime(pd.Series(moments, index=tickets.index)[worked.index]),
            }
        ).sort_values("moment", kind="stable")
        found = pd.merge_asof(left, self.timeline, left_on="moment", right_on="since", by="ticket")
        return found.set_index("row")

    def cancelled(self, tickets: pd.DataFrame, moment: str) -> pd.Series:
        flags = tickets.cancelled_at.notna() & (tickets.cancelled_at <= moment)
        if (tickets.timeline == 1).any():
            found = self._at(tickets, moment)
            flags[found.index] = found.cancelled.fillna(0).astype(bool)
        return flags

    def engineer(self, tickets: pd.DataFrame, moments: pd.Series) -> pd.Series:
        engineers = tickets.engineer.copy()
        if (tickets.timeline == 1).any():
            found = self._at(tickets, moments)
            engineers[found.index] = found.engineer
        return engineers


def _standing(events: pd.DataFrame, reviews: pd.DataFrame) -> pd.DataFrame:
    """The events that stand (§5): recorded by a lead or imported, or whose latest review
    approved or upheld them; pending, rejected, contested and withdrawn ones do not count."""
    latest = reviews.groupby("subject_id").action.last()
    action = events.id.map(latest)
    stands = action.isin(STANDS) | (action.isna() & (events.needs_review == 0))
    return events[stands].copy()


def _reps(reps, sql, state, *, month, span, running, staff) -> pd.DataFrame:
    """Feedback, workload saturation (against the branch's year) and satisfaction points."""
    start, end, as_of = span
    problems = _standing(
        sql(
            "SELECT id, rep, points, needs_review FROM problems WHERE at >= ? AND at <= ?",
            start,
            end,
        ),
        sql("SELECT subject_id, action FROM appraisal_reviews WHERE subject = 'problem'"),
    )
    problem_points = problems.points.fillna(PROBLEM_POINTS).groupby(problems.rep).sum()
    visited = sql(
        "SELECT code, rep, cancelled_at, timeline FROM tickets"
        " WHERE kind != 'inshop_repair' AND coalesce(visited_at, first_completed_at) >= ?"
        " AND coalesce(visited_at, first_completed_at) <= ?",
        start,
        end,
    )
    visits = visited[~state.cancelled(visited, as_of)].groupby("rep").size()
    visits = visits.reindex(reps.index).fillna(0)
    reps["feedback"] = (problem_points.reindex(reps.index).fillna(0) / visits).where(visits > 0)

    actions = sql(
        "SELECT staff, at FROM actions WHERE at >= ? AND at <= ?",
        f"{month[:4]}-01-01 00:00:00",
        end,
    )
    actions["month"] = actions["at"].str[:7]
    actions["day"] = actions["at"].str[:10]
    months = actions.groupby(["staff", "month"]).agg(
        workload=("day", "size"), active=("day", "nunique")
    )
    attendance = sql("SELECT staff, month, days FROM attendance").set_index(["staff", "month"])
    months = months.join(attendance, how="left")
    # days worked: the attendance record, else the dates with an action; while the month runs,
    # always those dates (a whole month's attendance would divide half a month's work)
    months["worked"] = months.days.fillna(months.active)
    if running:
        this = months.index.get_level_values("month") == month
        months.loc[this, "worked"] = months.loc[this, "active"]
    months["daily"] = (months.workload / months.worked).where(months.worked > 0, 0.0)
    branch_of = staff[staff.role == "rep"].set_index("code").branch
    history = months.reset_index()
    history = history[history.staff.isin(branch_of.index)]
    annual_max = history.groupby(history.staff.map(branch_of)).daily.max()

    this_month = months.xs(month, level="month") if len(months) else months
    workload = this_month.workload.reindex(reps.index).fillna(0)
    worked = this_month.worked.reindex(reps.index).fillna(0)
    if not running:  # attendance of a month without any action still counts its days
        own = attendance.xs(month, level="month").days if len(attendance) else pd.Series()
        worked = own.reindex(reps.index).fillna(worked)
    best = reps.branch.map(annual_max).fillna(0.0)
    daily = workload / worked
    reps["saturation"] = (daily / best).where(best > 0, 0.0).where(worked > 0)  # 0 days: no data

    first_month = pd.to_datetime(reps.hired_on).dt.strftime("%Y-%m") == month
    pool = reps[~first_month]
    workload_points = _rank_points(pool, "saturation", 40).reindex(reps.index)
    reps["points"] = (
        _rank_points(reps, "feedback", 20)
        + workload_points.where(~first_month, FIRST_MONTH)
        + _rank_points(reps, "satisfaction", 20)
        + reps.timeliness
    )
    return reps


def _rank_points(frame: pd.DataFrame, column: str, maximum: float) -> pd.Series:
    """§6: max·(n − r)/(n − 1) by competition rank r among the n of each branch who have
    data (NaN: no data, 0 points, not counted in n); max alone when n = 1."""
    has_data = frame[frame[column].notna()]
    if has_data.empty:
        return pd.Series(0.0, index=frame.index)
    by_branch = has_data.groupby("branch")[column]
    rank = by_branch.rank(method="min", ascending=False)
    n = by_branch.transform("size")
    points = (maximum * (n - rank) / (n - 1)).where(n > 1, float(maximum))
    return points.reindex(frame.index).fillna(0.0)


def _money(ranked: pd.DataFrame) -> pd.DataFrame:
    """§6: ranks and yuan in each (branch, role).

    At most ⌊n/2⌋ ranks are paid at each end; a top amount needs someone ranked
    below and a penalty someone above (a tie reaching both ends gets neither);
    ties share the amount of their rank; a forfeited month earns no top amount.
    """
    pools = ranked.groupby(["branch", "role"]).total
    ranked["rank"] = pools.rank(method="min", ascending=False).astype(int)
    from_bottom = pools.rank(method="min", ascending=True).astype(int)
    n = pools.transform("size")
    best, worst = pools.transform("max"), pools.transform("min")
    top_ok = (ranked["rank"] <= np.minimum(len(TOP), n // 2)) & (ranked.total > worst)
    bottom_ok = (from_bottom <= np.minimum(len(BOTTOM), n // 2)) & (ranked.total < best)
    top = ranked["rank"].map(lambda r: TOP[r - 1] if r <= len(TOP) else 0)
    bottom = from_bottom.map(lambda r: BOTTOM[r - 1] if r <= len(BOTTOM) else 0)
    ranked["reward"] = np.select(
        [top_ok & ~bottom_ok & ~ranked.forfeited, bottom_ok & ~top_ok], [top, bottom], 0
    )
    return ranked


def fieldkpi_rows(rows) -> pd.DataFrame:
    """fieldkpi's ranking rows in the same shape, for comparing the two."""
    from fieldkpi.export import export_values

    values = [export_values(row) for row in rows]
    frame = pd.DataFrame(
        [(v["branch"], v["role"], v["staff_code"], v["rank"], float(v["total"]), int(v["reward"]))
         for v in values],
        columns=["branch", "role", "staff_code", "rank", "total", "reward"],
    )  # fmt: skip
    return frame


def differences(ours: pd.DataFrame, theirs: pd.DataFrame) -> int:
    """How many people the two rankings disagree on (missing on either side included)."""
    key = ["branch", "role", "staff_code"]
    both = ours.merge(theirs, on=key, how="outer", suffixes=("", "_pandas"), indicator=True)
    unequal = (
        (both._merge != "both")
        | (both["rank"] != both["rank_pandas"])
        | ((both.total - both.total_pandas).abs() > 0.001)
        | (both.reward != both.reward_pandas)
    )
    return int(unequal.sum())


def judged_at(month: str) -> str:
    """The as-of of a finished month: its last second."""
    first = date.fromisoformat(f"{month}-01")
    last = (first + timedelta(days=32)).replace(day=1) - timedelta(days=1)
    return datetime.combine(last, datetime.max.time()).strftime("%Y-%m-%d %H:%M:%S")
