"""Working tickets: every step one transaction, checked, recorded and version-guarded.

Each step opens one ``store.write_as()`` (BEGIN IMMEDIATE, so a second writer
waits instead of failing; refused to someone who has left) and inside it: reads
the ticket, checks who may do it (:mod:`fieldkpi.access`) and whether the status
allows it (:mod:`fieldkpi.tickets`), validates the input, updates the row only if its
version is still the one the person was looking at, writes one history row per
changed field and the workload action of kpi-rules §3. A refusal anywhere rolls
all of it back.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable, Mapping
from dataclasses import asdict, dataclass, fields
from datetime import datetime

from sqlite_utils import Database

from fieldkpi import access, visibility
from fieldkpi.access import AccessDenied
from fieldkpi.cleantext import clean_name, clean_text
from fieldkpi.employment import employed_on
from fieldkpi.figures import Person
from fieldkpi.i18n import N_, _, join_clauses, join_list
from fieldkpi.limits import length_errors
from fieldkpi.period import stamp
from fieldkpi.scheme import Scheme, SchemeError
from fieldkpi.tickets import (
    FLAGS,
    NEW,
    StepRefused,
    field_label,
    flag_label,
    next_status,
    next_ticket_code,
    normal_phone,
    phone_problem,
    status_label,
    ticket_code_prefix,
    typed_rating,
)
from storage import csvrows
from storage.closing import closed_over
from storage.db import Store
from storage.errors import Changed, NotFound
from storage.event_rows import ALSO_RATED, RATED, RATING_WAITS
from storage.measures import person_from_row
from storage.migrations import OPEN_TICKET, TICKET_KINDS
from storage.timeline import completion_columns, record_state
from storage.typed import FieldErrors, each_field, free_text

__all__ = [
    "AccessDenied",
    "Callback",
    "Conflict",
    "HistoryRow",
    "StepRefused",
    "Ticket",
    "approve_held_rating",
    "await_parts",
    "bulk_redispatch",
    "cancel",
    "complete",
    "dispatch",
    "get_ticket",
    "new_ticket",
    "read_ticket",
    "record_callback",
    "record_visit",
    "reopen",
    "ticket_history",
    "write_history",
]

NEW_TICKET_FIELDS = ("customer", "phone", "address", "product", "kind", "fault", "received_at")


@dataclass(frozen=True)
class Ticket:
    """One row of ``tickets``, with the names of its engineer and rep for display."""

    id: int
    code: str
    branch: str
    kind: str
    status: str
    received_at: str
    dispatched_at: str | None
    visited_at: str | None
    completed_at: str | None
    cancelled: int
    cancel_reason: str | None
    engineer: str | None
    rep: str | None
    callback_at: str | None
    rating: int | None
    callback_note: str | None
    customer: str | None
    phone: str | None
    address: str | None
    product: str | None
    fault: str | None
    resolution: str | None
    updated_at: str
    updated_by: str | None
    version: int
    first_completed_at: str | None = None
    completed_engineer: str | None = None
    cancelled_at: str | None = None
    cancel_seen: int = 0
    timeline: int = 0
    engineer_name: str | None = None
    rep_name: str | None = None
    rating_held: int = 0  # 1: a rep's low rating of it waits for the lead (no callback now)
    # The latest return visit: one recorded when the ticket was visited already (the parts
    # fitted, another engineer's after a re-dispatch, the rework after a reopen). Kept in
    # the history only (:data:`_LOGGED`): ``visited_at`` stays the first visit, the one the
    # KPIs count (kpi-rules §2: a ticket's visit, in the month it first happened).
    revisited_at: str | None = None


@dataclass(frozen=True)
class HistoryRow:
    """Who changed which field of a ticket when, from which value to which.

    ``version`` is the ticket's version the change made (none for a note
    that changed nothing of the ticket, such as a problem report).
    """

    at: str
    by: str
    by_name: str
    step: str
    field: str | None
    old: str | None
    new: str | None
    version: int | None = None


@dataclass(frozen=True)
class HeldRating:
    """A low rating of the ticket a rep recorded, held for the lead (:func:`_hold_rating`):
    who recorded it and when, and whom it counts against (:data:`storage.event_rows.RATED`),
    which the reader may not be told (:func:`fieldkpi.visibility.history_for`)."""

    recorded_by: str
    recorded_at: str
    concerns: str | None
    also: str | None


# The branches' schemes, by branch code (the app's ``scheme_for``): whether the people a
# held rating counts against are told who recorded it.
SchemeFor = Callable[[str], Scheme]


class Conflict(Changed):
    """Someone saved the ticket after the version this change was based on.

    ``changes`` are the history rows the person did not see, so the screen can
    show them and keep the person's input for re-applying.
    """

    def __init__(
        self, ticket: str, by_name: str, at: str, changes: list[HistoryRow], message: str
    ) -> None:
        self.ticket = ticket
        self.by_name = by_name
        self.at = at
        self.changes = changes
        super().__init__(message)


class HandedAway(Conflict):
    """The ticket was handed from the engineer to another after the version they were shown:
    the change that took it, told as they may read it, instead of a bare "not assigned to
    you" — they learn who took it and when, and what they typed is theirs to keep."""


