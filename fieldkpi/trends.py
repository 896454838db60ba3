"""A person's and a branch's last months, from the months' rankings: the numbers behind a trend.

Nothing here ranks anyone: every number is a row of a month's ranking as the
rankings screen shows it (a closed month's frozen rows), or an average of the
rows of one role. The screens draw these as sparklines and charts.

**What a ranked person may see of the branch.** The role's average total (and
average points per KPI) beside one's own would tell a person of a two-person
branch the other's exact score: average × 2 − own. With ``n`` ranked, one's
own total and the average give the sum of the other ``n − 1``, and one's
rank bounds each of them. So a person who may not see the others' figures
sees the average only for months with at least :data:`AVERAGE_MIN_RANKED` (4)
people of their role with figures (:func:`_has_data`): what stays unknown is
then a sum of at least three other people's scores. Someone ranked with no
figures at all (away all month) scores 0 and hides nobody in that sum, so
they do not count towards the four. A lead or admin, who sees every row
anyway, always sees it.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal
from fractions import Fraction

from fieldkpi.kpi import round_half_up
from fieldkpi.kpi_columns import KpiColumn, kpi_columns, points_columns
from fieldkpi.period import Period
from fieldkpi.ranking import RankRow
from fieldkpi.scheme import Scheme

MONTHS = 12  # how far back a trend looks, the month shown included
AVERAGE_MIN_RANKED = 4
TOTAL = "total"  # the key of the total among a month's averages
SPARK = "▁▂▃▄▅▆▇█"
NOT_RANKED = "·"
RISING, FALLING, STEADY = 1, -1, 0
STEADY_WITHIN = Decimal(1)  # points: a smaller change than this is no trend
LOOK_BACK = 3  # the latest month is compared with the average of up to this many before it


@dataclass(frozen=True)
class BranchMonth:
    """One month of a branch, as the rankings screen shows it: the ranked rows of its roles."""

    period: Period
    rows: list[RankRow]


@dataclass(frozen=True)
class TrendMonth:
    """One month of one person's trend.

    ``averages`` maps ``"total"`` and each points column's field to the role's
    average that month; ``None`` when it is not shown (nobody ranked, or too
    few for the person to see it).
    """

    period: Period
    row: RankRow | None  # the person's row; None when they were not ranked that month
    ranked: int  # how many of the role were ranked (0 in a month nobody had data in: see said())
    averages: dict[str, Decimal] | None


def said(rows: Sequence[RankRow]) -> list[RankRow]:
    """The rows of a month that tell something: all of them, or none if nobody had any data.

    In a month before a branch's first tickets everyone has no data for any
    KPI, 0.00 and rank 1 (kpi-rules §6): drawn in a trend, that would be a
    month at zero rather than a month nobody can be judged on.
    """
    return list(rows) if any(map(_has_data, rows)) else []


def _has_data(row: RankRow) -> bool:
    """Anything measured, an event, or the fixed points of a first month (kpi-rules §3)."""
    if row.deductions or row.bonuses or row.zeroed:
        return True
    return any(k.value is not None or k.first_month for k in row.kpis)


def months_to(last: Period, count: int = MONTHS) -> list[Period]:
    """The ``count`` months ending with ``last``, oldest first."""
    return [last.shift(offset) for offset in range(1 - count, 1)]


def averages(rows: Sequence[RankRow], columns: Sequence[KpiColumn]) -> dict[str, Decimal]:
    """The rows' average total and average points of each KPI, rounded as points are.

    A KPI the month's scheme did not have (another preset then) has no average.
    """
    count = len(rows)
    out = {TOTAL: round_half_up(Fraction(sum(r.total for r in rows)) / count)}
    for column in points_columns(columns):
        values = [Fraction(value) for r in rows if (value := column.read(r)) is not None]
        if values:
            out[column.field] = round_half_up(sum(values) / len(values))
    return out


def person_trend(
    months: Sequence[BranchMonth],
    staff_code: str,
    role: str,
    columns: Sequence[KpiColumn],
    *,
    sees_everyone: bool,
) -> list[TrendMonth]:
    """The person's row of each month and the role's average, as far as they may see it."""
    out = []
    for month in months:
        rows = said([r for r in month.rows if r.role == role])
        own = next((r for r in rows if r.staff_code == staff_code), None)
        shown = rows and (sees_everyone or sum(map(_has_data, rows)) >= AVERAGE_MIN_RANKED)
        out.append(
            TrendMonth(month.period, own, len(rows), averages(rows, columns) if shown else None)
        )
    return out


def trend_of(
    months: Sequence[BranchMonth],
    staff_code: str,
    role: str,
    scheme: Scheme,
    *,
    sees_everyone: bool,
) -> list[TrendMonth]:
    """A person's months of ``months`` with the averages of the KPIs the last one is judged by.

    The chart draws the last period's KPIs: those of its rows of the role, or
    ``scheme`` (what that period is judged by: a closed period's frozen one)
    when nobody of the role is ranked in it. ``sees_everyone``: whether the
    reader sees the whole ranking (:func:`fieldkpi.access.can_see_rankings`).
    """
    columns = kpi_columns(role, [row for row in months[-1].rows if row.role == role], scheme)
    return person_trend(months, staff_code, role, columns, sees_everyone=sees_everyone)


def totals_by_person(months: Sequence[BranchMonth], role: str) -> dict[str, list[Decimal | None]]:
    """Each person's total month by month (``None``: not ranked, or nobody had data)."""
    people: dict[str, list[Decimal | None]] = {}
    for index, month in enumerate(months):
        for row in said([r for r in month.rows if r.role == role]):
            people.setdefault(row.staff_code, [None] * len(months))[index] = row.total
    return people


def sparkline(values: Sequence[Decimal | None]) -> str:
    """One character a month, scaled from the person's own lowest to highest; ``·`` not ranked."""
    known = [v for v in values if v is not None]
    if not known:
        return NOT_RANKED * len(values)
    low, high = min(known), max(known)
    top = len(SPARK) - 1
    return "".join(
        NOT_RANKED
        if value is None
        else SPARK[top // 2 if high == low else round((value - low) * top / (high - low))]
        for value in values
    )


def direction(values: Sequence[Decimal | None]) -> int:
    """Rising, falling or steady: the latest month against the average of the months before it.

    Only months the person was ranked count; up to :data:`LOOK_BACK` of them
    before the latest. A change of less than a point is steady.
    """
    known = [v for v in values if v is not None]
    if len(known) < 2:
        return STEADY
    before = known[-1 - LOOK_BACK : -1]
    change = known[-1] - sum(before) / len(before)
    if abs(change) < STEADY_WITHIN:
        return STEADY
    return RISING if change > 0 else FALLING
