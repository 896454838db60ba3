"""CSV import: every row of a call is checked, and the call is written whole or not at all.

Files can hold a million rows, so rows stream through in batches inside one
``store.write()`` transaction: each batch is checked against the database as
it stands in that transaction (so tickets see the staff of the same call) and
written with ``executemany``. Bad rows are collected, never raised one by one;
at the end a single bad row rolls the whole transaction back and
:class:`ImportRejected` lists every one of them, in file and line order.

Staff files load first and ticket files next, whatever order they are given
in, so that rows can name the people and tickets of the same call. Codes seen
in the call are remembered in a temporary table, not in Python, so that a
million ticket codes cost no memory.
"""

from __future__ import annotations

import contextlib
import csv
import hashlib
import itertools
import sqlite3
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence, Sized
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

from fieldkpi.i18n import _
from storage.csvrows import (
    APPENDED_KINDS,
    KINDS,
    LOAD_ORDER,
    MAX_CELL,
    Column,
    Kind,
    column_name,
    detect_kind,
    read_cells,
    record_problems,
    shown,
    ticket_status,
)
from storage.errors import StorageError
from storage.timeline import cancellation_columns, completion_columns, forget

__all__ = [
    "BadRow",
    "ImportRejected",
    "ImportReport",
    "detect_kind",
    "import_files",
    "import_tables",
]

BATCH = 2000  # rows checked and written together; also how often progress is told
IMPORT_CACHE_KIB = 256 * 1024  # SQLite's page cache while importing
# A ticket file at least this long, and at least as long as the ticket table, is
# written with the table's indexes dropped and built again at the end: sorting
# all the rows once is then cheaper than inserting each into every index.
REBUILD_MIN_ROWS = 50_000
CHUNK = 900  # values in one `IN (…)`: below SQLite's oldest limit on bound parameters
BY = "import"  # who ticket history, updates and deductions say made the change
GBK_SAMPLE = 64 * 1024

Progress = Callable[[int, int | None], None]


@dataclass(frozen=True)
class BadRow:
    file: str
    line: int
    column: str
    reason: str

    def __str__(self) -> str:
        return f"{self.file}:{self.line}: {self.column}: {self.reason}"


class ImportRejected(StorageError):
    """Nothing was imported; ``bad_rows`` says every place that needs fixing."""

    def __init__(self, bad_rows: list[BadRow]) -> None:
        self.bad_rows = bad_rows
        super().__init__("\n".join(str(bad) for bad in bad_rows))


@dataclass
class ImportReport:
    """Per kind: records ``added``, ``updated``, and ``unchanged`` (re-imported as they were)."""

    counts: dict[str, dict[str, int]] = field(default_factory=dict)


def import_files(
    store,
    paths: Sequence[str | Path],
    *,
    kind: str | None = None,
    progress: Progress | None = None,
    now: datetime | None = None,
    again: bool = False,
) -> ImportReport:
    """Import CSV files, each of the kind its header shows (or ``kind`` for all of them).

    A file of actions, problems or deductions whose content was imported
    before is refused (its rows would count twice) unless ``again`` is set.
    """
    sources = [_CsvFile(Path(path), order, kind) for order, path in enumerate(paths)]
    return _run(store, sources, progress, now, again)


def import_tables(
    store,
    tables: Mapping[str, Iterable[Mapping[str, str]]],
    *,
    source: str = "data",
    now: datetime | None = None,
) -> ImportReport:
    """Import rows given as dicts of CSV cells, kind by kind, exactly as files would be."""
    sources = [
        _Table(f"{source}/{name}", order, name, rows)
        for order, (name, rows) in enumerate(tables.items())
    ]
    return _run(store, sources, None, now)