_TICKET_COLUMNS = tuple(f.name for f in fields(Ticket))
# Columns that follow from the others (storage.timeline): kept up by every write, not
# shown as changes of their own in the history.
_DERIVED = ("first_completed_at", "completed_engineer", "cancelled_at", "cancel_seen", "timeline")
# What a step records in the ticket's history alone, with no column: each is a row of its
# own ("visited again at: 10:00"), whatever the row before it said, and the ticket reads
# the latest.
_LOGGED = ("revisited_at",)
_LATEST_LOGGED = "".join(
    f", (SELECT h.new FROM ticket_history h WHERE h.ticket = t.code AND h.field = '{name}'"
    f" ORDER BY h.id DESC LIMIT 1) AS {name}"
    for name in _LOGGED
)
_SELECT_TICKET = f"""
    SELECT t.*, e.name AS engineer_name, r.name AS rep_name, {RATING_WAITS} AS rating_held
        {_LATEST_LOGGED}
    FROM tickets t
    LEFT JOIN staff e ON e.code = t.engineer
    LEFT JOIN staff r ON r.code = t.rep
"""


def _now(now: datetime | None) -> datetime:
    return (now or datetime.now()).replace(microsecond=0)


def read_ticket(db: Database, code: str) -> Ticket:
    row = db.execute(_SELECT_TICKET + " WHERE t.code = ?", (code,)).fetchone()
    if row is None:
        raise NotFound(_("There is no ticket {code}.").format(code=code))
    return Ticket(**{name: row[name] for name in _TICKET_COLUMNS})


def _history_rows(db: Database, where: str, params: tuple) -> list[HistoryRow]:
    rows = db.execute(
        f"""
        SELECT h.at, h.by, coalesce(s.name, h.by, '') AS by_name, h.step, h.field, h.old, h.new,
            h.version
        FROM ticket_history h LEFT JOIN staff s ON s.code = h.by
        WHERE {where} ORDER BY h.id
        """,
        params,
    ).fetchall()
    return [HistoryRow(**dict(row)) for row in rows]


# ---------------------------------------------------------------- reading
#
# Everything handed to a person about a ticket — the ticket, its history, the
# message of a conflict — is first cut to what they may read
# (:mod:`fieldkpi.visibility`): an engineer sees no other engineer's name and
# no appraisal event, whichever screen, list or message asks.


def _whole_history(db: Database, code: str) -> list[HistoryRow]:
    return _history_rows(db, "h.ticket = ?", (code,))


def _held(db: Database, code: str) -> list[HeldRating]:
    """The ticket's held ratings, whatever their state, from its own index."""
    return [
        HeldRating(*row)
        for row in db.execute(
            f"SELECT h.recorded_by, h.recorded_at, {RATED}, {ALSO_RATED} FROM held_ratings h"
            " JOIN tickets t ON t.code = h.ticket WHERE h.ticket = ? ORDER BY h.id",
            (code,),
        )
    ]


def _scheme(scheme_for: SchemeFor | None, branch: str) -> Scheme | None:
    """The branch's scheme, or ``None`` when none was given or its file cannot be read (the
    screens that rank say what): then nobody a held rating counts against is told who
    recorded it (:func:`fieldkpi.visibility.history_for`)."""
    try:
        return None if scheme_for is None else scheme_for(branch)
    except (SchemeError, OSError):
        return None


def _seen(
    db: Database, actor: Person, ticket: Ticket, scheme_for: SchemeFor | None
) -> tuple[Ticket, list[HistoryRow]]:
    """The ticket and its history as ``actor`` may read them (:mod:`fieldkpi.visibility`),
    by its branch's scheme (``scheme_for``), read only if it has a held rating."""
    every = _whole_history(db, ticket.code)
    if visibility.sees_all(actor):
        return ticket, every
    held = _held(db, ticket.code)
    scheme = _scheme(scheme_for, ticket.branch) if held else None
    return (
        visibility.ticket_for(actor, ticket, every, held, scheme),
        visibility.history_for(actor, ticket, every, held, scheme),
    )


def _as_seen(db: Database, actor: Person, ticket: Ticket, scheme_for: SchemeFor | None) -> Ticket:
    """The ticket as ``actor`` may read it (:func:`_seen`)."""
    if visibility.sees_all(actor):
        return ticket
    return _seen(db, actor, ticket, scheme_for)[0]


def get_ticket(
    store: Store,
    actor: Person,
    code: str,
    *,
    seen: int | None = None,
    now: datetime | None = None,
    scheme_for: SchemeFor | None = None,
) -> Ticket:
    """The ticket as ``actor`` may read it by its branch's scheme (``scheme_for``, see
    :func:`_seen`); ``seen``: the version a screen showed them, so a ticket handed away
    since is refused as :class:`HandedAway` (who, when; ``now`` says whether that was
    today)."""
    with store.read() as db:
        ticket = read_ticket(db, code)
        _check_sees(db, actor, ticket, seen, _now(now), scheme_for)
        return _as_seen(db, actor, ticket, scheme_for)


def _check_sees(
    db: Database,
    actor: Person,
    ticket: Ticket,
    seen: int | None,
    now: datetime,
    scheme_for: SchemeFor | None,
) -> None:
    """:func:`access.check_see_ticket`, but a ticket handed from the engineer to another since
    the version ``seen`` they were shown is refused with that change (:class:`HandedAway`).

    Only a hand-over away from them says more than "not assigned to you": a
    version typed for a ticket they never held tells nothing of it.
    """
    if seen is not None and not access.can_see_ticket(actor, ticket):
        handed = db.execute(
            "SELECT 1 FROM ticket_history WHERE ticket = ? AND field = 'engineer' AND old = ?"
            " AND version > ? LIMIT 1",
            (ticket.code, actor.code, seen),
        ).fetchone()
        if handed:
            raise _conflict(db, actor, ticket.code, seen, now, scheme_for, handed_away=True)
    access.check_see_ticket(actor, ticket)


