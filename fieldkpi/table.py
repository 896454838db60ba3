"""The ranking as a table a person reads at a glance (``fieldkpi rank --format table``).

Rich measures cell widths in terminal cells, so Chinese names line up. Names
and codes come from files: every cell and title is plain text
(:mod:`fieldkpi.plain`), never markup nor a terminal escape.
"""

from __future__ import annotations

import io
import shutil
from collections.abc import Mapping, Sequence
from itertools import groupby

from rich.console import Console
from rich.table import Table
from rich.text import Text

from fieldkpi.export import export_values
from fieldkpi.i18n import _
from fieldkpi.period import Judgement, stamp
from fieldkpi.plain import CELL_WIDTH, plain
from fieldkpi.ranking import RankRow


def role_label(role: str) -> str:
    return {"rep": _("Customer-service reps"), "engineer": _("Field engineers")}[role]


def yuan(value) -> str:
    return "—" if not value else f"{'+' if value > 0 else '−'}¥{abs(value)}"


def _columns(role: str) -> list[tuple[str, str]]:
    """(export column, heading) of the table for one role."""
    kpis = (
        [
            ("feedback_points", _("Feedback")),
            ("workload_points", _("Workload")),
            ("satisfaction_points", _("Satisfaction")),
        ]
        if role == "rep"
        else [("satisfaction", _("Satisfied %")), ("satisfaction_points", _("Satisfaction"))]
    )
    return [
        ("rank", _("Rank")),
        ("staff_code", _("Code")),
        ("name", _("Name")),
        *kpis,
        ("timeliness_points", _("Timeliness")),
        ("deductions", _("Deductions")),
        ("total", _("Total")),
        ("reward", _("Reward")),
    ]


def _cell(column: str, row: RankRow, value) -> Text:
    if column == "reward":
        style = "green" if value and value > 0 else "red" if value else ""
        return Text(yuan(value), style=style)
    if column == "satisfaction":
        return Text(f"{value * 100:.1f}%")
    if column == "deductions":
        return Text(f"−{value}" if value else "—")
    if column == "total" and row.zeroed:
        return Text(f"{value} ⓩ", style="red")
    return plain(value, CELL_WIDTH)


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
        console.print(
            _("{month}: nobody to rank").format(month=judgement.period), status, markup=False
        )
    for (branch, role), group in groupby(rows, key=lambda r: (r.branch, r.role)):
        group = list(group)
        columns = _columns(role)
        caption = status
        if any(r.zeroed for r in group):
            caption += _("  ⓩ media complaint: total zeroed")
        table = Table(
            title=plain(
                f"{branch} {branch_names.get(branch, '')} · {role_label(role)} · {judgement.period}"
            ),
            caption=Text(caption),
            title_justify="left",
            caption_justify="left",
        )
        for column, heading in columns:
            table.add_column(
                heading, justify="left" if column in ("staff_code", "name") else "right"
            )
        for row in group:
            values = export_values(row)
            table.add_row(*(_cell(c, row, values[c]) for c, _h in columns))
        console.print(table)
    return out.getvalue()
