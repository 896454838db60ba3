"""The ticket queue: the branch's tickets, newest activity first, a page at a time from SQL.

The table never holds the whole tickets table: it shows one page and asks for
the next (keyset, after the last row's ``(updated_at, id)``) when the cursor
or the scroll nears the end. A reload (filters, search, someone else's save)
replaces the loaded rows at once with ``clear()`` + ``add_rows()`` and keeps
the cursor on the ticket it was on; one that reads the rows shown already
leaves the table as it is (with many sessions on one database, most saves are
of tickets no one else has on screen, and redrawing 50 rows costs ~0.1 s).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import ClassVar, TypeVar

from rich.cells import cell_len
from rich.text import Text
from textual import on
from textual.actions import SkipAction
from textual.app import ComposeResult
from textual.containers import Horizontal
from textual.message import Message
from textual.screen import Screen
from textual.timer import Timer
from textual.widget import Widget
from textual.widgets import Checkbox, DataTable, Header, Input, Select

from fieldkpi import access
from fieldkpi.i18n import _, ngettext
from fieldkpi.plain import CELL_WIDTH, plain
from fieldkpi.tickets import status_label
from screens import actions, labels, tables
from screens.dispatch import DispatchScreen
from screens.dropdown import Dropdown
from screens.footer import KeyFooter
from screens.form import SavingModal
from screens.loading import reader
from screens.messages import ChoicesLoaded, DataChanged, LoadFailed, QueueLoaded
from screens.step_forms import BulkRedispatchForm
from screens.tables import CARDS_BELOW
from screens.text_input import TextInput
from screens.ticket_detail import TicketDetailScreen
from screens.ticket_form import NewTicketForm
from screens.ticket_steps import Selected, TicketSteps
from storage.leavers import left_holders, left_ticket_count
from storage.migrations import TICKET_STATUSES
from storage.people import engineers_holding_work
from storage.queue import QueueFilter, QueueRow, count_open, queue_page
from storage.tickets import Ticket

F = TypeVar("F", bound=SavingModal)

# How the age of an open ticket looks by the timeliness bucket it would land in today.
BUCKET_STYLES = {
    **dict.fromkeys(("d1", "d2", "d3"), "green"),
    **dict.fromkeys(("d4", "d5", "d6", "d7"), "yellow"),
    "late": "bold dark_orange",
    "open30": "bold white on red",
}
# The status filter's own values besides the statuses themselves.
OPEN, ALL = "open", "all"
# The engineer filter's choice of every engineer who has left (no staff code has a space).
LEFT_HOLDERS = "left holders"
LEFT_STYLE = "bold red"


def person_cell(name: str | None, left: bool) -> Text:
    """The engineer's or the rep's name; one who has left is marked: an engineer's ticket
    waits for a re-dispatch, a rep's for another rep to follow it up (kpi-rules §6)."""
    if not left:
        return plain(name, CELL_WIDTH)
    return plain(_("{name} (left)").format(name=name), CELL_WIDTH, style=LEFT_STYLE)


def row_cells(row: QueueRow) -> tuple:
    """One table line. The address comes last: at 80 columns the rest fits without scrolling.

    Stored text is cut to a cell (:data:`~fieldkpi.plain.CELL_WIDTH`): a column
    as wide as a 10,000-character address would make every scroll redraw it.
    """
    return (
        plain(row.code, CELL_WIDTH),
        _("rating held") if row.rating_held else status_label(row.status),
        Text(str(row.age_days), style=BUCKET_STYLES.get(row.bucket, ""), justify="right"),
        labels.label(labels.KIND, row.kind),
        plain(row.customer, CELL_WIDTH),
        person_cell(row.engineer_name or "—", row.engineer_left),
        person_cell(row.rep_name, row.rep_left),
        plain(row.address, CELL_WIDTH),
    )


def card_cells(row: QueueRow) -> tuple:
    """One ticket as a card on a phone: the line's cells, and the phone to call the customer."""
    code, status, age, kind, customer, engineer, rep, address = row_cells(row)
    return (code, status, age, kind, customer, row.phone or "", engineer, rep, address)


