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
from dataclasses import dataclass, fields
from datetime import datetime
from decimal import Decimal, InvalidOperation
from fractions import Fraction
from itertools import groupby
from pathlib import Path

from fieldkpi.cleantext import clean_name
from fieldkpi.export import COLUMNS, FORMULA_START, to_csv, to_toml
from fieldkpi.figures import RANKED_ROLES
from fieldkpi.i18n import N_, _
from fieldkpi.period import STAMP, Judgement, Period
from fieldkpi.ranking import RankRow, export_order

# Columns a role leaves empty (CSV) or out (TOML): the rep-only ones.
OPTIONAL = frozenset(
    {"feedback_rate", "feedback_points", "workload", "days", "saturation", "workload_points"}
)
# What the export holds no column for; a merged row cannot know them.
_NOT_EXPORTED = {"first_month": False, "no_callbacks": False, "no_orders": False}


class MergeError(ValueError):
    """A file that cannot be merged; the message starts with ``FILE:LINE:`` (or ``FILE:``)."""


@dataclass(frozen=True)
class _Placed:
    """A row with the file and line it came from, for messages about it."""

    row: RankRow
    file: str
    line: int


def merge_files(paths: Sequence[str | Path], month: str | None = None) -> list[RankRow]:
    """The rows of every file in export order; refused if months or branches clash.

    ``month`` (``YYYY-MM``), when given, is the month every file must be of.
    """
    placed: list[_Placed] = []
    for path in paths:
        placed.extend(read_file(path))
    _check(placed, month)
    rows = [p.row for p in placed]
    rows.sort(key=export_order)
    return rows


def read_file(path: str | Path) -> list[_Placed]:
    """The rows of one exported file, CSV or TOML (told by its name, else by its content)."""
    name = str(path)
    try:
        text = Path(path).read_text(encoding="utf-8-sig")
    except UnicodeDecodeError:
        raise MergeError(f"{name}: " + _("not UTF-8 text: not a ranking file")) from None
    except OSError as exc:
        raise MergeError(f"{name}: {exc.strerror or exc}") from None
    toml = Path(path).suffix.lower() == ".toml" or (
        Path(path).suffix.lower() != ".csv" and re.match(r"\s*(\[\[rows\]\]|rows\s*=)", text)
    )
    return _read_toml(name, text) if toml else _read_csv(name, text)


def _read_csv(name: str, text: str) -> list[_Placed]:
    reader = csv.reader(io.StringIO(text, newline=""), strict=True)
    try:
        header = next(reader, None)
        if header is None:
            raise MergeError(f"{name}: " + _("empty file: not a ranking export"))
        header = [cell.strip() for cell in header]
        missing = [c for c in COLUMNS if c not in header]
        unknown = [c for c in header if c not in COLUMNS]
        if missing or unknown:
            raise MergeError(
                f"{name}:1: "
                + _("not the header of a ranking export ({problem})").format(
                    problem="; ".join(
                        part
                        for part in (
                            missing and _("missing {names}").format(names=", ".join(missing)),
                            unknown and _("unknown {names}").format(names=", ".join(unknown)),
                        )
                        if part
                    )
                )
            )
        placed = []
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
            values = {
                column: _unneutralise(cell) for column, cell in zip(header, cells, strict=True)
            }
            placed.append(_Placed(_row(name, line, values), name, line))
        return placed
    except csv.Error as exc:
        raise MergeError(
            f"{name}:{reader.line_num}: " + _("not readable as CSV: {error}").format(error=exc)
        ) from None


def _unneutralise(cell: str) -> str:
    """Undo the quote the export puts before a text that a spreadsheet would run as a formula."""
    return cell[1:] if cell.startswith("'") and cell[1:].startswith(FORMULA_START) else cell


def _read_toml(name: str, text: str) -> list[_Placed]:
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
    placed = []
    for index, table in enumerate(tables):
        line = starts[index] if index < len(starts) else 1
        if not isinstance(table, dict):
            raise MergeError(f"{name}:{line}: " + _("a row must be a table of columns"))
        unknown = sorted(set(table) - set(COLUMNS))
        if unknown:
            raise MergeError(
                f"{name}:{line}: " + _("unknown columns: {names}").format(names=", ".join(unknown))
            )
        values = {column: _toml_text(table.get(column)) for column in COLUMNS}
        placed.append(_Placed(_row(name, line, values), name, line))
    return placed


_ROWS_HEADER = re.compile(r"\s*\[\[\s*rows\s*\]\]")


