"""The files (and tables of dicts) an import reads: their header, their rows, their content.

A source names its rows by the line they start on, as an editor counts lines,
so that every message can say ``FILE:LINE``. Problems that stop a file from
being read at all (not UTF-8, no header, a header of no known kind) are
:class:`FileProblem`; a line that is not CSV is :class:`LineProblem`, and the
lines after it are read on.
"""

from __future__ import annotations

import codecs
import csv
import hashlib
import itertools
from collections.abc import Callable, Iterable, Iterator, Mapping, Sized
from pathlib import Path

from fieldkpi.file_errors import os_reason
from fieldkpi.i18n import _, join_list
from storage.csvrows import KINDS, MAX_CELL, Column, Kind, column_name, detect_kind, shown

GBK_SAMPLE = 64 * 1024
CHUNK = 1 << 20


class Problem(Exception):
    def __init__(self, line: int, reason: str) -> None:
        super().__init__(reason)
        self.line = line
        self.reason = reason


class FileProblem(Problem):
    """The rest of a file cannot be read at all (not UTF-8, no header, bad header …)."""


class LineProblem(Problem):
    """One line is not CSV (a quote never closed, a huge cell); the lines after it are."""


Reject = Callable[[int, str], None]  # (line, reason) of a line that is no row at all


class Source:
    """One file or table of a call: a name for messages, a header, and rows of cells."""

    def __init__(self, name: str, order: int, forced: str | None) -> None:
        self.name = name
        self.order = order  # its place among the sources given (messages are sorted by it)
        self.forced = forced  # the kind the caller says it is, else read from the header
        self.kind: Kind | None = None
        self.columns: list[Column] = []
        self.unnamed: set[int] = set()  # header cells left empty (Excel adds them): no column
        self.lines: int | None = None  # lines after the header, once scanned
        self.digest: str | None = None  # of the content, line endings and BOM aside
        self.raw_digest: str | None = None  # of the bytes (how imports before m012 knew a file)

    def open(self) -> tuple[int, list[str]] | None:
        """The header's line and cells, or None when there is nothing to import."""
        raise NotImplementedError

    def rows(self, reject: Reject) -> Iterator[tuple[int, list[str]]]:
        """Each row's first line and cells; lines that are not rows at all go to ``reject``."""
        raise NotImplementedError

    def scan(self) -> None:
        """Learn the content's digests and its number of lines (files only)."""

    def close(self) -> None:
        pass


class CsvFile(Source):
    def __init__(self, path: Path, order: int, forced: str | None) -> None:
        super().__init__(str(path), order, forced)
        self.path = path
        self._fh = None

    def scan(self) -> None:
        """One pass over the bytes: two digests and the lines, for progress.

        The same rows saved with CRLF or LF line endings, with or without a
        BOM, are the same file: they would count twice just the same.
        """
        raw, same = hashlib.sha256(), hashlib.sha256()
        lines, last, carry = 0, b"\n", b""
        try:
            with self.path.open("rb") as fh:
                for number, chunk in enumerate(iter(lambda: fh.read(CHUNK), b"")):
                    raw.update(chunk)
                    lines += chunk.count(b"\n")
                    last = chunk[-1:]
                    data = carry + chunk
                    if number == 0:
                        data = data.removeprefix(codecs.BOM_UTF8)
                    carry = data[-1:] if data.endswith(b"\r") else b""
                    data = data[: len(data) - len(carry)]
                    same.update(data.replace(b"\r\n", b"\n").replace(b"\r", b"\n"))
        except OSError as exc:
            raise FileProblem(1, _cannot_read(exc)) from None
        same.update(carry.replace(b"\r", b"\n"))
        self.raw_digest, self.digest = raw.hexdigest(), same.hexdigest()
        self.lines = max(lines + (last != b"\n") - 1, 0)

    def open(self) -> tuple[int, list[str]] | None:
        try:
            self._fh = self.path.open(encoding="utf-8-sig", newline="")
        except OSError as exc:
            raise FileProblem(1, _cannot_read(exc)) from None
        if csv.field_size_limit() <= MAX_CELL:  # a longer cell must reach our own check
            csv.field_size_limit(MAX_CELL + 1)
        self._reader = csv.reader(self._fh, strict=True)
        try:
            header = next(self.rows(_header_problem), None)
        except LineProblem as problem:
            raise FileProblem(problem.line, problem.reason) from None
        if header is None:
            raise FileProblem(1, _("empty file, no header"))
        return header

    def rows(self, reject: Reject) -> Iterator[tuple[int, list[str]]]:
        """Rows that are not blank, with the line each starts on."""
        reader = self._reader
        while True:
            line = reader.line_num + 1
            try:
                for cells in reader:
                    if cells and (cells[0].strip() or "".join(cells).strip()):
                        yield line, cells
                    line = reader.line_num + 1
                return
            except UnicodeDecodeError:
                raise FileProblem(*_encoding_problem(self.path)) from None
            except OSError as exc:
                raise FileProblem(line, _cannot_read(exc)) from None
            except csv.Error as exc:
                reject(line, _csv_reason(exc))

    def close(self) -> None:
        if self._fh is not None:
            self._fh.close()


