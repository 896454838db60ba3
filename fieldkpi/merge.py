"""One national table from the rankings that branches exported, without ranking anyone again.

Rankings never cross a branch, so a head office that holds no tickets can
still publish the whole country's month: each branch (or region) runs
``fieldkpi rank --format csv|toml`` on its own database and the files are
merged here. Rows are kept exactly as exported; they are only put in the
export order (branch, role, rank, staff code) and written out again.

The files must be of one month, and each branch may come from one file only:
two files with the same branch would be two rankings of it, and there is no
telling which one is right. A file that cannot be read is refused with the
place (``FILE:LINE``) of its first problem.
"""

from __future__ import annotations

import csv
import io
import re
import tomllib
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal, InvalidOperation
from itertools import groupby
from pathlib import Path

import tomli_w
from rich.console import Console
from rich.table import Table
from rich.text import Text

from fieldkpi.cleantext import clean_name
from fieldkpi.export import FORMULA_START, HEAD, TEXT, neutralise
from fieldkpi.figures import RANKED_ROLES
from fieldkpi.file_errors import file_problem
from fieldkpi.i18n import N_, _, join_clauses
from fieldkpi.numbers import DASH, yuan
from fieldkpi.period import STAMP, Period
from fieldkpi.table import role_label

# The columns every export has, whatever its scheme: they place a row and say what it earned.
REQUIRED = (*(c.name for c in HEAD), "total", "reward")
# Columns that hold text (the rest hold numbers, or are empty where they do not apply).
TEXTS = frozenset({*(c.name for c in HEAD if c.kind == TEXT), "as_of", "grade", "scheme"})
_COLUMN = re.compile(r"^[a-z][a-z0-9_]*$")


class MergeError(ValueError):
    """A file that cannot be merged; the message starts with ``FILE:LINE:`` (or ``FILE:``)."""


@dataclass(frozen=True)
class MergedRow:
    """One exported row, its cells kept as the text they were exported as.

    A merged row is never ranked again, so its numbers need not be read
    back: only the columns that place it are (``REQUIRED``), to check them.
    """

    cells: Mapping[str, str]
    columns: tuple[str, ...]
    file: str
    line: int

    def __getattr__(self, name: str) -> str:
        if name in ("cells", "columns", "file", "line"):
            raise AttributeError(name)
        return self.cells.get(name, "")


def merge_files(paths: Sequence[str | Path], month: str | None = None) -> list[MergedRow]:
    """The rows of every file in export order; refused if periods or branches clash.

    ``month`` (``YYYY-MM`` or ``YYYY-Qn``), when given, is the period every file must be of.
    """
    rows: list[MergedRow] = []
    for path in paths:
        rows.extend(read_file(path))
    _check(rows, month)
    rows.sort(key=lambda r: (r.branch, RANKED_ROLES.index(r.role), int(r.rank), r.staff_code))
    return rows


def read_file(path: str | Path) -> list[MergedRow]:
    """The rows of one exported file, CSV or TOML (told by its name, else by its content)."""
    name = str(path)
    try:
        text = Path(path).read_text(encoding="utf-8-sig")
    except UnicodeDecodeError:
        raise MergeError(f"{name}: " + _("not UTF-8 text: not a ranking file")) from None
    except OSError as exc:
        raise MergeError(file_problem(name, exc)) from None
    toml = Path(path).suffix.lower() == ".toml" or (
        Path(path).suffix.lower() != ".csv" and re.match(r"\s*(\[\[rows\]\]|rows\s*=)", text)
    )
    return _read_toml(name, text) if toml else _read_csv(name, text)


def _header_problem(name: str, line: int, header: Iterable[str]) -> None:
    header = list(header)
    missing = [c for c in REQUIRED if c not in header]
    unknown = [c for c in header if not _COLUMN.match(c)]
    if missing or unknown:
        raise MergeError(
            f"{name}:{line}: "
            + _("not the header of a ranking export ({problem})").format(
                problem=join_clauses(
                    part
                    for part in (
                        missing and _("missing {names}").format(names=", ".join(missing)),
                        unknown
                        and _("unknown {names}").format(
                            names=", ".join(clean_name(c)[:40] for c in unknown)
                        ),
                    )
                    if part
                )
            )
        )


