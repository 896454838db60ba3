"""The month's ranking as an analyst would compute it with pandas: read the rows, then group.

This is the alternative that ``bench/run.py`` measures fieldkpi against. It
follows kpi-rules.md with the default scheme's numbers written in, reads what
each rule needs with ``read_sql`` (the month's tickets, problems, deductions,
and the year's actions for the annual maximum daily workload), and computes in
floats, rounding half-up with a small nudge so that a value like 7.125 that a
float holds exactly rounds as the rules say.

Only the benchmark and its smoke test use it; pandas is in the ``bench`` extra.
"""

from __future__ import annotations

import sqlite3
from datetime import date, datetime, timedelta

import numpy as np
import pandas as pd

DAY_POINTS = (20, 17, 14, 11, 8, 5, 2)  # completed on day 1 … 7
LATE_POINTS, OPEN_POINTS, OPEN_DAYS = -15, -150, 30
FIXED_DEDUCTIONS = {
    "backfill": 0.5,
    "violation": 1,
    "fake_completion": 1,
    "complaint_general": 5,
    "complaint_major": 10,
    "complaint_internal": 2,
}
TOP, BOTTOM = (200, 100), (-100, -50)


def half_up(values: pd.Series) -> pd.Series:
    """Round half away from zero to 2 places (pandas' round() rounds half to even)."""
    return np.sign(values) * np.floor(values.abs() * 100 + 0.5 + 1e-9) / 100


def rank_month(conn: sqlite3.Connection, month: str, as_of: str) -> pd.DataFrame:
    """One row per ranked person: branch, role, staff_code, rank, total, reward."""
    first = date.fromisoformat(f"{month}-01")
    last = (first + timedelta(days=32)).replace(day=1) - timedelta(days=1)
    start = f"{first} 00:00:00"
    end = min(as_of, f"{last} 23:59:59")
    open_before = f"{date.fromisoformat(as_of[:10]) - timedelta(days=OPEN_DAYS)} 00:00:00"

    def sql(query: str, *params: str) -> pd.DataFrame:
        return pd.read_sql_query(query, conn, params=params)

    staff = sql("SELECT code, name, branch, role, hired_on, left_on FROM staff")
    people = staff[
        staff.role.isin(["rep", "engineer"])
        & (staff.hired_on.isna() | (staff.hired_on <= str(last)))
        & (staff.left_on.isna() | (staff.left_on >= str(first)))
    ].set_index("code")

    done = sql(
        "SELECT engineer, rep, received_at, completed_at FROM tickets"
        " WHERE cancelled = 0 AND completed_at >= ? AND completed_at <= ?",
        start,
        end,
    )
    day = (
        pd.to_datetime(done.completed_at.str[:10]) - pd.to_datetime(done.received_at.str[:10])
    ).dt.days + 1
    done["points"] = np.select(
        [day <= 1, *(day == k for k in range(2, 8))], DAY_POINTS, default=LATE_POINTS
    )
    still_open = sql(
        "SELECT engineer, rep FROM tickets WHERE cancelled = 0 AND received_at < ?"
        " AND (completed_at IS NULL OR completed_at > ?)",
        open_before,
        as_of,
    )
    still_open["points"] = OPEN_POINTS
    orders = pd.concat([done[["engineer", "rep", "points"]], still_open])
    rated = sql(
        "SELECT engineer, rep, rating >= 4 AS satisfied FROM tickets WHERE cancelled = 0"
        " AND rating IS NOT NULL AND callback_at >= ? AND callback_at <= ?",
        start,
        end,
    )
    deductions = sql(
        "SELECT d.staff, d.kind, d.points FROM deductions d WHERE d.at >= ? AND d.at <= ?"
        " AND d.corrects IS NULL"
        " AND NOT EXISTS (SELECT 1 FROM deductions c WHERE c.corrects = d.id)",
        start,
        end,
    )
    deductions["taken"] = deductions.kind.map(FIXED_DEDUCTIONS).fillna(
        deductions.points.where(deductions.kind == "branch_rule", 0)
    )
    taken = deductions.groupby("staff").taken.sum()
    zeroed = set(deductions.staff[deductions.kind == "complaint_media"])

    for role in ("engineer", "rep"):
        mine = people.role == role
        mark = orders.groupby(role).points.agg(["sum", "count"])
        people.loc[mine, "timeliness"] = (mark["sum"] / mark["count"]).reindex(people.index[mine])
        satisfied = rated.groupby(role).satisfied.mean()
        people.loc[mine, "satisfaction"] = satisfied.reindex(people.index[mine])
    people[["timeliness", "satisfaction"]] = people[["timeliness", "satisfaction"]].fillna(0.0)
    people["deductions"] = taken.reindex(people.index).fillna(0.0)
    people["zeroed"] = people.index.isin(zeroed)

    reps = _reps(people[people.role == "rep"].copy(), sql, month, start, end, staff)
    engineers = people[people.role == "engineer"].copy()
    engineers["points"] = _rank_points(engineers, "satisfaction", 50) + engineers.timeliness * 2.5
    ranked = pd.concat([reps, engineers])
    ranked["total"] = half_up((ranked.points - ranked.deductions).where(~ranked.zeroed, 0.0)).round(
        2
    )
    pools = ranked.groupby(["branch", "role"]).total
    ranked["rank"] = pools.rank(method="min", ascending=False).astype(int)
    from_bottom = pools.rank(method="min", ascending=True).astype(int)
    ranked["reward"] = 0
    for place, amount in reversed(list(enumerate(BOTTOM, 1))):
        ranked.loc[from_bottom == place, "reward"] = amount
    for place, amount in reversed(list(enumerate(TOP, 1))):
        ranked.loc[ranked["rank"] == place, "reward"] = amount
    out = ranked.reset_index().rename(columns={"code": "staff_code"})
    return out[["branch", "role", "staff_code", "rank", "total", "reward"]]


