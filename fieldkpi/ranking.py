"""Ranking one role of one branch for one period, by its scheme: points, totals, ranks, money.

kpi-rules §5–§6 and schemes.md. Input is :class:`PoolFigures` (plain counts
from storage) and the branch's :class:`Scheme`; output is one
:class:`RankRow` per ranked person, ordered by rank and then staff code,
holding exact values that exports round for display. The default scheme
goes through this very code: there is no second path.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal
from fractions import Fraction
from typing import Any

from fieldkpi import kpi
from fieldkpi.figures import RANKED_ROLES, PersonFigures, PoolFigures
from fieldkpi.measures import Measured
from fieldkpi.period import Period
from fieldkpi.scheme import Grade, Kpi, Label, Money, Scheme
from fieldkpi.scoring import METHODS

ZERO = Fraction(0)
UNADJUSTED = (ZERO, ZERO, False)  # adjustment_points of a person without events


@dataclass(frozen=True, slots=True)
class KpiResult:
    """A person's line for one KPI: the measured value, the points, and why.

    ``value`` is ``None`` when the person has no data for it (``flag`` then
    names the no-data flag, and the points are 0); ``first_month`` when the
    fixed first-month score replaced the method; ``pool`` is the person's
    rank among those scored by rank and how many those were.
    """

    id: str
    value: Fraction | None
    points: Fraction
    flag: str | None = None
    first_month: bool = False
    parts: Mapping[str, Any] = field(default_factory=dict)
    pool: tuple[int, int] | None = None


@dataclass(frozen=True, slots=True)
class RankRow:
    """One person's line of the ranking.

    ``deductions`` are the points adjustments took off (≥ 0), ``bonuses`` the
    points they added (≥ 0); ``zeroed`` says a forfeit (媒体曝光) capped the
    total at 0 and barred a top reward. ``scheme`` is what the row was judged
    by: it names the KPIs' labels and columns.
    """

    period: str
    as_of: datetime
    provisional: bool
    branch: str
    role: str
    rank: int
    staff_code: str
    name: str
    kpis: tuple[KpiResult, ...]
    deductions: Fraction
    bonuses: Fraction
    zeroed: bool
    total: Decimal
    grade: Label | None
    reward: Fraction
    scheme: Scheme = field(compare=False, repr=False)

    def kpi(self, kpi_id: str) -> KpiResult | None:
        for k in self.kpis:  # a handful: a loop is faster than anything built for it
            if k.id == kpi_id:
                return k
        return None

    def spec(self, kpi_id: str) -> Kpi:
        found = self.scheme.kpi(self.role, kpi_id)
        assert found is not None
        return found


def export_order(row: RankRow) -> tuple:
    """The order of interfaces.md's ranking export: branch, role, rank, staff code."""
    return (row.branch, RANKED_ROLES.index(row.role), row.rank, row.staff_code)


def rank_pool(figures: PoolFigures, scheme: Scheme) -> list[RankRow]:
    """The ranking of one (branch, role, period); empty when nobody is ranked."""
    people = figures.people
    if not people or figures.role not in scheme.roles:
        return []
    judgement = figures.judgement
    new_hires = {
        p.person.code
        for p in people
        if p.person.hired_on is not None and judgement.period.contains(p.person.hired_on)
    }
    running = str(Period.of(judgement.as_of.date())) if judgement.provisional else None
    annual_max, _whose = kpi.annual_max_daily(
        figures.workload_history, running, judgement.period.span
    )
    results = {p.person.code: [] for p in people}
    for spec in scheme.kpis_of(figures.role):
        scored = score_kpi(spec, scheme, people, new_hires, annual_max, running)
        for code, result in scored.items():
            results[code].append(result)
    adjusted = {
        p.person.code: adjustment_points(p, scheme, figures.role) if p.adjustments else UNADJUSTED
        for p in people
    }
    totals: dict[str, Decimal] = {}
    for code, kpis in results.items():
        deducted, added, forfeited = adjusted[code]
        total = kpi.exact_sum(k.points for k in kpis)
        if deducted or added:
            total = total - deducted + added
        totals[code] = kpi.round_half_up(min(total, ZERO) if forfeited else total)
    ranks = kpi.competition_ranks(totals)
    grades = {code: scheme.grade_of(total) for code, total in totals.items()}
    forfeits = {code for code, (_d, _a, forfeited) in adjusted.items() if forfeited}
    money = (
        rewards(totals, scheme.money, forfeits, grades)
        if figures.role in scheme.money.roles
        else dict.fromkeys(totals, ZERO)
    )
    period, provisional = str(judgement.period), judgement.provisional
    rows = [
        RankRow(
            period=period,
            as_of=judgement.as_of,
            provisional=provisional,
            branch=figures.branch,
            role=figures.role,
            rank=ranks[p.person.code],
            staff_code=p.person.code,
            name=p.person.name,
            kpis=tuple(results[p.person.code]),
            deductions=adjusted[p.person.code][0],
            bonuses=adjusted[p.person.code][1],
            zeroed=adjusted[p.person.code][2],
            total=totals[p.person.code],
            grade=grades[p.person.code].label if grades[p.person.code] else None,
            reward=money[p.person.code],
            scheme=scheme,
        )
        for p in people
    ]
    rows.sort(key=lambda row: (row.rank, row.staff_code))
    return rows