def _run(
    store,
    sources: list[_Source],
    progress: Progress | None,
    now: datetime | None,
    again: bool = False,
):
    moment = (now or datetime.now()).replace(microsecond=0)
    try:
        with store.write() as db, _page_cache(db.conn):
            call = _Call(db.conn, moment.strftime("%Y-%m-%d %H:%M:%S"), progress, again)
            call.run(sources)
            if call.bad:
                raise ImportRejected([bad for *_order, bad in sorted(call.bad)])
            call.conn.execute("DROP TABLE temp.import_seen")
    finally:
        for src in sources:
            src.close()
    return ImportReport(call.counts)


@contextlib.contextmanager
def _page_cache(conn: sqlite3.Connection) -> Iterator[None]:
    """A page cache big enough for the indexes a large import writes into, for its duration.

    SQLite's default (2 MB) is far smaller than the indexes of a national
    ticket table, and every row touches each of them at a random place.
    """
    before = conn.execute("PRAGMA cache_size").fetchone()[0]
    conn.execute(f"PRAGMA cache_size = {-IMPORT_CACHE_KIB}")
    try:
        yield
    finally:
        conn.execute(f"PRAGMA cache_size = {before}")


@contextlib.contextmanager
def _indexes_rebuilt(conn: sqlite3.Connection, table: str) -> Iterator[None]:
    """Drop the table's secondary indexes now and build them again at the end.

    Building an index sorts its rows once; keeping it while rows arrive puts
    each row in each index at a random place, several times dearer. Inside the
    import's transaction, so a rejected import gets them back by its rollback.
    """
    saved = conn.execute(
        "SELECT name, sql FROM sqlite_master WHERE type = 'index' AND tbl_name = ?"
        " AND sql IS NOT NULL",
        (table,),
    ).fetchall()
    for name, _sql in saved:
        conn.execute(f'DROP INDEX "{name}"')
    yield
    for _name, sql in saved:
        conn.execute(sql)


class _Problem(Exception):
    def __init__(self, line: int, reason: str) -> None:
        super().__init__(reason)
        self.line = line
        self.reason = reason


class _FileProblem(_Problem):
    """The rest of a file cannot be read at all (not UTF-8, no header, bad header …)."""


class _LineProblem(_Problem):
    """One line is not CSV (a quote never closed, a huge cell); the lines after it are."""


Reject = Callable[[int, str, str], None]  # (line, column, reason)


class _Source:
    """One file or table of a call: a name for messages, a header, and rows of cells."""

    def __init__(self, name: str, order: int, forced: str | None) -> None:
        self.name = name
        self.order = order
        self.forced = forced  # the kind the caller says it is, else read from the header
        self.kind: Kind | None = None
        self.columns: list[Column] = []
        self.unnamed: set[int] = set()  # header cells left empty (Excel adds them): no column

    def open(self) -> tuple[int, list[str]] | None:
        """The header's line and cells, or None when there is nothing to import."""
        raise NotImplementedError

    def rows(self, reject: Reject) -> Iterator[tuple[int, list[str]]]:
        """Each row's first line and cells; lines that are not rows at all go to ``reject``."""
        raise NotImplementedError

    def estimate(self) -> int | None:
        """About how many rows follow the header, for progress; None when unknown."""
        return None

    def digest(self) -> str | None:
        """The SHA-256 of a file's bytes, to recognise it when imported again."""
        return None

    def close(self) -> None:
        pass


