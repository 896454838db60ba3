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


def _append_only(db: Database, table: str) -> None:
    """History and deductions are evidence: SQL itself refuses to change them."""
    for verb in ("UPDATE", "DELETE"):
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