def _read_csv(name: str, text: str) -> list[MergedRow]:
    reader = csv.reader(io.StringIO(text, newline=""), strict=True)
    try:
        header = next(reader, None)
        if header is None:
            raise MergeError(f"{name}: " + _("empty file: not a ranking export"))
        header = [cell.strip() for cell in header]
        _header_problem(name, 1, header)
        rows = []
        for cells in reader:
            line = reader.line_num
            if not any(cell.strip() for cell in cells):
                continue
            if len(cells) != len(header):
                raise MergeError(
                    f"{name}:{line}: "
                    + _("{n} cells, but the header has {m} columns").format(
                        n=len(cells), m=len(header)
                    )
                )
            values = {c: _unneutralise(cell) for c, cell in zip(header, cells, strict=True)}
            rows.append(_row(name, line, values, tuple(header)))
        return rows
    except csv.Error as exc:
        raise MergeError(
            f"{name}:{reader.line_num}: " + _("not readable as CSV: {error}").format(error=exc)
        ) from None


def _unneutralise(cell: str) -> str:
    """Undo the quote the export puts before a text that a spreadsheet would run as a formula."""
    return cell[1:] if cell.startswith("'") and cell[1:].startswith(FORMULA_START) else cell


def _read_toml(name: str, text: str) -> list[MergedRow]:
    try:
        data = tomllib.loads(text, parse_float=Decimal)
    except tomllib.TOMLDecodeError as exc:
        found = re.search(r"\(at line (\d+)", str(exc))
        where = f"{name}:{found.group(1)}" if found else name
        raise MergeError(
            f"{where}: " + _("not readable as TOML: {error}").format(error=exc)
        ) from None
    tables = data.get("rows")
    extra = sorted(set(data) - {"rows"})
    if not isinstance(tables, list) or extra:
        raise MergeError(f"{name}: " + _("not a ranking export: it holds no [[rows]] tables only"))
    starts = [
        n for n, text_line in enumerate(text.splitlines(), 1) if _ROWS_HEADER.match(text_line)
    ]
    rows = []
    for index, table in enumerate(tables):
        line = starts[index] if index < len(starts) else 1
        if not isinstance(table, dict):
            raise MergeError(f"{name}:{line}: " + _("a row must be a table of columns"))
        _header_problem(name, line, table)
        values = {column: _toml_text(value) for column, value in table.items()}
        rows.append(_row(name, line, values, tuple(table)))
    return rows


_ROWS_HEADER = re.compile(r"\s*\[\[\s*rows\s*\]\]")


