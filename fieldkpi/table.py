"""The ranking as a table a person reads at a glance (``fieldkpi rank --format table``).

Rich measures cell widths in terminal cells, so Chinese names line up.
"""

from __future__ import annotations

import io
import shutil
from collections.abc import Callable, Mapping, Sequence
from itertools import groupby

from rich.console import Console
from rich.table import Table
from rich.text import Text

from fieldkpi.i18n import _
from fieldkpi.kpi_columns import KpiColumn, kpi_columns
from fieldkpi.numbers import DASH, points, shown, yuan
from fieldkpi.period import Judgement, stamp
from fieldkpi.ranking import RankRow


def role_label(role: str) -> str:
    return {"rep": _("Customer-service reps"), "engineer": _("Field engineers")}[role]


def _columns(role: str) -> list[tuple[str, str, Callable[[RankRow], Text]]]:
    """(column, heading, cell) of the table for one role: each KPI's points under its name.

    Engineers, having fewer KPIs, have room for the share of satisfied callbacks too.
    """
    kpis = [
        (column.field, column.kpi_label if column.is_points else column.part, _kpi_cell(column))
        for column in kpi_columns(role)
        if column.is_points or (role == "engineer" and column.field == "satisfaction")
    ]
    return [
        ("rank", _("Rank"), lambda row: Text(str(row.rank))),
        ("staff_code", _("Code"), lambda row: Text(row.staff_code)),
        ("name", _("Name"), lambda row: Text(row.name)),
        *kpis,
        ("total", _("Total"), _total),
        ("reward", _("Reward"), _reward),
    ]


def _kpi_cell(column: KpiColumn) -> Callable[[RankRow], Text]:
    def cell(row: RankRow) -> Text:
        value = column.read(row)
        if column.kpi == "deductions" and not value:
            return Text(DASH)
        return Text(shown(column.format, value))

    return cell


def _total(row: RankRow) -> Text:
    if row.zeroed:
        return Text(f"{points(row.total)} ⓩ", style="red")
    return Text(points(row.total))


def _reward(row: RankRow) -> Text:
    value = row.reward
    return Text(yuan(value), style="green" if value and value > 0 else "red" if value else "")


def render_table(
    rows: Sequence[RankRow],
    branch_names: Mapping[str, str],
    judgement: Judgement,
    *,
    color: bool = False,
    width: int | None = None,
) -> str:
    width = width or (shutil.get_terminal_size((120, 24)).columns if color else 120)
    out = io.StringIO()
    console = Console(file=out, width=width, force_terminal=color, no_color=not color)
    status = (
        _("PROVISIONAL — as of {as_of}; figures can still change").format(
            as_of=stamp(judgement.as_of)
        )
        if judgement.provisional
        else _("as of {as_of}").format(as_of=stamp(judgement.as_of))
    )
    if not rows:
        console.print(_("{month}: nobody to rank").format(month=judgement.period), status)
    for (branch, role), group in groupby(rows, key=lambda r: (r.branch, r.role)):
        group = list(group)
        columns = _columns(role)
        caption = status
        if any(r.zeroed for r in group):
            caption += _("  ⓩ media complaint: total zeroed")
        table = Table(
            title=f"{branch} {branch_names.get(branch, '')} · {role_label(role)} · "
            f"{judgement.period}",
            caption=caption,
            title_justify="left",
            caption_justify="left",
        )
        for column, heading, _cell in columns:
            table.add_column(
                heading, justify="left" if column in ("staff_code", "name") else "right"
            )
        for row in group:
            table.add_row(*(cell(row) for _c, _h, cell in columns))
        console.print(table)
    return out.getvalue()
