"""A database at the schema before a given migration, to upgrade in a test."""

from __future__ import annotations

import sqlite3

import sqlite_utils

from storage.db import Store
from storage.migrations import known_versions, migrations


def schema_before(path, name: str) -> Store:
    """A database at the last schema before migration ``name``, opened without migrating it;
    :func:`storage.db.open_store` of the same path then upgrades it."""
    conn = sqlite3.connect(path, isolation_level=None)
    conn.row_factory = sqlite3.Row
    db = sqlite_utils.Database(conn)
    migrations.apply(db, stop_before=name)
    db.execute(f"PRAGMA user_version = {known_versions().index(name)}")
    conn.execute("PRAGMA foreign_keys = ON")
    return Store(db, str(path))
