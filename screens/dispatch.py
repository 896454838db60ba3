"""The engineer picker for dispatch (派工): who is busy now and how timely they are this month,
and, below the list, when it was dispatched (a call of last night recorded this morning)."""

from __future__ import annotations

from typing import Any

from textual.app import ComposeResult
from textual.widgets import DataTable

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
    """Pick an engineer of the branch; Enter dispatches the ticket to them.

    The time it was dispatched is the field under the list, the last as in
    every step form (empty: now): the focus starts on the list, so ``d``,
    Enter dispatches now as it always did.
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
        self.action_save()

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