def ticket_history(
    store: Store, actor: Person, code: str, scheme: Scheme | None = None
) -> list[HistoryRow]:
    """The changes of the ticket the actor may read, oldest first (all of them for a lead);
    ``scheme``: the branch's, whether it names the reporter of a held rating (:func:`_seen`;
    none, as when its file cannot be read: not named)."""
    with store.read() as db:
        ticket = read_ticket(db, code)
        access.check_see_ticket(actor, ticket)
        return _seen(db, actor, ticket, (lambda _branch: scheme) if scheme else None)[1]


def people_names(store: Store, ticket: Ticket, history: list[HistoryRow]) -> dict[str, str]:
    """The names of the staff the ticket and its history (as the reader was given them) name
    by code, for the ticket screen to show people by name."""
    with store.read() as db:
        return _names(db, {ticket.updated_by, ticket.engineer, ticket.rep} | _people_in(history))


# ---------------------------------------------------------------- writing


def _text(value: object) -> str | None:
    return None if value is None else str(value)


def write_history(
    db: Database,
    code: str,
    at: str,
    by: str,
    step: str,
    changes: list[tuple[str, object, object]],
    version: int | None,
) -> None:
    db.conn.executemany(
        "INSERT INTO ticket_history (ticket, at, by, step, field, old, new, version)"
        " VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
        [(code, at, by, step, f, _text(old), _text(new), version) for f, old, new in changes],
    )


def _record_action(db: Database, staff: str, action: str, code: str, at: str) -> None:
    db.execute(
        "INSERT INTO actions (staff, at, action, ticket) VALUES (?, ?, ?, ?)",
        (staff, at, action, code),
    )


def _update(
    db: Database,
    actor: Person,
    ticket: Ticket,
    version: int,
    step: str,
    changes: Mapping[str, object],
    now: datetime,
    *,
    note: str = "",
    action: str | None = None,
    entered: tuple[str, str] | None = None,
    scheme_for: SchemeFor | None = None,
) -> None:
    """The guarded UPDATE with its history rows and workload action (a stale ``version``:
    :func:`_conflict`, told by the branch's scheme, ``scheme_for``).

    ``entered``: who entered the change and when (a staff code and a stamp), where
    that is not the actor now: a held rating is the rep's, at the time she entered
    it, though it goes on the ticket when the lead approves it.

    A step that changes the holder or the cancellation adds the ticket's state
    from its own time on to its timeline (now, or the dispatch's time typed
    after the fact: the engineer held the ticket from then, and the first
    dispatch's time is the timeline's); the first completion is kept through
    reopens (:mod:`storage.timeline`).
    """
    at = stamp(now)
    before = asdict(ticket)
    after = before | dict(changes)
    if (after["engineer"], after["cancelled"]) != (ticket.engineer, ticket.cancelled):
        since = str(changes.get("dispatched_at") or at)
        record_state(db.conn, before, since, after["engineer"], bool(after["cancelled"]))
        after["timeline"] = 1
    after |= completion_columns(before, after)
    changed = {
        col: after[col]
        for col in (*changes, *_DERIVED)
        if after[col] != before[col] or col in _LOGGED
    }
    columns = {col: value for col, value in changed.items() if col not in _LOGGED}
    sets = "".join(f"{col} = :new_{col}, " for col in columns)
    cursor = db.execute(
        f"UPDATE tickets SET {sets}version = version + 1, updated_at = :at, updated_by = :by"
        " WHERE code = :code AND version = :version",
        {f"new_{col}": value for col, value in columns.items()}
        | {"at": at, "by": actor.code, "code": ticket.code, "version": version},
    )
    if cursor.rowcount == 0:
        raise _conflict(db, actor, ticket.code, version, now, scheme_for)
    history = [
        (col, None if col in _LOGGED else before[col], new)
        for col, new in changed.items()
        if col not in _DERIVED
    ]
    if note:
        history.append(("note", None, note))
    by, when = entered or (actor.code, at)
    write_history(db, ticket.code, when, by, step, history, version + 1)
    if action and changed:  # a rating held for the lead changed nothing yet
        _record_action(db, actor.code, action, ticket.code, at)


Plan = Callable[[Database, Ticket, datetime], Mapping[str, object]]


def _step(
    store: Store,
    actor: Person,
    code: str,
    version: int,
    step: str,
    now: datetime | None,
    plan: Plan,
    *,
    note: str = "",
    action: str | None = None,
    scheme_for: SchemeFor | None = None,
) -> Ticket:
    """One step on one ticket: see → same version → may → plan (status, input) → write;
    ``scheme_for``: the branches' schemes, by which a stale save is told (:func:`_conflict`)."""
    now = _now(now)
    with store.write_as(actor, now) as db:
        ticket = read_ticket(db, code)
        _check_sees(db, actor, ticket, version, now, scheme_for)
        if ticket.version != version:
            raise _conflict(db, actor, code, version, now, scheme_for)
        access.check_step(actor, step, ticket)
        changes = plan(db, ticket, now)
        _update(
            db,
            actor,
            ticket,
            version,
            step,
            changes,
            now,
            note=note,
            action=action,
            scheme_for=scheme_for,
        )
        return _as_seen(db, actor, read_ticket(db, code), scheme_for)


