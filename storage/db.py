"""Opening the database: pragmas for many users at once, and one way to write.

Every process (one per person logged in over SSH) opens its own connection.
WAL lets readers work while one writer writes; the busy timeout makes a second
writer wait instead of failing. Writes go through :meth:`Store.write`, which
starts with ``BEGIN IMMEDIATE``: a plain deferred ``BEGIN`` that reads and then
writes fails with "database is locked" at once, ignoring the busy timeout.
"""

from __future__ import annotations

import contextlib
import os
import sqlite3
import threading
from collections.abc import Iterator
from datetime import date, datetime
from pathlib import Path

import sqlite_utils

from fieldkpi import access
from fieldkpi.figures import Person
from fieldkpi.file_errors import os_reason
from fieldkpi.i18n import _, join_list
from storage.errors import Busy, DatabaseUnusable
from storage.migrations import known_versions, migrations

BUSY_TIMEOUT_S = 30.0


class _Lock:
    """A re-entrant lock that knows whether the calling thread holds it."""

    def __init__(self) -> None:
        self._lock = threading.RLock()
        self._held = threading.local()

    def __enter__(self) -> _Lock:
        self._lock.acquire()
        self._held.depth = self.depth + 1
        return self

    def __exit__(self, *exc: object) -> None:
        self._held.depth -= 1
        self._lock.release()

    @property
    def depth(self) -> int:
        return getattr(self._held, "depth", 0)


class Store:
    """The connections of one process to a fieldkpi database, shared by its threads.

    Textual runs storage calls in worker threads, so connections are opened
    with ``check_same_thread=False`` and every use takes a lock. Writes, and
    whatever a thread reads while it holds ``self.lock`` (inside a write, or an
    import's staging), go through ``conn``. Other reads go through a second
    connection when there is one (``reader``): WAL lets it read while a save of
    this session waits for another process's write lock, up to
    :data:`BUSY_TIMEOUT_S`, so the person's screens keep answering meanwhile.
    """

    def __init__(
        self, db: sqlite_utils.Database, path: str, reader: sqlite_utils.Database | None = None
    ) -> None:
        self.db = db
        self.path = path
        self.lock = _Lock()
        self._reader = reader
        self._reader_lock = threading.RLock()

    @property
    def conn(self) -> sqlite3.Connection:
        return self.db.conn

    def _reading(self) -> tuple[contextlib.AbstractContextManager, sqlite_utils.Database]:
        """The lock and connection a read of this thread goes through (see the class)."""
        if self._reader is None or self.lock.depth:
            return self.lock, self.db
        return self._reader_lock, self._reader

    @contextlib.contextmanager
    def write(self) -> Iterator[sqlite_utils.Database]:
        """One write transaction: all of it commits, or none of it does.

        It waits up to :data:`BUSY_TIMEOUT_S` for another writer (a long import
        holds the lock while it writes) and then says so in words, not SQLite's.
        """
        with self.lock:
            try:
                self.conn.execute("BEGIN IMMEDIATE")
            except sqlite3.OperationalError as exc:
                if exc.sqlite_errorcode not in (sqlite3.SQLITE_BUSY, sqlite3.SQLITE_LOCKED):
                    raise
                raise Busy(
                    _(
                        "Not saved: someone else kept the database busy for {seconds:.0f} s "
                        "(an import, perhaps). Try again in a moment."
                    ).format(seconds=BUSY_TIMEOUT_S)
                ) from exc
            try:
                yield self.db
            except BaseException:
                if self.conn.in_transaction:
                    self.conn.execute("ROLLBACK")
                raise
            else:
                self.conn.execute("COMMIT")

    @contextlib.contextmanager
    def write_as(self, actor: Person, now: datetime) -> Iterator[sqlite_utils.Database]:
        """:meth:`write` for a person: the one place every write in someone's name checks
        that they still work here (:func:`fieldkpi.access.check_still_here`).

        Their leaving day is read inside the transaction, so one an admin saved
        while their session was open counts from their next save.
        """
        with self.write() as db:
            left = db.execute("SELECT left_on FROM staff WHERE code = ?", (actor.code,)).fetchone()
            left_on = date.fromisoformat(left[0]) if left and left[0] else None
            access.check_still_here(actor, left_on, now.date())
            yield db

    @contextlib.contextmanager
    def read(self) -> Iterator[sqlite_utils.Database]:
        """A consistent snapshot for several queries that must agree.

        Inside :meth:`write` the open transaction already is that snapshot (and
        sees its own writes), so reads done as part of a write join it.
        """
        lock, db = self._reading()
        with lock:
            if db.conn.in_transaction:
                yield db
                return
            db.conn.execute("BEGIN")
            try:
                yield db
            finally:
                if db.conn.in_transaction:
                    db.conn.execute("COMMIT")

    def query(self, sql: str, params: tuple | list | dict = ()) -> list[sqlite3.Row]:
        lock, db = self._reading()
        with lock:
            return db.conn.execute(sql, params).fetchall()

    def scalar(self, sql: str, params: tuple | list | dict = ()):
        lock, db = self._reading()
        with lock:
            row = db.conn.execute(sql, params).fetchone()
        return None if row is None else row[0]

    def data_version(self) -> int:
        """Changes whenever *another* connection commits: a cheap "refresh now".

        Asked of the writing connection, which the reading one never changes.
        """
        with self.lock:
            return self.conn.execute("PRAGMA data_version").fetchone()[0]

    def close(self) -> None:
        with self._reader_lock:
            if self._reader is not None:
                self._reader.close()
        with self.lock:
            self.db.close()


