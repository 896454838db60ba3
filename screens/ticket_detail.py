"""One ticket: every field, and its full history — who did what, when, from which value to which.

The same step keys as the queue act on this ticket, with the version shown
here: if someone else saved it meanwhile, the form says who changed what.

Above the fields, a low rating of the ticket held for the lead that counts
for the reader once approved is told as their F6 tells it
(:func:`screens.events.own_story`): the engineer who served the ticket reads
"completed" in its fields, as the rating is not on it yet, and learns here
that it waits for the lead.
"""

from __future__ import annotations

from rich.console import RenderableType
from rich.table import Table
from rich.text import Text
from textual import on
from textual.app import ComposeResult, RenderResult
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.geometry import Size
from textual.widgets import Header, Label, Static

from fieldkpi.cleantext import clean_name
from fieldkpi.i18n import _
from fieldkpi.plain import CELL_WIDTH, PlainTable, plain
from fieldkpi.scheme import Scheme
from fieldkpi.tickets import FLAGS, field_label, flag_label, status_label, step_label
from fieldkpi.visibility import PEOPLE_FIELDS
from screens import actions, labels, tables
from screens.breakpoints import take_breakpoints
from screens.closing import ClosesItself
from screens.events import own_story
from screens.footer import KeyFooter
from screens.labels import N_
from screens.linebreaks import Prose
from screens.loading import answer, reader
from screens.messages import DataChanged, LoadFailed, TicketLoaded
from screens.ticket_reads import read_ticket
from screens.ticket_steps import Selected, TicketSteps, selected_from_ticket
from storage.appraisal import AppraisalEvent
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
    "revisited_at",
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
    if field in FLAGS:
        return flag_label(value)
    return str(value)


def field_table(ticket: Ticket, names: dict[str, str]) -> Table:
    """Every field, whole: a long address wraps here, in the one place it is read in full."""
    grid = PlainTable.grid(padding=(0, 2))
    grid.add_column(style="bold", no_wrap=True)
    grid.add_column(overflow="fold")  # a word longer than the line (an address) folds, whole
    for name in _ORDER:
        grid.add_row(label_of(name), shown_value(name, getattr(ticket, name), names))
    return grid


def loading() -> str:
    """What the fields say until the ticket is read, as many lines tall as they will be: the
    screen is then laid out once more when they come, not three times (a box that grows
    from one line to more than the screen shows its scroll bar, narrower, and again)."""
    return _("Loading…") + "\n" * (len(_ORDER) - 1)


# The steps that record an appraisal event on the ticket: their ``kind`` and ``level`` are
# the scheme's codes (an adjustment's kind, a problem's level), not the ticket's kind.
_EVENT_STEPS = ("report_problem", "deduction", "correct_deduction")


def history_cells(row: HistoryRow, names: dict[str, str], scheme: Scheme | None) -> tuple:
    """A history row's cells; an event's kind or level named by the branch's ``scheme``."""

    def shown(value: str | None) -> str:
        if row.step in _EVENT_STEPS and row.field in ("kind", "level") and value:
            return scheme.event_label(row.field, value) if scheme else value
        return shown_value(row.field, value, names)

    return (
        row.at,
        plain(labels.label(labels.RECORDER, row.by_name), CELL_WIDTH),
        step_label(row.step),
        label_of(row.field) if row.field else "",
        plain(shown(row.old), CELL_WIDTH),
        plain(shown(row.new), CELL_WIDTH),
    )


class FieldsView(Static):
    """The ticket's fields (a Rich grid), drawn once per width into lines of text.

    Textual measures a Rich renderable by rendering it (to count its lines)
    and renders it again to draw it, on each of the layout passes that opening
    a ticket takes: the fields' grid was a quarter of the time Enter took.
    Rendered once for a width, it is lines of text that cost next to nothing
    to measure and draw. ``content`` is still the grid itself.
    """

    def __init__(self, content: RenderableType = "", *, id: str | None = None) -> None:
        super().__init__(content, id=id)
        self._drawn: tuple[int, Text, int] | None = None  # a width, the grid drawn at it, its lines

    def update(self, content: RenderableType = "", *, layout: bool = True) -> None:
        self._drawn = None
        super().update(content, layout=layout)

    def _draw(self, width: int) -> tuple[int, Text, int]:
        if self._drawn is None or self._drawn[0] != width:
            app = self.app
            options = app.console_options.update_width(width).update(highlight=False)
            lines = app.console.render_lines(self.content, options, pad=False)
            text = Text("\n", no_wrap=True, end="").join(
                Text.assemble(*((s.text, s.style) for s in line if not s.control)) for line in lines
            )
            self._drawn = (width, text, len(lines))
        return self._drawn

    def get_content_height(self, container: Size, viewport: Size, width: int) -> int:
        if not width or isinstance(self.content, str):
            return super().get_content_height(container, viewport, width)
        return self._draw(width)[2]

    def render(self) -> RenderResult:
        width = self.content_region.width
        if not width or isinstance(self.content, str):
            return super().render()
        return self._draw(width)[1]


