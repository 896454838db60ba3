"""Staging: one source's rows in a temporary table, their cells read mostly by SQLite.

The rows of a file go into ``import_stage.s<order>`` as they are (an empty
cell is NULL) with ``executemany``, the only Python work per row.
A row with a character that is not plainly printable, or a cell with a space
at either end, is marked ``slow`` on the way in; one UPDATE then marks the rows
that have a cell SQLite cannot read itself (:meth:`storage.csvrows.Reader.fast`).
Only the rows marked are read in Python, with the column's reader
(:func:`storage.csvrows.read_cells`), which says what is wrong with a bad
cell. The view ``temp.import_v<order>`` shows every row read: the SQL reading
of a usual row, the Python one of the others (NULL for a bad cell), the
column's default for an empty cell.

``import_stage`` is a private temporary database attached to the import's
connection (``ATTACH ''``), dropped whole when the import ends. Everything
here writes only it and the connection's temporary database, so staging takes
no lock on the database: people keep saving while a file is read.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Callable

from fieldkpi.i18n import _
from storage.csvrows import Column, read_cells
from storage.import_bad import CELL, SHAPE, WHOLE, BadRows
from storage.import_sources import Source

STAGE = "import_stage"  # the attached database the rows are staged in (see storage.importer)


def quoted(name: str) -> str:
    return f'"{name}"'


def _plain(cells: list[str]) -> int:
    """0 for a row SQL may read (printable, no cell with a space at either end), else 1.

    Python's ``strip`` takes more than spaces away; in a printable text a space
    is the only whitespace there is, so the cells of such a row are as read.
    A "|" of a cell's own next to a space only sends its row the slow way.
    """
    row = "|".join(cells)
    if not row.isprintable() or " |" in row or "| " in row:
        return 1
    return int(row[:1] == " " or row[-1:] == " ")


class Stage:
    """The rows of one source, staged and read."""

    def __init__(self, conn: sqlite3.Connection, src: Source, bad: BadRows, batch: int) -> None:
        self.conn = conn
        self.src = src
        self.bad = bad
        self.batch = batch
        self.table = f"{STAGE}.s{src.order}"
        self.view = f"import_v{src.order}"
        self.columns: list[Column] = list(src.columns)
        self.names = [column.name for column in self.columns]
        self.rows = 0
        names = ", ".join(quoted(name) for name in self.names)
        conn.execute(f"DROP VIEW IF EXISTS temp.{self.view}")
        conn.execute(f"DROP TABLE IF EXISTS {self.table}")
        conn.execute(
            f"CREATE TABLE {self.table} (line INTEGER PRIMARY KEY, slow INTEGER NOT NULL, {names})"
        )

    def has(self, name: str) -> bool:
        return name in self.names

    def load(self, told: Callable[[int], None]) -> None:
        """Stage every row; ``told(n)`` after each batch of ``n`` rows.

        A row whose cells do not fit the header is reported and left out. A
        :class:`~storage.import_sources.FileProblem` ends the file: the rows
        before it are staged and checked all the same.
        """
        src, pos = self.src, self.src.order
        width = len(self.columns) + len(src.unnamed)
        kept = [i for i in range(width) if i not in src.unnamed]
        cells_sql = ", ".join("nullif(?, '')" for _name in self.names)
        insert = f"INSERT INTO {self.table} VALUES (?, ?, {cells_sql})"
        shape: list[tuple[int, int, int, str, str]] = []
        batch: list[tuple] = []
        seen = [0]  # rows read since the last batch was told (bad ones too)

        def reject(line: int, reason: str) -> None:
            shape.append((pos, line, SHAPE, WHOLE, reason))

        def flush() -> None:
            self.conn.executemany(insert, batch)
            self.bad.add_many(shape)
            self.rows += len(batch)
            if seen[0]:
                told(seen[0])
            seen[0] = 0
            batch.clear()
            shape.clear()

        try:
            for line, cells in src.rows(reject):
                seen[0] += 1
                if len(cells) != width:
                    reject(
                        line,
                        _("{n} cells, but the header has {m} columns").format(
                            n=len(cells), m=width
                        ),
                    )
                    continue
                if src.unnamed:
                    if any(cells[index].strip() for index in src.unnamed):
                        reject(line, _("a value under a column with no name in the header"))
                        continue
                    cells = [cells[index] for index in kept]
                batch.append((line, _plain(cells), *cells))
                if len(batch) >= self.batch:
                    flush()
        finally:
            flush()

    def read(self) -> None:
        """Read the cells: in SQL where it can, in Python the rows marked ``slow``."""
        checks = []
        for column in self.columns:
            cell = quoted(column.name)
            fast, _value = column.read.fast(cell)
            checks.append(
                f"({cell} IS NOT NULL AND {fast})"
                if column.required
                else f"({cell} IS NULL OR ({fast}))"
            )
        if checks:
            self.conn.execute(
                f"UPDATE {self.table} SET slow = 1"
                f" WHERE slow = 0 AND NOT coalesce({' AND '.join(checks)}, 0)"
            )
        self._read_slow()
        self._create_view()

    def _read_slow(self) -> None:
        cells = ", ".join(quoted(name) for name in self.names)
        select = (
            f"SELECT line, {cells} FROM {self.table} WHERE slow = 1 AND line > ?"
            f" ORDER BY line LIMIT {self.batch}"
        )
        sets = ", ".join(f"{quoted(name)} = ?" for name in self.names)
        update = f"UPDATE {self.table} SET slow = 2, {sets} WHERE line = ?"
        pos, last = self.src.order, 0
        while True:
            rows = self.conn.execute(select, (last,)).fetchall()
            if not rows:
                return
            problems, updates = [], []
            for line, *raw in rows:
                values, errors = read_cells(self.columns, ["" if c is None else c for c in raw])
                problems += [
                    (pos, line, CELL + index, self.names[index], reason) for index, reason in errors
                ]
                updates.append([values[name] for name in self.names] + [line])
            self.bad.add_many(problems)
            self.conn.executemany(update, updates)
            last = rows[-1][0]

    def _create_view(self) -> None:
        """``import_v<order>``: each row's values as read; ``<name>_given`` for a column
        with a default, telling an empty cell (the default) from one that says so."""
        columns = ["line"]
        for column in self.columns:
            cell = quoted(column.name)
            _fast, value = column.read.fast(cell)
            read = cell if value == cell else f"CASE WHEN slow THEN {cell} ELSE {value} END"
            if column.default is not None:
                columns.append(f"coalesce({read}, {column.default!r}) AS {cell}")
                columns.append(f"{cell} IS NOT NULL AS {quoted(column.name + '_given')}")
            else:
                columns.append(f"{read} AS {cell}")
        self.conn.execute(
            f"CREATE TEMP VIEW {self.view} AS SELECT {', '.join(columns)} FROM {self.table}"
        )
