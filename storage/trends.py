"""The last months of a branch or a person, from the very rankings the rankings screen shows.

Each month is judged as :func:`storage.standings.branch_ranking` judges it:
its basis (:func:`storage.closing.month_basis`: a closed month's frozen as-of
and scheme) and :func:`storage.closing.rankings_for` (a closed month's frozen
rows). It checks nobody: its callers (:mod:`storage.standings`) check the
person asking, and :mod:`fieldkpi.trends` draws a person's months from them.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime

from fieldkpi.figures import RANKED_ROLES
from fieldkpi.period import Judgement, Period
from fieldkpi.scheme import Scheme
from fieldkpi.trends import MONTHS, BranchMonth, months_to
from storage.closing import MonthBasis, closed_of_other_kind, month_basis, rankings_for
from storage.db import Store


def judged_months(
    store: Store,
    branch: str,
    last: Period,
    scheme_for: Callable[[str], Scheme],
    now: datetime,
    count: int = MONTHS,
    roles: tuple[str, ...] = RANKED_ROLES,
) -> tuple[MonthBasis, list[BranchMonth]]:
    """The ``count`` periods up to ``last``, oldest first, each ranked once; and ``last``'s basis.

    The period shown is the last of them, so a screen that shows it with its
    trend judges it once. Checks nobody: its callers check the person asking.
    """
    months = []
    for period in months_to(last, count):
        basis = month_basis(store, branch, period, scheme_for, now)
        rows = rankings_for(
            store, basis.judgement, scheme_for, branch=branch, roles=roles, closings=basis.closings
        )
        months.append(BranchMonth(period, rows))
    return basis, months


def with_closed_of_other_kind(
    store: Store,
    branch: str,
    months: list[BranchMonth],
    roles: tuple[str, ...] = RANKED_ROLES,
) -> list[BranchMonth]:
    """``months`` (:func:`judged_months`) with the branch's closed periods of the other kind
    that lie among them, each by its frozen rows, in order of their end; the last twelve,
    the period shown still last.

    A branch that closed October by month, then went quarterly, paid October by its
    frozen rows: a trend of quarters alone would show nothing of it (nor anything at all
    to an engineer the quarterly scheme does not appraise).
    """
    *before, shown = months
    closed = closed_of_other_kind(
        store, branch, shown.period.kind, months[0].period.first_day, shown.period.last_day
    )
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
        for c in closed
    ]
    by_end = sorted([*before, *frozen], key=lambda m: (m.period.last_day, m.period.span))
    return [*by_end, shown][-len(months) :]
