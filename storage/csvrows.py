"""What each kind of CSV import file holds, and how the cells of each column are read.

Each column has a reader that reads a cell exactly, in Python, and says why
when it cannot (:class:`CellError`, in the words a person fixing the file
needs). A million-row file is too slow to read that way cell by cell, so each
reader also gives SQL that recognises the usual shape of a good cell
(:meth:`Reader.fast`): the importer loads the raw cells into a table and lets
SQLite read every cell of that shape, and reads only the other cells with the
reader itself. The SQL may pass over a good cell (it then goes the slow way),
never take a bad one: for the cells it takes, it gives what the reader would.

Nothing here touches the database; the importer adds the checks that need it
(codes, references, existing records) and those between the cells of a row.

Dates are read with strict patterns and ``datetime``: a fuzzy parser would
turn ``3/4`` or ``2026-02-30`` into some date instead of saying it is wrong.
"""

from __future__ import annotations

import math
import re
import unicodedata
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal

from fieldkpi.cleantext import clean_name, clean_text, escape_controls
from fieldkpi.i18n import N_, _, join_list
from fieldkpi.limits import MAX_CHARS, MAX_ENTERED, MAX_POINTS
from fieldkpi.tickets import MIN_PHONE_DIGITS, normal_phone, phone_problem
from storage.migrations import ACTION_KINDS, DEDUCTION_KINDS, ROLES, TICKET_KINDS

MAX_CELL = 10_000
SHOWN = 40  # a bad value is quoted in a message up to this many characters

# A staff member's code and login (the person's account name on the server, ``$USER``), for
# the staff screen (storage.staff) and the import alike.
CODE = re.compile(r"[A-Za-z0-9_-]{1,20}")
LOGIN = re.compile(r"[A-Za-z0-9_][A-Za-z0-9_.-]{0,31}")
MAX_NAME = MAX_CHARS["name"]

_DATE = r"(\d{4})([-/])(\d{1,2})\2(\d{1,2})"
_TIMESTAMP_RE = re.compile(_DATE + r"(?:[ T](\d{1,2}):(\d{2})(?::(\d{2}))?)?")
_STORED_RE = re.compile(r"\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}")  # what timestamp() returns
_DATE_RE = re.compile(_DATE)
_MONTH_RE = re.compile(r"(\d{4})[-/](\d{1,2})")
_QUARTER_RE = re.compile(r"(\d{4})-[Qq]([1-4])")
_WHOLE_RE = re.compile(r"[+-]?\d+")
_DECIMAL_RE = re.compile(r"[+-]?(\d+(\.\d*)?|\.\d+)")

# SQL GLOB patterns of the stored shapes (the fast path of the readers below).
_D = "[0-9]"
_YEAR_MONTH = f"{_D * 4}-{_D * 2}"
# A plain decimal of up to 15 characters: digits, at most one point, no sign.
_PLAIN_DECIMAL = (
    "({x} NOT GLOB '*[^0-9.]*' AND {x} GLOB '*[0-9]*' AND {x} NOT GLOB '*.*.*'"
    " AND length({x}) <= 15)"
)


class CellError(ValueError):
    """A cell that cannot be read; the message says why, for the person who wrote it."""


class TooLarge(CellError):
    """A number past what may be entered (:data:`~fieldkpi.limits.MAX_ENTERED`)."""


def shown(value: str) -> str:
    """A cell quoted in a message, cut short so that a huge cell does not flood the report.

    Control, direction-changing and invisible characters are written out
    (``\\x1b``, ``\\u202e``, ``\\u200b``): the person must see what is wrong.
    """
    cut = value if len(value) <= SHOWN else f"{value[:SHOWN]}…"
    if not cut.isprintable():
        cut = "".join(_written_out(char) for char in escape_controls(cut))
    return f"“{cut}”"


def _written_out(char: str) -> str:
    return (
        char if char.isprintable() or clean_name(char) else char.encode("unicode_escape").decode()
    )


