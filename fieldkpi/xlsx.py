"""Rankings as an Excel workbook for head office (``fieldkpi rank --format xlsx``).

One sheet per role, named in the person's language; the header row is frozen
and filterable. Cells hold numbers rather than text, with number formats
(points ``0.00``, rates ``0.00%``, the reward in ¥), so that head office can
sort and sum them. The values are :func:`fieldkpi.export.export_values`: the
same rounded numbers as the CSV.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import BinaryIO

from openpyxl import Workbook
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter
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
    columns_for,
    export_values,
    heading,
)
from fieldkpi.i18n import N_, _
from fieldkpi.ranking import RankRow

SHEETS = {"rep": N_("Reps"), "engineer": N_("Engineers")}
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
    book.save(out)


def _fill_sheet(book: Workbook, role: str, rows: list[RankRow], language: str | None):
    sheet = book.create_sheet(_(SHEETS[role]) if role in SHEETS else role)
    columns = columns_for(rows)
    titles = [heading(c, language) if language else c.name for c in columns]
    sheet.append(titles)
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    for row in rows:
        values = export_values(row, columns) | {"as_of": row.as_of}
        sheet.append([values[c.name] for c in columns])
        for column, cell in zip(columns, sheet[sheet.max_row], strict=True):
            if isinstance(cell.value, str):
                cell.data_type = "s"  # a name like "=1+1" stays text, never a formula
            elif number_format(column):
                cell.number_format = number_format(column)
    for i, (column, title) in enumerate(zip(columns, titles, strict=True), 1):
        text = column.kind == TEXT
        cells = sheet[get_column_letter(i)][1:] if text else []
        shown = [cell_len(str(c.value or "")) for c in cells]
        width = max(cell_len(title), *shown, 19 if column.kind == TIME else 8)
        sheet.column_dimensions[get_column_letter(i)].width = width + 2
    sheet.freeze_panes = "A2"
    sheet.auto_filter.ref = f"A1:{get_column_letter(len(columns))}{sheet.max_row}"
