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
from rich.console import Console, ConsoleOptions, RenderResult
from rich.measure import Measurement
from rich.text import Text
from textual.widgets import DataTable

from fieldkpi.linebreaks import Wrapped, fit_widths, kept_whole, longest_word
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


def word_widths(labels: Sequence[str | Text], rows: Sequence[Sequence[object]]) -> list[int]:
    """The narrowest each column can be with nothing in it broken mid-word: its heading (one
    line), and the longest word of its cells (:func:`fieldkpi.linebreaks.longest_word`), or
    the least a cell says it takes (:class:`~fieldkpi.linebreaks.Wrapped` with names held
    whole, :class:`Cut`)."""
    least = [label_width(label) for label in labels]
    for cells in rows:
        for i, cell in enumerate(cells):
            narrowest = cell.least if isinstance(cell, Wrapped | Cut) else longest_word(str(cell))
            least[i] = max(least[i], narrowest)
    return least


def names_cell(text: str, names: Iterable[str]) -> Wrapped:
    """A cell naming people, that wraps between the ``names`` in it, never inside one (a
    Chinese name breaks between any two characters): fitted, its column is no narrower than
    the longest (:func:`word_widths`)."""
    return Wrapped(plain(text), kept_whole(text, names))


class Cut:
    """A cell that is cut with "…" to the width its column is given, never wrapped, and not
    narrower than ``least`` cells when the columns are fitted (:func:`fill_fitted`): a label
    that the line under a list gives whole, so that a line keeps its height.

    It reads as its text (``str``), which is what shows where its column is wide enough."""

    def __init__(self, text: Text, least: int) -> None:
        self.text = text
        self.least = min(least, text.cell_len)

    def __str__(self) -> str:
        return self.text.plain

    def __rich_console__(self, console: Console, options: ConsoleOptions) -> RenderResult:
        cut = self.text.copy()
        cut.truncate(options.max_width, overflow="ellipsis")
        yield cut

    def __rich_measure__(self, console: Console, options: ConsoleOptions) -> Measurement:
        return Measurement(self.least, self.text.cell_len)


CARDS_BELOW = 60  # a table narrower than this shows each line as a card


def card(headings: Sequence[str], cells: Sequence[str | Text], width: int) -> Text:
    """One line of a list as "heading value" pairs, lines broken between pairs to fit ``width``.

    A pair longer than the width (a long address) has a line of its own and
    wraps there; empty values are left out.
    """
    pairs = []
    for heading, value in zip(headings, cells, strict=True):
        if str(value):
            pair = Text(f"{heading} ", style="dim")
            pair.append_text(value if isinstance(value, Text) else Text(str(value)))
            pairs.append(pair)
    text, line = Text(), 0
    for pair in pairs:
        if line and line + 2 + pair.cell_len > width:
            text.append("\n")
            line = 0
        elif line:
            text.append("  ")
            line += 2
        text.append_text(pair)
        line += pair.cell_len
    return text


def fill_cards(
    table: DataTable,
    headings: Sequence[str],
    rows: Iterable[Sequence[str | Text]],
    width: int,
    ruled: bool = False,
) -> None:
    """Replace the table's lines with one card each (:func:`card`), ``width`` cells wide, as a
    phone held upright shows a list: no headings, each card as tall as its pairs wrap.

    ``ruled``: each card but the last ends in a dim rule. Cards of two or three lines alike
    (a ticket's history, the events) run together under the zebra shade alone.
    """
    table.clear(columns=True)
    table.show_header = False
    table.add_column("", width=width)
    rows = list(rows)
    for i, cells in enumerate(rows):
        text = card(headings, cells, width)
        if ruled and i < len(rows) - 1:
            text.append("\n" + "─" * width, style="dim")
        table.add_row(text, height=None)


class LineKeys(DataTable):
    """A list chosen by line: Home and End go to its first and last line, as Ctrl+Home and
    Ctrl+End do (a DataTable's own go to its first and last column, where a list of lines
    has nowhere to go). A table chosen by cell keeps its own."""

    def action_scroll_home(self) -> None:
        if self.cursor_type == "row":
            self.action_scroll_top()
        else:
            super().action_scroll_home()

    def action_scroll_end(self) -> None:
        if self.cursor_type == "row":
            self.action_scroll_bottom()
        else:
            super().action_scroll_end()


class SizedTable(LineKeys):
    """A table whose columns :func:`fill` gives their widths: new lines are not measured again
    (Home and End as :class:`LineKeys`).

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


class CardsOrColumns(SizedTable):
    """A list as wide as the screen: columns fitted to it, or narrower than
    :data:`CARDS_BELOW` (a phone held upright) a ruled card of "heading value" pairs for each
    line, nothing cut or scrolled to sideways. Drawn again when the width changes, the
    cursor on the line it was on.

    Columns too wide are narrowed (:func:`fill_fitted`, the first ``KEEP`` of them whole).
    """

    KEEP = 0

    def __init__(self, **kwargs) -> None:
        super().__init__(**kwargs)
        self._shown: tuple[Sequence[str], Sequence[Sequence[str | Text]]] = ([], [])
        self._width = 0

    @property
    def cards(self) -> bool:
        return 0 < self.size.width < CARDS_BELOW

    def show(self, labels: Sequence[str], rows: Sequence[Sequence[str | Text]]) -> None:
        """Columns ``labels`` and lines ``rows``."""
        self._shown = (labels, rows)
        width = self.size.width
        inner = width - self.styles.scrollbar_size_vertical
        if self.cards:
            fill_cards(self, labels, rows, max(1, inner - 2 * self.cell_padding), ruled=True)
        else:
            self.show_header = True
            room = inner - 2 * self.cell_padding * len(labels)
            # No width yet: no room to fit.
            fill_fitted(self, labels, rows, room if width else 0, keep=self.KEEP)
        self._width = width

    def on_resize(self) -> None:
        if self._shown[1] and self.size.width != self._width:
            row = self.cursor_row
            self.show(*self._shown)
            self.move_cursor(row=row, animate=False)


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

    Columns that would not fit are narrowed (:func:`fit_widths`, ``keep`` as there), not
    below their longest word while that fits, and a line with a cell wider than its column
    is as tall as that cell wrapped (a time into date over hour): all of it on screen, none
    of it cut or scrolled to. Such a cell wraps as help does
    (:class:`~fieldkpi.linebreaks.Wrapped`): Chinese between characters, and a label held
    :func:`~fieldkpi.linebreaks.whole` never broken ("day 11" left a lone "11" under it).
    """
    widths = column_widths(labels, rows)
    if room > 0 and sum(widths) > room:
        widths = fit_widths(widths, room, keep, word_widths(labels, rows))
    table.clear(columns=True)
    for label, width in zip(labels, widths, strict=True):
        table.add_column(plain(label), width=width)
    for cells in rows:
        texts = [plain(c) if isinstance(c, str) else c for c in cells]
        wide = [cell_width(c) > w for c, w in zip(texts, widths, strict=True)]
        shown = [
            Wrapped(c) if w and isinstance(c, Text) else c for c, w in zip(texts, wide, strict=True)
        ]
        table.add_row(*shown, height=None if any(wide) else 1)