def column_name(cell: str) -> str:
    """A header cell as the name of a column: trimmed, any case, without a stray BOM."""
    return cell.replace("\ufeff", "").strip().lower()


def timestamp(value: str) -> str:
    """``YYYY-MM-DD HH:MM[:SS]`` (``/`` or ``-``, space or ``T``).

    A date alone is refused, not read as midnight: a deduction or a step dated
    00:00 would count on a day and in an order nobody meant, without a word.
    """
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
    if hour is None:
        raise CellError(
            _("{value} has no time; write {day} HH:MM").format(value=shown(value), day=value)
        )
    parts = (int(year), int(mon), int(dd), int(hour), int(minute), int(second or 0))
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


class Reader:
    """How the cells of one column are read.

    Calling it reads one cell exactly (stripped, never empty) or raises
    :class:`CellError`. :meth:`fast` is the SQL of the usual shape.
    """

    hint = ""  # what the cells hold, for ``fieldkpi import --help`` (translated when shown)

    def __call__(self, value: str) -> object:
        raise NotImplementedError

    def fast(self, x: str) -> tuple[str, str]:
        """SQL for a cell ``x`` of printable text, trimmed and not empty: a condition that
        holds only when this reader reads it, and the value it then reads."""
        raise NotImplementedError

    def starts(self, x: str) -> str | None:
        """SQL for the first moment the value ``x`` (as read) names, as text that sorts with a
        stored time (``YYYY-MM-DD HH:MM:SS``), or None when its cells name no time: the
        importer refuses a time later than its own day."""
        return None


@dataclass(frozen=True)
class Text(Reader):
    """Free text up to ``limit`` characters, cleaned of what a terminal would obey.

    ``clean`` is :func:`~fieldkpi.cleantext.clean_text`, or ``clean_name`` for a
    person's name that should look like nothing else.
    """

    limit: int = MAX_CELL
    clean: Callable[[str], str] = clean_text

    def __call__(self, value: str) -> str:
        cleaned = self.clean(value).strip()
        if not cleaned:
            raise CellError(_("holds only control characters"))
        if len(cleaned) > self.limit:
            raise CellError(
                _("longer than {n} characters ({m:,} given)").format(n=self.limit, m=len(cleaned))
            )
        return cleaned

    def fast(self, x: str) -> tuple[str, str]:
        return f"length({x}) <= {self.limit}", x  # printable text needs no cleaning


def _phone_text(value: str) -> str:
    return normal_phone(clean_text(value))


@dataclass(frozen=True)
class Phone(Text):
    """A customer's phone, kept and refused as the new-ticket form keeps and refuses a typed
    one (:func:`~fieldkpi.tickets.normal_phone`, :func:`~fieldkpi.tickets.phone_problem`):
    the queue's phone search and the caller lookup find a phone by its plain digits, so
    ``１３８…`` or ``138 0013 8000`` in a file must land as ``138…`` too."""

    limit: int = MAX_CHARS["phone"]
    clean: Callable[[str], str] = _phone_text
    hint = N_("digits, + or -")

    def __call__(self, value: str) -> str:
        phone = super().__call__(value)
        problem = phone_problem(phone)
        if problem:
            raise CellError(
                _("{value} is not a phone number: {rule}").format(value=shown(value), rule=problem)
            )
        return phone

    def fast(self, x: str) -> tuple[str, str]:
        # ASCII digits, "+" and "-" are as normal_phone leaves them: phone_problem's rule in SQL.
        # Digits alone, nearly every phone, are told by one GLOB; counting the digits among
        # signs costs as much again, so only a cell with signs does it. CASE, because the
        # importer's check is a value, where SQLite works out both sides of an OR.
        least, most = MIN_PHONE_DIGITS, self.limit
        digits = f"length(replace(replace({x}, '+', ''), '-', ''))"
        return (
            f"CASE WHEN {x} NOT GLOB '*[^0-9]*' THEN length({x}) BETWEEN {least} AND {most}"
            f" ELSE {x} NOT GLOB '*[^0-9+-]*' AND {digits} >= {least} AND length({x}) <= {most}"
            " END",
            x,
        )