def open_store(path: str | os.PathLike, *, create: bool = True) -> Store:
    """Open (or create) a database, check it is ours, and bring its schema up to date.

    Raises :class:`DatabaseUnusable` with a one-line reason for a directory, a
    file that is not SQLite, a read-only file, a corrupt file, a database
    written by a newer fieldkpi or a new one in a folder that does not exist
    (a typo in a path makes no folders); the file is left as it was.
    """
    path = str(path)
    check_file(path, create=create)
    conn = _connect(path)
    reader = None
    try:
        db = sqlite_utils.Database(conn)
        store = Store(db, path)
        check_compatible(store)
        mode = conn.execute("PRAGMA journal_mode = WAL").fetchone()[0]
        if mode.lower() != "wal":
            raise DatabaseUnusable(
                _("{path}: cannot switch the database to WAL mode").format(path=path)
            )
        conn.execute("PRAGMA synchronous = NORMAL")
        apply_migrations(store)
        reader = _connect(path)
        reader.execute("PRAGMA query_only = ON")  # a write that strayed here fails loudly
        return Store(db, path, sqlite_utils.Database(reader))
    except sqlite3.DatabaseError as exc:
        _close(conn, reader)
        raise DatabaseUnusable(
            _("{path}: not a usable fieldkpi database ({error})").format(path=path, error=exc)
        ) from exc
    except BaseException:
        _close(conn, reader)
        raise


def _connect(path: str) -> sqlite3.Connection:
    try:
        conn = sqlite3.connect(path, timeout=BUSY_TIMEOUT_S, check_same_thread=False)
    except sqlite3.Error as exc:
        raise DatabaseUnusable(
            _("{path}: cannot open the database ({error})").format(path=path, error=exc)
        ) from exc
    conn.row_factory = sqlite3.Row
    conn.execute("PRAGMA foreign_keys = ON")
    return conn


def _close(*conns: sqlite3.Connection | None) -> None:
    for conn in conns:
        if conn is not None:
            conn.close()


def check_file(path: str, *, create: bool = False) -> bool:
    """Refuse what cannot be a database file before SQLite touches it; whether it exists.

    A directory, a missing file (unless it is to be created), a file to be
    created in a folder that does not exist, a file that is not SQLite and a
    read-only file raise :class:`DatabaseUnusable`.
    """
    target = Path(path)
    if target.is_dir():
        raise DatabaseUnusable(_("{path}: is a directory, not a database file").format(path=path))
    exists = target.exists()
    if not exists and not create:
        raise DatabaseUnusable(_("{path}: no such database").format(path=path))
    if not exists and not target.parent.is_dir():
        raise DatabaseUnusable(
            _("{path}: {reason}").format(path=target.parent, reason=_("no such folder"))
        )
    if exists:
        _check_header(target)
        if not os.access(path, os.W_OK) or not target.stat().st_mode & 0o222:
            raise DatabaseUnusable(_("{path}: the database file is read-only").format(path=path))
    return exists


def check_compatible(store: Store) -> None:
    """Refuse, before anything is written, a database that is newer or not ours."""
    known = len(known_versions())
    version = store.scalar("PRAGMA user_version")
    if version > known:
        raise DatabaseUnusable(
            _(
                "{path}: written by a newer fieldkpi (schema {version}, this one knows "
                "{known}); upgrade fieldkpi"
            ).format(path=store.path, version=version, known=known)
        )
    tables = [name for name in store.db.table_names() if not name.startswith("sqlite_")]
    if version == 0 and tables and "_sqlite_migrations" not in tables:
        raise DatabaseUnusable(
            _("{path}: a SQLite database, but not a fieldkpi one").format(path=store.path)
        )


def apply_migrations(store: Store) -> None:
    """Bring the schema up to date in one transaction; concurrent openers wait their turn."""
    known = known_versions()
    if store.scalar("PRAGMA user_version") == len(known):
        return
    with store.write() as db:
        unknown = {m.name for m in migrations.applied(db)} - set(known)
        if unknown:
            raise DatabaseUnusable(
                _(
                    "{path}: written by a newer fieldkpi (unknown migrations {names}); "
                    "upgrade fieldkpi"
                ).format(path=store.path, names=join_list(sorted(unknown)))
            )
        migrations.apply(db)
        db.execute(f"PRAGMA user_version = {len(known)}")


def is_sqlite_file(target: Path) -> bool:
    """Whether the file begins as every SQLite database does (an empty file SQLite would use).

    Raises :class:`OSError` when it cannot be read.
    """
    with target.open("rb") as fh:
        head = fh.read(16)
    return not head or head == b"SQLite format 3\x00"


def _check_header(target: Path) -> None:
    """Refuse a non-SQLite file before SQLite gets a chance to touch it."""
    try:
        sqlite = is_sqlite_file(target)
    except OSError as exc:
        raise DatabaseUnusable(
            _("{path}: cannot read the file ({reason})").format(path=target, reason=os_reason(exc))
        ) from exc
    if not sqlite:
        raise DatabaseUnusable(_("{path}: not a SQLite database").format(path=target))
