"""What thread workers tell the screens: plain dataclass messages.

Workers run the storage calls and post one of these; ``@on`` handlers on the
main thread own every change to widgets and screen state.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from textual.message import Message


@dataclass
class QueueLoaded(Message):
    """A page of the queue for request ``request`` (older requests are dropped)."""

    request: int
    rows: list[Any]  # storage.queue.QueueRow
    append: bool  # add below the loaded rows (next page) instead of replacing them
    more: bool  # there may be rows after these
    open_count: int | None = None
    left_count: int | None = None  # open tickets held by engineers who have left (§6)


@dataclass
class TicketLoaded(Message):
    ticket: Any  # storage.tickets.Ticket
    history: list[Any]  # storage.tickets.HistoryRow
    names: dict[str, str] = field(default_factory=dict)  # staff code -> name, for display
    scheme: Any = None  # the ticket's branch's Scheme, with the history: it names event kinds
    # Its low ratings held for the lead that count for the reader, with the history
    # (storage.appraisal.held_ratings_about: AppraisalEvent).
    held: list[Any] = field(default_factory=list)


@dataclass
class LoadFailed(Message):
    """A read the person asked for was refused (not found, not theirs); the text says why."""

    message: str


@dataclass
class ChoicesLoaded(Message):
    """The people a form offers to choose from (engineers with their load, or staff)."""

    choices: list[Any]


@dataclass
class Saved(Message):
    """A form's change is committed; ``result`` is what storage returned."""

    result: Any


@dataclass
class Refused(Message):
    """Storage refused a form's change; nothing was saved and the input stays.

    ``errors`` maps a field to its message; ``message`` is for the whole form
    (a conflict, an impossible step, no right).
    """

    message: str = ""
    errors: dict[str, str] = field(default_factory=dict)


@dataclass
class DataChanged(Message, bubble=False):
    """Another connection committed: visible data may be stale.

    The app posts it to itself with each ``PRAGMA data_version`` reading, and
    to every open screen when the reading changed.
    """

    data_version: int


@dataclass
class Loaded(Message):
    """What a screen asked for with request ``request`` (older requests are dropped).

    The facts and staff screens and some forms each load one object (a person's
    facts, a staff list, a value's history).
    """

    request: int
    data: Any


@dataclass
class PeriodLoaded(Message):
    """What a screen of one period read for request ``request`` (older requests are dropped).

    ``period`` is the one read: ``asked``, or the period of the kind ``branch``'s
    scheme has now that it falls in (:func:`storage.closing.period_in_force`).
    ``data``: a ``BranchRanking``, a person's own figures, a branch's entered values.
    """

    request: int
    period: Any  # fieldkpi.period.Period
    data: Any
    asked: Any  # the period asked for
    branch: str


@dataclass
class CallerLoaded(Message):
    """The latest tickets with the phone typed in a new-ticket form (``storage.queue.QueueRow``)."""

    phone: str
    tickets: list[Any]


@dataclass
class SchemeRead(Message):
    """The signed-in person's branch's scheme, read in a worker (``None``: it has a mistake)."""

    scheme: Any  # fieldkpi.scheme.Scheme | None
