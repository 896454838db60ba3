"""The last months of a branch or a person, from the very rankings the rankings screen shows.

Each month is judged as :func:`storage.standings.branch_ranking` judges it:
its basis (:func:`storage.closing.month_basis`: a closed month's frozen as-of
and scheme) and :func:`storage.closing.rankings_for` (a closed month's frozen
rows). :func:`person_months` checks the person asking: a person's own trend
holds their own rows and, as :mod:`fieldkpi.trends` explains, the role's
average only where it gives nobody away; the lead of their branch (or an
admin) sees every average.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime

from fieldkpi import access
from fieldkpi.figures import RANKED_ROLES, Person
from fieldkpi.i18n import _
from fieldkpi.period import Period
from fieldkpi.scheme import Scheme
from fieldkpi.trends import MONTHS, BranchMonth, TrendMonth, months_to, trend_of
from storage.closing import MonthBasis, month_basis, rankings_for
from storage.db import Store
from storage.errors import NotFound
from storage.people import staff_by_code


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


def person_months(
    store: Store,
    actor: Person,
    staff: str,
    last: Period,
    scheme_for: Callable[[str], Scheme],
    now: datetime,
    count: int = MONTHS,
) -> list[TrendMonth]:
    """A person's last ``count`` periods up to ``last``, as ``actor`` may see them.

    Their own, or anyone's of a branch whose rankings ``actor`` sees (its
    lead, an admin), who also sees the role's average every month. Empty
    for someone nobody ranks (a lead, an admin).
    """
    person = actor if staff == actor.code else staff_by_code(store, staff)
    if person is None:
        raise NotFound(_("There is nobody with the code {code}.").format(code=staff))
    access.check_see_figures(actor, person)
    if person.role not in RANKED_ROLES:
        return []
    basis, months = judged_months(
        store, person.branch, last, scheme_for, now, count, (person.role,)
    )
    sees_everyone = access.can_see_rankings(actor, person.branch)
    return trend_of(months, person.code, person.role, basis.scheme, sees_everyone=sees_everyone)
