"""A person's own place in their ranking, told without anyone else's name, score or rank.

Only the person's own row and how many are ranked: no distance to the next
rank up. "7.50 points to the next rank up" is the next person's total (one's
own total plus 7.50), and even a coarse hint ("less than 5 points") tells
within a few points what a colleague scored. What the person can act on is
their own: the points each open ticket is about to lose (fix first).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from fieldkpi.ranking import RankRow


@dataclass(frozen=True)
class OwnStanding:
    """The person's own row and how many are ranked with them."""

    row: RankRow
    ranked: int


def standing_of(rows: Sequence[RankRow], staff_code: str) -> OwnStanding | None:
    """From the rows of one (branch, role, period); ``None`` when the person is not ranked."""
    own = next((row for row in rows if row.staff_code == staff_code), None)
    if own is None:
        return None
    return OwnStanding(own, len(rows))
