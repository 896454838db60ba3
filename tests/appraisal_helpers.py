"""Hand-built figures for the ranking engine, by the counts kpi-rules.md names.

``person("R1", tickets=…, ratings=…, problem_points=…, visits=…, workload=…)``
builds the PersonFigures storage would hand over for the default scheme, so
tests can state a branch's month the way the spec does and rank it.
"""

from __future__ import annotations

from datetime import date, datetime
from fractions import Fraction as F

from fieldkpi.figures import Person, PersonFigures, PoolFigures, TicketCounts, WorkloadMonth
from fieldkpi.period import Period, judge
from fieldkpi.ranking import rank_pool
from fieldkpi.scheme import Scheme, default_scheme

SCHEME = default_scheme()
OCTOBER = Period.parse("2026-10")
MONTH_END = judge(OCTOBER, now=datetime(2026, 11, 3, 9, 0))
LONG_AGO = date(2020, 3, 1)


def days(*counts: int) -> tuple[int, ...]:
    """by_day for TicketCounts: tickets completed on day 1, 2, … (missing days are 0)."""
    return (*counts, *(0,) * (7 - len(counts)))


def month(staff: str, period: str, workload: int, attendance: int | None, active: int):
    return WorkloadMonth(staff, period, workload, attendance, active)


def scores(**values: F | int | str) -> dict[str, dict]:
    """``counts`` for ``person`` of values entered from outside: ``scores(typing_speed=85, plan_completion="0.9")``."""
    return {f"entered.{name}": {"value": F(value)} for name, value in values.items()}


def person(
    code: str,
    role: str = "rep",
    hired_on: date | None = LONG_AGO,
    *,
    scheme: Scheme = SCHEME,
    period: str = "2026-10",
    tickets: TicketCounts | None = None,
    ratings: tuple[int, ...] | None = None,
    problem_points: F | None = None,
    visits: int = 0,
    workload: int | None = None,
    attendance_days: int | None = None,
    active_days: int = 0,
    deductions: dict[str, int] | None = None,
    entered: dict[str, F] | None = None,
    counts: dict | None = None,
) -> PersonFigures:
    """A person's counts for the default scheme's KPIs (what storage counts, by measure).

    ``deductions`` are events per kind; ``entered`` the points entered with them.
    """
    found: dict[str, dict] = {}
    if tickets is not None:
        found["timeliness"] = {"tickets": tickets}
    if ratings is not None:  # storage hands both satisfaction measures the same ratings
        found["satisfaction_rate"] = found["satisfaction_mean"] = {"ratings": ratings}
    if problem_points is not None or visits:
        found["feedback_rate"] = {"problem_points": problem_points or F(0), "visits": visits}
    if workload is not None or active_days:
        found["saturation"] = {
            "months": [month(code, period, workload or 0, attendance_days, active_days)]
        }
    for measure, value in (counts or {}).items():
        found[measure] = value
    by_key = {kpi.key: found[kpi.measure] for kpi in scheme.kpis_of(role) if kpi.measure in found}
    adjustments = {
        kind: (n, (entered or {}).get(kind, F(0))) for kind, n in (deductions or {}).items()
    }
    return PersonFigures(
        person=Person(code, f"Name {code}", "GZ", role, hired_on=hired_on),
        counts=by_key,
        adjustments=adjustments,
    )


def rank(role: str, *people: PersonFigures, history=(), judgement=MONTH_END, scheme=SCHEME):
    """Rank ``people``; with no ``history`` given, the annual maximum is their own months."""
    if not history:
        history = [m for p in people for c in p.counts.values() for m in c.get("months", ())]
    return rank_pool(PoolFigures("GZ", role, judgement, list(people), list(history)), scheme)


def by_code(rows) -> dict:
    return {row.staff_code: row for row in rows}


def kpi(row, kpi_id: str) -> tuple:
    """(value, points, no-data flag) of one KPI of a row."""
    result = row.kpi(kpi_id)
    return (result.value, result.points, result.flag)
