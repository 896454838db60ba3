"""What a ticket was at a given moment: who held it, and whether it was cancelled.

kpi-rules' time principle judges a period by what had happened by its as-of,
so a re-dispatch, a cancellation or a reopen must not change a period judged
before it. The ``tickets`` row holds the ticket as it stands; m010 added what
the rankings need of its past:

* ``first_completed_at`` and ``completed_engineer`` — the first completion and
  its holder; a reopen never clears them (:func:`completion_columns`);
* ``cancelled_at`` — when the current cancellation began; ``cancel_seen`` — the
  ticket was cancelled at some time;
* ``ticket_timeline`` — the engineer and the cancelled flag from each moment
  on, for tickets worked in the TUI (``timeline = 1``). A ticket without rows
  has its engineer from ``received_at`` on and is cancelled from
  ``cancelled_at`` on: that is how an imported ticket is read, and an import
  that corrects a ticket drops its rows (:func:`forget`).

The SQL terms below read those facts inside the queries of the rankings and
the drill-down, so both ask the same question the same way.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Mapping

_STATE_AT = (
    "(SELECT l.{column} FROM ticket_timeline l WHERE l.ticket = {t}.code AND l.since <= {at}"
    " ORDER BY l.since DESC, l.id DESC LIMIT 1)"
)


def engineer_at(at: str, t: str = "t") -> str:
    """SQL: the engineer who held ticket ``t`` at the moment ``at`` (an SQL expression)."""
    lookup = _STATE_AT.format(column="engineer", t=t, at=at)
    return f"(CASE WHEN {t}.timeline THEN {lookup} ELSE {t}.engineer END)"


def cancelled_at(at: str, t: str = "t") -> str:
    """SQL: whether ticket ``t`` stood cancelled at the moment ``at``.

    Only tickets once cancelled (``cancel_seen``) are looked at any closer, so
    the term costs nothing on the others.
    """
    lookup = _STATE_AT.format(column="cancelled", t=t, at=at)
    return (
        f"({t}.cancel_seen AND CASE WHEN {t}.timeline THEN coalesce({lookup}, 0)"
        f" ELSE {t}.cancelled_at <= {at} END)"
    )


def completion_columns(old: Mapping[str, object] | None, new: Mapping[str, object]) -> dict:
    """``first_completed_at`` and ``completed_engineer`` after a write of ``new`` over ``old``.

    The first completion is set once and survives a reopen (which clears
    ``completed_at``) and the rework completion after it. A change of the
    completion time while it still is the first one is a correction, and so
    is a new engineer on a ticket without a timeline: both carry over.
    """
    completed = new.get("completed_at")
    first = old.get("first_completed_at") if old else None
    engineer = old.get("completed_engineer") if old else None
    was_completed = old.get("completed_at") if old else None
    if completed is not None and (first is None or first == was_completed):
        first, engineer = completed, new.get("engineer")
    elif first is not None and not new.get("timeline"):
        engineer = new.get("engineer")
    return {"first_completed_at": first, "completed_engineer": engineer}


def completion_sql(old: str, new: str, timeline: str) -> tuple[str, str]:
    """:func:`completion_columns` in SQL, for the rows the importer writes in bulk.

    ``old`` and ``new`` name the columns of the ticket before and after, as
    templates (``"old_{}"``, ``"{}"``: the old ones NULL for a new ticket);
    ``timeline`` is the SQL of the new row's timeline flag. Returns the SQL of
    ``first_completed_at`` and of ``completed_engineer``.
    """
    first, completed = old.format("first_completed_at"), new.format("completed_at")
    takes = (
        f"({completed} IS NOT NULL AND ({first} IS NULL OR {first} = {old.format('completed_at')}))"
    )
    engineer = new.format("engineer")
    return (
        f"CASE WHEN {takes} THEN {completed} ELSE {first} END",
        f"CASE WHEN {takes} THEN {engineer} WHEN {first} IS NOT NULL AND NOT {timeline}"
        f" THEN {engineer} ELSE {old.format('completed_engineer')} END",
    )


def cancellation_sql(cancelled: str, cancelled_at: str, received_at: str) -> str:
    """SQL of ``cancelled_at`` from what a file says of a ticket.

    ``cancelled = 1`` without a time means cancelled from ``received_at`` on
    (exports of older systems); a time alone means cancelled then. The ticket
    is cancelled (and ``cancel_seen``) exactly when this is not NULL.
    """
    return f"coalesce({cancelled_at}, CASE WHEN {cancelled} THEN {received_at} END)"


def record_state(
    conn: sqlite3.Connection,
    ticket: Mapping[str, object],
    since: str,
    engineer: str | None,
    cancelled: bool,
) -> None:
    """Add the ticket's state from ``since`` on; its first row says what it was before.

    A ticket without a timeline gets its implicit past written out first
    (engineer from receipt, cancelled from ``cancelled_at``), so the rows
    alone then tell its whole life. The caller sets ``tickets.timeline = 1``
    in the same transaction.
    """
    rows = []
    if not ticket["timeline"]:
        rows.append((ticket["received_at"], ticket["engineer"], 0))
        if ticket["cancelled_at"] is not None:
            rows.append((ticket["cancelled_at"], ticket["engineer"], 1))
    rows.append((since, engineer, int(cancelled)))
    conn.executemany(
        "INSERT INTO ticket_timeline (ticket, since, engineer, cancelled) VALUES (?, ?, ?, ?)",
        [(ticket["code"], *row) for row in rows],
    )
