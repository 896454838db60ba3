"""Backups and health checks of a database file: what cron runs every night.

Both take the file as it is and never write to it, nor migrate its schema (a
backup taken before an upgrade must hold the old one). A backup uses SQLite's
online backup in one step: the copy is one consistent moment, read while
others keep writing (in WAL mode a reader does not stop writers). It is written
beside its destination and renamed into place only after the copy passed the
integrity check, so a crash never leaves half a file under the backup's name
and a damaged database never replaces the last good backup.

A backup holds the database and nothing else: SQLite takes a ``-wal`` beside
a file as that file's (and replays it when the file is next opened), so a
destination with a ``-wal``, ``-shm`` or ``-journal`` beside it, left by a
database that was there or one still open, is refused; so is a file that is
not a database (someone's notes typed as the destination). In a folder every
backup gets a name of its own.
"""

from __future__ import annotations

import contextlib
import os
import sqlite3
import tempfile
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from fieldkpi.export_files import numbered_names
from fieldkpi.file_errors import file_problem, os_reason
from fieldkpi.i18n import _, join_list
from storage.db import BUSY_TIMEOUT_S, check_file, is_sqlite_file
from storage.errors import StorageError
from storage.migrations import APPEND_ONLY, known_versions

PROBLEMS_SHOWN = 20  # integrity problems listed at most (a damaged file can have thousands)
ROWIDS_SHOWN = 5  # rows named per broken foreign key


class BackupFailed(StorageError):
    """No backup was written; whatever was at the destination is as it was."""


class BackupRefused(BackupFailed):
    """The destination given cannot take a backup (bad input); nothing was copied."""


@dataclass(frozen=True)
class Health:
    """What :func:`check` found: ``problems`` (none when healthy), what it checked, notes."""

    problems: list[str]
    checked: list[str]
    notes: list[str]


def backup(source: str | os.PathLike, dest: str | os.PathLike, now: datetime | None = None) -> Path:
    """Copy the database at ``source`` to ``dest``; returns the path written.

    ``dest`` is a file (an earlier backup there is replaced), or a
    folder to write ``<name>-YYYYMMDD-HHMMSS.db`` in (names that sort by age;
    a second backup of the same name in the same second is ``…-2.db``, never
    over the first). The copy is a single file (no ``-wal``), with the
    permissions of the database.
    """
    source = str(source)
    check_file(source)
    dest = Path(dest)
    into_folder = dest.is_dir()
    if into_folder:
        suffix = Path(source).suffix or ".db"
        first = dest / f"{Path(source).stem}-{now or datetime.now():%Y%m%d-%H%M%S}{suffix}"
    else:
        _refuse(Path(source), dest)
        first = dest
    try:
        handle, name = tempfile.mkstemp(prefix=f".{first.name}.", suffix=".part", dir=first.parent)
    except OSError as exc:
        raise BackupRefused(
            _("{dest}: cannot write there ({reason})").format(dest=first, reason=os_reason(exc))
        ) from exc
    os.close(handle)
    part = Path(name)
    try:
        _copy(source, part)
        part.chmod(Path(source).stat().st_mode & 0o666)
        if into_folder:
            final = _claim(part, first)
        else:
            os.replace(part, dest)
            final = dest
        _sync_folder(final.parent)
    except BaseException:
        part.unlink(missing_ok=True)
        raise
    return final


def check(path: str | os.PathLike) -> Health:
    """The integrity check, the foreign-key check and the append-only guards, in one snapshot."""
    path = str(path)
    check_file(path)
    conn = sqlite3.connect(path, timeout=BUSY_TIMEOUT_S)
    try:
        conn.execute("BEGIN")  # every check sees the same moment while others write
        return _examine(conn)
    except sqlite3.DatabaseError as exc:
        return Health([_("cannot be read: {error}").format(error=exc)], [], [])
    finally:
        conn.close()


def damage_message(exc: sqlite3.DatabaseError) -> str | None:
    """What to tell a person when a command met a damaged file; None for other errors."""
    name = getattr(exc, "sqlite_errorname", None) or ""  # errors of Python's own have none
    if name.startswith(("SQLITE_CORRUPT", "SQLITE_NOTADB")):
        return _(
            "the database is damaged ({error}); run `fieldkpi check` and restore the latest backup"
        ).format(error=exc)
    return None


COMPANIONS = ("-wal", "-shm", "-journal")  # SQLite's files beside a database in use


def _companion(source: Path, dest: Path) -> Path | None:
    """The database's ``-wal``, ``-shm`` or ``-journal`` file that ``dest`` is, or ``None``.

    They hold committed work not yet in the main file (``-wal``) and the
    other connections' locks (``-shm``): a backup renamed over one under a live
    session loses that work or corrupts the database. ``dest`` may name one
    through a symlink, a hard link or ``..``; SQLite may name them after the
    database's path as given or as resolved, so both are compared.
    """
    target = dest.resolve()
    for base in dict.fromkeys((source.absolute(), source.resolve())):
        for suffix in COMPANIONS:
            companion = base.with_name(base.name + suffix)
            same_file = dest.exists() and companion.exists() and dest.samefile(companion)
            if same_file or target == companion.resolve():
                return companion
    return None


