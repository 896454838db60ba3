"""The ticket queue: one page at a time, straight from an index, on any number of tickets.

Pages are cut by keyset (the last row's ``(updated_at, id)``), never by
OFFSET, so page 1000 costs what page 1 costs. Every shape of the query walks
one index in activity order (chosen with ``INDEXED BY``, so the plan does not
depend on the planner's mood), reading only the rows it returns plus those the
filters skip.

Search by text looks at three prefixes: ticket code, phone, customer name
(whatever the case of its Latin letters); and four digits are also the end of
a phone (手机尾号, how a call centre finds a caller: "the number ending 0005").
When they match few tickets in the branch (counted cheaply, up to a cap), the
matches are gathered from their own indexes and sorted; when they match many,
walking the activity order finds a page of them quickly anyway.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, fields
from datetime import date, datetime

from fieldkpi import access
from fieldkpi.employment import has_left
from fieldkpi.figures import Person
from fieldkpi.scheme import default_scheme
from fieldkpi.tickets import age_bucket, age_days, normal_phone, phone_start
from storage.db import Store
from storage.event_rows import RATING_WAITS
from storage.leavers import LEFT_ENGINEERS
from storage.migrations import OPEN_TICKET, PHONE_TAIL_DIGITS

# A search matching at most this many tickets of the branch is gathered by its
# own indexes and sorted; a broader one walks the activity order instead.
SEARCH_SET_LIMIT = 2000

_SEARCH_INDEXES = {
    "code": "tickets_branch_code",
    "phone": "tickets_branch_phone",
    "customer": "tickets_branch_customer",
    "tail": "tickets_branch_phone_tail",
}
# A column compared in its index's collation, so the range reads that index: a customer's
# name in NOCASE (m019), so ``li lei`` finds ``Li Lei``.
_COLLATE = {"customer": " COLLATE NOCASE"}
_PHONE_PREFIX = re.compile(r"^[0-9+\-]+$")
_PHONE_TAIL = re.compile(rf"^[0-9]{{{PHONE_TAIL_DIGITS}}}$")
_TOP = "\U0010ffff"  # sorts after every character: prefix ≤ text < prefix + _TOP
_COLUMNS = f"""
    t.id, t.code, t.status, t.received_at, t.updated_at, t.completed_at, t.cancelled_at,
    CASE WHEN :whole_shown THEN t.first_completed_at END AS first_completed_at, t.kind,
    t.customer, t.phone, t.address, e.name AS engineer_name, e.left_on AS engineer_left_on,
    t.rep, r.name AS rep_name, r.left_on AS rep_left_on,
    (:whole_shown AND {RATING_WAITS}) AS rating_held
"""
_NAMES = """
    LEFT JOIN staff e ON e.code = t.engineer
    LEFT JOIN staff r ON r.code = t.rep