def _trick(value: str) -> str | None:
    """The first invisible or direction-changing character of ``value``, as U+XXXX."""
    if value.isprintable():
        return None
    for char in value:  # format characters a name loses (a stray BOM is only cleaned away)
        if char != "\ufeff" and unicodedata.category(char) == "Cf" and not clean_name(char):
            return f"U+{ord(char):04X}"
    return None


@dataclass(frozen=True)
class Name(Text):
    """A code or a person's name: refused, not cleaned, when it holds an invisible or
    direction-changing character — two names that look the same must be the same."""

    def __call__(self, value: str) -> str:
        trick = _trick(value)
        if trick is not None:
            raise CellError(
                _("{value} holds an invisible or direction-changing character ({char})").format(
                    value=shown(value), char=trick
                )
            )
        return super().__call__(value)


@dataclass(frozen=True)
class Pattern(Name):
    """A code of a fixed alphabet (``regex``), as the staff screen takes it.

    ``glob`` is the same rule in SQL GLOB terms, with ``{x}`` for the cell.
    """

    regex: re.Pattern = CODE
    reason: str = ""  # marked with N_, formatted with the quoted value
    glob: str = ""

    def __call__(self, value: str) -> str:
        name = super().__call__(value)
        if not self.regex.fullmatch(name):
            raise CellError(_(self.reason).format(value=shown(name)))
        return name

    def fast(self, x: str) -> tuple[str, str]:
        return self.glob.format(x=x), x


@dataclass(frozen=True)
class OneOf(Reader):
    choices: tuple[str, ...]

    @property
    def hint(self) -> str:
        return " | ".join(self.choices)

    def __call__(self, value: str) -> str:
        if value not in self.choices:
            raise CellError(
                _("{value} is not one of: {choices}").format(
                    value=shown(value), choices=join_list(self.choices)
                )
            )
        return value

    def fast(self, x: str) -> tuple[str, str]:
        return f"{x} IN ({', '.join(_sql_text(c) for c in self.choices)})", x


@dataclass(frozen=True)
class Whole(Reader):
    low: int
    high: int

    @property
    def hint(self) -> str:
        return f"{self.low}–{self.high}"

    def __call__(self, value: str) -> int:
        if not _WHOLE_RE.fullmatch(value):
            raise CellError(_("{value} is not a whole number").format(value=shown(value)))
        number = int(value)
        if not self.low <= number <= self.high:
            raise CellError(
                _("{value} is outside {low}–{high}").format(
                    value=number, low=self.low, high=self.high
                )
            )
        return number

    def fast(self, x: str) -> tuple[str, str]:
        digits = f"({x} GLOB '{_D}' OR {x} GLOB '{_D * 2}')"
        return f"{digits} AND CAST({x} AS INTEGER) BETWEEN {self.low} AND {self.high}", (
            f"CAST({x} AS INTEGER)"
        )


@dataclass(frozen=True)
class Number(Reader):
    """A plain decimal (``1``, ``0.5``, ``-2``): no thousands separators, no exponents.

    At most :data:`MAX_POINTS` either way; ``positive`` refuses 0 and less.
    """

    positive: bool = False
    hint = N_("number")

    def __call__(self, value: str) -> float:
        if not _DECIMAL_RE.fullmatch(value):  # float() alone would take "nan", "1e3", "1_000"
            raise CellError(_("{value} is not a number").format(value=shown(value)))
        result = float(value)
        if not math.isfinite(result) or abs(result) > MAX_POINTS:
            raise CellError(
                _("{value} is too large (at most {n})").format(value=shown(value), n=MAX_POINTS)
            )
        if self.positive and result <= 0:
            raise CellError(_("must be more than 0, not {value}").format(value=value))
        return result

    def fast(self, x: str) -> tuple[str, str]:
        value = f"CAST({x} AS REAL)"
        low = f"{value} > 0" if self.positive else "1"
        return f"{_PLAIN_DECIMAL.format(x=x)} AND {low} AND {value} <= {MAX_POINTS}", value


