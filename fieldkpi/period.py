"""Appraisal periods — calendar months and quarters — and the moment each is judged (as-of)."""

from __future__ import annotations

import calendar
import re
from dataclasses import dataclass
from datetime import date, datetime

from fieldkpi.i18n import _

STAMP = "%Y-%m-%d %H:%M:%S"
_MONTH = re.compile(r"^(\d{4})-(\d{2})$")
_QUARTER = re.compile(r"^(\d{4})-Q(\d)$", re.IGNORECASE)
PERIOD_KINDS = ("month", "quarter")


@dataclass(frozen=True, order=True)
class Period:
    """A calendar month (``2026-10``) or quarter (``2026-Q4``) of local wall-clock time.

    ``month`` is the first month of the period and ``span`` its length in
    months, so that a quarter is read with the same arithmetic as a month.
    """

    year: int
    month: int
    span: int = 1

    @classmethod
    def parse(cls, text: str) -> Period:
        """``YYYY-MM`` or ``YYYY-Qn``; a ValueError that says which forms are meant."""
        text = text.strip()
        if match := _MONTH.match(text):
            if 1 <= int(match[2]) <= 12:
                return cls(int(match[1]), int(match[2]))
        elif (match := _QUARTER.match(text)) and 1 <= int(match[2]) <= 4:
            return cls.quarter(int(match[1]), int(match[2]))
        raise ValueError(
            _("{text!r} is not a month like 2026-10 or a quarter like 2026-Q4").format(text=text)
        )

    @classmethod
    def quarter(cls, year: int, number: int) -> Period:
        return cls(year, 3 * number - 2, 3)

    @classmethod
    def of(cls, moment: date, kind: str = "month") -> Period:
        """The month (or quarter) a day falls in."""
        if kind == "quarter":
            return cls.quarter(moment.year, (moment.month - 1) // 3 + 1)
        return cls(moment.year, moment.month)

    @property
    def kind(self) -> str:
        return "quarter" if self.span == 3 else "month"

    def __str__(self) -> str:
        if self.kind == "quarter":
            return f"{self.year:04d}-Q{(self.month - 1) // 3 + 1}"
        return f"{self.year:04d}-{self.month:02d}"

    @property
    def first_day(self) -> date:
        return date(self.year, self.month, 1)

    @property
    def last_day(self) -> date:
        year, month = self._add_months(self.span - 1)
        return date(year, month, calendar.monthrange(year, month)[1])

    @property
    def start(self) -> datetime:
        return datetime.combine(self.first_day, datetime.min.time())

    @property
    def end(self) -> datetime:
        """The last second of the period: the as-of of a finished period."""
        return datetime.combine(self.last_day, datetime.max.time()).replace(microsecond=0)

    def _add_months(self, months: int) -> tuple[int, int]:
        index = self.year * 12 + self.month - 1 + months
        return index // 12, index % 12 + 1

    def shift(self, periods: int) -> Period:
        """The period ``periods`` before (negative) or after this one, of the same kind."""
        return Period(*self._add_months(periods * self.span), self.span)

    def year_start(self) -> Period:
        """The first period of the same kind in this period's year."""
        return Period(self.year, 1, self.span)

    def months(self) -> list[Period]:
        """The calendar months the period is made of."""
        return [Period(*self._add_months(n)) for n in range(self.span)]

    def contains(self, day: date) -> bool:
        return self.first_day <= day <= self.last_day

    def as_kind(self, kind: str, today: date) -> Period:
        """This period as one of ``kind``: a month's quarter, or a quarter's last month begun
        by ``today`` (a screen asked for a quarter of a branch now appraised by month)."""
        if self.kind == kind:
            return self
        if kind == "quarter":
            return Period.of(self.first_day, kind)
        return Period.of(min(self.last_day, max(today, self.first_day)))


def periods_within(first: date, last: date) -> list[Period]:
    """Every month and every quarter lying wholly within ``first``–``last``, months first."""
    found = []
    for kind in PERIOD_KINDS:
        period = Period.of(first, kind)
        while period.last_day <= last:
            if period.first_day >= first:
                found.append(period)
            period = period.shift(1)
    return found


@dataclass(frozen=True)
class Judgement:
    """When a period is judged, and whether the figures can still change."""

    period: Period
    as_of: datetime

    @property
    def provisional(self) -> bool:
        return self.as_of < self.period.end

    @property
    def window_end(self) -> datetime:
        """Events count when they fall in the period and not after as-of."""
        return min(self.as_of, self.period.end)


class AsOfOutside(ValueError):
    """An explicit as-of that does not lie inside its period (kpi-rules "as-of")."""


class NotBegun(ValueError):
    """A period judged before its first second: nothing of it has happened yet."""


def judge(period: Period, now: datetime, as_of: datetime | None = None) -> Judgement:
    """As-of is the period's last second, or *now* while it is running.

    An explicit as-of must lie inside the period: judged before its first
    second or after its last, a period's figures would mean nothing.
    """
    if as_of is None:
        if now < period.start:
            raise NotBegun(
                _("{period} has not begun yet: it starts on {start}.").format(
                    period=period, start=period.first_day.isoformat()
                )
            )
        return Judgement(period, min(now.replace(microsecond=0), period.end))
    if not period.start <= as_of <= period.end:
        raise AsOfOutside(
            _("--as-of {as_of} is not inside {period} ({start} … {end})").format(
                as_of=stamp(as_of), period=period, start=stamp(period.start), end=stamp(period.end)
            )
        )
    return Judgement(period, as_of)


def stamp(moment: datetime) -> str:
    return moment.strftime(STAMP)


def provisional_line(as_of: datetime | None) -> str:
    """Figures judged before their period ended can still change: said in one text everywhere.

    The rankings, a person's own figures, ``fieldkpi rank`` and the workbook's
    printed title say it alike, in either language. ``None``: nobody is ranked,
    so no moment was read (a dash).
    """
    return _("PROVISIONAL — as of {as_of}; figures can still change").format(
        as_of=stamp(as_of) if as_of else "—"
    )
