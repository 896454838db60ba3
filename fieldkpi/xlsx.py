"""Rankings as an Excel workbook for head office (``fieldkpi rank --format xlsx``, and the TUI).

One sheet per role, named in the person's language; the header row is frozen
and filterable. Cells hold numbers rather than text, with number formats
(points ``0.00``, rates ``0.00%``, the reward in ¥), so that head office can
sort and sum them. The columns are the export's (:func:`fieldkpi.export.columns_for`:
the scheme's own KPIs), the values the same rounded numbers as the CSV.

Printed, each role's sheet is one landscape page wide (names and totals on
the same page), the heading row repeats on every page and the page header
says which branch, role and month it is. A last sheet breaks each person's
total down KPI by KPI: what was measured and the points it gave, so a
printout can be checked line by line.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from decimal import Decimal
from typing import BinaryIO

from openpyxl import Workbook
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.worksheet import Worksheet
from rich.cells import cell_len

from fieldkpi.export import (
    FLAG,
    POINTS,
    RATE,
    TEXT,
    TIME,
    WHOLE,
    YUAN,
    Column,
    RowCells,
    columns_for,
    heading,
)
from fieldkpi.i18n import N_, _, join_list
from fieldkpi.kpi import round_half_up
from fieldkpi.kpi_columns import measured
from fieldkpi.period import provisional_line, stamp
from fieldkpi.ranking import RankRow

SHEETS = {"rep": N_("Reps"), "engineer": N_("Engineers")}
BREAKDOWN = N_("KPI breakdown")
MARGIN = 0.4  # inches: narrow page margins leave the columns more room
FORMATS = {
    TIME: "yyyy-mm-dd hh:mm:ss",
    YUAN: '"¥"#,##0.00;[Red]-"¥"#,##0.00',
    RATE: "0.00%",
    POINTS: "0.00",
    WHOLE: "0",
    FLAG: "0",
}


def number_format(column: Column) -> str | None:
    """The Excel format of a column's cells; ``None`` for text (and numbers as entered)."""
    return FORMATS.get(column.kind)


def write_xlsx(
    rows: Iterable[RankRow],
    out: str | BinaryIO,
    *,
    roles: Sequence[str] = ("rep", "engineer"),
    language: str | None = None,
) -> None:
    """A workbook with a sheet for each of ``roles`` (even an empty one), rows in export order.

    Headings are the column names, or the language's headings (``zh``, ``en``).
    """
    by_role: dict[str, list[RankRow]] = {role: [] for role in roles}
    for row in rows:
        by_role.setdefault(row.role, []).append(row)
    book = Workbook()
    book.remove(book.active)
    for role, role_rows in by_role.items():
        _fill_sheet(book, role, role_rows, language)
    _fill_breakdown(book, [row for role_rows in by_role.values() for row in role_rows])
    book.save(out)


def sheet_label(role: str) -> str:
    return _(SHEETS[role]) if role in SHEETS else role


def page_title(rows: list[RankRow], label: str) -> str:
    """What a printed page is about: branches, role, period, and how final the figures are."""
    if not rows:
        return label
    branches = sorted({row.branch for row in rows})
    periods = sorted({row.period for row in rows})
    as_of = max(row.as_of for row in rows)
    status = (
        provisional_line(as_of)
        if any(row.provisional for row in rows)
        else _("as of {as_of}").format(as_of=stamp(as_of))
    )
    return " · ".join((join_list(branches), label, join_list(periods), status))


def _print_setup(sheet: Worksheet, title: str) -> None:
    """One landscape page wide, as many pages down as it takes, headings on each page."""
    sheet.page_setup.orientation = "landscape"
    sheet.page_setup.paperSize = sheet.PAPERSIZE_A4
    sheet.page_setup.fitToWidth = 1
    sheet.page_setup.fitToHeight = 0
    sheet.sheet_properties.pageSetUpPr.fitToPage = True
    sheet.print_title_rows = "1:1"
    sheet.page_margins.left = sheet.page_margins.right = MARGIN
    sheet.oddHeader.center.text = title.replace("&", "&&")
    sheet.oddFooter.center.text = "&P / &N"


