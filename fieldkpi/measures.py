"""What a scheme can measure: each measure once, with its roles, settings, no-data rule and value.

schemes.md's "Measures". Storage counts (``storage/measures.py``, one SQL
aggregate per measure id); this module turns each person's counts into the
measured value, exactly, with the parts a person needs to check it
(``fieldkpi.explain``). A value of ``None`` means no data (kpi-rules §6 "No
data"): the person gets 0 points for the KPI, is flagged, and is left out
of its pool.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from fractions import Fraction
from typing import Any

from fieldkpi import kpi
from fieldkpi.figures import TicketCounts
from fieldkpi.i18n import N_


@dataclass(frozen=True, slots=True)
class Measured:
    """One person's measured value and the counts it was made from.

    ``parts`` are the counts behind the value, by name (``{"rated": 10,
    "satisfied": 9}``): exports show some of them as columns, and the
    explanation of each point shows them all.
    """

    value: Fraction | None
    parts: Mapping[str, Any] = field(default_factory=dict)

    @property
    def no_data(self) -> bool:
        return self.value is None


@dataclass(frozen=True)
class Measure:
    """A measure as schemes name it.

    ``settings`` are the keys a KPI may set for it, with their defaults (the
    timeliness and satisfaction ones come from the scheme's ``[settings]``);
    ``flag`` names the export column that says "no data"; ``shown`` says how
    its value reads (``rate`` as a percent, ``points``, ``count``, ``hours``,
    ``minutes``, ``number``); ``columns`` are the parts an export shows before
    the value (the workload and days of saturation).
    """

    id: str
    label: str
    value: Callable[[Mapping[str, Any], Mapping[str, Any]], Measured]
    flag: str | None
    shown: str
    better: str = "higher"
    settings: Mapping[str, Any] = field(default_factory=dict)
    columns: tuple[str, ...] = ()


DAY_PARTS = tuple(f"day{k}" for k in range(1, 8))


def _timeliness(counts: Mapping[str, Any], settings: Mapping[str, Any]) -> Measured:
    tickets: TicketCounts = counts.get("tickets") or TicketCounts()
    parts = {
        **dict(zip(DAY_PARTS, tickets.by_day, strict=True)),
        "late": tickets.late,
        "open": tickets.open_over,
        "orders": tickets.orders,
    }
    if not tickets.orders:
        return Measured(None, parts)
    return Measured(kpi.timeliness(tickets, settings["weights"]), parts)


def _share(numerator: str, denominator: str) -> Callable[..., Measured]:
    def value(counts: Mapping[str, Any], settings: Mapping[str, Any]) -> Measured:
        top, bottom = counts.get(numerator, 0), counts.get(denominator, 0)
        parts = {numerator: top, denominator: bottom}
        return Measured(kpi.ratio(top, bottom) if bottom else None, parts)

    return value


def _mean(total: str, count: str, unit: int) -> Callable[..., Measured]:
    """Mean of a sum of seconds (or ratings) over a count, in ``unit``s."""

    def value(counts: Mapping[str, Any], settings: Mapping[str, Any]) -> Measured:
        top, bottom = counts.get(total, 0), counts.get(count, 0)
        parts = {total: top, count: bottom}
        return Measured(Fraction(top, unit) / bottom if bottom else None, parts)

    return value


def _satisfaction(counts: Mapping[str, Any], settings: Mapping[str, Any]) -> Measured:
    ratings = tuple(counts.get("ratings") or (0,) * 5)
    threshold = settings["threshold"]
    rated, satisfied = sum(ratings), sum(ratings[threshold - 1 :])
    parts = {"satisfied": satisfied, "rated": rated, "threshold": threshold}
    return Measured(kpi.ratio(satisfied, rated) if rated else None, parts)


def _satisfaction_mean(counts: Mapping[str, Any], settings: Mapping[str, Any]) -> Measured:
    ratings = tuple(counts.get("ratings") or (0,) * 5)
    rated = sum(ratings)
    total = sum(stars * n for stars, n in enumerate(ratings, 1))
    return Measured(Fraction(total, rated) if rated else None, {"stars": total, "rated": rated})


def _feedback(counts: Mapping[str, Any], settings: Mapping[str, Any]) -> Measured:
    """§2; a report filed without points of its own counts the table's first level."""
    points = counts.get("problem_points", Fraction(0))
    points += counts.get("unscored", 0) * settings["default_problem_points"]
    visits = counts.get("visits", 0)
    parts = {"problem_points": points, "visits": visits}
    return Measured(kpi.ratio(points, visits) if visits else None, parts)


def _workload_days(counts: Mapping[str, Any], settings: Mapping[str, Any]) -> tuple[int, int]:
    """§3: the period's workload actions and days worked, month by month."""
    months = counts.get("months", ())
    workload = sum(m.workload for m in months)
    days = sum(
        kpi.days_worked(m.attendance_days, m.active_days, m.period == settings.get("running"))
        for m in months
    )
    return workload, days


def _saturation(counts: Mapping[str, Any], settings: Mapping[str, Any]) -> Measured:
    workload, days = _workload_days(counts, settings)
    annual_max = counts.get("annual_max", Fraction(0))
    daily = kpi.ratio(workload, days)
    parts = {"workload": workload, "days": days, "daily": daily, "annual_max": annual_max}
    return Measured(kpi.ratio(daily, annual_max) if days else None, parts)


def _workload(counts: Mapping[str, Any], settings: Mapping[str, Any]) -> Measured:
    workload, days = _workload_days(counts, settings)
    return Measured(Fraction(workload), {"workload": workload, "days": days})


def _count(name: str) -> Callable[..., Measured]:
    def value(counts: Mapping[str, Any], settings: Mapping[str, Any]) -> Measured:
        return Measured(Fraction(counts.get(name, 0)), {name: counts.get(name, 0)})

    return value


def _given(name: str) -> Callable[..., Measured]:
    """A value that is there or not (entered scores, days absent)."""

    def value(counts: Mapping[str, Any], settings: Mapping[str, Any]) -> Measured:
        given = counts.get(name)
        return Measured(None if given is None else Fraction(given), {name: given})

    return value


MEASURES: dict[str, Measure] = {
    m.id: m
    for m in (
        Measure(
            "timeliness",
            N_("completion timeliness"),
            _timeliness,
            "no_orders",
            "points",
        ),
        Measure(
            "feedback_rate",
            N_("engineer-problem points per on-site visit"),
            _feedback,
            "no_visits",
            "rate",
        ),
        Measure(
            "saturation",
            N_("daily workload over the branch's annual maximum"),
            _saturation,
            "no_workload",
            "rate",
            columns=("workload", "days"),
        ),
        Measure("workload", N_("workload actions"), _workload, None, "count"),
        Measure(
            "satisfaction_rate",
            N_("share of rated callbacks rated at or above the threshold"),
            _satisfaction,
            "no_callbacks",
            "rate",
            settings={"threshold": None},
        ),
        Measure(
            "satisfaction_mean",
            N_("mean callback rating"),
            _satisfaction_mean,
            "no_callbacks",
            "number",
        ),
        Measure(
            "resolved_within",
            N_("share of completed tickets completed within the hours set"),
            _share("within", "completed"),
            "no_completed",
            "rate",
            settings={"hours": 24},
        ),
        Measure(
            "first_time_fix",
            N_("share of completed tickets not reopened within the days set"),
            _share("fixed", "completed"),
            "no_completed",
            "rate",
            settings={"days": 30},
        ),
        Measure(
            "cycle_hours",
            N_("mean hours from receipt to completion"),
            _mean("seconds", "completed", 3600),
            "no_completed",
            "hours",
            better="lower",
        ),
        Measure(
            "dispatch_minutes",
            N_("mean minutes from receipt to first dispatch"),
            _mean("seconds", "dispatched", 60),
            "no_dispatches",
            "minutes",
            better="lower",
        ),
        Measure("completed", N_("tickets completed"), _count("completed"), None, "count"),
        Measure(
            "attendance.absent",
            N_("days absent"),
            _given("absent"),
            "no_attendance",
            "count",
            better="lower",
        ),
    )
}
# Families named by a prefix: ``adjustments.KIND`` (events of a kind) and ``entered.NAME``.
ADJUSTMENT_COUNT = Measure(
    "adjustments", N_("events of the kind"), _count("events"), None, "count", better="lower"
)
ENTERED = Measure(
    "entered", N_("a value entered from outside"), _given("value"), "no_entry", "number"
)


def measure(measure_id: str) -> Measure | None:
    """The measure a scheme names, or None for a name that is none."""
    family, _dot, name = measure_id.partition(".")
    if family == "entered" and name:
        return ENTERED
    if family == "adjustments" and name:
        return ADJUSTMENT_COUNT
    return MEASURES.get(measure_id)


def entered_metric(measure_id: str) -> str | None:
    """``plan_completion`` for ``entered.plan_completion``; None for other measures."""
    family, _dot, name = measure_id.partition(".")
    return name if family == "entered" and name else None
