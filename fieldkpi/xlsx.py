"""Rankings as an Excel workbook for head office (``fieldkpi rank --format xlsx``).

One sheet per role, named in the person's language; the header row is frozen
and filterable. Cells hold numbers rather than text, with number formats
(points ``0.00``, rates ``0.00%``, the reward in ¥), so that head office can
sort and sum them. The values are :func:`fieldkpi.export.export_values`: the
same rounded numbers as the CSV.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from typing import BinaryIO

from openpyxl import Workbook
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter
from rich.cells import cell_len

from fieldkpi.export import COLUMNS, RATES, TEXT, export_values
from fieldkpi.i18n import N_, _
from fieldkpi.ranking import RankRow

SHEETS = {"rep": N_("Reps"), "engineer": N_("Engineers")}
# Columns that only reps have: an engineers' sheet leaves them out.
REP_ONLY = frozenset(
    {"feedback_rate", "feedback_points", "workload", "days", "saturation", "workload_points"}
)
WHOLE = frozenset({"provisional", "rank", "workload", "days", "zeroed"})
POINTS_FORMAT = "0.00"
RATE_FORMAT = "0.00%"
WHOLE_FORMAT = "0"
REWARD_FORMAT = '"¥"#,##0.00;[Red]-"¥"#,##0.00'
TIME_FORMAT = "yyyy-mm-dd hh:mm:ss"


def sheet_columns(role: str) -> tuple[str, ...]:
    return tuple(c for c in COLUMNS if role == "rep" or c not in REP_ONLY)


def number_format(column: str) -> str | None:
    """The Excel format of a column's cells; ``None`` for text."""
    if column == "as_of":
        return TIME_FORMAT
    if column in TEXT:
        return None
    if column == "reward":
        return REWARD_FORMAT
    if column in RATES:
        return RATE_FORMAT
    return WHOLE_FORMAT if column in WHOLE else POINTS_FORMAT


def write_xlsx(
    rows: Iterable[RankRow],
    out: str | BinaryIO,
    *,
    roles: Sequence[str] = ("rep", "engineer"),
    headers: Mapping[str, str] | None = None,
) -> None:
    """A workbook with a sheet for each of ``roles`` (even an empty one), rows in export order."""
    by_role: dict[str, list[RankRow]] = {role: [] for role in roles}
    for row in rows:
        by_role.setdefault(row.role, []).append(row)
    book = Workbook()
    book.remove(book.active)
    for role, role_rows in by_role.items():
        _fill_sheet(book, role, role_rows, headers or {})
    book.save(out)


def _fill_sheet(book: Workbook, role: str, rows: list[RankRow], headers: Mapping[str, str]):
    sheet = book.create_sheet(_(SHEETS[role]) if role in SHEETS else role)
    columns = sheet_columns(role)
    sheet.append([headers.get(c, c) for c in columns])
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    for row in rows:
        values = export_values(row) | {"as_of": row.as_of}
        sheet.append([values[c] for c in columns])
        for column, cell in zip(columns, sheet[sheet.max_row], strict=True):
            if isinstance(cell.value, str):
                cell.data_type = "s"  # a name like "=1+1" stays text, never a formula
            elif number_format(column):
                cell.number_format = number_format(column)
    for i, column in enumerate(columns, 1):
        cells = [] if column not in TEXT or column == "as_of" else sheet[get_column_letter(i)][1:]
        shown = [cell_len(str(c.value or "")) for c in cells]
        width = max(cell_len(headers.get(column, column)), *shown, 19 if column == "as_of" else 8)
        sheet.column_dimensions[get_column_letter(i)].width = width + 2
    sheet.freeze_panes = "A2"
    sheet.auto_filter.ref = f"A1:{get_column_letter(len(columns))}{sheet.max_row}"
