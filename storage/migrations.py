"""The schema, as numbered migrations applied when a database is opened.

A migration is never edited once it has shipped: a change to the schema is a
new function at the end of this file. ``PRAGMA user_version`` mirrors the
number of applied migrations so that a database from a newer fieldkpi, which
has migrations this code does not know, is refused instead of misread.
"""

from __future__ import annotations

import sqlite3

from sqlite_utils.db import Database
from sqlite_utils.migrations import Migrations

migrations = Migrations("fieldkpi")
_names: list[str] = []


def migration(fn):
    """Register a schema step with sqlite-utils and remember its place in the order."""
    _names.append(fn.__name__)
    return migrations()(fn)


ROLES = ("rep", "engineer", "lead", "admin")
TICKET_KINDS = ("onsite_repair", "inshop_repair", "installation", "commissioning")
ACTION_KINDS = ("intake", "dispatch", "complete", "callback", "dealer_callback")
DEDUCTION_KINDS = (
    "backfill",
    "violation",
    "fake_completion",
    "complaint_general",
    "complaint_major",
    "complaint_internal",
    "complaint_media",
    "branch_rule",
)
TICKET_STATUSES = (
    "received",
    "dispatched",
    "visited",
    "awaiting_parts",
    "completed",
    "called_back",
    "cancelled",
)


def _in(values: tuple[str, ...]) -> str:
    return "(" + ", ".join(f"'{v}'" for v in values) + ")"


def _script(db: Database, sql: str) -> None:
    """Run several statements inside the migration's transaction.

    ``executescript`` would COMMIT first, so a migration that failed halfway
    would leave half a schema behind; one statement at a time keeps it atomic.
    """
    statement = ""
    for line in sql.splitlines(keepends=True):
        statement += line
        if sqlite3.complete_statement(statement):
            db.execute(statement)
            statement = ""
    if statement.strip():
        raise ValueError(f"incomplete SQL statement in a migration: {statement.strip()[:60]}")


def _append_only(db: Database, table: str, verbs: tuple[str, ...] = ("UPDATE", "DELETE")) -> None:
    """History and deductions are evidence: SQL itself refuses to change them."""
    for verb in verbs:
        db.execute(
            f"""
            CREATE TRIGGER {table}_no_{verb.lower()} BEFORE {verb} ON {table}
            BEGIN
                SELECT RAISE(ABORT, '{table} is append-only: record a correction instead');
            END
            """
        )


@migration
def m001_initial(db: Database) -> None:
    _script(
        db,
        f"""
        CREATE TABLE branches (
            code TEXT PRIMARY KEY,
            name TEXT
        );

        CREATE TABLE staff (
            code TEXT PRIMARY KEY,
            name TEXT NOT NULL,
            role TEXT NOT NULL CHECK (role IN {_in(ROLES)}),
            branch TEXT NOT NULL REFERENCES branches(code),
            hired_on TEXT,
            left_on TEXT,
            login TEXT UNIQUE
        );
        CREATE INDEX staff_branch_role ON staff(branch, role);

        CREATE TABLE tickets (
            id INTEGER PRIMARY KEY,
            code TEXT NOT NULL UNIQUE,
            branch TEXT NOT NULL REFERENCES branches(code),
            kind TEXT NOT NULL CHECK (kind IN {_in(TICKET_KINDS)}),
            status TEXT NOT NULL CHECK (status IN {_in(TICKET_STATUSES)}),
            received_at TEXT NOT NULL,
            dispatched_at TEXT,
            visited_at TEXT,
            completed_at TEXT,
            cancelled INTEGER NOT NULL DEFAULT 0 CHECK (cancelled IN (0, 1)),
            cancel_reason TEXT,
            engineer TEXT REFERENCES staff(code),
            rep TEXT REFERENCES staff(code),
            callback_at TEXT,
            rating INTEGER CHECK (rating BETWEEN 1 AND 5),
            callback_note TEXT,
            customer TEXT,
            phone TEXT,
            address TEXT,
            product TEXT,
            fault TEXT,
            resolution TEXT,
            updated_at TEXT NOT NULL,
            updated_by TEXT,
            version INTEGER NOT NULL DEFAULT 1
        );
        CREATE INDEX tickets_completed ON tickets(completed_at, engineer, rep, received_at)
            WHERE cancelled = 0;
        CREATE INDEX tickets_open_received ON tickets(received_at, engineer, rep, completed_at)
            WHERE cancelled = 0;
        CREATE INDEX tickets_callback ON tickets(callback_at, engineer, rep, rating)
            WHERE cancelled = 0 AND rating IS NOT NULL;
        CREATE INDEX tickets_visit ON tickets(coalesce(visited_at, completed_at), rep, kind)
            WHERE cancelled = 0;
        CREATE INDEX tickets_engineer ON tickets(engineer, status);
        CREATE INDEX tickets_rep ON tickets(rep, status);
        CREATE INDEX tickets_branch_activity ON tickets(branch, updated_at, id);

        CREATE TABLE ticket_history (
            id INTEGER PRIMARY KEY,
            ticket TEXT NOT NULL REFERENCES tickets(code),
            at TEXT NOT NULL,
            by TEXT,
            step TEXT NOT NULL,
            field TEXT,
            old TEXT,
            new TEXT
        );
        CREATE INDEX ticket_history_ticket ON ticket_history(ticket, id);

        CREATE TABLE actions (
            id INTEGER PRIMARY KEY,
            staff TEXT NOT NULL REFERENCES staff(code),
            at TEXT NOT NULL,
            action TEXT NOT NULL CHECK (action IN {_in(ACTION_KINDS)}),
            ticket TEXT REFERENCES tickets(code)
        );
        CREATE INDEX actions_staff_at ON actions(staff, at);
        CREATE INDEX actions_at ON actions(at, staff);

        CREATE TABLE attendance (
            staff TEXT NOT NULL REFERENCES staff(code),
            month TEXT NOT NULL,
            days INTEGER NOT NULL CHECK (days BETWEEN 0 AND 31),
            PRIMARY KEY (staff, month)
        );

        CREATE TABLE problems (
            id INTEGER PRIMARY KEY,
            rep TEXT NOT NULL REFERENCES staff(code),
            engineer TEXT NOT NULL REFERENCES staff(code),
            at TEXT NOT NULL,
            points REAL,
            ticket TEXT REFERENCES tickets(code),
            note TEXT
        );
        CREATE INDEX problems_rep_at ON problems(rep, at);
        CREATE INDEX problems_at ON problems(at, rep);

        CREATE TABLE deductions (
            id INTEGER PRIMARY KEY,
            staff TEXT NOT NULL REFERENCES staff(code),
            at TEXT NOT NULL,
            kind TEXT NOT NULL CHECK (kind IN {_in(DEDUCTION_KINDS)}),
            points REAL,
            ticket TEXT REFERENCES tickets(code),
            note TEXT,
            recorded_by TEXT,
            corrects INTEGER REFERENCES deductions(id)
        );
        CREATE INDEX deductions_staff_at ON deductions(staff, at);
        CREATE INDEX deductions_at ON deductions(at, staff);
        """,
    )
    _append_only(db, "ticket_history")
    _append_only(db, "deductions")


