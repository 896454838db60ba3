"""A period's rankings: counts from SQL, points from the domain, per branch and role."""

from __future__ import annotations

from collections.abc import Callable, Iterable

from fieldkpi.figures import RANKED_ROLES
from fieldkpi.period import Judgement
from fieldkpi.ranking import RankRow, export_order, rank_pool
from fieldkpi.scheme import Scheme
from storage.db import Store
from storage.measures import branch_codes, pool_figures


def compute_rankings(
    store: Store,
    judgement: Judgement,
    scheme_for: Callable[[str], Scheme],
    *,
    branch: str | None = None,
    roles: Iterable[str] = RANKED_ROLES,
) -> list[RankRow]:
    """Rows ordered by branch, role, rank, staff code (the export order of interfaces.md).

    ``scheme_for(branch)`` gives each branch its own scheme; a branch whose
    scheme appraises by another kind of period (a quarter, when a month is
    judged) is not ranked for this one.
    """
    codes = [branch] if branch is not None else branch_codes(store)
    schemes = {code: scheme_for(code) for code in codes}
    schemes = {c: s for c, s in schemes.items() if s.period == judgement.period.kind}
    rows: list[RankRow] = []
    for role in sorted(roles, key=RANKED_ROLES.index):
        appraised = {c: s for c, s in schemes.items() if role in s.roles}
        if not appraised:
            continue
        pools = pool_figures(store, role, judgement, appraised, branch=branch)
        for code, figures in pools.items():
            rows.extend(rank_pool(figures, appraised[code]))
    rows.sort(key=export_order)
    return rows