def _conflict(
    db: Database,
    actor: Person,
    code: str,
    version: int,
    now: datetime,
    scheme_for: SchemeFor | None,
    *,
    handed_away=False,
) -> Conflict:
    """What happened to the ticket since ``version``, told as ``actor`` may read it, with
    the names its branch's scheme tells them (``scheme_for``, :func:`_seen`): as its
    history tells it, so that whoever recorded a held rating is someone else to the people
    it counts against where the scheme keeps reporters from them, and named to them where
    it does not; ``handed_away``: it went to another engineer (:class:`HandedAway`)."""
    ticket = read_ticket(db, code)
    shown, seen = _seen(db, actor, ticket, scheme_for)
    missed = [row for row in seen if row.version is not None and row.version > version]
    if missed:
        names = list(dict.fromkeys(row.by_name for row in missed))
        by_name, at = join_list(names), missed[-1].at
    else:  # changed by something that wrote no history, or nothing the actor may read
        by = shown.updated_by
        by_name = visibility.someone_else() if by == visibility.SOMEONE_ELSE else by or ""
        if by:
            by_name = db.execute(
                "SELECT coalesce((SELECT name FROM staff WHERE code = ?), ?)", (by, by_name)
            ).fetchone()[0]
        at = ticket.updated_at
    when = at[11:] if at[:10] == stamp(now)[:10] else at
    names = _names(db, _people_in(missed))
    what = join_clauses(_describe(row, names) for row in _worth_telling(missed))
    if handed_away:  # a hand-over away from them is among what they may read
        message = _(
            "Ticket {code} was changed by {name} at {when}: {what}. It is no longer assigned"
            " to you."
        )
    elif what:
        message = _(
            "Ticket {code} was changed by {name} at {when}: {what}. Your change was not saved."
        )
    else:
        message = _("Ticket {code} was changed by {name} at {when}. Your change was not saved.")
    kind = HandedAway if handed_away else Conflict
    return kind(
        code, by_name, at, missed, message.format(code=code, name=by_name, when=when, what=what)
    )


def _people_in(history: list[HistoryRow]) -> set[str | None]:
    """The values of the history's fields that hold a staff code."""
    return {v for r in history if r.field in visibility.PEOPLE_FIELDS for v in (r.old, r.new)}


def _names(db: Database, codes: set[str | None]) -> dict[str, str]:
    """The name of each staff member ``codes`` names, in one query (no code, the importer or
    someone the reader may not see names nobody)."""
    codes = codes - {None, visibility.SOMEONE_ELSE}
    marks = ", ".join("?" * len(codes))
    return dict(db.execute(f"SELECT code, name FROM staff WHERE code IN ({marks})", [*codes]))


def _worth_telling(history: list[HistoryRow]) -> list[HistoryRow]:
    """The changes a person needs told: a yes/no field set with the status that says as
    much ("cancelled" beside "status dispatched → cancelled") is left out, and so is a
    cancel reason emptied as the ticket was reopened."""
    with_status = {row.version for row in history if row.field == "status"}
    return [
        row
        for row in history
        if not (row.field in FLAGS and row.version in with_status)
        and not (row.field == "cancel_reason" and not row.new)
    ]


def _describe(row: HistoryRow, names: dict[str, str]) -> str:
    """One change as the ticket screen tells it: people by name and code, not a bare code; a
    status and a yes/no field in words; a value given where there was none as "field: value"
    (not "field — → value")."""
    if row.field == "note":
        return _("{field}: {value}").format(field=field_label("note"), value=row.new)
    if row.field in FLAGS:
        return _("{field}: {value}").format(field=field_label(row.field), value=flag_label(row.new))
    old, new = (
        visibility.someone_else()
        if value == visibility.SOMEONE_ELSE
        else f"{names[value]} ({value})"
        if value in names
        else value
        for value in (row.old, row.new)
    )
    if row.field == "status":
        old, new = status_label(old or ""), status_label(new or "")
    label = field_label(row.field or row.step)
    if not old and new:
        return _("{field}: {value}").format(field=label, value=new)
    return f"{label} {old or '—'} → {new or '—'}"


# What a time entered after the fact may not come before, as the message names it.
_BEFORE = {
    "received_at": N_("when it was received"),
    "dispatched_at": N_("when it was dispatched"),
    "reopened": N_("when it was reopened"),
    "visited_at": N_("when the engineer visited"),
    "revisited_at": N_("when the engineer visited again"),
    "completed_at": N_("when it was completed"),
}


_CLOCK = re.compile(r"(\d{1,2}):(\d{2})")


def typed_time(text: str, now: datetime) -> str:
    """A time typed into a form, as stored: a date and time, or ``HH:MM`` alone for today,
    as a call phoned in earlier today is told; digits and colon as any input method types
    them (``１５：３０``). :class:`csvrows.CellError` when it is neither."""
    text = unicodedata.normalize("NFKC", text).strip()
    if clock := _CLOCK.fullmatch(text):
        text = f"{now:%Y-%m-%d} {int(clock[1]):02d}:{clock[2]}"
    return csvrows.timestamp(text)