def known_versions() -> list[str]:
    return list(_names)


# The condition of the partial indexes on open tickets. A query can use them
# only when its WHERE holds this very term, so queries spell it with this constant.
OPEN_TICKET = "status IN ('received', 'dispatched', 'visited', 'awaiting_parts')"


@migration
def m002_ticket_queue(db: Database) -> None:
    """Indexes for paging and searching the queue on a million tickets, and history versions.

    Each queue shape walks one index in (updated_at, id) order, so a page reads
    only the rows it shows; the partial indexes hold open tickets only and stay
    small. ``ticket_history.version`` is the ticket version a change produced,
    so a stale save can be told exactly which changes it missed.
    """
    _script(
        db,
        f"""
        CREATE INDEX tickets_open_activity ON tickets(branch, updated_at, id)
            WHERE {OPEN_TICKET};
        CREATE INDEX tickets_branch_status_activity ON tickets(branch, status, updated_at, id);
        CREATE INDEX tickets_engineer_activity ON tickets(engineer, updated_at, id);
        CREATE INDEX tickets_engineer_open_activity ON tickets(engineer, updated_at, id)
            WHERE {OPEN_TICKET};
        CREATE INDEX tickets_rep_activity ON tickets(rep, updated_at, id);
        CREATE INDEX tickets_rep_open_activity ON tickets(rep, updated_at, id)
            WHERE {OPEN_TICKET};
        CREATE INDEX tickets_branch_code ON tickets(branch, code);
        CREATE INDEX tickets_branch_phone ON tickets(branch, phone);
        CREATE INDEX tickets_branch_customer ON tickets(branch, customer);
        ALTER TABLE ticket_history ADD COLUMN version INTEGER;
        """,
    )


@migration
def m003_month_closing(db: Database) -> None:
    """Closed months: a log of closings and reopenings, and the rankings frozen at each closing.

    A closed month is paid from its frozen rows, so both tables are evidence
    and append-only; reopening is a new log row, never a deletion. Each frozen
    row holds every field of a ranking row exactly: fractions as "num/den",
    the rounded total as its decimal text.

    Also the index that finds the row correcting a deduction: the rankings and
    the drill-down skip corrected deductions, and without it each check read
    the whole deductions table.
    """
    _script(
        db,
        """
        CREATE INDEX deductions_corrects ON deductions(corrects) WHERE corrects IS NOT NULL;

        CREATE TABLE month_closings (
            id INTEGER PRIMARY KEY,
            branch TEXT NOT NULL REFERENCES branches(code),
            period TEXT NOT NULL,
            action TEXT NOT NULL CHECK (action IN ('close', 'reopen')),
            at TEXT NOT NULL,
            by TEXT NOT NULL REFERENCES staff(code),
            as_of TEXT,
            scheme TEXT,
            note TEXT
        );
        CREATE INDEX month_closings_period ON month_closings(period, branch, id);

        CREATE TABLE frozen_rankings (
            closing INTEGER NOT NULL REFERENCES month_closings(id),
            position INTEGER NOT NULL,
            period TEXT NOT NULL,
            as_of TEXT NOT NULL,
            provisional INTEGER NOT NULL,
            branch TEXT NOT NULL,
            role TEXT NOT NULL,
            rank INTEGER NOT NULL,
            staff_code TEXT NOT NULL,
            name TEXT NOT NULL,
            feedback_rate TEXT,
            feedback_points TEXT,
            workload INTEGER,
            days INTEGER,
            saturation TEXT,
            workload_points TEXT,
            first_month INTEGER NOT NULL,
            satisfaction TEXT NOT NULL,
            satisfaction_points TEXT NOT NULL,
            no_callbacks INTEGER NOT NULL,
            timeliness TEXT NOT NULL,
            timeliness_points TEXT NOT NULL,
            no_orders INTEGER NOT NULL,
            deductions TEXT NOT NULL,
            zeroed INTEGER NOT NULL,
            total TEXT NOT NULL,
            reward TEXT NOT NULL,
            PRIMARY KEY (closing, position)
        );
        """,
    )
    _append_only(db, "month_closings")
    _append_only(db, "frozen_rankings")


@migration
def m004_person_completion_indexes(db: Database) -> None:
    """A person's completed tickets by completion time, for §1 counts of one branch.

    Timeliness counts of a branch walk from its staff to their tickets completed
    in the month (or still open, completed_at NULL). Without these indexes that
    walk reads every ticket a person ever had: seconds on a million tickets,
    and the dispatch picker shows it on every dispatch. They carry received_at
    and cancelled so the counts never touch the table.
    """
    _script(
        db,
        """
        CREATE INDEX tickets_engineer_completed
            ON tickets(engineer, completed_at, received_at, cancelled);
        CREATE INDEX tickets_rep_completed ON tickets(rep, completed_at, received_at, cancelled);
        """,
    )


def _count_action(row: str, step: int) -> str:
    """SQL that adds one action (``step`` 1) or takes one away (-1) from the summaries.

    ``row`` is NEW or OLD in a trigger on ``actions``. A month gains an active
    day when its person's day count goes from 0 to 1, and loses one back at 0;
    rows that reach 0 are removed, so the summaries hold what a recount would.
    """
    day, month = f"substr({row}.at, 1, 10)", f"substr({row}.at, 1, 7)"
    this_day = f"staff_day_actions.staff = {row}.staff AND staff_day_actions.day = {day}"
    new_day = f"(SELECT actions = {1 if step > 0 else 0} FROM staff_day_actions WHERE {this_day})"
    if step > 0:
        return f"""
            INSERT INTO staff_day_actions (staff, day, actions) VALUES ({row}.staff, {day}, 1)
                ON CONFLICT (staff, day) DO UPDATE SET actions = actions + 1;
            INSERT INTO rep_month_workload (staff, month, workload, active_days)
                VALUES ({row}.staff, {month}, 1, 1)
                ON CONFLICT (staff, month) DO UPDATE SET
                    workload = workload + 1, active_days = active_days + {new_day};
        """
    return f"""
        UPDATE staff_day_actions SET actions = actions - 1 WHERE {this_day};
        UPDATE rep_month_workload SET workload = workload - 1, active_days = active_days - {new_day}
            WHERE staff = {row}.staff AND month = {month};
        DELETE FROM staff_day_actions WHERE {this_day} AND actions = 0;
        DELETE FROM rep_month_workload
            WHERE staff = {row}.staff AND month = {month} AND workload = 0;
    """