@dataclass(frozen=True)
class DecimalText(Reader):
    """A decimal kept as its text, exactly (an entered score): ``95``, ``0.875``, ``-2.5``,
    and a share as the lead's entry screen takes one: ``93%`` is ``0.93``; full-width digits
    of a Chinese input method are digits."""

    hint = N_("number")

    def __call__(self, value: str) -> str:
        text = unicodedata.normalize("NFKC", value)
        number = text.removesuffix("%")
        if not _DECIMAL_RE.fullmatch(number) or len(number) > 30:
            raise CellError(_("{value} is not a number").format(value=shown(value)))
        if abs(Decimal(number)) > MAX_ENTERED:
            raise TooLarge(
                _("{value} is too large (at most {n:,})").format(value=shown(value), n=MAX_ENTERED)
            )
        return format(Decimal(number) / (100 if text.endswith("%") else 1) + 0, "f")  # no -0

    def fast(self, x: str) -> tuple[str, str]:  # already as kept: no sign, no leading 0 or "."
        canonical = f"{x} NOT GLOB '0[0-9]*' AND {x} NOT GLOB '.*' AND {x} NOT GLOB '*.'"
        small = f"CAST({x} AS REAL) <= {MAX_ENTERED}"
        return f"{_PLAIN_DECIMAL.format(x=x)} AND {canonical} AND {small}", x


class Timestamp(Reader):
    hint = N_("time")

    def __call__(self, value: str) -> str:
        return timestamp(value)

    def fast(self, x: str) -> tuple[str, str]:
        # datetime() writes YYYY-MM-DD HH:MM:SS and, given a modifier, normalises "02-30" and
        # "24:00": a cell it gives back unchanged has that shape and is a real time (year 0
        # is none in Python).
        return (
            f"CASE length({x}) WHEN 19 THEN datetime({x}, '+0 seconds') IS {x}"
            f" WHEN 16 THEN datetime({x}, '+0 seconds') IS {x} || ':00'"
            f" ELSE 0 END AND {x} >= '0001'",
            f"CASE length({x}) WHEN 16 THEN {x} || ':00' ELSE {x} END",
        )

    def starts(self, x: str) -> str:
        return x


class CalendarDate(Reader):
    hint = "YYYY-MM-DD"

    def __call__(self, value: str) -> str:
        return calendar_date(value)

    def fast(self, x: str) -> tuple[str, str]:
        return f"date({x}, '+0 days') IS {x} AND {x} >= '0001'", x  # as Timestamp.fast

    def starts(self, x: str) -> str:
        return x  # "2026-10-05" sorts before every time of that day


class YearMonth(Reader):
    hint = "YYYY-MM"

    def __call__(self, value: str) -> str:
        return year_month(value)

    def fast(self, x: str) -> tuple[str, str]:
        return f"{x} GLOB '{_YEAR_MONTH}' AND substr({x}, 6) BETWEEN '01' AND '12'", x

    def starts(self, x: str) -> str:
        return x  # "2026-10" sorts before every day of that month


class Period(Reader):
    """A month ``YYYY-MM`` or a quarter ``YYYY-Qn`` (schemes.md's periods)."""

    hint = "YYYY-MM | YYYY-Qn"

    def __call__(self, value: str) -> str:
        quarter = _QUARTER_RE.fullmatch(value)
        if quarter:
            return f"{quarter.group(1)}-Q{quarter.group(2)}"
        try:
            return year_month(value)
        except CellError:
            raise CellError(
                _("{value} is not a month (YYYY-MM) or a quarter (YYYY-Qn)").format(
                    value=shown(value)
                )
            ) from None

    def fast(self, x: str) -> tuple[str, str]:
        month, _value = YearMonth().fast(x)
        return f"(({month}) OR {x} GLOB '{_D * 4}-Q[1-4]')", x

    def starts(self, x: str) -> str:
        first_month = f"printf('%02d', substr({x}, 7) * 3 - 2)"  # "2026-Q4" starts as "2026-10"
        return f"CASE WHEN {x} GLOB '*Q*' THEN substr({x}, 1, 5) || {first_month} ELSE {x} END"


