"""Open tickets still held by engineers who have left: the lead's to re-dispatch (kpi-rules §6).

They count against nobody (:func:`storage.measures.open_holder`), so nothing in
the rankings would show them going stale: they are listed to whoever hands
tickets on — the branch's reps and lead, an admin — on the queue, and to those who
see the branch's rankings there and on ``fieldkpi rank``. An engineer is never told
of anyone else's.

Someone has left from the day after their leaving day (the day itself is a
working day, as signing in and saving have it: :mod:`fieldkpi.employment`).
Each leaver's open tickets are read through the open-tickets index by engineer,
so the cost is that of the few tickets listed, whatever the size of the tickets
table.
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


@dataclass(frozen=True)
class LeftHolder:
    """An engineer who has left and the codes of the open tickets still in their name."""

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
    rows = store.query(
        f"""
        SELECT s.code, s.name, s.branch, s.role, s.hired_on, s.left_on, t.code AS ticket
        FROM staff s INDEXED BY staff_branch_role
        JOIN tickets t INDEXED BY tickets_engineer_open_activity
          ON t.engineer = s.code AND t.{OPEN_TICKET}
        WHERE s.branch = :branch AND s.role = 'engineer'
          AND {has_left_sql("s.left_on", ":today")}
          AND t.branch = :branch
        ORDER BY s.code, t.received_at, t.code
        """,
        {"branch": branch, "today": today.isoformat()},
    )
    held: dict[str, tuple[Person, list[str]]] = {}
    for row in rows:
        held.setdefault(row["code"], (person_from_row(row), []))[1].append(row["ticket"])
    return [LeftHolder(person, tuple(codes)) for person, codes in held.values()]


def left_ticket_count(holders: list[LeftHolder]) -> int:
    return sum(len(h.tickets) for h in holders)
