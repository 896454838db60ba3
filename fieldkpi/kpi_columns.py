"""The KPI columns of a ranking: which KPIs its rows have, and how to read and print each.

Everything that lays out a ranking's KPIs — the rankings table, the facts and
own-figures screens, the trends — asks :func:`kpi_columns` rather than naming
KPIs: the KPIs are the scheme's (:mod:`fieldkpi.scheme`), so a branch on
another preset shows its own.

A KPI has one or more columns: what was measured (a rate, a count) and the
points it gave. Adjustments (deductions and bonuses) are a column too, as
points, so that a row's points columns add up to its total (unless a media
complaint forfeited the month).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from fractions import Fraction
from typing import Any

from fieldkpi.export import Column, columns_of_kpi
from fieldkpi.i18n import N_, _
from fieldkpi.numbers import shown
from fieldkpi.ranking import KpiResult, RankRow
from fieldkpi.scheme import Kpi, Scheme, default_scheme

RATE, POINTS, COUNT = "rate", "points", "count"
NET = "net"  # the adjustments: signed points, a dash for none (fieldkpi.numbers.net)
FIRST_MONTH = "*"  # beside points fixed by the first-month rule
NO_DATA = "○"  # beside points of a KPI the person has no data for
ADJUSTMENTS = "adjustments"  # the column of deductions and bonuses; its facts are the events
# What the measured value of each measure is called under its KPI's name.
VALUE_PARTS = {
    "timeliness": N_("score"),
    "satisfaction_rate": N_("satisfied"),
    "satisfaction_mean": N_("mean"),
    "feedback_rate": N_("rate"),
    "saturation": N_("saturation"),
    "workload": N_("actions"),
    "resolved_within": N_("share"),
    "first_time_fix": N_("share"),
    "cycle_hours": N_("hours"),
    "dispatch_minutes": N_("minutes"),
    "completed": N_("tickets"),
}
VALUE = N_("value")  # what the measured value of any other measure is called
COUNT_PARTS = {"workload": N_("actions"), "days": N_("days")}


@dataclass(frozen=True)
class KpiColumn:
    """One column of one KPI.

    ``heading`` is the column's two-line heading: the KPI's name over what the
    column holds ("Satisfaction" over "pts"), so no two columns read alike.
    """

    kpi: str  # the KPI's id (its line in a trend); ADJUSTMENTS for deductions and bonuses
    kpi_label: str  # the KPI's name, in the session's language
    part: str  # what the column holds, in the session's language
    field: str  # the export column with the same number
    format: str  # RATE, POINTS or COUNT
    read: Callable[[RankRow], Any]  # the exact value of a row; None where it does not apply
    is_points: bool = False  # the KPI's points: these add up to the total
    mark: Callable[[RankRow], str] | None = None  # a sign beside the value

    @property
    def heading(self) -> str:
        return f"{self.kpi_label}\n{self.part}"


def points_mark(result: KpiResult | None) -> str:
    """The mark beside a KPI's points; fixed first-month points are not "no data" points."""
    if result is None:
        return ""
    return FIRST_MONTH if result.first_month else NO_DATA if result.flag else ""


def _marks(kpi_id: str) -> Callable[[RankRow], str]:
    return lambda row: points_mark(row.kpi(kpi_id))


def _net(row: RankRow) -> Fraction:
    return row.bonuses - row.deductions


def _format(column: Column) -> str:
    return {"rate": RATE, "whole": COUNT}.get(column.kind, POINTS)


def measured(kpi: Kpi, value: Any) -> str:
    """A KPI's measured value as its column in the rankings shows it (a dash for none).

    The explanations and the workbook's breakdown print it so: the same value
    reads the same on the screen, in a drill-down and on paper.
    """
    column = next(c for c in columns_of_kpi(kpi) if c.part == "value")
    return shown(_format(column), value)


def kpi_columns(
    role: str, rows: Sequence[RankRow] = (), scheme: Scheme | None = None
) -> list[KpiColumn]:
    """The KPI columns of one role's rows, left to right, labelled in the current language.

    The KPIs are those of the rows' scheme (or ``scheme``, else the default).
    """
    scheme = rows[0].scheme if rows else scheme or default_scheme()
    columns: list[KpiColumn] = []
    for kpi in scheme.kpis_of(role):
        label = str(kpi.label)
        for column in columns_of_kpi(kpi):  # the export's columns, in the export's order
            if column.part == "points":
                part, points, mark = _("pts"), True, _marks(kpi.id)
            else:
                value = column.part == "value"
                part = VALUE_PARTS.get(kpi.measure, VALUE) if value else COUNT_PARTS[column.part]
                part, points, mark = _(part), False, None
            columns.append(
                KpiColumn(
                    kpi.id,
                    label,
                    part,
                    column.name,
                    _format(column),
                    column.get,
                    is_points=points,
                    mark=mark,
                )
            )
    columns.append(
        KpiColumn(
            ADJUSTMENTS,
            _("Adjustments"),
            _("points"),
            "deductions",
            NET,
            _net,
            is_points=True,
        )
    )
    return columns


def points_columns(columns: Sequence[KpiColumn]) -> list[KpiColumn]:
    """Each KPI's points column, in order: a KPI's line in a trend or a breakdown."""
    return [column for column in columns if column.is_points]
