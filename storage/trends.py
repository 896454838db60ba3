"""The last months of a branch or a person, from the very rankings the rankings screen shows.

Each month is judged as :func:`storage.standings.branch_ranking` judges it:
its basis (:func:`storage.closing.month_basis`: a closed month's frozen as-of
and scheme) and :func:`storage.closing.rankings_for` (a closed month's frozen
rows). Both functions check the person asking; a person's own trend returns
their own rows and, as :mod:`fieldkpi.trends` explains, the role's average
only where it gives nobody away.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime

from fieldkpi import access
from fieldkpi.figures import RANKED_ROLES, Person
from fieldkpi.kpi_columns import kpi_columns
from fieldkpi.period import Period
from fieldkpi.scheme import Scheme
from fieldkpi.trends import MONTHS, BranchMonth, TrendMonth, months_to, person_trend
from storage.closing import month_basis, rankings_for
from storage.db import Store


def _branch_months(
    store: Store,
    branch: str,
    last: Period,
    scheme_for: Callable[[str], Scheme],
    now: datetime,
    count: int,
    roles: tuple[str, ...] = RANKED_ROLES,
) -> list[BranchMonth]:
    months = []
    for period in months_to(last, count):
        basis = month_basis(store, branch, period, scheme_for, now)
        rows = rankings_for(store, basis.judgement, scheme_for, branch=branch, roles=roles)
        months.append(BranchMonth(period, rows))
    return months


def branch_months(
    store: Store,
    actor: Person,
    branch: str,
    last: Period,
    scheme_for: Callable[[str], Scheme],
    now: datetime,
    count: int = MONTHS,
) -> list[BranchMonth]:
    """The branch's rankings of the ``count`` months up to ``last``, oldest first."""
    access.check_see_rankings(actor, branch)
    return _branch_months(store, branch, last, scheme_for, now, count)


def own_trend(
    store: Store,
    actor: Person,
    last: Period,
    scheme_for: Callable[[str], Scheme],
    now: datetime,
    count: int = MONTHS,
) -> list[TrendMonth]:
    """The signed-in person's own months: their rows, and the role's average where allowed."""
    access.check_see_figures(actor, actor)
    if actor.role not in RANKED_ROLES:
        return []
    months = _branch_months(store, actor.branch, last, scheme_for, now, count, (actor.role,))
    columns = kpi_columns(actor.role, scheme=scheme_for(actor.branch))
    return person_trend(months, actor.code, actor.role, columns, sees_everyone=False)
