"""Lists whose lines name a ticket: Enter opens it, and a narrow terminal stacks each line.

The facts behind a number, "fix first" and the callbacks are such lists. On
a terminal narrower than :data:`screens.tables.CARDS_BELOW` columns — a phone held upright —
a line would be cut at the right edge; there each line becomes a card of
"heading value" pairs wrapped to the width, so nothing is cut.

The ticket opens on the ticket screen, which reads it through storage with
the signed-in person's rights: a ticket that is not theirs is refused there
with the reason, never shown.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from rich.console import RenderableType
from rich.text import Text
from textual import on
from textual.containers import ScrollableContainer, VerticalScroll
from textual.message import Message
from textual.widget import Widget
from textual.widgets import DataTable, Static

from fieldkpi.i18n import _
from screens import tables
from screens.tables import CARDS_BELOW
from screens.ticket_detail import TicketDetailScreen

OPENING_LINES = 4  # a list opens with at least this many of its lines shown (if it has them)


@dataclass(frozen=True)
class TicketLines:
    """A list to show: headings, and lines each naming its ticket (``None``: no ticket)."""

    headings: Sequence[str]
    lines: Sequence[tuple[str | None, Sequence[str | Text]]]
    right: tuple[int, ...] = ()  # columns aligned right (numbers)


class TicketList(tables.LineKeys):
    """Lines naming tickets; Enter on one posts :class:`TicketList.Open` with its code."""

    DEFAULT_CSS = """
    TicketList {
        height: auto;
        max-height: 100000;  /* as tall as its lines (not 100%): the pane scrolls */
    }
    """

    @dataclass
    class Open(Message):
        code: str

    def __init__(self, *, id: str | None = None, classes: str | None = None) -> None:
        super().__init__(id=id, classes=classes, cursor_type="row", zebra_stripes=True)
        self.spec = TicketLines((), ())
        self.cards: bool | None = None  # how it was last laid out
        self._width = 0  # … and for which width
        self._laying_out = False

    @property
    def codes(self) -> list[str | None]:
        return [code for code, _cells in self.spec.lines]

    def show(self, spec: TicketLines) -> None:
        """Replace the lines, keeping the cursor on the ticket it was on."""
        current = self.selected_code
        self.spec = spec
        self._lay_out(current)

    @property
    def selected_code(self) -> str | None:
        row = self.cursor_row
        codes = self.codes
        return codes[row] if 0 <= row < len(codes) else None

    def on_resize(self) -> None:
        """Cards or columns for the new width: cards wrap to it anew, columns fit it (a list
        is first filled before it has a width, and loses two cells to its pane's scroll bar)."""
        if 0 < self.size.width != self._width:  # not while its tab is hidden
            self._laying_out = True  # the same lines, as wide as it now is: the pane stays put
            self._lay_out(self.selected_code)
            self._laying_out = False

    @property
    def _narrow(self) -> bool:
        return 0 < self.size.width < CARDS_BELOW

    def _lay_out(self, keep: str | None) -> None:
        spec, width = self.spec, self.size.width
        self.cards = self._narrow
        if self.cards:
            inner = max(1, width - 2 * self.cell_padding)
            tables.fill_cards(self, spec.headings, [cells for _code, cells in spec.lines], inner)
        else:
            self.show_header = True
            cells = [
                [value if isinstance(value, Text) else Text(str(value)) for value in line_cells]
                for _code, line_cells in spec.lines
            ]
            for line in cells:
                for index in spec.right:
                    line[index].justify = "right"
            room = width - 2 * self.cell_padding * len(spec.headings) if width else 0
            tables.fill_fitted(self, list(spec.headings), cells, room)
        self._width = width
        codes = self.codes
        if keep in codes:
            self._laying_out = True  # the cursor kept in place: no reason to scroll the pane
            self.move_cursor(row=codes.index(keep), animate=False)
            self._laying_out = False

    def watch_cursor_coordinate(self, old_coordinate, new_coordinate) -> None:
        super().watch_cursor_coordinate(old_coordinate, new_coordinate)
        if self.has_focus and not self._laying_out:
            self.call_after_refresh(self._reveal_cursor)

    def _line_top(self, row: int) -> int:
        """Where line ``row`` begins in the content of the pane (``row_count``: where the
        list's last line ends)."""
        top = self.virtual_region.y + (self.header_height if self.show_header else 0)
        return top + sum(r.height for r in self.ordered_rows[:row])

    def _reveal_cursor(self) -> None:
        """A list as tall as its lines scrolls its container, not itself: keep the line in view.

        Below its first line the list takes the whole container when it needs more room
        than is left under the text above it (a chart, on a terminal 24 lines high); back on
        its first line, the text above it comes back with it.
        """
        pane = self.parent
        if not isinstance(pane, ScrollableContainer) or self.row_count == 0:
            return
        row = min(self.cursor_row, self.row_count - 1)
        top = self.virtual_region.y
        line = self._line_top(row)
        bottom = self._line_top(row + 1)
        room = pane.scrollable_content_region.height
        if row == 0:
            y = max(0, bottom - room)  # as much as fits of what is above it
        else:
            y = pane.scroll_y
            if y < top and top + self.outer_size.height > y + room:
                y = top  # the list takes the room
            y = min(max(y, bottom - room), line)
        pane.scroll_to(y=y, animate=False, immediate=True)

    def show_first_lines(self) -> None:
        """Scroll the pane, as little as it takes, for the list's first :data:`OPENING_LINES`
        lines to show under the text above it, which scrolls up (Home brings it back).

        At 80×24 the timeliness chart left room under it for one ticket. A list that
        begins below the screen (under a long table) is left there, as is the pane.
        """
        pane = self.parent
        if not isinstance(pane, ScrollableContainer) or self.row_count == 0:
            return
        top, room = self.virtual_region.y, pane.scrollable_content_region.height
        if top < pane.scroll_y + room:
            bottom = self._line_top(min(self.row_count, OPENING_LINES))
            y = min(max(pane.scroll_y, bottom - room), top)
            pane.scroll_to(y=y, animate=False, immediate=True)

    @on(DataTable.RowSelected)
    def _chosen(self, event: DataTable.RowSelected) -> None:
        event.stop()
        code = self.selected_code
        if code is not None:
            self.post_message(self.Open(code))


Block = RenderableType | TicketLines


class FactsPane(VerticalScroll):
    """A tab's facts: text and charts (plain renderables) with ticket lists among them.

    ``show(blocks)`` puts them in order; when the blocks are of the same kinds
    as before (a reload of the same tab), the widgets are updated in place so
    that a list keeps its cursor.

    The pane takes the keys itself (to scroll) only when it has no list: with a
    list, Tab went to it, marked by nothing, and Enter opened no ticket. A list
    scrolls it as its cursor moves.
    """

    DEFAULT_CSS = """
    FactsPane {
        height: 1fr;
        padding: 0 1;
    }
    FactsPane > Static {
        height: auto;
    }
    FactsPane > TicketList {
        margin-bottom: 1;
    }
    """

    opened = False  # :meth:`open_on_lines` done

    async def show(self, blocks: Sequence[Block]) -> None:
        blocks = list(blocks)
        kinds = [isinstance(b, TicketLines) for b in blocks]
        if [isinstance(c, TicketList) for c in self.children] != kinds:
            await self.remove_children()
            await self.mount_all([TicketList() if is_list else Static() for is_list in kinds])
        self._fill(blocks)
        lists = self.lists
        self.can_focus = not lists
        if lists and self.has_focus:
            lists[0].focus(scroll_visible=False)

    def show_loading(self) -> None:
        """While another month loads: its first text says so, its lists are emptied."""
        for child in self.children:
            if isinstance(child, TicketList):
                child.show(TicketLines((), ()))
            else:
                child.update(_("Loading…"))
                break

    def _fill(self, blocks: list[Block]) -> None:
        for widget, block in zip(self.children, blocks, strict=True):
            if isinstance(block, TicketLines):
                widget.show(block)
            else:
                widget.update(block)

    @property
    def lists(self) -> list[TicketList]:
        return list(self.query_children(TicketList))

    def open_on_lines(self) -> None:
        """The first time the pane is shown with a list: the list's first lines in view
        (:meth:`TicketList.show_first_lines`), once laid out; later the pane stays as left."""
        lists = self.lists
        if lists and not self.opened:
            self.opened = True
            self.call_after_refresh(lists[0].show_first_lines)


def facts_focus(pane: FactsPane) -> Widget:
    """Where the keys go in a pane: its first ticket list, or the pane itself (to scroll)."""
    lists = pane.lists
    return lists[0] if lists else pane


class OpensTickets:
    """Mixin for a screen with ticket lists: Enter on a line opens its ticket on top."""

    def on_ticket_list_open(self, message: TicketList.Open) -> None:
        message.stop()
        self.app.push_screen(TicketDetailScreen(message.code))
