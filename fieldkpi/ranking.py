"""Ranking one role of one branch for one period: points, totals, ranks and money.

kpi-rules.md §2–§6. Input is :class:`BranchFigures` (plain counts from
storage); output is one :class:`RankRow` per ranked person, ordered by rank
and then staff code, holding exact values that exports round for display.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from fractions import Fraction

from fieldkpi import kpi
from fieldkpi.figures import RANKED_ROLES, BranchFigures, PersonFigures
from fieldkpi.scheme import Scheme

ZERO = Fraction(0)


@dataclass(frozen=True)
class RankRow:
    """One person's line of the ranking. Rep-only values are ``None`` for engineers."""

    period: str
    as_of: datetime
    provisional: bool
    branch: str
    role: str
    rank: int
    staff_code: str
    name: str
    feedback_rate: Fraction | None
    feedback_points: Fraction | None
    workload: int | None
    days: int | None
    saturation: Fraction | None
    workload_points: Fraction | None
    first_month: bool
    satisfaction: Fraction
    satisfaction_points: Fraction
    no_callbacks: bool
    timeliness: Fraction
    timeliness_points: Fraction
    no_orders: bool
    deductions: Fraction
    zeroed: bool
    total: Decimal
    reward: Fraction


@dataclass(frozen=True)
class _Scored:
    """A person's points before ranking by total."""

    figures: PersonFigures
    values: dict[str, object]
    total: Decimal


def export_order(row: RankRow) -> tuple:
    """The order of interfaces.md's ranking export: branch, role, rank, staff code."""
    return (row.branch, RANKED_ROLES.index(row.role), row.rank, row.staff_code)


def rank_branch(figures: BranchFigures, scheme: Scheme) -> list[RankRow]:
    """The ranking of one (branch, role, period); empty when nobody is ranked."""
    if not figures.people:
        return []
    if figures.role == "rep":
        scored = _score_reps(figures, scheme)
    else:
        scored = _score_engineers(figures, scheme)
    totals = {s.figures.person.code: s.total for s in scored}
    ranks = kpi.competition_ranks(totals)
    money = rewards(totals, scheme)
    judgement = figures.judgement
    rows = [
        RankRow(
            period=str(judgement.period),
            as_of=judgement.as_of,
            provisional=judgement.provisional,
            branch=figures.branch,
            role=figures.role,
            rank=ranks[s.figures.person.code],
            staff_code=s.figures.person.code,
            name=s.figures.person.name,
            total=s.total,
            reward=money[s.figures.person.code],
            **s.values,
        )
        for s in scored
    ]
    rows.sort(key=lambda row: (row.rank, row.staff_code))
    return rows


def _common(person: PersonFigures, scheme: Scheme) -> dict[str, object]:
    deduction, zeroed = kpi.deduction(person, scheme)
    return {
        "timeliness": kpi.timeliness(person.tickets, scheme),
        "no_orders": person.tickets.orders == 0,
        "satisfaction": kpi.satisfaction(person.ratings, scheme),
        "no_callbacks": sum(person.ratings) == 0,
        "deductions": deduction,
        "zeroed": zeroed,
    }


def _total(points: Fraction, values: Mapping[str, object]) -> Decimal:
    """§5: the sum less deductions, zeroed by a media complaint, rounded half-up."""
    if values["zeroed"]:
        return kpi.round_half_up(ZERO)
    return kpi.round_half_up(points - values["deductions"])


def _score_reps(figures: BranchFigures, scheme: Scheme) -> list[_Scored]:
    people = figures.people
    base = {p.person.code: _common(p, scheme) for p in people}
    feedback = {p.person.code: kpi.feedback_rate(p, scheme) for p in people}
    annual_max, _ = kpi.annual_max_daily(figures.workload_history)
    saturation = {p.person.code: kpi.saturation(p, annual_max) for p in people}
    first_month = {
        p.person.code
        for p in people
        if p.person.hired_on is not None and figures.judgement.period.contains(p.person.hired_on)
    }
    feedback_points = kpi.rank_points(feedback, scheme.rep_feedback_max)
    workload_points = kpi.rank_points(
        {code: value for code, value in saturation.items() if code not in first_month},
        scheme.rep_workload_max,
    )
    workload_points.update(dict.fromkeys(first_month, scheme.first_month_workload))
    satisfaction_points = kpi.rank_points(
        {code: base[code]["satisfaction"] for code in base}, scheme.rep_satisfaction_max
    )
    scored = []
    for p in people:
        code = p.person.code
        values = base[code] | {
            "feedback_rate": feedback[code],
            "feedback_points": feedback_points[code],
            "workload": p.workload,
            "days": kpi.days_worked(p.attendance_days, p.active_days),
            "saturation": saturation[code],
            "workload_points": workload_points[code],
            "first_month": code in first_month,
            "satisfaction_points": satisfaction_points[code],
            "timeliness_points": base[code]["timeliness"],
        }
        points = (
            feedback_points[code]
            + workload_points[code]
            + satisfaction_points[code]
            + values["timeliness_points"]
        )
        scored.append(_Scored(p, values, _total(points, values)))
    return scored


def _score_engineers(figures: BranchFigures, scheme: Scheme) -> list[_Scored]:
    people = figures.people
    base = {p.person.code: _common(p, scheme) for p in people}
    satisfaction_points = kpi.rank_points(
        {code: values["satisfaction"] for code, values in base.items()},
        scheme.engineer_satisfaction_max,
    )
    scored = []
    for p in people:
        code = p.person.code
        values = base[code] | {
            "feedback_rate": None,
            "feedback_points": None,
            "workload": None,
            "days": None,
            "saturation": None,
            "workload_points": None,
            "first_month": False,
            "satisfaction_points": satisfaction_points[code],
            "timeliness_points": base[code]["timeliness"] * scheme.engineer_timeliness_scale,
        }
        points = satisfaction_points[code] + values["timeliness_points"]
        scored.append(_Scored(p, values, _total(points, values)))
    return scored


def rewards(totals: Mapping[str, Decimal | Fraction], scheme: Scheme) -> dict[str, Fraction]:
    """§6: yuan by rank from the top and from the bottom; the top amount wins for both."""
    from_top = kpi.competition_ranks(totals)
    from_bottom = kpi.competition_ranks(totals, best_first=False)
    money: dict[str, Fraction] = {}
    for code in totals:
        top, bottom = from_top[code], from_bottom[code]
        if top <= len(scheme.top_rewards):
            money[code] = scheme.top_rewards[top - 1]
        elif bottom <= len(scheme.bottom_penalties):
            money[code] = scheme.bottom_penalties[bottom - 1]
        else:
            money[code] = ZERO
    return money
