"""A table of figures wider than the screen, moved sideways a whole column at a time.

A DataTable scrolls sideways by the cell, so the columns at both edges are drawn
in part, and a cut number reads as a real one: 100.00% as "0%", 188 actions as
"88", a heading 工作饱和度 over points as 饱和度. Here the table holds only the
columns that fit whole: the first few stay at the left (whose line it is), and
beside them a window of the others, which ← and → move a column at a time once
the cursor reaches its edge. The columns out of view on either side are counted
(:attr:`SidewaysTable.hidden`) for a hint that says so (:func:`more_columns`).

The cursor's column counts every column, those out of view too, wherever a
caller gives or reads one (:meth:`SidewaysTable.move_cursor`,
:attr:`SidewaysTable.cursor_at`); :meth:`SidewaysTable.column_at` gives the column
of a cell as the table holds it. A branch's people are a few dozen lines at most,
so filling the table again on each move costs little.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from rich.text import Text
from textual.message import Message

from fieldkpi.i18n import ngettext
from fieldkpi.linebreaks import wrap
from fieldkpi.plain import plain
from screens import tables

LEAST_ROOM = 12  # cells the fixed columns leave the others, narrowed to it on a narrow screen


@dataclass(frozen=True)
class Window:
    """Which columns a table holds: the first ``fixed``, then ``first`` to ``last``.

    ``widths`` are every column's, as they are drawn (narrowed where the room is short).
    """

    fixed: int
    first: int
    last: int
    widths: list[int]

    @property
    def in_view(self) -> list[int]:
        return [*range(self.fixed), *range(self.first, self.last + 1)]


def window(
    natural: Sequence[int], room: int, pad: int, fixed: tuple[int, int], first: int, cursor: int
) -> Window:
    """The columns that fit whole in ``room`` cells, each ``pad`` cells wider than its
    ``natural`` width, with column ``cursor`` among them, starting at ``first`` if it can.

    ``fixed`` is how many columns to keep at the left, at most and at least: fewer when
    those would leave no room for the widest of the others. Where even the fewest leave
    less than :data:`LEAST_ROOM`, the widest of them is narrowed to leave it; a column
    wider than the room left is narrowed to it. When the last column is in view, the
    window reaches back as far as the room allows (End shows a full window).
    """
    count = len(natural)
    if room <= 0:  # no width yet: it is laid out again when it has one
        return Window(0, 0, count - 1, list(natural))
    most, least = fixed
    keep = min(most, count)
    widths = list(natural)
    drawn = [w + pad for w in widths]
    while keep > least and sum(drawn[:keep]) + max(drawn[keep:], default=0) > room:
        keep -= 1
    left = room - sum(drawn[:keep])
    if left < LEAST_ROOM and keep:
        widest = max(range(keep), key=widths.__getitem__)
        cut = min(LEAST_ROOM - left, widths[widest] - 1)
        widths[widest] -= cut
        left += cut
    for i in range(keep, count):
        widths[i] = max(1, min(widths[i], left - pad))
    if keep >= count:
        return Window(keep, keep, keep - 1, widths)
    drawn = [w + pad for w in widths]

    def fits(start: int, end: int) -> bool:
        return sum(drawn[start : end + 1]) <= left

    first = min(max(first, keep), count - 1)
    if cursor >= keep:
        first = min(first, cursor)
        while not fits(first, cursor):
            first += 1
    while first > keep and fits(first - 1, count - 1):
        first -= 1
    last = first
    while last + 1 < count and fits(first, last + 1):
        last += 1
    return Window(keep, first, last, widths)


def fitted_heading(heading: Text, width: int) -> Text:
    """A heading's lines wrapped to its column (:func:`~fieldkpi.linebreaks.wrap`), never cut."""
    return wrap(heading, width) if tables.label_width(heading) > width else heading


def fitted_cell(cell: object, width: int) -> object:
    """A cell cut with "…" where its column was narrowed to fit (never silently)."""
    if tables.cell_width(cell) <= width:
        return cell
    text = cell.copy() if isinstance(cell, Text) else plain(cell)
    text.truncate(width, overflow="ellipsis")
    return text


def more_columns(left: int, right: int) -> str:
    """How many columns lie out of view on each side ("" when none do)."""
    parts = []
    if left:
        text = ngettext("← {n} more column", "← {n} more columns", left)
        parts.append(text.format(n=left))
    if right:
        text = ngettext("{n} more column →", "{n} more columns →", right)
        parts.append(text.format(n=right))
    return " · ".join(parts)


