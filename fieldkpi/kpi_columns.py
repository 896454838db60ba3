"""The KPI columns of a ranking: which KPIs its rows have, and how to read and print each.

Everything that lays out a ranking's KPIs — the rankings table, the facts and
own-figures screens, the trends, the workbook's breakdown sheet, the CLI
table — asks :func:`kpi_columns` rather than naming fields of
:class:`~fieldkpi.ranking.RankRow`. Today it maps the default scheme's fixed
fields; once ranking rows carry their scheme's KPI results (id, label, value,
points), this is the one function to change.

A KPI has one or more columns: what was measured (a rate, a count) and the
points it gave. Deductions are a KPI column too, read as negative points, so
that a row's points columns add up to its total (unless a media complaint
zeroed it).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

from fieldkpi.i18n import N_, _
from fieldkpi.numbers import shown
from fieldkpi.ranking import RankRow

RATE, POINTS, COUNT = "rate", "points", "count"


@dataclass(frozen=True)
class KpiColumn:
    """One column of one KPI.

    ``heading`` is the column's two-line heading: the KPI's name over what the
    column holds ("Satisfaction" over "pts"), so no two columns read alike.
    """

    kpi: str  # the KPI's id: its facts tab and its line in a trend
    kpi_label: str  # the KPI's name, in the session's language
    part: str  # what the column holds, in the session's language
    field: str  # the export column (interfaces.md) with the same number
    format: str  # RATE, POINTS or COUNT
    read: Callable[[RankRow], Any]  # the exact value of a row; None where it does not apply
    is_points: bool = False  # the KPI's points: these add up to the total
    mark: Callable[[RankRow], str] | None = None  # a sign beside the value (first month)

    @property
    def heading(self) -> str:
        return f"{self.kpi_label}\n{self.part}"


@dataclass(frozen=True)
class _Spec:
    """A column of the fixed fields: the same for every row of a role."""

    kpi: str
    label: str
    part: str
    field: str
    format: str
    is_points: bool = False
    negate: bool = False


FIRST_MONTH = "*"  # beside workload points fixed by the first-month rule
_FEEDBACK, _WORKLOAD = N_("Feedback"), N_("Workload")
_SATISFACTION, _TIMELINESS = N_("Satisfaction"), N_("Timeliness")
_DEDUCTIONS = N_("Deductions")
_PTS = N_("pts")
_COMMON = (
    _Spec("satisfaction", _SATISFACTION, N_("satisfied"), "satisfaction", RATE),
    _Spec("satisfaction", _SATISFACTION, _PTS, "satisfaction_points", POINTS, True),
    _Spec("timeliness", _TIMELINESS, N_("score"), "timeliness", POINTS),
    _Spec("timeliness", _TIMELINESS, _PTS, "timeliness_points", POINTS, True),
    _Spec("deductions", _DEDUCTIONS, N_("points off"), "deductions", POINTS, True, negate=True),
)
_SPECS = {
    "rep": (
        _Spec("feedback", _FEEDBACK, N_("rate"), "feedback_rate", RATE),
        _Spec("feedback", _FEEDBACK, _PTS, "feedback_points", POINTS, True),
        _Spec("workload", _WORKLOAD, N_("actions"), "workload", COUNT),
        _Spec("workload", _WORKLOAD, N_("days"), "days", COUNT),
        _Spec("workload", _WORKLOAD, N_("saturation"), "saturation", RATE),
        _Spec("workload", _WORKLOAD, _PTS, "workload_points", POINTS, True),
        *_COMMON,
    ),
    "engineer": _COMMON,
}


def _reader(spec: _Spec) -> Callable[[RankRow], Any]:
    def read(row: RankRow) -> Any:
        value = getattr(row, spec.field)
        return -value if spec.negate and value is not None else value

    return read


def _first_month(row: RankRow) -> str:
    return FIRST_MONTH if row.first_month else ""


def kpi_columns(role: str, rows: Sequence[RankRow] = ()) -> list[KpiColumn]:
    """The KPI columns of one role's rows, left to right, labelled in the current language.

    ``rows`` are the rows to be shown (their scheme decides the KPIs once rows
    carry them; today the role alone does).
    """
    del rows  # the fixed fields are the same for every row of a role
    return [
        KpiColumn(
            kpi=spec.kpi,
            kpi_label=_(spec.label),
            part=_(spec.part),
            field=spec.field,
            format=spec.format,
            read=_reader(spec),
            is_points=spec.is_points,
            mark=_first_month if spec.field == "workload_points" else None,
        )
        for spec in _SPECS[role]
    ]


def points_columns(columns: Sequence[KpiColumn]) -> list[KpiColumn]:
    """Each KPI's points column, in order: a KPI's line in a trend or a breakdown."""
    return [column for column in columns if column.is_points]


def value_column(columns: Sequence[KpiColumn], kpi: str) -> KpiColumn | None:
    """The KPI's measured value (its first column that is not points), if it has one."""
    return next((c for c in columns if c.kpi == kpi and not c.is_points), None)


def kpi_breakdown(row: RankRow) -> list[tuple[KpiColumn, str]]:
    """Each KPI of one row: its points column, and what was measured as text.

    ``(satisfaction points, "satisfied 80.00%")``; ``""`` for a KPI that is
    only points (deductions). A person's own figures and the workbook's
    breakdown sheet list a row this way.
    """
    columns = kpi_columns(row.role, [row])
    return [
        (
            own,
            ", ".join(
                f"{c.part} {shown(c.format, c.read(row))}"
                for c in columns
                if c.kpi == own.kpi and not c.is_points
            ),
        )
        for own in points_columns(columns)
    ]