def _sql_text(value: str) -> str:
    return "'" + value.replace("'", "''") + "'"


TIMESTAMP = Timestamp()
STAFF_CODE = Pattern(
    MAX_CHARS["code"],
    regex=CODE,
    reason=N_("{value} is not a code: 1 to 20 letters, digits, - or _"),
    glob="{x} NOT GLOB '*[^A-Za-z0-9_-]*' AND length({x}) <= 20",
)
LOGIN_NAME = Pattern(
    MAX_CHARS["login"],
    regex=LOGIN,
    reason=N_("{value} is not a login: the account name, letters, digits, . _ - (up to 32)"),
    glob="{x} GLOB '[A-Za-z0-9_]*' AND {x} NOT GLOB '*[^A-Za-z0-9_.-]*' AND length({x}) <= 32",
)
KIND_CODE = Pattern(
    40,
    regex=re.compile(r"[a-z0-9_]{1,40}"),
    reason=N_("{value} is not a kind: lower-case letters, digits and _"),
    glob="{x} NOT GLOB '*[^a-z0-9_]*' AND length({x}) <= 40",
)
METRIC = Pattern(
    60,
    regex=re.compile(r"[A-Za-z0-9_.-]{1,60}"),
    reason=N_("{value} is not a metric: letters, digits, . _ -"),
    glob="{x} NOT GLOB '*[^A-Za-z0-9_.-]*' AND length({x}) <= 60",
)
TICKET_CODE = Name(40)  # tickets come from other systems, each with its own numbering


def _free(field: str) -> Text:
    return Text(MAX_CHARS[field])


@dataclass(frozen=True)
class Column:
    """One column of an import file: how its cells read, and whether it may be left empty."""

    name: str
    read: Reader = Text()
    required: bool = False
    default: object = None  # the value of an empty cell
    refers: str | None = None  # "staff", "ticket" or "branch": must name an existing one
    role: str | None = None  # for staff references: the role the person must have
    note: str = ""  # what the cells hold, when the reader's hint does not say it (N_-marked)
    # The cells may name a day still to come (a hiring or a leaving agreed ahead, as the staff
    # screen takes them); any other time later than the import's day is refused.
    planned: bool = False

    @property
    def hint(self) -> str:
        """What the cells hold, for ``fieldkpi import --help`` (not translated yet)."""
        return self.note or _REFERENCE_HINTS.get(self.refers or "", "") or self.read.hint


_REFERENCE_HINTS = {
    "staff": N_("staff code"),
    "ticket": N_("ticket code"),
    "branch": N_("branch code"),
}


def _staff(name: str, *, required: bool = True, role: str | None = None) -> Column:
    return Column(name, TICKET_CODE, required=required, refers="staff", role=role)


def _ticket() -> Column:
    return Column("ticket", TICKET_CODE, refers="ticket")


@dataclass(frozen=True)
class Kind:
    """One kind of import file (named as its table): its columns, and those naming a record.

    ``key``: rows with the same key update one record, and a key given twice in
    one import is a mistake. ``appended``: rows are added, never merged, so a
    file imported twice would count twice (the importer refuses that); with a
    key too (scores), each row is a new entry of its key's value, the last one
    in force.
    """

    name: str
    columns: tuple[Column, ...]
    key: tuple[str, ...] = ()
    appended: bool = False

    def column(self, name: str) -> Column:
        return next(col for col in self.columns if col.name == name)

    @property
    def names(self) -> tuple[str, ...]:
        return tuple(col.name for col in self.columns)

    @property
    def required(self) -> tuple[str, ...]:
        return tuple(col.name for col in self.columns if col.required)


