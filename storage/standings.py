"""Rankings as a person may see them: the whole branch for its lead, one's own place otherwise.

Every function takes the person asking and checks :mod:`fieldkpi.access`
before reading, so a screen cannot show what its user may not see. A closed
month gives its frozen rows (:mod:`storage.closing`).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime

from fieldkpi import access
from fieldkpi.figures import RANKED_ROLES, Person
from fieldkpi.i18n import _
from fieldkpi.period import Period
from fieldkpi.ranking import RankRow
from fieldkpi.scheme import Scheme
from fieldkpi.standing import OwnStanding, standing_of
from storage.closing import ClosedMonth, changed_since_closing, month_basis, rankings_for
from storage.db import Store
from storage.errors import NotFound
from storage.people import staff_by_code


@dataclass(frozen=True)
class BranchRanking:
    """A branch's month as its lead sees it.

    ``changed`` names the people whose live figures now differ from the frozen
    ones (closed months only); ``previous_ranks`` maps staff code to last
    month's rank, absent for someone new to the ranking.
    """

    branch: str
    period: Period
    rows: list[RankRow]
    provisional: bool
    closed: ClosedMonth | None
    changed: list[str]
    previous_ranks: dict[str, int]
    scheme: Scheme  # what the rows are judged by: a closed month's frozen scheme


def branch_ranking(
    store: Store,
    actor: Person,
    branch: str,
    period: Period,
    scheme_for: Callable[[str], Scheme],
    now: datetime,
) -> BranchRanking:
    """Both roles' rows of a branch's month, with last month's ranks to compare."""
    access.check_see_rankings(actor, branch)
    basis = month_basis(store, branch, period, scheme_for, now)
    rows = rankings_for(store, basis.judgement, scheme_for, branch=branch)
    previous = month_basis(store, branch, period.shift(-1), scheme_for, now)
    before = rankings_for(store, previous.judgement, scheme_for, branch=branch)
    return BranchRanking(
        branch=branch,
        period=period,
        rows=rows,
        provisional=basis.judgement.provisional,
        closed=basis.closed,
        changed=changed_since_closing(store, branch, period) if basis.closed else [],
        previous_ranks={row.staff_code: row.rank for row in before},
        scheme=basis.scheme,
    )


def own_standing(
    store: Store,
    actor: Person,
    period: Period,
    scheme_for: Callable[[str], Scheme],
    now: datetime,
    staff: str | None = None,
) -> OwnStanding | None:
    """A person's own row and the number ranked; nothing of anybody else's.

    ``staff`` defaults to the actor. ``None`` when the person is not ranked
    that month (a lead or admin, or not employed then).
    """
    person = actor if staff is None or staff == actor.code else staff_by_code(store, staff)
    if person is None:
        raise NotFound(_("There is nobody with the code {code}.").format(code=staff))
    access.check_see_figures(actor, person)
    if person.role not in RANKED_ROLES:
        return None
    basis = month_basis(store, person.branch, period, scheme_for, now)
    rows = rankings_for(
        store, basis.judgement, scheme_for, branch=person.branch, roles=[person.role]
    )
    return standing_of(rows, person.code)
