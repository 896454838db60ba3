"""The month's rankings: figures from SQL, points from the domain, per branch and role."""

from __future__ import annotations

from collections.abc import Callable, Iterable

from fieldkpi.figures import RANKED_ROLES
from fieldkpi.period import Judgement
from fieldkpi.ranking import RankRow, export_order, rank_branch
from fieldkpi.scheme import Scheme
from storage.db import Store
from storage.figures import branch_codes, period_figures


def compute_rankings(
    store: Store,
    judgement: Judgement,
    scheme_for: Callable[[str], Scheme],
    *,
    branch: str | None = None,
    roles: Iterable[str] = RANKED_ROLES,
) -> list[RankRow]:
    """Rows ordered by branch, role, rank, staff code (the export order of interfaces.md).

    ``scheme_for(branch)`` gives each branch its own scheme; figures are
    fetched once per role for all branches, with each branch's open-days limit
    (the one setting the SQL itself needs).
    """
    rows: list[RankRow] = []
    roles = tuple(roles)
    for role in sorted(roles, key=RANKED_ROLES.index):
        by_open_days: dict[int, list[str]] = {}
        schemes = {}
        for code in [branch] if branch is not None else branch_codes(store):
            schemes[code] = scheme_for(code)
            by_open_days.setdefault(schemes[code].open_days, []).append(code)
        for open_days, codes in by_open_days.items():
            figures = period_figures(
                store, role, judgement, open_days, branch=codes[0] if len(codes) == 1 else None
            )
            for code in codes:
                rows.extend(rank_branch(figures[code], schemes[code]))
    rows.sort(key=export_order)
    return rows
