"""CSV import: every row of a call is checked, and the call is written whole or not at all.

An import runs in three steps, so that files of a million rows are read at
the speed of SQLite and nobody waits for them:

1. **Staging**, with no lock on the database: each file's rows go into a
   temporary table of the import's connection and their cells are read there
   (:mod:`storage.import_stage`); the checks within the files run (a code
   given twice, a login given to two people).
2. **Checking against the database**, in a read transaction: references,
   the checks between a row's cells, conflicts with newer work
   (:mod:`storage.import_checks`).
3. **Writing**, in one short write transaction (:mod:`storage.import_write`).
   If someone saved in between (``PRAGMA data_version`` changed), step 2 runs
   again inside it first, so what is written was checked against the
   database as it is then.

Bad rows are kept in a temporary table (:mod:`storage.import_bad`), never
raised one by one; a single one stops the import before it writes, and
:class:`ImportRejected` lists the first of them in file and line order, with
the count of the rest.

Staff files load first and ticket files next, whatever order they are given
in, so that rows can name the people and tickets of the same call.
"""

from __future__ import annotations

import contextlib
import sqlite3
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

from fieldkpi.entered import FractionRange
from fieldkpi.i18n import _, ngettext
from fieldkpi.scheme import Scheme, default_scheme
from storage import import_bad, import_closed
from storage import import_checks as checks
from storage import import_write as write
from storage.csvrows import KINDS, LOAD_ORDER, Kind, detect_kind
from storage.errors import StorageError
from storage.import_bad import BadRow, BadRows
from storage.import_sources import CsvFile, FileProblem, Source, Table, read_header
from storage.import_stage import STAGE, Stage
from storage.import_tickets import final_select, find_existing

__all__ = [
    "BadRow",
    "ImportFailed",
    "ImportRejected",
    "ImportReport",
    "detect_kind",
    "import_files",
    "import_rules",
    "import_tables",
]

BATCH = 2000  # rows staged together; also how often progress is told
IMPORT_CACHE_KIB = 256 * 1024  # SQLite's page cache while importing
STAGE_CACHE_KIB = 64 * 1024  # … and the temporary database's, where the files are staged
# A ticket file at least this long, and at least as long as the ticket table, is
# written with the table's indexes dropped and built again at the end.
REBUILD_MIN_ROWS = 50_000

# Told (rows read, rows in all if known) while the files are read, then (rows, rows,
# "checking") and (rows, rows, "writing") as the import moves on, and (rows, rows) when done.
Progress = Callable[..., None]


class ImportRejected(StorageError):
    """Nothing was imported; ``bad_rows`` are the problems of the first rows that need fixing.

    ``count`` is how many rows (lines of the files) are bad in all, however
    many problems each has; ``more`` of them are not in ``bad_rows`` (when there
    are more than :data:`storage.import_bad.LISTED`).
    """

    def __init__(self, bad_rows: list[BadRow], count: int) -> None:
        self.bad_rows = bad_rows
        self.count = count
        self.more = more = max(count - import_bad.LISTED, 0)
        lines = [str(bad) for bad in bad_rows]
        if more:
            lines.append(
                ngettext(
                    "… and {n:,} more bad row, not listed",
                    "… and {n:,} more bad rows, not listed",
                    more,
                ).format(n=more)
            )
        super().__init__("\n".join(lines))


class ImportFailed(StorageError):
    """The import could not be written (the disk is full): nothing was imported."""


@dataclass
class ImportReport:
    """Per kind: records ``added``, ``updated``, and ``unchanged`` (re-imported as they were);
    ``closed``: the rows dated in a closed period (taken: their lead sees the difference)."""

    counts: dict[str, dict[str, int]] = field(default_factory=dict)
    closed: import_closed.ClosedRows | None = None


def import_rules(
    scheme_for: Callable[[str], Scheme],
) -> tuple[checks.AdjustmentKinds, checks.EnteredMetrics]:
    """What an import checks against each person's scheme: its adjustment kinds, its metrics.

    A deduction or bonus is one of the kinds the scheme lets be recorded
    against the person's role (points only with a kind that takes them); a
    score names a value the scheme takes from outside for that role, in a
    period of the scheme's kind (schemes.md), within its range if the scheme
    takes it as a fraction. The metrics are given whole, so that a refusal can
    list them.
    """

    def adjustment_kinds(branch: str, role: str) -> dict[str, bool]:
        kinds = scheme_for(branch).adjustments_for(role)
        return {kind: adjustment.entered is not None for kind, adjustment in kinds.items()}

    def entered_metrics(branch: str, role: str) -> tuple[str, dict[str, FractionRange | None]]:
        scheme = scheme_for(branch)
        metrics = sorted(scheme.entered_metrics(role))
        return scheme.period, {metric: scheme.entered_range(role, metric) for metric in metrics}

    return adjustment_kinds, entered_metrics


