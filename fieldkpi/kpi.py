"""The KPI formulas of kpi-rules.md, one function each, on exact fractions.

Every function takes plain counts and the scheme and returns a number; none
knows where the counts came from. Section numbers refer to kpi-rules.md.
"""

from __future__ import annotations

from collections.abc import Hashable, Iterable, Mapping
from decimal import ROUND_HALF_UP, Decimal
from fractions import Fraction
from typing import TypeVar

from fieldkpi.figures import PersonFigures, TicketCounts, WorkloadMonth
from fieldkpi.scheme import ENTERED_KINDS, ZEROING_KINDS, Scheme

K = TypeVar("K", bound=Hashable)
ZERO = Fraction(0)


def ratio(numerator: Fraction | int, denominator: Fraction | int) -> Fraction:
    """numerator / denominator, 0 when there is nothing to divide by."""
    if not denominator:
        return ZERO
    if isinstance(numerator, int) and isinstance(denominator, int):
        return Fraction(numerator, denominator)
    return Fraction(numerator) / denominator


def timeliness(counts: TicketCounts, scheme: Scheme) -> Fraction:
    """§1: day-weighted completion timeliness, −150 … 20; 0 when there are no orders."""
    weights, denominator = scheme.timeliness_weights
    tickets = (*counts.by_day, counts.late, counts.open_over)
    points = sum(n * w for n, w in zip(tickets, weights, strict=True))
    orders = counts.orders
    return Fraction(points, denominator * orders) if orders else ZERO


def satisfaction(ratings: Iterable[int], scheme: Scheme) -> Fraction:
    """§4: share of rated callbacks rated at least the threshold; 0 with none rated."""
    ratings = tuple(ratings)
    satisfied = sum(ratings[scheme.satisfied_min_rating - 1 :])
    return ratio(satisfied, sum(ratings))


def days_worked(attendance_days: int | None, active_days: int) -> int:
    """§3: attendance when recorded, else the distinct dates with any action."""
    return active_days if attendance_days is None else attendance_days


def daily_workload(workload: int, attendance_days: int | None, active_days: int) -> Fraction:
    return ratio(workload, days_worked(attendance_days, active_days))


def annual_max_daily(history: Iterable[WorkloadMonth]) -> tuple[Fraction, WorkloadMonth | None]:
    """§3: the highest monthly daily workload of any rep of the branch this year, and whose."""
    best, whose = ZERO, None
    for month in history:
        daily = daily_workload(month.workload, month.attendance_days, month.active_days)
        if daily > best:
            best, whose = daily, month
    return best, whose


def saturation(figures: PersonFigures, annual_max: Fraction) -> Fraction:
    daily = daily_workload(figures.workload, figures.attendance_days, figures.active_days)
    return ratio(daily, annual_max)


def feedback_rate(figures: PersonFigures, scheme: Scheme) -> Fraction:
    """§2: engineer-problem points filed per on-site visit of the rep's district.

    A report filed without points of its own counts the scheme's default.
    """
    points = figures.problem_points + figures.unscored_problems * scheme.problem_default_points
    return ratio(points, figures.visits)


def deduction(figures: PersonFigures, scheme: Scheme) -> tuple[Fraction, bool]:
    """§5: points taken off, and whether a media complaint zeroes the total."""
    points = figures.entered_deduction_points
    zeroed = False
    for kind, count in figures.deductions.items():
        if not count:
            continue
        if kind in ZEROING_KINDS:
            zeroed = True
        elif kind not in ENTERED_KINDS:
            points += count * scheme.deduction_points.get(kind, ZERO)
    return points, zeroed


def competition_ranks(
    values: Mapping[K, Fraction | Decimal], *, best_first: bool = True
) -> dict[K, int]:
    """1, 2, 2, 4: equal values share the best rank; the next rank skips the tie.

    Distinct values are sorted by their float first and then exactly: the
    exact sort of an almost sorted list costs about one comparison per value,
    so a national ranking does not pay for sorting fractions.
    """
    counts: dict[Fraction | Decimal, int] = {}
    for value in values.values():
        counts[value] = counts.get(value, 0) + 1
    ordered = sorted(counts, key=float, reverse=best_first)
    ordered.sort(reverse=best_first)
    first_at: dict[Fraction | Decimal, int] = {}
    position = 1
    for value in ordered:
        first_at[value] = position
        position += counts[value]
    return {key: first_at[value] for key, value in values.items()}


def rank_points(values: Mapping[K, Fraction], maximum: Fraction) -> dict[K, Fraction]:
    """§6: max·(n − r)/(n − 1) by competition rank r among n, higher value better."""
    n = len(values)
    if n == 1:
        return {key: Fraction(maximum) for key in values}
    ranks = competition_ranks(values)
    points = {rank: Fraction(maximum) * (n - rank) / (n - 1) for rank in set(ranks.values())}
    return {key: points[rank] for key, rank in ranks.items()}


def round_half_up(value: Fraction | Decimal | int, places: int = 2) -> Decimal:
    """Round an exact value half away from zero on its exact decimal digits.

    Half-up on the exact fraction, not on a float: 2.675 rounds to 2.68. Done
    on the integer numerator and denominator: a national ranking rounds a
    hundred thousand values, and Fraction arithmetic would dominate it.
    """
    if isinstance(value, Decimal):
        return value.quantize(Decimal(1).scaleb(-places), rounding=ROUND_HALF_UP)
    numerator, denominator = value.numerator, value.denominator
    whole, rest = divmod(abs(numerator) * 10**places, denominator)
    if 2 * rest >= denominator:
        whole += 1
    return Decimal(-whole if numerator < 0 else whole).scaleb(-places)
