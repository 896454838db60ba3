"""Staff as the rest of the program sees them: who is signed in, who can be picked."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from fractions import Fraction

from fieldkpi import access, kpi
from fieldkpi.figures import Person, TicketCounts
from fieldkpi.period import Period, judge
from fieldkpi.scheme import Scheme, default_scheme
from storage.db import Store
from storage.employment import hired_by_sql, still_here_sql
from storage.measures import person_from_row, timeliness_counts, window
from storage.migrations import OPEN_TICKET

_PERSON_COLUMNS = "code, name, branch, role, hired_on, left_on"


@dataclass(frozen=True)
class EngineerLoad:
    """One line of the dispatch picker: how busy and how timely an engineer is."""

    person: Person
    open_tickets: int
    timeliness: Fraction | None  # this month so far; None when they have no orders yet


def staff_by_login(store: Store, login: str) -> Person | None:
    rows = store.query(f"SELECT {_PERSON_COLUMNS} FROM staff WHERE login = ?", (login,))
    return person_from_row(rows[0]) if rows else None


def staff_by_code(store: Store, code: str) -> Person | None:
    rows = store.query(f"SELECT {_PERSON_COLUMNS} FROM staff WHERE code = ?", (code,))
    return person_from_row(rows[0]) if rows else None


def branch_staff(
    store: Store,
    branch: str,
    role: str | None = None,
    *,
    on: date | None = None,
    since: date | None = None,
) -> list[Person]:
    """The branch's staff (of one role) working on ``on``, by staff code: hired by then and
    not yet left (:mod:`fieldkpi.employment`: their leaving day is a day worked). By code,
    as every list of people is: Chinese names in code-point order follow no order a person
    knows.

    ``since``: those who left on or after that day too, as a period's first day: they are
    still ranked in it, for what they did before they left (kpi-rules §6).
    """
    on = on or date.today()
    here_on = min(since, on) if since else on
    sql = f"""
        SELECT {_PERSON_COLUMNS} FROM staff
        WHERE branch = ? AND (? IS NULL OR role = ?)
          AND {hired_by_sql("hired_on", "?")} AND {still_here_sql("left_on", "?")}
        ORDER BY code
    """
    params = (branch, role, role, on.isoformat(), here_on.isoformat())
    return [person_from_row(r) for r in store.query(sql, params)]


def engineers_holding_work(store: Store, branch: str, *, on: date) -> list[Person]:
    """The engineers a queue's filter offers: the branch's current ones, and anyone who has
    left with tickets still open in their name, whose tickets the lead must hand on."""
    day = on.isoformat()
    sql = f"""
        SELECT {_PERSON_COLUMNS} FROM staff
        WHERE branch = :branch AND role = 'engineer'
          AND ({hired_by_sql("hired_on", ":day")} AND {still_here_sql("left_on", ":day")}
               OR code IN (SELECT engineer FROM tickets WHERE branch = :branch AND {OPEN_TICKET}))
        ORDER BY code
    """
    return [person_from_row(r) for r in store.query(sql, {"branch": branch, "day": day})]


def dispatch_candidates(
    store: Store, actor: Person, now: datetime, scheme: Scheme | None = None
) -> list[EngineerLoad]:
    """The engineers of the actor's branch with their open tickets and this month's timeliness.

    Whole-branch queries grouped by engineer in SQL: open tickets now, and the
    §1 bucket counts of the month so far from :func:`storage.measures.timeliness_counts`
    (the very counts the ranking uses); the formula is the domain's.
    """
    access.check_may(actor, "dispatch")
    scheme = scheme or default_scheme()
    engineers = branch_staff(store, actor.branch, "engineer", on=now.date())
    open_now = {
        row["engineer"]: row["n"]
        for row in store.query(
            f"""
            SELECT t.engineer, count(*) AS n FROM staff s
            JOIN tickets t ON t.engineer = s.code AND t.{OPEN_TICKET}
            WHERE s.branch = ? AND s.role = 'engineer'
            GROUP BY t.engineer
            """,
            (actor.branch,),
        )
    }
    judged = window(store, judge(Period.of(now.date()), now), scheme.settings, actor.branch)
    counts = timeliness_counts(store, judged, "engineer")
    loads = []
    for person in engineers:
        mine = counts.get(person.code, TicketCounts())
        loads.append(
            EngineerLoad(
                person=person,
                open_tickets=open_now.get(person.code, 0),
                timeliness=kpi.timeliness(mine, scheme.timeliness_weights) if mine.orders else None,
            )
        )
    return loads
