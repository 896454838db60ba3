"""Taking a new ticket (受理): the form that saves nothing until every field is valid.

As soon as the phone is typed, the form looks the caller up: a caller with a
ticket still open is shown (they are probably calling about it), and a known
caller's name and address are filled in where still empty, to be changed if
they moved. What the lookup filled follows the phone while nobody edits it (a
phone corrected to another caller's brings that caller's name, an unknown one
takes it away); what the rep typed is never replaced. Nothing is refused for
it: the rep decides.
"""

from __future__ import annotations

from typing import Any

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.timer import Timer
from textual.widgets import Input, Static

from fieldkpi.i18n import _, ngettext
from fieldkpi.linebreaks import Wrapped
from fieldkpi.period import stamp
from fieldkpi.tickets import OPEN_STATUSES, normal_phone, phone_problem, status_label
from screens import labels
from screens.form import Field, FormScreen
from screens.labels import N_
from screens.messages import CallerLoaded
from storage.queue import QueueRow, caller_tickets
from storage.tickets import Ticket, new_ticket

LOOKUP_DELAY = 0.3  # seconds of no typing in the phone field before the caller is looked up


def caller_note(tickets: list[QueueRow]) -> Text:
    """What the form says about the caller: their open tickets, else their last one."""
    still_open = [t for t in tickets if t.status in OPEN_STATUSES]
    text = Text()
    if still_open:
        text.append(
            ngettext(
                "This caller has {n} open ticket:",
                "This caller has {n} open tickets:",
                len(still_open),
            ).format(n=len(still_open)),
            style="bold",
        )
        for ticket in still_open:
            text.append("\n  ")
            text.append(
                f"{ticket.code} · {status_label(ticket.status)} · "
                + _("received {at}").format(at=ticket.received_at[:16])
                + " · "
            )
            text.append(Text(ticket.customer or ""))
    elif tickets:
        last = tickets[0]
        text.append(
            _("A known caller: last ticket {code}, {status}.").format(
                code=last.code, status=status_label(last.status)
            )
        )
    return text


class NewTicketForm(FormScreen):
    """Customer, phone, address, product, kind, fault and when the call came in.

    The time received defaults to the moment the form opened: the call, not the save.
    """

    SAVE_LABEL = N_("Save ticket")

    def __init__(self) -> None:
        super().__init__()
        self._lookup_timer: Timer | None = None
        self._looked_up: str | None = ""  # the phone the caller note is about; None: typed since
        self._filled: dict[str, str] = {}  # field -> what the lookup put there, if still there

    def heading(self) -> str:
        return _("New ticket")

    def fields(self) -> list[Field]:
        return [
            Field("customer", N_("Customer"), placeholder=N_("name")),
            Field("phone", N_("Phone"), placeholder=N_("digits, + or -")),
            Field("address", N_("Address")),
            Field("product", N_("Product"), placeholder=N_("model (optional)")),
            Field("kind", N_("Kind"), kind="select", options=tuple(labels.options(labels.KIND))),
            Field("fault", N_("Fault"), placeholder=N_("what the customer reports")),
            Field("received_at", N_("Received"), value=stamp(self.app.now())),
        ]

    def open_again(self, ticket: Ticket | str | None = None) -> None:
        """As composed anew: nothing said about the last caller, none being looked up."""
        super().open_again(ticket)
        if self._lookup_timer is not None:
            self._lookup_timer.stop()
            self._lookup_timer = None
        self._looked_up, self._filled = "", {}
        self._show_caller(Text(""))

    def compose_body(self) -> ComposeResult:
        """The fields, with what is known of the caller right under the phone."""
        for widget in super().compose_body():
            yield widget
            if widget.id == "error-phone":
                yield Static("", id="caller", classes="field-note")

    def perform(self, values: dict[str, Any], version: int | None) -> Any:
        app = self.app
        return new_ticket(app.store, app.user, values, now=app.now())

    # --- the caller ---------------------------------------------------------------------

    @on(Input.Changed, "#field-phone")
    def _phone_typed(self) -> None:
        self._looked_up = None  # looked up again, even as the same number: it fills again
        if self._lookup_timer is not None:
            self._lookup_timer.stop()
        self._lookup_timer = self.set_timer(LOOKUP_DELAY, self._look_up)

    @on(Input.Blurred, "#field-phone")
    def _phone_left(self) -> None:
        if self._lookup_timer is not None:
            self._lookup_timer.stop()
        self._look_up()

    def _look_up(self) -> None:
        """The caller of the phone typed, unless it was looked up and not typed in since:
        passing through the phone does not put back an address the rep has just emptied."""
        phone = normal_phone(self.query_one("#field-phone", Input).value)
        if phone == self._looked_up:
            return
        self._looked_up = phone
        if phone_problem(phone) is None:  # a whole phone: worth looking up
            self._find_caller(phone)
        else:
            self._caller_is([])

    @work(thread=True, exclusive=True, exit_on_error=False, group="caller")
    def _find_caller(self, phone: str) -> None:
        app = self.app
        self.post_message(
            CallerLoaded(phone, caller_tickets(app.store, app.user, phone, app.now()))
        )

    @on(CallerLoaded)
    def _caller_found(self, message: CallerLoaded) -> None:
        message.stop()
        if message.phone == self._looked_up:  # else typed in since: looked up anew
            self._caller_is(message.tickets)

    def _caller_is(self, tickets: list[QueueRow]) -> None:
        """Say what is known of the caller, and let the name and address follow them."""
        note = caller_note(tickets)
        known = next((t for t in tickets if t.address), None)
        filled = [
            self._follow(name, getattr(known, name) if known else None)
            for name in ("customer", "address")
        ]
        if known is not None and any(filled):
            note.append("\n" if note else "")
            note.append(
                _(
                    "Name and address filled in from {code}: change them if the caller moved."
                ).format(code=known.code),
                style="italic",
            )
        self._show_caller(note)

    def _follow(self, name: str, value: str | None) -> bool:
        """Put the caller's ``value`` into a field that is empty or still holds what the
        lookup put there (emptied when the caller has none); a field the rep typed in is
        theirs. ``True`` if the field now holds the caller's value."""
        field = self.query_one(f"#field-{name}", Input)
        ours = self._filled.pop(name, None)
        if field.value.strip() and field.value != ours:
            return False
        if field.value != (value or ""):
            field.value = value or ""
            field.cursor_position = 0  # its beginning in view (city, district), not its end
        if value:
            self._filled[name] = value
        return bool(value)

    def _show_caller(self, note: Text) -> None:
        """The note wrapped as its language breaks lines: Rich breaks only at spaces and cut
        a Chinese sentence anywhere, a "。" first on a line."""
        box = self.query_one("#caller", Static)
        box.update(Wrapped(note) if note else note)
        box.set_class(bool(note), "-shown")
