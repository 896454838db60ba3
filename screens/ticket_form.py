"""Taking a new ticket (受理): the form that saves nothing until every field is valid."""

from __future__ import annotations

from typing import Any

from fieldkpi.i18n import _
from fieldkpi.period import stamp
from screens import labels
from screens.form import Field, FormScreen
from screens.labels import N_
from storage.tickets import new_ticket


class NewTicketForm(FormScreen):
    """Customer, phone, address, product, kind, fault and when the call came in.

    The time received defaults to the moment the form opened: the call, not the save.
    """

    SAVE_LABEL = N_("Save ticket")

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

    def perform(self, values: dict[str, Any], version: int | None) -> Any:
        app = self.app
        return new_ticket(app.store, app.user, values, now=app.now())