"""
_ORDER = "ORDER BY t.updated_at DESC, t.id DESC LIMIT :limit"


@dataclass(frozen=True)
class QueueFilter:
    status: str | None = None
    kind: str | None = None
    engineer: str | None = None
    mine: bool = False  # tickets the actor is the rep of
    text: str = ""
    include_closed: bool = False  # completed, called back and cancelled too
    left_holders: bool = False  # only tickets held by engineers who have left (kpi-rules §6)


@dataclass(frozen=True)
class QueueRow:
    id: int
    code: str
    status: str
    received_at: str
    updated_at: str
    cancelled_at: str | None  # access: a rep reopens only what was cancelled this period
    first_completed_at: str | None  # access: a ticket once completed is the lead's to cancel
    kind: str
    customer: str | None
    phone: str | None
    address: str | None
    engineer_name: str | None
    rep: str | None  # the rep's code (access: nobody records their own ticket's callback)
    rep_name: str | None
    rating_held: bool  # a rep's low rating waits for the lead: nobody calls the customer again
    age_days: int  # counted as the timeliness day: received today is day 1
    bucket: str  # "d1".."d7", "late", "open30": where it lands if completed today
    engineer_left: bool  # its engineer has left: the ticket must be re-dispatched (§6)
    rep_left: bool  # its rep has left: another rep follows it up (§6)


_DERIVED = ("age_days", "bucket", "engineer_left", "rep_left")
_ROW_COLUMNS = tuple(f.name for f in fields(QueueRow) if f.name not in _DERIVED)


def queue_page(
    store: Store,
    actor: Person,
    filt: QueueFilter,
    after: tuple[str, int] | None = None,
    limit: int = 50,
    now: datetime | None = None,
) -> list[QueueRow]:
    """The next ``limit`` tickets after ``after`` (the last row's updated_at, id), newest first."""
    return _rows(store, *page_query(store, actor, filt, after, limit, now), now)


def count_open(store: Store, actor: Person) -> int:
    scope = access.ticket_scope(actor)
    if scope.engineer:
        sql = f"SELECT count(*) FROM tickets WHERE engineer = ? AND {OPEN_TICKET}"
        return store.scalar(sql, (scope.engineer,))
    sql = f"SELECT count(*) FROM tickets WHERE branch = ? AND {OPEN_TICKET}"
    return store.scalar(sql, (scope.branch,))


def page_query(
    store: Store,
    actor: Person,
    filt: QueueFilter,
    after: tuple[str, int] | None = None,
    limit: int = 50,
    now: datetime | None = None,
) -> tuple[str, dict]:
    """The SQL and parameters of one queue page (tests check its plan uses indexes).

    Tickets held by engineers who have left (before ``now``'s day) are read
    through the engineer index, for each of those few engineers.
    """
    scope = access.ticket_scope(actor)
    where, params = _in_scope(scope)
    leavers = filt.left_holders and not scope.engineer
    if leavers:
        where.append(f"t.engineer IN ({LEFT_ENGINEERS})")
        params["today"] = (now or datetime.now()).date().isoformat()
    params["limit"] = limit
    open_only = not filt.include_closed and filt.status is None
    if open_only:
        where.append(f"t.{OPEN_TICKET}")
    rep = actor.code if filt.mine and not scope.engineer else None
    equal = {"status": filt.status, "kind": filt.kind, "engineer": filt.engineer, "rep": rep}
    for column, value in equal.items():
        if value:
            where.append(f"t.{column} = :{column}")
            params[column] = value
    if after is not None:
        where.append("(t.updated_at, t.id) < (:after_at, :after_id)")
        params["after_at"], params["after_id"] = after
    ranges = _text_ranges(filt.text)
    match = []
    for i, (column, text) in enumerate(ranges):
        match.append(_matching(column, text, i, params))
    conditions = " AND ".join(where)
    if ranges and not scope.engineer and _few_matches(store, ranges, params):
        found = " UNION ".join(
            f"SELECT id FROM tickets AS t INDEXED BY {_SEARCH_INDEXES[column]}"
            f" WHERE t.branch = :branch AND {match[i]}"
            for i, (column, _prefix) in enumerate(ranges)
        )
        sql = f"""
            WITH found(id) AS MATERIALIZED ({found})
            SELECT {_COLUMNS} FROM found CROSS JOIN tickets AS t ON t.id = found.id {_NAMES}
            WHERE {conditions} {_ORDER}
        """
        return sql, params
    if match:
        conditions += " AND (" + " OR ".join(f"({m})" for m in match) + ")"
    index = _activity_index(
        engineer=bool(filt.engineer or scope.engineer or leavers),
        mine=rep is not None,
        status=bool(filt.status),
        open_only=open_only,
    )
    sql = f"""
        SELECT {_COLUMNS} FROM tickets AS t INDEXED BY {index} {_NAMES}
        WHERE {conditions} {_ORDER}
    """
    return sql, params


def _in_scope(scope: access.TicketScope) -> tuple[list[str], dict[str, object]]:
    """The conditions on ``t`` (and their parameters) that keep a query to what ``scope`` sees.

    An engineer's rows (``whole_shown``) do not mark a rep's rating of their ticket
    that waits for the lead (their F6 and the ticket's screen tell of it, in the
    words the scheme allows), nor say when the ticket was first completed, perhaps
    by whoever held it before: the ticket's own fields are hidden from them alike
    (:func:`fieldkpi.visibility.ticket_for`).
    """
    where, params = ["t.branch = :branch"], {"branch": scope.branch, "whole_shown": 1}
    if scope.engineer:
        where.append("t.engineer = :own")
        params |= {"own": scope.engineer, "whole_shown": 0}
    return where, params


def _rows(store: Store, sql: str, params: dict, now: datetime | None) -> list[QueueRow]:
    """The tickets a query finds, each aged as of ``now``'s day."""
    today = (now or datetime.now()).date()
    open_days = default_scheme().open_days
    return [_row(row, today, open_days) for row in store.query(sql, params)]


def _activity_index(*, engineer: bool, mine: bool, status: bool, open_only: bool) -> str:
    """The index whose order is the queue's order and whose leading column narrows most."""
    if engineer:
        base = "tickets_engineer"
    elif mine:
        base = "tickets_rep"
    elif status:
        return "tickets_branch_status_activity"
    else:
        return "tickets_open_activity" if open_only else "tickets_branch_activity"
    return f"{base}_open_activity" if open_only else f"{base}_activity"


def _text_ranges(text: str) -> list[tuple[str, str]]:
    """(column, text) pairs a search text is looked up by: prefixes, and a phone's last digits."""
    text = text.strip()
    if not text:
        return []
    ranges = [("code", text)]
    if text.upper() != text:
        ranges.append(("code", text.upper()))
    start = phone_start(text)
    if _PHONE_PREFIX.match(start):
        ranges.append(("phone", start))
    phone = normal_phone(text)  # four digits as typed, not a mobile's start after +86
    if _PHONE_TAIL.match(phone):
        ranges.append(("tail", phone))
    ranges.append(("customer", text))
    return ranges


def _matching(column: str, text: str, i: int, params: dict) -> str:
    """The condition of one (column, text) pair, its parameters added to ``params``."""
    if column == "tail":
        params[f"tail{i}"] = text
        return f"substr(t.phone, -{PHONE_TAIL_DIGITS}) = :tail{i}"
    params[f"lo{i}"], params[f"hi{i}"] = text, text + _TOP
    value = f"t.{column}{_COLLATE.get(column, '')}"
    return f"{value} >= :lo{i} AND {value} < :hi{i}"


def _few_matches(store: Store, ranges: list[tuple[str, str]], params: dict) -> bool:
    """Whether the searches match at most SEARCH_SET_LIMIT tickets of the branch.

    Each count stops at the cap, so a broad prefix costs no more than a narrow one.
    """
    counts = " + ".join(
        f"(SELECT count(*) FROM (SELECT 1 FROM tickets AS t INDEXED BY {_SEARCH_INDEXES[column]}"
        f" WHERE t.branch = :branch AND {_matching(column, text, i, params)}"
        " LIMIT :cap))"
        for i, (column, text) in enumerate(ranges)
    )
    return store.scalar(f"SELECT {counts}", params | {"cap": SEARCH_SET_LIMIT + 1}) <= (
        SEARCH_SET_LIMIT
    )


def _row(row, today: date, open_days: int) -> QueueRow:
    received = date.fromisoformat(row["received_at"][:10])
    if row["completed_at"]:
        end, still_open = date.fromisoformat(row["completed_at"][:10]), False
    elif row["status"] == "cancelled":
        end, still_open = date.fromisoformat(row["updated_at"][:10]), False
    else:
        end, still_open = today, True
    age = age_days(received, end)
    values = {name: row[name] for name in _ROW_COLUMNS} | {"rating_held": bool(row["rating_held"])}
    return QueueRow(
        **values,
        age_days=age,
        bucket=age_bucket(age, open_days, still_open=still_open),
        engineer_left=_left(row["engineer_left_on"], today),
        rep_left=_left(row["rep_left_on"], today),
    )


def _left(left_on: str | None, today: date) -> bool:
    return has_left(date.fromisoformat(left_on) if left_on else None, today)


CALLER_TICKETS = 5  # the caller's latest tickets a new ticket form shows


def caller_tickets(
    store: Store, actor: Person, phone: str, now: datetime | None = None
) -> list[QueueRow]:
    """The latest tickets of the branch with this very phone, newest first (open or not).

    For the new-ticket form: a caller who already has an open ticket is
    probably calling about it, and a known caller's address need not be
    typed again. Read through the (branch, phone) index, within what the
    person may see.
    """
    phone = normal_phone(phone)
    if not phone:
        return []
    where, params = _in_scope(access.ticket_scope(actor))
    params |= {"phone": phone, "limit": CALLER_TICKETS}
    sql = f"""
        SELECT {_COLUMNS} FROM tickets AS t INDEXED BY tickets_branch_phone {_NAMES}
        WHERE {" AND ".join(where)} AND t.phone = :phone
        ORDER BY t.received_at DESC, t.id DESC LIMIT :limit
    """
    return _rows(store, sql, params, now)