class SidewaysTable(tables.SizedTable):
    """A table that holds only the columns it can draw whole (see the module's docstring)."""

    @dataclass
    class Moved(Message):
        """Which columns are out of view has changed (:attr:`SidewaysTable.hidden`)."""

        table: SidewaysTable

        @property
        def control(self) -> SidewaysTable:
            return self.table

    def __init__(self, **kwargs) -> None:
        super().__init__(**kwargs)
        self._headings: list[Text] = []
        self._lines: list[list[object]] = []
        self._fixed = (0, 0)
        self._window = Window(0, 0, -1, [])
        self._width = 0
        self.hidden = (0, 0)  # columns out of view on the left, on the right

    def lay(
        self,
        headings: Sequence[Text],
        lines: Sequence[Sequence[object]],
        fixed: tuple[int, int],
        cursor: tuple[int, int] | None = None,
    ) -> None:
        """Every column's heading and every line's cells; ``fixed`` columns (at most, at
        least) stay at the left. The cursor goes to ``cursor`` (line, column), or stays."""
        row, column = cursor or self.cursor_at
        self._headings, self._lines, self._fixed = list(headings), [*map(list, lines)], fixed
        self._arrange(row, column)

    @property
    def in_view(self) -> list[int]:
        """The column of each of the table's columns, left to right."""
        return self._window.in_view

    def column_at(self, index: int) -> int | None:
        """The column (of every column) of the table's column ``index``."""
        in_view = self.in_view
        return in_view[index] if 0 <= index < len(in_view) else None

    @property
    def cursor_at(self) -> tuple[int, int]:
        """The cursor's line and column (of every column)."""
        row, index = self.cursor_coordinate
        column = self.column_at(index)
        return row, index if column is None else column

    def move_cursor(
        self,
        *,
        row: int | None = None,
        column: int | None = None,
        animate: bool = False,
        scroll: bool = True,
    ) -> None:
        """As a DataTable's, but ``column`` counts every column: out of view, the window
        moves to show it."""
        if column is not None and self._headings:
            column = max(0, min(column, len(self._headings) - 1))
            if column not in self.in_view:
                self._arrange(self.cursor_row if row is None else row, column)
                return
            column = self.in_view.index(column)
        super().move_cursor(row=row, column=column, animate=animate, scroll=scroll)

    def _arrange(self, row: int, column: int, first: int | None = None) -> None:
        """Fill the table with the window that shows column ``column`` (starting at ``first``
        if it can; else where it started before), the cursor there."""
        was = self._window
        place = self._place(column, was.first if first is None else first)
        widths = place.widths
        headings = [fitted_heading(h, w) for h, w in zip(self._headings, widths, strict=True)]
        height = max((len(h.plain.split("\n")) for h in headings), default=self.header_height)
        in_view = place.in_view
        labels = [self._bottom(headings[i], height) for i in in_view]
        lines = [[fitted_cell(line[i], widths[i]) for i in in_view] for line in self._lines]
        y = self.scroll_y
        self._window, self._width = place, self.size.width
        tables.fill(self, labels, lines, [widths[i] for i in in_view])
        self.fixed_columns = place.fixed
        self.header_height = height
        self.scroll_y = y  # the lines stay where they were; the cursor's is brought into view
        if self._lines and in_view:
            row = max(0, min(row, len(self._lines) - 1))
            index = in_view.index(column) if column in in_view else 0
            super().move_cursor(row=row, column=index, animate=False)
        hidden = (place.first - place.fixed, len(self._headings) - 1 - place.last)
        if hidden != self.hidden or was.in_view != in_view:
            self.hidden = hidden
            self.post_message(self.Moved(self))

    def _place(self, column: int, first: int) -> Window:
        """The window for the table's width now, less the vertical scroll bar's cells whether
        it shows or not: the columns in view then never depend on the table's height (which
        the count of those out of view, wrapped under it, may change)."""
        room = self.size.width - self.styles.scrollbar_size_vertical if self.size.width else 0
        natural = tables.column_widths(self._headings, self._lines)
        return window(natural, room, 2 * self.cell_padding, self._fixed, first, column)

    @staticmethod
    def _bottom(heading: Text, height: int) -> Text:
        """A heading on the lines just above the cells (a single one on the lower line)."""
        lines = len(heading.plain.split("\n"))
        return Text("\n" * (height - lines)) + heading if lines < height else heading

    def on_resize(self) -> None:
        if self._headings and self.size.width != self._width:
            self._arrange(*self.cursor_at)

    def action_cursor_right(self) -> None:
        """The next column; at the window's right edge, the window moves a column on."""
        self._set_hover_cursor(False)
        row, index = self.cursor_coordinate
        if index + 1 < len(self.in_view):
            super().move_cursor(column=index + 1)
        elif self.hidden[1]:
            self._arrange(row, self._window.last + 1)

    def action_cursor_left(self) -> None:
        """The column before; at the window's left edge, the window moves a column back."""
        self._set_hover_cursor(False)
        row, index = self.cursor_coordinate
        if self.hidden[0] and self.column_at(index) == self._window.first:
            self._arrange(row, self._window.first - 1)
        elif index > 0:
            super().move_cursor(column=index - 1)

    def action_scroll_home(self) -> None:
        """Home: the first column, and the window back at its start."""
        self._set_hover_cursor(False)
        if self._headings:
            self._arrange(self.cursor_row, 0, first=0)

    def action_scroll_end(self) -> None:
        """End: the last column."""
        self._set_hover_cursor(False)
        self.move_cursor(column=len(self._headings) - 1)
