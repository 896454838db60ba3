"""Open tickets still in the name of people who have left (kpi-rules §6).

They count against nobody (:func:`storage.measures.open_holder`), so nothing in
the rankings would show them going stale.

- An engineer's are the lead's to re-dispatch: they are listed to whoever hands
  tickets on — the branch's reps and lead, an admin — on the queue, and to those
  who see the branch's rankings there and on ``fieldkpi rank``.
- A rep's stay in the rep's name (a ticket's rep has no re-dispatch step); its
  engineer still works it, but no rep is charged when it goes stale. Those who
  see the branch's rankings are told, there and on ``fieldkpi rank``, so that
  another rep follows them up; the queue marks the rep (:mod:`storage.queue`).

An engineer is never told of anyone else's. Someone has left from the day after
their leaving day (:mod:`fieldkpi.employment`). Each leaver's open tickets are
read through the open-tickets index by engineer (or rep), so the cost is that of
the few tickets listed, whatever the size of the tickets table.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from fieldkpi import access
from fieldkpi.figures import Person
from storage.db import Store
from storage.employment import has_left_sql
from storage.measures import person_from_row
from storage.migrations import OPEN_TICKET

# The engineers of a branch who have left: the queue's filter reads their tickets by index.
LEFT_ENGINEERS = (
    "SELECT code FROM staff WHERE branch = :branch AND role = 'engineer'"
    f" AND {has_left_sql('left_on', ':today')}"
)
# The index of each role's open tickets by the person they are in the name of.
_OPEN_BY = {"engineer": "tickets_engineer_open_activity", "rep": "tickets_rep_open_activity"}


@dataclass(frozen=True)
class LeftHolder:
    """Someone who has left and the codes of the open tickets still in their name."""

    person: Person
    tickets: tuple[str, ...]  # oldest received first


def left_holders(store: Store, actor: Person | None, branch: str, today: date) -> list[LeftHolder]:
    """The branch's engineers who left before ``today`` with open tickets, by staff code.

    Only for whom works the branch's tickets (:func:`fieldkpi.access.can_work_ticket`);
    anyone else, an engineer first of all, gets an empty list. ``actor`` None is the
    database's owner (``fieldkpi rank`` without ``--as``), who sees every branch.
    """
    if actor is not None and not access.can_work_ticket(actor, branch):
        return []
    return _left_with_open_tickets(store, branch, "engineer", today)


def left_reps(store: Store, actor: Person | None, branch: str, today: date) -> list[LeftHolder]:
    """The branch's reps who left before ``today`` with open tickets as their rep, by code.

    Only for whom sees the branch's rankings (its lead, an admin; ``actor`` None:
    the database's owner): nobody re-dispatches these, the lead sees they are
    followed up.
    """
    if actor is not None and not access.can_see_rankings(actor, branch):
        return []
    return _left_with_open_tickets(store, branch, "rep", today)


def _left_with_open_tickets(store: Store, branch: str, role: str, today: date) -> list[LeftHolder]:
    rows = store.query(
        f"""
        SELECT s.code, s.name, s.branch, s.role, s.hired_on, s.left_on, t.code AS ticket
        FROM staff s INDEXED BY staff_branch_role
        JOIN tickets t INDEXED BY {_OPEN_BY[role]}
          ON t.{role} = s.code AND t.{OPEN_TICKET}
        WHERE s.branch = :branch AND s.role = :role AND {has_left_sql("s.left_on", ":today")}
          AND t.branch = :branch
        ORDER BY s.code, t.received_at, t.code
        """,
        {"branch": branch, "role": role, "today": today.isoformat()},
    )
    held: dict[str, tuple[Person, list[str]]] = {}
    for row in rows:
        held.setdefault(row["code"], (person_from_row(row), []))[1].append(row["ticket"])
    return [LeftHolder(person, tuple(codes)) for person, codes in held.values()]


def left_ticket_count(holders: list[LeftHolder]) -> int:
    return sum(len(h.tickets) for h in holders)
