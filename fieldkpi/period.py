"""Appraisal periods (calendar months) and the moment each is judged (as-of)."""

from __future__ import annotations

import calendar
import re
from dataclasses import dataclass
from datetime import date, datetime

from dateutil.relativedelta import relativedelta

from fieldkpi.i18n import _

STAMP = "%Y-%m-%d %H:%M:%S"
_MONTH = re.compile(r"^(\d{4})-(\d{2})$")


@dataclass(frozen=True, order=True)
class Period:
    """One calendar month, ``YYYY-MM``. Timestamps are local wall-clock time."""

    year: int
    month: int

    @classmethod
    def parse(cls, text: str) -> Period:
        match = _MONTH.match(text.strip())
        if not match or not 1 <= int(match[2]) <= 12:
            raise ValueError(_("{text!r} is not a month like 2026-10").format(text=text))
        return cls(int(match[1]), int(match[2]))

    @classmethod
    def of(cls, moment: date) -> Period:
        return cls(moment.year, moment.month)

    def __str__(self) -> str:
        return f"{self.year:04d}-{self.month:02d}"

    @property
    def first_day(self) -> date:
        return date(self.year, self.month, 1)

    @property
    def last_day(self) -> date:
        return date(self.year, self.month, calendar.monthrange(self.year, self.month)[1])

    @property
    def start(self) -> datetime:
        return datetime.combine(self.first_day, datetime.min.time())

    @property
    def end(self) -> datetime:
        """The last second of the month: the as-of of a finished month."""
        return datetime.combine(self.last_day, datetime.max.time()).replace(microsecond=0)

    def shift(self, months: int) -> Period:
        return Period.of(self.first_day + relativedelta(months=months))

    def year_start(self) -> Period:
        return Period(self.year, 1)

    def contains(self, day: date) -> bool:
        return self.first_day <= day <= self.last_day


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
        """Events count when they fall in the month and not after as-of."""
        return min(self.as_of, self.period.end)


def judge(period: Period, now: datetime, as_of: datetime | None = None) -> Judgement:
    """As-of is the month's last second, or *now* while the month is running."""
    if as_of is None:
        as_of = min(now.replace(microsecond=0), period.end)
    return Judgement(period, as_of)


def stamp(moment: datetime) -> str:
    return moment.strftime(STAMP)