@migration
def m005_workload_summaries(db: Database) -> None:
    """Workload per person and day, and per person and month, kept by triggers on ``actions``.

    kpi-rules §3 compares a rep's daily workload with the branch's highest of
    the year, so every ranking of a rep needs every rep-month since January:
    regrouping the year's actions (millions of rows nationwide) each time cost
    seconds. Triggers keep the counts in the same transaction as each action
    written, by the importer, the ticket steps or anything else, so they
    cannot drift; storage.figures reads whole months from ``rep_month_workload``
    and a month cut short by as-of from ``staff_day_actions``. The counts are
    for every person who records actions; rankings pick the reps. Existing
    actions are counted here once.
    """
    _script(
        db,
        f"""
        CREATE TABLE staff_day_actions (
            staff TEXT NOT NULL,
            day TEXT NOT NULL,
            actions INTEGER NOT NULL,
            PRIMARY KEY (staff, day)
        ) WITHOUT ROWID;

        CREATE TABLE rep_month_workload (
            staff TEXT NOT NULL,
            month TEXT NOT NULL,
            workload INTEGER NOT NULL,
            active_days INTEGER NOT NULL,
            PRIMARY KEY (staff, month)
        ) WITHOUT ROWID;

        INSERT INTO staff_day_actions (staff, day, actions)
            SELECT staff, substr(at, 1, 10), count(*) FROM actions
            GROUP BY staff, substr(at, 1, 10);
        INSERT INTO rep_month_workload (staff, month, workload, active_days)
            SELECT staff, substr(day, 1, 7), sum(actions), count(*) FROM staff_day_actions
            GROUP BY staff, substr(day, 1, 7);

        CREATE TRIGGER actions_count_insert AFTER INSERT ON actions
        BEGIN
            {_count_action("NEW", 1)}
        END;
        CREATE TRIGGER actions_count_delete AFTER DELETE ON actions
        BEGIN
            {_count_action("OLD", -1)}
        END;
        CREATE TRIGGER actions_count_update AFTER UPDATE OF staff, at ON actions
        BEGIN
            {_count_action("OLD", -1)}
            {_count_action("NEW", 1)}
        END;
        """,
    )


# The evidence tables and the columns of their keys: no row of theirs is ever changed,
# deleted or replaced (triggers of m001, m003, m006, m011 and m012).
_APPEND_ONLY_BEFORE_M011 = {
    "ticket_history": ("id",),
    "deductions": ("id",),
    "month_closings": ("id",),
    "frozen_rankings": ("closing", "position"),
}
APPEND_ONLY = _APPEND_ONLY_BEFORE_M011 | {
    "problems": ("id",),
    "appraisal_reviews": ("id",),
    "scores": ("id",),
    "frozen_rows": ("closing", "position"),
    "branch_presets": ("id",),
    "held_ratings": ("id",),
}


@migration
def m006_append_only_inserts(db: Database) -> None:
    """Refuse an INSERT that lands on an existing row of an evidence table.

    ``INSERT OR REPLACE`` (and ``REPLACE``) deletes the row in its way without
    firing DELETE triggers, so history, deductions and closings could be
    rewritten through it despite the triggers of m001 and m003. A row's key is
    never reused: a second row with it is refused before any conflict handling.
    """
    for table, key in _APPEND_ONLY_BEFORE_M011.items():
        _no_replace(db, table, key)


def _no_replace(db: Database, table: str, key: tuple[str, ...]) -> None:
    same = " AND ".join(f"{column} = NEW.{column}" for column in key)
    db.execute(
        f"""
        CREATE TRIGGER {table}_no_replace BEFORE INSERT ON {table}
        WHEN EXISTS (SELECT 1 FROM {table} WHERE {same})
        BEGIN
            SELECT RAISE(ABORT, '{table} is append-only: record a correction instead');
        END
        """
    )


@migration
def m007_covering_ranking_indexes(db: Database) -> None:
    """The month's ranking of every branch read from indexes alone.

    The indexes of m001 for completed tickets, callbacks, visits and open
    tickets were partial on ``cancelled = 0`` without holding ``cancelled``:
    SQLite (3.40) still checks that term against each table row, so ranking
    the country looked up a million rows one by one. These replace them, each
    holding every column its query reads, with no more indexes to keep up
    on import than before. Open tickets get an index of their own (never
    completed, not cancelled), small however long the history grows.
    """
    _script(
        db,
        """
        DROP INDEX tickets_completed;
        DROP INDEX tickets_callback;
        DROP INDEX tickets_visit;
        DROP INDEX tickets_open_received;
        CREATE INDEX tickets_completed_by
            ON tickets(completed_at, engineer, rep, received_at, cancelled);
        CREATE INDEX tickets_rated_by ON tickets(callback_at, engineer, rep, rating, cancelled)
            WHERE rating IS NOT NULL;
        CREATE INDEX tickets_visited_by ON tickets(
            coalesce(visited_at, completed_at), rep, kind, cancelled, visited_at, completed_at
        );
        CREATE INDEX tickets_never_completed
            ON tickets(received_at, engineer, rep, cancelled, completed_at)
            WHERE cancelled = 0 AND completed_at IS NULL;
        """,
    )


# What each ticket adds to its people's counts of a month (kpi-rules §1, §2, §4): the month
# it counts in, when it counts at all, its bucket ``b`` (worked out once), and the value
# each column gains from it.
_TICKET_FACTS = {
    "completed": (
        "substr({r}.completed_at, 1, 7)",
        "{r}.cancelled = 0 AND {r}.completed_at IS NOT NULL",
        "min(max(CAST(julianday(substr({r}.completed_at, 1, 10))"
        " - julianday(substr({r}.received_at, 1, 10)) AS INTEGER) + 1, 1), 8)",  # §1's day
        {**{f"day{k}": f"(b = {k})" for k in range(1, 8)}, "late": "(b = 8)"},
    ),
    "rated": (
        "substr({r}.callback_at, 1, 7)",
        "{r}.cancelled = 0 AND {r}.rating IS NOT NULL AND {r}.callback_at IS NOT NULL",
        "{r}.rating",
        {f"rated{k}": f"(b = {k})" for k in range(1, 6)},
    ),
    "visited": (
        "substr(coalesce({r}.visited_at, {r}.completed_at), 1, 7)",
        "{r}.cancelled = 0 AND {r}.kind != 'inshop_repair'"
        " AND coalesce({r}.visited_at, {r}.completed_at) IS NOT NULL",
        "1",
        {"visits": "b"},
    ),
}
TICKET_COUNT_COLUMNS = tuple(c for *_rest, values in _TICKET_FACTS.values() for c in values)


def _ticket_sides(fact: str) -> tuple[str, ...]:
    return ("rep",) if fact == "visited" else ("engineer", "rep")


def _count_ticket(row: str, sign: str) -> str:
    """SQL adding (``sign`` "+") or taking away ("-") a ticket row's part in the month counts."""
    statements = []
    for fact, (month, when, bucket, values) in _TICKET_FACTS.items():
        for side in _ticket_sides(fact):
            person = f"{row}.{side}"
            at = month.format(r=row)
            statements.append(
                f"""
                INSERT INTO ticket_month_counts (month, side, person, {", ".join(values)})
                SELECT {at}, '{side}', {person}, {", ".join(f"{sign}{v}" for v in values.values())}
                FROM (SELECT {bucket.format(r=row)} AS b)
                WHERE {when.format(r=row)} AND {person} IS NOT NULL
                ON CONFLICT (month, side, person) DO UPDATE SET
                    {", ".join(f"{c} = {c} + excluded.{c}" for c in values)};
                """
            )
            if sign == "-":  # a row counting nothing any more goes, as a recount has none
                nothing = " AND ".join(f"{c} = 0" for c in TICKET_COUNT_COLUMNS)
                statements.append(
                    f"DELETE FROM ticket_month_counts WHERE month = {at}"
                    f" AND side = '{side}' AND person = {person} AND {nothing};"
                )
    return "".join(statements)


