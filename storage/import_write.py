"""Writing the checked rows of an import: a few INSERT … SELECT and UPDATE … FROM per file.

Runs inside the import's one write transaction, after every check passed.
Rows are written in the order of their files and lines, so record ids (and
history) follow the files as a person reads them.

A ticket file at least as long as the ticket table is written in bulk
(:func:`_bulk`): the table's secondary indexes dropped and built again at the
end, as building an index sorts its rows once while keeping it up puts each
row in each index at a random place, several times dearer. Inside the
transaction, so a failed import gets them back by its rollback.
"""

from __future__ import annotations

import contextlib
import sqlite3
from collections.abc import Iterator

from storage.import_stage import Stage, quoted
from storage.import_tickets import DERIVED, STORED, changing, final_select, old_table
from storage.migrations import FACTS_INSERT_TRIGGER, count_month_facts

BY = "import"  # who ticket history, updates, deductions and scores say made the change


def _names(names) -> str:
    return ", ".join(quoted(name) for name in names)


def upsert(stage: Stage, counts: dict[str, int]) -> None:
    """Rows with a key (staff, attendance) add a record or change the file's columns of it."""
    conn, kind = stage.conn, stage.src.kind
    table, view = f"main.{kind.name}", f"temp.{stage.view}"
    same = " AND ".join(f"t.{quoted(k)} = v.{quoted(k)}" for k in kind.key)
    given = [name for name in stage.names if name not in kind.key]
    differs = " OR ".join(f"v.{quoted(n)} IS NOT t.{quoted(n)}" for n in given) or "0"
    conn.execute("DROP TABLE IF EXISTS temp.import_changed")
    conn.execute(
        f"CREATE TEMP TABLE import_changed AS SELECT v.* FROM {view} v JOIN {table} t ON {same}"
        f" WHERE {differs}"
    )
    existing = conn.execute(f"SELECT count(*) FROM {view} v JOIN {table} t ON {same}").fetchone()[0]
    updated = conn.execute("SELECT count(*) FROM temp.import_changed").fetchone()[0]
    if kind.name == "staff":
        conn.execute(
            f"INSERT OR IGNORE INTO main.branches (code) SELECT DISTINCT branch FROM {view}"
        )
    cursor = conn.execute(
        f"INSERT INTO {table} ({_names(stage.names)}) SELECT {_names(stage.names)} FROM {view} v"
        f" WHERE NOT EXISTS (SELECT 1 FROM {table} t WHERE {same}) ORDER BY line"
    )
    if given:
        key = " AND ".join(f"{kind.name}.{quoted(k)} = c.{quoted(k)}" for k in kind.key)
        conn.execute(
            f"UPDATE {table} SET {', '.join(f'{quoted(n)} = c.{quoted(n)}' for n in given)}"
            f" FROM temp.import_changed c WHERE {key}"
        )
    conn.execute("DROP TABLE temp.import_changed")
    counts["added"] += cursor.rowcount
    counts["updated"] += updated
    counts["unchanged"] += existing - updated


def append(stage: Stage, counts: dict[str, int], now: str) -> None:
    """Rows without a key (actions, problems, deductions, scores) are added, never merged."""
    kind = stage.src.kind.name
    extra = {"problems": ("recorded_by",), "deductions": ("recorded_by",), "scores": ("at", "by")}
    values = {"recorded_by": f"'{BY}'", "by": f"'{BY}'", "at": "?"}
    more = extra.get(kind, ())
    select = ", ".join([quoted(n) for n in stage.names] + [values[n] for n in more])
    cursor = stage.conn.execute(
        f"INSERT INTO main.{kind} ({_names([*stage.names, *more])})"
        f" SELECT {select} FROM temp.{stage.view} ORDER BY line",
        (now,) if "at" in more else (),
    )
    counts["added"] += cursor.rowcount