def _happened(
    store: Store,
    actor: Person,
    ticket: Ticket,
    field: str,
    entered: str | None,
    now: datetime,
    after: tuple[str, ...],
) -> str:
    """When a step happened: as entered after the fact, or now when nothing was entered.

    An engineer who phones in a completion the next morning must not lose a
    timeliness bucket to the delay, so the visit, completion and callback
    times may be typed. They are refused in the future, before the step
    before (the latest of the ticket's times named in ``after``), further back
    than yesterday unless a lead types them (:func:`access.check_typed_day`),
    and in a month already closed for the ticket's branch (it was paid on; an
    admin is told to reopen it, others to ask one). A rep who may not type the
    day at all is told that, not to have its month reopened.
    The history row says who entered it and when (its ``by`` and ``at``).
    """
    when = stamp(now)
    if (entered or "").strip():
        try:
            when = typed_time(entered, now)
        except csvrows.CellError:
            message = _("Enter the time as HH:MM (today) or YYYY-MM-DD HH:MM.")
            raise FieldErrors({field: message}) from None
    if when > stamp(now):
        raise FieldErrors({field: _("The time cannot be in the future.")})
    times = {name: getattr(ticket, name, None) for name in after if name != "reopened"}
    if "reopened" in after:
        times["reopened"] = store.scalar(
            "SELECT max(at) FROM ticket_history WHERE ticket = ? AND step = 'reopen'",
            (ticket.code,),
        )
    latest = max(((t, name) for name, t in times.items() if t), default=None)
    if latest is not None and when < latest[0]:
        message = _("Not before {time}, {what}.")
        raise FieldErrors({field: message.format(time=latest[0], what=_(_BEFORE[latest[1]]))})
    if refused := _typed_day_refusal(actor, when, now):  # before the month: it applies anyway
        raise FieldErrors({field: refused})
    if refused := _closed_refusal(store, actor, ticket.branch, when):
        raise FieldErrors({field: refused})
    return when


def _closed_refusal(store: Store, actor: Person, branch: str, when: str) -> str | None:
    """Why nothing may happen at ``when``: its month (or quarter) is closed for the branch,
    its figures paid on. An admin is told to reopen it, others to ask one."""
    closed = closed_over(store, branch, datetime.fromisoformat(when).date())
    if closed is None:
        return None
    if access.may_reopen_month(actor):
        message = _(
            "{month} is closed: its figures were paid on."
            " Reopen it first: Reopen month (o) on the rankings."
        )
    else:
        message = _("{month} is closed: its figures were paid on. Ask an admin to reopen it.")
    return message.format(month=closed.period)


def _typed_day_refusal(actor: Person, when: str, now: datetime) -> str | None:
    """Why ``actor`` may not type ``when`` as a ticket's time (:func:`access.check_typed_day`)."""
    try:
        access.check_typed_day(actor, datetime.fromisoformat(when).date(), now.date())
    except AccessDenied as exc:
        return str(exc)
    return None


def _required(text: str, field: str, message: str) -> str:
    text = free_text(text, field)
    if not text:
        raise FieldErrors({field: message})
    return text


# ---------------------------------------------------------------- new ticket


def _validate_new(
    actor: Person, fields_: Mapping[str, str], now: datetime
) -> dict[str, str | None]:
    unknown = set(fields_) - set(NEW_TICKET_FIELDS)
    if unknown:
        raise ValueError(f"unknown ticket fields: {', '.join(sorted(unknown))}")
    values = {name: clean_text(fields_.get(name) or "").strip() for name in NEW_TICKET_FIELDS}
    values["customer"] = clean_name(values["customer"])  # a name that looks alike is alike
    values["phone"] = normal_phone(values["phone"])
    errors = length_errors(values)
    required = {
        "customer": _("Enter the customer's name."),
        "phone": _("Enter the customer's phone number."),
        "address": _("Enter the address."),
    }
    for name, message in required.items():
        if not values[name]:
            errors[name] = message
    if values["phone"] and "phone" not in errors and (problem := phone_problem(values["phone"])):
        errors["phone"] = problem
    if not values["kind"]:
        errors["kind"] = _("Choose the kind.")
    elif values["kind"] not in TICKET_KINDS:
        errors["kind"] = _("Choose one of: {kinds}.").format(kinds=join_list(TICKET_KINDS))
    received = stamp(now)
    if values["received_at"]:
        try:
            received = typed_time(values["received_at"], now)
        except csvrows.CellError:
            errors["received_at"] = _(
                "Enter the time received as HH:MM (today) or YYYY-MM-DD HH:MM."
            )
        else:
            if received > stamp(now):
                errors["received_at"] = _("The time received cannot be in the future.")
            elif refused := _typed_day_refusal(actor, received, now):
                errors["received_at"] = refused
    if errors:
        raise FieldErrors(errors)
    values["received_at"] = received
    return {name: value or None for name, value in values.items()}


def _next_code(db: Database, branch: str, now: datetime) -> str:
    """The branch's next code of the day (:func:`fieldkpi.tickets.next_ticket_code`).

    Read in the transaction that inserts it (``write_as`` begins it IMMEDIATE), so
    two people saving at once never get the same number.
    """
    prefix = ticket_code_prefix(branch, now.date())
    taken = db.execute(
        "SELECT code FROM tickets WHERE code >= ? AND code < ?", (prefix, prefix + "\U0010ffff")
    ).fetchall()
    return next_ticket_code(branch, now.date(), (row[0] for row in taken))


