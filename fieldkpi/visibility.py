"""What a person may read of a ticket: its fields and its history, role by role.

The rule (:mod:`fieldkpi.access` decides *whether* a person sees a ticket;
this decides *what of it*), applied by storage to everything it hands a
person about a ticket — the ticket, its history, a refusal's message:

- A lead or an admin reads everything of their tickets.
- A rep reads a ticket's life (the steps of :data:`LIFE`) and the appraisal
  events they recorded themselves, not those others recorded about anyone.
- An engineer reads only what a WHITELIST names: the steps of the ticket's
  life and, of each, the fields known to be safe. Every appraisal event —
  problem reports, deductions and their corrections, and any step added later
  (reviews, appeals, entered scores) — is hidden until it is named here. Of the
  ticket's life they read what happened while it was theirs, the intake, and
  the hand-overs that brought it to them; nothing of another engineer's time
  with it (their visit, completion, callback). The only people named are the
  engineer and the ticket's contacts — the reps who took it in and dispatched
  it, and its responsible rep; anyone else is "someone else".
- A low rating a rep recorded, held for the lead (``held``), is an appraisal
  event of the rep and engineer it counts against: where the branch's scheme
  keeps reporters from the person concerned (``[review] show_reporter``), its
  callback, once approved, and its hold, while it is the ticket's last change,
  are "someone else"'s to them, whatever they may read of the ticket.

Rows and tickets are storage's dataclasses, read through their attributes and
copied with :func:`dataclasses.replace`.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterable, Sequence
from itertools import groupby
from typing import Any, Protocol, TypeVar

from fieldkpi import access
from fieldkpi.figures import Person
from fieldkpi.i18n import _
from fieldkpi.scheme import Scheme

SOMEONE_ELSE = "someone-else"  # stands for a person the reader may not see, where a code stood
RECORDERS = frozenset({"import"})  # who records changes without being a person (the importer)

# The ticket's fields whose values are staff codes.
PEOPLE_FIELDS = frozenset({"engineer", "rep", "staff", "updated_by"})

_INTAKE = frozenset(
    {"customer", "phone", "address", "product", "kind", "fault", "received_at", "status", "rep"}
)
# The steps of a ticket's life, each with the fields an engineer may read of it.
LIFE: dict[str, frozenset[str | None]] = {
    "create": _INTAKE,
    "dispatch": frozenset({"status", "engineer", "dispatched_at"}),
    "visit": frozenset({"status", "visited_at", "revisited_at"}),
    "await_parts": frozenset({"status", "note"}),
    "complete": frozenset({"status", "completed_at", "resolution"}),
    "cancel": frozenset({"status", "cancelled", "cancel_reason"}),
    "reopen": frozenset({"status", "completed_at", "cancelled", "cancel_reason", "note"}),
    "callback": frozenset({"status", "callback_at", "rating", "callback_note"}),
}
# A ticket row changed by an import is corrected field by field; the same fields may be read.
# A ticket that came in whole by an import has one row without a field: that it came so.
LIFE["import"] = frozenset().union(*LIFE.values()) - {"note"} | {None}
# Steps that hand a ticket from one engineer to another (their ``engineer`` rows).
_HANDOVER_STEPS = frozenset({"dispatch", "import"})
# The ticket's fields an engineer may read, whoever held it (see _THEIR_TIME for the rest).
_TICKET_FIELDS = frozenset(
    {
        "id", "code", "branch", "kind", "status", "received_at", "dispatched_at", "cancelled",
        "cancel_reason", "engineer", "rep", "customer", "phone", "address", "product", "fault",
        "updated_at", "updated_by", "version", "engineer_name", "rep_name",
    }
)  # fmt: skip
# The ticket's fields an engineer's time with it sets, by the field its history records
# them under: an engineer reads them only when they were set (last) while the ticket was
# theirs — not the visit, completion, resolution or callback of whoever held it before.
_THEIR_TIME = {
    "visited_at": ("visited_at",),
    "revisited_at": ("revisited_at",),  # a return visit: theirs, though the first was not
    "completed_at": ("completed_at",),
    "resolution": ("resolution",),
    "callback_at": ("callback_at", "rating", "callback_note"),
}


class HistoryFacts(Protocol):
    """What this needs of a history row (storage's ``HistoryRow`` has it)."""

    at: str
    by: str
    by_name: str
    step: str
    field: str | None
    old: str | None
    new: str | None


class TicketFacts(Protocol):
    code: str
    engineer: str | None
    rep: str | None
    updated_at: str
    updated_by: str | None


class HeldFacts(Protocol):
    """What this needs of a low rating held for the lead (storage's ``HeldRating``): who
    recorded it and when, and whom it counts against (``also``: the engineer, where it is
    about the rep)."""

    recorded_by: str
    recorded_at: str
    concerns: str | None
    also: str | None


Row = TypeVar("Row", bound=HistoryFacts)
T = TypeVar("T", bound=TicketFacts)


def sees_all(user: Person) -> bool:
    """Leads and admins read every step and every name of the tickets they may see."""
    return user.role in ("lead", "admin")


def history_for(
    user: Person,
    ticket: TicketFacts,
    rows: Sequence[Row],
    held: Iterable[HeldFacts],
    scheme: Scheme | None,
) -> list[Row]:
    """The rows of ``ticket``'s whole history (oldest first) that ``user`` may read, as they
    may; ``held``: its low ratings held for the lead, whose reporters the branch's ``scheme``
    may keep from them (:func:`_kept`)."""
    if sees_all(user):
        return list(rows)
    kept = _kept(user, held, scheme)
    if user.role != "engineer":
        return [_named(row, None, kept) for row in rows if row.step in LIFE or row.by == user.code]
    known = _known(user, ticket, rows)
    return [
        _named(row, known, kept)
        for event, mine in _events(user, ticket, rows)
        if mine
        for row in event
        if row.field in LIFE.get(row.step, ())
    ]


def ticket_for(
    user: Person,
    ticket: T,
    rows: Sequence[HistoryFacts],
    held: Iterable[HeldFacts],
    scheme: Scheme | None,
) -> T:
    """``ticket`` as ``user`` may read it, given its whole history ``rows`` and its held
    ratings (as :func:`history_for`): who changed it last is someone else where it was the
    hold of a rating whose reporter is kept from them."""
    if sees_all(user):
        return ticket
    hidden: dict[str, Any] = {}
    if (ticket.updated_by, ticket.updated_at) in _kept(user, held, scheme):
        hidden["updated_by"] = SOMEONE_ELSE
    if user.role != "engineer":
        return dataclasses.replace(ticket, **hidden) if hidden else ticket
    known = _known(user, ticket, rows)
    hidden |= {f.name: None for f in dataclasses.fields(ticket) if f.name not in _TICKET_FIELDS}
    for field, names in _THEIR_TIME.items():
        if _set_while_theirs(user, ticket, rows, field):
            for name in names:
                hidden.pop(name, None)
    if ticket.updated_by not in known:
        hidden["updated_by"] = SOMEONE_ELSE
    return dataclasses.replace(ticket, **hidden)


def someone_else() -> str:
    """How a person the reader may not see is named."""
    return _("someone else")


# ---------------------------------------------------------------- the engineer's view


def _contacts(ticket: TicketFacts, rows: Iterable[HistoryFacts]) -> set[str]:
    """The reps who took the ticket in and dispatched it, and its responsible rep."""
    people = {row.by for row in rows if row.step in ("create", "dispatch")}
    return people | {ticket.rep} - {None}


def _known(user: Person, ticket: TicketFacts, rows: Sequence[HistoryFacts]) -> set[str]:
    """The codes an engineer may read: their own, the ticket's contacts', the importer's."""
    return _contacts(ticket, rows) | {user.code} | RECORDERS


def _first_holder(ticket: TicketFacts, rows: Sequence[HistoryFacts]) -> str | None:
    """Who held the ticket before its history's first hand-over (an import sets one)."""
    for row in rows:
        if row.step in _HANDOVER_STEPS and row.field == "engineer":
            return row.old
    return ticket.engineer


def _events(
    user: Person, ticket: TicketFacts, rows: Sequence[Row]
) -> Iterable[tuple[list[Row], bool]]:
    """Each step's rows, and whether the engineer may read it.

    A step is theirs when it happened while they held the ticket, while
    nobody did (the intake), or when it handed the ticket to or from them.
    """
    holder = _first_holder(ticket, rows)
    for _key, grouped in groupby(rows, key=lambda row: (row.at, row.by, row.step)):
        event = list(grouped)
        holders = {holder}
        for row in event:
            if row.step in _HANDOVER_STEPS and row.field == "engineer":
                holders |= {row.old, row.new}
                holder = row.new
        yield event, user.code in holders or holders == {None}


def _set_while_theirs(
    user: Person, ticket: TicketFacts, rows: Sequence[HistoryFacts], field: str
) -> bool:
    """Whether the step that last set ``field`` of the ticket happened while the engineer
    held it (or it came in with the ticket, imported while it was theirs)."""
    recorded = [
        mine for event, mine in _events(user, ticket, rows) if any(r.field == field for r in event)
    ]
    if recorded:
        return recorded[-1]
    return _first_holder(ticket, rows) == user.code


# ---------------------------------------------------------------- reporters kept


def _kept(user: Person, held: Iterable[HeldFacts], scheme: Scheme | None) -> set[tuple[str, str]]:
    """Who recorded each held rating whose reporter ``user`` is not told, and when.

    They are not told where it counts against them and the branch's ``scheme``
    keeps reporters from the person concerned (:func:`access.sees_reporter`, as
    their F6 does); nor without the scheme (its file cannot be read): nobody
    can say it does not. Anyone else — a colleague, the lead — is told, and
    whoever recorded it knows it was them.
    """
    return {
        (rating.recorded_by, rating.recorded_at)
        for rating in held
        if user.code in (rating.concerns, rating.also)
        and user.code != rating.recorded_by
        and (scheme is None or not access.sees_reporter(user, user.code, scheme))
    }


def _named(row: Row, known: set[str] | None, kept: set[tuple[str, str]]) -> Row:
    """The row with every person the reader may not see named "someone else": whoever is not
    ``known`` (``None``: the reader may see everyone), and whoever recorded a held rating
    whose reporter is ``kept`` from them, on its callback (the lead's approval puts it on
    the ticket as theirs, at the time they recorded it)."""
    changes: dict[str, Any] = {}
    if (known is not None and row.by not in known) or (
        row.step == "callback" and (row.by, row.at) in kept
    ):
        changes |= {"by": SOMEONE_ELSE, "by_name": someone_else()}
    if known is not None and row.field in PEOPLE_FIELDS:
        for side in ("old", "new"):
            value = getattr(row, side)
            if value is not None and value not in known:
                changes[side] = SOMEONE_ELSE
    return dataclasses.replace(row, **changes) if changes else row
