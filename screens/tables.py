"""Filling a DataTable with columns exactly as wide as their widest cell.

Textual's auto-width columns widen only when the table is next idle, and a
frame drawn before that keeps the cells cut short until something else changes
(textual issue #4470). So the screens measure first — with Rich, which counts
a Chinese character as two cells — and give every column its width.

A DataTable reads a ``str`` cell as markup; every cell goes in through
:func:`add_rows`, which makes each ``str`` plain text (:func:`fieldkpi.plain.plain`).
Screens build cells of stored text with ``plain(value, CELL_WIDTH)``, so that
no column grows wider than a screen because of one long address.
"""

from __future__ import annotations

from collections.abc import Sequence

from rich.cells import cell_len
from rich.text import Text
from textual.widgets import DataTable

from fieldkpi.plain import plain


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


def add_rows(table: DataTable, rows: Sequence[Sequence[object]]) -> None:
    """Add lines below, each ``str`` cell as plain text: nothing in a cell is markup."""
    table.add_rows(
        [[plain(cell) if isinstance(cell, str) else cell for cell in cells] for cells in rows]
    )


def fill(
    table: DataTable,
    labels: Sequence[str | Text],
    rows: Sequence[Sequence[object]],
    widths: Sequence[int] | None = None,
) -> None:
    """Replace the table's columns and rows: ``clear()`` and :func:`add_rows`."""
    table.clear(columns=True)
    for label, width in zip(labels, widths or column_widths(labels, rows), strict=True):
        table.add_column(plain(label), width=width)
    add_rows(table, rows)
