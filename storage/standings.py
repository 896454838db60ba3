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
from fieldkpi.live_figures import LiveChange
from fieldkpi.period import Period
from fieldkpi.ranking import RankRow
from fieldkpi.scheme import Scheme
from fieldkpi.standing import OwnStanding, standing_of
from fieldkpi.trends import BranchMonth, TrendMonth, said, trend_of
from storage.closing import (
    ClosedMonth,
    MonthBasis,
    changed_people,
    month_basis,
    rankings_for,
)
from storage.db import Store
from storage.leavers import LeftHolder, left_holders, left_reps
from storage.trends import judged_months, with_closed_of_other_kind


@dataclass(frozen=True)
class BranchRanking:
    """A branch's month as its lead sees it.

    ``changed`` holds the people whose live figures now differ from the frozen
    ones (closed months only), by code, with both rows (someone added since the
    closing too): only who sees the branch's whole ranking reads it.
    ``previous_ranks`` maps staff code to last month's rank, absent for someone
    new to the ranking. ``months`` are the last twelve, this one last: the
    sparklines.
    """

    branch: str
    period: Period
    rows: list[RankRow]
    provisional: bool
    closed: ClosedMonth | None
    changed: dict[str, LiveChange]
    previous_ranks: dict[str, int]
    scheme: Scheme  # what the rows are judged by: a closed month's frozen scheme
    months: list[BranchMonth]
    # open tickets held now by engineers who have left: nobody's figures, the lead's to hand on
    left_holders: list[LeftHolder]
    # open tickets whose rep has left: no rep's figures, the lead's to see followed up
    left_reps: list[LeftHolder]

    def trend(self, row: RankRow) -> list[TrendMonth]:
        """The person's last twelve months with the role's average every month: only who
        sees the branch's whole ranking reads one (:func:`branch_ranking` checks)."""
        return trend_of(self.months, row.staff_code, row.role, self.scheme, sees_everyone=True)


def branch_ranking(
    store: Store,
    actor: Person,
    branch: str,
    period: Period,
    scheme_for: Callable[[str], Scheme],
    now: datetime,
) -> BranchRanking:
    """Both roles' rows of a branch's month, last month's ranks to compare, the last twelve.

    Each month is ranked once: the month shown is the last of the twelve, the
    one its ranks are compared with the one before (none, when nobody had data
    in it: see :func:`fieldkpi.trends.said`).
    """
    access.check_see_rankings(actor, branch)
    judged = judged_months(store, branch, period, scheme_for, now)
    basis, months = judged.basis, judged.months
    rows, before = months[-1].rows, months[-2].rows
    return BranchRanking(
        branch=branch,
        period=period,
        rows=rows,
        provisional=basis.judgement.provisional,
        closed=basis.closed,
        changed=changed_people(store, branch, period, closed=basis.closed, frozen=rows)
        if basis.closed
        else {},
        previous_ranks={  # a month nobody had data in ranked nobody worth comparing with
            row.staff_code: row.rank
            for role in RANKED_ROLES
            for row in said([r for r in before if r.role == role])
        },
        scheme=basis.scheme,
        months=months,
        left_holders=left_holders(store, actor, branch, now.date()),
        left_reps=left_reps(store, actor, branch, now.date()),
    )


@dataclass(frozen=True)
class OwnMonth:
    """The signed-in person's period: what it is judged by, where they stand, their last twelve.

    ``standing`` is ``None`` and ``trend`` empty for someone nobody ranks.
    ``change``: the period is closed and the person's live row now differs
    from their frozen one: both rows, theirs alone (``None`` otherwise).
    """

    basis: MonthBasis
    standing: OwnStanding | None
    trend: list[TrendMonth]
    change: LiveChange | None


def own_month(
    store: Store,
    actor: Person,
    period: Period,
    scheme_for: Callable[[str], Scheme],
    now: datetime,
) -> OwnMonth:
    """The actor's own period and trend, the period judged once (it is the trend's last).

    Whether (and by how much) their figures changed since the closing is asked of
    the rows just judged, their role's: a person's role never changes, so theirs is
    among them (someone nobody ranks has no row to change). The trend holds the
    branch's closed periods of the other kind too
    (:func:`storage.trends.with_closed_of_other_kind`).
    """
    access.check_see_figures(actor, actor)
    if actor.role not in RANKED_ROLES:
        basis = month_basis(store, actor.branch, period, scheme_for, now)
        return OwnMonth(basis, None, [], change=None)
    roles = (actor.role,)
    judged = judged_months(store, actor.branch, period, scheme_for, now, roles=roles)
    basis, rows = judged.basis, judged.months[-1].rows
    change = (
        changed_people(
            store, actor.branch, period, closed=basis.closed, frozen=rows, roles=roles
        ).get(actor.code)
        if basis.closed is not None
        else None
    )
    # a ranked person sees their own rows only (a lead or an admin is ranked by nobody)
    months = with_closed_of_other_kind(store, actor.branch, judged, roles)
    trend = trend_of(months, actor.code, actor.role, basis.scheme, sees_everyone=False)
    return OwnMonth(basis, standing_of(rows, actor.code), trend, change)


@dataclass(frozen=True)
class PersonRow:
    """One person's row of a branch's period as the rankings show it now — a closed
    period's frozen row — (``None``: no longer ranked), with what the period is judged by;
    ``changed``: closed, and their live row now differs from the frozen one."""

    basis: MonthBasis
    row: RankRow | None
    changed: bool


def person_row(
    store: Store,
    actor: Person,
    row: RankRow,
    scheme_for: Callable[[str], Scheme],
    now: datetime,
) -> PersonRow:
    """``row``'s person in its branch, role and period, read again: what the lead's facts of
    them explain, kept up with saves as the rankings beneath are (only their role is ranked)."""
    access.check_see_rankings(actor, row.branch)
    period, roles = Period.parse(row.period), (row.role,)
    basis = month_basis(store, row.branch, period, scheme_for, now)
    rows = rankings_for(
        store, basis.judgement, scheme_for, branch=row.branch, roles=roles, closings=basis.closings
    )
    changed = basis.closed is not None and row.staff_code in changed_people(
        store, row.branch, period, closed=basis.closed, frozen=rows, roles=roles
    )
    found = next((r for r in rows if r.staff_code == row.staff_code), None)
    return PersonRow(basis, found, changed)
