"""Reading one ticket for a screen, in a worker thread, as the message the screen handles.

Shared by the ticket screen (with history) and the forms (the ticket alone).
"""

from __future__ import annotations

from typing import Any

from textual.message import Message

from fieldkpi.access import AccessDenied
from fieldkpi.scheme import Scheme, SchemeError
from fieldkpi.tickets import StepRefused
from screens.messages import LoadFailed, TicketLoaded
from storage.appraisal import held_ratings_about
from storage.errors import StorageError
from storage.tickets import Ticket, get_ticket, people_names, ticket_history

# What storage may refuse with a message written for the person.
REFUSALS = (StorageError, StepRefused, AccessDenied)


def read_ticket(app: Any, code: str, *, history: bool = False, seen: int | None = None) -> Message:
    """``TicketLoaded`` (with history, staff names, the branch's scheme and the low ratings
    held for the lead that count for the reader, if asked), or ``LoadFailed`` saying why;
    ``seen``: the version shown, so a ticket handed to another engineer since says who took
    it (:class:`storage.tickets.HandedAway`)."""
    try:
        ticket = get_ticket(
            app.store, app.user, code, seen=seen, now=app.now(), scheme_for=app.scheme_for
        )
        if not history:
            return TicketLoaded(ticket, [])
        scheme = branch_scheme(app, ticket)  # whether the history names reporters, too
        rows = ticket_history(app.store, app.user, code, scheme)
        names = people_names(app.store, ticket, rows)
        # Without its scheme, nobody can say whether the reporter may be named: none is shown.
        held = held_ratings_about(app.store, app.user, code, scheme) if scheme else []
    except REFUSALS as exc:
        return LoadFailed(str(exc))
    return TicketLoaded(ticket, rows, names, scheme, held)


def branch_scheme(app: Any, ticket: Ticket) -> Scheme | None:
    """The scheme of the ticket's branch, which names the kinds of its events; ``None`` when
    its file has a mistake (the history shows the codes, the screens that rank say what)."""
    try:
        return app.scheme_for(ticket.branch)
    except (SchemeError, OSError):
        return None
