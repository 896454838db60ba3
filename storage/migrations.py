"""The schema, as numbered migrations applied when a database is opened.

A migration is never edited once it has shipped: a change to the schema is a
new function at the end of this file. ``PRAGMA user_version`` mirrors the
number of applied migrations so that a database from a newer fieldkpi, which
has migrations this code does not know, is refused instead of misread.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from sqlite_utils.db import Database
from sqlite_utils.migrations import Migrations

from storage.errors import DatabaseUnusable

if TYPE_CHECKING:
    from storage.db import Store

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
    db.executescript(
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
        CREATE INDEX tickets_phone ON tickets(phone);

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
            points REAL NOT NULL DEFAULT 1,
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
        """
    )
    _append_only(db, "ticket_history")
    _append_only(db, "deductions")


def known_versions() -> list[str]:
    return list(_names)


def apply_migrations(store: Store) -> None:
    """Bring the schema up to date, or refuse a database from a newer fieldkpi."""
    known = known_versions()
    user_version = store.scalar("PRAGMA user_version")
    if user_version > len(known):
        raise DatabaseUnusable(
            f"{store.path}: written by a newer fieldkpi (schema {user_version}, "
            f"this one knows {len(known)}); upgrade fieldkpi"
        )
    if user_version == len(known) and user_version > 0:
        return
    with store.write() as db:
        applied = {m.name for m in migrations.applied(db)}
        unknown = applied - set(known)
        if unknown:
            raise DatabaseUnusable(
                f"{store.path}: written by a newer fieldkpi (unknown migrations "
                f"{', '.join(sorted(unknown))}); upgrade fieldkpi"
            )
        if not applied and _has_foreign_tables(db):
            raise DatabaseUnusable(f"{store.path}: a SQLite database, but not a fieldkpi one")
        migrations.apply(db)
        db.execute(f"PRAGMA user_version = {len(known)}")


def _has_foreign_tables(db: Database) -> bool:
    return any(not name.startswith(("_sqlite", "sqlite_")) for name in db.table_names())


def schema_version(store: Store) -> int:
    return store.scalar("PRAGMA user_version")