def new_ticket(
    store: Store, actor: Person, fields: Mapping[str, str], now: datetime | None = None
) -> Ticket:
    """Take in a ticket (受理) for the actor's branch; the actor becomes its rep if a rep."""
    now = _now(now)
    access.check_may(actor, "create")
    values = _validate_new(actor, fields, now)
    values["status"] = next_status(NEW, "create")
    values["rep"] = actor.code if actor.role == "rep" else None
    at = stamp(now)
    with store.write_as(actor, now) as db:
        # In the write: a closing saved meanwhile is seen (a ticket of a paid month counts in it).
        if refused := _closed_refusal(store, actor, actor.branch, values["received_at"]):
            raise FieldErrors({"received_at": refused})
        code = _next_code(db, actor.branch, now)
        db.execute(
            """
            INSERT INTO tickets (code, branch, kind, status, received_at, customer, phone,
                address, product, fault, rep, updated_at, updated_by, version)
            VALUES (:code, :branch, :kind, :status, :received_at, :customer, :phone,
                :address, :product, :fault, :rep, :at, :by, 1)
            """,
            values | {"code": code, "branch": actor.branch, "at": at, "by": actor.code},
        )
        history = [(name, None, value) for name, value in values.items() if value is not None]
        write_history(db, code, at, actor.code, "create", history, 1)
        _record_action(db, actor.code, "intake", code, at)
        return read_ticket(db, code)


# ---------------------------------------------------------------- the steps


def _engineer_problem(db: Database, branch: str, code: str, now: datetime) -> str | None:
    """Why ``code`` cannot take tickets of ``branch`` now, or None if they can."""
    row = db.execute(
        "SELECT code, name, branch, role, hired_on, left_on FROM staff WHERE code = ?", (code,)
    ).fetchone()
    if row is None or row["branch"] != branch:
        return _("Pick an engineer of this branch.")
    person = person_from_row(row)
    if person.role != "engineer":
        return _("{name} is not an engineer.").format(name=person.name)
    if not employed_on(person, now.date()):
        return _("{name} does not work here now.").format(name=person.name)
    return None


def _dispatch_changes(status: str, engineer: str, when: str) -> dict[str, object]:
    return {"status": status, "engineer": engineer, "dispatched_at": when}


def dispatch(
    store: Store,
    actor: Person,
    code: str,
    version: int,
    engineer: str,
    now: datetime | None = None,
    at: str | None = None,
    *,
    scheme_for: SchemeFor | None = None,
) -> Ticket:
    """Dispatch (派工) or re-dispatch to another engineer of the branch, at ``at`` if not now.

    A call taken last night and dispatched then, but recorded this morning,
    is dated when it was dispatched, as a visit or completion phoned in later
    is (:func:`_happened`): the engineer's visit of last night comes after it.
    A re-dispatch comes after every step the ticket had (the engineer holds it
    from then on: :func:`_update`). Both problems, the engineer's and the
    time's, are said at once.
    """

    def plan(db: Database, ticket: Ticket, now: datetime) -> dict[str, object]:
        status = next_status(ticket.status, "dispatch")

        def chosen() -> str:
            problem = _engineer_problem(db, ticket.branch, engineer, now)
            if problem is None and engineer == ticket.engineer:
                problem = _("This ticket is already with {name}.").format(name=ticket.engineer_name)
            if problem:
                raise FieldErrors({"engineer": problem})
            return engineer

        after = ("received_at", "dispatched_at", "visited_at", "revisited_at", "reopened")
        fields = each_field(
            engineer=chosen,
            dispatched_at=lambda: _happened(store, actor, ticket, "dispatched_at", at, now, after),
        )
        return {"status": status, **fields}

    return _step(
        store, actor, code, version, "dispatch", now, plan, action="dispatch", scheme_for=scheme_for
    )


def record_visit(
    store: Store,
    actor: Person,
    code: str,
    version: int,
    now: datetime | None = None,
    at: str | None = None,
    *,
    scheme_for: SchemeFor | None = None,
) -> Ticket:
    """The engineer was at the customer's (``at``, if not now).

    The first visit is the ticket's ``visited_at``: a ticket's visit counts once, in the
    month it happened (kpi-rules §2), and a month closed since keeps it. A visit to a
    ticket visited already — the engineer back with the parts, another engineer's after a
    re-dispatch, the rework after a reopen — is a return visit: kept with the time given
    as a row of the history of its own (``revisited_at``), which the ticket screen shows to
    whoever made it, and not before the visit before it.

    ``scheme_for``, here and in every step: the branches' schemes, by which a save made
    from a stale version is told (:func:`_conflict`); none, not told who recorded a held
    rating."""

    def plan(db: Database, ticket: Ticket, now: datetime) -> dict[str, object]:
        status = next_status(ticket.status, "visit")
        after = ("received_at", "dispatched_at", "visited_at", "revisited_at", "reopened")
        when = _happened(store, actor, ticket, "visited_at", at, now, after)  # the form's When
        return {"status": status, "revisited_at" if ticket.visited_at else "visited_at": when}

    return _step(store, actor, code, version, "visit", now, plan, scheme_for=scheme_for)


def await_parts(
    store: Store,
    actor: Person,
    code: str,
    version: int,
    note: str = "",
    now: datetime | None = None,
    *,
    scheme_for: SchemeFor | None = None,
) -> Ticket:
    def plan(db: Database, ticket: Ticket, now: datetime) -> dict[str, object]:
        return {"status": next_status(ticket.status, "await_parts")}

    text = free_text(note, "note")
    return _step(
        store, actor, code, version, "await_parts", now, plan, note=text, scheme_for=scheme_for
    )


def complete(
    store: Store,
    actor: Person,
    code: str,
    version: int,
    resolution: str,
    now: datetime | None = None,
    at: str | None = None,
    *,
    scheme_for: SchemeFor | None = None,
) -> Ticket:
    """Completion (反馈完单) with how the fault was resolved, at ``at`` if not now."""

    def plan(db: Database, ticket: Ticket, now: datetime) -> dict[str, object]:
        status = next_status(ticket.status, "complete", has_engineer=bool(ticket.engineer))
        after = ("received_at", "dispatched_at", "visited_at", "revisited_at", "reopened")
        return {"status": status} | each_field(
            completed_at=lambda: _happened(store, actor, ticket, "completed_at", at, now, after),
            resolution=lambda: _required(
                resolution, "resolution", _("Describe how the fault was resolved.")
            ),
        )

    return _step(
        store, actor, code, version, "complete", now, plan, action="complete", scheme_for=scheme_for
    )


