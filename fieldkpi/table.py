"""The ranking as a table a person reads at a glance (``fieldkpi rank --format table``).

Rich measures cell widths in terminal cells, so Chinese names line up. Names
and codes come from files: every cell and title is plain text
(:mod:`fieldkpi.plain`), never markup nor a terminal escape.
"""

from __future__ import annotations

import io
import os
from collections.abc import Mapping, Sequence
from itertools import groupby
from typing import Any

from rich import box
from rich.console import Console
from rich.table import Table
from rich.text import Text

from fieldkpi.i18n import _
from fieldkpi.kpi_columns import FIRST_MONTH, NO_DATA, points_mark
from fieldkpi.numbers import DASH, points, yuan
from fieldkpi.period import Judgement, provisional_line, stamp
from fieldkpi.plain import CELL_WIDTH, plain
from fieldkpi.ranking import RankRow

FORFEITED = "ⓩ"  # beside a total a media complaint capped at 0


def role_label(role: str) -> str:
    return {"rep": _("Customer-service reps"), "engineer": _("Field engineers")}[role]


def _points(row: RankRow, kpi_id: str) -> Text:
    result = row.kpi(kpi_id)
    text, mark = points(result.points), points_mark(result)
    return Text(f"{text} {mark}" if mark else text, style="dim" if mark == NO_DATA else "")


def _heading(label: str) -> dict[str, Any]:
    """A column's heading and how its lines break: at spaces, and a word too long for the
    column folded onto the next line (Chinese at any character, as it is set in print).
    Every letter stays: a heading cut to "Satisfac…" at 80 columns named no KPI."""
    return {"header": Text(label), "overflow": "fold"}


def output_width() -> int:
    """The width to draw in: ``COLUMNS`` if set, else that of the terminal the command runs
    in — also when its output is piped (``| less``), read from standard error or input —
    and 120 with no terminal at all (cron writing a file)."""
    try:
        return max(int(os.environ["COLUMNS"]), 20)
    except (KeyError, ValueError):
        pass
    for stream in (1, 2, 0):
        try:
            return os.get_terminal_size(stream).columns
        except OSError:
            continue
    return 120


def _legend(rows: Sequence[RankRow], status: str) -> str:
    notes = [status]
    marks = {points_mark(k) for r in rows for k in r.kpis}
    if NO_DATA in marks:
        notes.append(_("{mark} no data: 0 points, not ranked for that KPI").format(mark=NO_DATA))
    if FIRST_MONTH in marks:
        notes.append(_("{mark} first month: fixed points").format(mark=FIRST_MONTH))
    if any(r.zeroed for r in rows):
        notes.append(_("{mark} media complaint: month forfeited").format(mark=FORFEITED))
    return "  ".join(notes)


def render_table(
    rows: Sequence[RankRow],
    branch_names: Mapping[str, str],
    judgement: Judgement,
    *,
    color: bool = False,
    width: int | None = None,
) -> str:
    """The tables, ``width`` cells wide at most (:func:`output_width` if not given); no line
    is padded with spaces to it (a pager or a file would keep them)."""
    width = width or output_width()
    out = io.StringIO()
    console = Console(file=out, width=width, force_terminal=color, no_color=not color)
    status = (
        provisional_line(judgement.as_of)
        if judgement.provisional
        else _("as of {as_of}").format(as_of=stamp(judgement.as_of))
    )
    if not rows:
        console.print(
            Text(_("{period}: nobody to rank").format(period=judgement.period)), Text(status)
        )
    for (branch, role), group in groupby(rows, key=lambda r: (r.branch, r.role)):
        group = list(group)
        kpis = group[0].scheme.kpis_of(role)
        graded = any(r.grade is not None for r in group)
        paid = group[0].scheme.money.pays(role)  # no column of dashes where nobody is paid
        title = plain(
            f"{branch} {branch_names.get(branch) or ''} · {role_label(role)} · "
            f"{judgement.period} · {group[0].scheme.label}"
        ).plain  # cleaned; a Text of it ends its line, as a cell's plain() need not
        table = Table(
            title=Text(title),
            caption=Text(_legend(group, status)),
            title_justify="left",
            caption_justify="left",
            # one space between columns and no frame: 80 columns hold a scheme's whole table
            box=box.SIMPLE_HEAD,
            show_edge=False,
            padding=(0, 0),
        )
        # Who and the total are never cut; a long heading wraps onto the lines below it.
        table.add_column(_("Rank"), justify="right", no_wrap=True)
        table.add_column(_("Code"), no_wrap=True)
        table.add_column(_("Name"), no_wrap=True)
        for kpi in kpis:
            table.add_column(**_heading(str(kpi.label)), justify="right")
        table.add_column(**_heading(_("Adjustments")), justify="right")
        table.add_column(_("Total"), justify="right", no_wrap=True)
        if graded:
            table.add_column(**_heading(_("Grade")))
        if paid:
            table.add_column(**_heading(_("Reward")), justify="right")
        for row in group:
            net = row.bonuses - row.deductions
            total = Text(points(row.total))
            if row.zeroed:
                total = Text(f"{points(row.total)} {FORFEITED}", style="red")
            cells = [
                Text(str(row.rank)),
                plain(row.staff_code, CELL_WIDTH),
                plain(row.name, CELL_WIDTH),
                *(_points(row, k.id) for k in kpis),
                Text(f"{'+' if net > 0 else ''}{points(net)}" if net else DASH),
                total,
            ]
            if graded:
                cells.append(plain(str(row.grade)) if row.grade else Text(DASH))
            if paid:
                style = "green" if row.reward > 0 else "red" if row.reward < 0 else ""
                cells.append(Text(yuan(row.reward), style=style))
            table.add_row(*cells)
        console.print(table)
    return "".join(line.rstrip() + "\n" for line in out.getvalue().splitlines())