@migration
def m008_ticket_month_counts(db: Database) -> None:
    """Each person's tickets of a month by day bucket, rating and visit, kept by triggers.

    A finished month's ranking of the whole country read these facts from a
    million tickets per role; per person and month they are a few thousand
    rows. Triggers on ``tickets`` keep them in the transaction of every
    write (import, ticket step, anything else), so they cannot drift;
    storage.figures uses them for a month judged whole and reads the tickets
    themselves for one cut short by as-of. Existing tickets are counted once.
    """
    columns = ",\n".join(f"{c} INTEGER NOT NULL DEFAULT 0" for c in TICKET_COUNT_COLUMNS)
    _script(
        db,
        f"""
        CREATE TABLE ticket_month_counts (
            month TEXT NOT NULL,
            side TEXT NOT NULL CHECK (side IN ('engineer', 'rep')),
            person TEXT NOT NULL,
            {columns},
            PRIMARY KEY (month, side, person)
        ) WITHOUT ROWID;
        """,
    )
    for fact, (month, when, bucket, values) in _TICKET_FACTS.items():
        for side in _ticket_sides(fact):
            db.execute(
                f"""
                INSERT INTO ticket_month_counts (month, side, person, {", ".join(values)})
                SELECT month, '{side}', person, {", ".join(f"sum({v})" for v in values.values())}
                FROM (
                    SELECT {month.format(r="t")} AS month, t.{side} AS person,
                           {bucket.format(r="t")} AS b
                    FROM tickets t WHERE {when.format(r="t")} AND t.{side} IS NOT NULL
                )
                WHERE true
                GROUP BY month, person
                ON CONFLICT (month, side, person) DO UPDATE SET
                    {", ".join(f"{c} = {c} + excluded.{c}" for c in values)}
                """
            )
    watched = (
        "cancelled, received_at, completed_at, engineer, rep, callback_at, rating, visited_at, kind"
    )
    _script(
        db,
        f"""
        CREATE TRIGGER tickets_count_insert AFTER INSERT ON tickets
        BEGIN
            {_count_ticket("NEW", "+")}
        END;
        CREATE TRIGGER tickets_count_delete AFTER DELETE ON tickets
        BEGIN
            {_count_ticket("OLD", "-")}
        END;
        CREATE TRIGGER tickets_count_update AFTER UPDATE OF {watched} ON tickets
        BEGIN
            {_count_ticket("OLD", "-")}
            {_count_ticket("NEW", "+")}
        END;
        """,
    )


@migration
def m009_imported_files(db: Database) -> None:
    """Which CSV files were imported, by content, so the same file is not loaded twice.

    Actions, problem reports and deductions carry no code: importing the same
    file again would add every row again (twice the workload) without a word.
    """
    _script(
        db,
        """
        CREATE TABLE imported_files (
            id INTEGER PRIMARY KEY,
            sha256 TEXT NOT NULL,
            name TEXT NOT NULL,
            kind TEXT NOT NULL,
            rows INTEGER NOT NULL,
            at TEXT NOT NULL
        );
        CREATE INDEX imported_files_sha256 ON imported_files(sha256, kind);
        """,
    )


@migration
def m010_ticket_timeline(db: Database) -> None:
    """What a ticket was at any moment, so a later event never rewrites a judged period.

    kpi-rules' time principle: a period's figures depend only on what had
    happened by its as-of. Three facts of a ticket change over its life and
    were kept only as they stand now:

    * ``first_completed_at`` — the first completion. A reopen clears
      ``completed_at`` but the first completion stays counted in its month
      (§1); ``completed_engineer`` is who held the ticket then.
    * ``cancelled_at`` — when the current cancellation began (``NULL`` when the
      ticket is not cancelled); ``cancel_seen`` stays 1 once a ticket was ever
      cancelled, so the few such tickets can be found by an index.
    * ``ticket_timeline`` — the engineer and the cancelled flag from each
      moment on, written when a ticket is dispatched, cancelled or reopened in
      the TUI. A ticket without rows (``timeline = 0``: imported, never worked
      here) has its engineer from ``received_at`` on and is cancelled from
      ``cancelled_at`` on; an import that corrects a ticket drops its rows.

    Existing tickets are filled in from their history, which has recorded every
    step since m001. The month counts of m008 are redefined on first completion.
    """
    _script(
        db,
        """
        ALTER TABLE tickets ADD COLUMN first_completed_at TEXT;
        ALTER TABLE tickets ADD COLUMN completed_engineer TEXT REFERENCES staff(code);
        ALTER TABLE tickets ADD COLUMN cancelled_at TEXT;
        ALTER TABLE tickets ADD COLUMN cancel_seen INTEGER NOT NULL DEFAULT 0;
        ALTER TABLE tickets ADD COLUMN timeline INTEGER NOT NULL DEFAULT 0;

        CREATE TABLE ticket_timeline (
            id INTEGER PRIMARY KEY,
            ticket TEXT NOT NULL REFERENCES tickets(code),
            since TEXT NOT NULL,
            engineer TEXT REFERENCES staff(code),
            cancelled INTEGER NOT NULL CHECK (cancelled IN (0, 1))
        );
        CREATE INDEX ticket_timeline_ticket ON ticket_timeline(ticket, since, id);
        """,
    )
    _fill_timeline(db)
    _script(
        db,
        """
        DROP TRIGGER tickets_count_insert;
        DROP TRIGGER tickets_count_delete;
        DROP TRIGGER tickets_count_update;
        DROP TABLE ticket_month_counts;
        DROP INDEX tickets_never_completed;
        DROP INDEX tickets_engineer_completed;
        DROP INDEX tickets_rep_completed;
        DROP INDEX tickets_completed_by;
        DROP INDEX tickets_rated_by;
        DROP INDEX tickets_visited_by;

        CREATE INDEX tickets_first_completed
            ON tickets(first_completed_at, completed_engineer, rep, received_at, cancel_seen);
        CREATE INDEX tickets_engineer_first_completed
            ON tickets(completed_engineer, first_completed_at, received_at, cancel_seen);
        CREATE INDEX tickets_rep_first_completed
            ON tickets(rep, first_completed_at, received_at, cancel_seen);
        CREATE INDEX tickets_rated
            ON tickets(callback_at, engineer, rep, rating, cancel_seen) WHERE rating IS NOT NULL;
        CREATE INDEX tickets_visited ON tickets(
            coalesce(visited_at, first_completed_at), rep, kind, cancel_seen
        );
        CREATE INDEX tickets_still_open
            ON tickets(branch, received_at, engineer, rep, timeline, cancel_seen)
            WHERE first_completed_at IS NULL AND cancelled_at IS NULL;
        CREATE INDEX tickets_cancelled_at ON tickets(cancelled_at, branch)
            WHERE cancelled_at IS NOT NULL;
        CREATE INDEX tickets_cancel_seen_completed ON tickets(first_completed_at)
            WHERE cancel_seen = 1;
        CREATE INDEX tickets_cancel_seen_rated ON tickets(callback_at)
            WHERE cancel_seen = 1 AND rating IS NOT NULL;
        CREATE INDEX tickets_cancel_seen_visited
            ON tickets(coalesce(visited_at, first_completed_at)) WHERE cancel_seen = 1;
        """,
    )
    _month_counts(db)