def cancel(
    store: Store,
    actor: Person,
    code: str,
    version: int,
    reason: str,
    now: datetime | None = None,
    *,
    scheme_for: Callable[[str], Scheme],
) -> Ticket:
    """Cancelled (the customer withdrew); a ticket past its branch's open limit
    (``scheme_for(branch)``), or one completed before and reopened since, is the lead's
    to cancel (:func:`access.check_lifecycle`)."""

    def plan(db: Database, ticket: Ticket, now: datetime) -> dict[str, object]:
        access.check_lifecycle(actor, "cancel", ticket, now.date(), scheme_for(ticket.branch))
        status = next_status(ticket.status, "cancel")
        text = _required(reason, "cancel_reason", _("Say why the ticket is cancelled."))
        return {
            "status": status,
            "cancelled": 1,
            "cancel_reason": text,
            "cancelled_at": stamp(now),
            "cancel_seen": 1,
        }

    return _step(store, actor, code, version, "cancel", now, plan, scheme_for=scheme_for)


def reopen(
    store: Store,
    actor: Person,
    code: str,
    version: int,
    reason: str,
    now: datetime | None = None,
    *,
    scheme_for: Callable[[str], Scheme],
) -> Ticket:
    """Back to its engineer (or to the queue if it has none); completion and cancellation
    undone. A ticket cancelled before its branch's current period (``scheme_for(branch)``),
    or one whose low rating waits for the lead, is the lead's to reopen
    (:func:`access.check_lifecycle`)."""

    def plan(db: Database, ticket: Ticket, now: datetime) -> dict[str, object]:
        status = next_status(
            ticket.status,
            "reopen",
            has_engineer=bool(ticket.engineer),
            called_back=ticket.callback_at is not None,
        )
        access.check_lifecycle(actor, "reopen", ticket, now.date(), scheme_for(ticket.branch))
        _required(reason, "note", _("Say why the ticket is reopened."))
        return {
            "status": status,
            "completed_at": None,
            "cancelled": 0,
            "cancel_reason": None,
            "cancelled_at": None,
        }

    text = free_text(reason, "note")
    return _step(store, actor, code, version, "reopen", now, plan, note=text, scheme_for=scheme_for)


@dataclass(frozen=True)
class Callback:
    """A callback saved (:func:`record_callback`): the ticket after it, and its rating as read
    here; ``held``: the rating waits for the lead's review (the ticket stays completed, the
    rating on no ticket yet), so a form tells it from this, never parsing what was typed again."""

    ticket: Ticket
    rating: int
    held: bool


def record_callback(
    store: Store,
    actor: Person,
    code: str,
    version: int,
    rating: int | str,
    comment: str = "",
    now: datetime | None = None,
    at: str | None = None,
    *,
    scheme_for: Callable[[str], Scheme],
) -> Callback:
    """The customer's callback (回访): a rating 1–5 and what they said, at ``at`` if not now.

    The rating is a number, or the text typed into a form (:func:`_rating`), so
    that a rating refused is said with the time's and the comment's problems;
    the :class:`Callback` returned gives it as read, counted or held.

    A rating that lowers someone's satisfaction, recorded by a rep
    (:func:`access.rating_needs_review` by ``scheme_for(branch)``), is held
    for the lead: the ticket stays completed, only its version moves (so a
    second callback saved meanwhile conflicts), and the rating counts, with
    the recorder's workload action, when the lead approves it
    (:func:`approve_held_rating`). Until the lead decides, nobody else
    records a callback of the ticket.
    """

    read, held = 0, False  # the rating as the plan read it, and whether it held it

    def plan(db: Database, ticket: Ticket, now: datetime) -> dict[str, object]:
        nonlocal read, held
        status = next_status(ticket.status, "callback")
        if ticket.rating_held:
            raise StepRefused(_(RATING_HELD))
        changes = {"status": status} | each_field(
            callback_at=lambda: _happened(
                store, actor, ticket, "callback_at", at, now, ("completed_at",)
            ),
            rating=lambda: _rating(rating),
            callback_note=lambda: free_text(comment, "callback_note") or None,
        )
        read = changes["rating"]
        scheme = scheme_for(ticket.branch)
        held = bool(ticket.rep or ticket.engineer) and access.rating_needs_review(
            actor, read, scheme
        )
        if held:
            _hold_rating(db, actor, ticket, changes, now)
            return {}
        return changes

    ticket = _step(
        store, actor, code, version, "callback", now, plan, action="callback", scheme_for=scheme_for
    )
    return Callback(ticket, read, held)


def _rating(rating: int | str) -> int:
    """A callback's rating, 1 to 5: a number, or as typed (:func:`typed_rating`: ``2.5`` or
    ``45`` is refused, never cut down to a digit)."""
    if isinstance(rating, str):
        try:
            return typed_rating(rating)
        except ValueError as exc:
            raise FieldErrors({"rating": str(exc)}) from None
    if isinstance(rating, bool) or not isinstance(rating, int) or not 1 <= rating <= 5:
        raise FieldErrors({"rating": _("Give a rating from 1 to 5.")})
    return rating