def _toml_text(value: object) -> str:
    """A TOML value as the CSV cell that would hold it; absent is empty."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "1" if value else "0"
    return str(value)


def _row(name: str, line: int, values: Mapping[str, str], columns: tuple[str, ...]) -> MergedRow:
    """A row whose placing columns are read and checked, its text cells cleaned of controls.

    A file from elsewhere may carry escape sequences in a name: they are data,
    not instructions to the terminal the table is printed on.
    """
    cells = {c: clean_name(v).strip() if c in TEXTS else v.strip() for c, v in values.items()}
    for column in ("branch", "staff_code"):  # a code is a key: cleaned, it would be another
        if values.get(column, "").strip() != cells.get(column):
            raise MergeError(
                f"{name}:{line}: "
                + _("{column}: {value!r} is not {what}").format(
                    column=column, value=values[column][:40], what=_(A_CODE)
                )
            )
    for column in REQUIRED:
        cell = cells.get(column, "")
        if not cell:
            raise MergeError(f"{name}:{line}: " + _("{column}: required").format(column=column))
        read = _READ.get(column, _text)
        try:
            read(cell)
        except (ValueError, InvalidOperation, ArithmeticError):
            raise MergeError(
                f"{name}:{line}: "
                + _("{column}: {value!r} is not {what}").format(
                    column=column, value=cell[:40], what=_(_WHAT[read])
                )
            ) from None
    for column, cell in cells.items():
        if cell and column not in TEXTS and column not in _READ:
            try:
                _decimal(cell)
            except (ValueError, InvalidOperation, ArithmeticError):
                raise MergeError(
                    f"{name}:{line}: "
                    + _("{column}: {value!r} is not {what}").format(
                        column=column, value=cell[:40], what=_(_WHAT[_decimal])
                    )
                ) from None
    return MergedRow(cells, columns, name, line)


def _period(cell: str) -> str:
    return str(Period.parse(cell))


def _moment(cell: str) -> datetime:
    return datetime.strptime(cell, STAMP)


def _flag(cell: str) -> bool:
    if cell not in ("0", "1"):
        raise ValueError(cell)
    return cell == "1"


def _role(cell: str) -> str:
    if cell not in RANKED_ROLES:
        raise ValueError(cell)
    return cell


def _rank(cell: str) -> int:
    number = int(cell)
    if number < 1:
        raise ValueError(cell)
    return number


def _decimal(cell: str) -> Decimal:
    number = Decimal(cell)
    if not number.is_finite():
        raise ValueError(cell)
    return number


def _text(cell: str) -> str:
    return cell


_READ: dict[str, Callable[[str], object]] = {
    "period": _period,
    "as_of": _moment,
    "provisional": _flag,
    "role": _role,
    "rank": _rank,
    "total": _decimal,
    "reward": _decimal,
}
_WHAT = {
    _period: N_("a period like 2026-10 or 2026-Q4"),
    _moment: N_('a time like "2026-10-31 23:59:59"'),
    _flag: N_("0 or 1"),
    _role: N_("rep or engineer"),
    _rank: N_("a rank (1, 2, …)"),
    _decimal: N_("a number"),
    _text: N_("text"),
}
A_CODE = N_("a code without control or invisible characters")


def _check(rows: list[MergedRow], month: str | None) -> None:
    """One period; each branch from one file; each person once in a branch and role."""
    first: MergedRow | None = None
    branch_file: dict[str, MergedRow] = {}
    seen: dict[tuple[str, str, str], MergedRow] = {}
    for row in rows:
        period = _period(row.period)
        if month is not None and period != month:
            raise MergeError(
                f"{row.file}:{row.line}: "
                + _("period {period}, but --month is {month}").format(period=period, month=month)
            )
        if first is None:
            first = row
        elif period != _period(first.period):
            raise MergeError(
                f"{row.file}:{row.line}: "
                + _("period {period}, but {file} line {line} is {other}: merge one month").format(
                    period=period, file=first.file, line=first.line, other=first.period
                )
            )
        owner = branch_file.setdefault(row.branch, row)
        if owner.file != row.file:
            raise MergeError(
                f"{row.file}:{row.line}: "
                + _(
                    "branch {branch} is also in {file} (line {line}): give each branch once"
                ).format(branch=row.branch, file=owner.file, line=owner.line)
            )
        key = (row.branch, row.role, row.staff_code)
        earlier = seen.setdefault(key, row)
        if earlier is not row:
            raise MergeError(
                f"{row.file}:{row.line}: "
                + _("{code} ({role}) of branch {branch} is already on line {line}").format(
                    code=row.staff_code, role=row.role, branch=row.branch, line=earlier.line
                )
            )


def columns_of(rows: Iterable[MergedRow]) -> list[str]:
    """Every column of the files, in the order they first appear."""
    return list(dict.fromkeys(c for row in rows for c in row.columns))


def to_csv(rows: Sequence[MergedRow]) -> str:
    out = io.StringIO()
    out.write("\ufeff")
    writer = csv.writer(out, lineterminator="\r\n")
    columns = columns_of(rows)
    writer.writerow(columns)
    for row in rows:
        writer.writerow(
            [
                neutralise(row.cells.get(c, "")) if c in TEXTS else row.cells.get(c, "")
                for c in columns
            ]
        )
    return out.getvalue()


def to_toml(rows: Sequence[MergedRow]) -> str:
    def value(column: str, cell: str):
        if column in TEXTS:
            return cell
        number = Decimal(cell)
        return int(number) if number == number.to_integral_value() and "." not in cell else number

    tables = [
        {c: value(c, cell) for c in row.columns if (cell := row.cells.get(c, ""))} for row in rows
    ]
    return tomli_w.dumps({"rows": tables})


def render(rows: Iterable[MergedRow], fmt: str, *, color: bool = False, width: int = 120) -> str:
    """The merged rows as ``fieldkpi rank`` writes them: ``table``, ``csv`` or ``toml``."""
    rows = list(rows)
    if fmt == "csv":
        return to_csv(rows)
    if fmt == "toml":
        return to_toml(rows)
    if not rows:
        return _("The files hold no rows.") + "\n"
    out = io.StringIO()
    console = Console(file=out, width=width, force_terminal=color, no_color=not color)
    for (branch, role), group in groupby(rows, key=lambda r: (r.branch, r.role)):
        group = list(group)
        points = [
            c
            for c in columns_of(group)
            if c.endswith("_points") and any(r.cells.get(c) for r in group)
        ]
        title = Text(f"{branch} · {role_label(role)} · {group[0].period} · ")
        title.append(_("as of {as_of}").format(as_of=group[0].as_of))
        table = Table(title=title, title_justify="left")
        for heading in (_("Rank"), _("Code"), _("Name"), *points, _("Total"), _("Reward")):
            table.add_column(Text(heading))
        for row in group:
            table.add_row(
                *(
                    Text(text)
                    for text in (
                        row.rank,
                        row.staff_code,
                        row.name,
                        *(row.cells.get(c) or DASH for c in points),
                        row.total,
                        yuan(Decimal(row.reward)),
                    )
                )
            )
        console.print(table)
    return out.getvalue()