# The steps of the TUI that change who holds a ticket or whether it is cancelled; an
# import's changes are corrections and leave a ticket without a timeline of its own.
TIMELINE_STEPS = ("dispatch", "cancel", "reopen")


def _fill_timeline(db: Database) -> None:
    """m010's columns and timeline for tickets that exist, replayed from their history."""
    db.execute(
        """
        UPDATE tickets SET
            first_completed_at = completed_at,
            completed_engineer = CASE WHEN completed_at IS NOT NULL THEN engineer END,
            cancelled_at = CASE WHEN cancelled = 1 THEN received_at END,
            cancel_seen = cancelled
        """
    )
    history = db.execute(
        """
        SELECT h.ticket, h.at, h.step, h.field, h.old, h.new, t.received_at
        FROM ticket_history h JOIN tickets t ON t.code = h.ticket
        WHERE h.field IN ('engineer', 'cancelled', 'completed_at')
        ORDER BY h.ticket, h.id
        """
    ).fetchall()
    by_ticket: dict[str, list] = {}
    for row in history:
        by_ticket.setdefault(row[0], []).append(row)
    current = {
        row[0]: row[1:]
        for row in db.execute("SELECT code, engineer, cancelled, completed_at FROM tickets")
        if row[0] in by_ticket
    }
    for code, rows in by_ticket.items():
        _replay(db, code, rows, *current[code])


def _replay(db: Database, code: str, rows: list, engineer, cancelled, completed_at) -> None:
    """One ticket's first completion, holder then, and timeline, from its history rows."""

    def first_old(field: str, otherwise):
        return next((row[4] for row in rows if row[3] == field), otherwise)

    received = rows[0][6]
    state = [(received, first_old("engineer", engineer), int(first_old("cancelled", cancelled)))]
    first = first_old("completed_at", completed_at)
    for _ticket, at, _step, field, old, new, _received in rows:
        holder, was_cancelled = state[-1][1], state[-1][2]
        if field == "engineer":
            state.append((at, new, was_cancelled))
        elif field == "cancelled":
            state.append((at, holder, int(new)))
        elif new is not None and (first is None or first == old):
            first = new
    completed_by = next((e for since, e, _c in reversed(state) if first and since <= first), None)
    cancelled_since = None  # where the last run of cancelled states began
    for since, _engineer, is_cancelled in reversed(state):
        if not is_cancelled:
            break
        cancelled_since = since
    tui = any(row[2] in TIMELINE_STEPS for row in rows)
    db.execute(
        """
        UPDATE tickets SET first_completed_at = :first, completed_engineer = :by,
            cancelled_at = CASE WHEN cancelled = 1 THEN coalesce(:since, received_at) END,
            cancel_seen = :seen, timeline = :tui
        WHERE code = :code
        """,
        {
            "first": first,
            "by": completed_by if first else None,
            "since": cancelled_since if tui else None,
            "seen": int(any(c for _s, _e, c in state) or bool(cancelled)),
            "tui": int(tui),
            "code": code,
        },
    )
    if tui:
        db.conn.executemany(
            "INSERT INTO ticket_timeline (ticket, since, engineer, cancelled) VALUES (?, ?, ?, ?)",
            [(code, *entry) for entry in state],
        )


# m010's month counts: what each ticket adds to its people's counts of a month, on the first
# completion and whatever the ticket's cancellation (storage.measures takes away the tickets
# cancelled at a period's as-of, which only a query at that as-of knows). Per fact: the
# month it counts in, when it counts, the people it counts for (side, column), its bucket
# ``b`` (worked out once), and the value each column gains from it.
MONTH_FACTS = {
    "completed": (
        "substr({r}.first_completed_at, 1, 7)",
        "{r}.first_completed_at IS NOT NULL",
        (("engineer", "completed_engineer"), ("rep", "rep")),
        "min(max(CAST(julianday(substr({r}.first_completed_at, 1, 10))"
        " - julianday(substr({r}.received_at, 1, 10)) AS INTEGER) + 1, 1), 8)",  # §1's day
        {**{f"day{k}": f"(b = {k})" for k in range(1, 8)}, "late": "(b = 8)"},
    ),
    "rated": (
        "substr({r}.callback_at, 1, 7)",
        "{r}.rating IS NOT NULL AND {r}.callback_at IS NOT NULL",
        (("engineer", "engineer"), ("rep", "rep")),
        "{r}.rating",
        {f"rated{k}": f"(b = {k})" for k in range(1, 6)},
    ),
    "visited": (
        "substr(coalesce({r}.visited_at, {r}.first_completed_at), 1, 7)",
        "{r}.kind != 'inshop_repair' AND coalesce({r}.visited_at, {r}.first_completed_at)"
        " IS NOT NULL",
        (("rep", "rep"),),
        "1",
        {"visits": "b"},
    ),
}
MONTH_FACT_COLUMNS = tuple(c for *_rest, values in MONTH_FACTS.values() for c in values)


def _count_facts(row: str, sign: str) -> str:
    """SQL adding (``sign`` "+") or taking away ("-") a ticket row's part in the month facts."""
    statements = []
    for month, when, sides, bucket, values in MONTH_FACTS.values():
        at = month.format(r=row)
        for side, column in sides:
            person = f"{row}.{column}"
            statements.append(
                f"""
                INSERT INTO ticket_month_facts (month, side, person, {", ".join(values)})
                SELECT {at}, '{side}', {person}, {", ".join(f"{sign}{v}" for v in values.values())}
                FROM (SELECT {bucket.format(r=row)} AS b)
                WHERE {when.format(r=row)} AND {person} IS NOT NULL
                ON CONFLICT (month, side, person) DO UPDATE SET
                    {", ".join(f"{c} = {c} + excluded.{c}" for c in values)};
                """
            )
            if sign == "-":  # a row counting nothing any more goes, as a recount has none
                nothing = " AND ".join(f"{c} = 0" for c in MONTH_FACT_COLUMNS)
                statements.append(
                    f"DELETE FROM ticket_month_facts WHERE month = {at}"
                    f" AND side = '{side}' AND person = {person} AND {nothing};"
                )
    return "".join(statements)


# The trigger that counts each new ticket in ticket_month_facts, one row at a time. The
# importer drops it while it inserts a large file and counts the rows it inserted with
# count_month_facts instead: grouped, that costs a fraction of the trigger's time.
FACTS_INSERT_TRIGGER = "tickets_facts_insert"