APPROVED = "approve_rating"  # the history's step of a lead's approval of a held rating
RATING_HELD = N_("This ticket's callback was recorded and waits for the lead's review.")


def _hold_rating(
    db: Database, actor: Person, ticket: Ticket, changes: Mapping[str, object], now: datetime
) -> None:
    """The callback kept for the lead's review (m017), noted in the ticket's history."""
    at = stamp(now)
    db.execute(
        "INSERT INTO held_ratings (ticket, at, rating, note, recorded_by, recorded_at)"
        " VALUES (?, ?, ?, ?, ?, ?)",
        (
            ticket.code,
            changes["callback_at"],
            changes["rating"],
            changes["callback_note"],
            actor.code,
            at,
        ),
    )
    fields = ("callback_at", "rating", "callback_note")
    rows = [(name, None, changes[name]) for name in fields if changes[name] is not None]
    write_history(db, ticket.code, at, actor.code, "hold_rating", rows, ticket.version + 1)


def approve_held_rating(db: Database, actor: Person, held: int, now: datetime) -> None:
    """The lead's approval puts the held callback on its ticket, as recorded.

    The ticket is called back at the time the rep gave, with their rating and
    comment; the workload action of the call is the rep's, at that time. Its
    history keeps who entered the callback and when (the rep, when she entered
    it: :func:`fieldkpi.visibility.history_for` hides her where the scheme keeps
    reporters from the person concerned), and the approval as a line of its own, the lead's. The
    ticket must still be completed, and by the work the customer rated: reopened
    since (even if completed again), the rating is of work that was redone and is
    rejected instead. (Its month is open: a month is not closed while a rating of
    it waits, :func:`storage.event_rows.undecided`.)
    """
    row = db.execute("SELECT * FROM held_ratings WHERE id = ?", (held,)).fetchone()
    ticket = read_ticket(db, row["ticket"])
    if ticket.status != "completed":
        raise StepRefused(
            _("Ticket {code} is {status} now: reject the rating instead.").format(
                code=ticket.code, status=status_label(ticket.status)
            )
        )
    redone = db.execute(
        """
        SELECT 1 FROM ticket_history WHERE ticket = :code AND id > (
            SELECT max(id) FROM ticket_history WHERE ticket = :code AND step = 'hold_rating')
          AND (step = 'reopen' OR field = 'completed_at') LIMIT 1
        """,
        {"code": ticket.code},
    ).fetchone()
    if redone:
        raise StepRefused(
            _(
                "Ticket {code} was reopened after the rating was recorded: reject the rating"
                " instead."
            ).format(code=ticket.code)
        )
    changes = {
        "status": next_status(ticket.status, "callback"),
        "callback_at": row["at"],
        "rating": row["rating"],
        "callback_note": row["note"],
    }
    entered = (row["recorded_by"], row["recorded_at"])
    _update(db, actor, ticket, ticket.version, "callback", changes, now, entered=entered)
    approval = [(None, None, None)]  # a line of its own: the lead's, now
    write_history(db, ticket.code, stamp(now), actor.code, APPROVED, approval, ticket.version + 1)
    _record_action(db, row["recorded_by"], "callback", ticket.code, row["at"])


def bulk_redispatch(
    store: Store,
    actor: Person,
    from_engineer: str,
    to_engineers: list[str],
    now: datetime | None = None,
) -> dict[str, str]:
    """Move every open ticket of one engineer to others, in one transaction.

    Oldest ticket first, each to whichever of ``to_engineers`` has the fewest
    open tickets at that moment (ties: the order given). Each move is a
    re-dispatch with its own history rows and workload action.
    """
    now = _now(now)
    access.check_may(actor, "dispatch")
    with store.write_as(actor, now) as db:
        errors: dict[str, str] = {}
        source = db.execute(
            "SELECT branch, role FROM staff WHERE code = ?", (from_engineer,)
        ).fetchone()
        if source is None or source["branch"] != actor.branch or source["role"] != "engineer":
            errors["from_engineer"] = _("Pick an engineer of this branch.")
        targets = list(dict.fromkeys(to_engineers))
        problems = [_engineer_problem(db, actor.branch, code, now) for code in targets]
        if not targets or from_engineer in targets:
            errors["to_engineers"] = _("Pick at least one other engineer to take the tickets.")
        elif any(problems):
            errors["to_engineers"] = next(p for p in problems if p)
        if errors:
            raise FieldErrors(errors)
        load = dict.fromkeys(targets, 0)
        for row in db.execute(
            f"SELECT engineer, count(*) FROM tickets WHERE {OPEN_TICKET} AND engineer IN"
            f" ({', '.join('?' * len(targets))}) GROUP BY engineer",
            targets,
        ):
            load[row[0]] = row[1]
        moving = db.execute(
            _SELECT_TICKET + f" WHERE t.engineer = ? AND t.{OPEN_TICKET}"
            " ORDER BY t.received_at, t.id",
            (from_engineer,),
        ).fetchall()
        moved: dict[str, str] = {}
        for row in moving:
            ticket = Ticket(**{name: row[name] for name in _TICKET_COLUMNS})
            access.check_step(actor, "dispatch", ticket)
            to = min(targets, key=lambda code: load[code])
            status = next_status(ticket.status, "dispatch")
            changes = _dispatch_changes(status, to, stamp(now))
            _update(db, actor, ticket, ticket.version, "dispatch", changes, now, action="dispatch")
            load[to] += 1
            moved[ticket.code] = to
        return moved
