"""Every point explained: one line a person can check, for each KPI and for the total.

kpi-rules.md is exact; a person arguing over a number needs the arithmetic
behind it in their own words: "完单及时率 −123.00 × 2.5 = −307.50 分",
"满意度: no rated callbacks → 0 points, not ranked". The lines are built from
the ranking row alone (its KPI results keep the counts and the pool place),
so the engineer's own figures and the lead's drill-down say the same thing.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from fieldkpi.export import HEADINGS
from fieldkpi.i18n import _, ngettext
from fieldkpi.kpi import exact_sum, round_half_up
from fieldkpi.kpi_columns import measured
from fieldkpi.numbers import DASH, MINUS, exact_places, number, yuan
from fieldkpi.ranking import KpiResult, RankRow
from fieldkpi.scheme import Kpi


def _no_data(flag: str) -> str:
    return {
        "no_orders": _("no orders"),
        "no_visits": _("no on-site visits"),
        "no_workload": _("no workload days"),
        "no_callbacks": _("no rated callbacks"),
        "no_completed": _("no completed tickets"),
        "no_dispatches": _("no dispatches"),
        "no_attendance": _("no attendance recorded"),
        "no_entry": _("nothing entered"),
    }.get(flag, flag)


def _parts(kpi: Kpi, result: KpiResult) -> str:
    """The counts behind a value, in brackets; empty when they would say nothing new."""
    p: dict[str, Any] = dict(result.parts)
    m = kpi.measure
    if m == "timeliness":
        orders = p.get("orders", 0)
        return ngettext("({n} order)", "({n} orders)", orders).format(n=orders)
    if m in ("satisfaction_rate",):
        return _("({satisfied} of {rated} rated ≥ {threshold})").format(**p)
    if m == "feedback_rate":
        return _("({points} points / {visits} visits)").format(
            points=number(p["problem_points"]), visits=p["visits"]
        )
    if m == "saturation":
        workload, days = p["workload"], p["days"]
        return _("({actions} / {days} = {daily} a day; annual maximum {best})").format(
            actions=ngettext("{n} action", "{n} actions", workload).format(n=workload),
            days=ngettext("{n} day", "{n} days", days).format(n=days),
            daily=number(p["daily"]),
            best=number(p["annual_max"]),
        )
    return ""


def with_unit(kpi: Kpi, value: Any) -> str:
    """A measured value (or a band's threshold) as the KPI's column shows it, with its unit:
    the column's heading says "hours", a line of text must say it beside the number."""
    text = measured(kpi, value)
    if kpi.spec.shown == "hours":
        return _("{value} hours").format(value=text)
    if kpi.spec.shown == "minutes":
        return _("{value} minutes").format(value=text)
    return text


def kpi_line(row: RankRow, kpi_id: str) -> str:
    """One KPI's points, worked out: the value, the method's arithmetic, the points."""
    kpi = row.spec(kpi_id)
    result = row.kpi(kpi_id)
    label = str(kpi.label)
    points = number(result.points)
    if result.first_month:
        return _("{label}: first month → {points} points, fixed, not ranked").format(
            label=label, points=points
        )
    if result.value is None:
        return _("{label}: {why} → 0 points, not ranked").format(
            label=label, why=_no_data(result.flag or "")
        )
    value = f"{with_unit(kpi, result.value)} {_parts(kpi, result)}".strip()
    s = kpi.score
    if kpi.method == "weighted_days":
        if s["scale"] == 1:
            return _("{label} {value} = {points} points").format(
                label=label, value=value, points=points
            )
        return _("{label} {value} × {scale} = {points} points").format(
            label=label,
            value=value,
            scale=number(s["scale"]).rstrip("0").rstrip("."),
            points=points,
        )
    if kpi.method == "rank":
        rank, n = result.pool or (1, 1)
        if n == 1:
            return _("{label} {value}: alone in the pool → {points} points").format(
                label=label, value=value, points=points
            )
        return _(
            "{label} {value}: rank {rank} of {n} → {max} × ({n} - {rank}) / ({n} - 1)"
            " = {points} points"
        ).format(label=label, value=value, rank=rank, n=n, max=number(s["max"]), points=points)
    if kpi.method == "bands":
        reached = next(
            (
                t
                for t, p in s["bands"]
                if (result.value >= t if s["better"] == "higher" else result.value <= t)
            ),
            None,
        )
        if reached is None:  # lower than every band, or higher where lower is better
            return _("{label} {value}: reaches no band → {points} points").format(
                label=label, value=value, points=points
            )
        sign = "≥" if s["better"] == "higher" else "≤"
        return _("{label} {value}: band {sign} {threshold} → {points} points").format(
            label=label, value=value, sign=sign, threshold=with_unit(kpi, reached), points=points
        )
    if kpi.method == "target":
        met = result.points == s["points"]
        text = _("meets the target {target}") if met else _("misses the target {target}")
        return _("{label} {value}: {target} → {points} points").format(
            label=label,
            value=value,
            target=text.format(target=with_unit(kpi, s["target"])),
            points=points,
        )
    if kpi.method == "linear":
        return _(
            "{label} {value}: {at} + ({value_only} - {target}) / {unit} × {per_unit},"
            " within {low} … {high} = {points} points"
        ).format(
            label=label,
            value=value,
            value_only=number(result.value),
            at=number(s["at_target"]),
            target=number(s["target"]),
            unit=number(s["unit"]),
            per_unit=number(s["per_unit"]),
            low="—" if s["min"] is None else number(s["min"]),
            high="—" if s["max"] is None else number(s["max"]),
            points=points,
        )
    return _("{label} {value} → {points} points (at most {max})").format(
        label=label, value=value, points=points, max=number(s["max"])
    )


def total_line(row: RankRow, name: Callable[[Kpi], str]) -> str:
    """The total: each KPI's points added, adjustments taken off or added, and a forfeit.

    Every term is named, a KPI by ``name`` (the screens pass the names of its
    tabs), an adjustment as its export column is headed: a bare "- 5.00"
    after the KPIs read as one more KPI's points. Where the terms as shown do not
    add up to the total, the line says why (:func:`rounding_note`).
    """
    terms = " + ".join(f"{name(row.spec(k.id))} {number(k.points)}" for k in row.kpis)
    if row.deductions:
        terms += f" {MINUS} {HEADINGS['deductions']} {number(row.deductions)}"
    if row.bonuses:
        terms += f" + {HEADINGS['bonuses']} {number(row.bonuses)}"
    total = number(row.total)
    if note := rounding_note(row):
        total += " " + _("({note})").format(note=note)
    if row.zeroed:
        return _(
            "total = min({terms}, 0) = {total}: the month is forfeited (media complaint)"
        ).format(terms=terms, total=total)
    return _("total = {terms} = {total}").format(terms=terms, total=total)


def rounding_note(row: RankRow) -> str:
    """Why the row's points as shown do not add up to its total, where they do not; else "".

    The parts are summed exactly and the total rounded once (kpi-rules §6), so
    33.333… + 36.413… is 69.75, while the parts shown, 33.33 + 36.41, make 69.74:
    a person adding them up disputes the total unless told the exact sum, to
    places enough to see it round (:func:`~fieldkpi.numbers.exact_places`).
    """
    parts = [k.points for k in row.kpis] + [row.bonuses, -row.deductions]
    shown = sum(round_half_up(p) for p in parts)
    if (min(shown, 0) if row.zeroed else shown) == row.total:
        return ""
    return _("parts rounded; exact sum {sum}").format(sum=exact_places(exact_sum(parts)))


def outcome(row: RankRow) -> list[str]:
    """What the total brings, as far as the row's scheme gives anything: the grade where it
    grades, the reward where it pays for the role.

    A scheme of grades and no money (generic-bands) showed "reward —" and no grade:
    the one result it gives was missing, and the dash read as nothing earned.
    """
    parts = []
    if row.scheme.grades:
        parts.append(_("grade {grade}").format(grade=row.grade or DASH))
    if row.scheme.money.pays(row.role):
        parts.append(_("reward {reward}").format(reward=yuan(row.reward)))
    return parts