_AT = Column("at", TIMESTAMP, required=True)
_NOTE = Column("note", _free("note"))

KINDS: dict[str, Kind] = {
    kind.name: kind
    for kind in (
        Kind(
            "staff",
            (
                Column("code", STAFF_CODE, required=True),
                Column("name", Name(MAX_NAME), required=True),
                Column("role", OneOf(ROLES), required=True),
                Column("branch", STAFF_CODE, required=True, note=N_("branch code")),
                Column("hired_on", CalendarDate(), planned=True),
                Column("left_on", CalendarDate(), planned=True),
                Column("login", LOGIN_NAME),
            ),
            key=("code",),
        ),
        Kind(
            "tickets",
            (
                Column("code", TICKET_CODE, required=True),
                Column("branch", TICKET_CODE, required=True, refers="branch"),
                Column("kind", OneOf(TICKET_KINDS), required=True),
                Column("received_at", TIMESTAMP, required=True),
                Column("dispatched_at", TIMESTAMP),
                Column("visited_at", TIMESTAMP),
                Column("completed_at", TIMESTAMP),
                Column("cancelled", Whole(0, 1), default=0),
                Column("cancelled_at", TIMESTAMP),
                _staff("engineer", required=False, role="engineer"),
                _staff("rep", required=False, role="rep"),
                Column("callback_at", TIMESTAMP),
                Column("rating", Whole(1, 5)),
                Column("customer", Text(MAX_CHARS["customer"], clean_name)),
                Column("phone", Phone()),
                Column("address", _free("address")),
                Column("product", _free("product")),
                Column("fault", _free("fault")),
            ),
            key=("code",),
        ),
        Kind(
            "actions",
            (_staff("staff"), _AT, Column("action", OneOf(ACTION_KINDS), required=True), _ticket()),
            appended=True,
        ),
        Kind(
            "attendance",
            (
                _staff("staff"),
                Column("month", YearMonth(), required=True),
                Column("days", Whole(0, 31), required=True),
                Column("absent", Whole(0, 31)),
            ),
            key=("staff", "month"),
        ),
        Kind(
            "problems",
            (
                _staff("rep", role="rep"),
                _staff("engineer", role="engineer"),
                _AT,
                Column("points", Number(positive=True)),
                _ticket(),
                _NOTE,
            ),
            appended=True,
        ),
        Kind(
            "scores",
            (
                Column("period", Period(), required=True),
                _staff("staff"),
                Column("metric", METRIC, required=True),
                Column("value", DecimalText(), required=True),
                _NOTE,
            ),
            key=("period", "staff", "metric"),
            appended=True,
        ),
        Kind(
            "deductions",
            (
                _staff("staff"),
                _AT,
                Column("kind", KIND_CODE, required=True, note=" | ".join(DEDUCTION_KINDS)),
                Column("points", Number(), note=N_("only for branch_rule")),
                _ticket(),
                _NOTE,
            ),
            appended=True,
        ),
    )
}

# Staff first, so that every later row can name them; tickets next, for the rows naming tickets.
LOAD_ORDER = {"staff": 0, "tickets": 1}


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
) -> tuple[dict[str, object], list[tuple[int, str]]]:
    """The typed values of one row's cells, and an (index, reason) for each cell that is bad.

    An empty cell's value is None (its column's default applies later); a bad
    cell's is None too, so that the row's other cells can still be checked.
    """
    values: dict[str, object] = {}
    errors: list[tuple[int, str]] = []
    for index, (col, raw) in enumerate(zip(columns, cells, strict=True)):
        cell = raw.strip()
        values[col.name] = None
        if len(cell) > MAX_CELL:
            errors.append((index, _("longer than {n} characters").format(n=MAX_CELL)))
        elif not cell:
            if col.required:
                errors.append((index, _("required")))
        else:
            try:
                values[col.name] = col.read(cell)
            except CellError as exc:
                errors.append((index, str(exc)))
    return values, errors