def _leftovers(path: Path) -> list[Path]:
    """The ``-wal``, ``-shm`` and ``-journal`` beside ``path``: SQLite takes them as its own."""
    beside = (path.with_name(path.name + suffix) for suffix in COMPANIONS)
    return [leftover for leftover in beside if leftover.exists() or leftover.is_symlink()]


def _refuse(source: Path, dest: Path) -> None:
    """Refuse a destination file that is not the place for a backup, before anything is copied."""
    if dest.exists() and dest.samefile(source):
        raise BackupRefused(_("{dest}: that is the database itself").format(dest=dest))
    companion = _companion(source, dest)
    if companion is not None:
        raise BackupRefused(
            _(
                "{dest}: that is {companion}, part of the database while it is in use: "
                "replacing it would damage the database"
            ).format(dest=dest, companion=companion)
        )
    leftovers = _leftovers(dest)
    if leftovers:
        raise BackupRefused(
            _(
                "{dest}: {leftover} lies beside it, from a database that was there or is still "
                "open, and SQLite would apply it to the backup: give another name, or move that "
                "database and its -wal, -shm and -journal aside first"
            ).format(dest=dest, leftover=leftovers[0])
        )
    try:
        sqlite = not dest.exists() or is_sqlite_file(dest)
    except OSError as exc:
        raise BackupRefused(file_problem(dest, exc)) from exc
    if not sqlite:
        raise BackupRefused(
            _(
                "{dest}: not a SQLite database, so no backup replaces it: give another name, "
                "or a folder"
            ).format(dest=dest)
        )


def _claim(part: Path, first: Path) -> Path:
    """Give the finished copy ``first``'s name, or the next that is free (``…-2.db``): none
    taken by an earlier backup (nor by one renamed into place this instant by another
    process), none with leftovers beside it."""
    for final in (first.with_name(name) for name in numbered_names(first.name)):
        if _leftovers(final):
            continue
        try:
            os.link(part, final)  # fails, atomically, when the name is taken
        except FileExistsError:
            continue
        except OSError:  # a filesystem without hard links (FAT, some shares)
            if final.exists() or final.is_symlink():
                continue
            os.replace(part, final)
            return final
        part.unlink()
        return final
    raise BackupRefused(
        _("{name} and its numbered variants exist already.").format(name=first.name)
    )


def _copy(source: str, part: Path) -> None:
    """The online backup into ``part``, checked; refused when the copy is not sound."""
    original = sqlite3.connect(source, timeout=BUSY_TIMEOUT_S)
    try:
        copy = sqlite3.connect(part)
        try:
            original.backup(copy)  # every page in one step: one consistent moment
            copy.execute("PRAGMA journal_mode = DELETE")  # self-contained: no -wal beside it
            problems = _integrity(copy)
        finally:
            copy.close()
    except sqlite3.DatabaseError as exc:
        raise BackupFailed(
            _("{path}: cannot be copied ({error})").format(path=source, error=exc)
        ) from exc
    finally:
        original.close()
    if problems:
        raise BackupFailed(
            _(
                "{path}: the copy fails the integrity check ({problem}), so no backup was "
                "written; run `fieldkpi check`"
            ).format(path=source, problem=problems[0])
        )


def _sync_folder(folder: Path) -> None:
    """Make the rename itself durable: after a power cut the backup is there, or the old one."""
    handle = os.open(folder, os.O_RDONLY)
    try:
        os.fsync(handle)
    finally:
        os.close(handle)


def _examine(conn: sqlite3.Connection) -> Health:
    problems, checked, notes = [], [], []
    for name, find in ((_("integrity"), _integrity), (_("foreign keys"), _broken_references)):
        checked.append(name)
        try:
            problems += [f"{name}: {problem}" for problem in find(conn)]
        except sqlite3.DatabaseError as exc:  # damage that stops the check itself
            problems.append(_("{check}: stopped by {error}").format(check=name, error=exc))
    version, known = conn.execute("PRAGMA user_version").fetchone()[0], len(known_versions())
    if version == known:
        problems += _unguarded(conn)
        checked.append(_("append-only guards"))
    elif version < known:
        notes.append(
            _("schema {version} of {known}: fieldkpi upgrades it when it next opens it").format(
                version=version, known=known
            )
        )
    else:
        notes.append(
            _(
                "schema {version} is newer than this fieldkpi knows ({known}): its append-only "
                "guards were not checked"
            ).format(version=version, known=known)
        )
    return Health(problems, checked, notes)