class _CsvFile(_Source):
    def __init__(self, path: Path, order: int, forced: str | None) -> None:
        super().__init__(str(path), order, forced)
        self.path = path
        self._fh = None
        self._lines = 0

    def digest(self) -> str:
        sha = hashlib.sha256()
        with self.path.open("rb") as fh:
            for chunk in iter(lambda: fh.read(1 << 20), b""):
                sha.update(chunk)
        return sha.hexdigest()

    def open(self) -> tuple[int, list[str]] | None:
        try:
            self._lines = _count_lines(self.path)
            self._fh = self.path.open(encoding="utf-8-sig", newline="")
        except OSError as exc:
            raise _FileProblem(1, _cannot_read(exc)) from None
        if csv.field_size_limit() <= MAX_CELL:  # a longer cell must reach our own check
            csv.field_size_limit(MAX_CELL + 1)
        self._reader = csv.reader(self._fh, strict=True)
        try:
            header = self._next()
        except _LineProblem as problem:
            raise _FileProblem(problem.line, problem.reason) from None
        if header is None:
            raise _FileProblem(1, _("empty file, no header"))
        return header

    def rows(self, reject: Reject) -> Iterator[tuple[int, list[str]]]:
        while True:
            try:
                record = self._next()
            except _LineProblem as problem:
                reject(problem.line, "-", problem.reason)
                continue
            if record is None:
                return
            yield record

    def _next(self) -> tuple[int, list[str]] | None:
        """The next record that is not blank, with the line it starts on."""
        while True:
            line = self._reader.line_num + 1
            try:
                cells = next(self._reader)
            except StopIteration:
                return None
            except UnicodeDecodeError:
                raise _FileProblem(*_encoding_problem(self.path)) from None
            except OSError as exc:
                raise _FileProblem(line, _cannot_read(exc)) from None
            except csv.Error as exc:
                raise _LineProblem(line, _csv_reason(exc)) from None
            if any(cell.strip() for cell in cells):
                return line, cells

    def estimate(self) -> int | None:
        return max(self._lines - 1, 0)

    def close(self) -> None:
        if self._fh is not None:
            self._fh.close()


def _cannot_read(exc: OSError) -> str:
    return _("cannot read the file: {reason}").format(reason=exc.strerror or exc)


def _count_lines(path: Path) -> int:
    lines, last = 0, b"\n"
    with path.open("rb") as fh:
        for chunk in iter(lambda: fh.read(1 << 20), b""):
            lines += chunk.count(b"\n")
            last = chunk[-1:]
    return lines + (last != b"\n")


def _csv_reason(exc: csv.Error) -> str:
    message = str(exc)
    if "field larger than field limit" in message:
        return _("longer than {n} characters").format(n=MAX_CELL)
    if "unexpected end of data" in message:
        return _("a quote opened on this line is never closed")
    return _("not readable as CSV: {error}").format(error=message)


def _encoding_problem(path: Path) -> tuple[int, str]:
    """The line of the first byte that is not UTF-8, and what to do about it."""
    line, sample = _first_bad_line(path)
    try:
        sample.decode("gb18030")
    except UnicodeDecodeError:
        reason = _(
            "the file is not UTF-8 (the first bad byte is on this line); "
            "save it as UTF-8 (in Excel: Save As “CSV UTF-8”) and import it again"
        )
    else:
        reason = _(
            "the file is not UTF-8: it looks like GBK/GB18030 (the first bad byte is on "
            "this line); save it as UTF-8 (in Excel: Save As “CSV UTF-8”) and import it again"
        )
    return line, reason


def _first_bad_line(path: Path) -> tuple[int, bytes]:
    """The number of the first line that is not UTF-8, with the text from there on (a sample)."""
    with path.open("rb") as fh:
        for number, raw in enumerate(fh, start=1):
            try:
                raw.decode("utf-8")
            except UnicodeDecodeError:
                sample = raw + fh.read(GBK_SAMPLE)
                return number, sample[: sample.rfind(b"\n") + 1 or None]
    return 1, b"\xff"  # pragma: no cover - the text reader found a bad byte, so a line has one


