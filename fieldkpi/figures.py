"""The plain facts a ranking is computed from, as storage hands them over.

Storage fills these with SQL aggregates; the domain turns them into points.
Nothing here knows about SQLite, and nothing here computes a KPI.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date
from fractions import Fraction
from typing import Any

from fieldkpi.period import Judgement

ROLES = ("rep", "engineer", "lead", "admin")
RANKED_ROLES = ("rep", "engineer")


@dataclass(frozen=True, slots=True)
class Person:
    code: str
    name: str
    branch: str
    role: str
    hired_on: date | None = None
    left_on: date | None = None


@dataclass(frozen=True, slots=True)
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


@dataclass(frozen=True, slots=True)
class WorkloadMonth:
    """One rep's workload in one month, for the branch's annual maximum daily workload."""

    staff: str
    period: str
    workload: int
    attendance_days: int | None
    active_days: int


# What storage counted for one person and one measure (see fieldkpi.measures): e.g.
# {"tickets": TicketCounts(...)} for timeliness, {"ratings": (0, 0, 1, 3, 6)} for satisfaction.
Counts = Mapping[str, Any]


@dataclass(frozen=True, slots=True)
class PersonFigures:
    """Everything counted for one person in one period.

    ``counts`` holds, per measure key (``Kpi.key``), what that measure is
    made from; ``adjustments`` the events that stand, per kind: how many,
    and the sum of the points entered with them.
    """

    person: Person
    counts: Mapping[tuple, Counts] = field(default_factory=dict)
    adjustments: Mapping[str, tuple[int, Fraction]] = field(default_factory=dict)


@dataclass(frozen=True, slots=True)
class PoolFigures:
    """The facts for ranking one role of one branch in one period.

    ``workload_history`` holds every rep-month of the branch from January up to
    and including the period itself: the annual maximum is taken from it alone.
    """

    branch: str
    role: str
    judgement: Judgement
    people: list[PersonFigures]
    workload_history: list[WorkloadMonth] = field(default_factory=list)