def measure_settings(spec: Kpi, scheme: Scheme, running: str | None) -> dict[str, Any]:
    """What a measure's value needs besides the person's counts.

    ``running`` is the month still running when the period is provisional.
    """
    default_level = scheme.problem_level(None)
    return {
        **spec.settings,
        "weights": scheme.timeliness_weights,
        "running": running,
        "default_problem_points": default_level.points if default_level else Fraction(1),
    }


def score_kpi(
    spec: Kpi,
    scheme: Scheme,
    people: list[PersonFigures],
    new_hires: set[str],
    annual_max: Fraction,
    running: str | None = None,
) -> dict[str, KpiResult]:
    """One KPI for everyone of the pool (kpi-rules §6: no data → 0 points, out of the pool)."""
    settings = measure_settings(spec, scheme, running)
    key, value = spec.key, spec.spec.value
    extra = {"annual_max": annual_max} if spec.measure == "saturation" else None
    measured: dict[str, Measured] = {}
    for p in people:
        counts = p.counts.get(key, {})
        measured[p.person.code] = value({**counts, **extra} if extra else counts, settings)
    fixed = new_hires if spec.first_month is not None else set()
    pool = {
        code: m.value for code, m in measured.items() if m.value is not None and code not in fixed
    }
    method = METHODS[spec.method]
    points = method.points(spec.score, pool)
    places = _pool_places(spec, pool) if method.pooled else {}
    flag = spec.spec.flag
    return {
        code: KpiResult(
            id=spec.id,
            value=m.value,
            points=(
                spec.first_month
                if code in fixed and spec.first_month is not None
                else points.get(code, ZERO)
            ),
            flag=flag if m.value is None else None,
            first_month=code in fixed,
            parts=m.parts,
            pool=places.get(code),
        )
        for code, m in measured.items()
    }


def _pool_places(spec: Kpi, pool: Mapping[str, Fraction]) -> dict[str, tuple[int, int]]:
    """Each pooled person's competition rank in the KPI's pool, and the pool's size."""
    turned = {
        k: v if spec.score.get("better", "higher") == "higher" else -v for k, v in pool.items()
    }
    return {code: (r, len(pool)) for code, r in kpi.competition_ranks(turned).items()}


def adjustment_points(
    person: PersonFigures, scheme: Scheme, role: str
) -> tuple[Fraction, Fraction, bool]:
    """§5: (points taken off, points added, month forfeited) from the events that stand.

    Events of kinds the scheme does not apply to the role count for nothing.
    """
    deducted = added = ZERO
    forfeited = False
    kinds = scheme.adjustments_for(role)
    for kind, (count, entered) in person.adjustments.items():
        adjustment = kinds.get(kind)
        if adjustment is None or not count:
            continue
        forfeited = forfeited or adjustment.forfeit
        points = adjustment.points_of(entered, count)
        if points < 0:
            deducted -= points
        else:
            added += points
    return deducted, added, forfeited


def rewards(
    totals: Mapping[str, Decimal],
    money: Money,
    forfeits: set[str] = frozenset(),
    grades: Mapping[str, Grade | None] | None = None,
) -> dict[str, Fraction]:
    """§6 and schemes.md's money: yuan per person (negative for a penalty).

    Top and bottom amounts go to at most ⌊n/2⌋ ranks at each end, so the two
    never meet; ties share the amount of the rank they share; a top amount
    needs someone ranked below and a penalty someone above, and a tie that
    reaches both ends gets neither. A forfeited month (``forfeits``) earns no
    top amount and no ladder pay, and nobody inherits them; a penalty
    applies as to anyone. The ladder pays by rank order, and its floor amount
    instead to a total below the floor's share of the best total and to the ranks past the
    ladder's end.
    """
    money_for = dict.fromkeys(totals, ZERO)
    if not totals:
        return money_for
    n = len(totals)
    best, worst = max(totals.values()), min(totals.values())
    from_top = kpi.competition_ranks(totals)
    from_bottom = kpi.competition_ranks(totals, best_first=False)
    paid_top, paid_bottom = min(len(money.top), n // 2), min(len(money.bottom), n // 2)
    for code, total in totals.items():
        top, bottom = from_top[code], from_bottom[code]
        top_ok = top <= paid_top and total > worst
        bottom_ok = bottom <= paid_bottom and total < best
        if top_ok and not bottom_ok and code not in forfeits:
            money_for[code] += money.top[top - 1]
        elif bottom_ok and not top_ok:
            money_for[code] += money.bottom[bottom - 1]
        if money.ladder and code not in forfeits:
            below_floor = money.floor_below is not None and Fraction(
                total
            ) < money.floor_below * Fraction(best)
            if below_floor or top > len(money.ladder):
                money_for[code] += money.floor_amount
            else:
                money_for[code] += money.ladder[top - 1]
        grade = (grades or {}).get(code)
        if money.grade_bonus and grade is not None:
            money_for[code] += grade.bonus
    return money_for