class _Table(_Source):
    """Rows handed over as dicts (the sample-data builder); line numbers count as in a file."""

    def __init__(self, name: str, order: int, kind: str, rows: Iterable[Mapping[str, str]]):
        super().__init__(name, order, kind)
        self._size = len(rows) if isinstance(rows, Sized) else None
        self._rows = iter(rows)
        self._header: list[str] = []

    def open(self) -> tuple[int, list[str]] | None:
        first = next(self._rows, None)
        if first is None:
            return None
        self._rows = itertools.chain([first], self._rows)
        self._header = list(first)
        return 1, self._header

    def rows(self, reject: Reject) -> Iterator[tuple[int, list[str]]]:
        for line, row in enumerate(self._rows, start=2):
            if set(row) != set(self._header):
                reject(
                    line,
                    "-",
                    _("has the columns {columns}, not those of the first row").format(
                        columns=", ".join(row)
                    ),
                )
                continue
            yield line, ["" if row[name] is None else str(row[name]) for name in self._header]

    def estimate(self) -> int | None:
        return self._size


def _read_header(source: _Source, line: int, header: list[str]) -> None:
    """Set the kind of a file and its columns in header order; a bad header ends the file."""
    names = [column_name(name) for name in header]
    source.unnamed = {index for index, name in enumerate(names) if not name}
    names = [name for name in names if name]
    if source.forced is not None and source.forced not in KINDS:
        raise _FileProblem(
            line,
            _("unknown kind of file {kind}; the kinds are: {kinds}").format(
                kind=shown(source.forced), kinds=", ".join(KINDS)
            ),
        )
    name = source.forced or detect_kind(names)
    if name is None:
        raise _FileProblem(
            line,
            _("cannot tell from the header which kind of file this is ({kinds})").format(
                kinds=", ".join(KINDS)
            ),
        )
    kind = source.kind = KINDS[name]
    twice = sorted({shown(n) for n in names if names.count(n) > 1})
    if twice:
        raise _FileProblem(
            line, _("columns given more than once: {names}").format(names=", ".join(twice))
        )
    unknown = [shown(n) for n in names if n not in kind.names]
    if unknown:
        raise _FileProblem(
            line,
            _("unknown columns for {kind}: {names} (the columns of {kind} are: {known})").format(
                kind=kind.name, names=", ".join(unknown), known=", ".join(kind.names)
            ),
        )
    missing = [n for n in kind.required if n not in names]
    if missing:
        raise _FileProblem(
            line,
            _("missing required columns for {kind}: {names}").format(
                kind=kind.name, names=", ".join(missing)
            ),
        )
    source.columns = [kind.column(name) for name in names]


class _Row:
    __slots__ = ("line", "ok", "values")

    def __init__(self, line: int, values: dict[str, object]) -> None:
        self.line = line
        self.values = values
        self.ok = True


def _role_phrase(role: str) -> str:
    return {
        "rep": _("a rep"),
        "engineer": _("an engineer"),
        "lead": _("a lead"),
        "admin": _("an admin"),
    }[role]


