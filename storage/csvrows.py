"""What each kind of CSV import file holds, and how one row of it is read.

Nothing here touches the database: a row is turned into typed values (or
reasons why not) from its own cells alone. The importer adds the checks that
need the database — codes, references, existing records.

Dates are read with strict patterns and ``datetime``: a fuzzy parser would
turn ``3/4`` or ``2026-02-30`` into some date instead of saying it is wrong.
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime

from fieldkpi.cleantext import clean_text, escape_controls
from fieldkpi.i18n import _
from storage.migrations import ACTION_KINDS, DEDUCTION_KINDS, ROLES, TICKET_KINDS

MAX_CELL = 10_000
SHOWN = 40  # a bad value is quoted in a message up to this many characters

_DATE = r"(\d{4})([-/])(\d{1,2})\2(\d{1,2})"
_TIMESTAMP_RE = re.compile(_DATE + r"(?:[ T](\d{1,2}):(\d{2})(?::(\d{2}))?)?")
_STORED_RE = re.compile(r"\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}")  # what timestamp() returns
_DATE_RE = re.compile(_DATE)
_MONTH_RE = re.compile(r"(\d{4})[-/](\d{1,2})")
_WHOLE_RE = re.compile(r"[+-]?\d+")
_DECIMAL_RE = re.compile(r"[+-]?(\d+(\.\d*)?|\.\d+)")


class CellError(ValueError):
    """A cell that cannot be read; the message says why, for the person who wrote it."""


def shown(value: str) -> str:
    """A cell quoted in a message, cut short so that a huge cell does not flood the report."""
    cut = value if len(value) <= SHOWN else f"{value[:SHOWN]}…"
    return f"“{escape_controls(cut)}”"


def column_name(cell: str) -> str:
    """A header cell as the name of a column: trimmed, any case, without a stray BOM."""
    return cell.replace("\ufeff", "").strip().lower()


def text(value: str) -> str:
    """Free text, cleaned of control characters (see :mod:`fieldkpi.cleantext`)."""
    cleaned = clean_text(value).strip()
    if not cleaned:
        raise CellError(_("holds only control characters"))
    return cleaned


def timestamp(value: str) -> str:
    """``YYYY-MM-DD HH:MM[:SS]`` (``/`` or ``-``, space or ``T``; date alone = midnight)."""
    if _STORED_RE.fullmatch(value):  # already as stored: only the calendar is left to check
        try:
            datetime.fromisoformat(value)
        except ValueError:
            pass  # told below, in the words of the slow path
        else:
            return value
    match = _TIMESTAMP_RE.fullmatch(value)
    if not match:
        raise CellError(
            _("{value} is not a date and time (YYYY-MM-DD HH:MM:SS)").format(value=shown(value))
        )
    year, _sep, mon, dd, hour, minute, second = match.groups()
    parts = (int(year), int(mon), int(dd), int(hour or 0), int(minute or 0), int(second or 0))
    try:
        datetime(*parts)
    except ValueError:
        raise CellError(_("no such date and time: {value}").format(value=shown(value))) from None
    return "{:04d}-{:02d}-{:02d} {:02d}:{:02d}:{:02d}".format(*parts)  # strftime is slower


def calendar_date(value: str) -> str:
    """``YYYY-MM-DD`` (or with ``/``)."""
    match = _DATE_RE.fullmatch(value)
    if not match:
        raise CellError(_("{value} is not a date (YYYY-MM-DD)").format(value=shown(value)))
    year, _sep, mon, dd = match.groups()
    try:
        return date(int(year), int(mon), int(dd)).isoformat()
    except ValueError:
        raise CellError(_("no such date: {value}").format(value=shown(value))) from None


def year_month(value: str) -> str:
    """``YYYY-MM`` (or with ``/``)."""
    match = _MONTH_RE.fullmatch(value)
    if not match or not 1 <= int(match.group(2)) <= 12:
        raise CellError(_("{value} is not a month (YYYY-MM)").format(value=shown(value)))
    return f"{int(match.group(1)):04d}-{int(match.group(2)):02d}"


def one_of(choices: Sequence[str]) -> Callable[[str], str]:
    def read(value: str) -> str:
        if value not in choices:
            raise CellError(
                _("{value} is not one of: {choices}").format(
                    value=shown(value), choices=", ".join(choices)
                )
            )
        return value

    return read


def whole(low: int, high: int) -> Callable[[str], int]:
    def read(value: str) -> int:
        if not _WHOLE_RE.fullmatch(value):
            raise CellError(_("{value} is not a whole number").format(value=shown(value)))
        number = int(value)
        if not low <= number <= high:
            raise CellError(
                _("{value} is outside {low}–{high}").format(value=number, low=low, high=high)
            )
        return number

    return read


def number(value: str) -> float:
    """A plain decimal (``1``, ``0.5``, ``-2``): no thousands separators, no exponents."""
    if not _DECIMAL_RE.fullmatch(value):  # float() alone would take "nan", "1e3", "1_000"
        raise CellError(_("{value} is not a number").format(value=shown(value)))
    result = float(value)
    if not math.isfinite(result):  # 400 digits read as infinity, which no sum survives
        raise CellError(_("{value} is too large").format(value=shown(value)))
    return result


def positive(value: str) -> float:
    points = number(value)
    if points <= 0:
        raise CellError(_("must be more than 0, not {value}").format(value=value))
    return points


@dataclass(frozen=True)
class Column:
    """One column of an import file: how its cells read, and whether it may be left empty."""

    name: str
    read: Callable[[str], object] = text
    required: bool = False
    default: object = None  # the value of an empty cell
    refers: str | None = None  # "staff", "ticket" or "branch": must name an existing one
    role: str | None = None  # for staff references: the role the person must have


def _staff(name: str, *, required: bool = True, role: str | None = None) -> Column:
    return Column(name, required=required, refers="staff", role=role)


def _ticket() -> Column:
    return Column("ticket", refers="ticket")


@dataclass(frozen=True)
class Kind:
    """One kind of import file (named as its table): its columns, and those naming a record."""

    name: str
    columns: tuple[Column, ...]
    key: tuple[str, ...] = ()  # rows with the same key update one record; () = always appended

    def column(self, name: str) -> Column:
        return next(col for col in self.columns if col.name == name)

    @property
    def names(self) -> tuple[str, ...]:
        return tuple(col.name for col in self.columns)

    @property
    def required(self) -> tuple[str, ...]:
        return tuple(col.name for col in self.columns if col.required)


_AT = Column("at", timestamp, required=True)

KINDS: dict[str, Kind] = {
    kind.name: kind
    for kind in (
        Kind(
            "staff",
            (
                Column("code", required=True),
                Column("name", required=True),
                Column("role", one_of(ROLES), required=True),
                Column("branch", required=True),
                Column("hired_on", calendar_date),
                Column("left_on", calendar_date),
                Column("login"),
            ),
            key=("code",),
        ),
        Kind(
            "tickets",
            (
                Column("code", required=True),
                Column("branch", required=True, refers="branch"),
                Column("kind", one_of(TICKET_KINDS), required=True),
                Column("received_at", timestamp, required=True),
                Column("dispatched_at", timestamp),
                Column("visited_at", timestamp),
                Column("completed_at", timestamp),
                Column("cancelled", whole(0, 1), default=0),
                Column("cancelled_at", timestamp),
                _staff("engineer", required=False, role="engineer"),
                _staff("rep", required=False, role="rep"),
                Column("callback_at", timestamp),
                Column("rating", whole(1, 5)),
                Column("customer"),
                Column("phone"),
                Column("address"),
                Column("product"),
                Column("fault"),
            ),
            key=("code",),
        ),
        Kind(
            "actions",
            (
                _staff("staff"),
                _AT,
                Column("action", one_of(ACTION_KINDS), required=True),
                _ticket(),
            ),
        ),
        Kind(
            "attendance",
            (
                _staff("staff"),
                Column("month", year_month, required=True),
                Column("days", whole(0, 31), required=True),
            ),
            key=("staff", "month"),
        ),
        Kind(
            "problems",
            (
                _staff("rep", role="rep"),
                _staff("engineer", role="engineer"),
                _AT,
                Column("points", positive),
                _ticket(),
                Column("note"),
            ),
        ),
        Kind(
            "deductions",
            (
                _staff("staff"),
                _AT,
                Column("kind", one_of(DEDUCTION_KINDS), required=True),
                Column("points", number),
                _ticket(),
                Column("note"),
            ),
        ),
    )
}

# Staff first, so that every later row can name them; tickets next, for the rows naming tickets.
LOAD_ORDER = {"staff": 0, "tickets": 1}
# Kinds whose rows carry no code: each import appends them, so a file loaded twice counts twice.
APPENDED_KINDS = frozenset({"actions", "problems", "deductions"})


def detect_kind(header: Sequence[str]) -> str | None:
    """The kind whose columns fit the header best, or None when no kind clearly does.

    A kind scores one for each header column it has and loses one for each it
    lacks, so that a header with a typo still finds its kind (and the typo is
    then reported as an unknown column, not as an unknown kind of file).
    """
    names = {column_name(name) for name in header} - {""}
    scores = {
        kind.name: len(names & set(kind.names)) - len(names - set(kind.names))
        for kind in KINDS.values()
    }
    best = max(scores.values())
    winners = [name for name, score in scores.items() if score == best]
    return winners[0] if best > 0 and len(winners) == 1 else None


def read_cells(
    columns: Sequence[Column], cells: Sequence[str]
) -> tuple[dict[str, object], list[tuple[str, str]]]:
    """The typed values of one row's cells, and a (column, reason) for each cell that is bad.

    A bad cell's value is None, so that the row's other cells can still be checked.
    """
    values: dict[str, object] = {}
    errors: list[tuple[str, str]] = []
    for col, raw in zip(columns, cells, strict=True):
        cell = raw.strip()
        if len(cell) > MAX_CELL:
            errors.append((col.name, _("longer than {n} characters").format(n=MAX_CELL)))
            values[col.name] = None
        elif not cell:
            if col.required:
                errors.append((col.name, _("required")))
            values[col.name] = col.default
        else:
            try:
                values[col.name] = col.read(cell)
            except CellError as exc:
                errors.append((col.name, str(exc)))
                values[col.name] = None
    return values, errors


def record_problems(kind: str, record: Mapping[str, object]) -> list[tuple[str, str]]:
    """Checks between the fields of one whole record (after an update is merged in)."""
    if kind == "staff":
        return _not_before(record, "left_on", "hired_on")
    if kind == "tickets":
        return _not_before(record, "completed_at", "received_at")
    if kind == "deductions" and record.get("kind") == "branch_rule":
        points = record.get("points")
        if points is None:
            return [("points", _("required for branch_rule"))]
        if points <= 0:
            return [("points", _("must be more than 0 for branch_rule"))]
    return []


def _not_before(record: Mapping[str, object], later: str, earlier: str) -> list[tuple[str, str]]:
    late, early = record.get(later), record.get(earlier)
    if late is not None and early is not None and late < early:
        return [
            (
                later,
                _("{late} is before {column} {early}").format(
                    late=late, column=earlier, early=early
                ),
            )
        ]
    return []


def ticket_status(record: Mapping[str, object], old_status: str | None = None) -> str:
    """The status an imported ticket's fields imply (the latest step recorded wins).

    Waiting for parts is not a field of the file: a visited ticket that was
    waiting for parts keeps waiting.
    """
    if record.get("cancelled") or record.get("cancelled_at"):
        return "cancelled"
    if record.get("callback_at"):
        return "called_back"
    if record.get("completed_at"):
        return "completed"
    if record.get("visited_at"):
        return "awaiting_parts" if old_status == "awaiting_parts" else "visited"
    if record.get("engineer") or record.get("dispatched_at"):
        return "dispatched"
    return "received"