def _toml_text(value: object) -> str:
    """A TOML value as the CSV cell that would hold it; absent is empty."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "1" if value else "0"
    return str(value)


def _row(name: str, line: int, values: Mapping[str, str]) -> RankRow:
    parsed: dict[str, object] = dict(_NOT_EXPORTED)
    for column in COLUMNS:
        cell = values.get(column, "").strip()
        if not cell:
            if column in OPTIONAL:
                parsed[column] = None
                continue
            raise MergeError(f"{name}:{line}: " + _("{column}: required").format(column=column))
        try:
            parsed[column] = _READ[column](cell)
        except (ValueError, InvalidOperation, ArithmeticError):
            raise MergeError(
                f"{name}:{line}: "
                + _("{column}: {value!r} is not {what}").format(
                    column=column, value=cell[:40], what=_(_WHAT[_READ[column]])
                )
            ) from None
    return RankRow(**{f.name: parsed[f.name] for f in fields(RankRow)})


def _month(cell: str) -> str:
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


def _count(cell: str) -> int:
    number = int(cell)
    if number < 0:
        raise ValueError(cell)
    return number


def _decimal(cell: str) -> Decimal:
    number = Decimal(cell)
    if not number.is_finite():
        raise ValueError(cell)
    return number


def _fraction(cell: str) -> Fraction:
    return Fraction(_decimal(cell))


def _code(cell: str) -> str:
    """A branch or staff code: refused if it holds anything a terminal obeys or hides."""
    if clean_name(cell) != cell:
        raise ValueError(cell)
    return cell


def _name(cell: str) -> str:
    """A name as the database keeps it (:func:`fieldkpi.cleantext.clean_name`)."""
    return clean_name(cell)


_READ: dict[str, Callable[[str], object]] = {
    "period": _month,
    "as_of": _moment,
    "provisional": _flag,
    "branch": _code,
    "role": _role,
    "rank": _rank,
    "staff_code": _code,
    "name": _name,
    "workload": _count,
    "days": _count,
    "zeroed": _flag,
    "total": _decimal,
} | {column: _fraction for column in COLUMNS if column not in (
    "period", "as_of", "provisional", "branch", "role", "rank", "staff_code", "name",
    "workload", "days", "zeroed", "total",
)}  # fmt: skip
_WHAT = {
    _month: N_("a month like 2026-10"),
    _moment: N_('a time like "2026-10-31 23:59:59"'),
    _flag: N_("0 or 1"),
    _role: N_("rep or engineer"),
    _rank: N_("a rank (1, 2, …)"),
    _count: N_("a whole number"),
    _decimal: N_("a number"),
    _fraction: N_("a number"),
    _code: N_("a code without control or invisible characters"),
}


def _check(placed: list[_Placed], month: str | None) -> None:
    """One month; each branch from one file; each person once in a branch and role."""
    first: _Placed | None = None
    branch_file: dict[str, _Placed] = {}
    seen: dict[tuple[str, str, str], _Placed] = {}
    for p in placed:
        row = p.row
        if month is not None and row.period != month:
            raise MergeError(
                f"{p.file}:{p.line}: "
                + _("period {period}, but --month is {month}").format(
                    period=row.period, month=month
                )
            )
        if first is None:
            first = p
        elif row.period != first.row.period:
            raise MergeError(
                f"{p.file}:{p.line}: "
                + _("period {period}, but {file} line {line} is {other}: merge one month").format(
                    period=row.period, file=first.file, line=first.line, other=first.row.period
                )
            )
        owner = branch_file.setdefault(row.branch, p)
        if owner.file != p.file:
            raise MergeError(
                f"{p.file}:{p.line}: "
                + _(
                    "branch {branch} is also in {file} (line {line}): give each branch once"
                ).format(branch=row.branch, file=owner.file, line=owner.line)
            )
        key = (row.branch, row.role, row.staff_code)
        earlier = seen.setdefault(key, p)
        if earlier is not p:
            raise MergeError(
                f"{p.file}:{p.line}: "
                + _("{code} ({role}) of branch {branch} is already on line {line}").format(
                    code=row.staff_code, role=row.role, branch=row.branch, line=earlier.line
                )
            )


def render(rows: Iterable[RankRow], fmt: str, *, color: bool = False) -> str:
    """The merged rows as ``fieldkpi rank`` writes them: ``table``, ``csv`` or ``toml``."""
    rows = list(rows)
    if fmt == "csv":
        return to_csv(rows)
    if fmt == "toml":
        return to_toml(rows)
    from fieldkpi.table import render_table

    if not rows:
        return _("The files hold no rows.") + "\n"
    # Each branch was judged at its own as-of (a closed month at its end, another still running).
    parts = []
    for _branch, group in groupby(rows, key=lambda r: r.branch):
        group = list(group)
        judgement = Judgement(Period.parse(group[0].period), group[0].as_of)
        parts.append(render_table(group, {}, judgement, color=color))
    return "".join(parts)
