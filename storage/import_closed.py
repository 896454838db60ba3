"""The rows of an import that are dated in a closed period: taken, and told.

A closed month (or quarter) was paid on its frozen figures. Data that comes
in later changes only its live figures, which its lead then sees as
differences from the frozen ones (kpi-rules.md's time principle): the
rankings' banner, ``fieldkpi rank``. An import is such data: a correction
from the system that writes the files is no less true for coming late, so
it is not refused, but whoever imports it is told which rows fall in a
closed period, where the TUI would have stopped a person typing them.

A row falls in a closed period of a branch when what it records there
changes: an action, problem report, deduction or score dated in it; an
attendance row that changes a closed month's days; a ticket row that adds
a ticket, or changes a time of it, with a time (as it was or as it will be)
in it, and one that changes who or what the ticket counts for (branch, kind,
engineer, rep, rating) with any of its times in it. A row is of the branch
of its person (the rep of a problem report, whose engineer is of the same
branch), a ticket of its branch. Rows that repeat what is stored, and rows
of branches whose period is open, are not told.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Sequence
from dataclasses import dataclass

from storage.import_stage import Stage, quoted
from storage.import_tickets import STEP_TIMES

LISTED = 5  # rows named; the rest are counted
# What a ticket counts for, besides its times: changing one changes each period of its times.
COUNTED = ("branch", "kind", "engineer", "rep", "rating")
QUARTER = "substr(at, 1, 5) || 'Q' || ((CAST(substr(at, 6, 2) AS INTEGER) + 2) / 3)"


@dataclass(frozen=True)
class ClosedRows:
    """Rows of an import dated in closed periods.

    ``count`` rows (lines of the files) in all; ``periods`` the (branch,
    period) closings they fall in; ``first`` the first :data:`LISTED` of
    them as ``FILE:LINE``, in file and line order.
    """

    count: int
    periods: list[tuple[str, str]]
    first: list[str]

    @property
    def more(self) -> int:
        return self.count - len(self.first)


def closed_rows(conn: sqlite3.Connection, stages: Sequence[Stage]) -> ClosedRows | None:
    """The staged rows that fall in a closed period, or ``None`` when none does.

    Asked in the import's write transaction, before it writes: the tickets are
    compared with what they are now, and the closings are those in force.
    """
    conn.execute("DROP TABLE IF EXISTS temp.import_closed")
    conn.execute(
        "CREATE TEMP TABLE import_closed (branch TEXT, period TEXT, PRIMARY KEY (branch, period))"
        " WITHOUT ROWID"
    )
    found = conn.execute(
        "INSERT INTO temp.import_closed SELECT c.branch, c.period FROM main.month_closings c"
        " WHERE c.action = 'close' AND c.id = (SELECT max(l.id) FROM main.month_closings l"
        " WHERE l.branch = c.branch AND l.period = c.period)"
    ).rowcount
    if not found:
        return None
    conn.execute("DROP TABLE IF EXISTS temp.import_in_closed")
    conn.execute(
        "CREATE TEMP TABLE import_in_closed (pos INTEGER, line INTEGER, branch TEXT, period TEXT)"
    )
    for stage in stages:
        touched = _touched(stage)
        if touched is None:
            continue
        conn.execute(
            f"INSERT INTO temp.import_in_closed SELECT DISTINCT {stage.src.order}, t.line,"
            f" c.branch, c.period FROM (SELECT line, branch, at, substr(at, 1, 7) AS month,"
            f" {QUARTER} AS quarter FROM ({touched}) WHERE at IS NOT NULL) t"
            " JOIN temp.import_closed c ON c.branch = t.branch AND c.period IN (t.month, t.quarter)"
        )
    rows = "SELECT DISTINCT pos, line FROM temp.import_in_closed"
    count = conn.execute(f"SELECT count(*) FROM ({rows})").fetchone()[0]
    if not count:
        return None
    names = {stage.src.order: stage.src.name for stage in stages}
    first = conn.execute(f"{rows} ORDER BY pos, line LIMIT {LISTED}").fetchall()
    periods = conn.execute(
        "SELECT DISTINCT branch, period FROM temp.import_in_closed ORDER BY period, branch"
    ).fetchall()
    return ClosedRows(
        count=count,
        periods=[tuple(row) for row in periods],
        first=[f"{names[pos]}:{line}" for pos, line in first],
    )


def _touched(stage: Stage) -> str | None:
    """SQL of (line, branch, at): where each row of the file changes what is recorded."""
    kind = stage.src.kind
    if kind.name == "staff":
        return None
    if kind.name == "tickets":
        return _ticket_times(stage)
    person = next(column for column in kind.columns if column.refers == "staff")
    when = next(column for column in kind.columns if column.read.starts("x") is not None)
    rows = (
        f"SELECT v.line, s.branch, {when.read.starts('v.' + quoted(when.name))} AS at"
        f" FROM temp.{stage.view} v JOIN temp.import_staff s ON s.code = v.{quoted(person.name)}"
    )
    if kind.key and not kind.appended:  # attendance: only a row that changes the month
        same = " AND ".join(f"x.{quoted(name)} IS v.{quoted(name)}" for name in stage.names)
        rows += f" WHERE NOT EXISTS (SELECT 1 FROM main.{kind.name} x WHERE {same})"
    return rows


def _ticket_times(stage: Stage) -> str:
    """Each time a ticket row changes, as it was and as it will be, with the ticket's branch
    then; every time of it when the row adds the ticket or changes what it counts for.

    The rows that change anything are read from the merged view once, into
    ``temp.import_ticket_times``: a file that repeats what is stored costs one pass.
    """
    times = ("received_at", *STEP_TIMES)
    whole = " OR ".join(["old_id IS NULL", *(f"old_{name} IS NOT {name}" for name in COUNTED)])
    kept = ", ".join(f"{name}, old_{name}" for name in times)
    stage.conn.execute("DROP TABLE IF EXISTS temp.import_ticket_times")
    stage.conn.execute(
        f"CREATE TEMP TABLE import_ticket_times AS SELECT line, old_id, branch, old_branch,"
        f" {whole} AS whole, {kept} FROM temp.import_f{stage.src.order}"
        f" WHERE {whole} OR {' OR '.join(f'old_{name} IS NOT {name}' for name in times)}"
    )
    parts = []
    for name in times:
        changed = f"(whole OR old_{name} IS NOT {name})"
        parts.append(
            f"SELECT line, branch, {name} AS at FROM temp.import_ticket_times WHERE {changed}"
        )
        parts.append(
            f"SELECT line, old_branch, old_{name} FROM temp.import_ticket_times"
            f" WHERE old_id IS NOT NULL AND {changed}"
        )
    return " UNION ALL ".join(parts)