def default_adjustment_kinds() -> checks.AdjustmentKinds:
    """The default scheme's adjustment kinds, for a caller that gives no scheme of its own."""
    scheme = default_scheme()
    return import_rules(lambda _branch: scheme)[0]


@dataclass(frozen=True)
class Options:
    """What the caller decides about an import (see :func:`import_files`)."""

    again: bool = False
    force: bool = False
    adjustment_kinds: checks.AdjustmentKinds = field(default_factory=default_adjustment_kinds)
    entered_metrics: checks.EnteredMetrics | None = None


def import_files(
    store,
    paths: Sequence[str | Path],
    *,
    kind: str | None = None,
    progress: Progress | None = None,
    now: datetime | None = None,
    again: bool = False,
    force: bool = False,
    adjustment_kinds: checks.AdjustmentKinds | None = None,
    entered_metrics: checks.EnteredMetrics | None = None,
) -> ImportReport:
    """Import CSV files, each of the kind its header shows (or ``kind`` for all of them).

    A file of actions, problems, deductions or scores whose content was
    imported before (or is given twice) is refused, as its rows would count
    twice (its scores replace any entered since), unless ``again`` is set. A
    ticket row that would undo newer work is a conflict unless ``force`` is set.

    The appraisal scheme is asked through two callables, so that each branch's
    own applies: ``adjustment_kinds(branch, role)`` gives the deduction and
    bonus kinds of that scheme, each with whether it takes the points entered
    with it (default: the default scheme's); ``entered_metrics(branch, role)`` the kind
    of period of that scheme and the metrics it takes from outside (default: any is taken).
    """
    options = Options(again, force, adjustment_kinds or default_adjustment_kinds(), entered_metrics)
    sources = [CsvFile(Path(path), order, kind) for order, path in enumerate(paths)]
    return _run(store, sources, progress, now, options)


def import_tables(
    store,
    tables: Mapping[str, Iterable[Mapping[str, str]]],
    *,
    source: str = "data",
    now: datetime | None = None,
) -> ImportReport:
    """Import rows given as dicts of CSV cells, kind by kind, exactly as files would be."""
    sources: list[Source] = [
        Table(f"{source}/{name}", order, name, rows)
        for order, (name, rows) in enumerate(tables.items())
    ]
    return _run(store, sources, None, now, Options())


def _run(store, sources: list[Source], progress, now, options: Options) -> ImportReport:
    moment = (now or datetime.now()).replace(microsecond=0)
    call = _Call(store, moment.strftime("%Y-%m-%d %H:%M:%S"), progress, options)
    try:
        with store.lock, _staging_database(store.conn):
            try:
                return call.run(sources)
            finally:
                call.clean_up()
    except sqlite3.OperationalError as exc:
        if getattr(exc, "sqlite_errorname", "") != "SQLITE_FULL":
            raise
        raise ImportFailed(
            _("the disk is full (or the database has reached its size limit): nothing was imported")
        ) from exc
    finally:
        for src in sources:
            src.close()


@contextlib.contextmanager
def _staging_database(conn: sqlite3.Connection) -> Iterator[None]:
    """The private database the files are staged in, and page caches for the import.

    ``ATTACH ''`` makes a temporary database on disk, dropped whole on DETACH
    (dropping a million staged rows one table at a time takes a second). The
    main database gets a cache big enough for the indexes a large import writes
    into: SQLite's default (2 MB) is far smaller than the indexes of a national
    ticket table, and every row touches each of them at a random place.
    """
    before = conn.execute("PRAGMA main.cache_size").fetchone()[0]
    conn.execute(f"ATTACH DATABASE '' AS {STAGE}")
    try:
        conn.execute(f"PRAGMA {STAGE}.cache_size = {-STAGE_CACHE_KIB}")
        conn.execute(f"PRAGMA {STAGE}.journal_mode = OFF")  # a failed import throws it away
        conn.execute(f"PRAGMA main.cache_size = {-IMPORT_CACHE_KIB}")
        yield
    finally:
        conn.execute(f"PRAGMA main.cache_size = {before}")
        conn.execute(f"DETACH DATABASE {STAGE}")


