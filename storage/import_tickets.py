"""Ticket rows as the importer writes them: merged with the stored ticket, in SQL.

A ticket row whose code exists updates that ticket: the file's columns
replace the stored ones, the others stay. What follows from them — status,
cancellation, first completion and its holder, whether the ticket keeps its
timeline from the TUI (:mod:`storage.timeline`) — is worked out here as SQL
over a whole staged file, so that a million rows are written with a few
statements.

:func:`final_select` is that SQL: one row per staged row, each stored column
as it will be written and, for a ticket that exists, ``old_<column>`` as it
is now. The checks between a row's cells (interfaces.md's bad rows) and the
conflicts with newer work are read from it.
"""

from __future__ import annotations

from storage.csvrows import KINDS
from storage.import_stage import Stage, quoted
from storage.timeline import cancellation_sql, completion_sql

TICKET = KINDS["tickets"]
# Columns the importer sets from the others, after the file's own.
FACTS = (
    "status",
    "cancelled",
    "cancelled_at",
    "cancel_seen",
    "first_completed_at",
    "completed_engineer",
    "timeline",
)
# …of which these follow from the file's own columns and are not history of their own.
DERIVED = frozenset({"cancel_seen", "first_completed_at", "completed_engineer", "timeline"})
STORED = TICKET.names + tuple(name for name in FACTS if name not in TICKET.names)
STEP_TIMES = ("dispatched_at", "visited_at", "completed_at", "callback_at", "cancelled_at")


def old_table(stage: Stage) -> str:
    """``temp.import_old<order>``: (line, id) of the rows whose ticket exists."""
    return f"temp.import_old{stage.src.order}"


def find_existing(stage: Stage) -> None:
    """Which staged rows name a ticket already there (asked afresh when the database changed)."""
    table = old_table(stage)
    stage.conn.execute(f"DROP TABLE IF EXISTS {table}")
    stage.conn.execute(
        f"CREATE TABLE {table} (line INTEGER PRIMARY KEY, id INTEGER NOT NULL) WITHOUT ROWID"
    )
    stage.conn.execute(
        f"INSERT INTO {table} SELECT v.line, t.id FROM temp.{stage.view} v"
        " JOIN main.tickets t ON t.code = v.code"
    )


def changing(stage: Stage) -> list[str]:
    """The stored columns a row of this file may change, in the order history tells them."""
    given = [name for name in stage.names if name not in TICKET.key]
    return given + [name for name in FACTS if name not in given]


def final_select(stage: Stage, *, old: bool = True) -> str:
    """SQL: each staged row as the ticket it makes (``old=False``: rows of new tickets only,
    without reading the ticket table, so that inserting them needs no copy of it)."""
    given = stage.has

    def before(name: str) -> str:
        return f"t.{quoted(name)}" if old else "NULL"

    merged = []
    for column in TICKET.columns:
        name = quoted(column.name)
        if given(column.name):
            value = f"v.{name}"
        elif column.default is not None and old:
            value = f"coalesce(t.{name}, {column.default!r})"
        elif column.default is not None:
            value = repr(column.default)
        else:
            value = before(column.name)
        merged.append(f"{value} AS {name}")
    if given("cancelled") and not given("cancelled_at"):
        # cancelled = 1 keeps the time the ticket was cancelled at; 0 takes it away
        merged[TICKET.names.index("cancelled_at")] = (
            f"CASE WHEN v.cancelled AND {before('cancelled_at')} IS NOT NULL"
            f" THEN {before('cancelled_at')} END AS cancelled_at"
        )
    olds = [f"{before(name)} AS {quoted('old_' + name)}" for name in STORED]
    source = f"temp.{stage.view} v"
    if old:
        source += (
            f" LEFT JOIN {old_table(stage)} o ON o.line = v.line"
            " LEFT JOIN main.tickets t ON t.id = o.id"
        )
    rows = f"SELECT v.line, {'o.id' if old else 'NULL'} AS old_id, {', '.join(merged + olds)}"
    rows += f" FROM {source}"
    if not old:
        rows += f" WHERE v.line NOT IN (SELECT line FROM {old_table(stage)})"
    cancelled_at = cancellation_sql("cancelled", "cancelled_at", "received_at")
    corrected = (
        "old_id IS NOT NULL AND (old_engineer IS NOT engineer OR old_received_at IS NOT"
        " received_at OR old_cancelled_at IS NOT x_cancelled_at)"
    )
    timeline = "CASE WHEN old_id IS NULL OR x_corrected THEN 0 ELSE old_timeline END"
    first, holder = completion_sql("old_{}", "{}", "x_timeline")
    status = (
        "CASE WHEN x_cancelled_at IS NOT NULL THEN 'cancelled'"
        " WHEN callback_at IS NOT NULL THEN 'called_back'"
        " WHEN completed_at IS NOT NULL THEN 'completed'"
        " WHEN visited_at IS NOT NULL THEN"
        " CASE old_status WHEN 'awaiting_parts' THEN 'awaiting_parts' ELSE 'visited' END"
        " WHEN engineer IS NOT NULL OR dispatched_at IS NOT NULL THEN 'dispatched'"
        " ELSE 'received' END"
    )
    facts = {
        "status": status,
        "cancelled": "x_cancelled_at IS NOT NULL",
        "cancelled_at": "x_cancelled_at",
        "cancel_seen": "CASE WHEN old_id IS NOT NULL AND NOT x_corrected AND old_cancel_seen"
        " THEN 1 ELSE x_cancelled_at IS NOT NULL END",
        "first_completed_at": first,
        "completed_engineer": holder,
        "timeline": "x_timeline",
    }
    final = [
        f"{facts[name]} AS {quoted(name)}" if name in facts else quoted(name) for name in STORED
    ]
    return (
        f"SELECT line, old_id, {', '.join(final)}, {', '.join(quoted('old_' + n) for n in STORED)}"
        f" FROM (SELECT *, {timeline} AS x_timeline FROM (SELECT *, {corrected} AS x_corrected"
        f" FROM (SELECT *, {cancelled_at} AS x_cancelled_at FROM ({rows}))))"
    )