class QueueTable(tables.SizedTable):
    """The loaded part of the queue: ``tickets[i]`` is the ticket on line ``i``.

    Narrower than :data:`screens.tables.CARDS_BELOW` (a phone held
    upright), each ticket is a card of its fields wrapped to the width, the
    customer's phone and the whole address included.
    """

    NEAR_END = 10  # ask for the next page when the cursor or view is this close to the end

    class NearEnd(Message):
        """The person is close to the last loaded row: time to load the next page."""

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id, cursor_type="row", zebra_stripes=True)
        self.tickets: list[QueueRow] = []
        self.more = False
        self.labels = [
            _("Ticket"),
            _("Status"),
            _("Age"),
            _("Kind"),
            _("Customer"),
            _("Engineer"),
            _("Rep"),
            _("Address"),
        ]
        self.card_labels = [*self.labels[:5], _("Phone"), *self.labels[5:]]
        self._widths: list[int] = []
        self.cards = False

    def on_mount(self) -> None:
        tables.fill(self, self.labels, [])

    @property
    def _narrow(self) -> bool:
        return 0 < self.size.width < CARDS_BELOW

    def on_resize(self) -> None:
        """Cards on a phone, columns on anything wider; cards wrap to the new width."""
        if self.cards or self._narrow:
            current = self.selected
            self._lay_out(current.code if current else None)

    def _lay_out(self, code: str | None) -> None:
        """Every loaded ticket again, as cards or as columns, the cursor on ``code``."""
        self.cards = self._narrow
        self.show_header = not self.cards
        if self.cards:
            inner = max(1, self.size.width - 2 * self.cell_padding - self.scrollbar_size_vertical)
            tables.fill_cards(self, self.card_labels, [card_cells(r) for r in self.tickets], inner)
        else:
            cells = [row_cells(r) for r in self.tickets]
            self._widths = tables.column_widths(self.labels, cells)
            tables.fill(self, self.labels, cells, self._widths)
        found = next((i for i, r in enumerate(self.tickets) if r.code == code), None)
        if found is not None:
            self.move_cursor(row=found, animate=False)

    def address_cut(self, row: QueueRow) -> bool:
        """Whether the row's address runs past the table's right edge. It is the last column,
        so at 80 columns the other columns leave it a few cells; cards show it whole."""
        if self.cards or not self._widths or not row.address:
            return False
        padding = 2 * self.cell_padding
        start = sum(width + padding for width in self._widths[:-1])
        room = self.size.width - self.scrollbar_size_vertical - start - padding + self.scroll_x
        return cell_len(plain(row.address, CELL_WIDTH).plain) > room

    @property
    def selected(self) -> QueueRow | None:
        row = self.cursor_row
        return self.tickets[row] if 0 <= row < len(self.tickets) else None

    def show(
        self,
        rows: list[QueueRow],
        *,
        append: bool,
        more: bool,
        select: str | None,
        new_list: bool = False,
    ) -> None:
        """Add a page below, or replace the rows, keeping the cursor on the same ticket.

        Where that ticket is gone, a refresh keeps the cursor's place; a new
        list (another filter, a search) starts at its first row, as a list
        read anew does, rather than on whatever row sits where the old cursor
        was (which also fetched the next page for nothing).

        Columns keep their widths while a page fits them; a wider cell (or a
        reload) lays the table out again.
        """
        self.more = more
        if not append and rows == self.tickets:  # a save elsewhere, a refresh: nothing moved
            found = next((i for i, r in enumerate(rows) if r.code == select), None)
            if found is not None:
                self.move_cursor(row=found, animate=False)
            return
        if self.cards or self._narrow:
            current = self.selected
            self.tickets = [*self.tickets, *rows] if append else list(rows)
            self._lay_out(select or (current.code if current else None))
            return
        cells = [row_cells(r) for r in rows]
        widths = tables.column_widths(self.labels, cells, self._widths if append else ())
        if append and widths == self._widths:
            self.tickets.extend(rows)
            tables.add_rows(self, cells)
            return
        current = self.selected
        code = select or (current.code if current else None)
        index, scroll_y = self.cursor_row, self.scroll_y
        if append:
            self.tickets.extend(rows)
            cells = [row_cells(r) for r in self.tickets]
        else:
            self.tickets = list(rows)
        self._widths = widths
        self.more = False  # the cursor and the view pass through stale places while refilled
        tables.fill(self, self.labels, cells, widths)
        self.more = more  # asked about again once the view is back (_restore_view)
        if not self.tickets:
            return
        found = next((i for i, r in enumerate(self.tickets) if r.code == code), None)
        where_it_was = 0 if new_list else min(index, len(self.tickets) - 1)
        index = where_it_was if found is None else found
        self.move_cursor(row=index, animate=False, scroll=False)
        self.call_after_refresh(self._restore_view, index, 0 if select or new_list else scroll_y)

    def _restore_view(self, index: int, scroll_y: float) -> None:
        self.scroll_to(y=scroll_y, animate=False, immediate=True)
        self.move_cursor(row=index, animate=False)
        self._check_near_end()

    def watch_scroll_y(self, old_value: float, new_value: float) -> None:
        super().watch_scroll_y(old_value, new_value)
        self._check_near_end()

    def watch_cursor_coordinate(self, old_coordinate, new_coordinate) -> None:
        super().watch_cursor_coordinate(old_coordinate, new_coordinate)
        self._check_near_end()

    def _check_near_end(self) -> None:
        if not self.more:
            return
        last_visible = self.scroll_y + self.scrollable_content_region.height
        if max(self.cursor_row, last_visible) >= len(self.tickets) - self.NEAR_END:
            self.post_message(self.NearEnd())