class HistoryTable(tables.CardsOrColumns):
    """The history, as wide as the screen: who a ticket went from and to is read whole.

    At 80 columns its six columns want ~100 cells (a time is 19, a name with its code 15).
    The widest are narrowed to fit (:func:`fieldkpi.linebreaks.fit_widths`), never below their
    longest word while that fits, and their cells wrap at their spaces — a time into date
    over hour, a person into name over code — so a row takes two lines where it must, and
    nothing is cut or scrolled to sideways; the time stays on one line. Codes stay: two
    people of a branch may share a name. On a phone each row is a card, as the queue's are.
    """

    KEEP = 1


class TicketDetailScreen(TicketSteps, ClosesItself):
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
                yield Prose(id="held-rating")
                yield FieldsView(loading(), id="fields")
            with Vertical(id="history-box"):
                yield Label(_("History"), id="history-title")
                yield HistoryTable(id="history", cursor_type="row", zebra_stripes=True)
        yield KeyFooter(early=True)

    def on_mount(self) -> None:
        self.title = clean_name(self.code)
        self.refresh_data()

    def open_on(self, code: str, known: Selected | None = None) -> None:
        """The screen, composed once and kept (by the queue), about another ticket.

        Called before it is shown again: nothing of the ticket it showed last
        is left to be drawn (its fields, history, scroll, keys); the new one is
        read as on a screen composed anew, saying "Loading…" until it is in.
        """
        self.workers.cancel_group(self, "ticket")  # the last ticket's read says nothing now
        self.code, self.ticket, self._known = code, None, known
        self.stay_open()  # a failed read of the last ticket closes nothing now
        self.title = clean_name(code)
        self._show_held([], None)
        self.query_one("#fields", FieldsView).update(loading())
        self.query_one("#fields-box", VerticalScroll).scroll_home(animate=False, immediate=True)
        self.query_one("#history", HistoryTable).show([], [])
        self.refresh_bindings()
        # Read once it is laid out empty, as a screen composed anew is: rows put in before
        # that were scrolled to by the last ticket's scroll bars (the last row hidden).
        self.call_after_refresh(self.refresh_data)

    def refresh_data(self) -> None:
        """Read the ticket again; one handed to another engineer since says who took it."""
        self._load(self.code, self.ticket.version if self.ticket else None)

    @reader("ticket")
    def _load(self, code: str, seen: int | None) -> None:
        answer(self, read_ticket(self.app, code, history=True, seen=seen))

    @on(TicketLoaded)
    def _loaded(self, message: TicketLoaded) -> None:
        if message.ticket.code != self.code:
            return  # a read for the ticket the screen showed before
        table = self.query_one("#history", HistoryTable)
        # Opened: at the history's first line, whole (at its last, a phone's top card had
        # lost its time); read again after a step: where the person was.
        row = table.cursor_row if self.ticket is not None else 0
        self.ticket = message.ticket
        self.stay_open()  # readable again: it stays
        self._show_held(message.held, message.scheme)
        self.query_one("#fields", FieldsView).update(field_table(message.ticket, message.names))
        columns = [_("When"), _("Who"), _("Step"), _("Field"), _("From"), _("To")]
        table.show(
            columns, [history_cells(r, message.names, message.scheme) for r in message.history]
        )
        table.move_cursor(row=row, animate=False)
        self.refresh_bindings()

    def _show_held(self, held: list[AppraisalEvent], scheme: Scheme | None) -> None:
        """The low ratings of the ticket held for the lead that count for the reader, if any."""
        box = self.query_one("#held-rating", Prose)
        box.update(Text("\n").join(own_story(event, scheme) for event in held))
        box.display = bool(held)

    @on(LoadFailed)
    def _failed(self, message: LoadFailed) -> None:
        """The ticket can no longer be read here (handed to another engineer): the screen
        closes, saying why, once it is on top (:meth:`ClosesItself.close_self`): a form over
        it stays with what was typed in it. Closed and kept by the queue meanwhile, it is
        about nothing shown.
        """
        message.stop()
        self.close_self(saying=message.message)

    @on(DataChanged)
    def _someone_saved(self) -> None:
        self.refresh_data()

    def selected(self) -> Selected | None:
        return selected_from_ticket(self.ticket) if self.ticket else self._known

    def action_back(self) -> None:
        self.close_self()

    def action_refresh(self) -> None:
        self.refresh_data()