def _typed_cells(line) -> None:
    """Text stays text: a name like "=1+1" is never a formula. A rounded number is written
    as its decimal digits (9.61), as the CSV has it: openpyxl would write a Decimal through
    a float's 16 digits (9.609999999999999), which Excel reads as another number than 9.61."""
    for cell in line:
        if isinstance(cell.value, str):
            cell.data_type = "s"
        elif isinstance(cell.value, Decimal):
            cell.value = str(cell.value)
            cell.data_type = "n"


def _fill_sheet(book: Workbook, role: str, rows: list[RankRow], language: str | None):
    sheet = book.create_sheet(sheet_label(role))
    columns = columns_for(rows)
    titles = [heading(c, language) if language else c.name for c in columns]
    sheet.append(titles)
    _typed_cells(sheet[1])  # a scheme's KPI label is text too
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    cells = RowCells(columns)
    names = [c.name for c in columns]
    as_of_at, role_at = names.index("as_of"), names.index("role")
    for row in rows:
        values = cells(row)
        values[as_of_at] = row.as_of
        if language:  # a role in words, as the breakdown sheet has it (codes in the CSV)
            values[role_at] = sheet_label(row.role)
        sheet.append(values)
        _typed_cells(sheet[sheet.max_row])
        for column, cell in zip(columns, sheet[sheet.max_row], strict=True):
            if cell.data_type != "s" and number_format(column):  # numbers and times
                cell.number_format = number_format(column)
    for i, (column, title) in enumerate(zip(columns, titles, strict=True), 1):
        cells = sheet[get_column_letter(i)][1:] if column.kind == TEXT else []
        widths = [cell_len(str(c.value or "")) for c in cells]
        width = max(cell_len(title), *widths, 19 if column.kind == TIME else 8)
        sheet.column_dimensions[get_column_letter(i)].width = width + 2
    sheet.freeze_panes = "A2"
    sheet.auto_filter.ref = f"A1:{get_column_letter(len(columns))}{sheet.max_row}"
    _print_setup(sheet, page_title(rows, sheet_label(role)))


def _fill_breakdown(book: Workbook, rows: list[RankRow]) -> None:
    """Each person's KPIs, one line each: what was measured, the points; then the total.

    The KPI points and the adjustments add up to the total (unless the month was forfeited).
    """
    sheet = book.create_sheet(_(BREAKDOWN))
    headings = [
        _("Branch"), _("Role"), _("Rank"), _("Code"), _("Name"), _("KPI"), _("Measured"),
        _("Points"),
    ]  # fmt: skip
    sheet.append(headings)
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    for row in rows:
        who = [row.branch, sheet_label(row.role), row.rank, row.staff_code, row.name]
        for result in row.kpis:
            spec = row.spec(result.id)
            sheet.append(
                [*who, str(spec.label), measured(spec, result.value), round_half_up(result.points)]
            )
        if row.deductions or row.bonuses:
            net = round_half_up(row.bonuses - row.deductions)
            sheet.append([*who, _("Deductions and bonuses"), None, net])
        total = _("Total") + (" " + _("(forfeited: media complaint)") if row.zeroed else "")
        sheet.append([*who, total, None, round_half_up(row.total)])
        for cell in sheet[sheet.max_row]:
            cell.font = Font(bold=True)
    for line in sheet.iter_rows(min_row=2):
        _typed_cells(line)
        line[-1].number_format = FORMATS[POINTS]
    for i, title in enumerate(headings, 1):
        letter = get_column_letter(i)
        widths = [cell_len(str(c.value or "")) for c in sheet[letter]]
        sheet.column_dimensions[letter].width = max(8, cell_len(title), *widths) + 2
    sheet.freeze_panes = "A2"
    _print_setup(sheet, page_title(rows, _(BREAKDOWN)))