class _Call:
    """One import call: its sources staged, checked, and written."""

    def __init__(self, store, now: str, progress: Progress | None, options: Options) -> None:
        self.store = store
        self.conn: sqlite3.Connection = store.conn
        self.now = now
        self.progress = progress
        self.options = options
        self.counts: dict[str, dict[str, int]] = {}
        self.done = 0
        self.total: int | None = None
        self.stages: list[Stage] = []  # in load order: staff, tickets, the rest as given
        self.unreadable: dict[str, list[str]] = {}  # kind ("*": unknown) -> files not read
        self.bad: BadRows | None = None

    def run(self, sources: list[Source]) -> ImportReport:
        self.bad = BadRows(self.conn, {src.order: src.name for src in sources})
        with self._temporary():
            opened = [src for src in sources if self._open(src)]
        lines = [src.lines for src in opened]
        self.total = None if None in lines else sum(lines)
        imported = {src.order: self._imported_before(src) for src in opened}
        with self._temporary():
            for src in sorted(opened, key=lambda s: (LOAD_ORDER.get(s.kind.name, 2), s.order)):
                if not self._seen_before(src, imported[src.order]):
                    self._stage(src)
            self._check_files()
        self._tell("checking")
        with self.store.read():
            version = self.conn.execute("PRAGMA data_version").fetchone()[0]
            self._check_database()
        self._refuse_if_bad()
        self._tell("writing")
        with self.store.write():
            if self.conn.execute("PRAGMA data_version").fetchone()[0] != version:
                self.bad.forget_database_checks()  # someone saved: check again, now locked
                self._check_database()
                self._refuse_if_bad()
            closed = import_closed.closed_rows(self.conn, self.stages)  # as stored before writing
            self._write()
        if self.progress is not None:
            self.progress(self.done, self.done)
        return ImportReport(self.counts, closed)

    @contextlib.contextmanager
    def _temporary(self) -> Iterator[None]:
        """A transaction that writes only the staging and temporary databases (no lock on
        the database), and reads nothing of it (no snapshot held while files are read)."""
        self.conn.execute("BEGIN")
        try:
            yield
        except BaseException:
            self.conn.execute("ROLLBACK")
            raise
        self.conn.execute("COMMIT")

    def _tell(self, step: str) -> None:
        if self.progress is not None:
            self.progress(self.done, self.done, step)

    # -- staging ------------------------------------------------------------------------------

    def _open(self, src: Source) -> bool:
        try:
            header = src.open()
            if header is None:
                if src.forced in KINDS:
                    self._count(src.forced)
                return False
            read_header(src, *header)
            src.scan()
        except FileProblem as problem:
            self._file_problem(src, problem)
            return False
        self._count(src.kind.name)
        return True

    def _imported_before(self, src: Source) -> tuple[str, str] | None:
        """(name, when) of the import that loaded rows from a file with this content, if any.

        A file of no rows (its header alone: a nightly export of a day with no
        actions) is recorded with none; the next such file has the same content
        but no rows that could count twice, so it is not refused for it.
        """
        if src.digest is None or self.options.again or not src.kind.appended:
            return None
        return self.conn.execute(
            "SELECT name, at FROM main.imported_files WHERE sha256 IN (?, ?) AND kind = ?"
            " AND rows > 0 ORDER BY id LIMIT 1",
            (src.digest, src.raw_digest, src.kind.name),
        ).fetchone()

    def _seen_before(self, src: Source, seen: tuple[str, str] | None) -> bool:
        """Refuse a file of rows without codes that was imported before (``seen``), or is
        given twice: its rows would count twice, or its scores be entered again over newer
        entries (:func:`_already_imported`).

        The file given before it, the same content and so the same kind, was staged
        already (unless refused, as this one then is), so a copy of a file of no rows,
        which has none to count twice, is let through.
        """
        if src.digest is None or self.options.again or not src.kind.appended:
            return False
        earlier = next((s.src for s in self.stages if s.src.digest == src.digest and s.rows), None)
        if earlier is not None and src.kind.key:  # --again would not help: each key twice
            reason = _(
                "this file is the same as {name}, given before it, and would enter each of its "
                "values a second time: give it once"
            ).format(name=earlier.name)
        elif earlier is not None:
            reason = _(
                "this file is the same as {name}, given before it; its rows would count twice. "
                "Give it twice with --again only if that is what you mean"
            ).format(name=earlier.name)
        elif seen is not None:
            reason = _already_imported(src.kind, seen)
        else:
            return False
        self._file_problem(src, FileProblem(1, reason))
        return True

    def _stage(self, src: Source) -> None:
        stage = Stage(self.conn, src, self.bad, BATCH)
        self.stages.append(stage)
        try:
            stage.load(self._told)
        except FileProblem as problem:
            self._file_problem(src, problem)
        stage.read()

    def _told(self, rows: int) -> None:
        self.done += rows
        if self.progress is not None:
            self.progress(self.done, self.total)

    def _file_problem(self, src: Source, problem: FileProblem) -> None:
        self.bad.add(src.order, problem.line, 0, import_bad.WHOLE, problem.reason)
        self.unreadable.setdefault(src.kind.name if src.kind else "*", []).append(src.name)

    def _check_files(self) -> None:
        for kind in KINDS.values():
            stages = self._of(kind.name)
            if kind.key and stages:
                checks.duplicates(stages, kind.key, self.bad)
        checks.logins_given_twice(self._of("staff"), self.bad)
        for stage in self.stages:
            checks.future_times(stage, self.bad, self.now[:10])

    def _of(self, kind: str) -> list[Stage]:
        return [stage for stage in self.stages if stage.src.kind.name == kind]

    # -- against the database -------------------------------------------------------------------

    def _check_database(self) -> None:
        """Every check that reads the database, kind by kind in load order."""
        conn, bad, options = self.conn, self.bad, self.options
        self._imported_meanwhile()
        checks.forget_rejected(conn)
        checks.branch_spellings(self._of("staff"), bad)
        for stage in self._of("staff"):
            checks.staff_checks(stage, bad)
        checks.known_staff(conn, self.stages)
        for stage in self._of("staff"):
            checks.reject_codes(stage)
        for stage in self._of("tickets"):
            find_existing(stage)
            final = f"temp.import_f{stage.src.order}"
            conn.execute(f"DROP VIEW IF EXISTS {final}")
            conn.execute(f"CREATE TEMP VIEW import_f{stage.src.order} AS {final_select(stage)}")
            checks.references(stage, bad, self.unreadable)
            checks.same_branch(stage, bad)
            checks.ticket_checks(stage, final, bad)
            if not options.force:
                checks.ticket_conflicts(stage, final, bad)
            checks.reject_codes(stage)
        if any(c.refers == "ticket" for stage in self.stages for c in stage.columns):
            checks.known_tickets(conn, self._of("tickets"))
        for stage in self.stages:
            kind = stage.src.kind.name
            if kind in ("staff", "tickets"):
                continue  # checked above
            checks.references(stage, bad, self.unreadable)
            checks.same_branch(stage, bad)
            if kind == "deductions":
                checks.deduction_checks(stage, bad, options.adjustment_kinds)
            elif kind == "scores":
                checks.score_checks(stage, bad, options.entered_metrics)

    def _imported_meanwhile(self) -> None:
        """A file imported by someone else since this import looked (two imports at once)."""
        for stage in self.stages:
            seen = self._imported_before(stage.src)
            if seen is not None:
                reason = _already_imported(stage.src.kind, seen)
                self.bad.add(stage.src.order, 1, 0, import_bad.WHOLE, reason, db=True)

    def _refuse_if_bad(self) -> None:
        count = self.bad.count()
        if count:
            raise ImportRejected(self.bad.first(), count)

    # -- writing --------------------------------------------------------------------------------

    def _write(self) -> None:
        for stage in self.stages:
            kind = stage.src.kind
            counts = self._count(kind.name)
            if kind.name == "tickets":
                tickets = self.conn.execute("SELECT count(*) FROM main.tickets").fetchone()[0]
                rebuild = stage.rows >= max(REBUILD_MIN_ROWS, tickets)
                write.write_tickets(stage, counts, self.now, rebuild=rebuild)
            elif kind.key and not kind.appended:
                write.upsert(stage, counts)
            else:
                write.append(stage, counts, self.now)
            if stage.src.digest is not None:
                self.conn.execute(
                    "INSERT INTO main.imported_files (sha256, name, kind, rows, at)"
                    " VALUES (?, ?, ?, ?, ?)",
                    (stage.src.digest, stage.src.name, kind.name, stage.rows, self.now),
                )

    def _count(self, kind: str) -> dict[str, int]:
        return self.counts.setdefault(kind, {"added": 0, "updated": 0, "unchanged": 0})

    def clean_up(self) -> None:
        """Drop the temporary tables and views (the connection may go on: the sample
        builder's does)."""
        if self.conn.in_transaction:
            self.conn.execute("ROLLBACK")
        names = self.conn.execute(
            "SELECT type, name FROM temp.sqlite_master WHERE name LIKE 'import%'"
            " AND type IN ('view', 'table') ORDER BY type = 'table'"
        ).fetchall()
        for kind, name in names:
            self.conn.execute(f"DROP {kind.upper()} IF EXISTS temp.{name}")


def _already_imported(kind: Kind, seen: tuple[str, str]) -> str:
    """Why a file imported before is refused again, as its kind keeps its rows.

    Rows of actions, problems and deductions add up: they would count twice. A
    kind with a key (entered scores) keeps each value's entries as a history
    whose last is in force (the lead's entry screen shows it): nothing adds up,
    but the file's values would become the newest entries again, over any
    entered since.
    """
    name, at = seen
    if kind.key:
        text = _(
            "this file was already imported on {at} (as {name}); imported again, its values "
            "would be entered anew and replace any entered since (the last entry is the one in "
            "force). Import it again with --again only if that is what you mean"
        )
    else:
        text = _(
            "this file was already imported on {at} (as {name}); its rows would count twice. "
            "Import it again with --again only if that is what you mean"
        )
    return text.format(at=at, name=name)
