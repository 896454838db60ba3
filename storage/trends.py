"""The last months of a branch or a person, from the very rankings the rankings screen shows.

Each month is judged as :func:`storage.standings.branch_ranking` judges it:
its basis (:func:`storage.closing.month_basis`: a closed month's frozen as-of
and scheme) and :func:`storage.closing.rankings_for` (a closed month's frozen
rows). It checks nobody: its callers (:mod:`storage.standings`) check the
person asking, and :mod:`fieldkpi.trends` draws a person's months from them.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime

from fieldkpi.figures import RANKED_ROLES
from fieldkpi.period import Judgement, Period
from fieldkpi.scheme import Scheme
from fieldkpi.trends import MONTHS, BranchMonth, months_to
from storage.closing import (
    ClosedMonth,
    MonthBasis,
    basis_of,
    closed_within,
    of_other_kind,
    rankings_for,
)
from storage.db import Store


@dataclass(frozen=True)
class JudgedMonths:
    """The periods up to the one shown, each ranked once, and what they were judged by."""

    basis: MonthBasis  # the last period's: the one shown
    months: list[BranchMonth]  # oldest first
    closed: list[ClosedMonth]  # the branch's closed periods among them, of either kind


def judged_months(
    store: Store,
    branch: str,
    last: Period,
    scheme_for: Callable[[str], Scheme],
    now: datetime,
    count: int = MONTHS,
    roles: tuple[str, ...] = RANKED_ROLES,
) -> JudgedMonths:
    """The ``count`` periods up to ``last``, oldest first, each ranked once; and ``last``'s basis.

    The period shown is the last of them, so a screen that shows it with its
    trend judges it once. The branch's closings among them, of either kind, are
    read at once (:func:`storage.closing.closed_within`) and handed on: one's own
    trend takes the other kind's from them (:func:`with_closed_of_other_kind`).
    Checks nobody: its callers check the person asking.
    """
    periods = months_to(last, count)
    closed = closed_within(store, branch, periods[0].first_day, last.last_day)
    closings = {c.period: c for c in closed}
    months = []
    for period in periods:
        basis = basis_of(branch, period, closings.get(period), scheme_for, now)
        rows = rankings_for(
            store, basis.judgement, scheme_for, branch=branch, roles=roles, closings=basis.closings
        )
        months.append(BranchMonth(period, rows))
    return JudgedMonths(basis, months, closed)


def with_closed_of_other_kind(
    store: Store, branch: str, judged: JudgedMonths, roles: tuple[str, ...] = RANKED_ROLES
) -> list[BranchMonth]:
    """The months judged with the branch's closed periods of the other kind that lie among
    them, each by its frozen rows, in order of their end; the last twelve, the period
    shown still last.

    A branch that closed October by month, then went quarterly, paid October by its
    frozen rows: a trend of quarters alone would show nothing of it (nor anything at all
    to an engineer the quarterly scheme does not appraise).
    """
    *before, shown = judged.months
    frozen = [
        BranchMonth(
            c.period,
            rankings_for(
                store,
                Judgement(c.period, c.as_of),
                lambda _branch, scheme=c.scheme: scheme,
                branch=branch,
                roles=roles,
                closings={branch: c},
            ),
        )
        for c in of_other_kind(judged.closed, shown.period.kind)
    ]
    by_end = sorted([*before, *frozen], key=lambda m: (m.period.last_day, m.period.span))
    return [*by_end, shown][-len(judged.months) :]
