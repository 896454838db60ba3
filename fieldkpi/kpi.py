"""The KPI formulas of kpi-rules.md, one function each, on exact fractions.

Every function takes plain counts and the scheme and returns a number; none
knows where the counts came from. Section numbers refer to kpi-rules.md.
"""

from __future__ import annotations

import functools
from collections.abc import Hashable, Iterable, Mapping
from decimal import ROUND_HALF_UP, Decimal
from fractions import Fraction
from typing import TypeVar

from fieldkpi.figures import TicketCounts, WorkloadMonth

K = TypeVar("K", bound=Hashable)
ZERO = Fraction(0)
_TEN_TO = tuple(10**n for n in range(12))


def ratio(numerator: Fraction | int, denominator: Fraction | int) -> Fraction:
    """numerator / denominator, 0 when there is nothing to divide by."""
    if not denominator:
        return ZERO
    if isinstance(numerator, int) and isinstance(denominator, int):
        return Fraction(numerator, denominator)
    return Fraction(numerator) / denominator


def exact_sum(values: Iterable[Fraction | int]) -> Fraction:
    """The exact sum, reduced once at the end (a sum of Fractions reduces at every step)."""
    numerator, denominator = 0, 1
    for value in values:
        numerator = numerator * value.denominator + value.numerator * denominator
        denominator *= value.denominator
    return Fraction(numerator, denominator)


def timeliness(counts: TicketCounts, weights: tuple[tuple[int, ...], int]) -> Fraction:
    """§1: day-weighted completion timeliness, −150 … 20; 0 when there are no orders.

    ``weights`` are the day 1…7, late and open points over one denominator
    (``Scheme.timeliness_weights``): the sum is taken on integers.
    """
    points, denominator = weights
    tickets = (*counts.by_day, counts.late, counts.open_over)
    total = sum(n * w for n, w in zip(tickets, points, strict=True))
    orders = counts.orders
    return Fraction(total, denominator * orders) if orders else ZERO


def days_worked(attendance_days: int | None, active_days: int, provisional: bool) -> int:
    """§3: attendance when recorded, else the distinct dates with any action.

    While the month runs, always the active dates up to as-of: a whole
    month's attendance would divide half a month's work.
    """
    return active_days if attendance_days is None or provisional else attendance_days


def annual_max_daily(
    history: Iterable[WorkloadMonth], running: str | None = None, span: int = 1
) -> tuple[Fraction, tuple[str, str] | None]:
    """§3: the highest daily workload of any rep of the branch in a period this year, and whose.

    ``history`` holds rep-months; for quarterly schemes (``span`` 3) they are
    summed per quarter first. ``running`` is the month still running, whose
    days are its active dates.
    """
    periods: dict[tuple[str, str], list[int]] = {}
    for month in history:
        year, number = month.period.split("-")
        key = f"{year}-Q{(int(number) - 1) // 3 + 1}" if span == 3 else month.period
        days = days_worked(month.attendance_days, month.active_days, month.period == running)
        totals = periods.setdefault((month.staff, key), [0, 0])
        totals[0] += month.workload
        totals[1] += days
    best, whose = (0, 1), None  # workload, days of the best so far: compared on integers
    for who, (workload, days) in periods.items():
        if days and workload * best[1] > best[0] * days:
            best, whose = (workload, days), who
    return ratio(*best), whose


def competition_ranks(
    values: Mapping[K, Fraction | Decimal], *, best_first: bool = True
) -> dict[K, int]:
    """1, 2, 2, 4: equal values share the best rank; the next rank skips the tie.

    Sorted by their floats: rounding to a float never reverses an order, so
    only values with the same float are compared exactly (mostly true ties).
    Exact comparisons cost microseconds each, and nothing is hashed by its
    value (hashing a Fraction takes a modular inverse): a national ranking
    ranks thousands of pools.
    """
    keyed = [(float(value), key, value) for key, value in values.items()]
    keyed.sort(key=_float, reverse=best_first)
    ranks: dict[K, int] = {}
    start, n = 0, len(keyed)
    while start < n:
        end = start + 1
        while end < n and keyed[end][0] == keyed[start][0]:
            end += 1
        if end - start == 1:
            ranks[keyed[start][1]] = start + 1
        else:  # the same float: a tie, or values a hair apart
            run = sorted(keyed[start:end], key=_exact, reverse=best_first)
            rank, previous = start + 1, run[0][2]
            for position, (_float_value, key, value) in enumerate(run, start + 1):
                if value != previous:
                    rank, previous = position, value
                ranks[key] = rank
        start = end
    return ranks


def _float(item: tuple[float, Hashable, Fraction | Decimal]) -> float:
    return item[0]


def _exact(item: tuple[float, Hashable, Fraction | Decimal]) -> Fraction | Decimal:
    return item[2]


def rank_points(values: Mapping[K, Fraction], maximum: Fraction) -> dict[K, Fraction]:
    """§6: max·(n − r)/(n − 1) by competition rank r among n, higher value better.

    The pool is whoever is handed in: those without data are left out by the
    caller (§6 "No data"), so an empty pool gives nobody anything.
    """
    n = len(values)
    maximum = Fraction(maximum)
    if n == 1:
        return {key: maximum for key in values}
    ranks = competition_ranks(values)
    top, bottom = maximum.numerator, maximum.denominator * (n - 1)
    points: dict[int, Fraction] = {}
    for rank in ranks.values():
        if rank not in points:
            points[rank] = Fraction(top * (n - rank), bottom)
    return {key: points[rank] for key, rank in ranks.items()}


def round_half_up(value: Fraction | Decimal | int, places: int = 2) -> Decimal:
    """Round an exact value half away from zero on its exact decimal digits.

    Half-up on the exact fraction, not on a float: 2.675 rounds to 2.68. Done
    on the integer numerator and denominator: a national ranking rounds a
    hundred thousand values, and Fraction arithmetic would dominate it.
    """
    if isinstance(value, Decimal):
        return value.quantize(Decimal(1).scaleb(-places), rounding=ROUND_HALF_UP)
    return _rounded(value.numerator, value.denominator, places)


@functools.lru_cache(maxsize=1 << 16)
def _rounded(numerator: int, denominator: int, places: int) -> Decimal:
    """Remembered: a ranking's points repeat (pools of one size share their rank points)."""
    whole, rest = divmod(abs(numerator) * _TEN_TO[places], denominator)
    if 2 * rest >= denominator:
        whole += 1
    return Decimal(-whole if numerator < 0 else whole).scaleb(-places)


@functools.lru_cache(maxsize=1 << 16)
def rounded_text(numerator: int, denominator: int, places: int) -> str:
    """``str(round_half_up(Fraction(numerator, denominator), places))``, remembered.

    What an export writes for an exact value: a ranking's points repeat, and
    the CSV of the whole country writes a hundred thousand of them.
    """
    return str(_rounded(numerator, denominator, places))
