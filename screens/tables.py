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

from collections.abc import Iterable, Sequence

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


def fit_widths(widths: Sequence[int], room: int, keep: int = 0) -> list[int]:
    """``widths`` narrowed to fit ``room`` cells together: the widest are cut down first, to
    one width, as little as needed (their cells then wrap), the narrow ones left whole.
    The first ``keep`` columns stay whole while the others can keep 8 cells (a word)."""
    fixed = sum(widths[:keep])
    rest = widths[keep:]
    cap = max(rest, default=0)
    while cap > 1 and fixed + sum(min(w, cap) for w in rest) > room:
        cap -= 1
    if keep and cap < 8:
        return fit_widths(widths, room)
    return [*widths[:keep], *(min(w, cap) for w in rest)]


class SizedTable(DataTable):
    """A table whose columns :func:`fill` gives their widths: new lines are not measured again.

    When a table is next idle, Textual measures every cell of every new line,
    so that a column without a width can widen to its widest cell: ~0.1 ms a
    cell, 55 ms when a refresh puts back 500 lines of the queue, and part of
    every page the queue loads. A column given its width never widens, so
    only lines of their own height (a card on a phone) still need Textual's
    pass, which renders them to learn it.
    """

    def _update_dimensions(self, new_rows: Iterable) -> None:
        if not any(column.auto_width for column in self.columns.values()):
            rows = self.rows
            new_rows = [key for key in new_rows if key in rows and rows[key].auto_height]
        super()._update_dimensions(new_rows)

    def add_rows(self, rows: Iterable[Iterable]) -> list:
        """The new lines take their space at once, not when the table is next idle: the
        screen is then laid out once with them, not once without them and again after."""
        keys = super().add_rows(rows)
        self._require_update_dimensions = False
        new_rows, self._new_rows = self._new_rows, set()
        self._update_dimensions(new_rows)
        return keys


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


def fill_fitted(
    table: DataTable,
    labels: Sequence[str | Text],
    rows: Sequence[Sequence[object]],
    room: int,
    keep: int = 0,
) -> None:
    """:func:`fill`, the columns together no wider than ``room`` cells (when it is known).

    Columns that would not fit are narrowed (:func:`fit_widths`, ``keep`` as there) and a
    line with a cell wider than its column is as tall as that cell wrapped at its spaces
    (a time into date over hour): all of it on screen, none of it cut or scrolled to.
    """
    widths = column_widths(labels, rows)
    if room > 0 and sum(widths) > room:
        widths = fit_widths(widths, room, keep)
    table.clear(columns=True)
    for label, width in zip(labels, widths, strict=True):
        table.add_column(plain(label), width=width)
    for cells in rows:
        wraps = any(cell_width(c) > w for c, w in zip(cells, widths, strict=True))
        table.add_row(
            *(plain(c) if isinstance(c, str) else c for c in cells), height=None if wraps else 1
        )
