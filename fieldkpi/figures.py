"""The plain facts a ranking is computed from, as storage hands them over.

Storage fills these with SQL aggregates; the domain turns them into points.
Nothing here knows about SQLite, and nothing here computes a KPI.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date
from fractions import Fraction

from fieldkpi.period import Judgement

ROLES = ("rep", "engineer", "lead", "admin")
RANKED_ROLES = ("rep", "engineer")


@dataclass(frozen=True)
class Person:
    code: str
    name: str
    branch: str
    role: str
    hired_on: date | None = None
    left_on: date | None = None


@dataclass(frozen=True)
class TicketCounts:
    """A person's tickets by the timeliness bucket they fall in for the period.

    ``by_day[k-1]`` counts tickets completed on day k (k = 1..7), ``late`` those
    completed on day 8 or later, ``open_over`` those still open past the limit.
    """

    by_day: tuple[int, ...] = (0,) * 7
    late: int = 0
    open_over: int = 0

    @property
    def completed(self) -> int:
        return sum(self.by_day) + self.late

    @property
    def orders(self) -> int:
        return self.completed + self.open_over


@dataclass(frozen=True)
class PersonFigures:
    """Everything counted for one person in one period; rep-only fields stay 0 for engineers."""

    person: Person
    tickets: TicketCounts = field(default_factory=TicketCounts)
    ratings: tuple[int, ...] = (0,) * 5  # callbacks rated 1, 2, 3, 4, 5
    deductions: Mapping[str, int] = field(default_factory=dict)  # events per kind
    entered_deduction_points: Fraction = Fraction(0)  # sum over kinds that carry points
    problem_points: Fraction = Fraction(0)  # of the reports filed with points of their own
    unscored_problems: int = 0  # reports filed without: the scheme's default applies
    visits: int = 0
    workload: int = 0
    attendance_days: int | None = None
    active_days: int = 0


@dataclass(frozen=True)
class WorkloadMonth:
    """One rep's workload in one month, for the branch's annual maximum daily workload."""

    staff: str
    period: str
    workload: int
    attendance_days: int | None
    active_days: int


@dataclass(frozen=True)
class BranchFigures:
    """The facts for ranking one role of one branch in one period.

    ``workload_history`` holds every rep-month of the branch from January up to
    and including the period itself: the annual maximum is taken from it alone.
    """

    branch: str
    role: str
    judgement: Judgement
    people: list[PersonFigures]
    workload_history: list[WorkloadMonth] = field(default_factory=list)