def count_month_facts(conn: sqlite3.Connection, since_id: int = 0) -> None:
    """Add the month facts of the tickets with ``id > since_id``, grouped (all by default)."""
    for month, when, sides, bucket, values in MONTH_FACTS.values():
        for side, column in sides:
            conn.execute(
                f"""
                INSERT INTO ticket_month_facts (month, side, person, {", ".join(values)})
                SELECT month, '{side}', person, {", ".join(f"sum({v})" for v in values.values())}
                FROM (
                    SELECT {month.format(r="t")} AS month, t.{column} AS person,
                           {bucket.format(r="t")} AS b
                    FROM tickets t WHERE t.id > ? AND {when.format(r="t")}
                        AND t.{column} IS NOT NULL
                    LIMIT -1  -- not flattened: b is worked out once a row, not once a column
                )
                WHERE true
                GROUP BY month, person
                ON CONFLICT (month, side, person) DO UPDATE SET
                    {", ".join(f"{c} = {c} + excluded.{c}" for c in values)}
                """,
                (since_id,),
            )


def _month_counts(db: Database) -> None:
    """m010's ``ticket_month_facts``: m008's counts, on the first completion, kept by triggers."""
    columns = ",\n".join(f"{c} INTEGER NOT NULL DEFAULT 0" for c in MONTH_FACT_COLUMNS)
    _script(
        db,
        f"""
        CREATE TABLE ticket_month_facts (
            month TEXT NOT NULL,
            side TEXT NOT NULL CHECK (side IN ('engineer', 'rep')),
            person TEXT NOT NULL,
            {columns},
            PRIMARY KEY (month, side, person)
        ) WITHOUT ROWID;
        """,
    )
    count_month_facts(db.conn)
    watched = (
        "received_at, first_completed_at, completed_engineer, engineer, rep, callback_at,"
        " rating, visited_at, kind"
    )
    _script(
        db,
        f"""
        CREATE TRIGGER {FACTS_INSERT_TRIGGER} AFTER INSERT ON tickets
        BEGIN
            {_count_facts("NEW", "+")}
        END;
        CREATE TRIGGER tickets_facts_delete AFTER DELETE ON tickets
        BEGIN
            {_count_facts("OLD", "-")}
        END;
        CREATE TRIGGER tickets_facts_update AFTER UPDATE OF {watched} ON tickets
        BEGIN
            {_count_facts("OLD", "-")}
            {_count_facts("NEW", "+")}
        END;
        """,
    )


# What a review (主管监督) or an appeal (申诉) does to a problem report or a deduction. An
# event counts in the rankings only while it stands: recorded by a lead or imported, or
# approved, or upheld on appeal. The states other than standing are kept in
# ``appraisal_states``; each action moves an event to the state given here.
REVIEW_ACTIONS = {
    "approve": None,  # standing
    "reject": "rejected",
    "contest": "contested",
    "uphold": None,
    "withdraw": "withdrawn",
}
REVIEWED_SUBJECTS = ("problem", "deduction")


@migration
def m011_review_and_appeal(db: Database) -> None:
    """Problem reports and deductions reviewed by the lead and contested by the person.

    ``deductions`` is rebuilt without the CHECK on ``kind``: the kinds are the
    scheme's (deductions, bonuses, forfeits — schemes.md's adjustments), checked
    where they are recorded. Both it and ``problems`` gain ``needs_review``
    (set when a rep records the event; an event recorded by a lead, or imported,
    stands at once); problem reports gain the ``level`` of the scheme's points
    table they were filed at, and become append-only evidence like deductions.

    ``appraisal_reviews`` is the append-only log of approvals, rejections,
    appeals and decisions; ``appraisal_states`` holds, kept by triggers, each
    event that does not stand now, so the rankings skip those by key.

    ``scores`` holds values entered from outside (schemes.md's ``entered.*``
    measures): the latest row of a (period, staff, metric) is its value, the
    rows before it its history.
    """
    _script(
        db,
        """
        CREATE TABLE deductions_rebuilt (
            id INTEGER PRIMARY KEY,
            staff TEXT NOT NULL REFERENCES staff(code),
            at TEXT NOT NULL,
            kind TEXT NOT NULL,
            points REAL,
            ticket TEXT REFERENCES tickets(code),
            note TEXT,
            recorded_by TEXT,
            corrects INTEGER REFERENCES deductions_rebuilt(id),
            needs_review INTEGER NOT NULL DEFAULT 0 CHECK (needs_review IN (0, 1))
        );
        INSERT INTO deductions_rebuilt (id, staff, at, kind, points, ticket, note, recorded_by,
                                        corrects)
            SELECT id, staff, at, kind, points, ticket, note, recorded_by, corrects
            FROM deductions;
        DROP TABLE deductions;
        ALTER TABLE deductions_rebuilt RENAME TO deductions;
        CREATE INDEX deductions_staff_at ON deductions(staff, at);
        CREATE INDEX deductions_at ON deductions(at, staff);
        CREATE INDEX deductions_corrects ON deductions(corrects) WHERE corrects IS NOT NULL;

        ALTER TABLE problems ADD COLUMN level TEXT;
        ALTER TABLE problems ADD COLUMN recorded_by TEXT;
        ALTER TABLE problems ADD COLUMN needs_review INTEGER NOT NULL DEFAULT 0
            CHECK (needs_review IN (0, 1));
        CREATE INDEX problems_ticket ON problems(ticket, rep);

        CREATE TABLE appraisal_reviews (
            id INTEGER PRIMARY KEY,
            subject TEXT NOT NULL CHECK (subject IN ('problem', 'deduction')),
            subject_id INTEGER NOT NULL,
            action TEXT NOT NULL
                CHECK (action IN ('approve', 'reject', 'contest', 'uphold', 'withdraw')),
            at TEXT NOT NULL,
            by TEXT NOT NULL REFERENCES staff(code),
            reason TEXT
        );
        CREATE INDEX appraisal_reviews_subject ON appraisal_reviews(subject, subject_id, id);

        CREATE TABLE appraisal_states (
            subject TEXT NOT NULL,
            subject_id INTEGER NOT NULL,
            state TEXT NOT NULL
                CHECK (state IN ('pending', 'rejected', 'contested', 'withdrawn')),
            PRIMARY KEY (subject, subject_id)
        ) WITHOUT ROWID;
        CREATE INDEX appraisal_states_state ON appraisal_states(state, subject);

        CREATE TRIGGER problems_pending AFTER INSERT ON problems WHEN NEW.needs_review = 1
        BEGIN
            INSERT INTO appraisal_states VALUES ('problem', NEW.id, 'pending');
        END;
        CREATE TRIGGER deductions_pending AFTER INSERT ON deductions WHEN NEW.needs_review = 1
        BEGIN
            INSERT INTO appraisal_states VALUES ('deduction', NEW.id, 'pending');
        END;
        CREATE TRIGGER appraisal_reviews_stand AFTER INSERT ON appraisal_reviews
            WHEN NEW.action IN ('approve', 'uphold')
        BEGIN
            DELETE FROM appraisal_states
            WHERE subject = NEW.subject AND subject_id = NEW.subject_id;
        END;
        CREATE TRIGGER appraisal_reviews_move AFTER INSERT ON appraisal_reviews
            WHEN NEW.action IN ('reject', 'contest', 'withdraw')
        BEGIN
            INSERT INTO appraisal_states VALUES (
                NEW.subject, NEW.subject_id,
                CASE NEW.action WHEN 'reject' THEN 'rejected' WHEN 'contest' THEN 'contested'
                    ELSE 'withdrawn' END
            )
            ON CONFLICT (subject, subject_id) DO UPDATE SET state = excluded.state;
        END;

        CREATE TABLE scores (
            id INTEGER PRIMARY KEY,
            period TEXT NOT NULL,
            staff TEXT NOT NULL REFERENCES staff(code),
            metric TEXT NOT NULL,
            value TEXT NOT NULL,
            note TEXT,
            at TEXT NOT NULL,
            by TEXT NOT NULL
        );
        CREATE INDEX scores_period ON scores(period, metric, staff, id);
        CREATE INDEX scores_staff ON scores(staff, period, id);
        """,
    )
    for table in ("deductions", "problems", "appraisal_reviews", "scores"):
        _append_only(db, table)
        _no_replace(db, table, ("id",))