class QueueStatus(Widget):
    """The line under the queue: its counts, and the address of the ticket under the cursor
    where the table cuts it (:meth:`QueueTable.address_cut`, asked as the line is drawn, so
    that a resize, which draws it again, shows or hides it).

    Drawn again in place as the cursor moves (:meth:`refresh`), never laid out: it is one
    line whatever it says (a ``Static`` lays the screen out on every update).
    """

    def __init__(self, table: QueueTable, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.table = table
        self.said = Text()

    def say(self, text: Text) -> None:
        self.said = text
        self.refresh()

    def render(self) -> Text:
        line = self.said.copy()
        row = self.table.selected
        if self.said and row is not None and self.table.address_cut(row):
            line.append(" · ")
            line.append(_("Address: "))
            line.append_text(plain(row.address, CELL_WIDTH))
        line.no_wrap, line.overflow = True, "ellipsis"
        return line


class QueueScreen(TicketSteps, Screen):
    """Where reps spend the day: filter, search, select a ticket, take the next step by key."""

    ACTION_SCOPE = actions.QUEUE
    # With the queue's own, the styles of the screens its keys open: read once as the
    # session starts (a few ms), where the first Enter or `n` read them and styled
    # every screen open anew for them (~40 ms more on that key).
    CSS_PATH: ClassVar[list[str]] = ["queue.tcss", "ticket_detail.tcss", "form.tcss"]
    PAGE_SIZE = 50
    # A refresh reads again as many rows as are loaded, up to this many: fewer would cut
    # the list back and throw the cursor up from a ticket further down (one query, ~10 ms).
    RELOAD_LIMIT = 2000
    SEARCH_DELAY = 0.3  # seconds of no typing before the search runs

    def __init__(self) -> None:
        super().__init__()
        self._request = 0
        self._new_list = True  # the answer awaited is a new list (not a refresh of this one)
        self._warmed = False  # the kept screens composed (warm_up)
        self._loading_more = False
        self._open_count: int | None = None
        self._left_count: int | None = None  # None until first read, then told once if any
        self._select: str | None = None
        self._search_timer: Timer | None = None
        self._filter: QueueFilter | None = None
        self._keys_for: tuple[bool, ...] | None = None  # the footer's ticket keys, on or off

    def compose(self) -> ComposeResult:
        user = self.app.user
        yield Header()
        with Horizontal(id="filters"):
            yield TextInput(placeholder=_("/ code, phone, last 4, name"), id="search", compact=True)
            statuses = [(status_label(s), s) for s in TICKET_STATUSES]
            yield Dropdown(
                [(_("open"), OPEN), *statuses, (_("all"), ALL)],
                value=OPEN,
                allow_blank=False,
                id="status-filter",
                compact=True,
            )
            yield Dropdown(
                labels.options(labels.KIND), prompt=_("any kind"), id="kind-filter", compact=True
            )
            if user.role != "engineer":
                yield Dropdown([], prompt=_("any engineer"), id="engineer-filter", compact=True)
            if user.role == "rep":
                yield Checkbox(_("Mine"), id="mine", compact=True)
        table = QueueTable(id="queue")
        yield table
        yield QueueStatus(table, id="queue-status")
        yield KeyFooter()

    def on_mount(self) -> None:
        self.title = _("Tickets")
        self.query_one(QueueTable).focus()
        self.reload(keep=False)
        if self.app.user.role != "engineer":
            self._load_engineers()

    # --- loading ------------------------------------------------------------------------

    @property
    def table(self) -> QueueTable:
        return self.query_one(QueueTable)

    def current_filter(self) -> QueueFilter:
        """The filter bar as a query. A search with "open" selected looks in closed tickets too."""
        text = self.query_one("#search", Input).value.strip()
        status = self.query_one("#status-filter", Select).value
        engineer = self._value("#engineer-filter")
        return QueueFilter(
            status=None if status in (OPEN, ALL) else status,
            kind=self._value("#kind-filter"),
            engineer=None if engineer == LEFT_HOLDERS else engineer,
            left_holders=engineer == LEFT_HOLDERS,
            mine=bool(self.query("#mine") and self.query_one("#mine", Checkbox).value),
            text=text,
            include_closed=status == ALL or bool(text),
        )

    def _value(self, selector: str) -> str | None:
        found = self.query(selector)
        if not found:
            return None
        value = found.first(Select).value
        return None if value is Select.NULL else value

    def reload(self, *, keep: bool = True) -> None:
        """Load the first page again; ``keep`` reloads as many rows as are shown (up to a cap)."""
        self._request += 1
        self._new_list = not keep
        self._loading_more = False
        self._filter = self.current_filter()
        shown = len(self.table.tickets) if keep else 0
        limit = min(max(self.PAGE_SIZE, shown), self.RELOAD_LIMIT)
        self._load_first(self._request, self._filter, limit)

    def refresh_data(self) -> None:
        self.reload(keep=True)

    def _fetch(self, request: int, filt: QueueFilter, after, limit: int) -> None:
        """One page from storage, posted as a message (runs in a worker thread)."""
        app = self.app
        rows = queue_page(app.store, app.user, filt, after=after, limit=limit + 1, now=app.now())
        count = left = None
        if after is None:
            count = count_open(app.store, app.user)
            # who hands tickets on are told (storage's check: an engineer gets none)
            held = left_holders(app.store, app.user, app.user.branch, app.now().date())
            left = left_ticket_count(held)
        more = len(rows) > limit
        self.post_message(QueueLoaded(request, rows[:limit], after is not None, more, count, left))

    @reader("queue-first")
    def _load_first(self, request: int, filt: QueueFilter, limit: int) -> None:
        self._fetch(request, filt, None, limit)

    @reader("queue-more")
    def _load_next(self, request: int, filt: QueueFilter, after: tuple[str, int]) -> None:
        self._fetch(request, filt, after, self.PAGE_SIZE)

    @on(QueueTable.NearEnd)
    def _near_end(self) -> None:
        table = self.table
        if self._loading_more or not table.more or not table.tickets:
            return
        self._loading_more = True
        last = table.tickets[-1]
        self._load_next(self._request, self._filter, (last.updated_at, last.id))

    @on(QueueLoaded)
    def _loaded(self, message: QueueLoaded) -> None:
        if message.request != self._request:
            return  # an answer to a query that has since changed
        if message.append:
            self._loading_more = False
        select, self._select = (None, self._select) if message.append else (self._select, None)
        self.table.show(
            message.rows,
            append=message.append,
            more=message.more,
            select=select,
            new_list=self._new_list,
        )
        if message.open_count is not None:
            self._open_count = message.open_count
        if message.left_count is not None:
            self._tell_left(message.left_count)
        self._show_status()
        self._update_keys()

    @on(LoadFailed)
    def _failed(self, message: LoadFailed) -> None:
        """The list stays as it was; the line under it says what failed (Ctrl+R tries again)."""
        message.stop()
        self._loading_more = False
        self.query_one(QueueStatus).say(plain(message.message))
        self.notify(message.message, severity="error")

    def _tell_left(self, count: int) -> None:
        """Open tickets still held by engineers who have left count against nobody (kpi-rules
        §6): the first time the queue finds any, and whenever their number grows, it says so."""
        if count and count > (self._left_count or 0):
            self.notify(
                ngettext(
                    "{n} open ticket is held by someone who has left: re-dispatch it (engineer "
                    "filter: held by people who have left).",
                    "{n} open tickets are held by people who have left: re-dispatch them "
                    "(engineer filter: held by people who have left).",
                    count,
                ).format(n=count),
                severity="warning",
            )
        self._left_count = count

    def _show_status(self) -> None:
        table = self.table
        parts = []
        if self._open_count is not None:
            parts.append(_("{n} open").format(n=self._open_count))
        if self._left_count:
            parts.append(_("{n} held by people who have left").format(n=self._left_count))
        parts.append(_("{n} shown").format(n=len(table.tickets)))
        if table.more:
            parts.append(_("more below"))
        self.query_one(QueueStatus).say(Text(" · ".join(parts)))

    @reader("queue-engineers")
    def _load_engineers(self) -> None:
        app = self.app
        people = engineers_holding_work(app.store, app.user.branch, on=app.now().date())
        self.post_message(ChoicesLoaded(people))

    @on(ChoicesLoaded)
    def _engineers_loaded(self, message: ChoicesLoaded) -> None:
        select = self.query_one("#engineer-filter", Select)
        everyone_gone = (_("held by people who have left"), LEFT_HOLDERS)
        select.set_options([everyone_gone, *((plain(p.name), p.code) for p in message.choices)])

    @on(DataChanged)
    def _someone_saved(self) -> None:
        self.reload(keep=True)

    # --- filters and search -------------------------------------------------------------

    @on(Input.Changed, "#search")
    def _typed(self) -> None:
        if self._search_timer is not None:
            self._search_timer.stop()
        self._search_timer = self.set_timer(self.SEARCH_DELAY, self._search_now)

    def _search_now(self) -> None:
        """The list for the box as it is now; none if it is already that one's (the box
        emptied as a new ticket was shown, typing that came back to the search shown)."""
        self._search_timer = None
        if self.current_filter() != self._filter:
            self.reload(keep=False)

    @on(Input.Submitted, "#search")
    def _search_submitted(self) -> None:
        """Enter searches now if the typing has not paused long enough to have searched yet;
        either way the list takes the focus (a search already run is not run again)."""
        if self._search_timer is not None:
            self._search_timer.stop()
            self._search_now()
        self.set_focus(self.table)

    @on(Select.Changed)
    @on(Checkbox.Changed)
    def _filter_changed(self) -> None:
        if self.current_filter() != self._filter:  # widgets also say "changed" as they mount
            self.reload(keep=False)

    # --- the selected ticket ------------------------------------------------------------

    def selected(self) -> Selected | None:
        """The ticket under the cursor; none once the table is gone (the footer may ask as the
        app closes and removes it)."""
        table = next(iter(self.query(QueueTable)), None)
        row = None if table is None else table.selected
        if row is None:
            return None
        user = self.app.user
        # The queue holds the person's own branch (an engineer's: only their own tickets).
        engineer = user.code if user.role == "engineer" else None
        return Selected(
            row.code,
            user.branch,
            engineer,
            bool(row.engineer_name),
            row.status,
            row.rep,
            row.received_at,
            row.cancelled_at,
            row.first_completed_at,
            rating_held=row.rating_held,
        )

    @on(DataTable.RowHighlighted)
    def _update_keys(self) -> None:
        """Redraw the footer only when the keys change: most cursor moves keep them. The
        line under the table follows the cursor's address where the table cuts it."""
        self.query_one(QueueStatus).refresh()
        keys = self.keys_on()
        if keys != self._keys_for:
            self._keys_for = keys
            self.refresh_bindings()

    @on(DataTable.RowSelected)
    def _row_chosen(self) -> None:
        self.action_open_ticket()

    # --- actions ------------------------------------------------------------------------

    def offers(self, action: str, step: str | None = None) -> bool:
        """Taking tickets in and moving an engineer's tickets are for whom the role lets
        create and dispatch; only mine, a rep's (the tickets they took in)."""
        user = self.app.user
        if action == "new_ticket":
            return access.may(user, "create")
        if action == "bulk_redispatch":
            return access.may(user, "dispatch")
        if action == "toggle_mine":
            return user.role == "rep"
        return super().offers(action, step)

    def allows_now(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "open_ticket":
            return self.table.selected is not None
        if action == "leave_search":
            return self.focused is self.query_one("#search", Input)
        return super().allows_now(action, parameters)

    def action_open_ticket(self) -> None:
        chosen = self.selected()
        if chosen is not None:
            self.app.push_screen(self._ticket_screen(chosen))

    async def warm_up(self) -> None:
        """In the person's first pause here with a ticket on the list, the kept screens are
        composed, unseen.

        Composing, styling and laying out a screen the first time made the
        first Enter, ``n`` or ``d`` of a session two to four times as slow as
        the next (70–170 ms). Each is pushed and popped again inside
        ``batch_update``, so nothing of it is drawn (the queue is drawn once
        more after, as when a form closes); the app handles no key meanwhile
        (this runs as one of its callbacks), so a key typed now waits ~100 ms
        and goes to the queue, as it would have.
        """
        if self._warmed or not self.is_current or not self.query(QueueTable):
            return  # (no table: a tick asked for it as the app closes, its widgets gone)
        app, chosen, user = self.app, self.selected(), self.app.user
        # Before the first page has come there is no ticket to open: the next tick tries.
        self._warmed = chosen is not None
        makers: dict[str, Callable[[], Screen]] = {}
        if access.may(user, "create"):
            makers["new-ticket"] = self._new_ticket_form
        if chosen is not None:
            makers["ticket"] = lambda: self._ticket_screen(chosen)
            if access.may(user, "dispatch"):
                makers["picker"] = lambda: self.step_form("dispatch", chosen.code)
        screens = [  # those not opened yet: one opened already is as the person left it
            make() for what, make in makers.items() if not app.is_screen_installed(self._kept(what))
        ]
        if not screens:
            return
        with app.batch_update():
            for screen in screens:
                await app.push_screen(screen)
                await app.pop_screen()

    def _kept(self, what: str) -> str:
        """The name the app keeps a screen of this queue's under (one per queue)."""
        return f"queue-{what}-{id(self)}"

    def _ticket_screen(self, chosen: Selected) -> TicketDetailScreen:
        """The ticket screen, composed the first time and kept for as long as the queue is:
        composing, mounting and styling it anew took ~40 % of Enter. It is turned to the
        chosen ticket before it is shown (:meth:`TicketDetailScreen.open_on`)."""
        app, name = self.app, self._kept("ticket")
        if app.is_screen_installed(name):
            screen = app.get_screen(name)
            screen.open_on(chosen.code, chosen)
        else:
            screen = TicketDetailScreen(chosen.code, chosen)
            app.install_screen(screen, name)
        return screen

    def _new_ticket_form(self) -> NewTicketForm:
        """The new-ticket form, kept like the ticket screen (composing it was most of `n`),
        emptied before it is shown (:meth:`NewTicketForm.open_again`)."""
        return self._kept_form("new-ticket", NewTicketForm, NewTicketForm.open_again)

    def step_form(self, step: str, ticket: Ticket | str) -> SavingModal:
        """The dispatch picker is kept like the new-ticket form (composing it was most of
        `d`), turned to the ticket before it is shown (:meth:`DispatchScreen.open_again`)."""
        if step != "dispatch":
            return super().step_form(step, ticket)
        return self._kept_form(
            "picker", lambda: DispatchScreen(ticket), lambda picker: picker.open_again(ticket)
        )

    def _kept_form(self, what: str, make: Callable[[], F], again: Callable[[F], None]) -> F:
        """A form composed the first time and kept for as long as the queue is, made ready
        by ``again`` each time after. One closed while its save was still on its way is
        not kept: a new one is made, as before."""
        app, name = self.app, self._kept(what)
        if app.is_screen_installed(name):
            form = app.get_screen(name)
            if not form.saving:
                again(form)
                return form
            app.uninstall_screen(name)
            app.call_later(form.remove)
        form = make()
        app.install_screen(form, name)
        return form

    def on_unmount(self) -> None:
        """The kept screens go with the queue (a queue opened again keeps its own);
        when the app closes, they go with the app."""
        app = self.app
        for name in map(self._kept, ("ticket", "new-ticket", "picker")):
            if app.is_screen_installed(name) and app.get_screen(name) not in app.screen_stack:
                screen = app.get_screen(name)
                app.uninstall_screen(name)
                if screen.is_mounted:
                    app.call_later(screen.remove)

    def action_new_ticket(self) -> None:
        self.app.push_screen(self._new_ticket_form(), callback=self._created)

    def _created(self, ticket: Ticket | None) -> None:
        """The new ticket on the list, the cursor on it: first, as the newest activity."""
        if ticket is None:
            return
        self.notify(_("Ticket {code} saved").format(code=ticket.code))
        self._select = ticket.code
        self.reload(keep=not self._let_through(ticket))

    def _let_through(self, ticket: Ticket) -> bool:
        """Clear the search, and any filter ``ticket`` does not pass; whether any was.

        A search was for a caller's tickets, or a ticket asked after; with the
        call taken, the one to work next is the new ticket. Saved over a list
        still of the search (or of another status, kind or engineer) it was nowhere
        to be seen, and read as lost. A filter it passes stays as chosen (only
        mine: a rep's new ticket is theirs).
        """
        cleared = False
        search = self.query_one("#search", Input)
        if search.value:
            search.value = ""
            cleared = True
        status = self.query_one("#status-filter", Select)
        if status.value not in (OPEN, ALL, ticket.status):
            status.value = OPEN
            cleared = True
        wanted = {"#kind-filter": ticket.kind, "#engineer-filter": ticket.engineer}
        for selector, value in wanted.items():
            if self._value(selector) not in (None, value):
                self.query_one(selector, Select).clear()
                cleared = True
        return cleared

    def action_bulk_redispatch(self) -> None:
        self.app.push_screen(BulkRedispatchForm(), callback=self._after_step)

    # Focus moves at once (``set_focus``), not after the queued keys as ``focus()`` would:
    # what is typed right after the key belongs to the box it opened.

    def action_focus_search(self) -> None:
        search = self.query_one("#search", Input)
        if self.focused is search:
            raise SkipAction  # a slash typed into the box is a slash
        self.set_focus(search)

    def action_leave_search(self) -> None:
        """Esc in the box cancels the search, as it cancels a form: the whole list again (at
        once, not after the typing pause), and the keys typed next are the list's."""
        search = self.query_one("#search", Input)
        if search.value:
            search.value = ""
            if self._search_timer is not None:
                self._search_timer.stop()
            self._search_now()
        self.set_focus(self.table)

    def action_focus_filters(self) -> None:
        self.set_focus(self.query_one("#status-filter", Select))

    def action_toggle_mine(self) -> None:
        self.query_one("#mine", Checkbox).toggle()

    def action_refresh(self) -> None:
        self.reload(keep=True)
