"""The bad rows of an import: kept in a temporary table, told in file and line order.

A file of a million bad rows must not take a million messages' worth of
memory, nor print them all: each problem is a row of ``temp.import_bad``,
the checks in SQL add theirs with one statement each, and only the problems
of the first :data:`LISTED` bad rows are put into words when the import is
refused (with the count of the other rows). A row is counted once however
many of its cells are wrong: people fix, and count, rows.

A problem is filed under the source's order (the order the files were given
in), its line, and a ``seq`` that orders the problems of one line as the
checks run: the row's shape and cells first, then its key, its references,
and the checks between its cells.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Callable, Sequence
from dataclasses import dataclass

LISTED = 1000  # bad rows put into words when an import is refused; the rest are counted

# Where in a line's problems each check's come (plus the column's place in the file).
SHAPE, CELL, KEY, REFERENCE, LOGIN, RECORD, CONFLICT = (0, 100, 200, 300, 400, 500, 600)
WHOLE = ""  # the column of a problem of a whole row or file: its shape, its header, its bytes


@dataclass(frozen=True)
class BadRow:
    """One problem, told as ``FILE:LINE: column: reason`` (interfaces.md), or as
    ``FILE:LINE: reason`` when it is no one column's (:data:`WHOLE`): a ``-`` standing
    for the column there read as a glitch in the message."""

    file: str
    line: int
    column: str
    reason: str

    def __str__(self) -> str:
        where = f"{self.file}:{self.line}"
        return (
            f"{where}: {self.column}: {self.reason}" if self.column else f"{where}: {self.reason}"
        )


Words = Callable[..., str]  # a check's message, from the values its SQL selected


class BadRows:
    """The problems found so far, in ``temp.import_bad`` of the import's connection.

    A check in SQL registers its message once (:meth:`words`) and inserts one
    row per problem with the values the message needs (``a``, ``b``, ``c``);
    problems worded in Python carry their reason in ``a``. Problems found
    against the database are marked ``db``, so that they can be found afresh
    when the database changed before the import could write.
    """

    def __init__(self, conn: sqlite3.Connection, names: dict[int, str]) -> None:
        self.conn = conn
        self.names = names  # each source's order -> its name
        self._words: list[Words] = []
        conn.execute("DROP TABLE IF EXISTS temp.import_bad")
        conn.execute(
            "CREATE TEMP TABLE import_bad (id INTEGER PRIMARY KEY, pos INTEGER NOT NULL,"
            " line INTEGER NOT NULL, seq INTEGER NOT NULL, col TEXT NOT NULL, rule INTEGER,"
            " a, b, c, db INTEGER NOT NULL DEFAULT 0)"
        )

    def words(self, words: Words) -> int:
        """Register a check's message; its number goes into the rows the check adds."""
        self._words.append(words)
        return len(self._words) - 1

    def add(
        self, pos: int, line: int, seq: int, column: str, reason: str, *, db: bool = False
    ) -> None:
        self.conn.execute(
            "INSERT INTO temp.import_bad (pos, line, seq, col, a, db) VALUES (?, ?, ?, ?, ?, ?)",
            (pos, line, seq, column, reason, int(db)),
        )

    def add_many(self, rows: Sequence[tuple[int, int, int, str, str]]) -> None:
        self.conn.executemany(
            "INSERT INTO temp.import_bad (pos, line, seq, col, a) VALUES (?, ?, ?, ?, ?)", rows
        )

    def add_found(self, select: str, *, words: Words, db: bool = True) -> None:
        """Add the problems ``select`` finds: it selects pos, line, seq, col, a, b, c."""
        rule = self.words(words)
        self.conn.execute(
            "INSERT INTO temp.import_bad (pos, line, seq, col, a, b, c, rule, db)"
            f" SELECT *, {rule}, {int(db)} FROM ({select})"
        )

    def forget_database_checks(self) -> None:
        self.conn.execute("DELETE FROM temp.import_bad WHERE db")

    def count(self) -> int:
        """How many rows (lines of the files) are bad, not how many problems they have."""
        return self.conn.execute(
            "SELECT count(*) FROM (SELECT DISTINCT pos, line FROM temp.import_bad)"
        ).fetchone()[0]

    def first(self) -> list[BadRow]:
        """Every problem of the first :data:`LISTED` bad rows, in file and line order, in
        words."""
        rows = self.conn.execute(
            "SELECT pos, line, col, rule, a, b, c FROM temp.import_bad"
            " WHERE (pos, line) IN (SELECT DISTINCT pos, line FROM temp.import_bad"
            " ORDER BY pos, line LIMIT ?) ORDER BY pos, line, seq, id",
            (LISTED,),
        ).fetchall()
        return [
            BadRow(
                self.names[pos],
                line,
                column,
                a if rule is None else self._words[rule](a, b, c),
            )
            for pos, line, column, rule, a, b, c in rows
        ]