def _reps(reps, sql, month: str, start: str, end: str, staff: pd.DataFrame) -> pd.DataFrame:
    """Feedback, workload saturation (against the branch's year) and satisfaction points."""
    problems = sql("SELECT rep, points FROM problems WHERE at >= ? AND at <= ?", start, end)
    problem_points = problems.points.fillna(1.0).groupby(problems.rep).sum()
    visits = (
        sql(
            "SELECT rep, count(*) AS n FROM tickets"
            " WHERE cancelled = 0 AND kind != 'inshop_repair'"
            " AND coalesce(visited_at, completed_at) >= ?"
            " AND coalesce(visited_at, completed_at) <= ? GROUP BY rep",
            start,
            end,
        )
        .set_index("rep")
        .n
    )
    rate = problem_points.reindex(reps.index).fillna(0) / visits.reindex(reps.index)
    reps["feedback"] = rate.replace([np.inf, -np.inf], np.nan).fillna(0.0)

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
    months["worked"] = months.days.fillna(months.active)
    months["daily"] = (months.workload / months.worked).where(months.worked > 0, 0.0)
    branch_of = staff[staff.role == "rep"].set_index("code").branch
    history = months.reset_index()
    history = history[history.staff.isin(branch_of.index)]
    annual_max = history.groupby(history.staff.map(branch_of)).daily.max()

    this_month = months.xs(month, level="month") if len(months) else months
    reps["workload"] = this_month.workload.reindex(reps.index).fillna(0)
    own_days = attendance.xs(month, level="month").days if len(attendance) else pd.Series()
    active = this_month.active.reindex(reps.index).fillna(0)
    reps["worked"] = own_days.reindex(reps.index).fillna(active)
    daily = (reps.workload / reps.worked).where(reps.worked > 0, 0.0)
    best = reps.branch.map(annual_max).fillna(0.0)
    reps["saturation"] = (daily / best).where(best > 0, 0.0)

    hired = pd.to_datetime(reps.hired_on)
    first_month = hired.dt.strftime("%Y-%m") == month
    pool = reps[~first_month]
    workload_points = _rank_points(pool, "saturation", 40).reindex(reps.index).fillna(20.0)
    reps["points"] = (
        _rank_points(reps, "feedback", 20)
        + workload_points
        + _rank_points(reps, "satisfaction", 20)
        + reps.timeliness
    )
    return reps


def _rank_points(frame: pd.DataFrame, column: str, maximum: float) -> pd.Series:
    """max·(n − r)/(n − 1) by competition rank r among the n of each branch; max alone."""
    if frame.empty:
        return pd.Series(dtype=float)
    by_branch = frame.groupby("branch")[column]
    rank = by_branch.rank(method="min", ascending=False)
    n = by_branch.transform("size")
    return (maximum * (n - rank) / (n - 1)).where(n > 1, float(maximum))


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