def _unguarded(conn: sqlite3.Connection) -> list[str]:
    """What the evidence tables let through, tried on a copy of the file's own schema.

    A guard is judged by what it does, not by its name: a trigger of the right
    name that does nothing, fires on one column only, or is missing, all let
    a change through. The file's tables, views, indexes and triggers are built
    in a database in memory (the file is never written), one row is put in each
    evidence table (its newest, or one made up), and an UPDATE of each column,
    a DELETE and an INSERT OR REPLACE are tried on it: each must leave the
    table as it was, refused or ignored.
    """
    probe = sqlite3.connect(":memory:", isolation_level=None)
    try:
        probe.execute("PRAGMA ignore_check_constraints = ON")  # a made-up row needs no sense
        schema = conn.execute(
            "SELECT sql FROM sqlite_master WHERE sql IS NOT NULL AND name NOT LIKE 'sqlite_%'"
            " ORDER BY CASE type WHEN 'table' THEN 0 WHEN 'view' THEN 1 WHEN 'index' THEN 2"
            " ELSE 3 END, rowid"
        ).fetchall()
        for (sql,) in schema:
            probe.execute(sql)
        return [problem for table in APPEND_ONLY for problem in _tried(conn, probe, table)]
    except sqlite3.DatabaseError as exc:
        return [_("append-only guards could not be tried: {error}").format(error=exc)]
    finally:
        probe.close()


def _tried(live: sqlite3.Connection, probe: sqlite3.Connection, table: str) -> list[str]:
    """The changes ``table`` of ``probe`` lets through (see :func:`_unguarded`)."""
    columns = [(row[1], row[2].upper()) for row in probe.execute(f"PRAGMA table_info({table})")]
    names = [name for name, _type in columns]
    row = live.execute(f"SELECT {', '.join(names)} FROM {table} ORDER BY rowid DESC LIMIT 1")
    values = list(row.fetchone() or (_made_up(kind) for _name, kind in columns))
    marks = ", ".join("?" * len(names))
    probe.execute(f"INSERT INTO {table} ({', '.join(names)}) VALUES ({marks})", values)
    before = probe.execute(f"SELECT * FROM {table}").fetchall()
    key = APPEND_ONLY[table]

    def lets_through(sql: str, params: list) -> bool:
        probe.execute("SAVEPOINT try")
        with contextlib.suppress(sqlite3.IntegrityError):  # refused, as a guard does
            probe.execute(sql, params)
        changed = probe.execute(f"SELECT * FROM {table}").fetchall() != before
        probe.execute("ROLLBACK TO try")
        probe.execute("RELEASE try")
        return changed

    updated = [
        name
        for name, value in zip(names, values, strict=True)
        if lets_through(f"UPDATE {table} SET {name} = ?", [_other(value)])
    ]
    other = next(name for name in names if name not in key)
    replaced = [_other(v) if n == other else v for n, v in zip(names, values, strict=True)]
    problems = []
    if updated == names:
        problems.append(
            _("{table}: an UPDATE goes through: its rows can be rewritten").format(table=table)
        )
    elif updated:
        problems.append(
            _("{table}: an UPDATE of {columns} goes through: its rows can be rewritten").format(
                table=table, columns=join_list(updated)
            )
        )
    if lets_through(f"DELETE FROM {table}", []):
        problems.append(
            _("{table}: a DELETE goes through: its rows can be removed").format(table=table)
        )
    if lets_through(
        f"INSERT OR REPLACE INTO {table} ({', '.join(names)}) VALUES ({marks})", replaced
    ):
        problems.append(
            _("{table}: an INSERT OR REPLACE goes through: its rows can be replaced").format(
                table=table
            )
        )
    return problems


def _made_up(kind: str) -> object:
    """A value of a column's declared type, for a table with no row to copy."""
    if "INT" in kind:
        return 1
    if any(word in kind for word in ("REAL", "FLOA", "DOUB")):
        return 1.0
    return "x"


def _other(value: object) -> object:
    """A value that differs from ``value`` (so a trigger watching for a change fires)."""
    if isinstance(value, bool | int | float):
        return value + 1
    if isinstance(value, bytes):
        return value + b"x"
    return 1 if value is None else f"{value}x"


def _integrity(conn: sqlite3.Connection) -> list[str]:
    """The problems the integrity check finds, one a line (its first row can hold several)."""
    rows = [row[0] for row in conn.execute(f"PRAGMA integrity_check({PROBLEMS_SHOWN})")]
    if rows == ["ok"]:
        return []
    lines = (line.strip() for row in rows for line in row.splitlines())
    return [line for line in lines if line and not line.startswith("*** in database")]


def _broken_references(conn: sqlite3.Connection) -> list[str]:
    """One line per table and missing parent, naming the first few rows."""
    broken: dict[tuple[str, str], list[int]] = {}
    for table, rowid, parent, _fk in conn.execute("PRAGMA foreign_key_check"):
        broken.setdefault((table, parent), []).append(rowid)
    return [
        _("{table} names a missing {parent} in {n} row(s) (rowid {rowids})").format(
            n=len(rowids),
            table=table,
            parent=parent,
            rowids=join_list(map(str, rowids[:ROWIDS_SHOWN]))
            + ("…" if len(rowids) > ROWIDS_SHOWN else ""),
        )
        for (table, parent), rowids in broken.items()
    ]