@migration
def m012_frozen_rows(db: Database) -> None:
    """Closed periods frozen whatever the scheme's KPIs, and days absent in attendance.

    ``frozen_rankings`` (m003) has a column per KPI of the first version's
    one scheme. A closing now freezes each row whole in ``frozen_rows``: the
    columns a period is read by, and the KPI results (measured value, points,
    flags, the counts behind them) as exact JSON. Closings made before keep
    their rows where they are; both tables are append-only evidence.

    ``attendance.absent`` holds days absent where the branch's file says so
    (schemes.md ``attendance.absent``).
    """
    _script(
        db,
        """
        CREATE TABLE frozen_rows (
            closing INTEGER NOT NULL REFERENCES month_closings(id),
            position INTEGER NOT NULL,
            branch TEXT NOT NULL,
            role TEXT NOT NULL,
            rank INTEGER NOT NULL,
            staff_code TEXT NOT NULL,
            name TEXT NOT NULL,
            total TEXT NOT NULL,
            reward TEXT NOT NULL,
            data TEXT NOT NULL,
            PRIMARY KEY (closing, position)
        );
        ALTER TABLE attendance ADD COLUMN absent INTEGER CHECK (absent BETWEEN 0 AND 31);
        """,
    )
    _append_only(db, "frozen_rows")
    _no_replace(db, "frozen_rows", ("closing", "position"))


@migration
def m013_branch_presets(db: Database) -> None:
    """Which preset scheme each branch runs, chosen by its lead in the TUI, with its history.

    A branch's scheme is a preset (``fieldkpi/schemes``) overlaid by the
    config folder's files. The lead picks the preset from the rankings screen;
    each choice is a row here (append-only: who switched when is on record),
    and the latest row is the branch's preset. A file with ``preset = "…"``
    still wins over it.
    """
    _script(
        db,
        """
        CREATE TABLE branch_presets (
            id INTEGER PRIMARY KEY,
            branch TEXT NOT NULL REFERENCES branches(code),
            preset TEXT NOT NULL,
            at TEXT NOT NULL,
            by TEXT NOT NULL REFERENCES staff(code)
        );
        CREATE INDEX branch_presets_branch ON branch_presets(branch, id);
        """,
    )
    _append_only(db, "branch_presets")
    _no_replace(db, "branch_presets", ("id",))


# The last digits of a phone by which a Chinese call centre finds a caller (手机尾号).
PHONE_TAIL_DIGITS = 4


@migration
def m014_phone_tail(db: Database) -> None:
    """Tickets found by the last 4 digits of the phone, from an index.

    An index on the expression itself: SQLite keeps it in step with every
    write of ``phone`` (import, ticket form, anything else), and a query that
    says ``substr(t.phone, -4) = ?`` reads it.
    """
    _script(
        db,
        "CREATE INDEX tickets_branch_phone_tail "
        f"ON tickets(branch, substr(phone, -{PHONE_TAIL_DIGITS}));",
    )


@migration
def m015_no_person_status_indexes(db: Database) -> None:
    """m001's (engineer, status) and (rep, status) indexes dropped: nothing needs them.

    Every query that used them (a person's open tickets, counted or listed; the
    test suite's every statement was checked with EXPLAIN QUERY PLAN) reads the
    same rows from m002's partial open-ticket indexes (engineer or rep,
    updated_at, id WHERE open), in under a millisecond on a million tickets
    (bench/README.md). Each cost about 0.8 s per million tickets to build on
    import and a few µs a row to keep up.
    """
    _script(
        db,
        """
        DROP INDEX IF EXISTS tickets_engineer;
        DROP INDEX IF EXISTS tickets_rep;
        """,
    )


@migration
def m016_corrections_become_withdrawals(db: Database) -> None:
    """m001's correcting deductions become the ``withdraw`` reviews that replaced them.

    Until the review of m011, a deduction recorded by mistake was voided by a
    second row naming it in ``corrects``: a copy of it (staff, kind, points,
    ticket) with who voided it (``recorded_by``), when (``at``) and why
    (``note``). Nothing has written one since a lead withdraws through the
    review, so each is now what a withdrawal records: a ``withdraw`` review of
    the row it corrected, by the same person, at the same time, with the note
    as the reason (the trigger of m011 marks the row withdrawn). The
    correcting row itself then holds nothing the review does not, and would
    count as a deduction of its own once ``corrects`` is no longer read, so it
    goes, in this one transaction whose guard against DELETE is put back as it
    was. The live figures are those before (the corrected row counted nowhere,
    nor did the correcting one); the frozen rows of closed periods are not
    touched. A correcting row whose recorder is no staff code (fieldkpi always
    wrote one) is withdrawn in the name of whoever recorded the row it
    corrects, else of the lead of the person's branch, else of an admin.
    A correction of a correction (which fieldkpi refused to write)
    leaves no review: the row it names is a correction that goes too.

    Then the column and its index go: nothing writes or reads them.
    """
    _script(
        db,
        """
        INSERT INTO appraisal_reviews (subject, subject_id, action, at, by, reason)
            SELECT 'deduction', c.corrects, 'withdraw', c.at,
                coalesce(
                    (SELECT code FROM staff WHERE code = c.recorded_by),
                    (SELECT code FROM staff WHERE code = d.recorded_by),
                    (SELECT l.code FROM staff s JOIN staff l ON l.branch = s.branch
                     WHERE s.code = d.staff AND l.role = 'lead' ORDER BY l.code LIMIT 1),
                    (SELECT code FROM staff WHERE role = 'admin' ORDER BY code LIMIT 1)
                ),
                c.note
            FROM deductions c JOIN deductions d ON d.id = c.corrects
            WHERE d.corrects IS NULL
            ORDER BY c.id;
        DELETE FROM appraisal_states WHERE subject = 'deduction'
            AND subject_id IN (SELECT id FROM deductions WHERE corrects IS NOT NULL);
        DROP TRIGGER deductions_no_delete;
        DELETE FROM deductions WHERE corrects IS NOT NULL;
        DROP INDEX deductions_corrects;
        ALTER TABLE deductions DROP COLUMN corrects;
        """,
    )
    _append_only(db, "deductions", ("DELETE",))


