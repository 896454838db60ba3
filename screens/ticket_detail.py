"""One ticket: every field, and its full history — who did what, when, from which value to which.

The same step keys as the queue act on this ticket, with the version shown
here: if someone else saved it meanwhile, the form says who changed what.
"""

from __future__ import annotations

from rich.table import Table
from textual import on
from textual.app import ComposeResult
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.screen import Screen
from textual.widgets import DataTable, Header, Label, Static

from fieldkpi.cleantext import clean_name
from fieldkpi.i18n import _
from fieldkpi.plain import CELL_WIDTH, PlainTable, plain
from fieldkpi.tickets import field_label, status_label, step_label
from screens import actions, labels, tables
from screens.breakpoints import take_breakpoints
from screens.footer import KeyFooter
from screens.labels import N_
from screens.loading import reader
from screens.messages import DataChanged, LoadFailed, TicketLoaded
from screens.ticket_reads import PEOPLE_FIELDS, read_ticket
from screens.ticket_steps import Selected, TicketSteps, selected_from_ticket
from storage.tickets import HistoryRow, Ticket

# Ticket columns that only this screen shows (the domain labels the others).
_EXTRA_LABELS = {
    "branch": N_("branch"),
    "updated_at": N_("last change"),
    "updated_by": N_("changed by"),
    "version": N_("version"),
}
# The ticket's fields in the order a person reads them.
_ORDER = (
    "status",
    "kind",
    "customer",
    "phone",
    "address",
    "product",
    "fault",
    "received_at",
    "rep",
    "engineer",
    "dispatched_at",
    "visited_at",
    "completed_at",
    "resolution",
    "cancelled",
    "cancel_reason",
    "callback_at",
    "rating",
    "callback_note",
    "branch",
    "updated_at",
    "updated_by",
    "version",
)


def label_of(field: str) -> str:
    return _(_EXTRA_LABELS[field]) if field in _EXTRA_LABELS else field_label(field)


def shown_value(field: str | None, value: object, names: dict[str, str]) -> str:
    """A stored value as the person reads it (labels for codes, a dash for nothing)."""
    if value is None or value == "":
        return "—"
    if field in PEOPLE_FIELDS and value in names:
        return f"{names[value]} ({value})"
    if field in PEOPLE_FIELDS:
        return labels.label(labels.RECORDER, str(value))  # the importer, not a person
    if field == "status":
        return status_label(str(value))
    if field == "kind":
        return labels.label(labels.KIND, str(value))
    if field == "cancelled":
        return _("yes") if str(value) == "1" else _("no")
    return str(value)


def field_table(ticket: Ticket, names: dict[str, str]) -> Table:
    """Every field, whole: a long address wraps here, in the one place it is read in full."""
    grid = PlainTable.grid(padding=(0, 2))
    grid.add_column(style="bold", no_wrap=True)
    grid.add_column(overflow="fold")  # a word longer than the line (an address) folds, whole
    for name in _ORDER:
        grid.add_row(label_of(name), shown_value(name, getattr(ticket, name), names))
    return grid


def history_cells(row: HistoryRow, names: dict[str, str]) -> tuple:
    return (
        row.at,
        plain(labels.label(labels.RECORDER, row.by_name), CELL_WIDTH),
        step_label(row.step),
        label_of(row.field) if row.field else "",
        plain(shown_value(row.field, row.old, names), CELL_WIDTH),
        plain(shown_value(row.field, row.new, names), CELL_WIDTH),
    )


class TicketDetailScreen(actions.ScopedKeys, TicketSteps, Screen):
    ACTION_SCOPE = actions.TICKET
    CSS_PATH = "ticket_detail.tcss"
    AUTO_FOCUS = "#history"  # not the fields' scrolling box first, which would be styled twice

    def __init__(self, code: str, known: Selected | None = None) -> None:
        """``known``: what the opener shows of the ticket (the queue's line), which gives
        the step keys until the ticket is read: the footer is composed once, not twice."""
        super().__init__()
        self.code = code
        self.ticket: Ticket | None = None
        self._known = known

    def compose(self) -> ComposeResult:
        take_breakpoints(self)
        yield Header()
        with Horizontal(id="detail-body"):
            with VerticalScroll(id="fields-box"):
                yield Static(_("Loading…"), id="fields")
            with Vertical(id="history-box"):
                yield Label(_("History"), id="history-title")
                yield DataTable(id="history", cursor_type="row", zebra_stripes=True)
        yield KeyFooter(early=True)

    def on_mount(self) -> None:
        self.title = clean_name(self.code)
        self.refresh_data()

    def refresh_data(self) -> None:
        self._load(self.code)

    @reader("ticket")
    def _load(self, code: str) -> None:
        self.post_message(read_ticket(self.app, code, history=True))

    @on(TicketLoaded)
    def _loaded(self, message: TicketLoaded) -> None:
        self.ticket = message.ticket
        self.query_one("#fields", Static).update(field_table(message.ticket, message.names))
        table = self.query_one("#history", DataTable)
        columns = [_("When"), _("Who"), _("Step"), _("Field"), _("From"), _("To")]
        tables.fill(table, columns, [history_cells(r, message.names) for r in message.history])
        table.move_cursor(row=len(message.history) - 1, animate=False)
        self.refresh_bindings()

    @on(LoadFailed)
    def _failed(self, message: LoadFailed) -> None:
        message.stop()
        self.notify(message.message, severity="error")
        self.dismiss()

    @on(DataChanged)
    def _someone_saved(self) -> None:
        self.refresh_data()

    def selected(self) -> Selected | None:
        return selected_from_ticket(self.ticket) if self.ticket else self._known

    def action_back(self) -> None:
        self.dismiss()

    def action_refresh(self) -> None:
        self.refresh_data()