def write_tickets(stage: Stage, counts: dict[str, int], now: str, *, rebuild: bool) -> None:
    """New tickets inserted and changed ones updated, each with its history rows.

    A changed ticket gets a new version and one history row per changed field
    (but not for the facts derived from them); a new one a single row. An
    import that changes the engineer or the cancellation corrects the ticket
    from its receipt on, and its timeline from the TUI goes (storage.timeline).
    """
    conn, order = stage.conn, stage.src.order
    final = f"temp.import_f{order}"
    fields = changing(stage)
    changed = f"temp.import_changed{order}"
    differs = [f"({quoted(n)} IS NOT {quoted('old_' + n)})" for n in fields]
    conn.execute(f"DROP TABLE IF EXISTS {changed}")
    conn.execute(
        f"CREATE TABLE {changed} AS SELECT *, {' || '.join(differs)} AS which FROM {final}"
        f" WHERE old_id IS NOT NULL AND ({' OR '.join(differs)})"
    )
    existing = conn.execute(f"SELECT count(*) FROM {old_table(stage)}").fetchone()[0]
    updated = conn.execute(f"SELECT count(*) FROM {changed}").fetchone()[0]
    conn.execute(
        "DELETE FROM main.ticket_timeline WHERE ticket IN"
        f" (SELECT code FROM {changed} WHERE NOT timeline)"
    )
    # One UPDATE for each set of columns that change, setting only those: SQLite rewrites
    # every index on a column set, changed or not, and fires the triggers watching it.
    for (which,) in conn.execute(f"SELECT DISTINCT which FROM {changed}").fetchall():
        given = [name for name, on in zip(fields, which, strict=True) if on == "1"]
        sets = "".join(f"{quoted(n)} = c.{quoted(n)}, " for n in given)
        conn.execute(
            f"UPDATE main.tickets SET {sets}version = version + 1, updated_at = ?,"
            f" updated_by = '{BY}' FROM {changed} c WHERE c.which = ? AND tickets.id = c.old_id",
            (now, which),
        )
    with _bulk(conn) if rebuild else contextlib.nullcontext():
        cursor = conn.execute(
            f"INSERT INTO main.tickets ({_names(STORED)}, updated_at, updated_by)"
            f" SELECT {_names(STORED)}, ?, '{BY}' FROM ({final_select(stage, old=False)})"
            " ORDER BY line",
            (now,),
        )
        added = cursor.rowcount
        # Each row carries the version the import made (a new ticket's first), so a person
        # whose save it overtook is told what it changed (storage.tickets._conflict).
        history = [
            f"SELECT line, -1 AS k, code, NULL AS field, NULL AS old, NULL AS new, 1 AS version"
            f" FROM temp.{stage.view} WHERE line NOT IN (SELECT line FROM {old_table(stage)})"
        ] + [
            f"SELECT line, {k}, code, '{name}', CAST({quoted('old_' + name)} AS TEXT),"
            f" CAST({quoted(name)} AS TEXT),"
            f" (SELECT version FROM main.tickets WHERE id = c.old_id) FROM {changed} c"
            f" WHERE {quoted(name)} IS NOT {quoted('old_' + name)}"
            for k, name in enumerate(fields)
            if name not in DERIVED and updated
        ]  # without updates, the new tickets' rows come in line order with no sort
        conn.execute(
            "INSERT INTO main.ticket_history (ticket, at, by, step, field, old, new, version)"
            f" SELECT code, ?, '{BY}', 'import', field, old, new, version FROM"
            f" ({' UNION ALL '.join(history)}) ORDER BY line{', k' if updated else ''}",
            (now,),
        )
    conn.execute(f"DROP TABLE {changed}")
    counts["added"] += added
    counts["updated"] += updated
    counts["unchanged"] += existing - updated


@contextlib.contextmanager
def _bulk(conn: sqlite3.Connection) -> Iterator[None]:
    """Many new tickets: indexes built once at the end, month facts counted grouped.

    The trigger of m010 counts each new ticket in ``ticket_month_facts`` as it
    is inserted; for a large file it is dropped meanwhile, and the tickets
    inserted are counted together afterwards (:func:`count_month_facts`).
    """
    since = conn.execute("SELECT coalesce(max(id), 0) FROM main.tickets").fetchone()[0]
    trigger = conn.execute(
        "SELECT sql FROM main.sqlite_master WHERE type = 'trigger' AND name = ?",
        (FACTS_INSERT_TRIGGER,),
    ).fetchone()
    if trigger is not None:
        conn.execute(f"DROP TRIGGER main.{FACTS_INSERT_TRIGGER}")
    with _indexes_rebuilt(conn, "tickets"):
        yield
        if trigger is not None:
            count_month_facts(conn, since)
    if trigger is not None:
        conn.execute(trigger[0])


@contextlib.contextmanager
def _indexes_rebuilt(conn: sqlite3.Connection, table: str) -> Iterator[None]:
    """Drop the table's secondary indexes now and build them again at the end."""
    saved = conn.execute(
        "SELECT name, sql FROM main.sqlite_master WHERE type = 'index' AND tbl_name = ?"
        " AND sql IS NOT NULL",
        (table,),
    ).fetchall()
    for name, _sql in saved:
        conn.execute(f"DROP INDEX main.{quoted(name)}")
    yield
    for _name, sql in saved:
        conn.execute(sql)