class _Call:
    """One import call inside its transaction: loads sources, collects bad rows, counts."""

    def __init__(
        self, conn: sqlite3.Connection, now: str, progress: Progress | None, again: bool = False
    ) -> None:
        self.conn = conn
        self.again = again
        self.now = now
        self.progress = progress
        self.bad: list[tuple[int, int, int, BadRow]] = []
        self.counts: dict[str, dict[str, int]] = {}
        self.done = 0
        self.total: int | None = None
        # Kinds whose rows could not all be read ("*": a file of unknown kind), and codes whose
        # own row was bad: a reference to them is not reported again as unknown.
        self.unreadable: set[str] = set()
        self.rejected: dict[str, set[str]] = {"staff": set(), "tickets": set()}
        self._staff: dict[str, str] | None = None
        self._branches: set[str] | None = None
        conn.execute("DROP TABLE IF EXISTS temp.import_seen")
        conn.execute(
            "CREATE TEMP TABLE import_seen (kind TEXT, key TEXT, file TEXT, line INTEGER, "
            "PRIMARY KEY (kind, key)) WITHOUT ROWID"
        )

    def run(self, sources: list[_Source]) -> None:
        opened = [src for src in sources if self._open(src)]
        estimates = [src.estimate() for src in opened]
        self.total = None if None in estimates else sum(estimates)
        digests = {src.order: src.digest() for src in opened}
        opened = [src for src in opened if not self._seen_before(src, digests[src.order])]
        for src in sorted(opened, key=lambda s: (LOAD_ORDER.get(s.kind.name, 2), s.order)):
            rows_before = self.done
            self._load(src)
            if digests[src.order] is not None:
                self.conn.execute(
                    "INSERT INTO imported_files (sha256, name, kind, rows, at) "
                    "VALUES (?, ?, ?, ?, ?)",
                    (
                        digests[src.order],
                        src.name,
                        src.kind.name,
                        self.done - rows_before,
                        self.now,
                    ),
                )
        if self.progress is not None:
            self.progress(self.done, self.done)

    def _open(self, src: _Source) -> bool:
        try:
            header = src.open()
            if header is None:
                if src.forced in KINDS:
                    self._count(src.forced)
                return False
            _read_header(src, *header)
        except _FileProblem as problem:
            self._file_problem(src, problem)
            return False
        self._count(src.kind.name)
        return True

    def _seen_before(self, src: _Source, digest: str | None) -> bool:
        """Refuse a file of rows without codes that was imported before: they would count twice."""
        if digest is None or self.again or src.kind.name not in APPENDED_KINDS:
            return False
        seen = self.conn.execute(
            "SELECT name, at FROM imported_files WHERE sha256 = ? AND kind = ? ORDER BY id LIMIT 1",
            (digest, src.kind.name),
        ).fetchone()
        if seen is None:
            return False
        reason = _(
            "this file was already imported on {at} (as {name}); its rows would count twice. "
            "Import it again with --again only if that is what you mean"
        ).format(at=seen[1], name=seen[0])
        self._file_problem(src, _FileProblem(1, reason))
        return True

    def _file_problem(self, src: _Source, problem: _FileProblem) -> None:
        self.reject(src, problem.line, "-", problem.reason)
        self.unreadable.add(src.kind.name if src.kind else "*")

    def _count(self, kind: str) -> dict[str, int]:
        return self.counts.setdefault(kind, {"added": 0, "updated": 0, "unchanged": 0})

    def reject(self, src: _Source, line: int, column: str, reason: str) -> None:
        self.bad.append((src.order, line, len(self.bad), BadRow(src.name, line, column, reason)))

    def bad_cell(self, src: _Source, row: _Row, column: str, reason: str) -> None:
        row.ok = False
        self.reject(src, row.line, column, reason)

    def _load(self, src: _Source) -> None:
        rebuild = src.kind.name == "tickets" and (src.estimate() or 0) >= max(
            REBUILD_MIN_ROWS, self.conn.execute("SELECT count(*) FROM tickets").fetchone()[0]
        )
        with _indexes_rebuilt(self.conn, "tickets") if rebuild else contextlib.nullcontext():
            self._load_rows(src)

    def _load_rows(self, src: _Source) -> None:
        batch: list[_Row] = []
        try:
            for line, cells in src.rows(lambda *bad: self.reject(src, *bad)):
                self.done += 1
                row = self._row(src, line, cells)
                if row is not None:
                    batch.append(row)
                if len(batch) >= BATCH:
                    self._flush(src, batch)
                    batch = []
        except _FileProblem as problem:
            self._file_problem(src, problem)
        self._flush(src, batch)

    def _row(self, src: _Source, line: int, cells: list[str]) -> _Row | None:
        """One row's values, its bad cells reported; None for a row that does not fit the header."""
        width = len(src.columns) + len(src.unnamed)
        if len(cells) != width:
            reason = _("{n} cells, but the header has {m} columns").format(n=len(cells), m=width)
            self.reject(src, line, "-", reason)
            return None
        if src.unnamed:
            if any(cells[index].strip() for index in src.unnamed):
                reason = _("a value under a column with no name in the header")
                self.reject(src, line, "-", reason)
                return None
            cells = [cell for index, cell in enumerate(cells) if index not in src.unnamed]
        values, problems = read_cells(src.columns, cells)
        row = _Row(line, values)
        for column, reason in problems:
            self.bad_cell(src, row, column, reason)
        return row

    def _flush(self, src: _Source, batch: list[_Row]) -> None:
        if not batch:
            return
        kind = src.kind
        if kind.key:
            self._check_keys(src, batch)
        self._check_references(src, batch)
        if kind.name == "staff":
            self._check_logins(src, batch)
        if kind.key:
            self._upsert(src, batch)
        else:
            self._append(src, batch)
        if kind.name in self.rejected:
            self.rejected[kind.name].update(
                row.values["code"] for row in batch if not row.ok and row.values.get("code")
            )
        if self.progress is not None:
            self.progress(self.done, self.total)

    # -- checks ---------------------------------------------------------------------------

    def _check_keys(self, src: _Source, batch: list[_Row]) -> None:
        """A record given twice in one call is a mistake: say where it was given first."""
        kind = src.kind
        keyed = []
        for row in batch:
            key = tuple(row.values.get(name) for name in kind.key)
            if None not in key:
                keyed.append((row, "\x1f".join(key)))
        earlier = {
            key: (file, line)
            for key, file, line in self._select_in(
                "SELECT key, file, line FROM temp.import_seen WHERE kind = ? AND key IN ({})",
                [k for _row, k in keyed],
                (kind.name,),
            )
        }
        fresh = []
        for row, key in keyed:
            first = earlier.get(key)
            if first is None:
                earlier[key] = (src.name, row.line)
                fresh.append((kind.name, key, src.name, row.line))
                continue
            file, line = first
            value = shown(key.replace("\x1f", " "))
            if file == src.name:
                reason = _("{value} is already on line {line}").format(value=value, line=line)
            else:
                reason = _("{value} is already in {file} line {line}").format(
                    value=value, file=file, line=line
                )
            self.bad_cell(src, row, kind.key[-1], reason)
        self.conn.executemany("INSERT INTO temp.import_seen VALUES (?, ?, ?, ?)", fresh)

    def _check_references(self, src: _Source, batch: list[_Row]) -> None:
        for column in src.columns:
            if column.refers is None:
                continue
            named = {row.values[column.name] for row in batch} - {None}
            known = self._known(column.refers, named)
            for row in batch:
                code = row.values[column.name]
                if code is None:
                    continue
                if code not in known:
                    if self._excused(column.refers, code):
                        row.ok = False  # its own row or file is reported already
                    else:
                        self.bad_cell(src, row, column.name, self._unknown(column.refers, code))
                elif column.role and known[code] != column.role:
                    reason = _("{code} is {actual}, not {wanted}").format(
                        code=code,
                        actual=_role_phrase(known[code]),
                        wanted=_role_phrase(column.role),
                    )
                    self.bad_cell(src, row, column.name, reason)

    def _known(self, refers: str, named: set[str]) -> Mapping[str, str | None]:
        if refers == "staff":
            if self._staff is None:
                self._staff = dict(self.conn.execute("SELECT code, role FROM staff").fetchall())
            return self._staff
        if refers == "branch":
            if self._branches is None:
                self._branches = {r[0] for r in self.conn.execute("SELECT code FROM branches")}
            return dict.fromkeys(named & self._branches)
        return dict.fromkeys(
            row[0] for row in self._select_in("SELECT code FROM tickets WHERE code IN ({})", named)
        )

    def _excused(self, refers: str, code: str) -> bool:
        target = "tickets" if refers == "ticket" else "staff"
        if "*" in self.unreadable or target in self.unreadable:
            return True
        return refers != "branch" and code in self.rejected[target]

    @staticmethod
    def _unknown(refers: str, code: str) -> str:
        if refers == "staff":
            return _("unknown staff code {code}").format(code=shown(code))
        if refers == "branch":
            return _("unknown branch {code} (a staff file creates branches)").format(
                code=shown(code)
            )
        return _("unknown ticket {code}").format(code=shown(code))

    def _check_logins(self, src: _Source, batch: list[_Row]) -> None:
        """A login is one person's: refuse one that belongs to someone else."""
        logins = {row.values.get("login") for row in batch} - {None}
        if not logins:
            return
        owners = dict(self._select_in("SELECT login, code FROM staff WHERE login IN ({})", logins))
        claimed: dict[str, tuple[str, int]] = {}
        for row in batch:
            login, code = row.values.get("login"), row.values["code"]
            if login is None:
                continue
            owner = owners.get(login)
            first = claimed.setdefault(login, (code, row.line))
            if owner is not None and owner != code:
                reason = _("login {login} belongs to staff {owner}").format(
                    login=shown(login), owner=owner
                )
                self.bad_cell(src, row, "login", reason)
            elif first[0] != code:
                reason = _("login {login} is already given to {code} on line {line}").format(
                    login=shown(login), code=first[0], line=first[1]
                )
                self.bad_cell(src, row, "login", reason)

    # -- writes -----------------------------------------------------------------------------

    def _append(self, src: _Source, batch: list[_Row]) -> None:
        """Rows without a code (actions, problems, deductions) are added, never merged."""
        kind = src.kind
        names = [column.name for column in src.columns]
        extra = {"recorded_by": BY} if kind.name == "deductions" else {}
        params = []
        for row in batch:
            for column, reason in record_problems(kind.name, row.values):
                self.bad_cell(src, row, column, reason)
            if row.ok:
                params.append([row.values[name] for name in names] + list(extra.values()))
        self.conn.executemany(_insert_sql(kind.name, names + list(extra)), params)
        self._count(kind.name)["added"] += len(params)

    def _upsert(self, src: _Source, batch: list[_Row]) -> None:
        """Rows with a code (staff, tickets, attendance) add a record or update the one there.

        Only the columns of the file change; a ticket gets a new version and one
        history row per changed field, or a single one when it is new.
        """
        kind = src.kind
        tickets = kind.name == "tickets"
        existing = self._existing(kind, batch)
        changing = [c.name for c in src.columns if c.name not in kind.key]
        if tickets:
            changing += [name for name in ("status", *TICKET_FACTS) if name not in changing]
        inserts, updates, history = [], [], []
        counts = self._count(kind.name)
        for row in batch:
            key = tuple(row.values.get(name) for name in kind.key)
            old = existing.get(key)
            record = dict(old) if old else {c.name: c.default for c in kind.columns}
            record.update(row.values)
            if tickets:
                _ticket_facts(record, old, row.values)
            for column, reason in record_problems(kind.name, record):
                self.bad_cell(src, row, column, reason)
            if not row.ok:
                continue
            if old is None:
                inserts.append(record)
                if tickets:
                    history.append((record["code"], None, None, None))
                continue
            changed = [name for name in changing if old[name] != record[name]]
            if not changed:
                counts["unchanged"] += 1
                continue
            updates.append(record)
            if tickets:
                history.extend(
                    (record["code"], name, _text(old[name]), _text(record[name]))
                    for name in changed
                    if name not in DERIVED_FACTS
                )
        if kind.name == "staff":
            self._add_branches(inserts + updates)
        if tickets:
            forget(self.conn, [record["code"] for record in updates if not record["timeline"]])
        names = list(kind.names)
        if tickets:
            names += [n for n in ("status", *TICKET_FACTS) if n not in names]
            names += ["updated_at", "updated_by"]
        stamp = {"updated_at": self.now, "updated_by": BY}
        self.conn.executemany(
            _insert_sql(kind.name, names),
            [[{**record, **stamp}[name] for name in names] for record in inserts],
        )
        self.conn.executemany(
            _update_sql(kind, changing, tickets),
            [
                [record[name] for name in changing]
                + ([self.now, BY] if tickets else [])
                + [record[name] for name in kind.key]
                for record in updates
            ],
        )
        self.conn.executemany(
            "INSERT INTO ticket_history (ticket, at, by, step, field, old, new) "
            "VALUES (?, ?, ?, ?, ?, ?, ?)",
            [(code, self.now, BY, "import", name, was, now) for code, name, was, now in history],
        )
        counts["added"] += len(inserts)
        counts["updated"] += len(updates)

    def _existing(self, kind: Kind, batch: list[_Row]) -> dict[tuple, dict]:
        """The records already there that the batch's rows name, by key."""
        keys = {tuple(row.values.get(name) for name in kind.key) for row in batch}
        keys = {key for key in keys if None not in key}
        firsts = {key[0] for key in keys}
        found = {}
        for record in self._select_in(
            f"SELECT * FROM {kind.name} WHERE {kind.key[0]} IN ({{}})", firsts
        ):
            key = tuple(record[name] for name in kind.key)
            if key in keys:
                found[key] = dict(record)
        return found

    def _add_branches(self, records: list[dict]) -> None:
        self.conn.executemany(
            "INSERT OR IGNORE INTO branches (code) VALUES (?)",
            [(branch,) for branch in {record["branch"] for record in records}],
        )
        self._staff = self._branches = None  # the caches are stale now

    def _select_in(
        self, sql: str, values: Iterable[str], before: tuple = ()
    ) -> Iterator[sqlite3.Row]:
        """Rows of ``sql`` whose ``IN ({})`` holds each of ``values``, a chunk at a time."""
        values = list(values)
        for start in range(0, len(values), CHUNK):
            chunk = values[start : start + CHUNK]
            marks = ", ".join("?" * len(chunk))
            yield from self.conn.execute(sql.format(marks), (*before, *chunk))