def _header_problem(line: int, reason: str) -> None:
    raise LineProblem(line, reason)


def _cannot_read(exc: OSError) -> str:
    return _("cannot read the file: {reason}").format(reason=os_reason(exc))


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


class Table(Source):
    """Rows handed over as dicts (the sample-data builder); line numbers count as in a file."""

    def __init__(self, name: str, order: int, kind: str, rows: Iterable[Mapping[str, str]]):
        super().__init__(name, order, kind)
        self.lines = len(rows) if isinstance(rows, Sized) else None
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
                    _("has the columns {columns}, not those of the first row").format(
                        columns=", ".join(row)
                    ),
                )
                continue
            yield line, ["" if row[name] is None else str(row[name]) for name in self._header]


def read_header(source: Source, line: int, header: list[str]) -> None:
    """Set the kind of a source and its columns in header order; a bad header ends the file."""
    names = [column_name(name) for name in header]
    source.unnamed = {index for index, name in enumerate(names) if not name}
    names = [name for name in names if name]
    if source.forced is not None and source.forced not in KINDS:
        raise FileProblem(
            line,
            _("unknown kind of file {kind}; the kinds are: {kinds}").format(
                kind=shown(source.forced), kinds=join_list(KINDS)
            ),
        )
    _names_no_column(line, names, source.forced)
    name = source.forced or detect_kind(names)
    if name is None:
        raise FileProblem(
            line,
            _("cannot tell from the header which kind of file this is ({kinds})").format(
                kinds=join_list(KINDS)
            ),
        )
    kind = source.kind = KINDS[name]
    twice = sorted({shown(n) for n in names if names.count(n) > 1})
    if twice:
        raise FileProblem(
            line, _("columns given more than once: {names}").format(names=", ".join(twice))
        )
    unknown = [shown(n) for n in names if n not in kind.names]
    if unknown:
        raise FileProblem(
            line,
            _("unknown columns for {kind}: {names} (the columns of {kind} are: {known})").format(
                kind=kind.name, names=", ".join(unknown), known=", ".join(kind.names)
            ),
        )
    missing = [n for n in kind.required if n not in names]
    if missing:
        raise FileProblem(
            line,
            _("missing required columns for {kind}: {names}").format(
                kind=kind.name, names=", ".join(missing)
            ),
        )
    source.columns = [kind.column(name) for name in names]


def _names_no_column(line: int, names: list[str], forced: str | None) -> None:
    """Refuse a first row that names no column at all (of the kind the caller gave, else of
    any kind): column names translated (期间, 员工 …), or a file with no header.

    interfaces.md names the columns in English and makes any other an error, so translated
    names are not taken as synonyms; the refusal says which names the header must give,
    instead of guessing at the file's kind or reading the next rows as data.
    """
    kinds = [KINDS[forced]] if forced else list(KINDS.values())
    if not names or any(set(names) & set(kind.names) for kind in kinds):
        return  # an empty header is told by detect_kind; a known name, by the checks below
    if forced:
        reason = _(
            "the first row names none of the columns of {kind}: the header gives them "
            "in English: {names}"
        ).format(kind=forced, names=", ".join(KINDS[forced].names))
    else:
        required = "; ".join(f"{kind.name}: {', '.join(kind.required)}" for kind in kinds)
        reason = _(
            "the first row names no column: the header gives the column names in English, "
            "as fieldkpi import --help lists them (required: {columns})"
        ).format(columns=required)
    raise FileProblem(line, reason)
