"""Filling a DataTable with columns exactly as wide as their widest cell.

Textual's auto-width columns widen only when the table is next idle, and a
frame drawn before that keeps the cells cut short until something else changes
(textual issue #4470). So the screens measure first — with Rich, which counts
a Chinese character as two cells — and give every column its width.
"""

from __future__ import annotations

from collections.abc import Sequence

from rich.cells import cell_len
from rich.text import Text
from textual.widgets import DataTable


def cell_width(cell: object) -> int:
    return cell.cell_len if isinstance(cell, Text) else cell_len(str(cell))


def label_width(label: str | Text) -> int:
    """A heading's widest line (headings may be two lines: a KPI's name over its part)."""
    return max(cell_len(line) for line in str(label).split("\n"))


def column_widths(
    labels: Sequence[str | Text], rows: Sequence[Sequence[object]], at_least: Sequence[int] = ()
) -> list[int]:
    """The width of each column: its label, its cells, and ``at_least`` if given."""
    widths = [max([label_width(label), *at_least[i : i + 1]]) for i, label in enumerate(labels)]
    for cells in rows:
        for i, cell in enumerate(cells):
            widths[i] = max(widths[i], cell_width(cell))
    return widths


def fill(
    table: DataTable,
    labels: Sequence[str | Text],
    rows: Sequence[Sequence[object]],
    widths: Sequence[int] | None = None,
) -> None:
    """Replace the table's columns and rows: ``clear()`` and ``add_rows()``."""
    table.clear(columns=True)
    for label, width in zip(labels, widths or column_widths(labels, rows), strict=True):
        table.add_column(label, width=width)
    table.add_rows(rows)