@migration
def m017_held_ratings(db: Database) -> None:
    """A low rating a rep records waits for the lead's review, as the rep's events do.

    ``held_ratings`` keeps each such callback (its time, rating and comment,
    who recorded it and when) as append-only evidence; the ticket takes the
    rating only when the lead approves (:func:`access.rating_needs_review`).
    It is the review subject ``rating``: pending from its INSERT, decided in
    ``appraisal_reviews``, whose subject CHECK is widened by a rebuild that
    puts its index and triggers back as they were.
    """
    kept = [
        sql
        for (sql,) in db.execute(
            "SELECT sql FROM sqlite_master WHERE tbl_name = 'appraisal_reviews'"
            " AND type IN ('index', 'trigger') AND sql IS NOT NULL ORDER BY type, name"
        ).fetchall()
    ]
    _script(
        db,
        """
        CREATE TABLE appraisal_reviews_rebuilt (
            id INTEGER PRIMARY KEY,
            subject TEXT NOT NULL CHECK (subject IN ('problem', 'deduction', 'rating')),
            subject_id INTEGER NOT NULL,
            action TEXT NOT NULL
                CHECK (action IN ('approve', 'reject', 'contest', 'uphold', 'withdraw')),
            at TEXT NOT NULL,
            by TEXT NOT NULL REFERENCES staff(code),
            reason TEXT
        );
        INSERT INTO appraisal_reviews_rebuilt SELECT * FROM appraisal_reviews ORDER BY id;
        DROP TABLE appraisal_reviews;
        ALTER TABLE appraisal_reviews_rebuilt RENAME TO appraisal_reviews;

        CREATE TABLE held_ratings (
            id INTEGER PRIMARY KEY,
            ticket TEXT NOT NULL REFERENCES tickets(code),
            at TEXT NOT NULL,
            rating INTEGER NOT NULL CHECK (rating BETWEEN 1 AND 5),
            note TEXT,
            recorded_by TEXT NOT NULL REFERENCES staff(code),
            recorded_at TEXT NOT NULL
        );
        CREATE INDEX held_ratings_ticket ON held_ratings(ticket, id);
        CREATE TRIGGER held_ratings_pending AFTER INSERT ON held_ratings
        BEGIN
            INSERT INTO appraisal_states VALUES ('rating', NEW.id, 'pending');
        END;
        """,
    )
    for sql in kept:
        db.execute(sql)
    _append_only(db, "held_ratings")
    _no_replace(db, "held_ratings", ("id",))


# A phone as the ticket form and the import keep it holds only ASCII digits, "+" and "-".
_ODD_PHONE = "*[^0-9+-]*"
# Odd phones read and written at a time by m018: a bounded list, whatever their number.
PHONE_BATCH = 1000


@migration
def m018_normal_phones(db: Database) -> None:
    """Phones imported as typed (``１３８ 0013 8000``) kept as the form and the import keep them.

    Until the import read phones as the new-ticket form does
    (:func:`~fieldkpi.tickets.normal_phone`: full-width digits as ASCII, no
    spaces), a ticket imported from a file kept its phone as the file wrote
    it, and the queue's search by phone or by its last four digits (m014's
    index) and the caller lookup never found it. Each such phone is now
    written as the import writes it, so the same number is the same text.

    A phone the form would refuse even so (a letter, fewer than five digits,
    too long) stays exactly as it is: there is no number to turn it into, and
    the person who reads the ticket still sees what the customer gave. Only
    the phones of other characters than digits, "+" and "-" are read (the
    rest already are as the form keeps them), a batch at a time along the
    (branch, phone) index: on a million tickets, 11,000 of them odd, the
    upgrade took 1.3 s. Neither ``updated_at``, ``version`` nor the history
    changes: the number is the one it was, spelt as it is searched.
    """
    _rewrite_phones(db, "phone GLOB ?", (_ODD_PHONE,))


def _rewrite_phones(db: Database, where: str, params: tuple = ()) -> None:
    """The phones ``where`` picks written as the import keeps them (:func:`_kept_phone`),
    read a batch at a time along the (branch, phone) index; a phone that cannot be read
    as one, or already is as kept, is left alone."""
    after = ("", "", 0)  # (branch, phone, id): where the last batch ended in the index
    while True:
        rows = db.execute(
            f"""
            SELECT branch, phone, id FROM tickets INDEXED BY tickets_branch_phone
            WHERE ({where}) AND (branch, phone, id) > (?, ?, ?)
            ORDER BY branch, phone, id LIMIT ?
            """,
            (*params, *after, PHONE_BATCH),
        ).fetchall()
        if not rows:
            return
        db.conn.executemany(
            "UPDATE tickets SET phone = ? WHERE id = ?",
            [
                (kept, id_)
                for _branch, phone, id_ in rows
                if (kept := _kept_phone(phone)) and kept != phone
            ],
        )
        after = tuple(rows[-1])


def _kept_phone(phone: str) -> str | None:
    """``phone`` as the import keeps it, or None when the import would refuse it: the
    import's own reader (imported here, as :mod:`storage.csvrows` imports this module)."""
    from storage.csvrows import CellError, Phone

    try:
        return Phone()(phone)
    except CellError:
        return None


@migration
def m019_customer_search_nocase(db: Database) -> None:
    """The queue finds a customer by name whatever the case of its Latin letters.

    m002's (branch, customer) index compared names byte by byte, so ``li lei``
    found no ``Li Lei``. It is replaced by one in ``NOCASE`` order (ASCII letters
    folded, every other character, Chinese included, compared as before), which
    the queue's search reads by comparing in the same collation. One index for
    the other: each index on ``tickets`` is built again by a bulk import.
    """
    _script(
        db,
        """
        DROP INDEX tickets_branch_customer;
        CREATE INDEX tickets_branch_customer ON tickets(branch, customer COLLATE NOCASE);
        """,
    )


@migration
def m020_phone_digits(db: Database) -> None:
    """Phones kept as their digits: ``159-8888-1234`` is found by ``15988881234``.

    Until the form and the import kept a phone as its digits
    (:func:`~fieldkpi.tickets.normal_phone`), a phone typed with dashes was
    kept with them, and the queue's search, its last four digits and the
    caller lookup found the number only as it had been typed: one caller,
    two numbers, duplicate tickets. Each phone that is not digits alone
    (dashes, a "+") or begins with 0086 is now written as the form keeps it;
    as in m018, one the form would refuse stays as the customer gave it, and
    neither ``updated_at``, ``version`` nor the history changes. The phones
    read are those of the (branch, phone) index that are not digits alone,
    plus those from 0086: a scan of that index, not of the tickets.
    """
    _rewrite_phones(db, "phone GLOB '*[^0-9]*' OR phone GLOB '0086*'")


@migration
def m021_events_by_person(db: Database) -> None:
    """A person's events are read by index: their problem reports, the held ratings of a span.

    F6 lists a person's events of three months (:func:`storage.event_rows.events_of`).
    Problem reports had no index on the engineer they are about, so every report of the
    span, anyone's, was read; held ratings had none on their time, so every held rating
    ever recorded was read, and who held each ticket when it was recorded worked out.
    """
    _script(
        db,
        """
        CREATE INDEX problems_engineer_at ON problems(engineer, at);
        CREATE INDEX held_ratings_at ON held_ratings(at);
        """,
    )