# The columns of a ticket that an import sets from the others (storage.timeline).
TICKET_FACTS = (
    "cancelled",
    "cancelled_at",
    "cancel_seen",
    "first_completed_at",
    "completed_engineer",
    "timeline",
)


# …of which these follow from the file's own columns and are not history of their own.
DERIVED_FACTS = frozenset({"cancel_seen", "first_completed_at", "completed_engineer", "timeline"})


def _ticket_facts(record: dict, old: dict | None, values: dict) -> None:
    """Status, cancellation, first completion and timeline of a ticket row as imported.

    A file's row is the branch's own record: a change of the engineer or of the
    cancellation corrects the ticket from its receipt on, so its timeline from
    the TUI is dropped (see storage.timeline); a row that changes neither keeps it.
    """
    if "cancelled" in values and "cancelled_at" not in values:
        keep = values["cancelled"] and old is not None and old["cancelled_at"] is not None
        record["cancelled_at"] = old["cancelled_at"] if keep else None
    record |= cancellation_columns(record, record["received_at"])
    corrected = old is not None and any(
        old[name] != record[name] for name in ("engineer", "cancelled_at", "received_at")
    )
    if corrected or old is None:
        record["timeline"] = 0
    elif old["cancel_seen"]:
        record["cancel_seen"] = 1
    record |= completion_columns(old, record)
    record["status"] = ticket_status(record, old["status"] if old else None)


def _insert_sql(table: str, names: list[str]) -> str:
    marks = ", ".join("?" * len(names))
    return f"INSERT INTO {table} ({', '.join(names)}) VALUES ({marks})"


def _update_sql(kind: Kind, changing: list[str], tickets: bool) -> str:
    sets = [f"{name} = ?" for name in changing]
    if tickets:
        sets += ["version = version + 1", "updated_at = ?", "updated_by = ?"]
    where = " AND ".join(f"{name} = ?" for name in kind.key)
    return f"UPDATE {kind.name} SET {', '.join(sets)} WHERE {where}"


def _text(value: object) -> str | None:
    return None if value is None else str(value)
