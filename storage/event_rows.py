"""The appraisal events as one set of rows, whatever table each lives in.

Problem reports, deductions (with bonuses) and the low ratings a rep
recorded (held until the lead decides; about the ticket's rep, or its
engineer when it has none) are recorded in tables of their own; reviews give
each a state (``standing`` unless one says otherwise). :data:`EVENTS` is
them as one: what the review screens list, and what closing a period checks
is decided.

A held rating lowers the satisfaction of the ticket's engineer too, once
approved (kpi-rules §4): ``also`` names that engineer (who held the ticket
when the rating was recorded, :func:`storage.timeline.engineer_at`) where the
rating is about the rep, so that it is among the events they see about
themselves, and nobody else's.
"""

from __future__ import annotations

from fieldkpi.period import Period, stamp
from storage.db import Store
from storage.timeline import engineer_at

_PROBLEMS = """
    SELECT 'problem' AS subject, p.id, p.at, p.engineer AS concerns, p.level AS kind,
           p.points, p.ticket, p.note, p.rep AS recorded_by, c.branch,
           coalesce(x.state, 'standing') AS state, NULL AS also
    FROM problems p JOIN staff c ON c.code = p.engineer
    LEFT JOIN appraisal_states x ON x.subject = 'problem' AND x.subject_id = p.id
"""
_DEDUCTIONS = """
    SELECT 'deduction', d.id, d.at, d.staff, d.kind, d.points, d.ticket, d.note,
           d.recorded_by, c.branch, coalesce(x.state, 'standing'), NULL
    FROM deductions d JOIN staff c ON c.code = d.staff
    LEFT JOIN appraisal_states x ON x.subject = 'deduction' AND x.subject_id = d.id
"""
# Whom a held rating ``h`` of ticket ``t`` is about: the ticket's rep (its engineer when it
# has none); and ``also``, where it is about the rep, the engineer who held the ticket when
# the rating was recorded.
RATED = "coalesce(t.rep, t.engineer)"
ALSO_RATED = f"CASE WHEN t.rep IS NOT NULL THEN {engineer_at('h.recorded_at')} END"
# Its columns named as the first arm's: :func:`ratings_of` reads it alone.
_RATINGS = f"""
    SELECT 'rating' AS subject, h.id, h.at, {RATED} AS concerns, CAST(h.rating AS TEXT) AS kind,
           NULL AS points, h.ticket, h.note, h.recorded_by, t.branch,
           coalesce(x.state, 'standing') AS state, {ALSO_RATED} AS also
    FROM held_ratings h JOIN tickets t ON t.code = h.ticket
    LEFT JOIN appraisal_states x ON x.subject = 'rating' AND x.subject_id = h.id
"""
EVENTS = f"{_PROBLEMS} UNION ALL {_DEDUCTIONS} UNION ALL {_RATINGS}"


def events_of(person: str, start: str, end: str) -> str:
    """SQL: the events that may be about ``person`` from ``start`` to ``end`` (SQL
    expressions), as :data:`EVENTS` has them, each table searched by an index.

    Problem reports and deductions are found by whom they are about. Whom a
    held rating is about is worked out, not kept (``also``: who held the
    ticket then), so those of the span are read, by its index (m021), and the
    caller keeps those with ``concerns`` or ``also`` the person: one OR over
    the whole union would read every held rating ever recorded, and every
    problem report and deduction of the span, whoever they are about.
    """
    return f"""
        {_PROBLEMS} WHERE p.engineer = {person} AND p.at >= {start} AND p.at <= {end}
        UNION ALL
        {_DEDUCTIONS} WHERE d.staff = {person} AND d.at >= {start} AND d.at <= {end}
        UNION ALL
        {_RATINGS} WHERE h.at >= {start} AND h.at <= {end}
    """


def ratings_of(ticket: str) -> str:
    """SQL: the held ratings of one ticket (``ticket``, an SQL expression), as :data:`EVENTS`
    has them, found by the ticket's index."""
    return f"{_RATINGS} WHERE h.ticket = {ticket}"


# Whether the ticket ``t`` has a rep's low rating waiting for the lead: a completed one
# only, as nobody records another callback of it meanwhile.
RATING_WAITS = """
    t.status = 'completed' AND EXISTS (
        SELECT 1 FROM held_ratings h
        JOIN appraisal_states x ON x.subject = 'rating' AND x.subject_id = h.id
        WHERE h.ticket = t.code AND x.state = 'pending')
"""
UNDECIDED = ("pending", "contested")  # states that never count until the lead decides


def undecided(store: Store, branch: str, period: Period) -> int:
    """How many of the branch's events of ``period`` still wait for the lead's decision."""
    return store.scalar(
        f"""
        SELECT count(*) FROM ({EVENTS}) e
        WHERE e.branch = ? AND e.state IN ({", ".join("?" * len(UNDECIDED))})
          AND e.at >= ? AND e.at <= ?
        """,
        (branch, *UNDECIDED, stamp(period.start), stamp(period.end)),
    )
