"""The engineer picker for dispatch (派工): who is busy now and how timely they are this month,
and, below the list, when it was dispatched (a call of last night recorded this morning)."""

from __future__ import annotations

from typing import Any

from textual.app import ComposeResult
from textual.widgets import DataTable, Input

from fieldkpi.i18n import _
from fieldkpi.plain import CELL_WIDTH, plain
from screens import actions, labels, tables
from screens.form import Field, FormScreen
from screens.labels import N_
from screens.step_forms import when, when_field
from storage import tickets
from storage.errors import Changed
from storage.people import EngineerLoad, dispatch_candidates


class DispatchScreen(FormScreen):
    """Pick an engineer of the branch, then the time it was dispatched (When, under the list:
    the last field, as in every step form; empty: now).

    Enter moves on as in every form: on the list it chooses the engineer and
    goes on to When, and Enter in When dispatches. So ``d``, Enter, Enter
    dispatches now (as ``d``, Ctrl+S does), and ``d``, Enter, a time, Enter
    at that time. Enter on the list had dispatched at once, under a footer
    that said "Choose": the time typed after it, meant for When, went to the
    screen beneath (a Tab and the time: the queue's search, which then showed
    no ticket). The footer names what Enter does where the focus is
    (:meth:`allows_now`).
    """

    ACTION_SCOPE = actions.PICKER
    SAVE_LABEL = N_("Dispatch")
    AUTO_FOCUS = "#engineers"
    WHEN = when_field("dispatched_at")

    def __init__(self, ticket: tickets.Ticket | str) -> None:
        super().__init__(ticket)
        self.candidates: list[EngineerLoad] = []
        self.timely = True  # the branch's scheme scores engineers' timeliness: its column shows

    def heading(self) -> str:
        return _("Dispatch to an engineer")

    def fields(self) -> list[Field]:
        return [self.WHEN]

    def compose_body(self) -> ComposeResult:
        yield tables.SizedTable(id="engineers", cursor_type="row", zebra_stripes=True)
        yield from super().compose_body()

    def load_choices(self) -> tuple[list[EngineerLoad], bool]:
        """Each engineer's timeliness as the branch's own scheme weighs it (its day buckets),
        and whether that scheme scores it at all (generic-bands does not)."""
        app = self.app
        scheme = app.scheme_for(app.user.branch)
        candidates = dispatch_candidates(app.store, app.user, app.now(), scheme)
        return candidates, scheme.measures("engineer", "timeliness")

    def fill_choices(self, choices: tuple[list[EngineerLoad], bool]) -> None:
        chosen = self._chosen()
        self.candidates, self.timely = choices
        self._show(chosen)

    def read_again(self, changed: Changed) -> None:
        """The list too: whoever dispatched it first changed the open counts it shows."""
        super().read_again(changed)
        self.call_later(self._load_choices)  # from the save's thread: the reader starts here

    def ticket_ready(self, ticket: tickets.Ticket) -> None:
        self._show(self._chosen())

    def _chosen(self) -> str | None:
        """The engineer the cursor is on, if the list is shown."""
        return self.values()["engineer"] or None

    def _show(self, chosen: str | None) -> None:
        """Fill the table; the ticket's current engineer is marked and not pre-selected.

        Filled again when the ticket and the list are read again (after a
        conflict): the cursor stays on the engineer ``chosen`` (None: none yet).
        """
        table = self.query_one("#engineers", DataTable)
        current = self.ticket.engineer if self.ticket else None
        rows = [
            (
                plain(c.person.name + (" ←" if c.person.code == current else ""), CELL_WIDTH),
                plain(c.open_tickets, justify="right"),
                *([plain(labels.timeliness(c.timeliness), justify="right")] if self.timely else []),
            )
            for c in self.candidates
        ]
        columns = [_("Engineer"), _("Open now")] + (
            [_("Timeliness this month")] if self.timely else []
        )
        tables.fill(table, columns, rows)
        table.styles.min_height = None  # held while the list was read again (open_again)
        codes = [c.person.code for c in self.candidates]
        others = [i for i, code in enumerate(codes) if code != current]
        if chosen in codes:
            table.move_cursor(row=codes.index(chosen))
        elif others:
            table.move_cursor(row=others[0])

    def open_again(self, ticket: tickets.Ticket | str | None = None) -> None:
        """As composed anew, with no engineer listed until they are read again."""
        self.candidates = []
        table = self.query_one("#engineers", DataTable)
        # As tall as it was until the list comes: the form does not shrink and grow back,
        # laid out three times more (a branch's engineers are about as many as last time).
        table.styles.min_height = table.outer_size.height
        table.clear(columns=True)
        super().open_again(ticket)

    def action_choose(self) -> None:
        """The engineer under the cursor is the one dispatched to: on to When. Moved at once
        (``set_focus``), so the time typed next lands there."""
        self.set_focus(self.query_one(f"#field-{self.WHEN.name}", Input))

    def action_dispatch(self) -> None:
        self.action_save()

    def allows_now(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        """Enter is "Choose" on the list (or before the focus is anywhere) and "Dispatch" in
        When; on a button it presses it."""
        if action == "choose":
            return self.focused is None or isinstance(self.focused, DataTable)
        if action == "dispatch":
            return isinstance(self.focused, Input)
        return True

    def show_errors(self, errors: dict[str, str]) -> None:
        """A problem with the engineer chosen (already theirs, gone, left) is said above the
        list, and the focus goes back to the list to choose another (Enter was in When)."""
        super().show_errors(errors)
        if "engineer" in errors and "dispatched_at" not in errors:
            self.set_focus(self.query_one("#engineers", DataTable))

    def values(self) -> dict[str, Any]:
        row = self.query_one("#engineers", DataTable).cursor_row
        chosen = self.candidates and 0 <= row < len(self.candidates)
        engineer = self.candidates[row].person.code if chosen else ""
        return super().values() | {"engineer": engineer}

    def perform(self, values: dict[str, Any], version: int | None) -> Any:
        app = self.app
        return tickets.dispatch(
            app.store,
            app.user,
            self.code,
            version,
            values["engineer"],
            now=app.now(),
            **when(values, self.WHEN),
            scheme_for=app.scheme_for,
        )
